//! The library's one error type. Each variant says what kind of thing went wrong, so a caller
//! can tell a bad revision from an unreadable file; `Display` gives the message without its
//! cause, and [`Error::chain`] the message with every cause, as `main` prints it.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A configuration file (`.keyhound.toml`) that does not parse or check: `path:line: …`.
    #[error("{path}{}: {message}", line_suffix(*line))]
    Config {
        path: String,
        line: Option<usize>,
        message: String,
    },
    /// A rule that fails its checks or does not compile. `file` and `line` say where it is
    /// written, when it comes from a file.
    #[error("{}{message}", location(file.as_deref(), *line))]
    Rule {
        id: String,
        file: Option<String>,
        line: Option<usize>,
        message: String,
    },
    /// The keyword prefilter cannot be built from the rules' keywords.
    #[error("keyword prefilter: {0}")]
    Prefilter(String),
    /// A revision given on the command line (`--range`, `--branch`, `--since-commit`) that names
    /// no commit, or a range that is not one.
    #[error("{flag}: {message}")]
    Revision {
        flag: &'static str,
        rev: String,
        message: String,
    },
    /// A path that must be inside a git repository and is not (or is one without what the
    /// command needs, such as a bare repository for `--staged`).
    #[error("{message}")]
    NotARepository { path: PathBuf, message: String },
    /// A git read that failed (the index, HEAD, a diff).
    #[error("{context}: {message}")]
    Git { context: String, message: String },
    /// A path to scan that does not exist (or cannot be looked at).
    #[error("{}: no such file or directory", path.display())]
    Root {
        path: PathBuf,
        /// What the look at it said (not part of the message: it is always "not found" or
        /// a permission problem, said in the same words).
        error: std::io::Error,
    },
    /// A path keyhound refuses to read or write: a symlink or non-regular file where it would
    /// write, a device or an oversized file where it would read.
    #[error("{}: {message}", path.display())]
    Refused { path: PathBuf, message: String },
    /// A file that cannot be read or written.
    #[error("{}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// An I/O error on something that is not a named file (the report on stdout, the current
    /// directory).
    #[error("{what}")]
    Stream {
        what: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// A baseline file that is not one keyhound can use.
    #[error("{path}{}: {message}", line_suffix(*line))]
    Baseline {
        path: String,
        line: Option<usize>,
        message: String,
    },
    /// A provider that could not be reached (after the retries); the message is redacted.
    #[error("{0}")]
    Network(String),
    /// Something keyhound itself could not do (start its worker threads, finish a walk).
    #[error("{0}")]
    Internal(String),
    /// Arguments that do not go together or a value that does not parse.
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }

    /// A failed git read, with what was being read.
    pub fn git(context: impl Into<String>) -> impl FnOnce(git2::Error) -> Error {
        let context = context.into();
        move |e| Error::Git {
            context,
            message: e.message().to_string(),
        }
    }

    /// Places a rule error in the file (and line) that defines the rule; any other error
    /// becomes a [`Error::Config`] error of that file.
    pub fn in_file(self, file: &str, line: Option<usize>) -> Error {
        match self {
            Error::Rule { id, message, .. } => Error::Rule {
                id,
                file: Some(file.to_string()),
                line,
                message,
            },
            other => Error::Config {
                path: file.to_string(),
                line,
                message: other.chain(),
            },
        }
    }

    /// The message followed by each cause, `: `-separated, on one line.
    pub fn chain(&self) -> String {
        let mut out = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(c) = cause {
            out.push_str(": ");
            out.push_str(&c.to_string());
            cause = c.source();
        }
        out
    }
}

fn line_suffix(line: Option<usize>) -> String {
    line.map(|l| format!(":{l}")).unwrap_or_default()
}

fn location(file: Option<&str>, line: Option<usize>) -> String {
    match file {
        Some(f) => format!("{f}{}: ", line_suffix(line)),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_print_the_path_then_the_cause() {
        let e = std::fs::read("/nonexistent/keyhound").map_err(Error::io("/nonexistent/keyhound"));
        let e = e.unwrap_err();
        assert_eq!(e.to_string(), "/nonexistent/keyhound");
        assert!(
            e.chain().starts_with("/nonexistent/keyhound: "),
            "{}",
            e.chain()
        );
        assert!(matches!(e, Error::Io { .. }));
    }

    #[test]
    fn located_errors_name_file_and_line() {
        let e = Error::Config {
            path: "k.toml".into(),
            line: Some(3),
            message: "unknown field".into(),
        };
        assert_eq!(e.chain(), "k.toml:3: unknown field");
        let e = Error::Rule {
            id: "a".into(),
            file: Some("r.toml".into()),
            line: None,
            message: "rule 'a' has no remediation text".into(),
        };
        assert_eq!(e.to_string(), "r.toml: rule 'a' has no remediation text");
    }
}
