//! Enforces the dependency rule of the architecture (docs/architecture.md) on the real
//! dependency graph from `cargo metadata`: a layer may not depend, directly or
//! through anything it pulls in, on the crates its layer must not know about.

use std::collections::{BTreeMap, BTreeSet};

use cargo_metadata::{DependencyKind, MetadataCommand};

/// Crates that give IO, a runtime, a database, HTTP, a cache or a queue.
const IO: &[&str] =
    &["tokio", "sea-orm", "sea-query", "sqlx", "sqlx-core", "axum", "hyper", "redis", "apalis", "reqwest"];

/// For each workspace crate, the crates it must not reach through normal dependencies.
fn rules() -> BTreeMap<&'static str, Vec<&'static str>> {
    let mut rules = BTreeMap::new();
    rules.insert("domain", [IO, &["application", "infrastructure", "api", "worker"]].concat());
    rules.insert("application", [IO, &["infrastructure", "api", "worker"]].concat());
    // hyper is reached through the OTLP trace exporter's HTTP client (an adapter to the
    // collector); serving HTTP stays out, see `infrastructure_serves_no_http`.
    rules.insert("infrastructure", vec!["axum", "api", "worker"]);
    rules
}

/// `graph`: package name -> names of its normal dependencies. Returns, per crate with a
/// rule, the forbidden crates found in its dependency closure.
fn violations(
    graph: &BTreeMap<String, BTreeSet<String>>,
    rules: &BTreeMap<&'static str, Vec<&'static str>>,
) -> Vec<String> {
    let mut found = Vec::new();
    for (krate, forbidden) in rules {
        let mut seen = BTreeSet::new();
        let mut stack = vec![(*krate).to_owned()];
        while let Some(name) = stack.pop() {
            for dep in graph.get(&name).into_iter().flatten() {
                if seen.insert(dep.clone()) {
                    stack.push(dep.clone());
                }
            }
        }
        for bad in forbidden.iter().filter(|bad| seen.contains(**bad)) {
            found.push(format!("{krate} depends on {bad}"));
        }
    }
    found
}

fn workspace_graph() -> BTreeMap<String, BTreeSet<String>> {
    let metadata = MetadataCommand::new()
        .manifest_path(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml"))
        .exec()
        .expect("cargo metadata runs");
    let resolve = metadata.resolve.as_ref().expect("dependency graph resolved");
    let name_of = |id: &cargo_metadata::PackageId| metadata[id].name.to_string();
    resolve
        .nodes
        .iter()
        .map(|node| {
            let normal = node
                .deps
                .iter()
                .filter(|dep| dep.dep_kinds.iter().any(|k| k.kind == DependencyKind::Normal))
                .map(|dep| name_of(&dep.pkg))
                .collect();
            (name_of(&node.id), normal)
        })
        .collect()
}

#[test]
fn layers_depend_only_inwards() {
    let graph = workspace_graph();
    for krate in rules().keys() {
        assert!(graph.contains_key(*krate), "workspace crate {krate} not found in cargo metadata");
    }
    let found = violations(&graph, &rules());
    assert!(found.is_empty(), "the dependency rule is broken:\n{}", found.join("\n"));
}

#[test]
fn infrastructure_serves_no_http() {
    let graph = workspace_graph();
    let direct = graph.get("infrastructure").expect("infrastructure in the graph");
    let found: Vec<_> = ["hyper", "hyper-util", "tower-http"].into_iter().filter(|c| direct.contains(*c)).collect();
    assert!(found.is_empty(), "infrastructure depends directly on {found:?}: HTTP serving belongs to `api`");
}

#[test]
fn the_check_catches_an_indirect_forbidden_dependency() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("domain", vec!["helper"]),
        ("helper", vec!["tokio"]),
        ("application", vec!["domain"]),
        ("infrastructure", vec!["application", "sea-orm"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
    .collect();
    let found = violations(&graph, &rules());
    assert_eq!(found, ["application depends on tokio", "domain depends on tokio"]);
}
