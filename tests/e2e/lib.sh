# shellcheck shell=bash
# e2e test helpers (sourced by tests/e2e/*.sh): a fresh database in the ctest PostgreSQL
# cluster, the demo services and the proxy as real processes on free ports, bounded waits,
# and a cleanup trap that stops every process started here and drops the database, also
# when a check fails.
#
# The binaries come from the environment (tests/e2e/CMakeLists.txt sets them):
#   SHADOWDIFF OLD_GATEWAY NEW_CUSTOMERS DEMO_TRAFFIC, and E2E_CONFIG_TEMPLATE (the
#   top-level endpoints.yaml, whose fixed addresses are replaced by the started ones).
# SHADOWDIFF_PG_CONNINFO_FILE names the file holding the cluster's conninfo (ctest fixture).
set -euo pipefail
# shellcheck source=../lib/processes.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/processes.sh"

E2E_NAME=${E2E_NAME:-e2e}
TEST_NAME=$E2E_NAME
E2E_PIDS=()
WORK=$(mktemp -d "/tmp/shadowdiff-${E2E_NAME}.XXXXXX")
export SHADOWDIFF_ROLLBACK_SECRET="e2e-secret-$RANDOM$RANDOM"

e2e_cleanup() {
  local rc=$?
  [ -z "${WATCHDOG_PID:-}" ] || kill -TERM "$WATCHDOG_PID" 2>/dev/null || true
  if [ -e "$WORK/deadline-reached" ]; then
    echo "[$E2E_NAME] FAIL: still running after ${E2E_DEADLINE}s (a hang?); stopping everything" >&2
  fi
  stop_pids "${E2E_PIDS[@]}"
  if [ -n "${E2E_DB:-}" ]; then
    psql "$E2E_ADMIN_CONNINFO" -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $E2E_DB WITH (FORCE)" \
      >/dev/null 2>&1 || true
  fi
  [ $rc -eq 0 ] || dump_logs 25 "$WORK"/*.log
  rm -rf "$WORK"
  exit $rc
}
trap e2e_cleanup EXIT
trap 'exit 130' INT TERM

start_watchdog "${E2E_DEADLINE:-}" "$WORK"  # cleanup runs before ctest's TIMEOUT

for var in SHADOWDIFF OLD_GATEWAY NEW_CUSTOMERS; do
  [ -x "${!var:-}" ] || fail "\$$var is not an executable (run through ctest, which sets it)"
done
[ -n "${SHADOWDIFF_PG_CONNINFO_FILE:-}" ] && [ -s "$SHADOWDIFF_PG_CONNINFO_FILE" ] ||
  fail "no PostgreSQL cluster: SHADOWDIFF_PG_CONNINFO_FILE is unset or empty (run through ctest, whose pg_cluster fixture starts one)"
E2E_ADMIN_CONNINFO="$(cat "$SHADOWDIFF_PG_CONNINFO_FILE") connect_timeout=10"
export PGCONNECT_TIMEOUT=10

# A fresh database for this test: E2E_DB (name), DB (conninfo).
e2e_create_db() {
  E2E_DB="e2e_$(echo "$E2E_NAME" | tr -c 'a-z0-9_\n' '_')_$$_$RANDOM"
  psql "$E2E_ADMIN_CONNINFO" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $E2E_DB" >/dev/null ||
    fail "could not create database $E2E_DB"
  DB="$(sed "s/dbname=[^ ]*//" "$SHADOWDIFF_PG_CONNINFO_FILE") dbname=$E2E_DB"
}

sql() {  # sql QUERY: one value, unaligned
  PGOPTIONS="-c statement_timeout=10000" psql "$DB connect_timeout=10" -X -A -t -q \
    -v ON_ERROR_STOP=1 -c "$1"
}


# start_service VAR NAME BINARY [ARGS...]: starts a demo service on a free port, sets VAR
# to its HOST:PORT once it prints "listening on".
start_service() {
  local var=$1 name=$2 bin=$3
  shift 3
  "$bin" --listen 127.0.0.1:0 --db "$DB" "$@" >"$WORK/$name.log" 2>&1 &
  local pid=$!
  E2E_PIDS+=("$pid")
  local line
  line=$(wait_for_line "$WORK/$name.log" 'listening on 127\.0\.0\.1:[0-9]+' "$pid" 30)
  printf -v "$var" '%s' "${line#listening on }"
  log "$name listening on ${!var}"
}

