//! The RealWorld example's cached views as records: profiles, articles, article pages
//! and tags. Changing a record's shape requires bumping [`FORMAT`](crate::cache::FORMAT).

use chrono::DateTime;
use domain::realworld::{Article, ArticleId, Body, Cursor, Description, Profile, Slug, Tag, TagList, Title};
use domain::{Bio, Image, Timestamp, UserId, Username};
use serde::{Deserialize, Serialize};

use crate::cache::Entry;
use crate::realworld::ArticlePage;

#[derive(Serialize, Deserialize)]
struct ProfileRecord {
    username: String,
    bio: Option<String>,
    image: Option<String>,
}

impl ProfileRecord {
    fn from_profile(p: &Profile) -> Self {
        Self {
            username: p.username.as_str().to_owned(),
            bio: p.bio.as_ref().map(|b| b.as_str().to_owned()),
            image: p.image.as_ref().map(|i| i.as_str().to_owned()),
        }
    }

    fn into_profile(self) -> Profile {
        Profile {
            username: Username::from_trusted(self.username),
            bio: self.bio.map(Bio::from_trusted),
            image: self.image.map(Image::from_trusted),
            following: false,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct ArticleRecord {
    id: i64,
    author_id: i64,
    slug: String,
    title: String,
    description: String,
    body: Option<String>,
    tags: Vec<String>,
    created_at: (i64, u32),
    updated_at: (i64, u32),
    favorites_count: u64,
    author: ProfileRecord,
}

fn time_record(t: Timestamp) -> (i64, u32) {
    let at = t.as_datetime();
    (at.timestamp(), at.timestamp_subsec_nanos())
}

fn time_from((secs, nanos): (i64, u32)) -> Option<Timestamp> {
    DateTime::from_timestamp(secs, nanos).map(Timestamp::new)
}

impl ArticleRecord {
    fn from_article(a: &Article) -> Self {
        Self {
            id: a.id.0,
            author_id: a.author_id.0,
            slug: a.slug.as_str().to_owned(),
            title: a.title.as_str().to_owned(),
            description: a.description.as_str().to_owned(),
            body: a.body.as_ref().map(|b| b.as_str().to_owned()),
            tags: a.tags.iter().map(|t| t.as_str().to_owned()).collect(),
            created_at: time_record(a.created_at),
            updated_at: time_record(a.updated_at),
            favorites_count: a.favorites_count,
            author: ProfileRecord::from_profile(&a.author),
        }
    }

    fn into_article(self) -> Option<Article> {
        Some(Article {
            id: ArticleId(self.id),
            author_id: UserId(self.author_id),
            slug: Slug::from_trusted(self.slug),
            title: Title::from_trusted(self.title),
            description: Description::from_trusted(self.description),
            body: self.body.map(Body::from_trusted),
            tags: TagList::from_trusted(self.tags.into_iter().map(Tag::from_trusted).collect()),
            created_at: time_from(self.created_at)?,
            updated_at: time_from(self.updated_at)?,
            favorites_count: self.favorites_count,
            favorited: false,
            author: self.author.into_profile(),
        })
    }
}

fn to_bytes<T: Serialize>(record: &T) -> Vec<u8> {
    // Serializing plain records into a Vec cannot fail (no maps with non-string keys,
    // no I/O); an empty value would only decode as a miss.
    postcard::to_allocvec(record).unwrap_or_default()
}

impl Entry for Article {
    fn encode(&self) -> Vec<u8> {
        to_bytes(&ArticleRecord::from_article(self))
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        postcard::from_bytes::<ArticleRecord>(bytes).ok()?.into_article()
    }
}

#[derive(Serialize, Deserialize)]
struct PageRecord {
    articles: Vec<ArticleRecord>,
    total: u64,
    /// The keyset cursor after this page: `(created_at, id)` of its last article.
    next: Option<((i64, u32), i64)>,
}

impl Entry for ArticlePage {
    fn encode(&self) -> Vec<u8> {
        to_bytes(&PageRecord {
            articles: self.articles.iter().map(ArticleRecord::from_article).collect(),
            total: self.total,
            next: self.next.map(|c| (time_record(c.created_at), c.id.0)),
        })
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        let record = postcard::from_bytes::<PageRecord>(bytes).ok()?;
        let articles = record.articles.into_iter().map(ArticleRecord::into_article).collect::<Option<_>>()?;
        let next = match record.next {
            Some((at, id)) => Some(Cursor { created_at: time_from(at)?, id: ArticleId(id) }),
            None => None,
        };
        Some(ArticlePage { articles, total: record.total, next })
    }
}

impl Entry for Vec<Tag> {
    fn encode(&self) -> Vec<u8> {
        to_bytes(&self.iter().map(Tag::as_str).collect::<Vec<_>>())
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        let names = postcard::from_bytes::<Vec<String>>(bytes).ok()?;
        Some(names.into_iter().map(Tag::from_trusted).collect())
    }
}

impl Entry for (UserId, Profile) {
    fn encode(&self) -> Vec<u8> {
        to_bytes(&(self.0.0, ProfileRecord::from_profile(&self.1)))
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        let (id, record) = postcard::from_bytes::<(i64, ProfileRecord)>(bytes).ok()?;
        Some((UserId(id), record.into_profile()))
    }
}
