#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine that has only the .NET SDK.
# Installs what is missing with apt-get: Debian's redis-server (the Redis tests start and stop their own
# servers on loopback ports, including a 3-node cluster), chromium (the admin dashboard is checked in a
# real headless browser) and curl (the READMEs' curl sessions are run as written). Prints one closing line.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then missing+=(redis-server); fi
if ! command -v chromium >/dev/null 2>&1; then missing+=(chromium); fi
if ! command -v curl >/dev/null 2>&1; then missing+=(curl); fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "test.sh: installing ${missing[*]} (Debian packages) for the tests..."
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Quota.sln -c Release --nologo "$@" 2>&1 | tee "$log" || status=$?

# One closing line for the whole run, summed over every test assembly.
awk '
  /(Passed|Failed)!  - Failed:/ {
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:") { gsub(",", "", $(i+1)); failed += $(i+1) }
      if ($i == "Passed:") { gsub(",", "", $(i+1)); passed += $(i+1) }
      if ($i == "Skipped:") { gsub(",", "", $(i+1)); skipped += $(i+1) }
    }
    assemblies++
  }
  END { printf "Tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped }
' "$log"

if [ "$status" -ne 0 ]; then
  echo "test.sh: dotnet test failed (exit $status)" >&2
fi
exit "$status"
