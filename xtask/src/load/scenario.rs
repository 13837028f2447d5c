//! The operations a virtual user performs, grouped into scenarios (reads, writes,
//! logins, ...: `cargo xtask loadtest --help` lists them), and the weighted mix that
//! picks the next one.

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
    //{% if realworld %} The RealWorld example's operations (see load/realworld.rs).
    List,
    Feed,
    Article,
    Tags,
    Profile,
    Create,
    Comment,
    Favorite,
    Report,
    //{% endif %} The account operations, which every project has.
    /// `POST /api/users/login`: one password hash per request.
    Login,
    /// `GET /api/user`: the virtual user's own account.
    User,
    /// `PUT /api/user`: a new bio for the virtual user.
    Bio,
    /// `GET /health`: the ceiling, never part of a mix.
    Health,
}

/// The scenarios: name, weight in the default mix, and operations (a scenario's weight
/// is split evenly over them).
const SCENARIOS: &[(&str, u32, &[Op])] = &[
    //{% if realworld %} The example's reads, writes and report jobs; the account operations apart.
    ("read", 8, &[Op::List, Op::Feed, Op::Article, Op::Tags, Op::Profile]),
    ("write", 1, &[Op::Create, Op::Comment, Op::Favorite]),
    ("report", 1, &[Op::Report]),
    ("account", 0, &[Op::User, Op::Bio]),
    //{% else %} Reading and updating one's own account are the reads and writes.{{ nl }}    ("read", 8, &[Op::User]),{{ nl }}    ("write", 1, &[Op::Bio]),
    //{% endif %} Logging in costs a password hash: a scenario of its own.
    ("login", 1, &[Op::Login]),
];

impl Op {
    /// Its name on the command line, and whether it acts as a logged-in virtual user.
    fn describe(self) -> (&'static str, bool) {
        match self {
            //{% if realworld %} The example's public pages need no account.
            Op::List => ("list", false),
            Op::Feed => ("feed", true),
            Op::Article => ("article", false),
            Op::Tags => ("tags", false),
            Op::Profile => ("profile", false),
            Op::Create => ("create", true),
            Op::Comment => ("comment", true),
            Op::Favorite => ("favorite", true),
            Op::Report => ("report", true),
            //{% endif %} The account operations act as the virtual user.
            Op::Login => ("login", true),
            Op::User => ("user", true),
            Op::Bio => ("bio", true),
            Op::Health => ("health", false),
        }
    }

    pub fn name(self) -> &'static str {
        self.describe().0
    }

    /// Whether it needs logged-in virtual users.
    pub fn needs_user(self) -> bool {
        self.describe().1
    }

    /// The scenario this operation belongs to.
    pub fn scenario(self) -> &'static str {
        SCENARIOS.iter().find(|(_, _, ops)| ops.contains(&self)).map_or("ceiling", |(name, _, _)| name)
    }

    pub fn by_name(name: &str) -> Option<Op> {
        SCENARIOS.iter().flat_map(|(_, _, ops)| ops.iter().copied()).find(|op| op.name() == name)
    }
}

/// The `--scenario` help: the scenarios with their operations, and the default mix.
pub fn help() -> String {
    let scenarios: Vec<String> = SCENARIOS
        .iter()
        .map(|(name, _, ops)| match ops {
            [op] if op.name() == *name => (*name).to_owned(),
            _ => format!("{name} ({})", ops.iter().map(|op| op.name()).collect::<Vec<_>>().join(", ")),
        })
        .collect();
    format!(
        "Weighted mix of scenarios or single operations, `name=weight,...` (a bare name weighs 1). \
         Scenarios (operations): {}. Default: {}",
        scenarios.join("; "),
        default_text()
    )
}

/// The default mix as `--scenario` text: every scenario with a default weight.
fn default_text() -> String {
    let parts: Vec<String> = SCENARIOS
        .iter()
        .filter(|(_, weight, _)| *weight > 0)
        .map(|(name, weight, _)| format!("{name}={weight}"))
        .collect();
    parts.join(",")
}

/// Weighted operations; a scenario's weight is split evenly over its operations.
#[derive(Debug, Clone, PartialEq)]
pub struct Mix {
    entries: Vec<(Op, u64)>,
    /// The weights as given, for the report.
    pub given: BTreeMap<String, u32>,
}

