//! Terminal-safe text. Everything a scanned repository controls (paths, author names, commit
//! summaries, ref names, archive member names, provider replies) goes through [`text`] before
//! human output or a warning prints it, so a file name cannot clear the screen, move the cursor,
//! set the window title, hide text with `\r` or reorder a line with bidi controls. A path pasted
//! into a suggested shell command goes through [`shell`]. JSON and SARIF carry the exact text.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal raw: C0 controls (tab and newline included: one
/// finding, one line), DEL, C1 controls (U+0080–U+009F, which some terminals take as CSI/OSC),
/// and the bidi controls that reorder what is shown (U+061C, U+200E/F, U+202A–U+202E,
/// U+2066–U+2069).
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every unsafe character written as an escape: `\n`, `\r`, `\t`, `\x1b`, `\u{202e}`
/// (a backslash stays a backslash: the output is for reading, not for parsing back).
pub fn text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

/// A message for one stderr line (a warning, a note, an error): line breaks become spaces (a
/// library's multi-line error stays one line) and everything else unsafe is escaped by [`text`].
pub fn line(s: &str) -> String {
    text(&s.replace(['\n', '\r', '\t'], " ")).into_owned()
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x100 && is_unsafe(c) => out.push_str(&format!("\\x{:02x}", c as u32)),
        c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        c => out.push(c),
    }
}

/// `s` quoted for a POSIX shell so that pasting the suggested command acts on exactly `s`:
/// unchanged when it holds only characters no shell treats specially, `'…'` otherwise, and
/// bash's `$'…'` (with escapes) when it holds a character that must not reach the terminal.
pub fn shell(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./@%+=:,-".contains(c);
    if !s.is_empty() && s.chars().all(plain) && !s.starts_with('-') {
        return s.to_string();
    }
    if s.chars().any(is_unsafe) {
        let mut out = String::from("$'");
        for c in s.chars() {
            match c {
                '\'' => out.push_str("\\'"),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) < 0x100 && is_unsafe(c) => {
                    out.push_str(&format!("\\x{:02x}", c as u32))
                }
                c if is_unsafe(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('\'');
        return out;
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_bidi_and_keeps_the_rest() {
        assert_eq!(text("src/app.py"), "src/app.py");
        assert!(matches!(text("naïve/日本.env"), Cow::Borrowed(_)));
        assert_eq!(
            text("a\x1b]0;t\x07\r\nb\u{202e}c\u{9b}d\u{7f}"),
            "a\\x1b]0;t\\x07\\r\\nb\\u{202e}c\\x9bd\\x7f"
        );
        let all: String = (0u32..0x2100).filter_map(char::from_u32).collect();
        assert!(!text(&all).chars().any(is_unsafe));
    }

    #[test]
    fn shell_quotes_what_a_shell_would_interpret() {
        assert_eq!(shell("web/.env"), "web/.env");
        assert_eq!(shell("x;touch PWNED;.env"), "'x;touch PWNED;.env'");
        assert_eq!(shell("it's $(id).env"), "'it'\\''s $(id).env'");
        assert_eq!(shell("-rf"), "'-rf'");
        assert_eq!(shell(""), "''");
        assert_eq!(shell("a\x1b[2Jb'\u{202e}"), "$'a\\x1b[2Jb\\'\\u202e'");
    }
}
