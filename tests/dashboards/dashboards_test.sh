#!/usr/bin/env bash
# Checks dashboards/ against the real thing.
#
#   dashboards_test.sh static DASHBOARDS_DIR
#       promtool check rules on every rules file, promtool check config on the example
#       prometheus.yml, promtool test rules on every rule unit test, and structural checks
#       of every dashboard JSON (datasource variable, unique panel ids, known variables).
#   dashboards_test.sh live DASHBOARDS_DIR SHADOWDIFF_BINARY
#       starts three tiny upstreams (backends.py: old, new, secondary), the shadowdiff proxy
#       in front of them and a real Prometheus (1 s scrape and rule evaluation, the rules
#       files loaded) scraping the proxy's admin /metrics; drives traffic with every outcome
#       (match, mismatch, noise candidates, shadow_error, shadow_timeout, not_shadowed,
#       rollback_unconfirmed -> tripped); then runs EVERY query of every dashboard (panel
#       targets, annotations, template variables) through Prometheus's HTTP API and requires
#       success, and data for the core panels; requires every recording rule to evaluate with
#       health ok and produce series, and the alerts the traffic provokes to be pending or
#       firing.
#
# Needs: bash, curl, jq, python3, promtool and prometheus (tools/setup-deps test). Every wait
# is bounded; an EXIT trap stops every process started here, also when a check fails.
set -euo pipefail
# shellcheck source=../lib/processes.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/processes.sh"

MODE=${1:?usage: dashboards_test.sh static|live DASHBOARDS_DIR [SHADOWDIFF]}
DASH=${2:?usage: dashboards_test.sh static|live DASHBOARDS_DIR [SHADOWDIFF]}
SHADOWDIFF=${3:-}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NAME="dashboards-$MODE"
TEST_NAME=$NAME
PIDS=()
WORK=$(mktemp -d "/tmp/shadowdiff-$NAME.XXXXXX")
START=$SECONDS

log() { printf '[%s %3ds] %s\n' "$NAME" $((SECONDS - START)) "$*"; }

