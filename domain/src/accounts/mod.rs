//! Accounts: users, their credentials' plain-text side and the changes they may make.

use crate::error::{FieldError, Lines, ValidationErrors, check_control_characters, required_text, too_long_as_sent};

/// Database identity of a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UserId(pub i64);

/// A public handle: 1 to 64 letters, digits, `_`, `-` or `.` (safe inside a URL path).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    pub const MAX_LEN: usize = 64;

    /// # Errors
    /// Blank, too long, or containing characters other than letters, digits, `_-.`.
    pub fn parse(raw: Option<&str>) -> Result<Self, FieldError> {
        let name = required_text("username", raw, Self::MAX_LEN, Lines::Single)?;
        if !name.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.')) {
            return Err(FieldError::new("username", "may only contain letters, digits, '_', '-' and '.'"));
        }
        Ok(Self(name))
    }

    /// Wraps a name read back from storage, where it was validated on the way in.
    pub fn from_trusted(name: String) -> Self {
        Self(name)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// An e-mail address, stored lower-case so uniqueness and login ignore case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    /// # Errors
    /// Blank, too long, or not of the form `local@domain`.
    pub fn parse(raw: Option<&str>) -> Result<Self, FieldError> {
        let email = required_text("email", raw, Self::MAX_LEN, Lines::Single)?.to_lowercase();
        let valid = match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.is_empty()
                    && !domain.contains('@')
                    && !email.chars().any(char::is_whitespace)
            }
            None => false,
        };
        if valid { Ok(Self(email)) } else { Err(FieldError::new("email", "is invalid")) }
    }

    pub fn from_trusted(email: String) -> Self {
        Self(email)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A password as typed by the user, checked against NIST 800-63B length rules (at least
/// 8 characters; long passphrases accepted). Never stored: only its hash is.
#[derive(Clone, PartialEq, Eq)]
pub struct PlainPassword(String);

impl PlainPassword {
    pub const MIN_LEN: usize = 8;
    /// Bounds the work a single login can cost the password hasher.
    pub const MAX_LEN: usize = 256;

    /// # Errors
    /// Blank, shorter than 8 or longer than 256 characters.
    pub fn parse(raw: Option<&str>) -> Result<Self, FieldError> {
        let password = raw.unwrap_or_default();
        let len = password.chars().count();
        if password.trim().is_empty() {
            Err(FieldError::blank("password"))
        } else if len < Self::MIN_LEN {
            Err(FieldError::too_short("password", Self::MIN_LEN))
        } else if len > Self::MAX_LEN {
            Err(FieldError::too_long("password", Self::MAX_LEN))
        } else {
            Ok(Self(password.to_owned()))
        }
    }

    /// A password given at login: only presence is checked, so that the length rules of
    /// today never lock out an account created under older rules.
    ///
    /// # Errors
    /// Blank or absurdly long.
    pub fn for_login(raw: Option<&str>) -> Result<Self, FieldError> {
        let password = raw.unwrap_or_default();
        if password.is_empty() {
            Err(FieldError::blank("password"))
        } else if password.chars().count() > Self::MAX_LEN {
            Err(FieldError::too_long("password", Self::MAX_LEN))
        } else {
            Ok(Self(password.to_owned()))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PlainPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PlainPassword(***)")
    }
}

/// Free text about a user; an empty string means "no bio".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Bio(String);

impl Bio {
    pub const MAX_LEN: usize = 2000;

    /// `None` for absent, null or empty input.
    ///
    /// # Errors
    /// Longer than 2000 characters, or control characters other than line breaks and tabs.
    pub fn parse(raw: Option<&str>) -> Result<Option<Self>, FieldError> {
        if too_long_as_sent(raw, Self::MAX_LEN) {
            return Err(FieldError::too_long("bio", Self::MAX_LEN));
        }
        match raw.map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => check_control_characters("bio", text, Lines::Multi).map(|()| Some(Self(text.to_owned()))),
        }
    }

    pub fn from_trusted(text: String) -> Self {
        Self(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Link to an avatar image; only `http(s)` URLs, so a client rendering it cannot be
/// tricked into running a `javascript:` URL. An empty string means "no image".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Image(String);

impl Image {
    pub const MAX_LEN: usize = 2048;

    /// `None` for absent, null or empty input.
    ///
    /// # Errors
    /// Too long, control characters, or not an `http://` / `https://` URL.
    pub fn parse(raw: Option<&str>) -> Result<Option<Self>, FieldError> {
        if too_long_as_sent(raw, Self::MAX_LEN) {
            return Err(FieldError::too_long("image", Self::MAX_LEN));
        }
        match raw.map(str::trim) {
            None | Some("") => Ok(None),
            Some(url) => {
                let lower = url.to_ascii_lowercase();
                let is_http = lower.starts_with("http://") || lower.starts_with("https://");
                check_control_characters("image", url, Lines::Single)?;
                // No whitespace or control character anywhere: Unicode White_Space, C0, DEL,
                // C1 and U+FEFF, exactly what the OpenAPI pattern's `[^\s\u0000-\u001F\u007F-\u009F]`
                // excludes (ECMA `\s` has U+FEFF but not U+0085, Rust's whitespace the reverse).
                let clean = !url.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\u{FEFF}');
                if is_http && clean {
                    Ok(Some(Self(url.to_owned())))
                } else {
                    Err(FieldError::new("image", "must be an http(s) URL"))
                }
            }
        }
    }

    pub fn from_trusted(url: String) -> Self {
        Self(url)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A registered user, as the account owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub username: Username,
    pub email: Email,
    pub bio: Option<Bio>,
    pub image: Option<Image>,
    /// Starts at 0 and goes up by one with each password change. Access tokens carry the
    /// version they were issued under, so a password change retires every older token.
    pub credential_version: i64,
}

/// Validated changes to an account. `None` leaves a field as it is; for the optional
/// fields `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserChanges {
    pub username: Option<Username>,
    pub email: Option<Email>,
    pub password: Option<PlainPassword>,
    pub bio: Option<Option<Bio>>,
    pub image: Option<Option<Image>>,
}

/// A field of an update request: absent (`None`), `null` (`Some(None)`) or a value.
pub type Patch<'a> = Option<Option<&'a str>>;

impl UserChanges {
    /// Parses an update request. Required fields (username, email, password) may be
    /// absent but not null or empty; bio and image may be cleared with null or "".
    ///
    /// # Errors
    /// Every rule broken, by field.
    pub fn parse(
        username: Patch<'_>,
        email: Patch<'_>,
        password: Patch<'_>,
        bio: Patch<'_>,
        image: Patch<'_>,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let changes = Self {
            username: username.and_then(|raw| errors.check(Username::parse(raw))),
            email: email.and_then(|raw| errors.check(Email::parse(raw))),
            password: password.and_then(|raw| errors.check(PlainPassword::parse(raw))),
            bio: bio.and_then(|raw| errors.check(Bio::parse(raw))),
            image: image.and_then(|raw| errors.check(Image::parse(raw))),
        };
        errors.into_result().map(|()| changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::BLANK;

    #[test]
    fn username_must_not_be_blank() {
        assert_eq!(Username::parse(Some("")).map_err(|e| e.message), Err(BLANK.to_owned()));
        assert!(Username::parse(None).is_err());
    }

    #[test]
    fn username_rejects_path_characters() {
        assert!(Username::parse(Some("a/b")).is_err());
        assert!(Username::parse(Some("a b")).is_err());
        assert!(Username::parse(Some("jake_the.dog-1")).is_ok());
    }

    #[test]
    fn email_is_lower_cased_and_needs_an_at_sign() {
        assert_eq!(Email::parse(Some(" Jake@Example.COM ")).map(Email::into_inner), Ok("jake@example.com".to_owned()));
        assert!(Email::parse(Some("jake.example.com")).is_err());
        assert!(Email::parse(Some("@example.com")).is_err());
    }

    #[test]
    fn password_needs_eight_characters_and_accepts_long_passphrases() {
        assert_eq!(
            PlainPassword::parse(Some("short7c")).map_err(|e| e.message),
            Err("is too short (minimum is 8 characters)".to_owned())
        );
        assert!(PlainPassword::parse(Some("bonjour1")).is_ok());
        assert!(PlainPassword::parse(Some(&"a".repeat(64))).is_ok());
        assert!(PlainPassword::parse(Some(&"a".repeat(257))).is_err());
    }

    #[test]
    fn password_is_never_printed() {
        let password = PlainPassword::parse(Some("hunter2hunter2")).expect("valid");
        assert!(!format!("{password:?}").contains("hunter2"));
    }

    #[test]
    fn empty_bio_and_image_mean_none() {
        assert_eq!(Bio::parse(Some("")), Ok(None));
        assert_eq!(Image::parse(Some("  ")), Ok(None));
    }

    #[test]
    fn bio_and_image_limits_count_the_value_as_sent() {
        let padded_bio = format!(" {}", "b".repeat(Bio::MAX_LEN));
        assert_eq!(Bio::parse(Some(&padded_bio)), Err(FieldError::too_long("bio", Bio::MAX_LEN)));
        let padded_image = format!("https://e.com/{} ", "i".repeat(Image::MAX_LEN - 14));
        assert_eq!(Image::parse(Some(&padded_image)), Err(FieldError::too_long("image", Image::MAX_LEN)));
        assert!(Image::parse(Some(padded_image.trim_end())).is_ok_and(|i| i.is_some()));
    }

    #[test]
    fn bio_keeps_line_breaks_but_not_other_control_characters() {
        assert_eq!(Bio::parse(Some("a\nb\tc")).map(|b| b.map(|b| b.as_str().to_owned())), Ok(Some("a\nb\tc".into())));
        assert!(Bio::parse(Some("a\u{0}b")).is_err());
        assert!(Email::parse(Some("a\u{0}b@example.com")).is_err());
        assert!(Image::parse(Some("https://example.com/\u{0}")).is_err());
    }

    #[test]
    fn image_must_be_an_http_url() {
        assert!(Image::parse(Some("javascript:alert(1)")).is_err());
        assert!(Image::parse(Some("https://example.com/a.jpg")).is_ok());
    }

    #[test]
    fn an_image_url_has_no_whitespace_or_control_character_of_any_kind() {
        // U+0085 (NEL) is whitespace to Rust but not to ECMA `\s`, U+FEFF the reverse, U+0080
        // a C1 control: the OpenAPI pattern forbids all three, so the server must too.
        for url in ["HTtP://\u{85}x", "http://a\u{FEFF}b", "http://a\u{80}b", "http://a\u{3000}b"] {
            assert!(Image::parse(Some(url)).is_err(), "{url:?}");
        }
        assert!(Image::parse(Some("HTTP://example.com/\u{e9}t\u{e9}.png")).is_ok(), "other non-ASCII stays allowed");
    }

    #[test]
    fn update_rejects_null_for_required_fields_but_clears_optional_ones() {
        let errors = UserChanges::parse(Some(None), Some(Some("")), Some(None), None, None).expect_err("invalid");
        assert_eq!(errors.fields().keys().copied().collect::<Vec<_>>(), ["email", "password", "username"]);
        let changes = UserChanges::parse(None, None, None, Some(None), Some(Some(""))).expect("valid");
        assert_eq!(changes.bio, Some(None));
        assert_eq!(changes.image, Some(None));
        assert_eq!(changes.username, None);
    }
}
