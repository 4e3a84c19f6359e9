# Shared by the bench/ scripts (sourced, not run): messages, tools, a work
# directory whose processes are stopped on exit, ports, process memory and the
# section of docs/benchmarks.md a script writes. Set bench_name first.

die() { echo "$bench_name: $*" >&2; exit 1; }

# install_missing TOOL:PACKAGE ... installs the Debian packages of missing tools.
install_missing() {
  local need=() spec tool
  for spec in "$@"; do
    tool="${spec%%:*}"
    command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || need+=("${spec#*:}")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  echo "$bench_name: installing ${need[*]}"
  local sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}"
}

# make_work: $work (a fresh directory) and $pids (started processes), both
# cleaned up on exit (KEEP_WORK=1 keeps the directory).
make_work() {
  work="$(mktemp -d "/tmp/usagegate-$bench_name.XXXXXX")"
  pids=()
  trap bench_cleanup EXIT INT TERM
}

bench_cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "${KEEP_WORK:-}" ]; then echo "$bench_name: kept $work"; else rm -rf "$work"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_port PORT [TRIES] [SLEEP_S]: dies if nothing listens in time (default 10 s).
wait_port() {
  local tries="${2:-100}" pause="${3:-0.1}"
  for _ in $(seq 1 "$tries"); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep "$pause"
  done
  die "nothing listens on 127.0.0.1:$1"
}

# status_kb PID FIELD: a /proc/PID/status figure in kB (VmRSS, VmHWM), 0 if gone.
status_kb() {
  awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0
}

machine_description() {
  echo "$(nproc) vCPU $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(uname -r)"
}

# write_doc_section MARKER TITLE SECTION: replaces the text between
# "<!-- MARKER:begin" and "<!-- MARKER:end -->" in docs/benchmarks.md with
# SECTION (which carries both markers), or appends "## TITLE" and SECTION.
write_doc_section() {
  python3 - "$bench_root/docs/benchmarks.md" "$1" "$2" "$3" <<'PY'
import re, sys
path, marker, title, section = sys.argv[1:5]
text = open(path).read()
pattern = re.compile(r"<!-- " + re.escape(marker) + r":begin.*?<!-- " + re.escape(marker) + r":end -->", re.S)
if pattern.search(text):
    text = pattern.sub(lambda _: section, text)
else:
    text = text.rstrip("\n") + "\n\n## " + title + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
  echo "$bench_name: table written to docs/benchmarks.md"
}
