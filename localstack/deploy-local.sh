#!/usr/bin/env bash
# Deploys the stack to a running LocalStack with cdklocal (aws-cdk-local): bootstrap, then deploy
# with `-c target=localstack`. Extra arguments go to `cdk deploy`, e.g.
#   npm run deploy:local -- -c config=localstack/my-config.json
#   npm run deploy:local -- -c eventSource.enabled=true      (Kafka mapping: LocalStack Pro)
# Environment: see localstack/cdklocal-env.sh.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=localstack/cdklocal-env.sh
source localstack/cdklocal-env.sh

# Report the services the stack needs that LocalStack does not offer.
node -e '
  const services = JSON.parse(process.argv[1]).services ?? {};
  const needed = ["cloudformation", "lambda", "s3", "iam", "sts", "ssm", "logs", "cloudwatch"];
  const missing = needed.filter((s) => !["available", "running"].includes(services[s]));
  if (missing.length > 0) {
    console.error(`warning: LocalStack reports these services unavailable: ${missing.join(", ")}`);
  }
' "$health"

mkdir -p .local
echo "Deploying to LocalStack at ${endpoint} (${region}) ${context_args[*]:-}"
# The environment given explicitly: bootstrap then needs no synthesis (and no bundling) of the app.
npx --no-install cdklocal bootstrap "aws://${LOCALSTACK_ACCOUNT:-000000000000}/${region}"
npx --no-install cdklocal deploy -c target=localstack -c "localstack.endpoint=${endpoint}" \
  "${context_args[@]}" --require-approval never \
  --outputs-file .local/localstack-outputs.json "$@"
echo "Stack outputs written to .local/localstack-outputs.json"
