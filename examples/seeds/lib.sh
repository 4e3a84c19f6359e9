# Shared by the seed scripts: the endpoints, the AWS CLI against usagegate's
# control plane, and checks that stop the script at the first surprise.
# Environment: UG_ADMIN (default http://127.0.0.1:9080, the admin listener),
# UG_GATEWAY (default http://127.0.0.1:8080, the data plane), UG_UPSTREAM
# (default http://127.0.0.1:18000, the LLM server the integrations point at).
set -euo pipefail

ADMIN=${UG_ADMIN:-http://127.0.0.1:9080}
GATEWAY=${UG_GATEWAY:-http://127.0.0.1:8080}
UPSTREAM=${UG_UPSTREAM:-http://127.0.0.1:18000}
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-local}
export AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-local}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1}
export AWS_PAGER=""

say() { printf '%s\n' "$*"; }
fail() { printf 'seed: %s\n' "$*" >&2; exit 1; }

# aws apigateway against usagegate; the command is printed first.
ag() {
  say "\$ aws apigateway $*" >&2
  aws --endpoint-url "$ADMIN" apigateway "$@"
}

# Creates REST API "$1"; sets api (its id) and root (its root resource's id).
new_api() {
  api=$(ag create-rest-api --name "$1" --query id --output text)
  root=$(ag get-resources --rest-api-id "$api" --query 'items[0].id' --output text)
}

# Creates an enabled API key "$1" and puts it in plan $2; sets key and value.
new_key_in_plan() {
  key=$(ag create-api-key --name "$1" --enabled --query id --output text)
  ag create-usage-plan-key --usage-plan-id "$2" --key-id "$key" --key-type API_KEY >/dev/null
  value=$(ag get-api-key --api-key "$key" --include-value --query value --output text)
}

# The HTTP status of GET $1 with the key in $2 ("" for none).
status() {
  if [[ -n "$2" ]]; then
    curl -s -o /dev/null -w '%{http_code}' -H "x-api-key: $2" "$1"
  else
    curl -s -o /dev/null -w '%{http_code}' "$1"
  fi
}

expect_status() {  # $1 want, $2 url, $3 key, $4 what
  local got
  got=$(status "$2" "$3")
  [[ "$got" == "$1" ]] || fail "$4: expected $1, got $got"
  say "  $4: $got"
}

# How many of $2 quick requests to $1 with key $3 answer 200 and 429.
burst() {
  local ok=0 throttled=0 i code
  for ((i = 0; i < $2; i++)); do
    code=$(status "$1" "$3")
    case "$code" in
      200) ok=$((ok + 1)) ;;
      429) throttled=$((throttled + 1)) ;;
      *) fail "burst: unexpected $code" ;;
    esac
  done
  printf '%s %s\n' "$ok" "$throttled"
}
