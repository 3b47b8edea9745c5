#!/usr/bin/env bash
# `shadowdiff replay` progress output, from the real binary, on a terminal and off one.
#
# Two JSON backends (tests/ui/json_backend.py) disagree on every 10th item. A paced replay
# (--rate 50, 100 requests, about 2 s) runs under a pseudo-terminal (util-linux `script`), so
# stderr is a TTY. Its output must be, and nothing else:
#   - several carriage-return updates of one line ("\r\033[K" + text, every 200 ms), each with
#     the rate ("(N/s)", at most a little above 50), a match-rate percentage that agrees with
#     its compared and mismatch counts, and an ETA that agrees with the rate and the requests
#     left (--limit gives the total) while requests remain; counts never go down;
#   - the updating line cleared, then the summary table with the right counts; and the
#     gate's exit status.
# Then a longer replay (the whole capture, 300 requests at 50/s, 6 s, no --limit) with stderr
# redirected to a file: no escape sequence and no carriage return anywhere, and plain progress
# lines ("shadowdiff replay: sent ..."), each with an ETA that, without --limit, comes from the
# capture's bytes read against its size, and agrees with the requests left at the rate so far.
# Their interval is a fixed 5 s when stderr is not a TTY (there is no option to shorten it),
# hence the 6 s run for one such line.
#
# Every process started here is stopped on exit, also when a check fails; every wait is
# bounded (E2E_DEADLINE, and a timeout on each replay).
# Environment (tests/e2e/CMakeLists.txt sets them): SHADOWDIFF (the binary), E2E_DEADLINE.
set -euo pipefail
# shellcheck source=../lib/processes.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/processes.sh"

NAME=replay_tty
TEST_NAME=$NAME
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PIDS=()
WORK=$(mktemp -d "/tmp/shadowdiff-$NAME.XXXXXX")

