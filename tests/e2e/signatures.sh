#!/usr/bin/env bash
# e2e (b): shadow calls sent straight to new-customers with a forged, an expired or a missing
# Shadow-Signature (or a signature of another request) get 401 and write nothing; a correctly
# signed one is honoured (rolled back, confirmed) and writes nothing either.
export E2E_NAME=signatures
source "$(dirname "$0")/lib.sh"

e2e_create_db
start_service NEW new-customers "$NEW_CUSTOMERS"
target=/merchants/m_acme/customers
body='{"first_name":"Eve","last_name":"Forger","email":"eve@example.com","phone":"+1 555 0100"}'
now=$(date +%s)

expect_401() {  # expect_401 DESCRIPTION HEADER...
  local what=$1
  shift
  local status
  status=$(http POST "http://$NEW$target" "$body" "$@")
  check "$what -> 401" "$status" 401
  if grep -qi '^Shadow-Rolled-Back:' "$WORK/headers"; then fail "$what: a 401 claims a rollback"; fi
}

expect_401 "rollback without a signature" "Shadow-Id: sid-1" "Shadow-Mode: rollback"
expect_401 "rollback signed with another secret" "Shadow-Id: sid-2" "Shadow-Mode: rollback" \
  "Shadow-Signature: $(sign rollback POST "$target" sid-2 "$now" not-the-secret)"
expect_401 "rollback signed 1000 s ago" "Shadow-Id: sid-3" "Shadow-Mode: rollback" \
  "Shadow-Signature: $(sign rollback POST "$target" sid-3 $((now - 1000)))"
expect_401 "rollback signed 1000 s ahead" "Shadow-Id: sid-4" "Shadow-Mode: rollback" \
  "Shadow-Signature: $(sign rollback POST "$target" sid-4 $((now + 1000)))"
expect_401 "signature of another Shadow-Id" "Shadow-Id: sid-5" "Shadow-Mode: rollback" \
  "Shadow-Signature: $(sign rollback POST "$target" sid-other "$now")"
expect_401 "signature of another target" "Shadow-Id: sid-6" "Shadow-Mode: rollback" \
  "Shadow-Signature: $(sign rollback POST /merchants/m_globex/customers sid-6 "$now")"
expect_401 "signature made for compare mode" "Shadow-Id: sid-7" "Shadow-Mode: rollback" \
  "Shadow-Signature: $(sign compare POST "$target" sid-7 "$now")"
expect_401 "malformed signature" "Shadow-Id: sid-8" "Shadow-Mode: rollback" \
  "Shadow-Signature: t=$now,v1=zz"
check "rows after the rejected calls" "$(sql 'SELECT count(*) FROM customers')" 0

# Control: a correct signature is honoured, rolled back and confirmed.
status=$(http POST "http://$NEW$target" "$body" "Shadow-Id: sid-ok" "Shadow-Mode: rollback" \
  "Shadow-Signature: $(sign rollback POST "$target" sid-ok "$now")")
check "correctly signed rollback call" "$status" 201
check "its confirmation" "$(grep -i '^Shadow-Rolled-Back:' "$WORK/headers" | tr -d '\r' | awk '{print $2}')" sid-ok
check "rows after the rolled-back call" "$(sql 'SELECT count(*) FROM customers')" 0

# And a live request (no Shadow-* headers) commits, so the zeros above mean something.
status=$(http POST "http://$NEW$target" "$body")
check "live create" "$status" 201
check "rows after the live call" "$(sql 'SELECT count(*) FROM customers')" 1
log "PASS"
