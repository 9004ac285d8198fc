//! The shapes a text field may be declared to have
//! (`#[check(not_blank)]`, `#[check(slug)]`, …, see `bantin_macros`), as
//! `validator` custom functions. Each error's code is the issue a client
//! reads in `errors[]`: `required`, `slug`, `url` or `format`. The pattern
//! that documents each is beside its name in `bantin_macros`.

use validator::ValidationError;

use super::input::{clean_text, is_acceptable_url, is_email, is_phone};

fn failed(code: &'static str) -> Result<(), ValidationError> {
    Err(ValidationError::new(code))
}

fn chars(value: &str) -> usize {
    value.chars().count()
}

/// Something besides blanks (else `required`).
pub fn not_blank(value: &str) -> Result<(), ValidationError> {
    if clean_text(value).is_empty() {
        return failed("required");
    }
    Ok(())
}

/// Lowercase words joined by hyphens, at most 200 characters.
pub fn slug(value: &str) -> Result<(), ValidationError> {
    if !crate::text::is_valid_slug(value) {
        return failed("slug");
    }
    Ok(())
}

/// An e-mail address that must be given.
pub fn email(value: &str) -> Result<(), ValidationError> {
    if value.is_empty() {
        return failed("required");
    }
    if !is_email(value) {
        return failed("format");
    }
    Ok(())
}

/// An e-mail address, or nothing (which clears it).
pub fn optional_email(value: &str) -> Result<(), ValidationError> {
    if value.is_empty() {
        return Ok(());
    }
    email(value)
}

/// A phone number as people write it (at most 50 characters), or nothing.
pub fn phone(value: &str) -> Result<(), ValidationError> {
    if !value.is_empty() && (chars(value) > 50 || !is_phone(value)) {
        return failed("format");
    }
    Ok(())
}

/// `http(s)://…` or a path on this site, at most 2,000 characters.
pub fn url(value: &str) -> Result<(), ValidationError> {
    if chars(value) > 2000 || !is_acceptable_url(value) {
        return failed("url");
    }
    Ok(())
}

/// A URL (see [`url`]), or nothing.
pub fn optional_url(value: &str) -> Result<(), ValidationError> {
    if value.is_empty() {
        return Ok(());
    }
    url(value)
}

/// Lowercase letters, digits, `.`, `_` and `-` (a sign-in name).
pub fn username(value: &str) -> Result<(), ValidationError> {
    if !value
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
    {
        return failed("format");
    }
    Ok(())
}

/// Visible ASCII characters only (a secret people copy by hand).
pub fn visible_ascii(value: &str) -> Result<(), ValidationError> {
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return failed("format");
    }
    Ok(())
}

/// A list of at most `N` items (else `length`, between 0 and `N`).
pub fn at_most<const N: u64, T>(list: &[T]) -> Result<(), ValidationError> {
    if list.len() as u64 > N {
        let mut error = ValidationError::new("length");
        error.add_param("min".into(), &0);
        error.add_param("max".into(), &N);
        return Err(error);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! The patterns the document gives each rule and the rules themselves
    //! must agree exactly: a client (or a fuzzer) that trusts the document
    //! must never see valid input refused, or invalid input taken.
    use bantin_macros::pattern;
    use proptest::prelude::*;
    use regex::Regex;

    use super::*;
    use crate::http::input::is_blank;

    fn matches(pattern: &str, text: &str) -> bool {
        Regex::new(pattern).expect("a valid pattern").is_match(text)
    }

    /// Text that mixes the characters the rules are about.
    fn tricky() -> impl Strategy<Value = String> {
        let pieces = prop_oneof![
            Just("a".to_string()),
            Just("Z".to_string()),
            Just("0".to_string()),
            Just("đ".to_string()),
            Just("@".to_string()),
            Just(".".to_string()),
            Just("-".to_string()),
            Just("/".to_string()),
            Just("\\".to_string()),
            Just("\"".to_string()),
            Just("'".to_string()),
            Just(" ".to_string()),
            Just("+".to_string()),
            Just("(".to_string()),
            Just("\t".to_string()),
            Just("\n".to_string()),
            Just("\u{0}".to_string()),
            Just("\u{85}".to_string()),
            Just("\u{a0}".to_string()),
            Just("\u{2028}".to_string()),
            Just("\u{feff}".to_string()),
            Just("https://".to_string()),
            Just("http://".to_string()),
            Just("<".to_string()),
            any::<char>().prop_map(String::from),
        ];
        proptest::collection::vec(pieces, 0..12).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(600))]

        #[test]
        fn email_pattern_is_the_rule(text in tricky()) {
            // The length is the schema's maxLength, which the rule counts too.
            if text.chars().count() <= 254 {
                prop_assert_eq!(matches(pattern!(email), &text), email(&text).is_ok());
                prop_assert_eq!(matches(pattern!(optional_email), &text), optional_email(&text).is_ok());
            }
        }

        #[test]
        fn phone_pattern_is_the_rule(text in tricky()) {
            if text.chars().count() <= 50 {
                prop_assert_eq!(matches(pattern!(phone), &text), phone(&text).is_ok());
            }
        }

        #[test]
        fn url_pattern_is_the_rule(text in tricky()) {
            prop_assert_eq!(matches(pattern!(url), &text), url(&text).is_ok());
            prop_assert_eq!(matches(pattern!(optional_url), &text), optional_url(&text).is_ok());
        }

        #[test]
        fn slug_pattern_is_the_rule(text in "[a-z0-9-]{0,12}|.{0,6}") {
            prop_assert_eq!(matches(pattern!(slug), &text), slug(&text).is_ok());
        }

        #[test]
        fn not_blank_pattern_is_the_rule(text in tricky()) {
            // A NUL is refused before any rule (400 `nul_in_text`).
            let server_takes = !text.contains('\u{0}') && !text.chars().all(is_blank);
            prop_assert_eq!(matches(pattern!(not_blank), &text), server_takes);
            if !text.contains('\u{0}') {
                prop_assert_eq!(not_blank(&text).is_ok(), server_takes);
            }
        }

        #[test]
        fn visible_ascii_pattern_is_the_rule(text in tricky()) {
            prop_assert_eq!(matches(pattern!(visible_ascii), &text), visible_ascii(&text).is_ok());
        }

        #[test]
        fn username_pattern_is_the_rule(text in "[a-z0-9._-]{0,8}|.{0,6}") {
            prop_assert_eq!(matches(pattern!(username), &text), username(&text).is_ok());
        }
    }

    #[test]
    fn a_long_list_is_a_length_issue_with_its_bounds() {
        let error = at_most::<2, u8>(&[1, 2, 3]).unwrap_err();
        assert_eq!(error.code, "length");
        assert_eq!(error.params["max"], 2);
        assert!(at_most::<2, u8>(&[1, 2]).is_ok());
    }
}
