#!/usr/bin/env bash
# Validates the docker/ deployment without a Docker engine (run by ctest):
#   1. docker-compose parses docker/docker-compose.yml and it has its services;
#   2. promtool accepts docker/prometheus.yml;
#   3. the Grafana dashboard is JSON, uses the provisioned datasource, and every
#      PromQL expression in it parses (promtool check rules);
#   4. docker/usagegate.json passes `usagegate --check-config` and fits the
#      container (0.0.0.0 listeners, admin port = Prometheus target = Dockerfile,
#      the admin token file = Prometheus's credentials_file);
#   5. mock-llm and usagegate, started from BIN_DIR with that config moved to
#      127.0.0.1 and free ports, answer 200 / 403 / 429, the Dockerfile's
#      HEALTHCHECK command passes against the admin port, /metrics answers 401
#      without the admin token and, with it, has every metric name the
#      dashboard queries; SIGTERM then stops usagegate with 0.
#
# Usage: tests/docker/validate.sh BIN_DIR     (e.g. build/debug/bin)
# Needs: docker-compose, promtool, python3, curl (all in scripts/install-deps).
# Loopback only; every wait is bounded; both processes are stopped on exit.
set -uo pipefail

SRC_DIR=$(cd "$(dirname "$0")/../.." && pwd)
DOCKER_DIR="$SRC_DIR/docker"
COMPOSE_FILE="$DOCKER_DIR/docker-compose.yml"
PROM_FILE="$DOCKER_DIR/prometheus.yml"
DASHBOARD="$DOCKER_DIR/grafana/dashboards/usagegate.json"
DATASOURCE="$DOCKER_DIR/grafana/provisioning/datasources/prometheus.yml"
CONFIG="$DOCKER_DIR/usagegate.json"
DOCKERFILE="$DOCKER_DIR/Dockerfile"
START_TIMEOUT_S=30 # sanitizer builds start slowly on a busy machine
STOP_TIMEOUT_S=20
CURL=(curl -sS --max-time 10 --noproxy '*')

fail() {
  printf 'validate.sh: FAIL: %s\n' "$*" >&2
  exit 1
}
pass() { printf 'validate.sh: ok: %s\n' "$*"; }

