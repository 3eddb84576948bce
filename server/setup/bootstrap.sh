#!/usr/bin/env bash
# The first step of `npm start`, `npm test`, `npm run bench` and `npm run engine:stop`:
# needs nothing but bash and Node.js. It installs the npm packages when package-lock.json
# changed since the last install, then hands over to setup/main.ts for the rest.
set -euo pipefail
cd "$(dirname "$0")/../.."

say() { printf '\033[1;34m[slipway]\033[0m %s\n' "$*"; }
fail() { printf '\033[1;31m[slipway]\033[0m %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || fail "Node.js 20 or newer is needed: https://nodejs.org (Debian: apt-get install nodejs npm)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || fail "Node.js $(node --version) is too old: Slipway needs Node.js 20 or newer."

lock_hash=$(sha256sum package-lock.json | cut -c1-16)
stamp=node_modules/.slipway-installed
if [ "$(cat "$stamp" 2>/dev/null)" != "$lock_hash" ]; then
  say "Installing npm packages (npm ci)…"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > "$stamp"
fi

exec node_modules/.bin/tsx server/setup/main.ts "$@"
