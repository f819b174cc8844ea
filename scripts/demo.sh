#!/usr/bin/env bash
# The rides demo: demo data -> apply -> list. Uses LARDER_REDIS_URL when set, else a private Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${LARDER_REDIS_URL:-}" ] && [ -z "${LARDER_DEMO_INNER:-}" ]; then
  exec env LARDER_DEMO_INNER=1 scripts/with-private-redis.sh "$0" "$@"
fi
larder=$(swift build --show-bin-path)/larder
export LARDER_HOME=.larder-demo/state
export LARDER_DATA=.larder-demo/data
rm -rf .larder-demo
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "larder apply (register the rides definitions in definitions/)"
"$larder" apply
step "larder list views"
"$larder" list views
step "larder list services"
"$larder" list services
step "larder describe rides"
"$larder" describe rides
step "larder history"
"$larder" history
