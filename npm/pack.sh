#!/usr/bin/env bash
# Packs the npm packages around a prebuilt binary:
#   npm/pack.sh BINARY OUTDIR [PLATFORM-ARCH]
# writes OUTDIR/claude-code-connector-<platform>-<arch>-VERSION.tgz (the binary as
# @claude-code-connector/<platform>-<arch>, default linux-x64) and
# OUTDIR/claude-code-connector-VERSION.tgz (the launcher, whose optional dependencies
# name every platform package). VERSION is what `BINARY --version` says (so give a
# BINARY that runs here), or $NPM_PACKAGE_VERSION when set (a binary of another
# platform). Prints the tarballs' paths.
set -euo pipefail

usage() { echo "usage: $0 BINARY OUTDIR [PLATFORM-ARCH]  (PLATFORM-ARCH: darwin-arm64, darwin-x64, linux-arm64, linux-x64, win32-x64)" >&2; exit 2; }
[ $# -ge 2 ] && [ $# -le 3 ] || usage
binary=$1
outdir=$2
target=${3:-linux-x64}
here=$(cd "$(dirname "$0")" && pwd)

case "$target" in
    darwin-arm64|darwin-x64|linux-arm64|linux-x64|win32-x64) ;;
    *) echo "error: PLATFORM-ARCH \`$target\` is not one of darwin-arm64, darwin-x64, linux-arm64, linux-x64, win32-x64" >&2; exit 2 ;;
esac
[ -f "$binary" ] || { echo "error: BINARY \`$binary\` is not a file" >&2; exit 2; }

version=${NPM_PACKAGE_VERSION:-}
if [ -z "$version" ]; then
    # `claude-code-connector 0.1.0`
    version=$("$binary" --version | awk '{print $2}')
fi
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || { echo "error: cannot tell the version (got \`$version\`): set NPM_PACKAGE_VERSION" >&2; exit 2; }

os=${target%-*}
cpu=${target#*-}
exe=claude-code-connector
[ "$os" = win32 ] && exe=claude-code-connector.exe

mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# The platform package: the binary, and the os/cpu npm installs it on.
mkdir -p "$stage/platform/bin"
cp "$binary" "$stage/platform/bin/$exe"
chmod 755 "$stage/platform/bin/$exe"
node - "$here/claude-code-connector/package.json" "$stage/platform/package.json" "$target" "$os" "$cpu" "$version" "$exe" <<'JS'
const fs = require("fs");
const [main, out, target, os, cpu, version, exe] = process.argv.slice(2);
const launcher = JSON.parse(fs.readFileSync(main, "utf8"));
const pkg = {
  name: `@claude-code-connector/${target}`,
  version,
  description: `The ${target} binary of claude-code-connector (installed by the claude-code-connector package).`,
  homepage: launcher.homepage,
  repository: launcher.repository,
  license: launcher.license,
  os: [os],
  cpu: [cpu],
  files: [`bin/${exe}`],
  preferUnplugged: true,
};
fs.writeFileSync(out, JSON.stringify(pkg, null, 2) + "\n");
JS
printf '# @claude-code-connector/%s\n\nThe %s binary of [claude-code-connector](https://www.npmjs.com/package/claude-code-connector); install that package instead.\n' "$target" "$target" > "$stage/platform/README.md"

# The launcher, at the same version as every platform package it names.
cp -R "$here/claude-code-connector" "$stage/main"
node - "$stage/main/package.json" "$version" <<'JS'
const fs = require("fs");
const [file, version] = process.argv.slice(2);
const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
pkg.version = version;
for (const name of Object.keys(pkg.optionalDependencies)) pkg.optionalDependencies[name] = version;
fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
JS

(cd "$stage/platform" && npm pack --silent --pack-destination "$outdir" >/dev/null)
(cd "$stage/main" && npm pack --silent --pack-destination "$outdir" >/dev/null)
echo "$outdir/claude-code-connector-$target-$version.tgz"
echo "$outdir/claude-code-connector-$version.tgz"
