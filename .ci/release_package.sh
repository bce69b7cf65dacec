#!/usr/bin/env bash
# The release's packaging step, the same in the release workflow and in CI:
#   .ci/release_package.sh BINDIR DIST
# BINDIR holds the release binaries named by target (those present are packaged):
#   claude-code-connector-x86_64-unknown-linux-gnu     (required: it runs `bundle` here)
#   claude-code-connector-aarch64-unknown-linux-gnu
#   claude-code-connector-x86_64-pc-windows-msvc.exe
#   claude-code-connector-universal-apple-darwin       (lipo of aarch64 + x86_64)
# DIST receives the binaries, one multi-platform .mcpb, the npm tarballs (DIST/npm) and
# SHA256SUMS over all of them.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BINDIR DIST" >&2; exit 2; }
bindir=$1
dist=$2
root=$(cd "$(dirname "$0")/.." && pwd)
name=claude-code-connector
linux_x64=$bindir/$name-x86_64-unknown-linux-gnu
linux_arm64=$bindir/$name-aarch64-unknown-linux-gnu
windows=$bindir/$name-x86_64-pc-windows-msvc.exe
macos=$bindir/$name-universal-apple-darwin

[ -f "$linux_x64" ] || { echo "error: $linux_x64 is missing: it writes the bundle" >&2; exit 1; }
chmod 755 "$bindir"/$name-* 2>/dev/null || true
version=$("$linux_x64" --version | awk '{print $2}')
rm -rf "$dist"
mkdir -p "$dist/npm"

# The binaries as they are downloaded.
for binary in "$linux_x64" "$linux_arm64" "$windows" "$macos"; do
    [ -f "$binary" ] && cp "$binary" "$dist/"
done

# One .mcpb for every desktop: Claude Desktop picks server/PLATFORM/ by platform_overrides.
bundle_args=(--out "$dist/$name-$version.mcpb" --binary "linux=$linux_x64")
[ -f "$windows" ] && bundle_args+=(--binary "win32=$windows")
[ -f "$macos" ] && bundle_args+=(--binary "darwin=$macos")
"$linux_x64" bundle "${bundle_args[@]}"

# npm: a package per platform and the launcher (the universal binary serves both Macs).
export NPM_PACKAGE_VERSION=$version
"$root/npm/pack.sh" "$linux_x64" "$dist/npm" linux-x64 >/dev/null
[ -f "$linux_arm64" ] && "$root/npm/pack.sh" "$linux_arm64" "$dist/npm" linux-arm64 >/dev/null
[ -f "$windows" ] && "$root/npm/pack.sh" "$windows" "$dist/npm" win32-x64 >/dev/null
if [ -f "$macos" ]; then
    "$root/npm/pack.sh" "$macos" "$dist/npm" darwin-arm64 >/dev/null
    "$root/npm/pack.sh" "$macos" "$dist/npm" darwin-x64 >/dev/null
fi

(cd "$dist" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | sort | xargs sha256sum > SHA256SUMS)
echo "packaged $version into $dist:"
(cd "$dist" && ls -l . npm)
