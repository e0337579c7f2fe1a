//! Base64 runs: found in a blob, decoded when they hold text, so that secrets encoded in
//! Kubernetes Secret manifests, CI variables or basic-auth headers are found too.

use base64::engine::general_purpose::{GeneralPurpose, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use std::ops::Range;

/// Shortest run worth decoding (alphabet characters, padding not counted): 24 characters decode
/// to 18 bytes, less than any key.
const MIN_RUN: usize = 24;
/// Longest run decoded (a base64 `.env` file fits; images in data: URIs are skipped anyway).
const MAX_RUN: usize = 1 << 20;

/// Value of each base64 character (standard and URL-safe alphabets), `NOT_B64` for the rest. This
/// table is read for a fraction of the bytes of every blob, and a lookup beats comparisons.
const NOT_B64: u8 = 0xff;
static SEXTET: [u8; 256] = {
    let mut t = [NOT_B64; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => NOT_B64,
        };
        b += 1;
    }
    t
};

fn is_b64(b: u8) -> bool {
    SEXTET[b as usize] != NOT_B64
}

/// Maximal runs of base64 characters (standard or URL-safe, up to two `=` of padding at the
/// end) with at least [`MIN_RUN`] alphabet characters.
///
/// Most bytes are never looked at: a run of `MIN_RUN` characters starting anywhere in
/// `i..i + MIN_RUN` covers byte `i + MIN_RUN - 1`, so when that byte is not base64 the search
/// jumps past it. When it is, the run around it is measured, and the search goes on after it.
pub fn base64_runs(hay: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    // Invariant: no run starts before `i`, and `hay[i - 1]` is not base64 (or `i == 0`).
    let mut i = 0;
    std::iter::from_fn(move || loop {
        let probe = i + MIN_RUN - 1;
        if probe >= hay.len() {
            return None;
        }
        if !is_b64(hay[probe]) {
            i = probe + 1;
            continue;
        }
        let mut start = probe;
        while start > i && is_b64(hay[start - 1]) {
            start -= 1;
        }
        let mut end = probe + 1;
        while end < hay.len() && is_b64(hay[end]) {
            end += 1;
        }
        let alphabet = end - start;
        let mut padded = end;
        while padded < hay.len() && padded - end < 2 && hay[padded] == b'=' {
            padded += 1;
        }
        // Past the run and the byte that ended it (padding, or a non-base64 byte).
        i = if padded > end {
            padded
        } else {
            (end + 1).min(hay.len())
        };
        if (MIN_RUN..=MAX_RUN).contains(&alphabet) {
            return Some(start..padded);
        }
    })
}

/// Decodes a run when it is base64 of mostly printable text; `None` otherwise.
pub fn decode_printable(run: &[u8]) -> Option<Vec<u8>> {
    let trimmed = run
        .strip_suffix(b"==")
        .or_else(|| run.strip_suffix(b"="))
        .unwrap_or(run);
    if trimmed.len() % 4 == 1 {
        return None;
    }
    // Cheap checks on a prefix first: identifiers, paths, hashes, images and compressed data
    // fail here, before anything is decoded.
    let head = &trimmed[..trimmed.len().min(64) / 4 * 4];
    if !head_may_be_text(head) {
        return None;
    }
    // Plain identifiers and hex are valid base64 too; only mixed alphabets are worth the work.
    let has_digit_or_symbol = trimmed
        .iter()
        .any(|b| b.is_ascii_digit() || !b.is_ascii_alphanumeric());
    if !has_digit_or_symbol && !has_mixed_case(trimmed) {
        return None;
    }
    let engine = pick_engine(trimmed);
    if !mostly_printable(&engine.decode(head).ok()?) {
        return None;
    }
    let out = engine.decode(trimmed).ok()?;
    mostly_printable(&out).then_some(out)
}

