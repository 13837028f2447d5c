//! The RealWorld example's side of the load test: the articles, authors and tags its
//! operations pick from (setup writes a few articles into an empty database, follows
//! authors so fresh accounts have feeds), and whether the report endpoint exists.

use anyhow::Context;
use rand::Rng;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::scenario::{Op, Target, encode};
use super::setup::{Accounts, accounts, post};

/// Names that exist on the server, collected before the run.
#[derive(Debug, Default)]
pub struct Names {
    pub slugs: Vec<String>,
    pub usernames: Vec<String>,
    pub tags: Vec<String>,
}

fn one(items: &[String], rng: &mut impl Rng) -> Option<String> {
    (!items.is_empty()).then(|| encode(&items[rng.random_range(0..items.len())]))
}

impl Names {
    /// A random article's slug, percent-encoded.
    pub fn slug(&self, rng: &mut impl Rng) -> String {
        one(&self.slugs, rng).unwrap_or_else(|| "no-articles-seeded".to_owned())
    }

    /// A random author's username, percent-encoded.
    pub fn username(&self, rng: &mut impl Rng) -> String {
        one(&self.usernames, rng).unwrap_or_else(|| "nobody".to_owned())
    }

    /// A random tag, percent-encoded, if there are any.
    pub fn tag(&self, rng: &mut impl Rng) -> Option<String> {
        one(&self.tags, rng)
    }
}

/// The body of a report request (the asynchronous report endpoint).
pub fn report_body() -> Value {
    json!({"report": {"kind": "activity", "scope": "own", "from": "2026-01-01", "to": "2026-12-31"}})
}

async fn get(target: &Target, path: &str) -> anyhow::Result<Value> {
    let response = target.client.get(target.url(path)).send().await.with_context(|| format!("GET {path}"))?;
    anyhow::ensure!(response.status().is_success(), "GET {path}: {}", response.status());
    Ok(response.json::<Value>().await?)
}

/// Fills `target`'s names (writing a few articles into an empty database) and settles
/// whether the report endpoint exists; adds notes for the report to `notes`.
///
/// # Errors
/// The server fails a request, an account cannot log in, or the report scenario was
/// named in an `explicit` mix and finds no endpoint.
pub async fn prepare(
    target: &mut Target,
    accounts_from: &Accounts,
    explicit: bool,
    notes: &mut Vec<String>,
) -> anyhow::Result<()> {
    collect_names(target).await?;
    if target.names.slugs.is_empty() {
        // An empty database: write a few articles so reads and writes have targets.
        if target.users.is_empty() {
            target.users = accounts(target, accounts_from).await?;
            anyhow::ensure!(!target.users.is_empty(), "--users must be at least 1 for these scenarios");
        }
        let token = target.users[0].token.clone();
        for i in 0..5 {
            let body = json!({"article": {"title": format!("Load test seed {} {i}", target.run_id),
                "description": "setup", "body": "setup article", "tagList": ["loadtest"]}});
            let (status, reply) = post(target, "/api/articles", body, Some(&token)).await?;
            anyhow::ensure!(status.is_success(), "creating a setup article: {status}: {reply}");
        }
        collect_names(target).await?;
        notes.push("the database had no articles: setup wrote 5 (seed one with `cargo xtask seed`)".to_owned());
    }
    if target.mix.contains(Op::Feed) && matches!(accounts_from, Accounts::Register { .. }) {
        // Fresh accounts follow a few authors, so their feeds are not trivially empty.
        for (i, user) in target.users.iter().enumerate() {
            let usernames = &target.names.usernames;
            for name in usernames.iter().cycle().skip(i).take(3.min(usernames.len())) {
                let path = format!("/api/profiles/{}/follow", encode(name));
                post(target, &path, Value::Null, Some(&user.token)).await?;
            }
        }
    }
    if target.mix.contains(Op::Report) {
        let token = target.users.first().map(|u| u.token.clone());
        let (status, reply) = post(target, "/api/reports", report_body(), token.as_deref()).await?;
        if status == StatusCode::NOT_FOUND {
            anyhow::ensure!(!explicit, "the report scenario was requested but POST /api/reports is 404: {reply}");
            anyhow::ensure!(target.mix.remove(Op::Report), "nothing left to run without the report scenario");
            notes.push("report scenario skipped: POST /api/reports answered 404 (endpoint absent)".to_owned());
        } else if !status.is_success() {
            notes.push(format!("POST /api/reports answered {status} during setup: {reply}"));
        }
    }
    Ok(())
}

