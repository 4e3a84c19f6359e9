#!/usr/bin/env bash
# Reference deployment 1, built with AWS CLI calls only: REST API "ai_api"
# with GET /endpoint (authorization NONE, API key required) integrated with
# the LLM server, deployed to stage v1 with X-Ray tracing and a stage
# throttle of burst 5 / rate 10; an API key; usage plan "ai_usage_plan" on
# v1 with a quota of 1000 per WEEK and a throttle of burst 5 / rate 10; the
# key in the plan. Then it shows the gateway enforcing it: 200 with the key,
# 403 without, 429 past the burst, and get-usage counting what was admitted.
source "$(dirname "$0")/lib.sh"

say "== 1. Build the API ==========================================================="
new_api ai_api
res=$(ag create-resource --rest-api-id "$api" --parent-id "$root" --path-part endpoint \
  --query id --output text)
ag put-method --rest-api-id "$api" --resource-id "$res" --http-method GET \
  --authorization-type NONE --api-key-required >/dev/null
ag put-integration --rest-api-id "$api" --resource-id "$res" --http-method GET \
  --type HTTP_PROXY --integration-http-method GET --uri "$UPSTREAM/endpoint" >/dev/null
ag create-deployment --rest-api-id "$api" --stage-name v1 >/dev/null
ag update-stage --rest-api-id "$api" --stage-name v1 --patch-operations \
  op=replace,path=/tracingEnabled,value=true \
  op=replace,path=/*/*/throttling/burstLimit,value=5 \
  op=replace,path=/*/*/throttling/rateLimit,value=10 >/dev/null
plan=$(ag create-usage-plan --name ai_usage_plan --api-stages "apiId=$api,stage=v1" \
  --throttle burstLimit=5,rateLimit=10 --quota limit=1000,period=WEEK --query id --output text)
new_key_in_plan client "$plan"
say "  api $api, key $key, plan $plan"

say "== 2. The data plane =========================================================="
url="$GATEWAY/restapis/$api/v1/_user_request_/endpoint"
expect_status 200 "$url" "$value" "GET /endpoint with the key"
expect_status 403 "$url" "" "GET /endpoint without a key"
sleep 1  # let the burst refill
read -r ok throttled < <(burst "$url" 25 "$value")
say "  25 quick requests: $ok x 200, $throttled x 429 (burst 5, rate 10/s)"
((throttled > 0)) || fail "the burst of 5 throttled nothing"
((ok >= 5)) || fail "fewer than the burst of 5 were admitted"

say "== 3. get-usage ==============================================================="
today=$(date -u +%Y-%m-%d)
used=$(ag get-usage --usage-plan-id "$plan" --start-date "$today" --end-date "$today" \
  --query "items.\"$key\"[0][0]" --output text)
say "  used today: $used"
[[ "$used" == "$((ok + 1))" ]] || fail "get-usage says $used, the gateway admitted $((ok + 1))"
say "ai-api-weekly: OK"
