//! Official documents (văn bản): decisions, resolutions, plans, notices and
//! reports the town issues, as Decree 42/2022/NĐ-CP asks a portal to publish
//! them, with their files from the media library.

pub mod api;
pub mod input;
pub mod model;
pub mod store;
pub mod views;

/// A document number folded for matching however it is typed:
/// `125/QĐ-UBND`, `125 qd ubnd` and `125-QD-UBND` are all `125-qd-ubnd`.
/// The Icelandic `Ð` (U+00D0), which old Vietnamese encodings and their
/// converters put where `Đ` belongs, counts as `Đ`.
pub fn number_key(number: &str) -> String {
    let number: String = number
        .chars()
        .map(|c| match c {
            'Ð' => 'Đ',
            'ð' => 'đ',
            c => c,
        })
        .collect();
    crate::text::fold(&number).replace(' ', "-")
}

#[cfg(test)]
mod tests {
    use super::number_key;

    #[test]
    fn a_number_is_the_same_however_it_is_typed() {
        for typed in [
            "125/QĐ-UBND",
            "125/qd-ubnd",
            "125 QĐ UBND",
            " 125 - qđ - ubnd ",
            "125/QÐ-UBND",
        ] {
            assert_eq!(number_key(typed), "125-qd-ubnd", "{typed}");
        }
        assert_eq!(number_key("05/2022/NQ-HĐND"), "05-2022-nq-hdnd");
    }
}
