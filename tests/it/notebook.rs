//! Keys in Jupyter notebooks: in cell sources and outputs, at the right line of the .ipynb file,
//! with the cell number in the message; minified (one-line) notebooks; broken notebooks.

use crate::common;
use common::*;
use serde_json::{json, Value};

fn notebook(source_key: &str, output_key: &str) -> Value {
    json!({
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Summarise support tickets\n", "Uses the OpenAI API."]},
            {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [],
             "source": ["import os\n", "from openai import OpenAI\n", format!("client = OpenAI(api_key=\"{source_key}\")\n")]},
            {"cell_type": "code", "execution_count": 2, "metadata": {},
             "outputs": [{"name": "stdout", "output_type": "stream",
                          "text": ["HOME=/home/jovyan\n", format!("OPENAI_API_KEY={output_key}\n"), "PATH=/usr/bin\n"]}],
             "source": ["!env"]}
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5
    })
}

fn line_of(text: &str, needle: &str) -> u64 {
    text[..text.find(needle).unwrap()].matches('\n').count() as u64 + 1
}

fn secrets_in(r: &Value, path: &str) -> Vec<Value> {
    findings(r)
        .into_iter()
        .filter(|f| f["path"] == path && !f["secret_redacted"].is_null())
        .collect()
}

#[test]
fn keys_in_a_cell_and_in_an_output() {
    let dir = tempfile::tempdir().unwrap();
    let (k1, k2) = (openai_key("nb-src"), openai_key("nb-out"));
    // Jupyter writes one-space indented JSON.
    let text = serde_json::to_string_pretty(&notebook(&k1, &k2)).unwrap();
    write(dir.path(), "analysis/tickets.ipynb", &text);
    let (code, r, _) = scan_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let fs = secrets_in(&r, "analysis/tickets.ipynb");
    assert_eq!(fs.len(), 2, "{r:#}");
    assert_eq!(fs[0]["line"], line_of(&text, &k1));
    assert!(
        fs[0]["message"]
            .as_str()
            .unwrap()
            .ends_with("in cell 2 (source)"),
        "{}",
        fs[0]
    );
    assert_eq!(fs[1]["line"], line_of(&text, &k2));
    assert!(
        fs[1]["message"]
            .as_str()
            .unwrap()
            .ends_with("in cell 3 (output)"),
        "{}",
        fs[1]
    );
    assert!(fs[1]["tags"]
        .as_array()
        .unwrap()
        .contains(&"notebook".into()));
}

#[test]
fn minified_notebook_keeps_cell_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let (k1, k2) = (openai_key("nb-min-1"), openai_key("nb-min-2"));
    let text = serde_json::to_string(&notebook(&k1, &k2)).unwrap();
    assert!(!text.contains('\n'));
    write(dir.path(), "nb.ipynb", &text);
    let (_, r, _) = scan_json(dir.path(), &[]);
    let fs = secrets_in(&r, "nb.ipynb");
    assert_eq!(fs.len(), 2);
    assert_eq!(
        (fs[0]["line"].as_u64(), fs[1]["line"].as_u64()),
        (Some(1), Some(1))
    );
    assert!(fs[0]["column"].as_u64().unwrap() < fs[1]["column"].as_u64().unwrap());
    assert!(fs[0]["message"]
        .as_str()
        .unwrap()
        .contains("in cell 2 (source)"));
    assert!(fs[1]["message"]
        .as_str()
        .unwrap()
        .contains("in cell 3 (output)"));
}

#[test]
fn broken_notebook_still_reports_the_key_with_one_warning() {
    let dir = tempfile::tempdir().unwrap();
    let key = openai_key("nb-broken");
    // Truncated mid-save, and a merge conflict marker: not JSON.
    write(
        dir.path(),
        "broken.ipynb",
        format!("{{\"cells\": [<<<<<<< HEAD\n{{\"source\": [\"k = '{key}'\", \"x = '{key}'\"]"),
    );
    let (code, r, stderr) = scan_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let fs = secrets_in(&r, "broken.ipynb");
    assert!(!fs.is_empty());
    assert!(fs
        .iter()
        .all(|f| !f["message"].as_str().unwrap().contains("cell")));
    assert_eq!(stderr.matches("broken.ipynb").count(), 1, "{stderr}");
    assert!(stderr.contains("not a valid notebook"), "{stderr}");
}

#[test]
fn large_notebook_scans_quickly() {
    // 20 MB of outputs before the key: one linear pass, no DOM.
    let dir = tempfile::tempdir().unwrap();
    let key = openai_key("nb-big");
    let filler: Vec<String> = (0..200_000)
        .map(|i| format!("row {i:>10}: {}\n", "x".repeat(80)))
        .collect();
    let nb = json!({"cells": [
        {"cell_type": "code", "source": ["df"], "outputs": [{"output_type": "stream", "text": filler}]},
        {"cell_type": "code", "source": [format!("key = '{key}'")], "outputs": []}
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5});
    write(dir.path(), "big.ipynb", serde_json::to_string(&nb).unwrap());
    let start = std::time::Instant::now();
    let (_, r, _) = scan_json(dir.path(), &["--max-file-size", "100M"]);
    let fs = secrets_in(&r, "big.ipynb");
    assert_eq!(fs.len(), 1);
    assert!(fs[0]["message"]
        .as_str()
        .unwrap()
        .contains("in cell 2 (source)"));
    assert!(
        start.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}
