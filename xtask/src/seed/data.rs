//! Pure generation of seed rows: skewed (Zipf-like) popularity, unique pairs, words.
//!
//! Everything here is deterministic for a given random generator, and does no IO, so
//! the distributions can be unit-tested.

use std::collections::HashSet;

use rand::Rng;
use rand::seq::SliceRandom;

/// Draws indexes `0..n` with probability proportional to `1 / rank^exponent`, where the
/// ranks are shuffled over the indexes so the popular items are not simply the first ids.
pub struct Zipf {
    cumulative: Vec<f64>,
    index_of_rank: Vec<u32>,
}

impl Zipf {
    /// # Panics
    /// Never for `n` up to `u32::MAX`; `n == 0` gives a sampler that must not be drawn from.
    pub fn new(n: usize, exponent: f64, rng: &mut impl Rng) -> Self {
        let mut total = 0.0;
        let cumulative = (1..=n)
            .map(|rank| {
                #[allow(clippy::cast_precision_loss)]
                let weight = 1.0 / (rank as f64).powf(exponent);
                total += weight;
                total
            })
            .collect();
        let mut index_of_rank: Vec<u32> = (0..u32::try_from(n).unwrap_or(u32::MAX)).collect();
        index_of_rank.shuffle(rng);
        Self { cumulative, index_of_rank }
    }

    /// One index in `0..n`.
    pub fn sample(&self, rng: &mut impl Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.random::<f64>() * total;
        let rank = self.cumulative.partition_point(|&c| c <= x).min(self.cumulative.len().saturating_sub(1));
        self.index_of_rank[rank] as usize
    }
}

/// `count` distinct pairs `(a, b)` with `a` drawn by `pick_a` and `b` by `pick_b`, never
/// `a == b` when `distinct` is set. Popular items saturate (everyone has favorited the
/// top article) and further draws of them are rejected, so this gives up after a bounded
/// number of attempts rather than looping forever on an over-full space.
///
/// # Errors
/// The space cannot hold `count` pairs under these distributions.
pub fn unique_pairs<R: Rng>(
    count: usize,
    rng: &mut R,
    mut pick_a: impl FnMut(&mut R) -> usize,
    mut pick_b: impl FnMut(&mut R) -> usize,
    distinct: bool,
) -> anyhow::Result<Vec<(u32, u32)>> {
    let mut seen = HashSet::with_capacity(count);
    let mut pairs = Vec::with_capacity(count);
    let max_attempts = count.saturating_mul(30).saturating_add(10_000);
    let mut attempts = 0usize;
    while pairs.len() < count {
        attempts += 1;
        if attempts > max_attempts {
            anyhow::bail!(
                "could only draw {} of {count} distinct pairs; ask for fewer, or for more users/articles",
                pairs.len()
            );
        }
        let (a, b) = (pick_a(rng), pick_b(rng));
        if distinct && a == b {
            continue;
        }
        let (a, b) = (u32::try_from(a)?, u32::try_from(b)?);
        if seen.insert((u64::from(a) << 32) | u64::from(b)) {
            pairs.push((a, b));
        }
    }
    Ok(pairs)
}

/// Up to `wanted` distinct indexes from `sampler`, in draw order.
pub fn distinct_sample(sampler: &Zipf, wanted: usize, available: usize, rng: &mut impl Rng) -> Vec<usize> {
    let wanted = wanted.min(available);
    let mut picked = Vec::with_capacity(wanted);
    // Bounded: with few items and a steep skew the last distinct one can be rare.
    for _ in 0..wanted * 20 {
        if picked.len() == wanted {
            break;
        }
        let i = sampler.sample(rng);
        if !picked.contains(&i) {
            picked.push(i);
        }
    }
    picked
}

const WORDS: &[&str] = &[
    "async", "runtime", "latency", "index", "query", "cache", "schema", "request", "token", "thread", "pool", "queue",
    "worker", "budget", "trace", "profile", "server", "client", "socket", "stream", "buffer", "batch", "column",
    "table", "row", "lock", "commit", "rollback", "deploy", "release", "feature", "design", "pattern", "module",
    "crate", "trait", "type", "value", "error", "result", "option", "future", "signal", "timer", "memory", "layout",
    "vector", "string", "parser", "format", "review", "test", "bench", "metric", "window", "journey", "garden",
    "coffee", "morning", "mountain", "river", "winter", "summer", "music", "story",
];

/// `n` random words separated by spaces.
pub fn words(n: usize, rng: &mut impl Rng) -> String {
    let mut out = String::with_capacity(n * 8);
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(WORDS[rng.random_range(0..WORDS.len())]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn zipf_gives_the_top_rank_far_more_draws_than_the_median_one() {
        let mut rng = StdRng::seed_from_u64(7);
        let zipf = Zipf::new(100, 1.0, &mut rng);
        let mut counts = vec![0usize; 100];
        for _ in 0..100_000 {
            counts[zipf.sample(&mut rng)] += 1;
        }
        let top = zipf.index_of_rank[0] as usize;
        let median = zipf.index_of_rank[49] as usize;
        // Expected ratio 50; allow wide sampling noise.
        assert!(counts[top] > counts[median] * 20, "top {} median {}", counts[top], counts[median]);
        assert!(counts.iter().all(|&c| c > 0), "every index is reachable");
    }

    #[test]
    fn unique_pairs_are_distinct_and_never_self_pairs() {
        let mut rng = StdRng::seed_from_u64(1);
        let pairs = unique_pairs(90, &mut rng, |r| r.random_range(0..10), |r| r.random_range(0..10), true)
            .expect("90 of the 90 possible pairs");
        let set: HashSet<_> = pairs.iter().collect();
        assert_eq!(set.len(), 90);
        assert!(pairs.iter().all(|(a, b)| a != b));
    }

    #[test]
    fn unique_pairs_give_up_on_an_impossible_request() {
        let mut rng = StdRng::seed_from_u64(1);
        let result = unique_pairs(10, &mut rng, |r| r.random_range(0..3), |r| r.random_range(0..3), true);
        assert!(result.is_err(), "3 x 3 without self pairs holds only 6");
    }
}
