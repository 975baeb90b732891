# Test-only JavaScript tools (axe-core for the browser tests), from npm at test-setup time,
# pinned by package-lock.json; never fetched when the portal or a test runs.
# shellcheck shell=bash

# ensure_node_tools: `npm ci` into node_modules/ when the lock file changed since last time.
ensure_node_tools() {
  local stamp="$ROOT/node_modules/.kmportal-installed" wanted
  if ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
  fi
  wanted="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || ! grep -qxF "$wanted" "$stamp"; then
    say "Installing the test's npm packages (package-lock.json)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --silent)
    echo "$wanted" >"$stamp"
  fi
  export KMPORTAL_TEST_AXE="$ROOT/node_modules/axe-core/axe.min.js"
}