[[ $# -eq 1 ]] || fail "usage: $0 BIN_DIR (the directory holding usagegate and mock-llm)"
BIN_DIR=$(cd "$1" 2>/dev/null && pwd) || fail "bin dir '$1' does not exist"
for bin in usagegate mock-llm; do
  [[ -x "$BIN_DIR/$bin" ]] || fail "$BIN_DIR/$bin is missing: build the targets usagegate, mock-llm"
done
for tool in docker-compose promtool python3 curl; do
  command -v "$tool" >/dev/null ||
    fail "$tool is not installed (bash scripts/install-deps installs it)"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ug-docker-validate.XXXXXX") || fail "mktemp failed"
MOCK_PID=""
GW_PID=""

stop_pid() { # $1: pid. SIGTERM, then SIGKILL after STOP_TIMEOUT_S; returns the exit status.
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < STOP_TIMEOUT_S * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 124
  fi
  wait "$pid" 2>/dev/null
}
cleanup() {
  trap - EXIT INT TERM
  [[ -n "$GW_PID" ]] && stop_pid "$GW_PID"
  [[ -n "$MOCK_PID" ]] && stop_pid "$MOCK_PID"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

show_log() { # $1: file
  sed 's/^/  | /' "$1" >&2
}

# ---- 1. docker-compose ------------------------------------------------------
# Run from $WORK, not the caller's directory (whose files must not matter).
(cd "$WORK" && docker-compose -f "$COMPOSE_FILE" config -q) >"$WORK/compose.err" 2>&1 ||
  { show_log "$WORK/compose.err"; fail "docker-compose rejects $COMPOSE_FILE"; }
# An unset ${VAR} without a default would silently become "" at `up`.
grep -Eqi 'warn|not set' "$WORK/compose.err" &&
  { show_log "$WORK/compose.err"; fail "docker-compose warns about $COMPOSE_FILE"; }
services=$(cd "$WORK" && docker-compose -f "$COMPOSE_FILE" config --services 2>/dev/null) ||
  fail "docker-compose config --services failed"
for s in usagegate mock-llm prometheus grafana; do
  grep -qx "$s" <<<"$services" || fail "$COMPOSE_FILE has no service '$s'"
done
pass "docker-compose config: $(tr '\n' ' ' <<<"$services")"

# ---- 2. Prometheus ----------------------------------------------------------
promtool check config "$PROM_FILE" >"$WORK/promtool.out" 2>&1 ||
  { show_log "$WORK/promtool.out"; fail "promtool check config $PROM_FILE"; }
pass "promtool check config"

# ---- 3. Dashboard -----------------------------------------------------------
# Writes the metric names the dashboard queries to metric-names, and a rules
# file holding each expression (Grafana variables replaced) for promtool.
python3 - "$DASHBOARD" "$DATASOURCE" "$WORK" <<'EOF' || fail "dashboard check failed"
import json, re, sys
dashboard_path, datasource_path, work = sys.argv[1:4]
try:
    with open(dashboard_path) as f:
        dash = json.load(f)
except (OSError, ValueError) as e:
    sys.exit(f"{dashboard_path} is not valid JSON: {e}")
uid_match = re.search(r"^\s*uid:\s*(\S+)\s*$", open(datasource_path).read(), re.M)
if not uid_match:
    sys.exit(f"{datasource_path} names no datasource uid")
ds_uid = uid_match.group(1).strip("\"'")

problems, exprs = [], []
def walk(node, where):
    if isinstance(node, dict):
        ds = node.get("datasource")
        if isinstance(ds, dict) and ds.get("type") == "prometheus" and ds.get("uid") != ds_uid:
            problems.append(f"{where}: datasource uid {ds.get('uid')!r} is not the "
                            f"provisioned {ds_uid!r}")
        if isinstance(node.get("expr"), str):
            exprs.append((where, node["expr"]))
        for k, v in node.items():
            walk(v, f"{where}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            walk(v, f"{where}[{i}]")
walk(dash, "$")
panels = [p for p in dash.get("panels", []) if p.get("type") != "row"]
if not panels:
    problems.append("no panels")
for p in panels:
    if not p.get("targets"):
        problems.append(f"panel {p.get('title')!r} has no query")
if problems:
    sys.exit("\n".join(problems))

names = set()
def add_names(text):
    names.update(re.findall(r"\busagegate_[A-Za-z0-9_:]+", text))
for _, e in exprs:
    add_names(e)
for v in dash.get("templating", {}).get("list", []):
    q = v.get("query")
    add_names(q.get("query", "") if isinstance(q, dict) else str(q or ""))
    add_names(str(v.get("definition", "")))
if not names:
    sys.exit("the dashboard queries no usagegate metric")
with open(f"{work}/metric-names", "w") as f:
    f.write("\n".join(sorted(names)) + "\n")

# A recording rule per expression: promtool parses each one as PromQL.
subst = {"$__rate_interval": "1m", "$__interval": "1m", "$__range": "1h", "$stage": ".*"}
with open(f"{work}/dashboard-rules.yml", "w") as f:
    f.write("groups:\n  - name: dashboard\n    rules:\n")
    for i, (where, e) in enumerate(exprs):
        for k, v in subst.items():
            e = e.replace(k, v)
        if "$" in e:
            sys.exit(f"{where}: unknown Grafana variable in {e!r}")
        f.write(f"      - record: dashboard:expr_{i}\n        expr: {json.dumps(e)}\n")
print(f"{len(panels)} panels, {len(exprs)} expressions, {len(names)} metric names")
EOF
promtool check rules "$WORK/dashboard-rules.yml" >"$WORK/rules.out" 2>&1 ||
  { show_log "$WORK/rules.out"; fail "a dashboard expression is not valid PromQL"; }
pass "dashboard JSON, datasource uid and PromQL"

# ---- 4. Container config ----------------------------------------------------
"$BIN_DIR/usagegate" --check-config "$CONFIG" >"$WORK/check.out" 2>&1 ||
  { show_log "$WORK/check.out"; fail "usagegate --check-config $CONFIG"; }
# Prints "listener_address listener_port admin_address admin_port admin_token_file"
# (defaults applied; "-" for no token file).
read -r l_addr l_port a_addr a_port a_token < <(python3 - "$CONFIG" <<'EOF'
import json, sys
g = json.load(open(sys.argv[1])).get("gateway", {})
l, a = g.get("listener", {}), g.get("admin", {})
print(l.get("address", "127.0.0.1"), l.get("port", 8080),
      a.get("address", "127.0.0.1"), a.get("port", 9080), a.get("authTokenFile", "-"))
EOF
) || fail "cannot read $CONFIG"
[[ "$l_addr" == 0.0.0.0 && "$a_addr" == 0.0.0.0 ]] ||
  fail "$CONFIG: listener and admin must bind 0.0.0.0 in a container (got $l_addr, $a_addr)"
grep -q "\"usagegate:$a_port\"" "$PROM_FILE" ||
  fail "$PROM_FILE does not scrape usagegate:$a_port (gateway.admin.port of $CONFIG)"
# An admin on 0.0.0.0 needs a token, and Prometheus must send the same one.
[[ "$a_token" != - ]] || fail "$CONFIG: gateway.admin has no authTokenFile"
grep -Eq "^ *credentials_file: *$(basename "$a_token") *\$" "$PROM_FILE" ||
  fail "$PROM_FILE does not read the admin token from $(basename "$a_token") (gateway.admin.authTokenFile)"
grep -q "/$(basename "$a_token"):/etc/prometheus/$(basename "$a_token"):ro" "$COMPOSE_FILE" ||
  fail "$COMPOSE_FILE does not mount the admin token beside prometheus.yml"
# The control plane's SigV4 secret is a file the container must see.
a_secret=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["gateway"]["admin"].get("credentials", {}).get("secretAccessKeyFile", "-"))' "$CONFIG") ||
  fail "cannot read $CONFIG"
[[ "$a_secret" != - ]] || fail "$CONFIG: gateway.admin has no credentials.secretAccessKeyFile"
grep -q "/$(basename "$a_secret"):/etc/usagegate/$(basename "$a_secret"):ro" "$COMPOSE_FILE" ||
  fail "$COMPOSE_FILE does not mount $(basename "$a_secret") beside usagegate.json"
grep -Eq "^EXPOSE .*\b$l_port\b.*\b$a_port\b" "$DOCKERFILE" ||
  fail "$DOCKERFILE does not EXPOSE $l_port and $a_port"
grep -q "^ENV UG_ADMIN_PORT=$a_port\$" "$DOCKERFILE" ||
  fail "$DOCKERFILE: UG_ADMIN_PORT (used by HEALTHCHECK) is not $a_port"
pass "container config: check-config OK, ports $l_port/$a_port consistent"

# ---- 5. Live run ------------------------------------------------------------
wait_for_line() { # $1 pid, $2 file, $3 ERE, $4 name
  local i
  for ((i = 0; i < START_TIMEOUT_S * 10; i++)); do
    grep -qE "$3" "$2" 2>/dev/null && return 0
    kill -0 "$1" 2>/dev/null || { show_log "$2"; fail "$4 exited during start-up"; }
    sleep 0.1
  done
  show_log "$2"
  fail "$4 printed no '$3' within ${START_TIMEOUT_S}s"
}
port_from() { # $1 file, $2 ERE prefix before the URL; prints the port
  grep -Eo "$2http://[^ ]+:[0-9]+" "$1" | head -n1 | grep -Eo '[0-9]+$'
}

"$BIN_DIR/mock-llm" --listen 127.0.0.1:0 --threads 1 --chunk-interval-ms 1 --tokens 3 \
  >"$WORK/mock.log" 2>&1 &
MOCK_PID=$!
wait_for_line "$MOCK_PID" "$WORK/mock.log" '^mock-llm: listening on ' mock-llm
MOCK_PORT=$(port_from "$WORK/mock.log" '^mock-llm: listening on ')
[[ -n "$MOCK_PORT" ]] || fail "no port in the mock-llm banner"

# The container config, moved to loopback and free ports, forwarding to the mock
# (upstream base paths kept), with no state directory and no access log.
python3 - "$CONFIG" "$WORK/usagegate.json" "$MOCK_PORT" "$WORK/keys" "$WORK/admin-auth" <<'EOF' || fail "no loopback config"
import json, os, re, sys
src, dst, mock_port, keys_path, auth_path = sys.argv[1:6]
doc = json.load(open(src))
g = doc.setdefault("gateway", {})
g["listener"] = {"address": "127.0.0.1", "port": 0}
token_file = os.path.join(os.path.dirname(os.path.abspath(src)), g["admin"]["authTokenFile"])
g["admin"] = {"address": "127.0.0.1", "port": 0, "authTokenFile": token_file}
# The admin token goes to a private curl header file, never to the output.
with open(token_file) as f:
    token = f.read().rstrip("\r\n")
with open(auth_path, "w") as f:
    f.write(f"Authorization: Bearer {token}\n")
g["stateDirectory"] = ""
g["accessLog"] = "off"
g["reloadOnFileChange"] = False
for stage in g.get("stages", {}).values():
    url = stage["upstream"]["url"]
    stage["upstream"]["url"] = re.sub(r"^http://[^/]+", f"http://127.0.0.1:{mock_port}", url)
json.dump(doc, open(dst, "w"), indent=1)
# Key values go to a private file for curl, never to the output.
plan_of = {k["id"]: p for p, ks in doc.get("usagePlanKeys", {}).items() for k in ks}
plans = {p["id"]: p for p in doc.get("usagePlans", [])}
def burst(key):
    t = plans.get(plan_of.get(key["id"], ""), {}).get("throttle")
    return t["burstLimit"] if t else None
usable = [k for k in doc.get("apiKeys", [])
          if k.get("enabled") and "value" in k and k["id"] in plan_of]
if not usable:
    sys.exit("no enabled key with a value in a plan")
small = min((k for k in usable if burst(k) is not None), key=burst, default=None)
if small is None or burst(small) > 20:
    sys.exit("no key whose plan burst is small enough (<= 20) to provoke a 429")
big = max(usable, key=lambda k: burst(k) or 1 << 62)
with open(keys_path, "w") as f:
    f.write(f"{big['value']}\n{small['value']}\n{burst(small)}\n")
EOF
chmod 600 "$WORK/keys" "$WORK/admin-auth"
{ read -r KEY_OK; read -r KEY_SMALL; read -r SMALL_BURST; } <"$WORK/keys"

"$BIN_DIR/usagegate" --config "$WORK/usagegate.json" --workers 2 >"$WORK/gw.log" 2>&1 &
GW_PID=$!
wait_for_line "$GW_PID" "$WORK/gw.log" '^usagegate: ready' usagegate
GW_PORT=$(port_from "$WORK/gw.log" '^usagegate: listening on ')
ADMIN_PORT=$(port_from "$WORK/gw.log" '^usagegate: admin on ')
[[ -n "$GW_PORT" && -n "$ADMIN_PORT" ]] ||
  { show_log "$WORK/gw.log"; fail "no ports in the usagegate banner"; }
GW="http://127.0.0.1:$GW_PORT"

status_of() { # curl args...; prints the HTTP status
  "${CURL[@]}" -o "$WORK/body" -w '%{http_code}' "$@" || echo "curl-error"
}
expect() { # $1 expected status, $2 what, rest: curl args
  local want=$1 what=$2 got
  shift 2
  got=$(status_of "$@")
  [[ "$got" == "$want" ]] || { show_log "$WORK/body"; fail "$what: expected $want, got $got"; }
}
expect 200 "GET /v1/models with a key" -H "x-api-key: $KEY_OK" "$GW/v1/models"
expect 200 "streamed POST /v1/chat/completions" -H "x-api-key: $KEY_OK" \
  -H 'content-type: application/json' "$GW/v1/chat/completions" \
  -d '{"model":"mock","stream":true,"messages":[{"role":"user","content":"hi"}]}'
grep -q 'data: \[DONE\]' "$WORK/body" ||
  { show_log "$WORK/body"; fail "the streamed completion did not end with data: [DONE]"; }
expect 403 "GET /v1/models without a key" "$GW/v1/models"
expect 403 "an unknown route" -H "x-api-key: $KEY_OK" "$GW/v1/nowhere"
# The small plan's bucket holds SMALL_BURST tokens: a quick series must hit 429.
got429=0
for ((i = 0; i < SMALL_BURST * 3 + 10; i++)); do
  s=$(status_of -H "x-api-key: $KEY_SMALL" "$GW/v1/models")
  [[ "$s" == 429 ]] && { got429=1; break; }
  [[ "$s" == 200 ]] || fail "burst request $i: expected 200 or 429, got $s"
done
((got429)) || fail "no 429 after $i quick requests with a burst of $SMALL_BURST"
pass "data plane: 200, streamed 200, 403, 403, 429"

expect 200 "admin GET /healthz" "http://127.0.0.1:$ADMIN_PORT/healthz"
# The Dockerfile's own HEALTHCHECK command, run as Docker would run it.
python3 - "$DOCKERFILE" "$WORK/healthcheck" <<'EOF' || fail "no HEALTHCHECK in $DOCKERFILE"
import json, re, sys
text = open(sys.argv[1]).read().replace("\\\n", " ")
m = re.search(r"^HEALTHCHECK\b.*?\bCMD\s+(\[.*\])\s*$", text, re.M)
if not m:
    sys.exit("no exec-form HEALTHCHECK ... CMD [...]")
with open(sys.argv[2], "w") as f:  # NUL-separated, for mapfile -d ''
    f.write("".join(arg + "\0" for arg in json.loads(m.group(1))))
EOF
mapfile -d '' -t HEALTHCHECK <"$WORK/healthcheck"
UG_ADMIN_PORT=$ADMIN_PORT timeout 5 "${HEALTHCHECK[@]}" ||
  fail "the Dockerfile HEALTHCHECK fails against a running usagegate"
# ... and it must fail where /healthz does not answer 200 (mock-llm answers 404).
if UG_ADMIN_PORT=$MOCK_PORT timeout 5 "${HEALTHCHECK[@]}" 2>/dev/null; then
  fail "the Dockerfile HEALTHCHECK passes against a server whose /healthz is not 200"
fi
pass "admin /healthz and the Dockerfile HEALTHCHECK"

expect 401 "admin GET /metrics without the token" "http://127.0.0.1:$ADMIN_PORT/metrics"
"${CURL[@]}" -f -H "@$WORK/admin-auth" -o "$WORK/metrics" "http://127.0.0.1:$ADMIN_PORT/metrics" ||
  fail "GET /metrics with the admin token failed"
missing=()
while read -r name; do
  [[ -n "$name" ]] || continue
  if grep -Eq "^(${name}[{ ]|# TYPE ${name} )" "$WORK/metrics"; then
    continue
  fi
  base=$(sed -E 's/_(bucket|sum|count)$//' <<<"$name")
  if [[ "$base" != "$name" ]] &&
    grep -Eq "^# TYPE ${base} (histogram|summary)\$" "$WORK/metrics"; then
    continue
  fi
  missing+=("$name")
done <"$WORK/metric-names"
((${#missing[@]} == 0)) || fail "metrics the dashboard queries but /metrics lacks: ${missing[*]}"
pass "all $(wc -l <"$WORK/metric-names") dashboard metric names are exported"

stop_pid "$GW_PID"
rc=$?
GW_PID=""
((rc == 0)) ||
  { show_log "$WORK/gw.log"; fail "usagegate exited $rc on SIGTERM (docker stop sends SIGTERM)"; }
pass "usagegate stops with 0 on SIGTERM"
echo "validate.sh: all docker/ checks passed"
