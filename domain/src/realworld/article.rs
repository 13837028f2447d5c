//! Articles: their text, tags, slug and the views readers get of them.

use crate::accounts::{Patch, UserId};
use crate::error::{FieldError, Lines, ValidationErrors, required_text};
use crate::realworld::Profile;
use crate::time::Timestamp;

/// Database identity of an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArticleId(pub i64);

macro_rules! required_text_type {
    ($(#[$doc:meta])* $name:ident, $field:literal, $max:expr, $lines:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            pub const MAX_LEN: usize = $max;

            /// # Errors
            /// Blank, longer than `MAX_LEN` characters, or holding control characters
            /// the field does not allow.
            pub fn parse(raw: Option<&str>) -> Result<Self, FieldError> {
                required_text($field, raw, Self::MAX_LEN, $lines).map(Self)
            }

            /// Wraps text read back from storage, where it was validated on the way in.
            pub fn from_trusted(text: String) -> Self {
                Self(text)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}

required_text_type!(
    /// Headline of an article, 1 to 256 characters on one line.
    Title, "title", 256, Lines::Single
);
required_text_type!(
    /// Short summary shown in lists, 1 to 1024 characters.
    Description, "description", 1024, Lines::Multi
);
required_text_type!(
    /// The article itself (Markdown), at most 100,000 characters.
    Body, "body", 100_000, Lines::Multi
);

/// A label on articles: trimmed, 1 to 64 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(String);

impl Tag {
    pub const MAX_LEN: usize = 64;

    /// # Errors
    /// Blank, too long, or holding a control character.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        required_text("tagList", Some(raw), Self::MAX_LEN, Lines::Single).map(Self)
    }

    pub fn from_trusted(name: String) -> Self {
        Self(name)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The tags of one article, in the order the author gave them, without duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagList(Vec<Tag>);

impl TagList {
    pub const MAX_TAGS: usize = 20;

    /// The entries are counted before any of them is read, so a list of 100,000 tags
    /// (which fits in a 1 MiB body) costs one comparison, not a pass over each tag.
    /// Duplicates count as entries: the limit is on what the client sends.
    ///
    /// # Errors
    /// More than 20 entries, or a blank, too long or otherwise invalid tag.
    pub fn parse<S: AsRef<str>>(raw: &[S]) -> Result<Self, FieldError> {
        if raw.len() > Self::MAX_TAGS {
            return Err(FieldError::new("tagList", format!("has too many tags (maximum is {})", Self::MAX_TAGS)));
        }
        let mut seen = std::collections::HashSet::with_capacity(raw.len());
        let mut tags: Vec<Tag> = Vec::with_capacity(raw.len());
        for item in raw {
            let tag = Tag::parse(item.as_ref())?;
            if seen.insert(tag.clone()) {
                tags.push(tag);
            }
        }
        Ok(Self(tags))
    }

    pub fn from_trusted(tags: Vec<Tag>) -> Self {
        Self(tags)
    }

    pub fn as_slice(&self) -> &[Tag] {
        &self.0
    }

    pub fn iter(&self) -> impl Iterator<Item = &Tag> {
        self.0.iter()
    }
}

/// The URL identifier of an article, derived from its title.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    const MAX_BASE_LEN: usize = 96;
    /// Path segments that routes under `/api/articles/` use themselves: an article
    /// with one of these slugs could never be reached.
    const RESERVED: &[&str] = &["feed", "random"];

    /// Lower-case kebab form of a title: letters and digits kept, every other run of
    /// characters becomes one `-`. Not unique by itself: see [`Slug::with_suffix`].
    pub fn from_title(title: &Title) -> Self {
        let mut slug = String::with_capacity(title.as_str().len());
        for c in title.as_str().chars().flat_map(char::to_lowercase) {
            if c.is_alphanumeric() {
                slug.push(c);
            } else if !slug.ends_with('-') && !slug.is_empty() {
                slug.push('-');
            }
            if slug.chars().count() >= Self::MAX_BASE_LEN {
                break;
            }
        }
        let slug = slug.trim_end_matches('-');
        Self(match slug {
            "" => "article".to_owned(),
            reserved if Self::RESERVED.contains(&reserved) => format!("{reserved}-article"),
            plain => plain.to_owned(),
        })
    }

    /// The same slug with a suffix, used when the plain one is already taken.
    pub fn with_suffix(&self, suffix: &str) -> Self {
        Self(format!("{}-{suffix}", self.0))
    }

    /// Wraps a slug from a URL or from storage; lookups by it simply find nothing if it
    /// is malformed.
    pub fn from_trusted(slug: String) -> Self {
        Self(slug)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A validated request to publish an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewArticle {
    pub title: Title,
    pub description: Description,
    pub body: Body,
    pub tags: TagList,
}

impl NewArticle {
    /// # Errors
    /// Every rule broken, by field.
    pub fn parse(
        title: Option<&str>,
        description: Option<&str>,
        body: Option<&str>,
        tags: Option<&[String]>,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let title = errors.check(Title::parse(title));
        let description = errors.check(Description::parse(description));
        let body = errors.check(Body::parse(body));
        let tags = errors.check(TagList::parse(tags.unwrap_or_default()));
        match (title, description, body, tags) {
            (Some(title), Some(description), Some(body), Some(tags)) if errors.is_empty() => {
                Ok(Self { title, description, body, tags })
            }
            _ => Err(errors),
        }
    }
}

/// Validated changes to an article; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleChanges {
    pub title: Option<Title>,
    pub description: Option<Description>,
    pub body: Option<Body>,
    pub tags: Option<TagList>,
}

impl ArticleChanges {
    /// Fields may be absent, but not null or empty (`tagList: []` removes all tags).
    ///
    /// # Errors
    /// Every rule broken, by field.
    pub fn parse(
        title: Patch<'_>,
        description: Patch<'_>,
        body: Patch<'_>,
        tags: Option<Option<&[String]>>,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let changes = Self {
            title: title.and_then(|raw| errors.check(Title::parse(raw))),
            description: description.and_then(|raw| errors.check(Description::parse(raw))),
            body: body.and_then(|raw| errors.check(Body::parse(raw))),
            tags: tags.and_then(|raw| match raw {
                None => {
                    errors.push(FieldError::new("tagList", "can't be null"));
                    None
                }
                Some(list) => errors.check(TagList::parse(list)),
            }),
        };
        errors.into_result().map(|()| changes)
    }
}

/// An article as a reader sees it. `body` is `None` in lists, which leave it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub id: ArticleId,
    pub author_id: UserId,
    pub slug: Slug,
    pub title: Title,
    pub description: Description,
    pub body: Option<Body>,
    pub tags: TagList,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub favorites_count: u64,
    pub favorited: bool,
    pub author: Profile,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title(text: &str) -> Title {
        Title::parse(Some(text)).expect("valid title")
    }

    #[test]
    fn slug_is_kebab_case_of_the_title() {
        assert_eq!(Slug::from_title(&title("How to Train  your Dragon?!")).as_str(), "how-to-train-your-dragon");
    }

    #[test]
    fn slug_of_punctuation_only_title_is_not_empty() {
        assert_eq!(Slug::from_title(&title("?!")).as_str(), "article");
    }

    #[test]
    fn slugs_never_shadow_routes() {
        assert_eq!(Slug::from_title(&title("Feed")).as_str(), "feed-article");
        assert_eq!(Slug::from_title(&title("Random!")).as_str(), "random-article");
        assert_eq!(Slug::from_title(&title("Feed me")).as_str(), "feed-me");
    }

    #[test]
    fn slug_keeps_non_ascii_letters() {
        assert_eq!(Slug::from_title(&title("Élan vital")).as_str(), "élan-vital");
    }

    #[test]
    fn tag_list_keeps_order_and_drops_duplicates() {
        let tags = TagList::parse(&["b", "a", "b"]).expect("valid");
        let names: Vec<_> = tags.iter().map(Tag::as_str).collect();
        assert_eq!(names, ["b", "a"]);
    }

    #[test]
    fn tag_list_counts_entries_before_looking_at_any_tag() {
        let mut raw = vec!["fine"; TagList::MAX_TAGS + 1];
        raw[0] = "";
        let error = TagList::parse(&raw).expect_err("too many");
        assert!(error.message.contains("too many"), "{}", error.message);
        assert!(TagList::parse(&vec!["same"; TagList::MAX_TAGS + 1]).is_err(), "duplicates count as entries");
        assert_eq!(TagList::parse(&vec!["same"; TagList::MAX_TAGS]).map(|t| t.as_slice().len()), Ok(1));
    }

    #[test]
    fn single_line_fields_refuse_control_characters_and_multi_line_ones_keep_newlines() {
        assert!(Title::parse(Some("a\u{0}b")).is_err());
        assert!(Title::parse(Some("a\nb")).is_err());
        assert!(Tag::parse("a\tb").is_err());
        assert!(Body::parse(Some("a\u{0}b")).is_err());
        assert!(Body::parse(Some("a\u{1b}b")).is_err());
        assert_eq!(Body::parse(Some("a\n\tb\r\n")).map(|b| b.as_str().to_owned()), Ok("a\n\tb".to_owned()));
        assert!(Description::parse(Some("line\nline")).is_ok());
    }

    #[test]
    fn new_article_reports_every_blank_field() {
        let errors = NewArticle::parse(Some(""), None, Some(" "), None).expect_err("invalid");
        assert_eq!(errors.fields().keys().copied().collect::<Vec<_>>(), ["body", "description", "title"]);
    }

    #[test]
    fn update_rejects_null_tag_list_but_accepts_empty_one() {
        assert!(ArticleChanges::parse(None, None, None, Some(None)).is_err());
        let changes = ArticleChanges::parse(None, None, None, Some(Some(&[]))).expect("valid");
        assert_eq!(changes.tags, Some(TagList::default()));
    }
}
