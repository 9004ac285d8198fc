//! Vietnamese text handling shared by slugs, validation and (later) search.
//!
//! There is exactly one folding function, [`fold`]; everything that compares or
//! derives text without tone marks goes through it.

pub mod html;

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// Normalises text to NFC, the form bantin stores whatever the client sent.
pub fn nfc(input: &str) -> String {
    input.nfc().collect()
}

/// Folds Vietnamese text for matching: strips every tone and vowel mark
/// (including stacked ones such as in "ệ"), maps `đ/Đ` to `d` (it has no
/// Unicode decomposition), lowercases, and collapses every run of whitespace
/// and punctuation into a single space.
pub fn fold(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    // Each character decomposed on its own (NFD without the reordering of
    // marks, which are all dropped anyway): the same letters in the same
    // order, at a fraction of the cost.
    let letters = input.chars().flat_map(|c| {
        let mut parts = [None; 4];
        if c.is_ascii() {
            parts[0] = Some(c);
        } else {
            let mut n = 0;
            unicode_normalization::char::decompose_canonical(c, |d| {
                if !is_combining_mark(d) && n < parts.len() {
                    parts[n] = Some(d);
                    n += 1;
                }
            });
        }
        parts.into_iter().flatten()
    });
    for ch in letters {
        let ch = match ch {
            'đ' | 'Đ' => 'd',
            other => other,
        };
        if ch.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(ch.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

/// Appends `text` to `out` with `<`, `>`, `&` and both quotes escaped:
/// safe in HTML text and in quoted attributes.
pub fn escape_html(text: &str, out: &mut String) {
    for ch in text.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// `text`, HTML-escaped ([`escape_html`]).
pub fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_html(text, &mut out);
    out
}

/// A URL slug from a title: the folded words joined by `-`, ASCII only,
/// at most `max_len` bytes, never cut in the middle of a word when avoidable.
pub fn slugify(input: &str, max_len: usize) -> String {
    let folded = fold(input);
    let mut slug = String::with_capacity(folded.len());
    for word in folded.split(' ') {
        let word: String = word.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
        if word.is_empty() {
            continue;
        }
        let extra = if slug.is_empty() { word.len() } else { word.len() + 1 };
        if slug.len() + extra > max_len {
            if slug.is_empty() {
                slug.push_str(&word[..max_len.min(word.len())]);
            }
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word);
    }
    slug
}

/// Whether `slug` has the shape bantin produces: lowercase ASCII words joined by
/// single hyphens, and not purely numeric (that would collide with ids).
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 200
        && !slug.bytes().all(|b| b.is_ascii_digit())
        && slug
            .split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// Turns a slug candidate into one that [`is_valid_slug`] accepts, using
/// `fallback` when the title folded to nothing or to digits only.
pub fn slug_or_fallback(candidate: String, fallback: &str) -> String {
    if candidate.is_empty() {
        fallback.to_string()
    } else if candidate.bytes().all(|b| b.is_ascii_digit()) {
        format!("{fallback}-{candidate}")
    } else {
        candidate
    }
}

/// The first free slug among `base`, `base-2`, `base-3`, … given the slugs
/// already `taken` that start with `base`.
pub fn first_free_slug(base: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == base) {
        return base.to_string();
    }
    let used: std::collections::HashSet<u64> = taken
        .iter()
        .filter_map(|t| t.strip_prefix(base)?.strip_prefix('-')?.parse().ok())
        .collect();
    let n = (2..).find(|n| !used.contains(n)).unwrap_or(2);
    format!("{base}-{n}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_the_portal_examples() {
        assert_eq!(slugify("Đảng bộ thị xã Hồng Lĩnh", 200), "dang-bo-thi-xa-hong-linh");
        assert_eq!(fold("Đặng Thanh Hải"), "dang thanh hai");
        assert_eq!(fold("  Hội nghị   giao ban!! "), "hoi nghi giao ban");
    }

    #[test]
    fn folds_nfc_and_nfd_alike() {
        let nfc_text = "Nguyễn Thăng Long – Phó Bí thư thường trực Thị ủy";
        let nfd_text: String = nfc_text.nfd().collect();
        assert_ne!(nfc_text, nfd_text);
        assert_eq!(fold(nfc_text), fold(&nfd_text));
        assert_eq!(fold(nfc_text), "nguyen thang long pho bi thu thuong truc thi uy");
    }

    #[test]
    fn folds_every_vietnamese_vowel_with_every_tone() {
        let vowels = [
            ("aàáảãạăằắẳẵặâầấẩẫậ", 'a'),
            ("eèéẻẽẹêềếểễệ", 'e'),
            ("iìíỉĩị", 'i'),
            ("oòóỏõọôồốổỗộơờớởỡợ", 'o'),
            ("uùúủũụưừứửữự", 'u'),
            ("yỳýỷỹỵ", 'y'),
        ];
        for (letters, base) in vowels {
            for ch in letters.chars() {
                let upper: String = ch.to_uppercase().collect();
                let expected = base.to_string();
                assert_eq!(fold(&ch.to_string()), expected, "{ch}");
                assert_eq!(fold(&upper), expected, "{upper}");
                let decomposed: String = ch.to_string().nfd().collect();
                assert_eq!(fold(&decomposed), expected, "NFD {ch}");
            }
        }
        assert_eq!(fold("đĐ"), "dd");
    }

    #[test]
    fn misplaced_tone_marks_fold_the_same() {
        assert_eq!(fold("hòa"), fold("hoà"));
        assert_eq!(fold("thuỷ"), fold("thủy"));
    }

    #[test]
    fn clashing_slugs_get_the_next_number() {
        let taken = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(first_free_slug("hoi-nghi", &taken(&[])), "hoi-nghi");
        assert_eq!(first_free_slug("hoi-nghi", &taken(&["hoi-nghi-giao-ban"])), "hoi-nghi");
        assert_eq!(first_free_slug("hoi-nghi", &taken(&["hoi-nghi"])), "hoi-nghi-2");
        assert_eq!(
            first_free_slug("hoi-nghi", &taken(&["hoi-nghi", "hoi-nghi-2"])),
            "hoi-nghi-3"
        );
    }

    #[test]
    fn slugs_are_bounded_and_never_numeric() {
        let long = "Hội nghị ".repeat(60);
        let slug = slugify(&long, 50);
        assert!(slug.len() <= 50 && !slug.ends_with('-'), "{slug}");
        assert_eq!(slug_or_fallback(slugify("2022", 200), "bai-viet"), "bai-viet-2022");
        assert_eq!(slug_or_fallback(slugify("!!!", 200), "bai-viet"), "bai-viet");
        assert!(is_valid_slug("dang-bo-2022"));
        assert!(!is_valid_slug("2022"));
        assert!(!is_valid_slug("Dang-bo"));
        assert!(!is_valid_slug("dang--bo"));
        assert!(!is_valid_slug("-dang"));
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// Folding never fails, is idempotent, ignores NFC/NFD and case, and
        /// leaves only lowercase letters and digits in single-space-separated words.
        #[test]
        fn folding_is_stable_and_clean(text in "\\PC{0,40}") {
            let once = fold(&text);
            prop_assert_eq!(fold(&once), once.clone());
            prop_assert_eq!(fold(&nfc(&text)), once.clone());
            let nfd: String = text.nfd().collect();
            prop_assert_eq!(fold(&nfd), once.clone());
            prop_assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
            prop_assert!(once.chars().all(|c| c == ' ' || c.is_alphanumeric()));
        }

        /// The quick fold is the fold by NFD, marks dropped, letter for letter.
        #[test]
        fn folding_matches_the_nfd_definition(text in "(\\PC|[ạảãàáâậầấẩẫăắằặẳẵệểễềếọỏõòóôộổỗồốơờớợởỡđĐưừứựửữ]){0,40}") {
            let mut reference = String::new();
            let mut pending_space = false;
            for ch in text.nfd().filter(|c| !is_combining_mark(*c)) {
                let ch = if ch == 'đ' || ch == 'Đ' { 'd' } else { ch };
                if ch.is_alphanumeric() {
                    if pending_space && !reference.is_empty() {
                        reference.push(' ');
                    }
                    pending_space = false;
                    reference.extend(ch.to_lowercase());
                } else {
                    pending_space = true;
                }
            }
            prop_assert_eq!(fold(&text), reference);
        }

        /// A slug is always one bantin accepts (or empty), and short enough.
        #[test]
        fn slugs_are_valid(text in "\\PC{0,60}", max in 1usize..80) {
            let slug = slug_or_fallback(slugify(&text, max), "bai-viet");
            prop_assert!(is_valid_slug(&slug), "{:?} → {:?}", text, slug);
        }
    }
}
