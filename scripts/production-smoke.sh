#!/usr/bin/env bash
# What the README's "Running in production" promises, checked in a scratch copy of this checkout:
# build, drop the dev dependencies, start the compiled gateway, and ask /healthz, /readyz and /graphql.
# Run by .ci/run; the checkout itself (its dist/ and node_modules) is left as it was.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch="$(mktemp -d "${TMPDIR:-/tmp}/gateway-prod-XXXXXX")"
gateway_pid=""
cleanup() {
  if [ -n "$gateway_pid" ]; then kill "$gateway_pid" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT

# The files a clone has (committed or not, never ignored ones; outside git, all but the build and the
# dependencies), and node_modules as hard links where the filesystem allows: prune only unlinks. npm
# rewrites its hidden lockfile, so that one is a real copy.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$scratch"
else
  tar --exclude=./node_modules --exclude=./dist --exclude=./data -cf - . | tar -xf - -C "$scratch"
fi
cp -al node_modules "$scratch/" 2>/dev/null || { rm -rf "$scratch/node_modules"; cp -a node_modules "$scratch/"; }
cp --remove-destination node_modules/.package-lock.json "$scratch/node_modules/.package-lock.json"
cd "$scratch"

npm run build --silent
npm prune --omit=dev --no-audit --no-fund --silent
# typescript itself may stay: cosmiconfig (graphile-worker's config loader) names it as an optional peer, which npm keeps when present.
for dev in tsx vitest @graphql-codegen/cli; do
  if [ -e "node_modules/$dev" ]; then echo "production smoke: $dev is still installed after npm prune --omit=dev" >&2; exit 1; fi
done

# Demo mode (no Square token): the compiled gateway starts the compiled emulator. None of CI's services:
# this checks the artifact, the fleet script checks the services. `node dist/main.js` (npm run start:prod)
# directly, as a supervisor should run it (with the project's Node flags, package.json config.nodeFlags):
# npm, killed with SIGTERM, exits 143 and leaves node running.
node_flags="$(node -p "require('./package.json').config.nodeFlags")"
# shellcheck disable=SC2086 # the flags are words
env -u DATABASE_URL -u REDIS_URL PORT=0 EMULATOR_PORT=0 node $node_flags dist/main.js > gateway.log 2>&1 &
gateway_pid=$!
url=""
for _ in $(seq 1 150); do
  url="$(sed -n 's/^GraphQL gateway: *\([^ ]*\).*/\1/p' gateway.log)"
  if [ -n "$url" ] || ! kill -0 "$gateway_pid" 2>/dev/null; then break; fi
  sleep 0.2
done
if [ -z "$url" ]; then
  echo "production smoke: the compiled gateway did not start:" >&2
  cat gateway.log >&2
  exit 1
fi
origin="${url%/graphql}"

expect() {
  local what="$1" want="$2" got="$3"
  if [ "$got" != "$want" ]; then
    echo "production smoke: $what: expected $want, got $got" >&2
    exit 1
  fi
}
expect "GET /healthz" '{"status":"ok"}' "$(curl -sS "$origin/healthz")"
expect "GET /readyz" '{"status":"ready","checks":{"eventStore":"ok","sellerVault":"ok","square":"ok"},"sellerVault":{"refreshFailing":0,"oldestTokenAgeSeconds":null,"lastRefreshCycle":"ok"}}' "$(curl -sS "$origin/readyz")"
# Only the data: extensions (the cost of the call) vary with the budget.
data_of() { node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.stringify(JSON.parse(s).data)))'; }
expect "POST /graphql" '{"locations":[{"name":"Main Location"},{"name":"Mission Street Kiosk"}]}' \
  "$(curl -sS "$url" -H 'content-type: application/json' --data '{"query":"{ locations { name } }"}' | data_of)"

kill -TERM "$gateway_pid"
wait "$gateway_pid" || { echo "production smoke: the gateway did not stop cleanly on SIGTERM" >&2; exit 1; }
gateway_pid=""
echo "production smoke: build, prune --omit=dev, start:prod; /healthz, /readyz and /graphql answer ($(node -v))"
