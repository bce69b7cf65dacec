#!/usr/bin/env bash
# Sign in from Claude, end to end (.ci/oauth_check.py): two serve --http replicas behind
# HAProxy sharing Redis, the `oidc-provider` identity provider (npm, pinned), and the
# MCP Python SDK's OAuth client (mcp==2.3.0). Installs what is missing.
# Usage: .ci/oauth.sh [CONNECTOR_BINARY [FAKE_API_SERVE_BINARY]]
set -euo pipefail
cd "$(dirname "$0")/.."

binary=${1:-target/release/claude-code-connector}
fake=${2:-target/release/examples/serve}
[ -x "$binary" ] || cargo build --release --locked --bin claude-code-connector
[ -x "$fake" ] || cargo build --release --locked -p fake-admin-api --example serve

sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
missing=()
command -v haproxy >/dev/null || missing+=(haproxy)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The Debian package starts its own Redis on 6379; the check runs its own on a free port.

node_dir=target/oauth-node
oidc_provider=9.13.3
if [ ! -f "$node_dir/node_modules/oidc-provider/package.json" ] ||
    ! grep -q "\"version\": \"$oidc_provider\"" "$node_dir/node_modules/oidc-provider/package.json"; then
    mkdir -p "$node_dir"
    npm install --silent --no-audit --no-fund --prefix "$node_dir" "oidc-provider@$oidc_provider"
fi
cp .ci/oauth_idp.mjs "$node_dir/idp.mjs"

venv=target/ci-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "mcp==2.3.0"

"$venv/bin/python" .ci/oauth_check.py "$binary" "$fake" docs/haproxy.cfg "$node_dir" "$(command -v redis-server)"
