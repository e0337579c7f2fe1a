#!/usr/bin/env node
// The `keyhound` command of the npm package: finds the native binary that npm installed from the
// platform package matching this machine (one of the optionalDependencies, the way esbuild and
// biome ship theirs) and runs it with the same arguments, stdio and exit code.
// KEYHOUND_BINARY=/path/to/keyhound runs that binary instead (a source build, a distro package).
"use strict";

const { spawnSync } = require("child_process");
const fs = require("fs");

// process.platform-process.arch -> platform package. Keep in step with packaging/npm/pack.js.
const PLATFORMS = {
  "darwin-arm64": "@keyhound/cli-darwin-arm64",
  "darwin-x64": "@keyhound/cli-darwin-x64",
  "linux-arm64": "@keyhound/cli-linux-arm64",
  "linux-x64": "@keyhound/cli-linux-x64",
  "win32-x64": "@keyhound/cli-win32-x64",
};

function fail(message) {
  process.stderr.write(`keyhound: error: ${message}\n`);
  process.exit(2);
}

function binaryPath() {
  const override = process.env.KEYHOUND_BINARY;
  if (override) {
    if (!fs.existsSync(override)) fail(`KEYHOUND_BINARY=${override} does not exist`);
    return override;
  }
  const key = `${process.platform}-${process.arch}`;
  const pkg = PLATFORMS[key];
  if (!pkg) {
    fail(
      `no prebuilt keyhound for ${key}. Build it from source (cargo install --git ` +
        `https://github.com/keyhound/keyhound keyhound) and set KEYHOUND_BINARY to its path.`
    );
  }
  const exe = process.platform === "win32" ? "keyhound.exe" : "keyhound";
  try {
    return require.resolve(`${pkg}/bin/${exe}`);
  } catch (_) {
    fail(
      `the package ${pkg}, which holds the keyhound binary for ${key}, is not installed. ` +
        `It is an optional dependency of keyhound: reinstall without --no-optional / ` +
        `--omit=optional (and, if the lockfile was made on another platform, let npm update it).`
    );
  }
}

const bin = binaryPath();
let result = spawnSync(bin, process.argv.slice(2), { stdio: "inherit" });
if (result.error && result.error.code === "EACCES") {
  // Some tools unpack tarballs without the executable bit.
  try {
    fs.chmodSync(bin, 0o755);
  } catch (_) {}
  result = spawnSync(bin, process.argv.slice(2), { stdio: "inherit" });
}
if (result.error) fail(`could not run ${bin}: ${result.error.message}`);
if (result.signal) {
  process.kill(process.pid, result.signal);
}
process.exit(result.status === null ? 2 : result.status);
