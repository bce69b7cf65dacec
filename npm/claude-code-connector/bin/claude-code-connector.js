#!/usr/bin/env node
// The npm launcher: runs the prebuilt claude-code-connector binary of this platform,
// which npm installed as the optional dependency @claude-code-connector/<platform>-<arch>
// (the esbuild/biome pattern), with this process's arguments, stdio and exit code.
"use strict";

const { spawn } = require("child_process");

const SUPPORTED = ["darwin-arm64", "darwin-x64", "linux-arm64", "linux-x64", "win32-x64"];
const platform = `${process.platform}-${process.arch}`;
const executable = process.platform === "win32" ? "claude-code-connector.exe" : "claude-code-connector";

function binaryPath() {
  const override = process.env.CLAUDE_CODE_CONNECTOR_BINARY;
  if (override) return override;
  const pkg = `@claude-code-connector/${platform}`;
  try {
    return require.resolve(`${pkg}/bin/${executable}`);
  } catch (_) {
    const why = SUPPORTED.includes(platform)
      ? `its package ${pkg} is not installed (npm leaves optional dependencies out with --omit=optional or --no-optional; reinstall without it)`
      : `there is no prebuilt binary for ${platform} (prebuilt: ${SUPPORTED.join(", ")})`;
    process.stderr.write(
      `claude-code-connector: cannot start: ${why}. Without npm: download a release binary, or build it with Rust: cargo install --locked --git https://github.com/claude-code-connector/claude-code-connector\n`,
    );
    process.exit(1);
  }
}

const child = spawn(binaryPath(), process.argv.slice(2), { stdio: "inherit", windowsHide: true });
const forwarded = ["SIGINT", "SIGTERM", "SIGHUP"];
for (const signal of forwarded) {
  process.on(signal, () => child.kill(signal));
}
child.on("error", (error) => {
  process.stderr.write(`claude-code-connector: cannot start the binary: ${error.message}\n`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  if (signal) {
    for (const name of forwarded) process.removeAllListeners(name);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code === null ? 1 : code);
});
