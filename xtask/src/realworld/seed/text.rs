//! Text of the RealWorld example's rows: tag names, titles, bodies, slugs. Pure, so it
//! can be unit-tested.

use rand::Rng;

use crate::seed::data::words;

const TAGS: &[&str] = &[
    "rust",
    "programming",
    "web",
    "databases",
    "performance",
    "devops",
    "testing",
    "design",
    "security",
    "career",
    "postgres",
    "sqlite",
    "redis",
    "async",
    "tutorial",
    "opinion",
    "news",
    "javascript",
    "python",
    "go",
    "cloud",
    "linux",
    "networking",
    "architecture",
    "productivity",
    "open-source",
    "ai",
    "data",
    "mobile",
    "frontend",
];

/// The name of the `i`-th tag: real-looking words first, then numbered ones.
pub fn tag_name(i: usize) -> String {
    match TAGS.get(i) {
        Some(name) => (*name).to_owned(),
        None => format!("topic-{i}"),
    }
}

/// A title of three to eight words, capitalised.
pub fn title(rng: &mut impl Rng) -> String {
    let mut title = words(rng.random_range(3..=8), rng);
    if let Some(first) = title.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    title
}

/// A markdown body of two to six paragraphs (roughly 0.5 to 2 KB, like real posts).
pub fn body(rng: &mut impl Rng) -> String {
    let paragraphs = rng.random_range(2..=6);
    let mut out = String::new();
    for p in 0..paragraphs {
        if p > 0 {
            out.push_str("\n\n");
        }
        let sentences = rng.random_range(2..=5);
        for s in 0..sentences {
            if s > 0 {
                out.push(' ');
            }
            let mut sentence = words(rng.random_range(6..=14), rng);
            if let Some(first) = sentence.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            out.push_str(&sentence);
            out.push('.');
        }
    }
    out
}

/// The slug for a title, made unique by the row's id (the app's own slugs carry a
/// random suffix instead, so the two never collide in practice).
pub fn slug(title: &str, id: i64) -> String {
    let mut slug: String =
        title.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    slug.push_str(&format!("-s{id}"));
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_url_safe_and_carry_the_id() {
        assert_eq!(slug("Async runtime, latency!", 42), "async-runtime--latency--s42");
    }
}
