#!/usr/bin/env bash
# Server time of the Redis store's consume scripts, per call, as Redis itself accounts it (INFO commandstats,
# usec_per_call), beside two floors: a raw HINCRBY and an EVALSHA of a script that only returns a reply.
#   benchmarks/redis-script-cost.sh [-n requests] [-r rounds] [revision ...]
# Each revision (a git revision of this repository, a directory holding the .lua files, or "."/none: the working
# tree) has its scripts assembled from src/Quota.Stores.Redis/Scripts the way RedisScript.Load does (each
# "--#include name" line replaced by name.lua).
# Runs are interleaved: every round measures every case of every revision in turn, so load drifts hit all alike.
# One client (redis-benchmark -c 1): commandstats counts the server's time only, not the round trip.
# Prints one line per measurement, then per case and revision the median and range of the rounds (the batch case also
# per add: it holds 64 adds), and each later revision's ratio to the first, round by round.
set -euo pipefail
cd "$(dirname "$0")/.."

requests=10000
rounds=8
while getopts "n:r:" option; do
  case $option in
    n) requests=$OPTARG ;;
    r) rounds=$OPTARG ;;
    *) echo "usage: $0 [-n requests] [-r rounds] [revision ...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
revisions=("$@")
[ ${#revisions[@]} -eq 0 ] && revisions=(.)

for tool in redis-server redis-cli redis-benchmark; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is missing (apt-get install redis-server)" >&2; exit 1; }
done

work=$(mktemp -d)
port=""
cleanup() {
  if [ -n "$port" ]; then redis-cli -p "$port" SHUTDOWN NOSAVE >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A free loopback port: the first of a few random ones that nothing answers on.
for _ in $(seq 1 20); do
  candidate=$((20000 + RANDOM % 20000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
[ -n "$port" ] || { echo "$0: no free loopback port found" >&2; exit 1; }
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --logfile "$work/redis.log" --dir "$work" >/dev/null
for _ in $(seq 1 50); do redis-cli -p "$port" PING >/dev/null 2>&1 && break; sleep 0.1; done
cli() { redis-cli -p "$port" "$@"; }

# Splices fragments like RedisScript.Load: one level deep, a fragment's text in place of its --#include line.
assemble() { # dir name
  awk -v dir="$1" '
    /^--#include / { file = dir "/" $2 ".lua"; while ((getline line < file) > 0) print line; close(file); next }
    { print }
  ' "$1/$2.lua"
}

# The scripts of each revision, assembled and loaded: sha[revision index, script].
declare -A sha
for r in "${!revisions[@]}"; do
  revision=${revisions[$r]}
  dir=$work/rev$r
  mkdir -p "$dir"
  if [ "$revision" = "." ]; then
    cp src/Quota.Stores.Redis/Scripts/*.lua "$dir"
  elif [ -d "$revision" ]; then
    cp "$revision"/*.lua "$dir"
  else
    git archive "$revision" src/Quota.Stores.Redis/Scripts | tar -x -C "$dir" --strip-components=3
  fi
  for script in try_add try_add_batch; do
    sha[$r,$script]=$(cli SCRIPT LOAD "$(assemble "$dir" "$script")")
  done
done
floor=$(cli SCRIPT LOAD 'return {1, -1, 1}')

# Arguments as the store sends them (RedisQuotaStore.Counters.TryAddArguments, RedisConsumeBatch.Arguments): a
# counter live until 1900000000000 and consumed "now" at 1700000000000, so after the first call it is live and its
# expiry is not extended (the common case within a window); caps are limit - max(amount, 1).
now=1700000000000
expires=1900000000000
ttl=200000000000
cap=9000000000000
one=(2 'q:{s}:c' 'q:{s}:i' $now $expires $ttl L requests 1 $cap)
two=(2 'q:{s}:c' 'q:{s}:i' $now $expires $ttl LL requests 1 $cap tokens 5 $cap)
refused=(2 'q:{s}:c' 'q:{s}:i' $now $expires $ttl L requests 1 99)
big=(2 'q:{s}:c' 'q:{s}:i' $now $expires $ttl U requests 1 9223372036854775806)
# A batch of 64 adds over 8 counters, each counter one group with one run of 8 equal adds (64 callers over 8 subjects).
batch_keys=()
batch_args=(1000)
for c in $(seq 1 8); do
  batch_keys+=("q:{s}:c$c" "q:{s}:i$c")
  batch_args+=("$c" 1 $now $expires L requests $cap 1 8 1)
done
batch=(16 "${batch_keys[@]}" "${batch_args[@]}")

# Puts the counter in the state a case starts from.
prepare() { # case
  cli DEL 'q:{s}:c' 'q:{s}:i' 'q:{s}:raw' >/dev/null
  for c in $(seq 1 8); do cli DEL "q:{s}:c$c" "q:{s}:i$c" >/dev/null; done
  case $1 in
    refused) cli HSET 'q:{s}:c' x $expires m:requests 100 >/dev/null ;;
    grants) cli HSET 'q:{s}:c' x $expires m:requests 100 g 1 g:requests 1000 gn 1 r:1 grant >/dev/null ;;
    big) cli HSET 'q:{s}:c' x $expires m:requests 9007199254740993 >/dev/null ;;
  esac
}

measure() { # case revision-index
  local command=evalsha
  local args
  case $1 in
    hincrby) command=hincrby; args=(HINCRBY 'q:{s}:raw' m:requests 1) ;;
    floor) args=(EVALSHA "$floor" "${one[@]}") ;;
    one) args=(EVALSHA "${sha[$2,try_add]}" "${one[@]}") ;;
    two) args=(EVALSHA "${sha[$2,try_add]}" "${two[@]}") ;;
    refused) args=(EVALSHA "${sha[$2,try_add]}" "${refused[@]}") ;;
    grants) args=(EVALSHA "${sha[$2,try_add]}" "${one[@]}") ;;
    big) args=(EVALSHA "${sha[$2,try_add]}" "${big[@]}") ;;
    batch) args=(EVALSHA "${sha[$2,try_add_batch]}" "${batch[@]}") ;;
  esac
  prepare "$1"
  # The reply of one call, checked: a script that fails would otherwise be timed as a fast error.
  local reply
  reply=$(cli "${args[@]}" 2>&1)
  case $reply in *ERR*) echo "$0: case $1 failed: $reply" >&2; exit 1 ;; esac
  cli CONFIG RESETSTAT >/dev/null
  local n=$requests
  # A batch holds 64 adds: fewer calls, each long enough to count.
  [ "$1" = batch ] && n=$((requests / 4))
  redis-benchmark -p "$port" -c 1 -n "$n" -q "${args[@]}" >/dev/null
  cli INFO commandstats | tr -d '\r' | awk -F'[=,]' -v name="cmdstat_$command:calls" '$1 == name { print $6 }'
}

# hincrby and floor: the raw command and the empty script; one, two: try_add.lua with one or two limited meters that
# fit; refused: one meter at its limit; grants: one meter of a counter holding a grant; big: one unlimited meter past
# 2^53 (exact decimal arithmetic); batch: try_add_batch.lua with 64 adds over 8 counters.
cases=(hincrby floor one two refused grants big batch)
echo "redis-script-cost: $(redis-server --version | awk '{print $3}'), $requests requests per case, $rounds rounds, revisions: ${revisions[*]}"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
results=$work/results
for round in $(seq 1 "$rounds"); do
  for r in "${!revisions[@]}"; do
    for case in "${cases[@]}"; do
      # The floors do not depend on the revision: measured once per round.
      if [ "$r" -gt 0 ] && { [ "$case" = hincrby ] || [ "$case" = floor ]; }; then continue; fi
      value=$(measure "$case" "$r")
      echo "round $round  ${revisions[$r]}  $case  $value"
      echo "$case $r $round $value" >>"$results"
    done
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

# Per case and revision, the median (min–max) of the rounds.
summarize() { # column title
  echo
  echo "$2, median (min–max) of $rounds rounds:"
  printf '%-10s' case
  for revision in "${revisions[@]}"; do printf ' | %s' "$revision"; done
  echo
  for case in "${cases[@]}"; do
    printf '%-10s' "$case"
    for r in "${!revisions[@]}"; do
      cell=$(awk -v c="$case" -v r="$r" -v k="$1" '$1 == c && ($2 == r || c == "hincrby" || c == "floor") { print $(k + 1) }' "$results" |
        sort -n | awk -v c="$case" '
        { v[NR] = $1 }
        END {
          m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
          s = sprintf("%.2f (%.2f–%.2f)", m, v[1], v[NR])
          if (c == "batch") s = s sprintf(", %.2f per add", m / 64)
          print s
        }')
      printf ' | %s' "$cell"
    done
    echo
  done
}
summarize 3 "server µs per call (INFO commandstats usec_per_call)"

# Each revision against the first, round by round (the rounds share the load they ran under), as the median ratio.
if [ ${#revisions[@]} -gt 1 ]; then
  echo
  echo "usec_per_call as a ratio to ${revisions[0]} in the same round, median (min–max) of $rounds rounds:"
  for case in "${cases[@]}"; do
    [ "$case" = hincrby ] || [ "$case" = floor ] && continue
    printf '%-10s' "$case"
    for r in "${!revisions[@]}"; do
      [ "$r" -eq 0 ] && continue
      cell=$(awk -v c="$case" -v r="$r" '
        $1 == c && $2 == 0 { base[$3] = $4 }
        $1 == c && $2 == r { value[$3] = $4 }
        END { for (k in value) if (base[k] > 0) print value[k] / base[k] }' "$results" | sort -n | awk '
        { v[NR] = $1 }
        END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f (%.3f–%.3f)", m, v[1], v[NR] }')
      printf ' | %s: %s' "${revisions[$r]}" "$cell"
    done
    echo
  done
fi
