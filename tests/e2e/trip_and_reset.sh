#!/usr/bin/env bash
# e2e (d): a shadow service that ignores the rollback protocol
# (`new-customers --ignore-shadow-protocol`: commits, never confirms) trips its endpoint on
# its first unconfirmed answer: shadowdiff_endpoint_tripped=1, outcome rollback_unconfirmed
# counted once, later requests are not shadowed (the candidate committed exactly one row),
# and POST /api/endpoints/reset re-enables shadowing.
export E2E_NAME=trip_and_reset
source "$(dirname "$0")/lib.sh"

e2e_create_db
start_service OLD old-gateway "$OLD_GATEWAY"
start_service NEW new-customers "$NEW_CUSTOMERS" --ignore-shadow-protocol
make_config "$WORK/endpoints.yaml" "$OLD" "$NEW"
start_proxy "$WORK/endpoints.yaml"
endpoint='endpoint="/merchants/{merchant_id}/customers"'
create() {  # create I: prints the status
  http POST "http://$PROXY/merchants/m_acme/customers" \
    "{\"first_name\":\"Trip\",\"last_name\":\"$1\",\"email\":\"trip$1@example.com\",\"phone\":\"$1\"}"
}

check "tripped before any traffic" "$(metric shadowdiff_endpoint_tripped "$endpoint")" 0
# 1: the shadow (before_primary) commits its row and does not confirm. The primary then
# finds the e-mail taken (409) or, had it run first, creates its own (201).
s1=$(create 1)
[ "$s1" = 409 ] || [ "$s1" = 201 ] || fail "first create: status $s1: $(cat "$WORK/body")"
primary_rows=0
[ "$s1" = 201 ] && primary_rows=1
log "first create answered $s1 (the candidate had committed the same e-mail first)"
check "rollback_unconfirmed after the first request" \
  "$(wait_metric 1 shadowdiff_requests_total "$endpoint" 'outcome="rollback_unconfirmed"')" 1
check "tripped" "$(metric shadowdiff_endpoint_tripped "$endpoint")" 1

# 2..6: not shadowed any more.
for i in 2 3 4 5 6; do
  check "create $i" "$(create "$i")" 201
  primary_rows=$((primary_rows + 1))
done
check "not_shadowed outcomes" "$(wait_metric 5 shadowdiff_requests_total "$endpoint" 'outcome="not_shadowed"')" 5
check "rollback_unconfirmed still counted once" "$(metric shadowdiff_requests_total "$endpoint" 'outcome="rollback_unconfirmed"')" 1
check "rows: the primary's $primary_rows + exactly 1 committed by the candidate" \
  "$(sql 'SELECT count(*) FROM customers')" $((primary_rows + 1))
check "rows per e-mail 2..6 (none from the candidate)" \
  "$(sql "SELECT count(*) FROM customers WHERE email IN ('trip2@example.com','trip3@example.com','trip4@example.com','trip5@example.com','trip6@example.com')")" 5
check "still tripped" "$(metric shadowdiff_endpoint_tripped "$endpoint")" 1
# Other endpoints keep being shadowed meanwhile.
token=$(sql "SELECT token FROM customers WHERE email = 'trip2@example.com'")
check "GET of a customer while the create endpoint is tripped" "$(http GET "http://$PROXY/merchants/m_acme/customers/$token")" 200
check "its comparison ran" "$(wait_metric 1 shadowdiff_requests_total 'endpoint="/merchants/{merchant_id}/customers/{token}"' 'outcome="m')" 1

# Reset: shadowing resumes (and, the candidate being what it is, trips again).
status=$(http POST "http://$ADMIN/api/endpoints/reset" "")
check "POST /api/endpoints/reset" "$status" 200
check "tripped after the reset" "$(metric shadowdiff_endpoint_tripped "$endpoint")" 0
create 7 >/dev/null
check "rollback_unconfirmed after a request past the reset" \
  "$(wait_metric 2 shadowdiff_requests_total "$endpoint" 'outcome="rollback_unconfirmed"')" 2
check "tripped again" "$(metric shadowdiff_endpoint_tripped "$endpoint")" 1
check "rows with e-mail 7 (the candidate's commit, the shadow ran again)" \
  "$(sql "SELECT count(*) FROM customers WHERE email = 'trip7@example.com'")" 1
log "PASS"
