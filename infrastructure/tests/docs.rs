//! Docs that cannot drift: the settings, links, binaries and scripts the docs name are
//! checked against the code and the files of this repository.
//!
//! This file is copied byte for byte into generated projects, so every name is derived at
//! run time (`identity::SERVICE_NAME`), never written out.
//!
//! The docs are `docs/**/*.md`: the platform's chapters in `docs/`, an example feature's in
//! its own folder (`docs/<feature>/`), which a project generated without the feature does
//! not have.
//!
//! - Settings: the dotted leaf keys of `Settings::default()` serialised to JSON (a nested
//!   struct is a section; any other value, including `null`, a list or an empty map, is one
//!   leaf key) equal the keys in the first column of the settings tables of
//!   `docs/configuration.md` and of each feature's `docs/<feature>/configuration.md`, the
//!   tables whose header starts `| setting | variable | default |`.
//!   Those tables spell out every key: a `*` there fails the test. Other tables (the
//!   validation rules, with `any` and `auth.argon2_*`) are not read.
//! - Links: every relative link in `docs/*.md`, `README.md` and `template/README.md` (which
//!   becomes a generated project's `README.md`, so its links are relative to the root)
//!   resolves to an existing file (relative to the file's folder), anchors stripped;
//!   `http(s)://`, `mailto:` and in-page `#...` links are skipped, as are fenced code blocks.
//! - Binaries and scripts: every `--bin X`, `pidof X`, `target/release/X` and
//!   `target/debug/X` in the docs and `README.md` names the API binary
//!   (`SERVICE_NAME`), the worker (`<SERVICE_NAME>-worker`) or `xtask`, and every
//!   `scripts/....sh` they name exists.
//! - File paths: every inline code span outside fenced blocks in the docs, `README.md` and
//!   `template/README.md` that is a path into one of the repository's folders
//!   (`infrastructure/src/accounts/users.rs`, `worker/src/`, `api/tests/layering.rs::name`)
//!   names a file or folder that exists. Spans with a space or a placeholder (`<`, `*`,
//!   `{`, `...`), paths into `target/` or `data/`, and paths of the walkthrough's made-up
//!   feature ([`WALKTHROUGH_FEATURE`]) are not paths of this repository and are skipped.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use infrastructure::Settings;
use infrastructure::identity::SERVICE_NAME;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace root").to_path_buf()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The feature that `docs/architecture.md` walks through adding: its files do not exist.
const WALKTHROUGH_FEATURE: &str = "bookmarks";

/// `docs/**/*.md`, sorted.
fn docs() -> Vec<PathBuf> {
    fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display())) {
            let path = entry.expect("a docs entry").path();
            if path.is_dir() {
                walk(&path, files);
            } else if path.extension().is_some_and(|ext| ext == "md") {
                files.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&root().join("docs"), &mut files);
    files.sort();
    files
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).display().to_string()
}

fn leaf_keys(prefix: &str, value: &serde_json::Value, keys: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) if !map.is_empty() => {
            for (name, child) in map {
                let key = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
                leaf_keys(&key, child, keys);
            }
        }
        _ => {
            keys.insert(prefix.to_owned());
        }
    }
}

