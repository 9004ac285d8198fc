//! Cleaning and checking what clients write: text is trimmed and stored in
//! NFC; every problem is collected so one 422 reports them all.

use super::{FieldError, FieldIssue};

/// A request body whose constraints are declared on its fields
/// (`#[bantin_macros::constrained]` implements it).
pub trait Constrained: validator::Validate {
    /// The fields as clients name them, in the order they are declared.
    const FIELDS: &'static [&'static str];
    /// The same fields as Rust names them (`abstract_` for `abstract`).
    const IDENTS: &'static [&'static str];
    /// What `POST` requires of a body that `PATCH` shares.
    const REQUIRED_ON_CREATE: &'static [&'static str];
    /// The fields creating requires that this body lacks.
    fn missing_on_create(&self) -> Vec<&'static str>;
}

/// Every problem the declared constraints find in `input` (with what
/// creating requires when `creating`), in the order its fields are
/// declared. A field that is blank is reported as required only, not also
/// as too short.
pub fn check_declared<T: Constrained>(input: &T, creating: bool) -> Vec<FieldError> {
    check_declared_in("", input, creating)
}

/// [`check_declared`] for an item inside a body (`links[2]`): its fields
/// are named under `prefix`.
pub fn check_declared_in<T: Constrained>(prefix: &str, input: &T, creating: bool) -> Vec<FieldError> {
    let mut errors = match input.validate() {
        Ok(()) => Vec::new(),
        Err(e) => super::error::convert::field_errors(&e),
    };
    // `validator` names a field as Rust does; clients know serde's name.
    // (Its errors are flat: the items of a list are checked each with
    // `check_declared_in`.)
    for e in &mut errors {
        if let Some(i) = T::IDENTS.iter().position(|f| *f == e.field) {
            e.field = T::FIELDS[i].to_string();
        }
    }
    if creating {
        errors.extend(
            input
                .missing_on_create()
                .into_iter()
                .map(|f| FieldError::new(f, FieldIssue::Required)),
        );
    }
    let required: Vec<String> = errors
        .iter()
        .filter(|e| e.issue == FieldIssue::Required)
        .map(|e| e.field.clone())
        .collect();
    errors.retain(|e| e.issue == FieldIssue::Required || !required.contains(&e.field));
    errors.sort_by_key(|e| T::FIELDS.iter().position(|f| *f == e.field).unwrap_or(usize::MAX));
    if !prefix.is_empty() {
        for e in &mut errors {
            e.field = format!("{prefix}.{}", e.field);
        }
    }
    errors
}

/// What counts as nothing at the edges of text (and as text that is
/// blank): whitespace, control characters and the byte-order mark. The
/// patterns of `bantin_macros` (`BLANK`) name exactly this set.
pub fn is_blank(c: char) -> bool {
    c.is_whitespace() || c.is_control() || c == '\u{feff}'
}

/// Trimmed, NFC, and without control characters other than tab and line
/// breaks (NUL above all, which PostgreSQL cannot store as text), as
/// WordPress strips them.
pub fn clean_text(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect();
    crate::text::nfc(kept.trim_matches(is_blank))
}

pub fn clean_optional(text: Option<String>) -> Option<String> {
    text.map(|t| clean_text(&t)).filter(|t| !t.is_empty())
}

/// Applies a nullable text field that was sent (its declaration checked
/// it): `null`, or nothing but blanks, clears it.
pub fn set_clean(value: Option<Option<String>>, target: &mut Option<String>) {
    if let Some(value) = value {
        *target = clean_optional(value);
    }
}

/// A text no field declaration reaches (the items of a list of names):
/// at most `max` characters as sent (what the schema's `maxLength`
/// counts); with `min > 0` it must hold something besides blanks. Returns
/// the text as stored.
pub fn text(errors: &mut Vec<FieldError>, field: &str, raw: &str, min: u64, max: u64) -> String {
    let cleaned = clean_text(raw);
    let n = raw.chars().count() as u64;
    if min > 0 && cleaned.is_empty() {
        errors.push(FieldError::new(field, FieldIssue::Required));
    } else if n < min || n > max {
        errors.push(FieldError::new(field, FieldIssue::Length { min, max }));
    }
    cleaned
}

