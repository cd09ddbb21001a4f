# Sourced by deploy-local.sh and destroy-local.sh: the environment cdklocal (aws-cdk-local) needs
# to reach LocalStack without public DNS, and the check that LocalStack answers.
#   LOCALSTACK_ENDPOINT   LocalStack gateway seen from this machine; without it LOCALSTACK_PORT
#                         on 127.0.0.1, else http://127.0.0.1:4566
#   AWS_REGION            region to deploy into (default us-east-1)

if [ -z "${LOCALSTACK_ENDPOINT:-}" ]; then
  endpoint="http://127.0.0.1:${LOCALSTACK_PORT:-4566}"
else
  endpoint="${LOCALSTACK_ENDPOINT%/}"
fi
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
  echo "Start it first: npm run services:up -- localstack (a plain process, no Docker)," >&2
  echo "or with Docker and LOCALSTACK_AUTH_TOKEN: docker compose -f localstack/docker-compose.yml up -d," >&2
  echo "or point LOCALSTACK_ENDPOINT at a running instance." >&2
  exit 2
fi

# Asset uploads go path-style to the gateway itself: virtual-host names such as
# <bucket>.s3.localhost.localstack.cloud need public DNS.
export AWS_ENDPOINT_URL="${endpoint}"
export AWS_ENDPOINT_URL_S3="${AWS_ENDPOINT_URL_S3:-${endpoint}}"
export AWS_S3_FORCE_PATH_STYLE=true
export AWS_REGION="${region}"
export AWS_DEFAULT_REGION="${region}"
export AWS_ENVAR_ALLOWLIST="AWS_REGION,AWS_DEFAULT_REGION"
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
export CDK_DISABLE_CLI_TELEMETRY=true

# Where the deployed functions find Kafka, S3 and the catalog (none for a Docker LocalStack).
mapfile -t context_args < <(npx --no-install tsx localstack/deploy-context.ts)
