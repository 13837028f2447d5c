//! The operations a virtual user performs, grouped into scenarios (reads, writes,
//! logins, ...: `cargo xtask loadtest --help` lists them), and the weighted mix that
//! picks the next one.

use std::any::{Any, TypeId};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rand::{Rng, RngCore};
use reqwest::{Client, RequestBuilder};
use serde_json::json;

use super::stats::Outcome;

/// One kind of request: its name on the command line, whether it acts as a logged-in
/// virtual user, and how to build the next request.
pub struct Operation {
    pub name: &'static str,
    pub needs_user: bool,
    pub request: fn(&Call<'_>, &mut dyn RngCore) -> RequestBuilder,
}

/// An operation, compared and ordered by name.
#[derive(Clone, Copy)]
pub struct Op(pub &'static Operation);

impl PartialEq for Op {
    fn eq(&self, other: &Self) -> bool {
        self.0.name == other.0.name
    }
}

impl Eq for Op {}

impl PartialOrd for Op {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Op {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.name.cmp(other.0.name)
    }
}

impl std::hash::Hash for Op {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.name.hash(state);
    }
}

impl std::fmt::Debug for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.name)
    }
}

/// A named group of operations with its weight in the default mix (split evenly over
/// its operations; 0 keeps it out of the default mix).
pub struct Scenario {
    pub name: &'static str,
    pub weight: u32,
    pub ops: &'static [Op],
}

/// The account operations, which every project has.
impl Op {
    /// `POST /api/users/login`: one password hash per request.
    pub const LOGIN: Op = Op(&Operation {
        name: "login",
        needs_user: true,
        request: |call, _| {
            let (email, password) = call.user.map_or(("", ""), |u| (u.email.as_str(), u.password.as_str()));
            call.post("/api/users/login").json(&json!({"user": {"email": email, "password": password}}))
        },
    });
    /// `GET /api/user`: the virtual user's own account.
    pub const USER: Op =
        Op(&Operation { name: "user", needs_user: true, request: |call, _| call.auth(call.get("/api/user")) });
    /// `PUT /api/user`: a new bio for the virtual user.
    pub const BIO: Op = Op(&Operation {
        name: "bio",
        needs_user: true,
        request: |call, _| {
            call.auth(call.put("/api/user"))
                .json(&json!({"user": {"bio": format!("Bio {} of load test {}", call.n, call.target.run_id)}}))
        },
    });
    /// `GET /health`: the ceiling, never part of a mix.
    pub const HEALTH: Op = Op(&Operation { name: "health", needs_user: false, request: |call, _| call.get("/health") });
}

/// The platform's scenarios. A feature's scenario of the same name replaces one of them:
/// with the RealWorld example, `read` and `write` are its pages, and the account's
/// reads and writes remain as `account`.
const PLATFORM: &[Scenario] = &[
    Scenario { name: "read", weight: 8, ops: &[Op::USER] },
    Scenario { name: "write", weight: 1, ops: &[Op::BIO] },
    Scenario { name: "account", weight: 0, ops: &[Op::USER, Op::BIO] },
    // Logging in costs a password hash: a scenario of its own.
    Scenario { name: "login", weight: 1, ops: &[Op::LOGIN] },
];

/// Every scenario: the features' (in `crate::FEATURES` order), then the platform's that
/// no feature replaced.
pub fn scenarios() -> Vec<&'static Scenario> {
    let mut all: Vec<&'static Scenario> = crate::FEATURES.iter().flat_map(|f| f.load.scenarios()).collect();
    for scenario in PLATFORM {
        if !all.iter().any(|s| s.name == scenario.name) {
            all.push(scenario);
        }
    }
    all
}

impl Op {
    pub fn name(self) -> &'static str {
        self.0.name
    }

    /// Whether it needs logged-in virtual users.
    pub fn needs_user(self) -> bool {
        self.0.needs_user
    }

    /// The first scenario this operation belongs to.
    pub fn scenario(self) -> &'static str {
        scenarios().into_iter().find(|s| s.ops.contains(&self)).map_or("ceiling", |s| s.name)
    }

    pub fn by_name(name: &str) -> Option<Op> {
        scenarios().into_iter().flat_map(|s| s.ops.iter().copied()).find(|op| op.name() == name)
    }
}

