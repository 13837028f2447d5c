//! Password hashing and access tokens.

mod hasher;
mod jwt;

pub use hasher::Argon2Hasher;
pub use jwt::JwtTokens;
