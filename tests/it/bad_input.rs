//! Bad input never hangs, crashes or hides a leak: each test builds a tree with one real
//! (generated) key in `key.env` beside one kind of bad input, runs the real binary, and checks
//! that the scan finishes, reports that key, exits 1, and prints at most one warning line for
//! the bad input. `--strict` turns warnings into exit code 2.

use crate::common;

use common::{findings, keyhound, openai_key, write};
use std::io::Write as _;
use std::path::Path;
use std::time::Duration;

/// Long enough for a debug build on a loaded 2-core machine; a hang fails instead of blocking CI.
const TIMEOUT: Duration = Duration::from_secs(300);

struct Outcome {
    code: i32,
    report: serde_json::Value,
    stderr: String,
}

impl Outcome {
    fn warnings(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("keyhound: warning:"))
            .collect()
    }

    /// Paths of the findings of the OpenAI rule.
    fn key_paths(&self) -> Vec<String> {
        findings(&self.report)
            .iter()
            .filter(|f| f["rule_id"] == "openai-project-key")
            .map(|f| f["path"].as_str().unwrap_or("").to_string())
            .collect()
    }

    /// The scan finished, found the key beside the bad input, exited 1, and printed at most
    /// `max_warnings` warning lines.
    fn assert_found_beside(&self, max_warnings: usize) {
        assert_eq!(self.code, 1, "exit code; stderr:\n{}", self.stderr);
        assert!(
            self.key_paths().iter().any(|p| p == "key.env"),
            "the key beside the bad input was not reported: {:?}\nstderr:\n{}",
            self.key_paths(),
            self.stderr
        );
        assert!(
            self.warnings().len() <= max_warnings,
            "expected at most {max_warnings} warning line(s), got:\n{}",
            self.stderr
        );
    }
}

/// A temp tree holding `key.env` with a fresh generated key.
fn tree(seed: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "key.env",
        format!("OPENAI_API_KEY={}\n", openai_key(seed)),
    );
    dir
}

fn scan(dir: &Path, args: &[&str]) -> Outcome {
    let out = keyhound()
        .current_dir(dir)
        .timeout(TIMEOUT)
        .args(["scan", ".", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}; killed by the timeout?): {}\nstderr:\n{stderr}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    Outcome {
        code: out.status.code().unwrap_or(-1),
        report,
        stderr,
    }
}

/// Deterministic pseudo-random bytes (xorshift64*), so failures reproduce.
fn noise(len: usize, mut state: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        out.extend_from_slice(&state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
    }
    out.truncate(len);
    out
}