cleanup() {
  local rc=$?
  [ -z "${WATCHDOG_PID:-}" ] || kill -TERM "$WATCHDOG_PID" 2>/dev/null || true
  [ ! -e "$WORK/deadline-reached" ] ||
    echo "[$NAME] FAIL: still running after ${E2E_DEADLINE}s (a hang?); stopping everything" >&2
  stop_pids "${PIDS[@]}"
  if [ $rc -ne 0 ]; then
    dump_logs 20 "$WORK"/*.log "$WORK/plain.err" "$WORK/plain.out"
    if [ -f "$WORK/tty.out" ]; then
      echo "---- end of tty.out (od -c) ----" >&2
      od -c "$WORK/tty.out" | tail -n 40 >&2
    fi
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_watchdog "${E2E_DEADLINE:-}" "$WORK"  # cleanup runs before ctest's TIMEOUT

[ -x "${SHADOWDIFF:-}" ] ||
  fail "\$SHADOWDIFF is not an executable (run through ctest, which sets it)"
for tool in script python3; do
  if ! command -v $tool >/dev/null; then
    echo "[$NAME] SKIP: $tool is not installed"
    exit 77
  fi
done

# ---- two backends that disagree on every 10th item -----------------------------------------
mkdir -p "$WORK/old/items" "$WORK/new/items"
for ((i = 0; i < 300; i++)); do
  echo "{\"id\":$i,\"name\":\"item $i\"}" >"$WORK/old/items/$i.json"
  suffix=
  [ $((i % 10)) -ne 0 ] || suffix=" (new)"
  echo "{\"id\":$i,\"name\":\"item $i$suffix\"}" >"$WORK/new/items/$i.json"
done

start_backend() {  # start_backend VAR NAME
  python3 "$HERE/../ui/json_backend.py" --root "$WORK/$2" >"$WORK/$2.out" 2>"$WORK/$2.log" &
  local pid=$!
  PIDS+=("$pid")
  local address
  address=$(wait_for_line "$WORK/$2.out" '127\.0\.0\.1:[0-9]+' "$pid" 10)
  printf -v "$1" '%s' "$address"
  log "backend $2 on $address"
}
start_backend OLD old
start_backend NEW new

cat >"$WORK/endpoints.yaml" <<EOF
targets:
  old: http://$OLD
  new: http://$NEW
defaults: {sample: 1.0}
endpoints:
  - path: /items/{id}
    methods: [GET]
EOF
"$SHADOWDIFF" check -c "$WORK/endpoints.yaml" >/dev/null || fail "the generated config is invalid"
for ((i = 0; i < 300; i++)); do
  echo "{\"method\":\"GET\",\"target\":\"/items/$i\"}"
  # Line 51 is not JSON: its warning, written about 1 s in, must start on a cleared line.
  [ $i -ne 49 ] || echo "not json"
done >"$WORK/capture.jsonl"

# ---- on a terminal ---------------------------------------------------------------------------
# `script` runs the command with stdin, stdout and stderr on a new pseudo-terminal and copies
# what it prints (stdout and stderr interleaved as the terminal saw them, "\n" as "\r\n") to
# its own stdout; -e: its exit status is the command's.
replay_cmd="'$SHADOWDIFF' replay -c '$WORK/endpoints.yaml' --rate 50 --limit 100"
replay_cmd+=" --fail-above 20% '$WORK/capture.jsonl'"
rc=0
timeout 60 script -qfec "$replay_cmd" /dev/null </dev/null >"$WORK/tty.out" || rc=$?
check "exit status on a terminal (10% mismatches, --fail-above 20%)" "$rc" 0

# The terminal's output cut at each "\r\033[K" (tools: python3, as the bytes matter): every
# piece but the last must be exactly one progress line; the numbers in it must agree with each
# other (the match rate with compared and mismatch, the ETA with the rate and what is left)
# and grow from one update to the next; the last piece is the summary table.
python3 - "$WORK/tty.out" "$WORK/table" <<'EOF' || fail "the terminal output is wrong (above)"
import re, sys
data = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
pieces = data.split("\r\x1b[K")
errors = []
if pieces[0] != "":
    errors.append("output before the first update: %r" % pieces[0][:200])
updates, table = pieces[1:-1], pieces[-1]
bar = re.compile(r"sent (\d+) \((\d+)/s\) \| compared (\d+) \| match ([0-9.]+%|-) \| "
                 r"mismatch (\d+) \| errors 0(?: \| ETA (\d+)s)?")
if len(updates) < 6:
    errors.append("only %d updates in a 2 s replay (one every 200 ms expected)" % len(updates))
previous = (0, 0)
etas = 0
warning = re.compile(r"shadowdiff replay: \S*capture\.jsonl:51: not valid JSON.*; skipped\r\n")
warnings = [u for u in updates if warning.fullmatch(u)]
if len(warnings) != 1:
    errors.append("%d cleared lines hold the bad-line warning, expected 1" % len(warnings))
updates = [u for u in updates if not warning.fullmatch(u)]
for u in updates:
    m = bar.fullmatch(u)
    if not m:
        errors.append("not exactly one progress line: %r" % u)
        continue
    sent, rate, compared, match, mismatch, eta = m.groups()
    sent, rate, compared, mismatch = int(sent), int(rate), int(compared), int(mismatch)
    if (sent, compared) < previous or compared < previous[1]:
        errors.append("counts went down: %r after %r" % (u, previous))
    previous = (sent, compared)
    if rate > 60:
        errors.append("rate above the --rate 50 asked for: %r" % u)
    if compared > 0:
        want = "%.1f%%" % (100.0 * (compared - mismatch) / compared)  # as FormatPercent
        if match != want:
            errors.append("match %s, but %d of %d compared differ: %r"
                          % (match, mismatch, compared, u))
    elif match != "-":
        errors.append("a match rate with nothing compared: %r" % u)
    if sent < 100 and rate > 0:
        if eta is None:
            errors.append("no ETA with %d of 100 left: %r" % (100 - sent, u))
        elif not (100 - sent) / (rate + 0.5) - 0.5 <= int(eta) <= (100 - sent) / (rate - 0.5) + 0.5:
            errors.append("ETA %ss, but %d left at %d/s: %r" % (eta, 100 - sent, rate, u))
        else:
            etas += 1
    elif sent >= 100 and eta is not None:
        errors.append("an ETA with nothing left to send: %r" % u)
if etas == 0:
    errors.append("no update shows an ETA")
if not any(re.search(r"\| match \d+\.\d%", u) for u in updates):
    errors.append("no update shows a match-rate percentage")
if not table.startswith("METHOD  ENDPOINT"):
    errors.append("after the last clear: %r, expected the summary table" % table[:100])
open(sys.argv[2], "w").write(table.replace("\r\n", "\n"))
for e in errors:
    print("[replay_tty] " + e, file=sys.stderr)
print("[replay_tty] %d updates, %d with an ETA; first %r, last %r" %
      (len(updates), etas, updates[0] if updates else "", updates[-1] if updates else ""))
sys.exit(1 if errors else 0)
EOF
grep -qE '^GET +/items/\{id\} +100 +90 +10 +0 +0 +0 +10\.0%' "$WORK/table" ||
  fail "the table has no row 'GET /items/{id} 100 90 10 ...': $(cat "$WORK/table")"
grep -qF 'mismatch rate 10.0% (10 failing of 100 shadowed' "$WORK/table" ||
  fail "the table has no mismatch-rate line: $(cat "$WORK/table")"
log "ok: the summary table follows the cleared line"

# ---- not on a terminal -----------------------------------------------------------------------
rc=0
timeout 60 "$SHADOWDIFF" replay -c "$WORK/endpoints.yaml" --rate 50 --fail-above 20% \
  "$WORK/capture.jsonl" </dev/null >"$WORK/plain.out" 2>"$WORK/plain.err" || rc=$?
check "exit status with stderr to a file" "$rc" 0
check "escape characters in stderr" "$(tr -cd '\033' <"$WORK/plain.err" | wc -c)" 0
check "carriage returns in stderr" "$(tr -cd '\r' <"$WORK/plain.err" | wc -c)" 0
check "escape characters in stdout" "$(tr -cd '\033\r' <"$WORK/plain.out" | wc -c)" 0
plain='^shadowdiff replay: sent [0-9]+ \([0-9]+/s\) \| compared [0-9]+ \| match [0-9]+\.[0-9]% '
plain+='\| mismatch [0-9]+ \| errors 0 \| ETA [0-9]+s$'
lines=$(grep -cE "$plain" "$WORK/plain.err" || true)
[ "$lines" -ge 1 ] ||
  fail "no plain progress line in a 6 s replay: $(head -c 400 "$WORK/plain.err")"
log "ok: $lines plain progress line(s): $(grep -m1 -E "$plain" "$WORK/plain.err")"
# The ETA without --limit: the capture's bytes are spread evenly over its 300 requests, so the
# time left by the bytes read is the time left by the requests left at the rate so far (within
# rounding and the one entry the reader is ahead of the senders).
while read -r line; do
  [[ $line =~ sent\ ([0-9]+)\ \(([0-9]+)/s\).*ETA\ ([0-9]+)s$ ]] || fail "unparsed: $line"
  sent=${BASH_REMATCH[1]} rate=${BASH_REMATCH[2]} eta=${BASH_REMATCH[3]}
  [ "$rate" -gt 0 ] || fail "an ETA without a rate: $line"
  # |eta - (300 - sent) / rate| <= 1.5, in tenths of a second.
  diff=$((eta * 10 - (300 - sent) * 10 / rate))
  [ "${diff#-}" -le 15 ] || fail "ETA ${eta}s, but $((300 - sent)) left at ${rate}/s: $line"
done < <(grep -E "$plain" "$WORK/plain.err")
log "ok: the plain progress lines' ETA (from the input bytes, no --limit) agrees with what is left"
check "bad-line warnings in stderr" "$(grep -cE 'capture\.jsonl:51: not valid JSON' "$WORK/plain.err" || true)" 1
check "other stderr lines" "$(grep -vE "$plain" "$WORK/plain.err" | grep -cvE 'capture\.jsonl:51: not valid JSON' || true)" 0
grep -qE '^GET +/items/\{id\} +300 +270 +30 +0 +0 +0 +10\.0%' "$WORK/plain.out" ||
  fail "the table has no row 'GET /items/{id} 300 270 30 ...': $(cat "$WORK/plain.out")"
log "PASS"
