//! Base64 run finding and decoding: runs are in range and decoding never panics.
#![no_main]

use keyhound::engine::{base64_runs, decode_printable};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut last = 0;
    for run in base64_runs(data) {
        assert!(run.start >= last && run.start < run.end && run.end <= data.len(), "{run:?}");
        last = run.end;
        if let Some(out) = decode_printable(&data[run.clone()]) {
            assert!(!out.is_empty() && out.len() <= run.len());
        }
    }
});
