//! The dependency rule of docs/architecture.md, enforced: every `crate::` path in `src/` (and
//! every `keyhound::` path in `src/main.rs`) must be allowed by the table in that document, every
//! top-level module must be in the table, and the top-level modules must not import each other
//! in a cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The `deps` block of docs/architecture.md: module -> the paths it may import.
fn allowed_table(root: &Path) -> BTreeMap<String, Vec<Vec<String>>> {
    let doc = std::fs::read_to_string(root.join("docs/architecture.md")).unwrap();
    let start = doc
        .find("```deps\n")
        .expect("docs/architecture.md has a ```deps block")
        + 8;
    let end = start + doc[start..].find("```").unwrap();
    let mut table = BTreeMap::new();
    for line in doc[start..end].lines().filter(|l| !l.trim().is_empty()) {
        let (from, to) = line.split_once("->").expect("`module -> targets`");
        let targets = to
            .split_whitespace()
            .map(|t| t.split("::").map(str::to_string).collect())
            .collect();
        assert!(
            table.insert(from.trim().to_string(), targets).is_none(),
            "{} is listed twice",
            from.trim()
        );
    }
    table
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The module path of a source file: `src/scan/history.rs` -> [scan, history].
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|l| l == "mod") {
        parts.pop();
    }
    parts
}

/// Source text without comments and string literals (a doc comment may name any path).
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            i += 2;
            while i < b.len() && !b[i..].starts_with(b"*/") {
                i += 1;
            }
            i += 2;
        } else if b[i] == b'"' && !(i > 0 && b[i - 1] == b'\'') {
            // Raw strings (r"..", r#".."#) and plain ones.
            let hashes = b[..i].iter().rev().take_while(|&&c| c == b'#').count();
            let raw = i > hashes && b[i - hashes - 1] == b'r';
            i += 1;
            loop {
                if i >= b.len() {
                    break;
                }
                if !raw && b[i] == b'\\' {
                    i += 2;
                    continue;
                }
                if b[i] == b'"' && b[i + 1..].iter().take(hashes).all(|&c| c == b'#') {
                    i += 1 + if raw { hashes } else { 0 };
                    break;
                }
                i += 1;
            }
            out.push_str("\"\"");
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    out
}

/// Every path starting with `root::` in `code`, with `{a, b::c}` groups expanded.
fn paths_from(code: &str, root: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let needle = format!("{root}::");
    let mut from = 0;
    while let Some(at) = code[from..].find(&needle) {
        let at = from + at;
        from = at + needle.len();
        let boundary = at == 0
            || !(bytes[at - 1].is_ascii_alphanumeric()
                || bytes[at - 1] == b'_'
                || bytes[at - 1] == b':');
        if !boundary {
            continue;
        }
        expand(&code[from..], Vec::new(), &mut out);
    }
    out
}

/// Expands the path at the start of `rest` (after `prefix::`) into full paths.
fn expand(rest: &str, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let rest = rest.trim_start();
    if let Some(inner) = rest.strip_prefix('{') {
        // Split the group at top-level commas.
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    expand(&inner[start..i], prefix.clone(), out);
                    return;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&inner[start..i], prefix.clone(), out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        return;
    }
    let ident: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if ident.is_empty() {
        if !prefix.is_empty() {
            out.push(prefix);
        }
        return;
    }
    let mut path = prefix;
    path.push(ident.clone());
    let after = &rest[ident.len()..];
    match after.strip_prefix("::") {
        Some(next) => expand(next, path, out),
        None => out.push(path),
    }
}

/// Top-level module imports of every module: (from, full path) pairs.
fn imports(root: &Path) -> Vec<(String, Vec<String>, PathBuf)> {
    let src = root.join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let module = module_of(&src, &file);
        let mut code = code_only(&std::fs::read_to_string(&file).unwrap());
        // Unit tests (at the end of a file) may use test support such as `testkeys`.
        if let Some(at) = code.find("#[cfg(test)]") {
            code.truncate(at);
        }
        let from = module[0].clone();
        if from == "lib" {
            continue;
        }
        let root_name = if from == "main" { "keyhound" } else { "crate" };
        for path in paths_from(&code, root_name) {
            out.push((from.clone(), path, file.clone()));
        }
        // `super::` paths that climb out of the top-level module.
        for path in paths_from(&code, "super") {
            let mut here = module.clone();
            here.pop();
            let mut p = path.as_slice();
            while p.first().is_some_and(|s| s == "super") {
                here.pop();
                p = &p[1..];
            }
            let full: Vec<String> = here.iter().cloned().chain(p.iter().cloned()).collect();
            if !full.is_empty() && full[0] != from {
                out.push((from.clone(), full, file.clone()));
            }
        }
    }
    out
}

#[test]
fn imports_follow_the_dependency_rule() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let table = allowed_table(root);
    let mut modules = BTreeSet::new();
    for e in std::fs::read_dir(root.join("src")).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_stem().unwrap().to_string_lossy().into_owned();
        if (p.join("mod.rs").is_file() || p.extension().is_some_and(|x| x == "rs")) && name != "lib"
        {
            modules.insert(name);
        }
    }
    let unlisted: Vec<&String> = modules.iter().filter(|m| !table.contains_key(*m)).collect();
    assert!(
        unlisted.is_empty(),
        "modules missing from the deps table of docs/architecture.md: {unlisted:?}"
    );
    let mut bad = Vec::new();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, path, file) in imports(root) {
        let to = &path[0];
        if *to == from || !modules.contains(to) {
            continue; // within the module, or an item of the crate root (e.g. a macro)
        }
        graph.entry(from.clone()).or_default().insert(to.clone());
        let ok = table[&from]
            .iter()
            .any(|allowed| path.len() >= allowed.len() && path[..allowed.len()] == allowed[..]);
        if !ok {
            bad.push(format!(
                "{}: {from} imports {}",
                file.strip_prefix(root).unwrap().display(),
                path.join("::")
            ));
        }
    }
    bad.sort();
    bad.dedup();
    assert!(
        bad.is_empty(),
        "imports against the dependency rule (docs/architecture.md):\n{}",
        bad.join("\n")
    );
    // No cycle between top-level modules (depth-first search for a back edge).
    fn visit(
        m: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if done.contains(m) {
            return;
        }
        if let Some(i) = stack.iter().position(|s| s == m) {
            panic!("import cycle: {} -> {m}", stack[i..].join(" -> "));
        }
        stack.push(m.to_string());
        for next in graph.get(m).into_iter().flatten() {
            visit(next, graph, stack, done);
        }
        stack.pop();
        done.insert(m.to_string());
    }
    let mut done = BTreeSet::new();
    for m in graph.keys() {
        visit(m, &graph, &mut Vec::new(), &mut done);
    }
}

#[test]
fn the_parser_sees_grouped_nested_and_inline_paths() {
    let code = code_only(
        "use crate::{a, b::{c, d::E}};\nfn f() { crate::x::y(); }\n// crate::comment\nlet s = \"crate::string\";",
    );
    let mut got: Vec<String> = paths_from(&code, "crate")
        .into_iter()
        .map(|p| p.join("::"))
        .collect();
    got.sort();
    assert_eq!(got, ["a", "b::c", "b::d::E", "x::y"]);
}
