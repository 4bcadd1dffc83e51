#!/usr/bin/env bash
# A device's sending side in a few lines of shell, for a firmware engineer's test bench (docs/devices.md walks
# through each step): events persisted before they are sent, sessions and sequence numbers that survive a
# restart, gzipped batches with sentat, and the collector's answers handled as the contract says.
#
#   scripts/device-bench.sh track '{"type":"navigationevent","targetpage":"home"}'   # persist one event
#   scripts/device-bench.sh send                                                     # send until the queue is empty
#   scripts/device-bench.sh status | new-session
#
# Environment: COLLECTOR_URL (default http://127.0.0.1:8787), TOKEN (a JWT with scope events:write, e.g. from
# `npm run token`), BENCH_DIR (the device's "flash", default ./.device-bench), BATCH (events per request, default
# 100), MAX_ATTEMPTS (sends before giving up for now, default 8), and the device fields DEVICE_CLIENT,
# DEVICE_VERSION, DEVICE_PLATFORM, DEVICE_PLATFORM_VERSION, DEVICE_NAME, DEVICE_MANUFACTURER, DEVICE_CONNECTION.
# Needs bash, curl, gzip and GNU date. Exit status: 0 done, 2 bad usage, 3 token refused, 4 collector unreachable
# or busy after MAX_ATTEMPTS (the events stay queued: run send again).
set -euo pipefail

URL="${COLLECTOR_URL:-http://127.0.0.1:8787}"
DIR="${BENCH_DIR:-./.device-bench}"
BATCH="${BATCH:-100}"
MAX_ATTEMPTS="${MAX_ATTEMPTS:-8}"
mkdir -p "$DIR/queue"

now() { date +%Y-%m-%dT%H:%M:%S.%3N%:z; } # local time with milliseconds and offset, as localtime and sentat need

# Atomic write: a power cut leaves the old file or the new one, never half of one.
write_file() { printf '%s' "$2" >"$1.tmp" && sync "$1.tmp" 2>/dev/null; mv "$1.tmp" "$1"; }

new_session() {
  write_file "$DIR/session" "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" # 32 hex digits
  write_file "$DIR/sequence" 0
}

track() {
  local event="$1"
  [[ "$event" == "{"*"}" ]] || { echo "track: give one event as a JSON object" >&2; exit 2; }
  [[ -f "$DIR/session" ]] || new_session
  local session sequence q
  session=$(cat "$DIR/session")
  # The sequence number is stored before it is used: after a crash it is skipped, never given out twice.
  sequence=$(($(cat "$DIR/sequence") + 1))
  write_file "$DIR/sequence" "$sequence"
  q=$(($(cat "$DIR/last_q" 2>/dev/null || echo 0) + 1))
  local common
  common=$(printf '"client":"%s","clientversion":"%s","platform":"%s","platformversion":"%s","devicename":"%s","devicemanufacturer":"%s","connection":"%s","sessionid":"%s","sequencenumber":%d,"localtime":"%s"' \
    "${DEVICE_CLIENT:-device-bench}" "${DEVICE_VERSION:-1.0.0}" "${DEVICE_PLATFORM:-linux}" \
    "${DEVICE_PLATFORM_VERSION:-$(uname -r)}" "${DEVICE_NAME:-bench}" "${DEVICE_MANUFACTURER:-acme}" \
    "${DEVICE_CONNECTION:-wan}" "$session" "$sequence" "$(now)")
  # The event is in the queue (the device's flash) before track returns; it leaves only when the collector answers.
  write_file "$DIR/queue/$(printf '%012d' "$q").json" "${event%\}},$common}"$'\n'
  write_file "$DIR/last_q" "$q"
  echo "queued #$q: session $session, sequence $sequence"
}

send() {
  local attempt=0 batch="$BATCH"
  while :; do
    mapfile -t files < <(find "$DIR/queue" -name '*.json' | sort | head -n "$batch")
    ((${#files[@]} > 0)) || { echo "queue empty"; return 0; }
    # sentat is read again for every attempt: it is the device clock as this request leaves.
    { printf '{"schemaversion":"1.0","sentat":"%s","events":[' "$(now)"; cat "${files[@]}" | paste -sd,; printf ']}'; } |
      gzip -c >"$DIR/body.gz"
    local status
    status=$(curl -s -o "$DIR/answer.json" -D "$DIR/answer.headers" -w '%{http_code}' --max-time 30 \
      -H "Authorization: Bearer ${TOKEN:?set TOKEN to a JWT with scope events:write}" \
      -H 'Content-Type: application/json' -H 'Content-Encoding: gzip' \
      --data-binary @"$DIR/body.gz" "$URL/v1/events" || true)
    local code
    code=$(sed -n 's/.*"code":"\([a-z_]*\)".*/\1/p' "$DIR/answer.json" 2>/dev/null | head -n 1)
    case "$status" in
      2??)
        # Accepted. Events listed under "rejected" are refused for good: report them, never resend them.
        echo "$status: $(cat "$DIR/answer.json")"
        rm -f "${files[@]}"
        attempt=0
        ;;
      400)
        if [[ "$code" == "no_valid_events" || "$code" == "invalid_json" || "$code" == "invalid_envelope" ||
          "$code" == "unsupported_schema_version" || "$code" == "invalid_body_encoding" ]]; then
          echo "400 $code: dropping ${#files[@]} events: $(cat "$DIR/answer.json")"
          rm -f "${files[@]}"
        else
          retry_later "$status" || return 4 # a 400 without the collector's code came from something in between
        fi
        ;;
      413)
        if ((${#files[@]} == 1)); then
          echo "413: one event is too large on its own; dropping ${files[0]}"
          rm -f "${files[0]}"
        else
          batch=$(((${#files[@]} + 1) / 2))
          echo "413 $code: sending $batch events per request"
        fi
        ;;
      401)
        echo "401: the token is refused; fetch a new one, set TOKEN and run send again (the events stay queued)" >&2
        return 3
        ;;
      *) retry_later "$status" || return 4 ;; # 503, 429, other 5xx, 000 (no connection or no answer in time)
    esac
  done
}

# Waits before the next attempt: never less than Retry-After when the collector gives one; else a step of 2 s
# doubling up to 60 s, half of it fixed and half random. Fails after MAX_ATTEMPTS in a row.
retry_later() {
  attempt=$((attempt + 1))
  ((attempt < MAX_ATTEMPTS)) || { echo "$1: giving up for now after $attempt attempts; events stay queued" >&2; return 1; }
  local step=$((1 << attempt > 60 ? 60 : 1 << attempt))
  local wait=$((step / 2 + RANDOM % (step / 2 + 1)))
  local after
  after=$(sed -n 's/^[Rr]etry-[Aa]fter: *\([0-9]*\).*/\1/p' "$DIR/answer.headers" 2>/dev/null | head -n 1)
  if [[ -n "$after" ]] && ((after > wait)); then wait=$after; fi
  echo "$1: retrying in ${wait}s (attempt $attempt)"
  sleep "$wait"
}

case "${1:-}" in
  track) track "${2:-}" ;;
  send) send ;;
  new-session) new_session && echo "new session $(cat "$DIR/session")" ;;
  status)
    echo "session $(cat "$DIR/session" 2>/dev/null || echo none), last sequence $(cat "$DIR/sequence" 2>/dev/null || echo 0)"
    echo "queued $(find "$DIR/queue" -name '*.json' | wc -l) events"
    ;;
  *)
    echo "usage: $0 track '<event JSON>' | send | status | new-session" >&2
    exit 2
    ;;
esac