fn zip_bytes(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut w = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    for (name, data) in members {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap();
    buf.into_inner()
}

fn sh(dir: &Path, cmd: &str, args: &[&str]) {
    let st = std::process::Command::new(cmd)
        .args(args)
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(st.success(), "{cmd} {args:?}");
}

#[cfg(unix)]
#[test]
fn fifo_is_never_opened() {
    let dir = tree("fifo");
    // Nothing ever writes to it: opening it for reading would block forever.
    sh(dir.path(), "mkfifo", &["pipe", "config.env"]);
    let out = scan(dir.path(), &[]);
    out.assert_found_beside(0);
}

#[cfg(unix)]
#[test]
fn fifo_given_as_the_path_is_not_opened() {
    let dir = tree("fifo-root");
    sh(dir.path(), "mkfifo", &["pipe"]);
    let out = keyhound()
        .current_dir(dir.path())
        .timeout(TIMEOUT)
        .args(["scan", "pipe", "key.env", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_without_follow() {
    let dir = tree("loop-nofollow");
    std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
    std::os::unix::fs::symlink("../..", dir.path().join("a/b/up")).unwrap();
    std::os::unix::fs::symlink("self", dir.path().join("self")).unwrap();
    let out = scan(dir.path(), &[]);
    out.assert_found_beside(0);
}

#[cfg(unix)]
#[test]
fn symlink_loop_to_an_ancestor_with_follow() {
    let dir = tree("loop-follow");
    std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
    std::os::unix::fs::symlink("../..", dir.path().join("a/b/up")).unwrap();
    let out = scan(dir.path(), &["--follow"]);
    out.assert_found_beside(1);
    // The key is reported once, not once per trip around the loop.
    assert_eq!(out.key_paths(), ["key.env"], "{}", out.stderr);
}

#[cfg(unix)]
#[test]
fn self_referencing_symlink_with_follow() {
    let dir = tree("self-follow");
    std::os::unix::fs::symlink("self", dir.path().join("self")).unwrap();
    let out = scan(dir.path(), &["--follow"]);
    out.assert_found_beside(1);
}

/// 50 MB of minified JavaScript on one line, with a key in the middle.
fn minified(key: &str) -> Vec<u8> {
    let mut js = Vec::with_capacity(50 << 20);
    let mut i = 0u64;
    while js.len() < 25 << 20 {
        write!(
            js,
            "function f{i}(a,b){{var c=\"q{:x}\";return a[c]||b.x{i}(c,{i})}};",
            i.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        )
        .unwrap();
        i += 1;
    }
    write!(js, "const cfg={{apiKey:\"{key}\"}};").unwrap();
    // The second half repeats the code of the first, without the key.
    let first_half = js[..js.len() / 2].to_vec();
    while js.len() < 50 << 20 {
        let room = (50 << 20) - js.len();
        js.extend_from_slice(&first_half[..room.min(first_half.len())]);
    }
    assert!(!js.contains(&b'\n'));
    js
}

#[test]
fn fifty_megabyte_single_line_file() {
    let dir = tree("minified");
    let inner = openai_key("minified-inner");
    let js = minified(&inner);
    let at = js
        .windows(inner.len())
        .position(|w| w == inner.as_bytes())
        .unwrap();
    write(dir.path(), "dist/app.min.js", js);
    // Over the default 25 MiB limit: skipped, with one warning that says so.
    let out = scan(dir.path(), &[]);
    out.assert_found_beside(1);
    assert!(out.stderr.contains("--max-file-size"), "{}", out.stderr);
    // Within a raised limit: the whole line is scanned and the key in it is found, at its
    // byte column on line 1.
    let out = scan(dir.path(), &["--max-file-size", "64M"]);
    out.assert_found_beside(0);
    let hits: Vec<_> = findings(&out.report)
        .into_iter()
        .filter(|f| f["path"] == "dist/app.min.js")
        .collect();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["line"], 1);
    assert_eq!(hits[0]["column"], at + 1);
}

#[test]
fn random_bytes_and_invalid_utf8() {
    let dir = tree("noise");
    // Binary noise (holds NUL bytes): skipped as binary, no warning.
    write(dir.path(), "noise.bin", noise(1 << 20, 7));
    // Noise without NUL bytes is scanned as text: it must not trip anything up.
    let text_noise: Vec<u8> = noise(1 << 20, 11).into_iter().map(|b| b.max(1)).collect();
    write(dir.path(), "noise.txt", &text_noise);
    // Invalid UTF-8 around a key: the key is still found, at the right line.
    let inner = openai_key("invalid-utf8");
    let mut bad = b"\xff\xfe\xc3\x28 header \xe2\x82\n\xf0\x28\x8c\xbc value=".to_vec();
    bad.extend_from_slice(inner.as_bytes());
    bad.extend_from_slice(b"\xa0\xa1\n\xed\xa0\x80 trailing \xc0\xaf\n");
    write(dir.path(), "broken.cfg", &bad);
    let out = scan(dir.path(), &[]);
    out.assert_found_beside(0);
    let broken: Vec<_> = findings(&out.report)
        .into_iter()
        .filter(|f| f["path"] == "broken.cfg")
        .collect();
    assert_eq!(broken.len(), 1, "{:?}", out.report);
    assert_eq!(broken[0]["line"], 2);
}

/// A zip whose `n` members each inflate to 64 MiB of zeros (the archive stays a few MB), plus
/// one ordinary member holding `inner_key` after them.
fn zip_bomb(n: usize, inner_key: &str) -> Vec<u8> {
    let zeros = vec![0u8; 64 << 20];
    let seed = zip_bytes(&[("zeros", &zeros)]);
    drop(zeros);
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(seed)).unwrap();
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut w = zip::ZipWriter::new(&mut buf);
    for i in 0..n {
        let member = src.by_index_raw(0).unwrap();
        w.raw_copy_file_rename(member, format!("layer/{i:04}.bin"))
            .unwrap();
    }
    w.start_file("notes.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    writeln!(w, "token: {inner_key}").unwrap();
    w.finish().unwrap();
    buf.into_inner()
}

#[test]
fn zip_bomb_is_bounded() {
    let dir = tree("zip-bomb");
    let inner = openai_key("zip-bomb-inner");
    // 64 members x 64 MiB = 4 GiB inflated.
    let bomb = zip_bomb(64, &inner);
    assert!(
        bomb.len() < 8 << 20,
        "the bomb should be small: {} bytes",
        bomb.len()
    );
    write(dir.path(), "bomb.zip", &bomb);
    let out = scan(dir.path(), &[]);
    out.assert_found_beside(1);
    assert!(out.stderr.contains("zip bomb"), "{}", out.stderr);
    // Members after the bomb's layers are still read.
    assert!(
        out.key_paths().iter().any(|p| p == "bomb.zip!notes.txt"),
        "{:?}",
        out.key_paths()
    );
}

#[test]
fn zip_member_that_lies_about_its_size_is_cut_off() {
    // Declared sizes are honest here but each member inflates past the member limit: the
    // reader stops at the limit, whatever the header says.
    let dir = tree("zip-big-member");
    let zeros = vec![b'a'; 3 << 20];
    write(
        dir.path(),
        "big.zip",
        zip_bytes(&[("a.txt", &zeros), ("b.txt", &zeros)]),
    );
    let out = scan(dir.path(), &["--max-file-size", "1M"]);
    out.assert_found_beside(1);
}

#[test]
fn deeply_nested_archive() {
    let dir = tree("nested-archive");
    let mut data = format!("OPENAI_API_KEY={}\n", openai_key("nested-inner")).into_bytes();
    let mut name = "secret.env".to_string();
    for level in 0..12 {
        data = zip_bytes(&[(&name, &data)]);
        name = format!("level{level}.zip");
    }
    write(dir.path(), "outer.zip", &data);
    let out = scan(dir.path(), &[]);
    out.assert_found_beside(1);
    assert!(out.stderr.contains("nested"), "{}", out.stderr);
}

#[test]
fn two_hundred_thousand_deep_json_and_notebook() {
    let dir = tree("deep-json");
    let depth = 200_000;
    let deep = |open: &str, close: &str| format!("{}1{}", open.repeat(depth), close.repeat(depth));
    write(dir.path(), "deep.json", deep("[", "]"));
    write(dir.path(), "objects.json", deep("{\"a\":", "}"));
    write(
        dir.path(),
        "deep.ipynb",
        format!("{{\"cells\":{},\"nbformat\":4}}", deep("[", "]")),
    );
    let out = scan(dir.path(), &[]);
    out.assert_found_beside(3);
    let per_file = ["deep.json", "objects.json", "deep.ipynb"]
        .iter()
        .map(|f| out.warnings().iter().filter(|l| l.contains(f)).count());
    assert!(per_file.clone().all(|n| n <= 1), "{}", out.stderr);
}

#[test]
fn truncated_archives() {
    let dir = tree("truncated");
    let inner = format!("OPENAI_API_KEY={}\n", openai_key("truncated-inner"));
    let filler = noise(64 << 10, 3);
    let zip = zip_bytes(&[("a.env", inner.as_bytes()), ("filler.bin", &filler)]);
    write(dir.path(), "cut.zip", &zip[..zip.len() / 2]);
    // A tar.gz cut in the middle of its deflate stream.
    let mut tgz = Vec::new();
    {
        let gz = flate2::write::GzEncoder::new(&mut tgz, flate2::Compression::fast());
        let mut tar = tar::Builder::new(gz);
        let mut h = tar::Header::new_gnu();
        h.set_size(filler.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        tar.append_data(&mut h, "filler.bin", &filler[..]).unwrap();
        tar.into_inner().unwrap().finish().unwrap();
    }
    write(dir.path(), "cut.tar.gz", &tgz[..tgz.len() / 2]);
    write(dir.path(), "empty.zip", b"");
    let out = scan(dir.path(), &[]);
    out.assert_found_beside(3);
    for f in ["cut.zip", "cut.tar.gz", "empty.zip"] {
        let n = out.warnings().iter().filter(|l| l.contains(f)).count();
        assert!(n <= 1, "{f}: {n} warnings\n{}", out.stderr);
    }
}

#[test]
fn notebook_that_is_not_json_is_still_scanned_as_text() {
    let dir = tree("bad-notebook");
    let inner = openai_key("bad-notebook-inner");
    // Cut off mid-document, as an interrupted save leaves it.
    write(
        dir.path(),
        "analysis.ipynb",
        format!("{{\"cells\": [{{\"cell_type\": \"code\", \"source\": [\"client = OpenAI(api_key='{inner}')\\n\"",),
    );
    let out = scan(dir.path(), &[]);
    out.assert_found_beside(1);
    assert!(
        out.key_paths().iter().any(|p| p == "analysis.ipynb"),
        "the key in the broken notebook was lost: {:?}",
        out.key_paths()
    );
}

#[test]
fn files_vanishing_and_changing_during_the_scan() {
    let dir = tree("churn");
    let n = 20_000;
    for i in 0..n {
        write(
            dir.path(),
            &format!("churn/{:02}/f{i}.txt", i % 50),
            format!("line {i}\n").repeat(40),
        );
    }
    let root = dir.path().to_path_buf();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let churn = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            // Delete odd files, truncate and rewrite even ones, until the scan is over.
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && i < n {
                let p = root.join(format!("churn/{:02}/f{i}.txt", i % 50));
                if i % 2 == 1 {
                    let _ = std::fs::remove_file(&p);
                } else {
                    let _ = std::fs::write(&p, "");
                    let _ = std::fs::write(&p, "changed\n");
                }
                i += 1;
            }
            // Then whole directories.
            for d in 0..50 {
                let _ = std::fs::remove_dir_all(root.join(format!("churn/{d:02}")));
            }
        })
    };
    let out = scan(dir.path(), &[]);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    churn.join().unwrap();
    out.assert_found_beside(1);
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree("unreadable");
    let locked = write(dir.path(), "locked.env", "OPENAI_API_KEY=unreadable\n");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_err() {
        let out = scan(dir.path(), &[]);
        out.assert_found_beside(1);
        assert_eq!(out.warnings().len(), 1, "{}", out.stderr);
        assert!(out.warnings()[0].contains("locked.env"), "{}", out.stderr);
        return;
    }
    // Running as root (as CI does): mode 000 does not stop root. Run the scan as `nobody`
    // instead, when setpriv can drop privileges; otherwise say why this assertion is skipped.
    let can_drop = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !can_drop {
        eprintln!(
            "SKIPPED unreadable-file assertion: running as root and setpriv cannot drop privileges"
        );
        return;
    }
    for p in [dir.path(), &dir.path().join("key.env")] {
        let mode = if p.is_dir() { 0o755 } else { 0o644 };
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let bin = crate::common::bin();
    // The binary under target/ must be reachable by `nobody`.
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&bin)
        .args(["scan", ".", "--format", "json"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("HOME", dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if out.stdout.is_empty()
        && stderr.contains("ermission denied")
        && !stderr.contains("locked.env")
    {
        eprintln!("SKIPPED unreadable-file assertion: the test binary is not executable by nobody: {stderr}");
        return;
    }
    let out = Outcome {
        code: out.status.code().unwrap_or(-1),
        report: serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("no JSON ({e}); stderr:\n{stderr}")),
        stderr,
    };
    out.assert_found_beside(1);
    assert_eq!(out.warnings().len(), 1, "{}", out.stderr);
    assert!(out.warnings()[0].contains("locked.env"), "{}", out.stderr);
}

#[test]
fn strict_turns_warnings_into_exit_2() {
    let dir = tree("strict");
    write(
        dir.path(),
        "cut.zip",
        &zip_bytes(&[("a.txt", &noise(4096, 5))])[..100],
    );
    let out = scan(dir.path(), &[]);
    out.assert_found_beside(1);
    assert_eq!(out.warnings().len(), 1, "{}", out.stderr);
    let strict = scan(dir.path(), &["--strict"]);
    assert_eq!(strict.code, 2, "{}", strict.stderr);
    // The report is still complete.
    assert!(strict.key_paths().iter().any(|p| p == "key.env"));
    // Without warnings, --strict changes nothing.
    std::fs::remove_file(dir.path().join("cut.zip")).unwrap();
    assert_eq!(scan(dir.path(), &["--strict"]).code, 1);
}

/// A repository whose index file is garbage: the working tree and history are still scanned,
/// with one warning; `--staged`, which needs the index, is an error (exit 2) that says why.
#[test]
fn corrupt_index() {
    let dir = tree("corrupt-index");
    common::git(dir.path(), &["init", "-q", "-b", "main"]);
    write(
        dir.path(),
        "committed.py",
        format!("KEY = \"{}\"\n", openai_key("corrupt-index-committed")),
    );
    common::commit_all(dir.path(), "add a key");
    std::fs::write(
        dir.path().join(".git/index"),
        b"DIRC\x00\x00\x00\x02garbage",
    )
    .unwrap();

    let out = scan(dir.path(), &[]);
    out.assert_found_beside(1);
    assert!(
        out.key_paths().iter().any(|p| p == "committed.py"),
        "{:?}",
        out.key_paths()
    );

    let staged = keyhound()
        .current_dir(dir.path())
        .timeout(TIMEOUT)
        .args(["scan", "--staged"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&staged.stderr);
    assert_eq!(staged.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("index"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
