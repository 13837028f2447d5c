//! Before the measured run: accounts logged in once per virtual user, and the names
//! (slugs, usernames, tags) that the read and write operations pick from.

use anyhow::Context;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::task::JoinSet;

use super::scenario::{Op, Target, VirtualUser, encode, report_body};

/// Where the virtual users' accounts come from.
#[derive(Debug, Clone)]
pub enum Accounts {
    /// Register new accounts (`lt<run>u<i>`), one argon2 hash each.
    Register { count: usize, password: String },
    /// Log in as the accounts `cargo xtask seed` made: `user1@example.com` up to `userN@...`.
    Seeded { count: usize, password: String },
}

async fn post(target: &Target, path: &str, body: Value, token: Option<&str>) -> anyhow::Result<(StatusCode, Value)> {
    let mut request = target.client.post(target.url(path)).json(&body);
    if let Some(token) = token {
        request = request.header("Authorization", format!("Token {token}"));
    }
    let response = request.send().await.with_context(|| format!("POST {path}"))?;
    let status = response.status();
    let body = response.json::<Value>().await.unwrap_or(Value::Null);
    Ok((status, body))
}

async fn get(target: &Target, path: &str) -> anyhow::Result<Value> {
    let response = target.client.get(target.url(path)).send().await.with_context(|| format!("GET {path}"))?;
    anyhow::ensure!(response.status().is_success(), "GET {path}: {}", response.status());
    Ok(response.json::<Value>().await?)
}

async fn account(target: &Target, accounts: &Accounts, i: usize) -> anyhow::Result<VirtualUser> {
    let (path, body, email, password) = match accounts {
        Accounts::Register { password, .. } => {
            let name = format!("lt{}u{i}", target.run_id);
            let email = format!("{name}@loadtest.example");
            let body = json!({"user": {"username": name, "email": email, "password": password}});
            ("/api/users", body, email, password.clone())
        }
        Accounts::Seeded { password, .. } => {
            let email = format!("user{}@example.com", i + 1);
            ("/api/users/login", json!({"user": {"email": email, "password": password}}), email, password.clone())
        }
    };
    let (status, reply) = post(target, path, body, None).await?;
    let token = reply["user"]["token"].as_str().map(str::to_owned);
    match token {
        Some(token) if status.is_success() => Ok(VirtualUser { email, password, token }),
        _ => anyhow::bail!("account {email}: {path} answered {status}: {reply}"),
    }
}

/// Logs in (or registers) the virtual users, four at a time: each costs a password hash.
async fn accounts(target: &Target, accounts: &Accounts) -> anyhow::Result<Vec<VirtualUser>> {
    let count = match accounts {
        Accounts::Register { count, .. } | Accounts::Seeded { count, .. } => *count,
    };
    let mut users = Vec::with_capacity(count);
    for chunk in (0..count).collect::<Vec<_>>().chunks(4) {
        let mut set = JoinSet::new();
        for &i in chunk {
            let (t, a) = (target.clone_for_setup(), accounts.clone());
            set.spawn(async move { account(&t, &a, i).await });
        }
        while let Some(result) = set.join_next().await {
            users.push(result??);
        }
    }
    Ok(users)
}

/// Fills `target` with users and names, and settles whether the report endpoint exists.
/// Returns notes for the report.
///
/// # Errors
/// The server is unreachable, an account cannot log in, or an explicitly requested
/// report scenario finds no endpoint.
pub async fn prepare(
    target: &mut Target,
    accounts_from: &Accounts,
    report_explicit: bool,
) -> anyhow::Result<Vec<String>> {
    let mut notes = Vec::new();
    let health = target.client.get(target.url("/health")).send().await.context("the server does not answer")?;
    anyhow::ensure!(health.status().is_success(), "GET /health answered {}", health.status());

    collect_names(target).await?;
    let needs_articles = target.slugs.is_empty();
    if target.mix.needs_users() || needs_articles {
        target.users = accounts(target, accounts_from).await?;
        anyhow::ensure!(!target.users.is_empty(), "--users must be at least 1 for these scenarios");
    }
    if needs_articles {
        // An empty database: write a few articles so reads and writes have targets.
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
            for name in target.usernames.iter().cycle().skip(i).take(3.min(target.usernames.len())) {
                let path = format!("/api/profiles/{}/follow", encode(name));
                post(target, &path, Value::Null, Some(&user.token)).await?;
            }
        }
    }
    if target.mix.contains(Op::Report) {
        let token = target.users.first().map(|u| u.token.clone());
        let (status, reply) = post(target, "/api/reports", report_body(), token.as_deref()).await?;
        if status == StatusCode::NOT_FOUND {
            anyhow::ensure!(
                !report_explicit,
                "the report scenario was requested but POST /api/reports is 404: {reply}"
            );
            anyhow::ensure!(target.mix.remove(Op::Report), "nothing left to run without the report scenario");
            notes.push("report scenario skipped: POST /api/reports answered 404 (endpoint absent)".to_owned());
        } else if !status.is_success() {
            notes.push(format!("POST /api/reports answered {status} during setup: {reply}"));
        }
    }
    Ok(notes)
}

/// Slugs and author names from the first pages of the article list, and the tags.
async fn collect_names(target: &mut Target) -> anyhow::Result<()> {
    for offset in [0, 100, 200] {
        let page = get(target, &format!("/api/articles?limit=100&offset={offset}")).await?;
        for article in page["articles"].as_array().into_iter().flatten() {
            if let Some(slug) = article["slug"].as_str() {
                target.slugs.push(slug.to_owned());
            }
            if let Some(name) = article["author"]["username"].as_str() {
                target.usernames.push(name.to_owned());
            }
        }
    }
    target.usernames.sort();
    target.usernames.dedup();
    let tags = get(target, "/api/tags").await?;
    target.tags = tags["tags"].as_array().into_iter().flatten().filter_map(|t| t.as_str().map(str::to_owned)).collect();
    Ok(())
}
