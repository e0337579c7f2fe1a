#!/usr/bin/env node
// Builds the npm packages of a release as tarballs (`npm pack`): one package per platform holding
// that platform's keyhound binary (`@keyhound/cli-<platform>-<arch>`, with `os` and `cpu` so npm
// installs only the matching one), and the `keyhound` package (the launcher in keyhound/bin/, with
// every platform package as an optional dependency of the same version).
//
//   node packaging/npm/pack.js --out DIR [--version X.Y.Z] --binary linux-x64=PATH [--binary ...]
//
// Prints the tarball paths, platform packages first (publish them before `keyhound`).
// The release workflow runs it with the five release binaries; tests/packaging.rs runs it with
// the binary built here.
"use strict";

const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");

const here = __dirname;
const repoRoot = path.resolve(here, "..", "..");
const SCOPE = "@keyhound";
// platform key (process.platform-process.arch) -> Rust target of the release binary.
const TARGETS = {
  "darwin-arm64": "aarch64-apple-darwin",
  "darwin-x64": "x86_64-apple-darwin",
  "linux-arm64": "aarch64-unknown-linux-musl",
  "linux-x64": "x86_64-unknown-linux-musl",
  "win32-x64": "x86_64-pc-windows-msvc",
};

function usage(msg) {
  process.stderr.write(`pack.js: ${msg}\nusage: node pack.js --out DIR [--version X.Y.Z] --binary PLATFORM=PATH ...\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
let out = null;
let version = null;
const binaries = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const val = () => (i + 1 < args.length ? args[++i] : usage(`${a} needs a value`));
  if (a === "--out") out = path.resolve(val());
  else if (a === "--version") version = val();
  else if (a === "--binary") {
    const [key, file] = val().split(/=(.*)/s);
    if (!TARGETS[key]) usage(`unknown platform ${key} (one of ${Object.keys(TARGETS).join(", ")})`);
    if (!file || !fs.existsSync(file)) usage(`--binary ${key}: no file ${file}`);
    binaries.push([key, path.resolve(file)]);
  } else usage(`unknown argument ${a}`);
}
if (!out) usage("--out is required");
if (binaries.length === 0) usage("at least one --binary is required");

const main = JSON.parse(fs.readFileSync(path.join(here, "keyhound", "package.json"), "utf8"));
version = version || main.version;
if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) usage(`not a version: ${version}`);

const stage = path.join(out, "stage");
fs.rmSync(stage, { recursive: true, force: true });
fs.mkdirSync(stage, { recursive: true });

function pack(dir) {
  const name = execFileSync("npm", ["pack", "--silent", "--pack-destination", out], {
    cwd: dir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  })
    .trim()
    .split("\n")
    .pop();
  return path.join(out, name);
}

const tarballs = [];
for (const [key, file] of binaries) {
  const [os, cpu] = key.split("-");
  const dir = path.join(stage, `cli-${key}`);
  const exe = os === "win32" ? "keyhound.exe" : "keyhound";
  fs.mkdirSync(path.join(dir, "bin"), { recursive: true });
  fs.copyFileSync(file, path.join(dir, "bin", exe));
  fs.chmodSync(path.join(dir, "bin", exe), 0o755);
  fs.copyFileSync(path.join(repoRoot, "LICENSE"), path.join(dir, "LICENSE"));
  const pkg = {
    name: `${SCOPE}/cli-${key}`,
    version,
    description: `The keyhound binary for ${key} (${TARGETS[key]}); installed by the keyhound package`,
    license: main.license,
    homepage: main.homepage,
    repository: main.repository,
    os: [os],
    cpu: [cpu],
    files: [`bin/${exe}`, "LICENSE"],
    preferUnplugged: true,
  };
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
  fs.writeFileSync(
    path.join(dir, "README.md"),
    `# ${pkg.name}\n\nThe \`keyhound\` binary for ${key}. Install \`keyhound\` instead; it depends on this package.\n`
  );
  tarballs.push(pack(dir));
}

const dir = path.join(stage, "keyhound");
fs.mkdirSync(path.join(dir, "bin"), { recursive: true });
for (const f of ["README.md", "bin/keyhound.js"]) {
  fs.copyFileSync(path.join(here, "keyhound", f), path.join(dir, f));
}
fs.chmodSync(path.join(dir, "bin", "keyhound.js"), 0o755);
fs.copyFileSync(path.join(repoRoot, "LICENSE"), path.join(dir, "LICENSE"));
main.version = version;
main.optionalDependencies = Object.fromEntries(
  Object.keys(TARGETS).map((key) => [`${SCOPE}/cli-${key}`, version])
);
fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(main, null, 2) + "\n");
tarballs.push(pack(dir));

process.stdout.write(tarballs.join("\n") + "\n");
