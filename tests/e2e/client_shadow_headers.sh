#!/usr/bin/env bash
# e2e (c): Shadow-* headers sent by a client never reach a backend. A client POST through
# the proxy with `Shadow-Mode: rollback` and a valid signature (made with the real secret):
# the primary's create is committed as usual, and the answer carries no rollback
# confirmation. The same request sent straight to old-gateway does roll back (control: the
# headers would have worked had the proxy passed them on).
export E2E_NAME=client_shadow_headers
source "$(dirname "$0")/lib.sh"

e2e_create_db
start_service OLD old-gateway "$OLD_GATEWAY"
start_service NEW new-customers "$NEW_CUSTOMERS"
make_config "$WORK/endpoints.yaml" "$OLD" "$NEW"
start_proxy "$WORK/endpoints.yaml"
target=/merchants/m_acme/customers
now=$(date +%s)

# Control, straight to the monolith: the forged-by-a-client headers are honoured there.
status=$(http POST "http://$OLD$target" '{"first_name":"C","last_name":"Ontrol","email":"control@example.com","phone":"1"}' \
  "Shadow-Id: client-0" "Shadow-Mode: rollback" \
  "Shadow-Signature: $(sign rollback POST "$target" client-0 "$now")")
check "direct rollback call to old-gateway" "$status" 201
grep -qi '^Shadow-Rolled-Back: client-0' "$WORK/headers" || fail "old-gateway did not confirm the direct rollback"
check "rows after the direct rollback call" "$(sql 'SELECT count(*) FROM customers')" 0

# Through the proxy: stripped.
for mode in rollback compare; do
  status=$(http POST "http://$PROXY$target" "{\"first_name\":\"Mal\",\"last_name\":\"Lory\",\"email\":\"mal-$mode@example.com\",\"phone\":\"2\"}" \
    "Shadow-Id: client-$mode" "Shadow-Mode: $mode" \
    "Shadow-Signature: $(sign "$mode" POST "$target" "client-$mode" "$now")" \
    "shadow-rolled-back: client-$mode")
  check "client POST with Shadow-Mode: $mode through the proxy" "$status" 201
  if grep -qi '^Shadow-Rolled-Back:' "$WORK/headers"; then fail "the primary rolled back a client's request ($mode)"; fi
  token=$(jq -r .customer.token "$WORK/body")
  check "the primary's row is committed ($mode)" "$(sql "SELECT count(*) FROM customers WHERE token = '$token' AND deleted_at IS NULL")" 1
  status=$(http GET "http://$PROXY$target/$token")
  check "and readable through the proxy ($mode)" "$status" 200
done
check "rows in total (the two primary creates only)" "$(sql 'SELECT count(*) FROM customers')" 2
# The proxy's own shadow calls still worked (signed by the proxy, confirmed).
check "rollback_unconfirmed" "$(metric shadowdiff_requests_total 'outcome="rollback_unconfirmed"')" 0
log "PASS"
