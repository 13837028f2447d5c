//! What cached views look like on the wire: plain serde records, encoded with postcard
//! (compact, no field names). Per-viewer flags are not part of any record: a shared
//! entry is the view as an anonymous reader sees it.
//!
//! Changing a record's shape changes what old entries decode to: bump
//! [`FORMAT`] so that entries written by an older build are simply never read.

/// Part of every key, so entries written by a build with other record shapes are ignored.
pub const FORMAT: u32 = 1;

/// A value that can be stored in the cache: a view of a project's own data, encoded
/// as a plain serde record (see the RealWorld example's `views.rs`).
pub trait Entry: Clone + Send + Sync + 'static {
    fn encode(&self) -> Vec<u8>;
    /// `None` for bytes that are not a valid record (treated as a miss).
    fn decode(bytes: &[u8]) -> Option<Self>;
}
