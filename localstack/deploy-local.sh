#!/usr/bin/env bash
# Deploys the stack to a running LocalStack with cdklocal (aws-cdk-local): bootstrap, then deploy
# with `-c target=localstack`. Extra arguments go to `cdk deploy`, e.g.
#   npm run deploy:local -- -c config=localstack/my-config.json
#   npm run deploy:local -- -c eventSource.enabled=true      (Kafka mapping: LocalStack Pro)
# Environment:
#   LOCALSTACK_ENDPOINT   LocalStack gateway seen from this machine (default http://localhost:4566)
#   AWS_ENDPOINT_URL_S3   S3 virtual-host endpoint for cdklocal (derived from the gateway)
#   AWS_REGION            region to deploy into (default us-east-1)
set -euo pipefail

cd "$(dirname "$0")/.."

endpoint="${LOCALSTACK_ENDPOINT:-http://localhost:4566}"
endpoint="${endpoint%/}"
region="${AWS_REGION:-${AWS_DEFAULT_REGION:-us-east-1}}"

err_file="$(mktemp)"
trap 'rm -f "${err_file}"' EXIT

# Fail early and clearly when nothing answers: cdklocal would otherwise retry for minutes.
if ! health="$(node -e '
  const url = process.argv[1] + "/_localstack/health";
  fetch(url, { signal: AbortSignal.timeout(5000) })
    .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then((t) => process.stdout.write(t))
    .catch((e) => { process.stderr.write(String(e.cause ?? e.message ?? e)); process.exit(1); });
' "$endpoint" 2>"${err_file}")"; then
  echo "error: LocalStack is not reachable at ${endpoint} ($(cat "${err_file}"))." >&2
  echo "Start it first, for example: docker compose -f localstack/docker-compose.yml up -d" >&2
  echo "(LocalStack needs Docker, and current LocalStack images need LOCALSTACK_AUTH_TOKEN)," >&2
  echo "or point LOCALSTACK_ENDPOINT at a running instance." >&2
  exit 2
fi

# Report the services the stack needs that LocalStack does not offer.
node -e '
  const services = JSON.parse(process.argv[1]).services ?? {};
  const needed = ["cloudformation", "lambda", "s3", "iam", "sts", "ssm", "logs", "cloudwatch"];
  const missing = needed.filter((s) => !["available", "running"].includes(services[s]));
  if (missing.length > 0) {
    console.error(`warning: LocalStack reports these services unavailable: ${missing.join(", ")}`);
  }
' "$health"

host_port="${endpoint#*://}"
scheme="${endpoint%%://*}"
if [[ "${host_port}" == localhost:* || "${host_port}" == 127.0.0.1:* ]]; then
  s3_default="${scheme}://s3.localhost.localstack.cloud:${host_port##*:}"
else
  s3_default="${endpoint}"
fi

export AWS_ENDPOINT_URL="${endpoint}"
export AWS_ENDPOINT_URL_S3="${AWS_ENDPOINT_URL_S3:-${s3_default}}"
export AWS_REGION="${region}"
export AWS_DEFAULT_REGION="${region}"
export AWS_ENVAR_ALLOWLIST="AWS_REGION,AWS_DEFAULT_REGION"

mkdir -p .local
echo "Deploying to LocalStack at ${endpoint} (${region})"
npx --no-install cdklocal bootstrap -c target=localstack
npx --no-install cdklocal deploy -c target=localstack -c "localstack.endpoint=${endpoint}" \
  --require-approval never --outputs-file .local/localstack-outputs.json "$@"
echo "Stack outputs written to .local/localstack-outputs.json"
