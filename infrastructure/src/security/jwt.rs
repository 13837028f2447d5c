//! HS256 access tokens with an expiry.

use application::ports::{TokenError, TokenService};
use domain::UserId;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::identity::SERVICE_NAME;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    /// The user id, as a string per RFC 7519.
    sub: String,
    iat: i64,
    exp: i64,
    iss: String,
}

/// Signs and checks JWTs with a shared secret.
pub struct JwtTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl_secs: i64,
}

impl JwtTokens {
    pub fn new(secret: &str, ttl_secs: u64) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[SERVICE_NAME]);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        // Tokens are checked against the exact expiry: no grace period.
        validation.leeway = 0;
        Self {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            validation,
            ttl_secs: i64::try_from(ttl_secs).unwrap_or(i64::MAX / 2),
        }
    }

    fn issue_at(&self, user: UserId, now: i64) -> anyhow::Result<String> {
        let claims = Claims {
            sub: user.0.to_string(),
            iat: now,
            exp: now.saturating_add(self.ttl_secs),
            iss: SERVICE_NAME.to_owned(),
        };
        Ok(jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?)
    }
}

impl TokenService for JwtTokens {
    fn issue(&self, user: UserId) -> anyhow::Result<String> {
        self.issue_at(user, chrono::Utc::now().timestamp())
    }

    fn verify(&self, token: &str) -> Result<UserId, TokenError> {
        let data =
            jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })?;
        data.claims.sub.parse().map(UserId).map_err(|_| TokenError::Invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "a-test-secret-that-is-long-enough-000";

    #[test]
    fn a_token_names_its_user() {
        let tokens = JwtTokens::new(SECRET, 60);
        let token = tokens.issue(UserId(42)).expect("signed");
        assert_eq!(tokens.verify(&token), Ok(UserId(42)));
    }

    #[test]
    fn an_expired_token_is_reported_as_expired() {
        let tokens = JwtTokens::new(SECRET, 60);
        let token = tokens.issue_at(UserId(1), chrono::Utc::now().timestamp() - 3600).expect("signed");
        assert_eq!(tokens.verify(&token), Err(TokenError::Expired));
    }

    #[test]
    fn a_token_signed_with_another_secret_is_invalid() {
        let other = JwtTokens::new("another-secret-that-is-long-enough-111", 60);
        let token = other.issue(UserId(1)).expect("signed");
        assert_eq!(JwtTokens::new(SECRET, 60).verify(&token), Err(TokenError::Invalid));
        assert_eq!(JwtTokens::new(SECRET, 60).verify("not.a.jwt"), Err(TokenError::Invalid));
    }
}