# make_config FILE OLD NEW [SED...]: the top-level endpoints.yaml with the addresses of this
# test (proxy and admin on port 0), the examples file in $WORK, and extra sed expressions.
make_config() {
  local file=$1 old=$2 new=$3
  shift 3
  local args=(-e "s#127.0.0.1:8080#127.0.0.1:0#" -e "s#127.0.0.1:9901#127.0.0.1:0#"
              -e "s#http://127.0.0.1:8001#http://$old#" -e "s#http://127.0.0.1:8002#http://$new#"
              -e "s#var/mismatches.jsonl#$WORK/mismatches.jsonl#")
  local e
  for e in "$@"; do args+=(-e "$e"); done
  sed "${args[@]}" "$E2E_CONFIG_TEMPLATE" >"$file"
  "$SHADOWDIFF" check -c "$file" >/dev/null || fail "generated config $file is invalid"
}

# start_proxy CONFIG [NAME]: sets PROXY and ADMIN (HOST:PORT) and PROXY_PID.
start_proxy() {
  local config=$1 name=${2:-proxy}
  "$SHADOWDIFF" proxy -c "$config" --threads 2 >"$WORK/$name.out" 2>"$WORK/$name.log" &
  PROXY_PID=$!
  E2E_PIDS+=("$PROXY_PID")
  local line
  line=$(wait_for_line "$WORK/$name.out" 'listening on [0-9.:]+, admin on [0-9.:]+' "$PROXY_PID" 30)
  PROXY=$(echo "$line" | sed -E 's/listening on ([0-9.:]+),.*/\1/')
  ADMIN=$(echo "$line" | sed -E 's/.*admin on ([0-9.:]+)/\1/')
  for _ in $(seq 100); do
    curl -fsS -m 2 "http://$ADMIN/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -fsS -m 2 "http://$ADMIN/healthz" >/dev/null || fail "the admin server at $ADMIN does not answer"
  log "proxy on $PROXY, admin on $ADMIN"
}

stop_proxy() {
  kill -TERM "$PROXY_PID" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$PROXY_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$PROXY_PID" 2>/dev/null || true
  wait "$PROXY_PID" 2>/dev/null || true
}

# metric NAME LABEL_MATCH...: the sum of the samples of NAME whose labels contain every
# LABEL_MATCH (e.g. 'outcome="match"'); 0 when none.
metric() {
  local name=$1
  shift
  curl -fsS -m 5 "http://$ADMIN/metrics" | awk -v name="$name" -v n=$# -v labels="$*" '
    BEGIN { split(labels, want, " ") }
    index($0, name "{") == 1 || index($0, name " ") == 1 {
      ok = 1
      for (i = 1; i <= n; i++) if (index($0, want[i]) == 0) ok = 0
      if (ok) sum += $NF
    }
    END { printf "%d\n", sum }'
}

# wait_metric EXPECTED NAME LABEL_MATCH...: waits (bounded, 10 s) until metric equals
# EXPECTED (the comparison runs after the client's answer); prints the last value.
wait_metric() {
  local expected=$1 value
  shift
  for _ in $(seq 100); do
    value=$(metric "$@")
    [ "$value" = "$expected" ] && break
    sleep 0.1
  done
  echo "$value"
}

# http METHOD URL [BODY] [HEADER...]: prints "STATUS" and leaves the body in $WORK/body and
# the headers in $WORK/headers.
http() {
  local method=$1 url=$2 body=${3:-}
  shift 3 || shift $#
  local args=(-sS -m 10 -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' -X "$method")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data "$body")
  local h
  for h in "$@"; do args+=(-H "$h"); done
  curl "${args[@]}" "$url"
}

# sign MODE METHOD TARGET ID [T] [SECRET]: a Shadow-Signature header value.
sign() {
  local mode=$1 method=$2 target=$3 id=$4 t=${5:-$(date +%s)} secret=${6:-$SHADOWDIFF_ROLLBACK_SECRET}
  local hex
  hex=$(printf '%s' "$t.$id.$mode.$method.$target" | openssl dgst -sha256 -hmac "$secret" | awk '{print $NF}')
  echo "t=$t,v1=$hex"
}