/// The first-column keys of the settings tables, with a problem per line that is not one
/// backticked key.
fn documented_settings(markdown: &str) -> (Vec<String>, Vec<String>) {
    let (mut keys, mut problems) = (Vec::new(), Vec::new());
    let mut in_table = false;
    for (number, line) in markdown.lines().enumerate() {
        let line = line.trim();
        if !line.starts_with('|') {
            in_table = false;
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if cells.len() >= 3 && cells[..3] == ["setting", "variable", "default"] {
            in_table = true;
            continue;
        }
        if !in_table || cells[0].starts_with("---") {
            continue;
        }
        let key = cells[0].strip_prefix('`').and_then(|rest| rest.strip_suffix('`'));
        match key {
            Some(key) if !key.contains('*') && !key.contains('`') && !key.contains(' ') => keys.push(key.to_owned()),
            _ => problems.push(format!(
                "line {}: {} is not one backticked key (spell out every key, no `*`)",
                number + 1,
                cells[0]
            )),
        }
    }
    (keys, problems)
}

#[test]
fn every_setting_is_documented_in_configuration_md_and_nothing_else_is() {
    let value = serde_json::to_value(Settings::default()).expect("Settings serialise to JSON");
    let mut in_code = BTreeSet::new();
    leaf_keys("", &value, &mut in_code);

    let (mut documented, mut problems) = (Vec::new(), Vec::new());
    for file in docs().iter().filter(|file| file.file_name().is_some_and(|name| name == "configuration.md")) {
        let (keys, file_problems) = documented_settings(&read(file));
        documented.extend(keys);
        problems.extend(file_problems.into_iter().map(|problem| format!("{}: {problem}", relative(file))));
    }
    let mut in_docs = BTreeSet::new();
    for key in documented {
        if !in_docs.insert(key.clone()) {
            problems.push(format!("`{key}` is documented twice"));
        }
    }
    let missing: Vec<_> = in_code.difference(&in_docs).collect();
    let unknown: Vec<_> = in_docs.difference(&in_code).collect();
    assert!(
        missing.is_empty() && unknown.is_empty() && problems.is_empty(),
        "the docs' configuration.md files and Settings disagree:\n  in Settings but not in the docs: {missing:?}\n  \
         in the docs but not in Settings: {unknown:?}\n  other problems: {problems:?}"
    );
}

/// The lines outside fenced code blocks, with their (0-based) numbers.
fn unfenced_lines(markdown: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut fenced = false;
    markdown.lines().enumerate().filter(move |(_, line)| {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            return false;
        }
        !fenced
    })
}

/// The targets of inline (`[text](target)`) and reference (`[name]: target`) links outside
/// fenced code blocks, with their line numbers.
fn link_targets(markdown: &str) -> Vec<(usize, String)> {
    let mut targets = Vec::new();
    for (number, line) in unfenced_lines(markdown) {
        let mut rest = line;
        while let Some(start) = rest.find("](") {
            rest = &rest[start + 2..];
            let end = rest.find(')').unwrap_or(rest.len());
            targets.push((number + 1, rest[..end].to_owned()));
            rest = &rest[end..];
        }
        let trimmed = line.trim_start();
        if trimmed.starts_with('[')
            && let Some(end) = trimmed.find("]: ")
        {
            targets.push((number + 1, trimmed[end + 3..].trim().to_owned()));
        }
    }
    targets
}

#[test]
fn relative_links_in_the_docs_resolve() {
    let mut files: Vec<(PathBuf, PathBuf)> = docs()
        .into_iter()
        .map(|doc| {
            let folder = doc.parent().expect("a docs file is in a folder").to_path_buf();
            (doc, folder)
        })
        .collect();
    files.push((root().join("README.md"), root()));
    // Becomes the generated project's README.md, at the root.
    let template_readme = root().join("template/README.md");
    if template_readme.exists() {
        files.push((template_readme, root()));
    }
    let mut broken = Vec::new();
    for (file, base) in &files {
        for (line, target) in link_targets(&read(file)) {
            let target = target.split_whitespace().next().unwrap_or_default();
            if target.is_empty()
                || target.starts_with('#')
                || ["http://", "https://", "mailto:"].iter().any(|scheme| target.starts_with(scheme))
            {
                continue;
            }
            let path = target.split('#').next().unwrap_or_default();
            if !base.join(path).exists() {
                broken.push(format!("{}:{line}: {target}", relative(file)));
            }
        }
    }
    assert!(broken.is_empty(), "links to files that do not exist:\n  {}", broken.join("\n  "));
}

/// The word after each `marker`: letters, digits, `-` and `_`.
fn words_after<'a>(text: &'a str, marker: &str) -> Vec<&'a str> {
    text.match_indices(marker)
        .map(|(at, _)| {
            let rest = &text[at + marker.len()..];
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')).unwrap_or(rest.len());
            &rest[..end]
        })
        .filter(|word| !word.is_empty())
        .collect()
}

/// Every `scripts/....sh` path in `text` (from the root: not one inside another folder,
/// except `../scripts/...` from `docs/`).
fn script_paths(text: &str) -> Vec<&str> {
    let mut paths = Vec::new();
    for (at, _) in text.match_indices("scripts/") {
        let before = &text[..at];
        let inside_a_folder = before.ends_with(|c: char| c.is_ascii_alphanumeric() || "-_/".contains(c));
        if inside_a_folder && !before.ends_with("../") {
            continue;
        }
        let rest = &text[at..];
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || "-_./".contains(c))).unwrap_or(rest.len());
        let path = rest[..end].trim_end_matches('.');
        if path.ends_with(".sh") {
            paths.push(path);
        }
    }
    paths
}