cleanup() {
  local rc=$?
  stop_pids "${PIDS[@]}"
  [ $rc -eq 0 ] || dump_logs 20 "$WORK"/*.log
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null ||
      fail "'$tool' is not installed (tools/setup-deps test installs everything this test needs)"
  done
}

[ -d "$DASH/prometheus" ] || fail "no $DASH/prometheus directory"
mapfile -t DASHBOARDS < <(find "$DASH" -maxdepth 1 -name '*.json' | sort)
[ ${#DASHBOARDS[@]} -gt 0 ] || fail "no dashboard JSON in $DASH"
# Rules files: every YAML under prometheus/ with a top-level `groups:` (prometheus.yml and
# rule unit tests have none).
mapfile -t RULE_FILES < <(grep -l '^groups:' "$DASH"/prometheus/*.yml "$DASH"/prometheus/*.yaml 2>/dev/null | sort)
[ ${#RULE_FILES[@]} -gt 0 ] || fail "no rules files (YAML with 'groups:') in $DASH/prometheus"

# ---- static ---------------------------------------------------------------------------------
static_checks() {
  need promtool jq
  local f
  for f in "${RULE_FILES[@]}"; do
    promtool check rules "$f" >"$WORK/promtool.log" 2>&1 ||
      { cat "$WORK/promtool.log" >&2; fail "promtool check rules $f"; }
    log "ok: promtool check rules $(basename "$f")"
  done
  if [ -f "$DASH/prometheus/prometheus.yml" ]; then
    (cd "$DASH/prometheus" && promtool check config prometheus.yml) >"$WORK/promtool.log" 2>&1 ||
      { cat "$WORK/promtool.log" >&2; fail "promtool check config prometheus.yml"; }
    log "ok: promtool check config prometheus.yml"
  fi
  local tests=()
  mapfile -t tests < <(find "$DASH/prometheus" -path '*/tests/*' -name '*.yml' | sort)
  for f in "${tests[@]}"; do
    (cd "$(dirname "$f")" && promtool test rules "$(basename "$f")") >"$WORK/promtool.log" 2>&1 ||
      { cat "$WORK/promtool.log" >&2; fail "promtool test rules $f"; }
    log "ok: promtool test rules $(basename "$f")"
  done

  local d problems
  for d in "${DASHBOARDS[@]}"; do
    jq empty "$d" 2>"$WORK/jq.log" || { cat "$WORK/jq.log" >&2; fail "$d is not valid JSON"; }
    problems=$(jq -r '
      def allpanels: .panels[]? | (., (.panels[]?));
      ([.templating.list[].name] + ["__rate_interval","__interval","__range"]) as $vars
      | [ (if (.schemaVersion // 0) < 36 then "schemaVersion \(.schemaVersion) is older than 36" else empty end),
          (if ([.templating.list[] | select(.type == "datasource" and .query == "prometheus")] | length) == 0
             then "no datasource template variable of type prometheus" else empty end),
          ([allpanels | .id] | group_by(.) | map(select(length > 1) | "duplicate panel id \(.[0])") | .[]),
          (allpanels | select(.type != "row") | select((.datasource.uid // "") != "${datasource}")
             | "panel \(.title): datasource is not ${datasource}"),
          (allpanels | select(.type != "row") | .title as $t | .targets[]?
             | select((.datasource.uid // "${datasource}") != "${datasource}")
             | "panel \($t): a target has another datasource"),
          (allpanels | select(.type != "row") | select((.targets // []) | length == 0)
             | "panel \(.title) has no query"),
          (allpanels | select(.type != "row") | select((.description // "") == "")
             | "panel \(.title) has no description"),
          ([.. | objects | select(has("expr")) | .expr | scan("\\$\\{?([A-Za-z_]+)") | .[0]]
             | unique | map(select(. as $v | $vars | index($v) | not))
             | map("unknown variable $\(.)") | .[]),
          (if ([.templating.list[] | select(.name == "endpoint")] | length) == 0
             then "no endpoint variable" else empty end)
        ] | .[]' "$d")
    [ -z "$problems" ] || fail "$(basename "$d"):"$'\n'"$problems"
    log "ok: $(basename "$d") is well-formed ($(jq '[.. | objects | select(has("expr"))] | length' "$d") queries)"
  done
}

if [ "$MODE" = static ]; then
  static_checks
  log "PASS"
  exit 0
fi
[ "$MODE" = live ] || fail "unknown mode '$MODE' (static or live)"

# ---- live -----------------------------------------------------------------------------------
need curl jq python3 prometheus
# Debian's interpreter when there is one: a version manager's shim can take seconds to start.
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3
[ -x "$SHADOWDIFF" ] || fail "the shadowdiff binary '$SHADOWDIFF' is not executable (run through ctest)"


free_port() {
  "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# 1. upstreams
"$PYTHON" "$HERE/backends.py" >"$WORK/backends.out" 2>"$WORK/backends.log" &
PIDS+=($!)
wait_for_line "$WORK/backends.out" '^ready' "${PIDS[-1]}" 20 >/dev/null
OLD=$(awk '$1 == "old" {print $2}' "$WORK/backends.out")
NEW=$(awk '$1 == "new" {print $2}' "$WORK/backends.out")
SECONDARY=$(awk '$1 == "secondary" {print $2}' "$WORK/backends.out")
log "upstreams: old $OLD, new $NEW, secondary $SECONDARY"

# 2. the proxy
cat >"$WORK/endpoints.yaml" <<EOF
listen: 127.0.0.1:0
admin:
  listen: 127.0.0.1:0
targets:
  old: http://$OLD
  new: http://$NEW
  secondary: http://$SECONDARY
defaults:
  primary: old
  timeout_ms: 5000
  shadow_timeout_ms: 5000         # generous: this machine may be loaded
  compare:
    headers: [content-type]
rollback:
  order: before_primary
unmatched: primary_only
store:
  jsonl: $WORK/mismatches.jsonl
endpoints:
  - path: /api/items/{id}
    methods: [GET]
  - path: /api/flaky/{id}
    methods: [GET]
  - path: /api/slow/{id}
    methods: [GET]
    shadow_timeout_ms: 300        # backends.py: new sleeps 1 s for every 4th id
  - path: /api/sampled/{id}
    methods: [GET]
    sample: 0.5
  - path: /api/orders
    methods: [POST]
    shadow: rollback
EOF
"$SHADOWDIFF" check -c "$WORK/endpoints.yaml" >"$WORK/check.log" 2>&1 ||
  { cat "$WORK/check.log" >&2; fail "the generated proxy config is invalid"; }
"$SHADOWDIFF" proxy -c "$WORK/endpoints.yaml" --threads 2 >"$WORK/proxy.out" 2>"$WORK/proxy.log" &
PROXY_PID=$!
PIDS+=("$PROXY_PID")
line=$(wait_for_line "$WORK/proxy.out" 'listening on [0-9.:]+, admin on [0-9.:]+' "$PROXY_PID" 30)
PROXY=$(echo "$line" | sed -E 's/listening on ([0-9.:]+),.*/\1/')
ADMIN=$(echo "$line" | sed -E 's/.*admin on ([0-9.:]+)/\1/')
deadline=$((SECONDS + 20))
while [ $SECONDS -lt $deadline ]; do
  curl -fsS -m 2 "http://$ADMIN/metrics" -o /dev/null 2>/dev/null && break
  sleep 0.1
done
curl -fsS -m 2 "http://$ADMIN/metrics" -o /dev/null || fail "the admin server at $ADMIN does not serve /metrics"
log "proxy on $PROXY, admin on $ADMIN"

# 3. Prometheus: 1 s scrapes and rule evaluations, the dashboards' rules files loaded.
{
  echo "global:"
  echo "  scrape_interval: 1s"
  echo "  evaluation_interval: 1s"
  echo "rule_files:"
  for f in "${RULE_FILES[@]}"; do echo "  - $f"; done
  echo "scrape_configs:"
  echo "  - job_name: shadowdiff"
  echo "    static_configs:"
  echo "      - targets: ['$ADMIN']"
} >"$WORK/prometheus.yml"
PROM=""
for attempt in 1 2 3; do
  port=$(free_port)
  prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb-$attempt" \
    --web.listen-address="127.0.0.1:$port" --log.level=warn >"$WORK/prometheus.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  deadline=$((SECONDS + 30))
  while [ $SECONDS -lt $deadline ]; do
    if curl -fsS -m 1 "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1; then
      PROM="http://127.0.0.1:$port"
      break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$PROM" ] && break
  kill -TERM "$pid" 2>/dev/null || true
  log "Prometheus did not start on port $port (attempt $attempt)"
done
[ -n "$PROM" ] || fail "Prometheus did not become ready"
log "Prometheus $(prometheus --version 2>&1 | awk 'NR == 1 {print $3}') on $PROM"

# This machine may be loaded: every process start counts. So queries go in batches, one
# curl for many URLs (curl -K) and one jq to judge all the answers.

# query EXPR: prints the API answer (JSON); fails the test when the API call itself fails.
query() {
  curl -sS -m 10 --get --data-urlencode "query=$1" "$PROM/api/v1/query" ||
    fail "Prometheus API unreachable for: $1"
}
wait_until() {  # wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.5 s
  local seconds=$1 what=$2 deadline=$((SECONDS + $1))
  shift 2
  while [ $SECONDS -lt $deadline ]; do
    "$@" && return 0
    sleep 0.5
  done
  fail "timed out after ${seconds}s waiting for $what"
}
scraped() { query 'up{job="shadowdiff"} == 1' | jq -e '.data.result | length == 1' >/dev/null; }
wait_until 30 "Prometheus to scrape the proxy" scraped
log "ok: Prometheus scrapes the proxy"

# 4. traffic, in rounds a few scrapes apart so that every counter has an earlier sample and
# rate()/increase() see the increments (a series' first sample is not an increase).
P="http://$PROXY"
round() {  # round N [EXTRA_ORDER_BODY]
  local n=$1 i urls=()
  # One curl for many URLs (one kept-alive connection); -o applies to one URL each.
  for i in $(seq $((n * 40 + 1)) $((n * 40 + 40))); do urls+=(-o /dev/null "$P/api/items/$i"); done
  for i in $(seq $((n * 10 + 1)) $((n * 10 + 10))); do urls+=(-o /dev/null "$P/api/flaky/$i"); done
  for i in $(seq $((n * 8 + 1)) $((n * 8 + 8))); do urls+=(-o /dev/null "$P/api/slow/$i"); done
  for i in $(seq $((n * 10 + 1)) $((n * 10 + 10))); do urls+=(-o /dev/null "$P/api/sampled/$i"); done
  for i in $(seq 5); do urls+=(-o /dev/null "$P/health"); done
  # --next: the POSTs (rollback mode) with their own method and body.
  urls+=(--next -sS -m 30 -w '%{http_code}\n' -X POST -H 'Content-Type: application/json'
         --data '{"item": 1}' -o /dev/null "$P/api/orders" -o /dev/null "$P/api/orders"
         -o /dev/null "$P/api/orders")
  if [ -n "${2:-}" ]; then
    urls+=(--next -sS -m 30 -w '%{http_code}\n' -X POST -H 'Content-Type: application/json'
           --data "$2" -o /dev/null "$P/api/orders")
  fi
  curl -sS -m 30 -w '%{http_code}\n' "${urls[@]}" >>"$WORK/codes" ||
    fail "curl through the proxy failed in round $n"
}
: >"$WORK/codes"
for n in 0 1 2 3 4; do
  if [ "$n" = 2 ]; then
    # The new service "forgets" to confirm one rollback: rollback_unconfirmed, then tripped
    # (the later rounds' orders are not shadowed: drops with reason tripped).
    round "$n" '{"item": 2, "note": "forget"}'
  else
    round "$n"
  fi
  sleep 1.5
done
bad=$(grep -cvE '^(200|201)$' "$WORK/codes" || true)
[ "$bad" = 0 ] || fail "$bad client requests through the proxy did not get 200/201: $(sort "$WORK/codes" | uniq -c | tr '\n' ' ')"
log "ok: $(wc -l <"$WORK/codes") client requests answered 200/201"

# Every rule evaluated with health ok, and the traffic visible through the rules, before
# judging the panels.
rules_settled() {
  curl -sS -m 10 "$PROM/api/v1/rules" -o "$WORK/rules.json" \
    --next -sS -m 10 --get --data-urlencode \
    'query=count(shadowdiff:match_ratio:rate5m) > 0 and on () count(shadowdiff:endpoint_tripped:max == 1) > 0 and on () count(shadowdiff:field_mismatches:rate5m) > 0' \
    "$PROM/api/v1/query" -o "$WORK/settled.json" || return 1
  jq -e -n --slurpfile r "$WORK/rules.json" --slurpfile s "$WORK/settled.json" \
    '([$r[0].data.groups[].rules[] | select(.health != "ok")] | length == 0)
     and ($s[0].data.result | length == 1)' >/dev/null
}
wait_until 40 "every rule to evaluate with health ok, with data" rules_settled
log "ok: every rule evaluated with health ok ($(jq '[.data.groups[].rules[]] | length' "$WORK/rules.json") rules)"

# 5. Every query: each dashboard's panel targets and annotations (template variables as
# Grafana expands them with "All" selected: allValue .*; intervals as for a short range of
# 1 s scrapes), its template variables (label_values through the label values API), and
# every recording rule's series. Core panels must have data, also with one endpoint
# selected (regex-escaped as Grafana does: `{` becomes `\\{` in the query text).
CORE_TITLES='[
  "Match rate (selected endpoints)",
  "Match rate per endpoint",
  "Outcomes (req/s)",
  "Top mismatching fields (time range)",
  "Mismatching requests by kind (req/s)",
  "p50 / p99 by side (selected endpoints)",
  "p99 per endpoint and side",
  "Shadow drops by reason (req/s)",
  "Tripped endpoints",
  "Rollback shadows: confirmed vs unconfirmed (req/s)",
  "Unconfirmed rollbacks by endpoint (time range)"
]'
mkdir -p "$WORK/answers"
: >"$WORK/queries.jsonl"
for d in "${DASHBOARDS[@]}"; do
  jq -c --arg dash "$(basename "$d")" --argjson core "$CORE_TITLES" '
    def expand($endpoint):
      gsub("\\$__rate_interval"; "1m") | gsub("\\$__interval"; "15s") | gsub("\\$__range"; "5m")
      | gsub("\\$job"; ".*") | gsub("\\$endpoint"; $endpoint);
    def allpanels: .panels[]? | (., (.panels[]?));
    (  (  (allpanels | select(.targets) | .title as $t | .targets[] | select(.expr)
             | {kind: "query", title: $t, ref: .refId, expr})
        , (.annotations.list[]? | select(.expr)
             | {kind: "query", title: "annotation: \(.name)", ref: "-", expr})
       )
       | . + {dash: $dash, core: (.title as $t | $core | index($t) != null)}
       | (. + {q: (.expr | expand(".*"))}),
         (select(.core and (.expr | test("\\$endpoint")))
           | (if (.title | test("[Rr]ollback")) then "/api/orders" else "/api/items/\\\\{id\\\\}" end) as $one
           | . + {title: "\(.title) [endpoint=\($one)]", q: (.expr | expand($one))})
    ),
    (.templating.list[] | select(.type == "query")
      | (if (.query | type) == "object" then .query.query else .query end) as $vquery
      | ($vquery | capture("^label_values\\((?<sel>.*),\\s*(?<label>[A-Za-z_]+)\\)$")
               // {sel: null, label: null}) as $c
      | {kind: "variable", dash: $dash, title: "variable $\(.name)", ref: "-", expr: $vquery,
         core: true, sel: ($c.sel // "" | expand(".*")), label: $c.label})
  ' "$d" >>"$WORK/queries.jsonl"
done
jq -c '.data.groups[].rules[] | select(.type == "recording")
       | {kind: "query", dash: "rules", title: "recording rule \(.name)", ref: "-",
          expr: .name, q: .name, core: true}' "$WORK/rules.json" >>"$WORK/queries.jsonl"

# The rules compute what they claim: values this traffic determines (backends.py). items:
# every id divisible by 3, 5 or 7 differs (54%; `served_by` differs on every answer but the
# secondary teaches that it is noise); flaky: new fails every even id; slow: every 4th id
# times out; orders: tripped in round 2, so later orders drop with reason tripped.
VALUE_CHECKS='[
  ["shadowdiff:mismatch_ratio:rate5m{endpoint=\"/api/items/{id}\"}", 0.3, 0.9],
  ["shadowdiff:match_ratio:rate5m{endpoint=\"/api/flaky/{id}\"}", 0.3, 0.7],
  ["shadowdiff:shadow_error_ratio:rate5m{endpoint=\"/api/flaky/{id}\"}", 0.3, 0.7],
  ["shadowdiff:shadow_error_ratio:rate5m{endpoint=\"/api/slow/{id}\"}", 0.1, 0.6],
  ["shadowdiff:endpoint_tripped:max{endpoint=\"/api/orders\"}", 1, 1],
  ["shadowdiff:endpoint_tripped:max{endpoint=\"/api/items/{id}\"}", 0, 0],
  ["shadowdiff:shadow_dropped:rate5m{reason=\"sampled_out\"}", 0.001, 1000],
  ["shadowdiff:shadow_dropped:rate5m{reason=\"tripped\"}", 0.001, 1000],
  ["sum(shadowdiff:field_mismatches:rate5m{endpoint=\"/api/items/{id}\",field=\"$.item.price\",kind=\"type\"})", 0.001, 1000]
]'
jq -c '.[] | {kind: "value", dash: "values", title: "value of \(.[0])", ref: "-", expr: .[0],
              q: .[0], core: true, min: .[1], max: .[2]}' <<<"$VALUE_CHECKS" >>"$WORK/queries.jsonl"

# One curl run for all of them: answers/<line number>.json.
jq -r --arg prom "$PROM" --arg dir "$WORK/answers" '
  [inputs] | to_entries[] | .key as $i | .value
  | (if .kind == "variable"
     then "\($prom)/api/v1/label/\(.label // "none")/values?match[]=\(.sel | @uri)"
     else "\($prom)/api/v1/query?query=\(.q | @uri)" end) as $url
  | "url = \"\($url)\"\noutput = \"\($dir)/\($i).json\""' -n "$WORK/queries.jsonl" >"$WORK/queries.curl"
curl -sS -m 120 -K "$WORK/queries.curl" || fail "Prometheus API calls failed (curl)"

# One jq to judge them: status success everywhere; data where `core`.
report=$(jq -r -n --slurpfile queries "$WORK/queries.jsonl" '
  [inputs | {i: (input_filename | capture("(?<i>[0-9]+)\\.json$").i | tonumber), a: .}]
  | map({(.i | tostring): .a}) | add as $answers
  | $queries | to_entries[] | .key as $i | .value as $q | $answers[$i | tostring] as $a
  | ($a.data | if type == "object" then (.result | if type == "array" then length else 1 end)
               elif type == "array" then length else 0 end) as $n
  | if $a == null then "FAIL\t[\($q.dash)] \($q.title)/\($q.ref): no answer"
    elif $q.kind == "variable" and $q.label == null then "FAIL\t[\($q.dash)] \($q.title): not label_values(SELECTOR, LABEL): \($q.expr)"
    elif $a.status != "success" then "FAIL\t[\($q.dash)] \($q.title)/\($q.ref): \($a.errorType): \($a.error) :: \($q.q // $q.sel)"
    elif $q.core and $n == 0 then "FAIL\t[\($q.dash)] \($q.title)/\($q.ref): no data (a core panel) :: \($q.q // $q.sel)"
    elif $q.kind == "value" and ([$a.data.result[].value[1] | tonumber
                                  | select(. < $q.min or . > $q.max)] | length > 0)
      then "FAIL\t[\($q.dash)] \($q.title): \([$a.data.result[].value[1]]) not within [\($q.min), \($q.max)]"
    elif $q.kind == "value" then "ok\t[\($q.dash)] \($q.title): \([$a.data.result[].value[1] | tonumber * 1000 | round / 1000])"
    else "ok\t[\($q.dash)] \($q.title)/\($q.ref): \($n) series" end
' "$WORK"/answers/*.json)
missing_core=$(jq -r -n --slurpfile queries "$WORK/queries.jsonl" --argjson core "$CORE_TITLES" \
  '($queries | map(.title)) as $seen | $core[] | select(. as $t | $seen | index($t) | not)')
checked=$(wc -l <"$WORK/queries.jsonl")
while IFS=$'\t' read -r verdict text; do
  [ "$verdict" = ok ] && log "ok: $text"
done <<<"$report"
failures=()
while IFS=$'\t' read -r verdict text; do
  [ "$verdict" = FAIL ] && failures+=("$text")
done <<<"$report"
while read -r t; do
  [ -n "$t" ] && failures+=("core panel '$t' is in no dashboard (renamed? update CORE_TITLES)")
done <<<"$missing_core"

# 6. The alerts this traffic provokes are pending or firing, with the endpoint label; the
# ones it must not provoke are not.
EXPECTED_ALERTS='[["ShadowdiffRollbackUnconfirmed", "/api/orders"],
                  ["ShadowdiffEndpointTripped", "/api/orders"],
                  ["ShadowdiffMismatchRateHigh", "/api/items/{id}"],
                  ["ShadowdiffShadowErrorRateHigh", "/api/flaky/{id}"]]'
alerts_as_expected() {
  curl -sS -m 10 "$PROM/api/v1/alerts" -o "$WORK/alerts.json" || return 1
  jq -e --argjson want "$EXPECTED_ALERTS" '
    [.data.alerts[] | select(.state == "pending" or .state == "firing")
     | [.labels.alertname, .labels.endpoint]] as $active
    | all($want[]; . as $w | $active | index([$w]) != null)' "$WORK/alerts.json" >/dev/null
}
if (wait_until 15 "the expected alerts" alerts_as_expected) 2>/dev/null; then
  log "ok: alerts pending/firing: $(jq -r '[.data.alerts[] | "\(.labels.alertname){\(.labels.endpoint // "")}=\(.state)"] | join(", ")' "$WORK/alerts.json")"
else
  failures+=("expected alerts $(jq -c . <<<"$EXPECTED_ALERTS") to be pending or firing; active: $(jq -c '[.data.alerts[] | [.labels.alertname, .labels.endpoint, .state]]' "$WORK/alerts.json" 2>/dev/null)")
fi
unexpected=$(jq -r '[.data.alerts[] | select(.labels.alertname == "ShadowdiffProxyDown" or .labels.alertname == "ShadowdiffConfigReloadFailed") | .labels.alertname] | join(", ")' "$WORK/alerts.json" 2>/dev/null || true)
[ -z "$unexpected" ] || failures+=("alerts active that this run must not provoke: $unexpected")

if [ ${#failures[@]} -gt 0 ]; then
  for f in "${failures[@]}"; do printf '[%s] FAIL: %s\n' "$NAME" "$f" >&2; done
  exit 1
fi
log "PASS: $checked queries, variables and recording rules; every rule healthy; alerts as expected"
