#!/usr/bin/env bash
# The diff dashboard in a real browser: the proxy binary in front of two JSON backends that
# disagree (json_backend.py), real traffic through it with curl, then headless Chromium
# loads the admin server's dashboard through a deep link (#endpoint=..&method=..&example=0)
# and the rendered DOM (--dump-dom) must show
#   - the endpoint table: a row per endpoint, with its match rate (0.0% and 100%);
#   - the field breakdown: each differing field with its kind (missing, extra, value, type);
#   - the example side by side: the differing lines highlighted per kind with the old and
#     new values, and the differences table;
#   - no raw card number (redaction) and no element injected from the traffic (escaping).
# Every process started here is stopped on exit, also when a check fails; every wait is
# bounded.
#
# Environment (tests/ui/CMakeLists.txt sets them):
#   SHADOWDIFF  the proxy binary          CHROMIUM  the browser (exit 77 = skip when absent)
#   DASHBOARD_SCREENSHOT  optional: also save a 1400x900 screenshot of the view there
set -euo pipefail
# shellcheck source=../lib/processes.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/processes.sh"

NAME=ui_dashboard
TEST_NAME=$NAME
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PIDS=()
WORK=$(mktemp -d "/tmp/shadowdiff-$NAME.XXXXXX")

cleanup() {
  local rc=$?
  stop_pids "${PIDS[@]}"
  [ $rc -eq 0 ] || dump_logs 20 "$WORK"/*.log "$WORK"/*.err
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ -x "${SHADOWDIFF:-}" ] ||
  fail "\$SHADOWDIFF is not an executable (run through ctest, which sets it)"
if [ -z "${CHROMIUM:-}" ] || ! [ -x "$CHROMIUM" ]; then
  echo "[$NAME] SKIP: chromium is not installed (tools/setup-deps test installs it)"
  exit 77
fi
command -v python3 >/dev/null || fail "python3 is needed for the test backends"


# ---- two backends that disagree ------------------------------------------------------------
# The card number (a Luhn-valid test number) is the same on both sides: no diff, but it is in
# every stored body, where redaction must have masked it before the dashboard shows it.
CARD='4111 1111 1111 1111'
mkdir -p "$WORK/old/accounts" "$WORK/new/accounts"
for id in acc_1 acc_2 acc_3; do
  cat >"$WORK/old/accounts/$id.json" <<EOF
{"account":{"id":"$id","owner":{"name":"Ada Lovelace","email":"ada@example.com"},
 "currency":"EUR","balance":"12.50","phone":"+44 20 7946 0018","tags":["vip","early"],
 "card":{"number":"$CARD","brand":"visa"}},"request_id":"old-$id"}
EOF
  cat >"$WORK/new/accounts/$id.json" <<EOF
{"account":{"id":"$id","owner":{"name":"Ada Lovelace","email":"ada@example.com"},
 "currency":"eur","balance":12.5,"phone_number":"+44 20 7946 0018","tags":["vip"],
 "card":{"number":"$CARD","brand":"visa"}},"request_id":"new-$id"}
EOF
done
echo '{"status":"ok","version":3}' | tee "$WORK/old/status.json" >"$WORK/new/status.json"

start_backend() {  # start_backend VAR NAME
  python3 "$HERE/json_backend.py" --root "$WORK/$2" >"$WORK/$2.out" 2>"$WORK/$2.log" &
  PIDS+=("$!")
  local line
  line=$(wait_for_line "$WORK/$2.out" 'listening on 127\.0\.0\.1:[0-9]+' "$!" 20)
  printf -v "$1" '%s' "${line#listening on }"
  log "$2 backend on ${!1}"
}
start_backend OLD old
start_backend NEW new

# ---- the proxy -----------------------------------------------------------------------------
cat >"$WORK/endpoints.yaml" <<EOF
listen: 127.0.0.1:0
admin:
  listen: 127.0.0.1:0
targets:
  old: http://$OLD
  new: http://$NEW
defaults:
  compare:
    ignore: ["\$.request_id"]
store:
  jsonl: $WORK/mismatches.jsonl
endpoints:
  - path: /accounts/{account_id}
    methods: [GET]
  - path: /status
    methods: [GET]
EOF
"$SHADOWDIFF" check -c "$WORK/endpoints.yaml" >"$WORK/check.log" 2>&1 ||
  fail "generated config is invalid: $(cat "$WORK/check.log")"
"$SHADOWDIFF" proxy -c "$WORK/endpoints.yaml" >"$WORK/proxy.out" 2>"$WORK/proxy.log" &
PROXY_PID=$!
PIDS+=("$PROXY_PID")
line=$(wait_for_line "$WORK/proxy.out" 'listening on [0-9.:]+, admin on [0-9.:]+' "$PROXY_PID" 30)
PROXY=$(echo "$line" | sed -E 's/listening on ([0-9.:]+),.*/\1/')
ADMIN=$(echo "$line" | sed -E 's/.*admin on ([0-9.:]+)/\1/')
log "proxy on $PROXY, admin on $ADMIN"

# ---- real traffic --------------------------------------------------------------------------
# The canary header is shown in the example's request headers: it must arrive as text.
CANARY='<img src=x onerror="document.title=1">'
for round in 1 2; do
  for id in acc_1 acc_2 acc_3; do
    code=$(curl -sS -m 10 -o /dev/null -w '%{http_code}' -H "X-Canary: $CANARY" \
      "http://$PROXY/accounts/$id?round=$round")
    [ "$code" = 200 ] || fail "GET /accounts/$id through the proxy answered $code"
  done
  for _ in 1 2 3 4; do
    curl -sS -m 10 -o /dev/null "http://$PROXY/status" || fail "GET /status through the proxy"
  done
done
# Comparison runs after the client's answer: wait (bounded) for the examples to be stored.
for _ in $(seq 100); do
  n=$(curl -sS -m 5 "http://$ADMIN/api/mismatches?endpoint=/accounts/%7Baccount_id%7D&method=GET" |
    grep -o '"outcome":"mismatch"' | wc -l) || n=0
  [ "$n" -ge 6 ] && break
  sleep 0.1
done
[ "$n" -ge 6 ] || fail "expected 6 stored mismatch examples, the admin API has $n"
log "6 mismatch examples stored"

# ---- the dashboard in headless Chromium ----------------------------------------------------
# %7B/%7D: the hash is read with URLSearchParams, which decodes them.
URL="http://$ADMIN/#endpoint=/accounts/%7Baccount_id%7D&method=GET&example=0"
chromium_run() {  # chromium_run OUTPUT_FILE ARGS...: bounded (60 s), in the cleanup's list
  local out=$1
  shift
  rm -rf "$WORK/profile"
  timeout -k 5 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
    --disable-background-networking --disable-component-update --disable-sync --no-first-run \
    --no-default-browser-check --hide-scrollbars --user-data-dir="$WORK/profile" \
    --virtual-time-budget=5000 "$@" "$URL" >"$out" 2>>"$WORK/chromium.err" &
  local pid=$!
  PIDS+=("$pid")
  wait "$pid" || fail "chromium failed (exit $?)"
}
started=$(date +%s%N)
chromium_run "$WORK/dom.html" --dump-dom
log "chromium rendered the page in $((($(date +%s%N) - started) / 1000000)) ms"
[ -s "$WORK/dom.html" ] || fail "chromium dumped an empty DOM"

q() { python3 "$HERE/dom_query.py" "$WORK/dom.html" "$@"; }
expect() {  # expect DESCRIPTION NEEDLE QUERY...: some matching element's text contains NEEDLE
  local description=$1 needle=$2 found
  shift 2
  found=$(q "$@")
  if grep -qF -- "$needle" <<<"$found"; then
    log "ok: $description"
  else
    fail "$description: no '$*' element containing '$needle' (found: ${found:-nothing})"
  fi
}
count() { q "$@" | wc -l; }

# The endpoint table: both endpoints, with their match rates.
rows=$(count tr.endpoint-row)
[ "$rows" -eq 2 ] || fail "expected 2 endpoint rows, got $rows"
expect "endpoint row /accounts/{account_id}: 0.0% match" "0.0%" \
  tr.endpoint-row data-endpoint=/accounts/{account_id} data-method=GET
[ "$(q td.num.bad)" = 6 ] || fail "expected one mismatch count cell saying 6, got '$(q td.num.bad)'"
log "ok: 6 mismatches on /accounts/{account_id}, none elsewhere"
expect "endpoint row /status: 100% match" "100%" tr.endpoint-row data-endpoint=/status
expect "the deep-linked endpoint is selected" "/accounts/{account_id}" tr.endpoint-row.selected

# The field breakdown, one row per differing field with its kind.
expect "field \$.account.phone is missing" "\$.account.phone" \
  tr.field-row 'data-field=$.account.phone' data-kind=missing
expect "field \$.account.phone_number is extra" "\$.account.phone_number" \
  tr.field-row 'data-field=$.account.phone_number' data-kind=extra
expect "field \$.account.currency is value" "\$.account.currency" \
  tr.field-row 'data-field=$.account.currency' data-kind=value
expect "field \$.account.balance is type" "\$.account.balance" \
  tr.field-row 'data-field=$.account.balance' data-kind=type
expect "field \$.account.tags[*] is missing" "\$.account.tags[*]" \
  tr.field-row 'data-field=$.account.tags[*]' data-kind=missing

# The example list and the example, side by side, differing lines highlighted by kind.
rows=$(count li.example)
[ "$rows" -eq 6 ] || fail "expected 6 examples listed, got $rows"
expect "old line of \$.account.currency highlighted as value" '"currency": "EUR"' \
  div.line.old.diff-value 'data-path=$.account.currency'
expect "new line of \$.account.currency highlighted as value" '"currency": "eur"' \
  div.line.new.diff-value 'data-path=$.account.currency'
expect "old line of \$.account.balance highlighted as type" '"balance": "12.50"' \
  div.line.old.diff-type 'data-path=$.account.balance'
expect "new line of \$.account.balance highlighted as type (number as sent)" '"balance": 12.5' \
  div.line.new.diff-type 'data-path=$.account.balance'
expect "old line of \$.account.phone highlighted as missing" '"phone": "+44 20 7946 0018"' \
  div.line.old.diff-missing 'data-path=$.account.phone'
expect "new line of \$.account.phone_number highlighted as extra" '"phone_number"' \
  div.line.new.diff-extra 'data-path=$.account.phone_number'
expect "old line of \$.account.tags[1] highlighted as missing" '"early"' \
  div.line.old.diff-missing 'data-path=$.account.tags[1]'
expect "an unchanged line is not highlighted" '"name": "Ada Lovelace"' \
  div.line.old.!diff-missing.!diff-extra.!diff-value.!diff-type 'data-path=$.account.owner.name'
rows=$(count tr.diff-row)
[ "$rows" -eq 5 ] || fail "expected 5 rows in the differences table, got $rows"
expect "differences table: \$.account.currency EUR -> eur" '"EUR""eur"' \
  tr.diff-row.diff-value 'data-path=$.account.currency'

# Untrusted data stays text: redacted card number, no injected element.
if grep -qF "$CARD" "$WORK/dom.html" || grep -qF "${CARD// /}" "$WORK/dom.html"; then
  fail "the raw card number is in the page"
fi
expect "the card number is shown masked" '"number":' div.line.old 'data-path=$.account.card.number'
[ "$(count img)" -eq 0 ] || fail "an <img> element was injected from the traffic"
expect "the canary request header is shown as text" "$CANARY" details.request
log "ok: no raw card number, canary header shown as text"

if [ -n "${DASHBOARD_SCREENSHOT:-}" ]; then
  chromium_run "$WORK/screenshot.out" --window-size=1400,900 --screenshot="$DASHBOARD_SCREENSHOT"
  [ -s "$DASHBOARD_SCREENSHOT" ] || fail "no screenshot at $DASHBOARD_SCREENSHOT"
  log "screenshot: $DASHBOARD_SCREENSHOT"
fi
log "PASS"
