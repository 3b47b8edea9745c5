#!/usr/bin/env bash
# e2e (f): the demo's own story on a short run: demo-traffic sends 300 requests of the full
# mix through the proxy configured by the top-level endpoints.yaml, and its proof (the
# database holds only the primary's writes, every answer as API.md promises) passes.
export E2E_NAME=demo_traffic
source "$(dirname "$0")/lib.sh"
[ -x "${DEMO_TRAFFIC:-}" ] || fail "\$DEMO_TRAFFIC is not an executable"

e2e_create_db
start_service OLD old-gateway "$OLD_GATEWAY"
start_service NEW new-customers "$NEW_CUSTOMERS"
make_config "$WORK/endpoints.yaml" "$OLD" "$NEW"
start_proxy "$WORK/endpoints.yaml"
rc=0
timeout 120 "$DEMO_TRAFFIC" --proxy "$PROXY" --admin "$ADMIN" --db "$DB" --requests 300 \
  --concurrency 4 --seed 42 --examples "$WORK/mismatches.jsonl" >"$WORK/traffic.txt" 2>&1 || rc=$?
cat "$WORK/traffic.txt"
check "demo-traffic exit status" "$rc" 0
grep -q '^  PASS' "$WORK/traffic.txt" || fail "no PASS line"
# The deliberate differences are visible, not ignored away.
for field in '$.customer.phone (missing)' '$.customer.phone_number (extra)' \
             '$.customer.total_spent (type)' '$.error (type)'; do
  grep -qF "$field" "$WORK/traffic.txt" || fail "the summary does not show $field"
done
log "PASS"
