#!/usr/bin/env bash
# Reference deployment 2: a REST API whose deployment creates stage "prod"
# (ANY /{proxy+} with the key, integrated with the LLM server), a usage plan
# with a throttle of rate 10 / burst 20 and a quota of 1000 per DAY with
# offset 1, and a key in the plan. What offset 1 means on a DAY quota is the
# gateway's gateway.quotaOffsetMeaning (docs/semantics.md): "initialRequests"
# reads it as one request already used in the first day, so after the first
# request get-usage shows 998 remaining; "startDay" reads it as a period
# start, which a DAY quota cannot have, and create-usage-plan says so.
source "$(dirname "$0")/lib.sh"

say "== 1. Build the API ==========================================================="
new_api prod_api
proxy=$(ag create-resource --rest-api-id "$api" --parent-id "$root" --path-part '{proxy+}' \
  --query id --output text)
ag put-method --rest-api-id "$api" --resource-id "$proxy" --http-method ANY \
  --authorization-type NONE --api-key-required >/dev/null
ag put-integration --rest-api-id "$api" --resource-id "$proxy" --http-method ANY \
  --type HTTP_PROXY --integration-http-method ANY --uri "$UPSTREAM/{proxy}" >/dev/null
ag create-deployment --rest-api-id "$api" --stage-name prod >/dev/null
err=$(mktemp)
trap 'rm -f "$err"' EXIT
if ! plan=$(ag create-usage-plan --name prod_daily --api-stages "apiId=$api,stage=prod" \
  --throttle burstLimit=20,rateLimit=10 --quota limit=1000,offset=1,period=DAY \
  --query id --output text 2>"$err"); then
  say "  create-usage-plan refused offset 1 on a DAY quota (quotaOffsetMeaning startDay):"
  sed 's/^/    /' "$err"
  say "  set gateway.quotaOffsetMeaning to \"initialRequests\" to read it as requests"
  exit 0
fi
new_key_in_plan prod-client "$plan"
say "  api $api, key $key, plan $plan"

say "== 2. The data plane, and offset 1 read as one request used ==================="
today=$(date -u +%Y-%m-%d)
remaining() {
  ag get-usage --usage-plan-id "$plan" --start-date "$today" --end-date "$today" \
    --key-id "$key" --query "items.\"$key\"[0][1]" --output text
}
url="$GATEWAY/restapis/$api/prod/_user_request_/v1/models"
expect_status 200 "$url" "$value" "GET /v1/models through {proxy+} with the key"
expect_status 403 "$url" "" "without a key"
first=$(remaining)
say "  remaining after the first request: $first (1000 - offset 1 - 1 request)"
[[ "$first" == 998 ]] || fail "expected 998 remaining, get-usage says $first"
read -r ok throttled < <(burst "$url" 40 "$value")
say "  40 quick requests: $ok x 200, $throttled x 429 (burst 20, rate 10/s)"
((throttled > 0)) || fail "the burst of 20 throttled nothing"
((ok >= 19)) || fail "fewer than the burst were admitted"
after=$(remaining)
say "  remaining now: $after"
[[ "$after" == "$((first - ok))" ]] || fail "get-usage says $after remaining, expected $((first - ok))"
say "prod-daily-offset: OK"