#[test]
fn binaries_and_scripts_named_in_the_docs_exist() {
    let binaries = [SERVICE_NAME.to_owned(), format!("{SERVICE_NAME}-worker"), "xtask".to_owned()];
    let mut files = docs();
    files.push(root().join("README.md"));
    let mut wrong = Vec::new();
    for file in &files {
        let text = read(file);
        for marker in ["--bin ", "pidof ", "target/release/", "target/debug/"] {
            for name in words_after(&text, marker) {
                if !binaries.iter().any(|binary| binary == name) {
                    wrong.push(format!(
                        "{}: `{marker}{name}` is not a binary (these are: {binaries:?})",
                        relative(file)
                    ));
                }
            }
        }
        for script in script_paths(&text) {
            if !root().join(script).is_file() {
                wrong.push(format!("{}: `{script}` does not exist", relative(file)));
            }
        }
    }
    assert!(wrong.is_empty(), "the docs name things that do not exist:\n  {}", wrong.join("\n  "));
}

/// The inline code spans outside fenced code blocks, with their line numbers.
fn code_spans(markdown: &str) -> Vec<(usize, &str)> {
    let mut spans = Vec::new();
    for (number, line) in unfenced_lines(markdown) {
        let mut parts = line.split('`');
        parts.next();
        while let (Some(span), Some(_)) = (parts.next(), parts.next()) {
            spans.push((number + 1, span));
        }
        // An odd last part (an unclosed backtick) is text, not a span.
    }
    spans
}

/// The repository path a code span names, if it is one: the span without a `::item` or
/// `:line` suffix, when its first segment is a folder of the repository (not `target/` or
/// `data/`, which builds and runs create) and it holds no space or placeholder.
fn repository_path(span: &str) -> Option<&str> {
    if span.contains(|c: char| c.is_whitespace() || "<>*{}$".contains(c)) || span.contains("...") {
        return None;
    }
    let path = span.split("::").next().unwrap_or_default();
    let path = path.rsplit_once(':').filter(|(_, line)| line.parse::<u32>().is_ok()).map_or(path, |(p, _)| p);
    let (first, _) = path.split_once('/')?;
    if ["", ".", "..", "target", "data"].contains(&first) {
        return None;
    }
    if !root().join(first).is_dir() || path.split('/').any(|segment| segment.starts_with(WALKTHROUGH_FEATURE)) {
        return None;
    }
    Some(path.trim_end_matches('/'))
}

#[test]
fn file_paths_named_in_the_docs_exist() {
    let mut files = docs();
    files.push(root().join("README.md"));
    let template_readme = root().join("template/README.md");
    if template_readme.exists() {
        files.push(template_readme);
    }
    let mut missing = Vec::new();
    let mut checked = 0;
    for file in &files {
        let text = read(file);
        for (line, span) in code_spans(&text) {
            if let Some(path) = repository_path(span) {
                checked += 1;
                if !root().join(path).exists() {
                    missing.push(format!("{}:{line}: `{span}`", relative(file)));
                }
            }
        }
    }
    assert!(checked > 0, "no file path found in the docs: the span parser is broken");
    assert!(missing.is_empty(), "the docs name files that do not exist:\n  {}", missing.join("\n  "));
}

#[test]
fn code_spans_and_repository_paths_are_read_as_meant() {
    let spans = code_spans("a `x/y.rs` and `b`\n```\n`not/this.rs`\n```\nodd ` tick");
    assert_eq!(spans, vec![(1, "x/y.rs"), (1, "b")]);
    assert_eq!(repository_path("api/tests/layering.rs::a_test"), Some("api/tests/layering.rs"));
    assert_eq!(repository_path("api/src/lib.rs:12"), Some("api/src/lib.rs"));
    assert_eq!(repository_path("worker/src/"), Some("worker/src"));
    for not_a_path in ["/health", "./data/", "target/release/x", "api/src/<feature>/", "cargo run -p api", "no-slash"] {
        assert_eq!(repository_path(not_a_path), None, "{not_a_path}");
    }
    assert_eq!(repository_path(&format!("domain/src/{WALKTHROUGH_FEATURE}/mod.rs")), None);
}
