#!/usr/bin/env bash
# e2e (a): N customer creates through the proxy, shadowed in rollback mode with order
# before_primary, leave exactly the primary's N rows (none from the shadow), and the
# metrics count N confirmed rollback outcomes (match/mismatch), no rollback_unconfirmed.
export E2E_NAME=rollback_creates
source "$(dirname "$0")/lib.sh"
N=${N:-20}

e2e_create_db
start_service OLD old-gateway "$OLD_GATEWAY"
start_service NEW new-customers "$NEW_CUSTOMERS"
make_config "$WORK/endpoints.yaml" "$OLD" "$NEW"
grep -q 'order: before_primary' "$WORK/endpoints.yaml" || fail "the config is not before_primary"
start_proxy "$WORK/endpoints.yaml"

endpoint='endpoint="/merchants/{merchant_id}/customers"'
: >"$WORK/tokens"
for i in $(seq "$N"); do
  status=$(http POST "http://$PROXY/merchants/m_acme/customers" \
    "{\"first_name\":\"Ada\",\"last_name\":\"N$i\",\"email\":\"ada$i@example.com\",\"phone\":\"+1 555 000$i\"}")
  [ "$status" = 201 ] || fail "create $i: status $status: $(cat "$WORK/body")"
  jq -r .customer.token "$WORK/body" >>"$WORK/tokens"
done
log "ok: $N creates answered 201 by the primary"

check "customer rows in the database" "$(sql 'SELECT count(*) FROM customers')" "$N"
check "rows that are the primary's (tokens it answered)" \
  "$(sql "SELECT count(*) FROM customers WHERE token IN ($(sed "s/.*/'&'/" "$WORK/tokens" | paste -sd,))")" "$N"
check "distinct e-mails (no shadow duplicate)" "$(sql 'SELECT count(DISTINCT email) FROM customers')" "$N"

confirmed=$(wait_metric "$N" shadowdiff_requests_total "$endpoint" 'method="POST"' 'outcome="m')
check "confirmed rollback outcomes (match + mismatch)" "$confirmed" "$N"
check "rollback_unconfirmed" "$(metric shadowdiff_requests_total "$endpoint" 'outcome="rollback_unconfirmed"')" 0
check "endpoint not tripped" "$(metric shadowdiff_endpoint_tripped "$endpoint")" 0
log "PASS"
