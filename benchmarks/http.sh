#!/usr/bin/env bash
# End to end over HTTP: the harness (benchmarks/Quota.Benchmarks.Http) on Kestrel, loaded by wrk with 32 connections
# over 8 API keys, once per variant, in rounds so that every variant meets the same load in turn.
#   benchmarks/http.sh [rounds] [seconds] [variants…]
# Variants: none, memory, sqlite, sqlite-lease, redis, redis-lease (redis ones start a private redis-server).
# Prints one line per run: variant, round, requests/s; then each variant's median and range.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
seconds=${2:-10}
shift $(( $# > 2 ? 2 : $# )) || true
variants=("$@")
[ ${#variants[@]} -eq 0 ] && variants=(none memory sqlite sqlite-lease)
command -v wrk >/dev/null || { apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }; }

dotnet build benchmarks/Quota.Benchmarks.Http -c Release --nologo -v q >/dev/null
app=benchmarks/Quota.Benchmarks.Http/bin/Release/net10.0/Quota.Benchmarks.Http.dll
script=$(mktemp --suffix=.lua)
cat >"$script" <<'LUA'
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/hello", { ["X-Api-Key"] = "key-" .. (n % 8) })
end
LUA

redis_pid=""
redis_port=$((20000 + RANDOM % 20000))
cleanup() { [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null; rm -f "$script" /tmp/quota-http-*.db*; }
trap cleanup EXIT
if printf '%s\n' "${variants[@]}" | grep -q redis; then
  command -v redis-server >/dev/null || apt-get install -y redis-server >/dev/null
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >/dev/null &
  redis_pid=$!
  sleep 0.5
fi

results=$(mktemp)
for round in $(seq 1 "$rounds"); do
  for variant in "${variants[@]}"; do
    port=$((40000 + RANDOM % 20000))
    store=${variant%-lease}
    lease=$([ "$variant" != "$store" ] && echo lease || echo none)
    rm -f /tmp/quota-http-"$port".db*
    dotnet "$app" "$port" "$store" "$lease" "127.0.0.1:$redis_port" &
    pid=$!
    for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/hello" -H 'X-Api-Key: key-0' && break; sleep 0.1; done
    wrk -t2 -c32 -d3s -s "$script" "http://127.0.0.1:$port" >/dev/null
    rps=$(wrk -t2 -c32 -d"${seconds}s" -s "$script" "http://127.0.0.1:$port" | awk '/Requests\/sec/ {print $2}')
    status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/hello" -H 'X-Api-Key: key-1')
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "$variant round $round: $rps requests/s (last status $status, load $(cut -d' ' -f1-3 /proc/loadavg))"
    echo "$variant $rps" >>"$results"
  done
done

echo
for variant in "${variants[@]}"; do
  awk -v v="$variant" '$1 == v {print $2}' "$results" | sort -n | awk -v v="$variant" '{a[NR]=$1} END {printf "%-13s median %8.0f  range %8.0f – %8.0f requests/s\n", v, a[int((NR+1)/2)], a[1], a[NR]}'
done
rm -f "$results"
