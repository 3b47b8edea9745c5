# Process and log helpers shared by the shell-driven tests (tests/e2e, tests/ui,
# tests/dashboards). Source it; it defines functions only.

# log MESSAGE, fail MESSAGE (on stderr, then exit 1), check DESCRIPTION ACTUAL EXPECTED (fails
# unless equal): lines prefixed with [$TEST_NAME], which the sourcing script sets.
log() { printf '[%s] %s\n' "${TEST_NAME:-test}" "$*"; }
fail() {
  printf '[%s] FAIL: %s\n' "${TEST_NAME:-test}" "$*" >&2
  exit 1
}
check() {
  if [ "$2" = "$3" ]; then
    log "ok: $1 ($2)"
  else
    fail "$1: got '$2', expected '$3'"
  fi
}

# stop_pids PID...: SIGTERM each, give each up to 5 s to exit, then SIGKILL; reaps them.
stop_pids() {
  local pid
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}

# dump_logs LINES FILE...: the last LINES lines of each existing FILE, on stderr.
dump_logs() {
  local lines=$1 f
  shift
  for f in "$@"; do
    [ -f "$f" ] || continue
    echo "---- last lines of $(basename "$f") ----" >&2
    tail -n "$lines" "$f" >&2
  done
}

# start_watchdog SECONDS DIR: a watchdog below ctest's TIMEOUT (which would SIGKILL the script
# and orphan its processes): after SECONDS it creates DIR/deadline-reached and sends SIGTERM to
# the script, so that its EXIT trap (cleanup) runs. Sets WATCHDOG_PID; the cleanup stops it
# with `kill -TERM "$WATCHDOG_PID"`. Does nothing when SECONDS is empty.
start_watchdog() {
  WATCHDOG_PID=
  [ -n "$1" ] || return 0
  local seconds=$1 dir=$2 main=$$
  (
    s=
    trap 'kill $s 2>/dev/null; exit 0' TERM
    sleep "$seconds" &
    s=$!
    wait $s
    touch "$dir/deadline-reached"
    kill -TERM "$main"
  ) >/dev/null 2>&1 &
  WATCHDOG_PID=$!
}

# wait_for_line FILE REGEX PID SECONDS: waits (bounded) until FILE has a line matching REGEX
# and prints the first match; fails when PID exits first or SECONDS pass.
wait_for_line() {
  local file=$1 regex=$2 pid=$3 seconds=$4
  for _ in $(seq $((seconds * 10))); do
    if grep -m1 -oE "$regex" "$file" 2>/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || fail "process $pid exited before printing /$regex/ (see $file)"
    sleep 0.1
  done
  fail "no /$regex/ in $file after ${seconds}s"
}
