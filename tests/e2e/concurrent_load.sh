#!/usr/bin/env bash
# e2e (e): both rollback orders under concurrent load: 8 client threads x 50 customer writes
# (creates, updates, deletes, a few conflicts and invalid ones) through the proxy, first with
# the demo's endpoints.yaml (creates and updates before_primary, deletes concurrent), then
# with every rollback endpoint concurrent. Each run is bounded in time (no deadlock), every
# primary answer is what API.md promises, the database holds exactly the primary's rows
# (demo-traffic's proof), and the p99 latency is under a generous 2 s.
export E2E_NAME=concurrent_load
source "$(dirname "$0")/lib.sh"
[ -x "${DEMO_TRAFFIC:-}" ] || fail "\$DEMO_TRAFFIC is not an executable"

e2e_create_db
start_service OLD old-gateway "$OLD_GATEWAY"
start_service NEW new-customers "$NEW_CUSTOMERS"

run_load() {  # run_load NAME CONFIG
  local name=$1 config=$2 start end rc=0
  start_proxy "$config" "proxy-$name"
  start=$(date +%s.%N)
  timeout 120 "$DEMO_TRAFFIC" --proxy "$PROXY" --admin "$ADMIN" --db "$DB" --requests 400 \
    --concurrency 8 --write-share 1 --customers-only --seed 7 --timeout-ms 10000 \
    --max-p99-ms 2000 --examples "$WORK/mismatches.jsonl" >"$WORK/traffic-$name.txt" 2>&1 || rc=$?
  end=$(date +%s.%N)
  cat "$WORK/traffic-$name.txt"
  [ $rc -ne 124 ] || fail "$name: the load did not finish within 120 s (deadlock?)"
  [ $rc -eq 0 ] || fail "$name: demo-traffic failed (exit $rc)"
  grep -q 'UNCONFIRMED\|TRIPPED' "$WORK/traffic-$name.txt" && fail "$name: unconfirmed rollbacks"
  log "ok: $name: 400 writes by 8 clients in $(echo "$end - $start" | bc) s; $(grep -m1 'latency' "$WORK/traffic-$name.txt" | sed 's/^ *//')"
  stop_proxy
}

make_config "$WORK/before_primary.yaml" "$OLD" "$NEW"
run_load before_primary "$WORK/before_primary.yaml"
make_config "$WORK/concurrent.yaml" "$OLD" "$NEW" 's#order: before_primary#order: concurrent#'
if grep -v '^ *#' "$WORK/concurrent.yaml" | grep -q 'order: before_primary'; then
  fail "the concurrent config still has a before_primary order"
fi
run_load concurrent "$WORK/concurrent.yaml"
log "PASS"
