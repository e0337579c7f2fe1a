//! The detection engine on arbitrary bytes, with the built-in rules: no panic, and every match
//! lies inside the input.
#![no_main]

use keyhound::engine::{Engine, ScanHints};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        let e = Engine::new(keyhound::rules::builtin_rules()).unwrap();
        e.compile_all().unwrap();
        e
    })
}

fuzz_target!(|data: &[u8]| {
    let (generic, decode) = match data.first() {
        Some(b) => (b & 1 == 0, b & 2 == 0),
        None => (true, true),
    };
    let hints = ScanHints { generic, decode_base64: decode };
    for m in engine().scan(data, hints) {
        assert!(m.span.start < m.span.end && m.span.end <= data.len(), "{m:?}");
        assert!(!m.secret.is_empty());
        if !m.decoded {
            assert_eq!(m.secret.as_bytes(), &data[m.span.clone()], "a plain match is the span's bytes");
        }
    }
    // Line/column lookup of every offset stays in range.
    let offsets: Vec<usize> = (0..data.len()).step_by(97).collect();
    let _ = keyhound::finding::locate(data, &offsets);
});
