//! Replays the inputs kept under `tests/data/fuzz/<target>/` (crashers and hand-picked edge
//! cases for the cargo-fuzz targets in `fuzz/`) through the same checks as the targets, so a
//! fixed crash stays fixed without cargo-fuzz. To keep a new crasher: copy the artifact file
//! from `fuzz/artifacts/<target>/` into `tests/data/fuzz/<target>/` (after checking it holds
//! no real-looking secret).

use keyhound::archive::{expand, Kind, Limits};
use keyhound::engine::{base64_runs, decode_printable};
use keyhound::engine::{Engine, ScanHints};
use keyhound::Warnings;
use std::path::PathBuf;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fuzz")
        .join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read(e.path()).unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Edge cases every target gets besides its kept files.
fn edge_cases() -> Vec<(String, Vec<u8>)> {
    vec![
        ("empty".into(), vec![]),
        ("nul".into(), vec![0]),
        ("ff".into(), vec![0xff; 64]),
        ("equals".into(), b"=".repeat(300)),
        (
            "base64-padding-only".into(),
            b"AAAAAAAAAAAAAAAAAAAAAAAA====".to_vec(),
        ),
        ("keyword-at-end".into(), b"x sk-proj-".to_vec()),
        ("keyword-at-start".into(), b"sk-proj-".to_vec()),
        ("zip-magic".into(), b"\x00PK\x03\x04".to_vec()),
        ("gzip-magic".into(), b"\x03\x1f\x8b\x08\x00".to_vec()),
    ]
}

#[test]
fn engine_inputs() {
    let engine = Engine::new(keyhound::rules::builtin_rules()).unwrap();
    for (name, data) in inputs("engine").into_iter().chain(edge_cases()) {
        let (generic, decode) = match data.first() {
            Some(b) => (b & 1 == 0, b & 2 == 0),
            None => (true, true),
        };
        for m in engine.scan(
            &data,
            ScanHints {
                generic,
                decode_base64: decode,
            },
        ) {
            assert!(
                m.span.start < m.span.end && m.span.end <= data.len(),
                "{name}: {m:?}"
            );
            if !m.decoded {
                assert_eq!(m.secret.as_bytes(), &data[m.span.clone()], "{name}");
            }
        }
        let offsets: Vec<usize> = (0..data.len()).step_by(97).collect();
        let _ = keyhound::finding::locate(&data, &offsets);
    }
}

#[test]
fn rules_parse_inputs() {
    for (name, data) in inputs("rules_parse").into_iter().chain(edge_cases()) {
        let Ok(text) = std::str::from_utf8(&data) else {
            continue;
        };
        let Ok(rules) = keyhound::rules::parse_rule_file("fuzz.toml", text) else {
            continue;
        };
        let Ok(merged) = keyhound::rules::merge_rules(keyhound::rules::builtin_rules(), rules, &[])
        else {
            continue;
        };
        let Ok(engine) = Engine::new(merged) else {
            continue;
        };
        if engine.compile_all().is_ok() {
            let _ = engine.scan(text.as_bytes(), ScanHints::default());
        }
        eprintln!("{name}: accepted");
    }
}

#[test]
fn archive_inputs() {
    for (name, data) in inputs("archive").into_iter().chain(edge_cases()) {
        let Some((&sel, body)) = data.split_first() else {
            continue;
        };
        let (kind, path) = match sel % 4 {
            0 => (Kind::Zip, "f.zip"),
            1 => (Kind::Tar, "f.tar"),
            2 => (Kind::TarGz, "f.tar.gz"),
            _ => (Kind::Gz, "f.txt.gz"),
        };
        let limits = Limits {
            member: 1 << 20,
            total: 4 << 20,
            depth: 2,
        };
        let mut budget = limits.total;
        let mut seen = 0u64;
        expand(
            path,
            body,
            kind,
            limits,
            &mut budget,
            &Warnings::new(true),
            &mut |p, bytes, _| {
                assert!(p.starts_with(path), "{name}");
                assert!(bytes.len() as u64 <= limits.member, "{name}");
                seen += bytes.len() as u64;
            },
        );
        assert!(seen <= limits.total, "{name}: inflated {seen} bytes");
    }
}

#[test]
fn base64_decode_inputs() {
    for (name, data) in inputs("base64_decode").into_iter().chain(edge_cases()) {
        let mut last = 0;
        for run in base64_runs(&data) {
            assert!(
                run.start >= last && run.start < run.end && run.end <= data.len(),
                "{name}: {run:?}"
            );
            last = run.end;
            if let Some(out) = decode_printable(&data[run.clone()]) {
                assert!(!out.is_empty() && out.len() <= run.len(), "{name}");
            }
        }
    }
}