/// Slugs and author names from the first pages of the article list, and the tags.
async fn collect_names(target: &mut Target) -> anyhow::Result<()> {
    let mut names = Names::default();
    for offset in [0, 100, 200] {
        let page = get(target, &format!("/api/articles?limit=100&offset={offset}")).await?;
        for article in page["articles"].as_array().into_iter().flatten() {
            if let Some(slug) = article["slug"].as_str() {
                names.slugs.push(slug.to_owned());
            }
            if let Some(name) = article["author"]["username"].as_str() {
                names.usernames.push(name.to_owned());
            }
        }
    }
    names.usernames.sort();
    names.usernames.dedup();
    let tags = get(target, "/api/tags").await?;
    names.tags = tags["tags"].as_array().into_iter().flatten().filter_map(|t| t.as_str().map(str::to_owned)).collect();
    target.names = names;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;
    use crate::load::scenario::Mix;

    #[test]
    fn the_default_mix_has_the_example_and_report_but_not_the_account_scenario() {
        let mix = Mix::default_mix().expect("the default parses");
        let given: Vec<(&str, u32)> = mix.given.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(given, [("login", 1), ("read", 8), ("report", 1), ("write", 1)]);
        assert!(mix.contains(Op::List) && mix.contains(Op::Create) && mix.contains(Op::Report));
        assert!(!mix.contains(Op::User) && !mix.contains(Op::Bio));
        assert_eq!((Op::User.scenario(), Op::Bio.scenario()), ("account", "account"));
    }

    #[test]
    fn reads_are_split_evenly_over_the_five_example_reads() {
        let mix = Mix::parse("read=1").expect("valid");
        let mut rng = StdRng::seed_from_u64(5);
        let mut counts: BTreeMap<Op, u32> = BTreeMap::new();
        for _ in 0..50_000 {
            *counts.entry(mix.pick(&mut rng)).or_default() += 1;
        }
        assert_eq!(counts.len(), 5, "{counts:?}");
        assert!(counts.values().all(|n| (9_000..11_000).contains(n)), "{counts:?}");
    }

    #[test]
    fn public_pages_need_no_account() {
        let mix = Mix::parse("tags=1").expect("an operation alone");
        assert!(!mix.needs_users());
        assert_eq!(mix.pick(&mut StdRng::seed_from_u64(1)), Op::Tags);
        assert!(Mix::parse("list,article,profile").is_ok_and(|m| !m.needs_users()));
        assert!(Op::Feed.needs_user() && Op::Report.needs_user());
    }

    #[test]
    fn removing_the_report_keeps_the_rest() {
        let mut mix = Mix::parse("report=1,tags=1").expect("valid");
        assert!(mix.remove(Op::Report));
        assert!(!mix.given.contains_key("report"));
        assert!(!mix.remove(Op::Tags));
    }

    #[test]
    fn names_fall_back_when_nothing_was_collected() {
        let mut rng = StdRng::seed_from_u64(1);
        let empty = Names::default();
        assert_eq!(
            (empty.slug(&mut rng), empty.username(&mut rng), empty.tag(&mut rng)),
            ("no-articles-seeded".to_owned(), "nobody".to_owned(), None)
        );
        let names = Names { tags: vec!["open source".to_owned()], ..Names::default() };
        assert_eq!(names.tag(&mut rng).as_deref(), Some("open%20source"));
    }
}
