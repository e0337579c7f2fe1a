//! `keyhound install-hook`: a plain git pre-commit hook for people without the pre-commit
//! framework. Respects `core.hooksPath`; never overwrites someone else's hook without `--force`.

use crate::model::error::Error;
use std::path::{Path, PathBuf};

/// A line every hook we write carries, so re-running `install-hook` may replace our own hook.
pub const MARKER: &str = "# keyhound pre-commit hook";

/// The hook script. `fallback` is the binary that installed it, used when `keyhound` is not on
/// PATH (e.g. a GUI git client with a minimal environment).
pub fn script(fallback: Option<&Path>) -> String {
    let fallback = fallback
        .map(|p| p.display().to_string().replace('\'', "'\\''"))
        .unwrap_or_default();
    format!(
        r#"#!/bin/sh
{MARKER} (installed by `keyhound install-hook`).
# Blocks commits that add API keys. To let a false positive through, put a `keyhound:allow`
# comment on its line; to skip the check once, `git commit --no-verify`.
kh=$(command -v keyhound 2>/dev/null)
if [ -z "$kh" ] && [ -x '{fallback}' ]; then kh='{fallback}'; fi
if [ -z "$kh" ]; then
  echo "keyhound pre-commit hook: keyhound is not on PATH; commit blocked." >&2
  echo "Install it: pip install keyhound-cli, npm install -g keyhound, or a release binary (https://github.com/keyhound/keyhound#install)." >&2
  echo "Skip the check once with: git commit --no-verify" >&2
  exit 1
fi
exec "$kh" scan --staged
"#
    )
}

/// Where the repository holding `path` keeps its hooks: `core.hooksPath` (relative to the work
/// tree) when set, else `$GIT_COMMON_DIR/hooks`.
pub fn hooks_dir(path: &Path) -> Result<PathBuf, Error> {
    let repo = git2::Repository::discover(path).map_err(|_| Error::NotARepository {
        path: path.to_path_buf(),
        message: format!("{}: not inside a git repository", path.display()),
    })?;
    let configured = repo
        .config()
        .ok()
        .and_then(|c| c.get_path("core.hooksPath").ok());
    Ok(match configured {
        Some(p) if p.is_absolute() => p,
        Some(p) => repo.workdir().unwrap_or_else(|| repo.path()).join(p),
        None => repo.commondir().join("hooks"),
    })
}

/// What [`install`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Installed {
    New(PathBuf),
    /// Our own hook was there and was rewritten.
    Updated(PathBuf),
    /// Another hook was there (`--force`); it was saved to the second path.
    Replaced(PathBuf, PathBuf),
}

/// Writes the pre-commit hook for the repository holding `path`.
pub fn install(path: &Path, force: bool) -> Result<Installed, Error> {
    let dir = hooks_dir(path)?;
    std::fs::create_dir_all(&dir).map_err(Error::io(&dir))?;
    let hook = dir.join("pre-commit");
    // `core.hooksPath` may point into the work tree, where a repository can commit a symlink
    // named `pre-commit` (or `pre-commit.keyhound-backup`): never write through one.
    crate::safe_io::check_target(&hook)?;
    let existing = match std::fs::symlink_metadata(&hook) {
        Ok(_) => Some(crate::safe_io::read_regular(
            &hook,
            crate::safe_io::SMALL_FILE,
        )?),
        Err(_) => None,
    };
    let ours = existing
        .as_ref()
        .is_some_and(|b| String::from_utf8_lossy(b).contains(MARKER));
    let mut backup = None;
    if let (Some(old), false) = (&existing, ours) {
        if !force {
            return Err(Error::Usage(format!(
                "{} already exists and was not written by keyhound; rerun with --force to replace it \
                 (it is kept as pre-commit.keyhound-backup), or add `keyhound scan --staged` to it yourself",
                hook.display()
            )));
        }
        let b = dir.join("pre-commit.keyhound-backup");
        crate::safe_io::write_atomic(&b, None, |w| w.write_all(old))?;
        backup = Some(b);
    }
    let exe = std::env::current_exe().ok();
    let text = script(exe.as_deref());
    crate::safe_io::write_atomic(&hook, Some(0o755), |w| w.write_all(text.as_bytes()))?;
    Ok(match (backup, ours) {
        (Some(b), _) => Installed::Replaced(hook, b),
        (None, true) => Installed::Updated(hook),
        (None, false) => Installed::New(hook),
    })
}

/// `keyhound install-hook`: installs the hook and says what it did.
pub fn run(path: &Path, force: bool) -> Result<u8, Error> {
    match install(path, force)? {
        Installed::New(p) => eprintln!("keyhound: installed {}", p.display()),
        Installed::Updated(p) => eprintln!("keyhound: updated {}", p.display()),
        Installed::Replaced(p, b) => {
            eprintln!(
                "keyhound: installed {} (the previous hook is saved as {})",
                p.display(),
                b.display()
            )
        }
    }
    eprintln!("keyhound: every `git commit` now runs `keyhound scan --staged`");
    Ok(0)
}
