//! HS256 access tokens with an expiry and the account's credential version.

use application::ports::{TokenClaims, TokenError, TokenService};
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
    /// The account's credential version at issue. Tokens of older releases lack it and
    /// read as 0, the version every account had before password changes counted.
    #[serde(default)]
    ver: i64,
    /// The token's random id (128 bits, hex): the session a password change keeps
    /// signed in. Tokens of older releases lack it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    jti: Option<String>,
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

    fn issue_at(&self, claims: TokenClaims, now: i64) -> anyhow::Result<String> {
        let claims = Claims {
            sub: claims.user.0.to_string(),
            iat: now,
            exp: now.saturating_add(self.ttl_secs),
            iss: SERVICE_NAME.to_owned(),
            ver: claims.credential_version,
            jti: Some(format!("{:032x}", rand::random::<u128>())),
        };
        Ok(jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?)
    }
}

impl TokenService for JwtTokens {
    fn issue(&self, claims: TokenClaims) -> anyhow::Result<String> {
        self.issue_at(claims, chrono::Utc::now().timestamp())
    }

    fn verify(&self, token: &str) -> Result<TokenClaims, TokenError> {
        let data =
            jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })?;
        let user = data.claims.sub.parse().map(UserId).map_err(|_| TokenError::Invalid)?;
        Ok(TokenClaims { user, credential_version: data.claims.ver, token_id: data.claims.jti })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "a-test-secret-that-is-long-enough-000";

    fn claims(user: i64, credential_version: i64) -> TokenClaims {
        TokenClaims { user: UserId(user), credential_version, token_id: None }
    }

    #[test]
    fn a_token_names_its_user_and_credential_version_and_has_a_random_id() {
        let tokens = JwtTokens::new(SECRET, 60);
        let token = tokens.issue(claims(42, 3)).expect("signed");
        let verified = tokens.verify(&token).expect("valid");
        let id = verified.token_id.clone().expect("an id");
        assert_eq!(id.len(), 32, "128 bits in hex");
        assert_eq!(verified, TokenClaims { token_id: Some(id.clone()), ..claims(42, 3) });
        let again = tokens.verify(&tokens.issue(claims(42, 3)).expect("signed")).expect("valid");
        assert_ne!(again.token_id, Some(id), "each token has its own id");
    }

    #[test]
    fn the_version_travels_as_the_ver_claim() {
        let tokens = JwtTokens::new(SECRET, 60);
        let token = tokens.issue(claims(7, 5)).expect("signed");
        let decoded =
            jsonwebtoken::decode::<serde_json::Value>(&token, &tokens.decoding, &tokens.validation).expect("decodes");
        assert_eq!(decoded.claims["ver"], 5);
        assert_eq!(decoded.claims["sub"], "7");
    }

    #[test]
    fn a_token_without_a_version_claim_reads_as_version_0() {
        // What the release before credential versions signed.
        #[derive(Serialize)]
        struct OldClaims {
            sub: String,
            iat: i64,
            exp: i64,
            iss: String,
        }
        let now = chrono::Utc::now().timestamp();
        let old = OldClaims { sub: "9".into(), iat: now, exp: now + 60, iss: SERVICE_NAME.into() };
        let token =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &old, &EncodingKey::from_secret(SECRET.as_bytes()))
                .expect("signed");
        assert_eq!(JwtTokens::new(SECRET, 60).verify(&token), Ok(claims(9, 0)));
    }

    #[test]
    fn an_expired_token_is_reported_as_expired() {
        let tokens = JwtTokens::new(SECRET, 60);
        let token = tokens.issue_at(claims(1, 0), chrono::Utc::now().timestamp() - 3600).expect("signed");
        assert_eq!(tokens.verify(&token), Err(TokenError::Expired));
    }

    #[test]
    fn a_token_signed_with_another_secret_is_invalid() {
        let other = JwtTokens::new("another-secret-that-is-long-enough-111", 60);
        let token = other.issue(claims(1, 0)).expect("signed");
        assert_eq!(JwtTokens::new(SECRET, 60).verify(&token), Err(TokenError::Invalid));
        assert_eq!(JwtTokens::new(SECRET, 60).verify("not.a.jwt"), Err(TokenError::Invalid));
    }
}
