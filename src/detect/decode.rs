//! Base64 runs: found in a blob, decoded when they hold text, so that secrets encoded in
//! Kubernetes Secret manifests, CI variables or basic-auth headers are found too.

use base64::engine::general_purpose::{GeneralPurpose, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use std::ops::Range;

/// Shortest run worth decoding: 24 characters decode to 18 bytes, less than any key.
const MIN_RUN: usize = 24;
/// Longest run decoded (a base64 `.env` file fits; images in data: URIs are skipped anyway).
const MAX_RUN: usize = 1 << 20;

/// Base64 alphabet bytes (standard and URL-safe), as a table: this loop sees every byte of
/// every blob, and a lookup beats the comparisons.
static B64: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_');
        b += 1;
    }
    t
};

fn is_b64(b: u8) -> bool {
    B64[b as usize]
}

/// Maximal runs of base64 characters (standard or URL-safe, `=` padding allowed at the end) of
/// a length worth decoding.
pub fn base64_runs(hay: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < hay.len() {
            if !is_b64(hay[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < hay.len() && is_b64(hay[i]) {
                i += 1;
            }
            let mut end = i;
            while end < hay.len() && end - i < 2 && hay[end] == b'=' {
                end += 1;
            }
            i = end;
            let len = end - start;
            if (MIN_RUN..=MAX_RUN).contains(&len) {
                return Some(start..end);
            }
        }
        None
    })
}

/// Decodes a run when it is base64 of mostly printable text; `None` otherwise.
pub fn decode_printable(run: &[u8]) -> Option<Vec<u8>> {
    let trimmed = run
        .strip_suffix(b"==")
        .or_else(|| run.strip_suffix(b"="))
        .unwrap_or(run);
    // Plain identifiers and hex are valid base64 too; only mixed alphabets are worth the work.
    let has_digit_or_symbol = trimmed
        .iter()
        .any(|b| b.is_ascii_digit() || !b.is_ascii_alphanumeric());
    if trimmed.len() % 4 == 1 || (!has_digit_or_symbol && !has_mixed_case(trimmed)) {
        return None;
    }
    // Cheap check on a prefix first: images and compressed data fail here.
    let head = &trimmed[..trimmed.len().min(64) / 4 * 4];
    let engine = pick_engine(trimmed);
    if !mostly_printable(&engine.decode(head).ok()?) {
        return None;
    }
    let out = engine.decode(trimmed).ok()?;
    mostly_printable(&out).then_some(out)
}

fn has_mixed_case(b: &[u8]) -> bool {
    b.iter().any(u8::is_ascii_uppercase) && b.iter().any(u8::is_ascii_lowercase)
}

fn pick_engine(run: &[u8]) -> &'static GeneralPurpose {
    if run.iter().any(|&b| b == b'-' || b == b'_') {
        &URL_SAFE_NO_PAD
    } else {
        &STANDARD_NO_PAD
    }
}

fn mostly_printable(b: &[u8]) -> bool {
    !b.is_empty()
        && b.iter()
            .filter(|&&c| (0x20..0x7f).contains(&c) || matches!(c, b'\n' | b'\r' | b'\t'))
            .count()
            * 20
            >= b.len() * 19
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD;

    #[test]
    fn finds_and_decodes_text_runs() {
        let enc = STANDARD.encode("OPENAI_API_KEY=some text value here");
        let hay = format!("data:\n  key: {enc}\n");
        let runs: Vec<_> = base64_runs(hay.as_bytes()).collect();
        assert_eq!(runs.len(), 1);
        assert_eq!(&hay[runs[0].clone()], enc);
        let dec = decode_printable(&hay.as_bytes()[runs[0].clone()]).unwrap();
        assert_eq!(dec, b"OPENAI_API_KEY=some text value here");
    }

    #[test]
    fn skips_binary_and_short_runs() {
        let bin: Vec<u8> = (0..=255u8).collect();
        assert!(decode_printable(STANDARD.encode(&bin).as_bytes()).is_none());
        assert_eq!(base64_runs(b"abc def").count(), 0);
        assert!(decode_printable(b"averyveryverylongidentifiername").is_none());
    }
}