/// The `--scenario` help: the scenarios with their operations, and the default mix.
pub fn help() -> String {
    let scenarios: Vec<String> = scenarios()
        .iter()
        .map(|s| match s.ops {
            [op] if op.name() == s.name => s.name.to_owned(),
            ops => format!("{} ({})", s.name, ops.iter().map(|op| op.name()).collect::<Vec<_>>().join(", ")),
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
    let parts: Vec<String> =
        scenarios().iter().filter(|s| s.weight > 0).map(|s| format!("{}={}", s.name, s.weight)).collect();
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
            let ops: Vec<Op> = match scenarios().into_iter().find(|s| s.name == name) {
                Some(scenario) => scenario.ops.to_vec(),
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
    let all = scenarios();
    let names: Vec<&str> = all.iter().map(|s| s.name).collect();
    let mut ops: Vec<&str> = all.iter().flat_map(|s| s.ops.iter().map(|op| op.name())).collect();
    ops.sort_unstable();
    ops.dedup();
    anyhow::anyhow!(
        "--scenario: unknown scenario {name:?} (scenarios: {}; operations: {})",
        names.join(", "),
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

/// What the operations run against: the server, the accounts, and what each feature's
/// setup collected for its operations to pick from ([`Target::state`]).
pub struct Target {
    pub base: String,
    pub client: Client,
    pub mix: Mix,
    pub users: Vec<VirtualUser>,
    /// Marks what this run writes, so runs never collide.
    pub run_id: String,
    counter: AtomicU64,
    states: HashMap<TypeId, Box<dyn Any + Send + Sync>>,
}

impl Target {
    pub fn new(base: String, client: Client, mix: Mix, run_id: String) -> Self {
        Self { base, client, mix, users: Vec::new(), run_id, counter: AtomicU64::new(0), states: HashMap::new() }
    }

    /// A copy without users or feature states, for setup tasks.
    pub fn clone_for_setup(&self) -> Self {
        Self::new(self.base.clone(), self.client.clone(), self.mix.clone(), self.run_id.clone())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// What a feature's setup stored for its operations (names that exist, ...).
    pub fn state<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.states.get(&TypeId::of::<T>()).and_then(|state| state.downcast_ref())
    }

    /// Stores (or replaces) a feature's state.
    pub fn set_state<T: Any + Send + Sync>(&mut self, state: T) {
        self.states.insert(TypeId::of::<T>(), Box::new(state));
    }

    /// Builds the next request of `op`, choosing its user and parameters at random.
    /// Synchronous, so no random generator is held across an `.await`.
    pub fn request(&self, op: Op, rng: &mut impl Rng) -> RequestBuilder {
        let user = (!self.users.is_empty()).then(|| &self.users[rng.random_range(0..self.users.len())]);
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        (op.0.request)(&Call { target: self, user, n }, rng)
    }
}

/// One request being built: the target, the virtual user it acts as (if any), and a
/// number unique within the run for what it writes.
pub struct Call<'a> {
    pub target: &'a Target,
    pub user: Option<&'a VirtualUser>,
    pub n: u64,
}

impl Call<'_> {
    pub fn get(&self, path: &str) -> RequestBuilder {
        self.target.client.get(self.target.url(path))
    }

    pub fn post(&self, path: &str) -> RequestBuilder {
        self.target.client.post(self.target.url(path))
    }

    pub fn put(&self, path: &str) -> RequestBuilder {
        self.target.client.put(self.target.url(path))
    }

    /// Sends the request as the virtual user, when there is one.
    pub fn auth(&self, request: RequestBuilder) -> RequestBuilder {
        match self.user {
            Some(u) => request.header("Authorization", format!("Token {}", u.token)),
            None => request,
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
    fn every_operation_has_a_scenario_and_a_name_that_parses_back() {
        let ops: Vec<Op> = scenarios().iter().flat_map(|s| s.ops.iter().copied()).collect();
        for op in &ops {
            assert_eq!(Op::by_name(op.name()), Some(*op));
            assert_ne!(op.scenario(), "ceiling");
        }
        let names: Vec<&str> = scenarios().iter().map(|s| s.name).collect();
        for name in &names {
            assert_eq!(names.iter().filter(|n| *n == name).count(), 1, "one scenario is named {name}");
        }
        for op in [Op::LOGIN, Op::USER, Op::BIO] {
            assert!(ops.contains(&op) && op.needs_user(), "{op:?}");
        }
        assert_eq!(Op::by_name(Op::HEALTH.name()), None, "the ceiling is never part of a mix");
    }

    #[test]
    fn single_operations_and_bad_input() {
        let mix = Mix::parse("bio=1").expect("an operation alone");
        assert!(mix.needs_users());
        assert_eq!(mix.pick(&mut StdRng::seed_from_u64(1)), Op::BIO);
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
        let get = target.request(Op::USER, &mut rng).build().expect("a request");
        assert_eq!((get.method().as_str(), get.url().path()), ("GET", "/api/user"));
        assert_eq!(get.headers()["authorization"], "Token tok");

        let put = target.request(Op::BIO, &mut rng).build().expect("a request");
        assert_eq!((put.method().as_str(), put.url().path()), ("PUT", "/api/user"));
        assert_eq!(put.headers()["authorization"], "Token tok");
        let body: serde_json::Value =
            serde_json::from_slice(put.body().and_then(|b| b.as_bytes()).expect("a body")).expect("JSON");
        assert!(body["user"]["bio"].as_str().is_some_and(|bio| bio.contains("r1")), "{body}");

        let login = target.request(Op::LOGIN, &mut rng).build().expect("a request");
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
        assert!(mix.remove(Op::USER));
        assert!(!mix.given.contains_key("user"));
        assert!(!mix.remove(Op::BIO));
    }
}