impl Mix {
    /// The mix when `--scenario` is not given.
    ///
    /// # Errors
    /// None in practice: the default names only known scenarios, some with weights.
    pub fn default_mix() -> anyhow::Result<Self> {
        Self::parse(&default_text())
    }

    /// Parses `read=8,write=1,login=1` (scenario or operation names, each `=weight`;
    /// a bare name weighs 1).
    ///
    /// # Errors
    /// Unknown names, zero or unparsable weights, or nothing left to run.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        // 60 is divisible by every scenario size (1 to 5), so splits stay exact.
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
            let ops: Vec<Op> = match SCENARIOS.iter().find(|(s, _, _)| *s == name) {
                Some((_, _, ops)) => ops.to_vec(),
                None => vec![Op::by_name(name).ok_or_else(|| unknown(name))?],
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
        self.entries.iter().any(|(o, _)| o.needs_user())
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

/// The error for a name that is neither a scenario nor an operation, listing the names.
fn unknown(name: &str) -> anyhow::Error {
    let scenarios: Vec<&str> = SCENARIOS.iter().map(|(s, _, _)| *s).collect();
    let ops: Vec<&str> = SCENARIOS.iter().flat_map(|(_, _, ops)| ops.iter().map(|op| op.name())).collect();
    anyhow::anyhow!(
        "--scenario: unknown scenario {name:?} (scenarios: {}; operations: {})",
        scenarios.join(", "),
        ops.join(", ")
    )
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
    //{% if realworld %} Articles, authors and tags for the example's operations to pick from.
    pub names: super::realworld::Names,
    //{% endif %} Marks what this run writes, so runs never collide.
    pub run_id: String,
    counter: AtomicU64,
}

impl Target {
    pub fn new(base: String, client: Client, mix: Mix, run_id: String) -> Self {
        Self {
            base,
            client,
            mix,
            users: Vec::new(),
            //{% if realworld %} Filled by the example's setup.
            names: super::realworld::Names::default(),
            //{% endif %} The run's tag and a request counter number what the requests write.
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

    /// Builds the next request of `op`, choosing its user and parameters at random.
    /// Synchronous, so no random generator is held across an `.await`.
    pub fn request(&self, op: Op, rng: &mut impl Rng) -> RequestBuilder {
        let c = &self.client;
        let user = (!self.users.is_empty()).then(|| &self.users[rng.random_range(0..self.users.len())]);
        let auth = |r: RequestBuilder| match user {
            Some(u) => r.header("Authorization", format!("Token {}", u.token)),
            None => r,
        };
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        match op {
            //{% if realworld %} The example's operations.
            Op::List => {
                let offset = 20 * rng.random_range(0..5);
                match self.names.tag(rng).filter(|_| rng.random_bool(0.25)) {
                    Some(tag) => c.get(self.url(&format!("/api/articles?limit=20&offset={offset}&tag={tag}"))),
                    None => c.get(self.url(&format!("/api/articles?limit=20&offset={offset}"))),
                }
            }
            Op::Feed => auth(c.get(self.url("/api/articles/feed?limit=20"))),
            Op::Article => c.get(self.url(&format!("/api/articles/{}", self.names.slug(rng)))),
            Op::Tags => c.get(self.url("/api/tags")),
            Op::Profile => c.get(self.url(&format!("/api/profiles/{}", self.names.username(rng)))),
            Op::Create => auth(c.post(self.url("/api/articles"))).json(&json!({"article": {
                "title": format!("Load test {} {n}", self.run_id),
                "description": "Written by cargo xtask loadtest",
                "body": "A short body, long enough to look like a post. ".repeat(8),
                "tagList": ["loadtest"],
            }})),
            Op::Comment => auth(c.post(self.url(&format!("/api/articles/{}/comments", self.names.slug(rng)))))
                .json(&json!({"comment": {"body": format!("Comment {n} from the load test")}})),
            Op::Favorite => auth(c.post(self.url(&format!("/api/articles/{}/favorite", self.names.slug(rng))))),
            Op::Report => auth(c.post(self.url("/api/reports"))).json(&super::realworld::report_body()),
            //{% endif %} The account operations.
            Op::Login => {
                let (email, password) = user.map_or(("", ""), |u| (u.email.as_str(), u.password.as_str()));
                c.post(self.url("/api/users/login")).json(&json!({"user": {"email": email, "password": password}}))
            }
            Op::User => auth(c.get(self.url("/api/user"))),
            Op::Bio => auth(c.put(self.url("/api/user")))
                .json(&json!({"user": {"bio": format!("Bio {n} of load test {}", self.run_id)}})),
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

    fn target(mix: &str) -> Target {
        let mut target = Target::new(
            "http://127.0.0.1:9".to_owned(),
            Client::new(),
            Mix::parse(mix).expect("valid mix"),
            "r1".to_owned(),
        );
        target.users =
            vec![VirtualUser { email: "a@b.c".to_owned(), password: "pw".to_owned(), token: "tok".to_owned() }];
        target
    }

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
    }

    #[test]
    fn the_default_mix_reads_writes_and_logs_in() {
        let mix = Mix::default_mix().expect("the default parses");
        for scenario in ["read", "write", "login"] {
            assert!(mix.given.contains_key(scenario), "{scenario} missing from {:?}", mix.given);
        }
        assert_eq!(mix.given["read"], 8);
        assert!(help().contains(&format!("Default: {}", default_text())), "{}", help());
    }

    #[test]
    fn every_operation_has_one_scenario_and_a_name_that_parses_back() {
        let ops: Vec<Op> = SCENARIOS.iter().flat_map(|(_, _, ops)| ops.iter().copied()).collect();
        for op in &ops {
            assert_eq!(ops.iter().filter(|o| *o == op).count(), 1, "{op:?} is in one scenario");
            assert_eq!(Op::by_name(op.name()), Some(*op));
            assert_ne!(op.scenario(), "ceiling");
        }
        for op in [Op::Login, Op::User, Op::Bio] {
            assert!(ops.contains(&op) && op.needs_user(), "{op:?}");
        }
        assert_eq!(Op::by_name("health"), None, "the ceiling is never part of a mix");
    }

    #[test]
    fn single_operations_and_bad_input() {
        let mix = Mix::parse("bio=1").expect("an operation alone");
        assert!(mix.needs_users());
        assert_eq!(mix.pick(&mut StdRng::seed_from_u64(1)), Op::Bio);
        let unknown = Mix::parse("bogus=1").expect_err("an unknown name");
        assert!(unknown.to_string().contains("user") && unknown.to_string().contains("login"), "{unknown}");
        assert!(Mix::parse("read=x").is_err());
        assert!(Mix::parse("read=0").is_err());
        assert!(Mix::parse("").is_err());
    }

    #[test]
    fn account_operations_act_as_the_virtual_user() {
        let target = target("user=1");
        let mut rng = StdRng::seed_from_u64(1);
        let get = target.request(Op::User, &mut rng).build().expect("a request");
        assert_eq!((get.method().as_str(), get.url().path()), ("GET", "/api/user"));
        assert_eq!(get.headers()["authorization"], "Token tok");

        let put = target.request(Op::Bio, &mut rng).build().expect("a request");
        assert_eq!((put.method().as_str(), put.url().path()), ("PUT", "/api/user"));
        assert_eq!(put.headers()["authorization"], "Token tok");
        let body: serde_json::Value =
            serde_json::from_slice(put.body().and_then(|b| b.as_bytes()).expect("a body")).expect("JSON");
        assert!(body["user"]["bio"].as_str().is_some_and(|bio| bio.contains("r1")), "{body}");

        let login = target.request(Op::Login, &mut rng).build().expect("a request");
        assert_eq!((login.method().as_str(), login.url().path()), ("POST", "/api/users/login"));
        let body: serde_json::Value =
            serde_json::from_slice(login.body().and_then(|b| b.as_bytes()).expect("a body")).expect("JSON");
        assert_eq!(body["user"]["email"], "a@b.c");
    }

    #[test]
    fn names_are_percent_encoded() {
        assert_eq!(encode("open-source"), "open-source");
        assert_eq!(encode("a b/é"), "a%20b%2F%C3%A9");
    }

    #[test]
    fn removing_the_only_operation_leaves_nothing() {
        let mut mix = Mix::parse("user=1,bio=1").expect("valid");
        assert!(mix.remove(Op::User));
        assert!(!mix.given.contains_key("user"));
        assert!(!mix.remove(Op::Bio));
    }
}
