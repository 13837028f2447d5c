//! The operations a virtual user performs, grouped into scenarios (read, login, write,
//! report), and the weighted mix that picks the next one.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rand::Rng;
use reqwest::{Client, RequestBuilder};
use serde_json::json;

use super::stats::Outcome;

/// One kind of request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Op {
    List,
    Feed,
    Article,
    Tags,
    Profile,
    Login,
    Create,
    Comment,
    Favorite,
    Report,
    /// `GET /health`: the ceiling, never part of a mix.
    Health,
}

const GROUPS: &[(&str, &[Op])] = &[
    ("read", &[Op::List, Op::Feed, Op::Article, Op::Tags, Op::Profile]),
    ("login", &[Op::Login]),
    ("write", &[Op::Create, Op::Comment, Op::Favorite]),
    ("report", &[Op::Report]),
];

impl Op {
    pub fn name(self) -> &'static str {
        match self {
            Op::List => "list",
            Op::Feed => "feed",
            Op::Article => "article",
            Op::Tags => "tags",
            Op::Profile => "profile",
            Op::Login => "login",
            Op::Create => "create",
            Op::Comment => "comment",
            Op::Favorite => "favorite",
            Op::Report => "report",
            Op::Health => "health",
        }
    }

    /// The scenario this operation belongs to.
    pub fn scenario(self) -> &'static str {
        GROUPS.iter().find(|(_, ops)| ops.contains(&self)).map_or("ceiling", |(name, _)| name)
    }

    pub fn by_name(name: &str) -> Option<Op> {
        GROUPS.iter().flat_map(|(_, ops)| ops.iter().copied()).find(|op| op.name() == name)
    }
}

/// Weighted operations; a scenario's weight is split evenly over its operations.
#[derive(Debug, Clone, PartialEq)]
pub struct Mix {
    entries: Vec<(Op, u64)>,
    /// The weights as given, for the report.
    pub given: BTreeMap<String, u32>,
}

impl Mix {
    /// Parses `read=8,write=1,login=1` (scenario or operation names, each `=weight`;
    /// a bare name weighs 1).
    ///
    /// # Errors
    /// Unknown names, zero or unparsable weights, or nothing left to run.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        // 60 is divisible by every group size (1 to 5), so splits stay exact.
        const SPLIT: u64 = 60;
        let mut entries: BTreeMap<Op, u64> = BTreeMap::new();
        let mut given = BTreeMap::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, weight) = part.split_once('=').unwrap_or((part, "1"));
            let weight: u32 = weight
                .trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("--scenario {part}: the weight must be a whole number"))?;
            let name = name.trim();
            let ops: Vec<Op> = match GROUPS.iter().find(|(g, _)| *g == name) {
                Some((_, ops)) => ops.to_vec(),
                None => {
                    vec![Op::by_name(name).ok_or_else(|| anyhow::anyhow!("--scenario: unknown scenario {name:?}"))?]
                }
            };
            let share = u64::from(weight) * SPLIT / ops.len() as u64;
            for op in ops {
                *entries.entry(op).or_default() += share;
            }
            given.insert(name.to_owned(), weight);
        }
        let entries: Vec<(Op, u64)> = entries.into_iter().filter(|(_, w)| *w > 0).collect();
        anyhow::ensure!(!entries.is_empty(), "--scenario: nothing to run (all weights are zero)");
        Ok(Self { entries, given })
    }

    pub fn contains(&self, op: Op) -> bool {
        self.entries.iter().any(|(o, _)| *o == op)
    }

    pub fn needs_users(&self) -> bool {
        self.entries
            .iter()
            .any(|(o, _)| matches!(o, Op::Feed | Op::Login | Op::Create | Op::Comment | Op::Favorite | Op::Report))
    }

    /// Drops `op` (an absent endpoint); false when nothing would be left.
    pub fn remove(&mut self, op: Op) -> bool {
        self.entries.retain(|(o, _)| *o != op);
        self.given.remove(op.name());
        if !self.entries.iter().any(|(o, _)| o.scenario() == op.scenario()) {
            self.given.remove(op.scenario());
        }
        !self.entries.is_empty()
    }

    pub fn pick(&self, rng: &mut impl Rng) -> Op {
        let total: u64 = self.entries.iter().map(|(_, w)| w).sum();
        let mut x = rng.random_range(0..total.max(1));
        for (op, w) in &self.entries {
            if x < *w {
                return *op;
            }
            x -= w;
        }
        self.entries[0].0
    }
}

/// A logged-in account.
#[derive(Debug, Clone)]
pub struct VirtualUser {
    pub email: String,
    pub password: String,
    pub token: String,
}

/// What the operations run against: the server, the accounts, and names that exist.
pub struct Target {
    pub base: String,
    pub client: Client,
    pub mix: Mix,
    pub users: Vec<VirtualUser>,
    pub slugs: Vec<String>,
    pub usernames: Vec<String>,
    pub tags: Vec<String>,
    pub run_id: String,
    counter: AtomicU64,
}

/// The body of a report request (the asynchronous report endpoint).
pub fn report_body() -> serde_json::Value {
    json!({"report": {"kind": "activity", "scope": "own", "from": "2026-01-01", "to": "2026-12-31"}})
}