/// Characters no URL bantin stores may hold: blanks, quotes, backslashes
/// and angle brackets (they would break out of the attributes and feeds
/// the URL is written into).
fn unsafe_in_url(c: char) -> bool {
    is_blank(c) || matches!(c, '"' | '\'' | '\\' | '<' | '>' | '`')
}

/// `https://…`, `http://…` or a path on this site starting with a single
/// `/`, with nothing that could break out of an attribute.
pub fn is_acceptable_url(url: &str) -> bool {
    if url.chars().any(unsafe_in_url) {
        return false;
    }
    if let Some(path) = url.strip_prefix('/') {
        return !path.starts_with('/');
    }
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
}

/// An optional URL field: `http(s)://…` or a path on this site.
pub fn check_url(errors: &mut Vec<FieldError>, field: &str, url: &Option<String>) {
    if let Some(url) = url {
        if url.chars().count() > 2000 || !is_acceptable_url(url) {
            errors.push(FieldError::new(field, FieldIssue::Url));
        }
    }
}

/// A plausible e-mail address: one `@`, something before it, a dot in the
/// domain but not at its ends, no blank anywhere; at most 254 characters.
pub fn is_email(email: &str) -> bool {
    email.chars().count() <= 254
        && !email.chars().any(is_blank)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        })
}

/// A phone number as people write it: 6 to 20 digits with spaces, dots,
/// dashes and parentheses, and an optional leading `+`.
pub fn is_phone(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    (6..=20).contains(&digits)
        && phone
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || " .-()".contains(c) || (c == '+' && i == 0))
}

/// A date or time query parameter (see [`crate::clock::parse_date_or_time`]).
pub fn time_param(
    name: &str,
    raw: Option<&str>,
    end_of_day: bool,
) -> Result<Option<chrono::NaiveDateTime>, super::ApiError> {
    raw.map(|r| {
        crate::clock::parse_date_or_time(r, end_of_day)
            .ok_or_else(|| super::ApiError::invalid_parameter(name, super::error::ParamIssue::DateTime))
    })
    .transpose()
}

/// `Ok` when nothing was found, else one 422 with every problem.
pub fn finish(errors: Vec<FieldError>) -> Result<(), super::ApiError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(super::ApiError::Validation(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_emails_and_phones() {
        assert!(is_email("thiuy@honglinh.hatinh.gov.vn"));
        assert!(is_phone("0239 3831 234"));
        assert!(is_phone("+84 (239) 383-1234"));
        for bad in ["x", "a@b", "a @b.vn", "@b.vn", "a@.vn", " a@b.vn", "a@b.vn\u{feff}"] {
            assert!(!is_email(bad), "{bad:?}");
        }
        for bad in ["12", "phone", "0239+3831234", "\t0239 3831 234"] {
            assert!(!is_phone(bad), "{bad:?}");
        }
    }

    #[test]
    fn urls_are_http_or_a_single_slash_path_without_quotes() {
        for good in ["/media/a.jpg", "/", "https://a.vn/x?y=1", "http://a.vn"] {
            assert!(is_acceptable_url(good), "{good}");
        }
        for bad in [
            "//evil.example/x",
            "/\\evil.example/x.png",
            "https://",
            "https:///x",
            "/a\"b",
            "ftp://a",
            "/a b",
            "javascript:alert(1)",
            "/x<script>",
        ] {
            assert!(!is_acceptable_url(bad), "{bad}");
        }
    }

    #[test]
    fn text_is_measured_as_sent_and_stored_clean() {
        let mut errors = Vec::new();
        assert_eq!(text(&mut errors, "t", "  Hội nghị\u{0}  ", 1, 20), "Hội nghị");
        assert!(errors.is_empty());
        text(&mut errors, "t", " \u{feff}\u{a0}\u{3000}\t", 1, 20);
        assert_eq!(errors[0].issue, FieldIssue::Required);
        text(&mut errors, "t", "  abc  ", 0, 5);
        assert_eq!(errors[1].issue, FieldIssue::Length { min: 0, max: 5 });
    }
}
