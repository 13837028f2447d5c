//! Before the measured run: the server answers, and the accounts are logged in once
//! per virtual user.

use anyhow::Context;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::task::JoinSet;

use super::scenario::{Target, VirtualUser};

/// Where the virtual users' accounts come from.
#[derive(Debug, Clone)]
pub enum Accounts {
    /// Register new accounts (`lt<run>u<i>`), one argon2 hash each.
    Register { count: usize, password: String },
    /// Log in as the accounts `cargo xtask seed` made: `user1@example.com` up to `userN@...`.
    Seeded { count: usize, password: String },
}

/// POSTs `body` as JSON, as `token`'s user if given: the status and the JSON reply
/// (null when there is none).
pub async fn post(
    target: &Target,
    path: &str,
    body: Value,
    token: Option<&str>,
) -> anyhow::Result<(StatusCode, Value)> {
    let mut request = target.client.post(target.url(path)).json(&body);
    if let Some(token) = token {
        request = request.header("Authorization", format!("Token {token}"));
    }
    let response = request.send().await.with_context(|| format!("POST {path}"))?;
    let status = response.status();
    let body = response.json::<Value>().await.unwrap_or(Value::Null);
    Ok((status, body))
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
pub async fn accounts(target: &Target, accounts: &Accounts) -> anyhow::Result<Vec<VirtualUser>> {
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

/// Checks that the server answers and logs in the virtual users if the mix needs them.
///
/// # Errors
/// The server is unreachable, or an account cannot log in.
pub async fn prepare(target: &mut Target, accounts_from: &Accounts) -> anyhow::Result<()> {
    let health = target.client.get(target.url("/health")).send().await.context("the server does not answer")?;
    anyhow::ensure!(health.status().is_success(), "GET /health answered {}", health.status());
    if target.mix.needs_users() {
        target.users = accounts(target, accounts_from).await?;
        anyhow::ensure!(!target.users.is_empty(), "--users must be at least 1 for these scenarios");
    }
    Ok(())
}