impl Target {
    pub fn new(base: String, client: Client, mix: Mix, run_id: String) -> Self {
        Self {
            base,
            client,
            mix,
            users: Vec::new(),
            slugs: Vec::new(),
            usernames: Vec::new(),
            tags: Vec::new(),
            run_id,
            counter: AtomicU64::new(0),
        }
    }

    /// A copy without users or names, for setup tasks.
    pub fn clone_for_setup(&self) -> Self {
        Self::new(self.base.clone(), self.client.clone(), self.mix.clone(), self.run_id.clone())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn one(items: &[String], rng: &mut impl Rng) -> Option<String> {
        (!items.is_empty()).then(|| encode(&items[rng.random_range(0..items.len())]))
    }

    /// Builds the next request of `op`, choosing its user and parameters at random.
    /// Synchronous, so no random generator is held across an `.await`.
    pub fn request(&self, op: Op, rng: &mut impl Rng) -> RequestBuilder {
        let c = &self.client;
        let user = (!self.users.is_empty()).then(|| &self.users[rng.random_range(0..self.users.len())]);
        let auth = |r: RequestBuilder| match user {
            Some(u) => r.header("Authorization", format!("Token {}", u.token)),
            None => r,
        };
        let slug = Self::one(&self.slugs, rng).unwrap_or_else(|| "no-articles-seeded".to_owned());
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        match op {
            Op::List => {
                let offset = 20 * rng.random_range(0..5);
                match Self::one(&self.tags, rng).filter(|_| rng.random_bool(0.25)) {
                    Some(tag) => c.get(self.url(&format!("/api/articles?limit=20&offset={offset}&tag={tag}"))),
                    None => c.get(self.url(&format!("/api/articles?limit=20&offset={offset}"))),
                }
            }
            Op::Feed => auth(c.get(self.url("/api/articles/feed?limit=20"))),
            Op::Article => c.get(self.url(&format!("/api/articles/{slug}"))),
            Op::Tags => c.get(self.url("/api/tags")),
            Op::Profile => {
                let name = Self::one(&self.usernames, rng).unwrap_or_else(|| "nobody".to_owned());
                c.get(self.url(&format!("/api/profiles/{name}")))
            }
            Op::Login => {
                let (email, password) = user.map_or(("", ""), |u| (u.email.as_str(), u.password.as_str()));
                c.post(self.url("/api/users/login")).json(&json!({"user": {"email": email, "password": password}}))
            }
            Op::Create => auth(c.post(self.url("/api/articles"))).json(&json!({"article": {
                "title": format!("Load test {} {n}", self.run_id),
                "description": "Written by cargo xtask loadtest",
                "body": "A short body, long enough to look like a post. ".repeat(8),
                "tagList": ["loadtest"],
            }})),
            Op::Comment => auth(c.post(self.url(&format!("/api/articles/{slug}/comments"))))
                .json(&json!({"comment": {"body": format!("Comment {n} from the load test")}})),
            Op::Favorite => auth(c.post(self.url(&format!("/api/articles/{slug}/favorite")))),
            Op::Report => auth(c.post(self.url("/api/reports"))).json(&report_body()),
            Op::Health => c.get(self.url("/health")),
        }
    }
}

/// Percent-encodes everything but unreserved characters, for names in paths and queries.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Sends a request and reads the whole body (a response is done when its last byte is in).
pub async fn send(request: RequestBuilder) -> Outcome {
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            match response.bytes().await {
                Ok(_) => Outcome::Status(status),
                Err(e) => Outcome::Failed(failure_kind(&e)),
            }
        }
        Err(e) => Outcome::Failed(failure_kind(&e)),
    }
}

fn failure_kind(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else {
        "other"
    }
}

/// The shared target, as the drivers hold it.
pub type SharedTarget = Arc<Target>;

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn scenario_weights_are_split_over_their_operations() {
        let mix = Mix::parse("read=8, write=1,login").expect("valid mix");
        let mut rng = StdRng::seed_from_u64(3);
        let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
        for _ in 0..100_000 {
            *counts.entry(mix.pick(&mut rng).scenario()).or_default() += 1;
        }
        // Expected 80% / 10% / 10%.
        assert!((78_000..82_000).contains(&counts["read"]), "{counts:?}");
        assert!((9_000..11_000).contains(&counts["write"]), "{counts:?}");
        assert!((9_000..11_000).contains(&counts["login"]), "{counts:?}");
        assert!(mix.needs_users());
        assert!(!mix.contains(Op::Report));
    }

    #[test]
    fn single_operations_and_bad_input() {
        let mix = Mix::parse("tags=1").expect("an operation alone");
        assert!(!mix.needs_users());
        assert_eq!(mix.pick(&mut StdRng::seed_from_u64(1)), Op::Tags);
        assert!(Mix::parse("bogus=1").is_err());
        assert!(Mix::parse("read=x").is_err());
        assert!(Mix::parse("read=0").is_err());
        assert!(Mix::parse("").is_err());
    }

    #[test]
    fn names_are_percent_encoded() {
        assert_eq!(encode("open-source"), "open-source");
        assert_eq!(encode("a b/é"), "a%20b%2F%C3%A9");
    }

    #[test]
    fn removing_the_only_operation_leaves_nothing() {
        let mut mix = Mix::parse("report=1,tags=1").expect("valid");
        assert!(mix.remove(Op::Report));
        assert!(!mix.remove(Op::Tags));
    }
}
