//! Tokens the app would not hand out, signed with its own secret: expired, of an
//! unknown user, of an older release. A test of a token check then fails only on the
//! check, never on the signature.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{Map, Value, json};

use super::Client;

impl Client {
    /// `token`'s claims, edited by `edit` and signed again with the app's secret.
    pub fn resign(&self, token: &str, edit: impl FnOnce(&mut Map<String, Value>)) -> String {
        let key = DecodingKey::from_secret(self.jwt_secret.as_bytes());
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_aud = false;
        let mut claims = jsonwebtoken::decode::<Value>(token, &key, &validation).expect("our own token").claims;
        edit(claims.as_object_mut().expect("an object"));
        let key = EncodingKey::from_secret(self.jwt_secret.as_bytes());
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key).expect("signed")
    }

    /// `token`, expired an hour ago.
    pub fn expired(&self, token: &str) -> String {
        self.resign(token, |claims| {
            let exp = claims["exp"].as_i64().expect("exp");
            claims.insert("exp".to_owned(), json!(exp.min(chrono::Utc::now().timestamp()) - 3600));
        })
    }

    /// `token`, for a user id no account has.
    pub fn of_unknown_user(&self, token: &str) -> String {
        self.resign(token, |claims| {
            claims.insert("sub".to_owned(), json!("999999"));
        })
    }

    /// `token` without the `ver` and `jti` claims, as the release before credential
    /// versions signed them.
    pub fn without_version(&self, token: &str) -> String {
        self.resign(token, |claims| {
            assert!(claims.remove("ver").is_some(), "tokens carry `ver`");
            assert!(claims.remove("jti").is_some(), "tokens carry `jti`");
        })
    }
}
