#!/usr/bin/env bash
# Publishes the web sample with Native AOT and checks that the native binary answers its first request.
# Needs clang and zlib1g-dev (Debian: apt-get install clang zlib1g-dev). Takes minutes, so ./test.sh does not run it;
# the sample's tests run the same code (PublishAot turns on the request delegate and configuration binding generators
# and turns off reflection-based JSON in every build, so they would fail on what Native AOT cannot run).
#   samples/Quota.Samples.WebApi/publish-aot.sh [output-dir]
set -euo pipefail
cd "$(dirname "$0")"
out="${1:-$(mktemp -d)}"
port=$((20000 + RANDOM % 20000))

# -warnaserror: a trim or AOT warning (ILxxxx) fails the publish, as it fails the libraries' build.
dotnet publish -c Release -r linux-x64 -o "$out" --nologo -warnaserror

cd "$out"
./Quota.Samples.WebApi --urls "http://127.0.0.1:$port" >"$out/run.log" 2>&1 &
app=$!
trap 'kill "$app" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  if curl -s -o /dev/null "http://127.0.0.1:$port/hello"; then break; fi
  sleep 0.1
done

curl -s -f -H "X-Api-Key: demo-key-alice" "http://127.0.0.1:$port/hello"; echo
curl -s -f -X POST -H "X-Api-Key: demo-key-alice" --data "Tell me about quotas" "http://127.0.0.1:$port/completions"; echo
curl -s -f -H "X-Api-Key: demo-key-alice" "http://127.0.0.1:$port/usage"; echo
echo "publish-aot.sh: the Native AOT sample ($(du -h Quota.Samples.WebApi | cut -f1), $out) answered on port $port"
