# Shared shell functions of the benchmark scripts in tools/bench (proxy-vs-nginx, replay-vs-wrk).
# Source it after setting:
#   bench_name   the script's name, the prefix of its messages ("proxy-vs-nginx")
#   here         tools/bench (the nginx templates are $here/nginx/*.conf.in)
# It defines functions only (and nothing runs on sourcing). The functions use these globals of
# the sourcing script:
#   tmp          the temporary directory (bench_make_tmp sets it; cleanup removes it unless
#                KEEP_TMP=1)
#   pids         array: every long-running process started (stop_all stops them)
#   started_pid  set by start_nginx to the nginx master's pid
#   port_old, port_new  the backends' ports (start_nginx puts them into the templates)
# Install the traps in the script itself:
#   trap cleanup EXIT; trap 'exit 130' INT; trap 'exit 143' TERM
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154  # globals shared with the sourcing script

die() { echo "$bench_name: $*" >&2; exit 1; }
note() { echo "== $*" >&2; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'; }

# bench_make_tmp: a fresh temporary directory in $tmp, readable by nginx workers; empty pids
bench_make_tmp() {
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/$bench_name.XXXXXX")"
  chmod 755 "$tmp"   # nginx workers run as nobody when the script runs as root
  started_pid=""     # set by start_nginx
  pids=()            # every long-running process started here (nginx masters, shadowdiff)
}

stop_all() {
  local pid kids=() i
  for pid in "${pids[@]}"; do
    # nginx workers are children of the master: remember them in case the master must be killed
    mapfile -t -O "${#kids[@]}" kids < <(pgrep -P "$pid" 2>/dev/null || true)
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "$bench_name: pid $pid did not stop on SIGTERM within 5 s: SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  for pid in "${kids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  pids=()
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_all
  if [[ "${KEEP_TMP:-0}" == 1 ]]; then
    echo "$bench_name: kept $tmp" >&2
  else
    rm -rf "$tmp"
  fi
  exit "$rc"
}

# free_ports N: N free loopback ports, picked by the kernel (bound together so they differ, then
# released), on one line
free_ports() {
  python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

# wait_http URL PID WHAT: until URL answers (any HTTP status), at most 10 s
wait_http() {
  local url="$1" pid="$2" what="$3" i
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || return 1
    curl -s -o /dev/null --max-time 1 "$url" && return 0
    sleep 0.1
  done
  echo "$bench_name: $what did not answer on $url within 10 s" >&2
  return 1
}

# start_nginx NAME TEMPLATE PORT: renders tools/bench/nginx/TEMPLATE into $tmp/NAME and starts it
start_nginx() {
  local name="$1" template="$2" port="$3" dir="$tmp/$1" pid
  mkdir -p "$dir/tmp"
  sed -e "s|@NAME@|$name|g" -e "s|@PORT@|$port|g" -e "s|@PREFIX@|$dir|g" \
      -e "s|@WWW@|$tmp/www-${name#backend-}|g" \
      -e "s|@OLD_PORT@|$port_old|g" -e "s|@NEW_PORT@|$port_new|g" \
      "$here/nginx/$template" >"$dir/nginx.conf"
  if grep -q '@[A-Z_]*@' "$dir/nginx.conf"; then die "unreplaced placeholder in $dir/nginx.conf"; fi
  nginx -t -q -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" ||
    die "nginx -t failed for $name ($dir/nginx.conf)"
  nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" </dev/null >"$dir/stdout.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  started_pid="$pid"
  wait_http "http://127.0.0.1:$port/" "$pid" "$name" ||
    { cat "$dir/error.log" >&2 2>/dev/null || true; die "$name did not start"; }
}

# cpu_ticks PID: user+system clock ticks of PID and its children (nginx workers), threads included
cpu_ticks() {
  local total=0 p f
  for p in "$1" $(pgrep -P "$1" 2>/dev/null || true); do
    if [[ -r /proc/$p/stat ]] && f="$(cat "/proc/$p/stat" 2>/dev/null)"; then
      f="${f##*) }"              # fields after "pid (comm) "; utime, stime are fields 12, 13 here
      read -r -a a <<<"$f"
      total=$((total + a[11] + a[12]))
    fi
  done
  echo "$total"
}

# write_bodies DIR: the backends' bodies, DIR/www-old/... and DIR/www-new/... (sizes of old's on
# stderr); bench_paths: the four request paths they answer
write_bodies() {
  python3 - "$1" <<'PY'
# Deterministic payment-API-like bodies, compact JSON, 1-2 KB each. new differs from old in the
# volatile fields (updated_at, request_id, last_login_at, last_seen_at, settled_at: ignored by
# proxy-bench.yaml), returns the customers list in another order (by_key: token), and differs
# in one real field, $.customer.phone, on /merchants/m1/customers/c1.
import json, os, sys

tmp = sys.argv[1]

def customer(i, side, full):
    c = {
        "token": f"cus_{i:04d}Qz8XkLp2", "merchant_id": "m1",
        "name": ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra",
                 "Barbara Liskov"][i % 5],
        "email": f"customer{i}@example.com", "phone": "+1 415 555 01%02d" % i,
        "status": "active", "balance": 1250.75 + i, "currency": "USD",
        "created_at": "2025-03-0%dT10:15:00Z" % (i % 9 + 1),
        "updated_at": "2026-11-22T08:00:0%dZ" % i if side == "old" else "2026-11-22T08:00:3%dZ" % i,
    }
    if full:
        c.update({
            "last_seen_at": "2026-11-21T17:42:11Z" if side == "old" else "2026-11-22T09:01:02Z",
            "addresses": [
                {"id": "addr_1", "kind": "billing", "line1": "1 Market St", "line2": "Suite 300",
                 "city": "San Francisco", "region": "CA", "zip": "94105", "country": "US"},
                {"id": "addr_2", "kind": "shipping", "line1": "500 Howard St", "line2": "",
                 "city": "San Francisco", "region": "CA", "zip": "94105", "country": "US"},
            ],
            "payment_methods": [
                {"token": "pm_4Gk2Lx", "type": "card", "default": True,
                 "card": {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2028,
                          "funding": "credit", "country": "US"}},
                {"token": "pm_9Hq7Rt", "type": "card", "default": False,
                 "card": {"brand": "mastercard", "last4": "4444", "exp_month": 3, "exp_year": 2027,
                          "funding": "debit", "country": "US"}},
            ],
            "metadata": {"crm_id": "crm-88123", "segment": "smb", "signup_channel": "web"},
        })
    return c

def bodies(side):
    rid = "req_7f3a9c2e11" if side == "old" else "req_0b5d8e4f92"
    merchant = {"merchant": {
        "id": "m1", "name": "Acme Coffee Roasters", "legal_name": "Acme Coffee Roasters LLC",
        "country": "US", "currency": "USD", "status": "active", "mcc": "5812",
        "created_at": "2024-06-01T12:00:00Z",
        "updated_at": "2026-11-22T08:00:00Z" if side == "old" else "2026-11-22T08:00:42Z",
        "last_login_at": "2026-11-21T19:20:00Z" if side == "old" else "2026-11-22T07:59:10Z",
        "settings": {"statement_descriptor": "ACME COFFEE", "payout_schedule": "daily",
                     "payout_delay_days": 2, "risk_level": "normal", "3ds": "automatic"},
        "bank_account": {"bank_name": "First Bank", "last4": "6789", "routing": "110000000",
                         "currency": "USD", "status": "verified"},
        "contacts": [{"role": "owner", "name": "Wile E. Coyote", "email": "owner@acme.test"},
                     {"role": "support", "name": "Road Runner", "email": "help@acme.test"}],
        "support": {"phone": "+1 415 555 0199", "url": "https://acme.test/help",
                    "address": {"line1": "77 Mission St", "city": "San Francisco",
                                "region": "CA", "zip": "94105", "country": "US"}},
        "capabilities": {"card_payments": "active", "transfers": "active",
                         "ach_debits": "pending", "apple_pay": "active"},
        "limits": {"daily_volume": 250000.0, "single_charge": 10000.0, "refund_window_days": 90},
    }, "request_id": rid}

    c1 = customer(1, side, True)
    if side == "new":
        c1["phone"] = "+14155550101"          # the one real difference: a mismatch every time
    cust = {"customer": c1, "request_id": rid}

    items = [customer(i, side, False) for i in range(1, 7)]
    if side == "new":
        items.reverse()                       # another order: equal under by_key: token
    listing = {"customers": items, "page": {"limit": 6, "has_more": True,
               "next_cursor": "cur_MTIzNDU2"}, "request_id": rid}

    txn = {"transaction": {
        "id": "t1", "merchant_id": "m1", "customer": "cus_0001Qz8XkLp2", "type": "charge",
        "status": "succeeded", "amount": 42.5 if side == "old" else 42.50,
        "amount_minor": 4250, "currency": "USD", "description": "Order #100231",
        "created_at": "2026-11-20T14:03:00Z",
        "settled_at": "2026-11-21T02:00:00Z" if side == "old" else "2026-11-21T02:00:05Z",
        "updated_at": "2026-11-21T02:00:00Z" if side == "old" else "2026-11-21T02:00:07Z",
        "card": {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2028},
        "fee": {"amount": 1.53, "currency": "USD", "kind": "processing"},
        "billing_address": {"line1": "1 Market St", "city": "San Francisco", "region": "CA",
                            "zip": "94105", "country": "US"},
        "line_items": [{"id": "li_1", "sku": "BEANS-1KG", "quantity": 2, "amount": 18.0},
                       {"id": "li_2", "sku": "FILTER-100", "quantity": 1, "amount": 6.5}],
        "metadata": {"order_id": "100231", "channel": "pos"},
        "risk": {"score": 12, "level": "normal", "rule": "default", "cvc_check": "pass",
                 "avs_check": "pass"},
        "statement_descriptor": "ACME COFFEE", "receipt_url": "https://pay.test/r/t1/rcpt_8f2a",
        "refunds": [],
    }, "request_id": rid}
    return {"merchants/m1": merchant, "merchants/m1/customers": listing,
            "merchants/m1/customers/c1": cust, "merchants/m1/transactions/t1": txn}

for side in ("old", "new"):
    for rel, body in bodies(side).items():
        path = os.path.join(tmp, "www-" + side, rel + ".json")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.chmod(os.path.dirname(path), 0o755)
        with open(path, "w") as f:
            f.write(json.dumps(body))
        if side == "old":
            print(f"  /{rel:<32} {os.path.getsize(path):5d} bytes", file=sys.stderr)
for d, _, _ in os.walk(tmp):
    os.chmod(d, 0o755)
PY
}
bench_paths=(/merchants/m1 /merchants/m1/customers /merchants/m1/customers/c1 /merchants/m1/transactions/t1)

# render_config SRC DST OLD=NEW...: copies SRC to DST with each OLD string replaced by NEW on the
# one config line (not a comment) that holds it; dies unless each OLD is on exactly one such line
render_config() {
  python3 - "$bench_name" "$@" <<'PY'
import sys
name, src, dst, *subs = sys.argv[1:]
text = open(src).read()
for s in subs:
    old, new = s.split("=", 1)
    # the header comment names each address once more: replace only the config's own line
    hits = [l for l in text.splitlines() if old in l and not l.lstrip().startswith("#")]
    if len(hits) != 1:
        sys.exit(f"{name}: expected '{old}' on exactly one config line of {src}, found {len(hits)}")
    text = "\n".join(l.replace(old, new) if (old in l and not l.lstrip().startswith("#")) else l
                     for l in text.splitlines()) + "\n"
open(dst, "w").write(text)
PY
}

# pipeline_args: sets the array pipeline_args to the render_config substitution for
# BENCH_SHADOW_PIPELINE (limits.shadow_pipeline of proxy-bench.yaml, 8 as written), or to
# nothing when it is unset. Pass it on as "${pipeline_args[@]}".
pipeline_args() {
  pipeline_args=()
  [[ -n "${BENCH_SHADOW_PIPELINE:-}" ]] || return 0
  [[ "$BENCH_SHADOW_PIPELINE" =~ ^[1-9][0-9]*$ ]] ||
    die "BENCH_SHADOW_PIPELINE must be a positive whole number, got '$BENCH_SHADOW_PIPELINE'"
  pipeline_args=("shadow_pipeline: 8=shadow_pipeline: $BENCH_SHADOW_PIPELINE")
}
