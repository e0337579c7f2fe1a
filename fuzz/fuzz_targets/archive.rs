//! Archive expansion (zip, tar, tar.gz, gz) on arbitrary bytes: within its limits, no panic.
#![no_main]

use keyhound::Warnings;
use keyhound::archive::{expand, Kind, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, body)) = data.split_first() else { return };
    let (kind, name) = match sel % 4 {
        0 => (Kind::Zip, "f.zip"),
        1 => (Kind::Tar, "f.tar"),
        2 => (Kind::TarGz, "f.tar.gz"),
        _ => (Kind::Gz, "f.txt.gz"),
    };
    let limits = Limits { member: 1 << 20, total: 4 << 20, depth: 2 };
    let mut budget = limits.total;
    let warnings = Warnings::new(true);
    let mut seen = 0u64;
    expand(name, body, kind, limits, &mut budget, &warnings, &mut |path, bytes, _| {
        assert!(path.starts_with(name));
        assert!(bytes.len() as u64 <= limits.member);
        seen += bytes.len() as u64;
    });
    assert!(seen <= limits.total, "inflated {seen} bytes past the total limit");
});
