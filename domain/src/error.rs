//! Validation errors in the shape clients see: a message list per field.

use std::collections::BTreeMap;
use std::fmt;

/// Message for a required value that is missing or empty.
pub const BLANK: &str = "can't be blank";
/// Message for a value that another record already uses.
pub const TAKEN: &str = "has already been taken";
/// Message for text holding a control character its field does not allow.
pub const CONTROL_CHARACTERS: &str = "must not contain control characters";

/// One rule broken by one field, e.g. `("username", "can't be blank")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self { field, message: message.into() }
    }

    pub fn blank(field: &'static str) -> Self {
        Self::new(field, BLANK)
    }

    pub fn too_short(field: &'static str, min: usize) -> Self {
        Self::new(field, format!("is too short (minimum is {min} characters)"))
    }

    pub fn too_long(field: &'static str, max: usize) -> Self {
        Self::new(field, format!("is too long (maximum is {max} characters)"))
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.field, self.message)
    }
}

/// Every rule an input broke, grouped by field, so a client can fix all of them at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
#[error("validation failed: {fields:?}")]
pub struct ValidationErrors {
    fields: BTreeMap<&'static str, Vec<String>>,
}

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, error: FieldError) {
        self.fields.entry(error.field).or_default().push(error.message);
    }

    /// Keeps the value of a successful parse, records the error of a failed one.
    pub fn check<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.push(error);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    pub fn fields(&self) -> &BTreeMap<&'static str, Vec<String>> {
        &self.fields
    }

    /// `Ok(())` when nothing was recorded.
    ///
    /// # Errors
    /// Returns `self` when at least one field error was recorded.
    pub fn into_result(self) -> Result<(), Self> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl From<FieldError> for ValidationErrors {
    fn from(error: FieldError) -> Self {
        let mut errors = Self::new();
        errors.push(error);
        errors
    }
}

/// Which control characters a text field may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// None at all: names, titles, tags, e-mail addresses, URLs.
    Single,
    /// Newline, carriage return and tab (bodies, bios, descriptions); no other.
    Multi,
}

/// Refuses the C0 control characters (U+0000 to U+001F) and DEL (U+007F), except the
/// line breaks and tabs of a [`Lines::Multi`] field. PostgreSQL cannot store U+0000 in
/// text at all, and the others have no business in stored text: checking here keeps
/// every database and every client seeing the same rule.
///
/// # Errors
/// [`CONTROL_CHARACTERS`] for the field.
pub fn check_control_characters(field: &'static str, text: &str, lines: Lines) -> Result<(), FieldError> {
    if has_control_characters(text, lines) { Err(FieldError::new(field, CONTROL_CHARACTERS)) } else { Ok(()) }
}

/// Whether `text` holds a control character that `lines` does not allow (see
/// [`check_control_characters`]); for callers whose field name is not static.
pub fn has_control_characters(text: &str, lines: Lines) -> bool {
    let allowed = |c: char| lines == Lines::Multi && matches!(c, '\n' | '\r' | '\t');
    text.chars().any(|c| c.is_ascii_control() && !allowed(c))
}

/// Whether `raw` is longer than `max` characters as it was sent: the OpenAPI document's
/// `maxLength` counts the whole value, surrounding whitespace included, so the check comes
/// before any trimming (a padded value the document forbids must not be accepted).
pub(crate) fn too_long_as_sent(raw: Option<&str>, max: usize) -> bool {
    raw.is_some_and(|raw| raw.chars().count() > max)
}

/// Checks `raw` is at most `max` characters long as sent ([`too_long_as_sent`]), then trims
/// it and checks it is present, non-empty and free of control characters (see
/// [`check_control_characters`]).
pub(crate) fn required_text(
    field: &'static str,
    raw: Option<&str>,
    max: usize,
    lines: Lines,
) -> Result<String, FieldError> {
    if too_long_as_sent(raw, max) {
        return Err(FieldError::too_long(field, max));
    }
    let text = raw.map(str::trim).unwrap_or_default();
    if text.is_empty() {
        return Err(FieldError::blank(field));
    }
    check_control_characters(field, text, lines)?;
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_grouped_by_field() {
        let mut errors = ValidationErrors::new();
        errors.push(FieldError::blank("email"));
        errors.push(FieldError::too_short("email", 3));
        errors.push(FieldError::blank("username"));
        assert_eq!(errors.fields()["email"].len(), 2);
        assert_eq!(errors.fields()["username"], vec![BLANK.to_owned()]);
        assert!(errors.into_result().is_err());
    }

    #[test]
    fn required_text_rejects_whitespace_only() {
        assert_eq!(required_text("title", Some("   "), 10, Lines::Single), Err(FieldError::blank("title")));
        assert_eq!(required_text("title", None, 10, Lines::Single), Err(FieldError::blank("title")));
        assert_eq!(required_text("title", Some(" ok "), 10, Lines::Single), Ok("ok".to_owned()));
        assert!(required_text("title", Some("elevenchars"), 10, Lines::Single).is_err());
    }

    #[test]
    fn the_length_limit_counts_the_value_as_sent_surrounding_spaces_included() {
        let padded = format!("\t{}", "x".repeat(10));
        assert_eq!(required_text("title", Some(&padded), 10, Lines::Multi), Err(FieldError::too_long("title", 10)));
        assert_eq!(required_text("title", Some(" 12345678 "), 10, Lines::Single), Ok("12345678".to_owned()));
    }

    #[test]
    fn control_characters_are_refused_except_line_breaks_in_multi_line_fields() {
        let refused = Err(FieldError::new("body", CONTROL_CHARACTERS));
        for text in ["a\u{0}b", "a\u{1b}[31m", "\u{7f}", "a\u{1f}"] {
            assert_eq!(check_control_characters("body", text, Lines::Multi), refused, "{text:?}");
            assert!(check_control_characters("body", text, Lines::Single).is_err(), "{text:?}");
        }
        assert_eq!(check_control_characters("body", "a\r\n\tb", Lines::Multi), Ok(()));
        assert!(check_control_characters("title", "a\nb", Lines::Single).is_err());
        assert_eq!(check_control_characters("title", "é ü \u{85}", Lines::Single), Ok(()), "only C0 and DEL");
    }
}