/// Whether `head` (whole quads of base64) can decode to [`mostly_printable`] bytes, read off the
/// characters without decoding. Each quad `s0 s1 s2 s3` decodes to `b0 = s0 << 2 | s1 >> 4`,
/// `b1 = (s1 & 15) << 4 | s2 >> 2`, `b2 = (s2 & 3) << 6 | s3`. A byte is printable only if it is
/// below 0x80, which fixes one bit of `s0`, `s1` and `s2`; and `b0` below 0x20 must be a tab,
/// newline or carriage return (`s0` 2 or 3). Every broken rule is a different non-printable
/// byte, so more of them than `mostly_printable` allows means the decoded head fails it too.
fn head_may_be_text(head: &[u8]) -> bool {
    let allowed = head.len() / 4 * 3 / 20;
    let mut bad = 0;
    for q in head.chunks_exact(4) {
        let s0 = SEXTET[q[0] as usize];
        let s1 = SEXTET[q[1] as usize];
        let s2 = SEXTET[q[2] as usize];
        bad += usize::from(s0 >= 32 || (s0 < 8 && s0 != 2 && s0 != 3));
        bad += usize::from(s1 & 8 != 0);
        bad += usize::from(s2 & 2 != 0);
        if bad > allowed {
            return false;
        }
    }
    true
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
    use crate::testkeys::Rng;
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

    /// The runs as first specified: every maximal run of alphabet bytes, plus up to two `=`,
    /// looked at byte by byte.
    fn runs_byte_by_byte(hay: &[u8]) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < hay.len() {
            if !is_b64(hay[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < hay.len() && is_b64(hay[i]) {
                i += 1;
            }
            let alphabet = i - start;
            let mut end = i;
            while end < hay.len() && end - i < 2 && hay[end] == b'=' {
                end += 1;
            }
            i = end;
            if (MIN_RUN..=MAX_RUN).contains(&alphabet) {
                out.push(start..end);
            }
        }
        out
    }

    #[test]
    fn skipping_search_finds_the_same_runs_as_a_byte_by_byte_one() {
        let mut rng = Rng::new(7);
        let pieces: [&[u8]; 8] = [b"A", b"z9", b"_-+/", b"=", b"==", b" ", b"\n", b"."];
        // Runs the reference found of exactly MIN_RUN, MIN_RUN + 1 and MIN_RUN + 2 characters.
        let mut near_min = [0usize; 3];
        for _ in 0..3000 {
            let mut hay = Vec::new();
            for _ in 0..rng.below(200) {
                // Long stretches of alphabet bytes, broken now and then, make runs of every
                // length around MIN_RUN.
                let p = if rng.below(4) == 0 {
                    pieces[3 + rng.below(5)]
                } else {
                    pieces[rng.below(3)]
                };
                for _ in 0..1 + rng.below(12) {
                    hay.extend_from_slice(p);
                }
            }
            let fast: Vec<_> = base64_runs(&hay).collect();
            let slow = runs_byte_by_byte(&hay);
            assert_eq!(fast, slow, "{}", String::from_utf8_lossy(&hay));
            for r in &slow {
                let alphabet = hay[r.clone()].iter().filter(|&&b| b != b'=').count();
                if let Some(n) = near_min.get_mut(alphabet - MIN_RUN) {
                    *n += 1;
                }
            }
        }
        // The generator must produce the edge cases the skipping search could get wrong.
        assert!(near_min.iter().all(|&n| n > 10), "{near_min:?}");
    }

    #[test]
    fn the_shape_check_never_rejects_a_head_that_decodes_to_text() {
        let mut rng = Rng::new(11);
        for _ in 0..20000 {
            // Text with a few bytes of anything (UTF-8, control characters) mixed in.
            let len = 18 + rng.below(60);
            let text: Vec<u8> = (0..len)
                .map(|_| match rng.below(30) {
                    0 => rng.below(256) as u8,
                    1 => b'\n',
                    _ => 0x20 + rng.below(0x5f) as u8,
                })
                .collect();
            let enc = STANDARD.encode(&text);
            let trimmed = enc.trim_end_matches('=').as_bytes();
            let head = &trimmed[..trimmed.len().min(64) / 4 * 4];
            let decoded = STANDARD_NO_PAD.decode(head).unwrap();
            if mostly_printable(&decoded) {
                assert!(head_may_be_text(head), "{text:?}");
            }
        }
        assert!(!head_may_be_text(b"gohugoio/hugo/resources/page/pagemeta/"));
        assert!(!head_may_be_text(b"0123456789abcdef0123456789abcdef"));
    }
}
