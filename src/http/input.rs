//! Cleaning and checking what clients write: text is trimmed and stored in
//! NFC; every problem is collected so one 422 reports them all.

use super::{FieldError, FieldIssue};

/// Trimmed, NFC, and without control characters other than tab and line
/// breaks (NUL above all, which PostgreSQL cannot store as text), as
/// WordPress strips them.
pub fn clean_text(text: &str) -> String {
    let text = text.trim();
    if text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        let kept: String = text
            .chars()
            .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
            .collect();
        return crate::text::nfc(kept.trim());
    }
    crate::text::nfc(text)
}

pub fn clean_optional(text: Option<String>) -> Option<String> {
    text.map(|t| clean_text(&t)).filter(|t| !t.is_empty())
}

pub fn check_length(errors: &mut Vec<FieldError>, field: &str, text: &str, min: u64, max: u64) {
    let n = text.chars().count() as u64;
    if n < min || n > max {
        errors.push(FieldError::new(
            field,
            if n == 0 && min > 0 {
                FieldIssue::Required
            } else {
                FieldIssue::Length { min, max }
            },
        ));
    }
}

pub fn is_acceptable_url(url: &str) -> bool {
    if url.starts_with('/') {
        return !url.starts_with("//") && !url.chars().any(char::is_whitespace);
    }
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/') && !r.chars().any(char::is_whitespace))
}

/// An optional URL field: `http(s)://…` or a path on this site.
pub fn check_url(errors: &mut Vec<FieldError>, field: &str, url: &Option<String>) {
    if let Some(url) = url {
        if url.len() > 2000 || !is_acceptable_url(url) {
            errors.push(FieldError::new(field, FieldIssue::Url));
        }
    }
}

/// A plausible e-mail address (one `@`, a dot in the domain, no spaces).
pub fn check_email(errors: &mut Vec<FieldError>, field: &str, email: &Option<String>) {
    if let Some(email) = email {
        let valid = email.len() <= 254
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
            })
            && !email.chars().any(char::is_whitespace);
        if !valid {
            errors.push(FieldError::new(field, FieldIssue::Format));
        }
    }
}

/// A phone number as people write it: digits with spaces, dots, dashes,
/// parentheses and an optional leading `+`.
pub fn check_phone(errors: &mut Vec<FieldError>, field: &str, phone: &Option<String>) {
    if let Some(phone) = phone {
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        let valid = (6..=20).contains(&digits)
            && phone
                .chars()
                .enumerate()
                .all(|(i, c)| c.is_ascii_digit() || " .-()".contains(c) || (c == '+' && i == 0));
        if !valid {
            errors.push(FieldError::new(field, FieldIssue::Format));
        }
    }
}

pub fn check_slug(errors: &mut Vec<FieldError>, field: &str, slug: &Option<String>) {
    if slug.as_deref().is_some_and(|s| !crate::text::is_valid_slug(s)) {
        errors.push(FieldError::new(field, FieldIssue::Slug));
    }
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

/// Applies a nullable text field of a PATCH body: trimmed, NFC, empty as
/// `null`, at most `max` characters.
pub fn set_text(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: Option<Option<String>>,
    max: u64,
    target: &mut Option<String>,
) {
    if let Some(value) = value {
        *target = clean_optional(value);
        if let Some(text) = target {
            check_length(errors, field, text, 0, max);
        }
    }
}

/// `Ok` when nothing was found, else one 422 with every problem.
pub fn finish(errors: Vec<FieldError>) -> Result<(), super::ApiError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(super::ApiError::Validation(errors))
    }
}

/// Most ids a request may link at once (officials, events, articles,
/// participants): far above any real page, far below the engines' limits
/// on bound values.
pub const MAX_LINKED_IDS: u64 = 100;

/// A list of ids to link: at most [`MAX_LINKED_IDS`].
pub fn check_ids(errors: &mut Vec<FieldError>, field: &str, ids: &Option<Vec<i64>>) {
    if ids.as_ref().is_some_and(|ids| ids.len() as u64 > MAX_LINKED_IDS) {
        errors.push(FieldError::new(
            field,
            FieldIssue::Length {
                min: 0,
                max: MAX_LINKED_IDS,
            },
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_emails_and_phones() {
        let mut errors = Vec::new();
        check_email(&mut errors, "a", &Some("thiuy@honglinh.hatinh.gov.vn".into()));
        check_phone(&mut errors, "b", &Some("0239 3831 234".into()));
        check_phone(&mut errors, "c", &Some("+84 (239) 383-1234".into()));
        assert!(errors.is_empty(), "{errors:?}");
        for bad in ["x", "a@b", "a @b.vn", "@b.vn", "a@.vn"] {
            check_email(&mut errors, "e", &Some(bad.into()));
        }
        for bad in ["12", "phone", "0239+3831234"] {
            check_phone(&mut errors, "p", &Some(bad.into()));
        }
        assert_eq!(errors.len(), 8);
    }
}
