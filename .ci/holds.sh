#!/usr/bin/env bash
# Issue 23, "a team server that holds": on the release binary, behind HAProxy from
# Debian, with real signals: 1,100 idle connections under a 1,024 fd limit, fairness
# between tenants, rolling restarts losing no call (several runs), tenant affinity.
# Figures printed here are the ones docs/serving.md records.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v haproxy >/dev/null; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq haproxy >/dev/null
fi
haproxy -c -q -f docs/haproxy.cfg

cargo build --release --locked -p fake-admin-api --example serve
cargo build --release --locked --bin claude-code-connector
python3 .ci/holds_check.py target/release/claude-code-connector target/release/examples/serve docs/haproxy.cfg "${HOLDS_RUNS:-3}"
