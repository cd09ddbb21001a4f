#!/usr/bin/env bash
# Removes the stack deployed by deploy-local.sh from LocalStack. Extra arguments go to
# `cdk destroy` (e.g. the same -c options given to the deployment).
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=localstack/cdklocal-env.sh
source localstack/cdklocal-env.sh

npx --no-install cdklocal destroy --force -c target=localstack "${context_args[@]}" "$@"
rm -f .local/localstack-outputs.json
