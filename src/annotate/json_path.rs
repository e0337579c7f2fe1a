//! Where in a JSON document a byte offset lies (`cells[3].outputs[0].text[2]`), found by a
//! streaming pass over the structure up to the last offset asked about: no DOM, no copy of
//! string contents (only object keys are kept), so a 100 MB notebook costs one linear scan.

/// One step of a path from the document root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

enum Frame {
    /// An object; `key` is the key of the member being read (None before the first key).
    Obj {
        key: Option<String>,
        want_key: bool,
    },
    Arr {
        index: usize,
    },
}

/// Segments of a path kept per offset: the callers (notebook cells, source-map sources) look at
/// the first few only, and a hostile document nested 200,000 levels deep with thousands of
/// matches must not cost a copy of its whole path per match.
pub const MAX_SEGS: usize = 8;
/// Bytes of an object key kept in a snapshot.
const MAX_KEY: usize = 64;

fn snapshot(stack: &[Frame]) -> Vec<Seg> {
    stack
        .iter()
        .take(MAX_SEGS)
        .map(|f| match f {
            Frame::Obj { key, .. } => {
                let k = key.as_deref().unwrap_or_default();
                let mut cut = k.len().min(MAX_KEY);
                while !k.is_char_boundary(cut) {
                    cut -= 1;
                }
                Seg::Key(k[..cut].to_string())
            }
            Frame::Arr { index } => Seg::Index(*index),
        })
        .collect()
}

/// The path of the innermost value holding each of `offsets` (sorted ascending), its first
/// [`MAX_SEGS`] segments. Err(position) when the text before the last offset is not
/// well-formed JSON.
pub fn paths_at(data: &[u8], offsets: &[usize]) -> Result<Vec<Vec<Seg>>, usize> {
    let mut out = Vec::with_capacity(offsets.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut next = 0; // next offset to answer
    let mut i = 0;
    // Answers every offset before `upto` with the current path.
    macro_rules! answer_until {
        ($upto:expr) => {
            while next < offsets.len() && offsets[next] < $upto {
                out.push(snapshot(&stack));
                next += 1;
            }
        };
    }
    while next < offsets.len() {
        if i >= data.len() {
            if stack.is_empty() {
                // Offsets past the end of the document: the root.
                answer_until!(usize::MAX);
                break;
            }
            return Err(i);
        }
        let b = data[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'{' | b'[' => {
                answer_until!(i + 1);
                stack.push(if b == b'{' {
                    Frame::Obj {
                        key: None,
                        want_key: true,
                    }
                } else {
                    Frame::Arr { index: 0 }
                });
                i += 1;
            }
            b'}' | b']' => {
                let ok = matches!(
                    (stack.last(), b),
                    (Some(Frame::Obj { .. }), b'}') | (Some(Frame::Arr { .. }), b']')
                );
                if !ok {
                    return Err(i);
                }
                answer_until!(i + 1);
                stack.pop();
                i += 1;
            }
            b',' => {
                match stack.last_mut() {
                    Some(Frame::Obj { key, want_key }) => {
                        *key = None;
                        *want_key = true;
                    }
                    Some(Frame::Arr { index }) => *index += 1,
                    None => return Err(i),
                }
                i += 1;
            }
            b':' => {
                match stack.last_mut() {
                    Some(Frame::Obj {
                        want_key,
                        key: Some(_),
                    }) if !*want_key => {}
                    _ => return Err(i),
                }
                i += 1;
            }
            b'"' => {
                let end = string_end(data, i + 1).ok_or(i)?;
                let is_key = matches!(stack.last(), Some(Frame::Obj { want_key: true, .. }));
                if is_key {
                    if let Some(Frame::Obj { key, want_key }) = stack.last_mut() {
                        *key = Some(String::from_utf8_lossy(&data[i + 1..end]).into_owned());
                        *want_key = false;
                    }
                }
                answer_until!(end + 1);
                i = end + 1;
            }
            b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => {
                let start = i;
                while i < data.len()
                    && !matches!(data[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                {
                    i += 1;
                }
                if !valid_scalar(&data[start..i]) {
                    return Err(start);
                }
                answer_until!(i);
            }
            _ => return Err(i),
        }
    }
    Ok(out)
}

/// Index of the closing quote of a string whose contents start at `from`.
fn string_end(data: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let k = from + memchr::memchr2(b'"', b'\\', &data[from..])?;
        if data[k] == b'"' {
            return Some(k);
        }
        from = k + 2;
        if from > data.len() {
            return None;
        }
    }
}

fn valid_scalar(s: &[u8]) -> bool {
    matches!(s, b"true" | b"false" | b"null")
        || (!s.is_empty()
            && s.iter()
                .all(|&b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(doc: &str, needle: &str) -> Vec<Seg> {
        let off = doc.find(needle).unwrap();
        paths_at(doc.as_bytes(), &[off]).unwrap().remove(0)
    }

    #[test]
    fn finds_paths() {
        let doc = r#"{"a": [1, {"b": "x\"y", "c": ["p", "HERE"]}], "d": "THERE"}"#;
        assert_eq!(
            at(doc, "HERE"),
            vec![
                Seg::Key("a".into()),
                Seg::Index(1),
                Seg::Key("c".into()),
                Seg::Index(1)
            ]
        );
        assert_eq!(at(doc, "THERE"), vec![Seg::Key("d".into())]);
    }

    #[test]
    fn several_offsets_in_one_pass() {
        let doc = r#"[["A"],{"k":"B"}, "C"]"#;
        let offs: Vec<usize> = ["A", "B", "C"]
            .iter()
            .map(|n| doc.find(n).unwrap())
            .collect();
        let got = paths_at(doc.as_bytes(), &offs).unwrap();
        assert_eq!(got[0], vec![Seg::Index(0), Seg::Index(0)]);
        assert_eq!(got[1], vec![Seg::Index(1), Seg::Key("k".into())]);
        assert_eq!(got[2], vec![Seg::Index(2)]);
    }

    #[test]
    fn invalid_json_is_an_error_not_a_panic() {
        for doc in [
            "{\"a\": [}",
            "not json at all HERE",
            "{\"a\": \"unterminated HERE",
            "]HERE",
        ] {
            let off = doc.find("HERE").unwrap_or(doc.len() - 1);
            assert!(paths_at(doc.as_bytes(), &[off]).is_err(), "{doc}");
        }
        // Only the part before the offset is read.
        assert!(paths_at(br#"{"a": "HERE"} trailing garbage {"#, &[7]).is_ok());
    }
}
