//! The rules file parser (and the engine built from what it accepts): errors, never panics.
#![no_main]

use keyhound::engine::{Engine, ScanHints};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(rules) = keyhound::rules::parse_rule_file("fuzz.toml", text) else { return };
    let Ok(merged) = keyhound::rules::merge_rules(keyhound::rules::builtin_rules(), rules, &[]) else {
        return;
    };
    let Ok(engine) = Engine::new(merged) else { return };
    if engine.compile_all().is_ok() {
        let _ = engine.scan(text.as_bytes(), ScanHints::default());
    }
});
