//! Vietnamese search: queries with or without tone marks, in NFC or NFD,
//! phrases in quotes, prefix matching on the last word; relevance ranking
//! with title hits above body hits and exact-accent matches first; short
//! snippets with `<mark>`. The engine index lives in `store`; everything
//! here is engine-independent.

pub mod api;
pub mod engine;
pub mod input;
pub mod store;
pub mod views;

use crate::text::{fold, nfc};

/// How much of a text a snippet is cut from, in characters.
const SNIPPET_SOURCE_CHARS: usize = 1500;

/// How many words a snippet holds.
pub const SNIPPET_WORDS: usize = 24;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
const MAX_TERMS: usize = 16;

/// A `q` parameter longer than [`MAX_QUERY_CHARS`] is a 400 (search, and
/// the officials' name filter).
pub fn check_length(raw: &str) -> Result<(), crate::http::ApiError> {
    if raw.chars().count() > MAX_QUERY_CHARS {
        return Err(crate::http::ApiError::invalid_parameter(
            "q",
            crate::http::error::ParamIssue::TooLong { max: MAX_QUERY_CHARS },
        ));
    }
    Ok(())
}

/// A parsed query: words (folded, and as written) and quoted phrases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<Term>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// One word; `prefix` on the last bare word (results while typing).
    Word {
        folded: String,
        exact: String,
        prefix: bool,
    },
    /// Words in this order, next to each other.
    Phrase { folded: Vec<String>, exact: Vec<String> },
}

/// Words of a text: runs of letters and digits, NFC, lowercase.
fn words(text: &str) -> Vec<String> {
    nfc(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

impl Query {
    /// Parses a `q` parameter: 400 when it is too long or has no word in it.
    pub fn from_param(raw: &str) -> Result<Query, crate::http::ApiError> {
        check_length(raw)?;
        Query::parse(raw)
            .ok_or_else(|| crate::http::ApiError::invalid_parameter("q", crate::http::error::ParamIssue::Empty))
    }

    /// Parses what a person typed. Anything that is not a letter or digit
    /// is a separator (so FTS operators are plain text); a `"` without its
    /// pair is ignored. `None` when no word is left.
    pub fn parse(raw: &str) -> Option<Query> {
        let mut terms = Vec::new();
        let parts: Vec<&str> = raw.split('"').collect();
        let balanced = parts.len() % 2 == 1;
        for (i, part) in parts.iter().enumerate() {
            let quoted = balanced && i % 2 == 1;
            // A word that folds to nothing (a lone combining mark, say) is
            // no word: no engine indexes it.
            let (folded, exact): (Vec<String>, Vec<String>) = words(part)
                .into_iter()
                .map(|w| (fold(&w), w))
                .filter(|(f, _)| !f.is_empty())
                .unzip();
            if quoted && folded.len() > 1 {
                terms.push(Term::Phrase { folded, exact });
            } else {
                for (folded, exact) in folded.into_iter().zip(exact) {
                    terms.push(Term::Word {
                        folded,
                        exact,
                        prefix: false,
                    });
                }
            }
        }
        terms.truncate(MAX_TERMS);
        // Still typing the last word: it ends the input, with no space or quote after it.
        let ends_open = raw.chars().last().is_some_and(char::is_alphanumeric);
        if let Some(Term::Word { prefix, .. }) = terms.last_mut() {
            *prefix = ends_open;
        }
        (!terms.is_empty()).then_some(Query { terms })
    }

    /// The engine expression over the folded columns: every term must match.
    /// Terms are letters and digits only, quoted, so nothing the user typed
    /// can act as an operator.
    pub fn folded_expression(&self) -> String {
        let quote = |w: &str| format!("\"{w}\"");
        self.terms
            .iter()
            .map(|t| match t {
                Term::Word {
                    folded, prefix: true, ..
                } => format!("{}*", quote(folded)),
                Term::Word { folded, .. } => quote(folded),
                Term::Phrase { folded, .. } => quote(&folded.join(" ")),
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// Whether `text` holds every term with its tone marks as typed (the
    /// last word as a prefix while it is being typed).
    pub fn matches_exact(&self, text: &str) -> bool {
        let written = words(text);
        let has = |w: &str, prefix: bool| written.iter().any(|x| if prefix { x.starts_with(w) } else { x == w });
        self.terms.iter().all(|t| match t {
            Term::Word { exact, prefix, .. } => has(exact, *prefix),
            Term::Phrase { exact, .. } => written.windows(exact.len()).any(|win| win == exact.as_slice()),
        })
    }

    /// Folded words to highlight, and whether each may match as a prefix.
    fn highlights(&self) -> Vec<(String, bool)> {
        self.terms
            .iter()
            .flat_map(|t| match t {
                Term::Word { folded, prefix, .. } => vec![(folded.clone(), *prefix)],
                Term::Phrase { folded, .. } => folded.iter().map(|w| (w.clone(), false)).collect(),
            })
            .collect()
    }
}

/// The snippet of an article: from its summary and the text of its body.
pub fn article_snippet(summary: Option<&str>, body_html: &str, query: &Query) -> String {
    // A snippet is cut from the opening of the text: the rest of a long
    // body is never looked at.
    let text = format!(
        "{} {}",
        summary.unwrap_or(""),
        crate::text::html::plain_text_upto(body_html, SNIPPET_SOURCE_CHARS)
    );
    snippet(&text, query, SNIPPET_WORDS)
}

/// What an index row holds for a text: folded for matching.
pub fn folded(text: &str) -> String {
    fold(text)
}

/// A short excerpt of `text` around the first matched word, with every
/// matched word in `<mark>` and everything else HTML-escaped.
pub fn snippet(text: &str, query: &Query, max_words: usize) -> String {
    // Look for the first hit in the opening of the text only: a snippet is a
    // glimpse, and folding a whole long body word by word costs more than
    // the search itself.
    let end = text
        .char_indices()
        .nth(SNIPPET_SOURCE_CHARS)
        .map_or(text.len(), |(i, _)| i);
    // Stored text is NFC already (bodies and fields are normalised when
    // written); the quick check spares composing it again.
    let text = &text[..end];
    let text = match unicode_normalization::is_nfc_quick(text.chars()) {
        unicode_normalization::IsNormalized::Yes => std::borrow::Cow::Borrowed(text),
        _ => std::borrow::Cow::Owned(nfc(text)),
    };
    // (start, end, is_word) spans, in order.
    let mut spans: Vec<(usize, usize, bool)> = Vec::new();
    let mut start = 0;
    let mut in_word = false;
    for (i, ch) in text.char_indices() {
        let alnum = ch.is_alphanumeric();
        if i > 0 && alnum != in_word {
            spans.push((start, i, in_word));
            start = i;
        }
        in_word = alnum;
    }
    if !text.is_empty() {
        spans.push((start, text.len(), in_word));
    }
    let targets = query.highlights();
    let hit = |w: &str| {
        // Most words are plain ASCII: folding them is lowercasing.
        if w.is_ascii() {
            return targets.iter().any(|(t, prefix)| {
                let n = t.len();
                if *prefix {
                    w.len() >= n && w.as_bytes()[..n].eq_ignore_ascii_case(t.as_bytes())
                } else {
                    w.eq_ignore_ascii_case(t)
                }
            });
        }
        let f = fold(w);
        targets
            .iter()
            .any(|(t, prefix)| if *prefix { f.starts_with(t.as_str()) } else { f == *t })
    };
    let word_spans: Vec<usize> = spans.iter().enumerate().filter(|(_, s)| s.2).map(|(i, _)| i).collect();
    // The text folded once; word for word the same as folding each word
    // (unless a word folds to nothing or to two, when each is folded alone).
    let folded_text = fold(&text);
    let folded: Vec<&str> = folded_text.split(' ').filter(|w| !w.is_empty()).collect();
    let aligned = folded.len() == word_spans.len();
    let hit_word = |k: usize| {
        if aligned {
            let f = folded[k];
            targets
                .iter()
                .any(|(t, prefix)| if *prefix { f.starts_with(t.as_str()) } else { f == t })
        } else {
            let (s, e, _) = spans[word_spans[k]];
            hit(&text[s..e])
        }
    };
    let first_hit = (0..word_spans.len()).position(hit_word).unwrap_or(0);
    let from_word = first_hit.saturating_sub(max_words / 3);
    let to_word = (from_word + max_words).min(word_spans.len());
    if word_spans.is_empty() {
        return String::new();
    }
    // From the start or end of the text, keep what surrounds the words too.
    let first_span = if from_word == 0 { 0 } else { word_spans[from_word] };
    let last_span = if to_word >= word_spans.len() {
        spans.len() - 1
    } else {
        word_spans[to_word.max(from_word + 1) - 1]
    };
    let mut out = String::new();
    if from_word > 0 {
        out.push('…');
    }
    let mut k = word_spans.partition_point(|&i| i < first_span);
    for (s, e, is_word) in &spans[first_span..=last_span] {
        let piece = &text[*s..*e];
        let marked = *is_word && {
            k += 1;
            hit_word(k - 1)
        };
        if marked {
            out.push_str("<mark>");
            crate::text::escape_html(piece, &mut out);
            out.push_str("</mark>");
        } else {
            crate::text::escape_html(piece, &mut out);
        }
    }
    if to_word < word_spans.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_words_phrases_and_a_prefix_while_typing() {
        let q = Query::parse("Hội nghị \"giao ban\" tha").unwrap();
        assert_eq!(
            q.folded_expression(),
            "\"hoi\" AND \"nghi\" AND \"giao ban\" AND \"tha\"*"
        );
        assert!(q.matches_exact("Hội nghị giao ban thanh tra") && !q.matches_exact("Hội nghị ban giao thành ủy"));
        assert!(!Query::parse("hòa ").unwrap().matches_exact("Hoà nhập"));
        let closed = Query::parse("hong linh ").unwrap();
        assert_eq!(closed.folded_expression(), "\"hong\" AND \"linh\"");
    }

    #[test]
    fn words_that_fold_to_nothing_are_dropped() {
        // U+064E (a combining mark) counts as alphanumeric but folds away.
        let q = Query::parse("\"\u{64e} abc\" x").unwrap();
        assert_eq!(q.folded_expression(), "\"abc\" AND \"x\"*");
        assert!(Query::parse("\u{64e}").is_none());
    }

    #[test]
    fn hostile_input_becomes_plain_words_or_nothing() {
        assert_eq!(
            Query::parse("\"unbalanced quote").unwrap().folded_expression(),
            "\"unbalanced\" AND \"quote\"*"
        );
        assert_eq!(
            Query::parse("a OR b NOT c* NEAR(d)").unwrap().folded_expression(),
            "\"a\" AND \"or\" AND \"b\" AND \"not\" AND \"c\" AND \"near\" AND \"d\""
        );
        assert!(Query::parse(&"!@#$%^&*()".repeat(100)).is_none());
        assert!(Query::parse("   ").is_none());
        assert!(Query::parse("\"\"").is_none());
        let nfd: String = unicode_normalization::UnicodeNormalization::nfd("Đặng").collect();
        assert_eq!(Query::parse(&nfd).unwrap(), Query::parse("Đặng").unwrap());
    }

    #[test]
    fn snippets_mark_matches_and_escape_the_rest() {
        let q = Query::parse("hoi nghi").unwrap();
        let s = snippet(
            "<b>Chiều</b> ngày 19/7, Thường trực đã tổ chức Hội nghị giao ban & tổng kết",
            &q,
            60,
        );
        assert_eq!(s, "&lt;b&gt;Chiều&lt;/b&gt; ngày 19/7, Thường trực đã tổ chức <mark>Hội</mark> <mark>nghị</mark> giao ban &amp; tổng kết");
        let long = format!("{} Hội nghị {}", "từ ".repeat(50), "khác ".repeat(50));
        let s = snippet(&long, &q, 10);
        assert!(
            s.starts_with('…') && s.ends_with('…') && s.contains("<mark>Hội</mark>"),
            "{s}"
        );
        let prefix = Query::parse("giao b").unwrap();
        assert!(snippet("hội nghị giao ban", &prefix, 10).contains("<mark>ban</mark>"));
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// Any `q` is parsed or refused with a 400; a parsed query has words
        /// made only of folded letters and digits (nothing an index could
        /// read as an operator), and its snippet escapes the text.
        #[test]
        fn any_query_is_parsed_or_refused(raw in "\\PC{0,60}", text in "\\PC{0,200}") {
            match Query::from_param(&raw) {
                Err(e) => prop_assert_eq!(actix_web::ResponseError::status_code(&e).as_u16(), 400),
                Ok(query) => {
                    prop_assert!(!query.terms.is_empty() && query.terms.len() <= MAX_TERMS);
                    let expression = query.folded_expression();
                    for term in &query.terms {
                        let words = match term {
                            Term::Word { folded, .. } => vec![folded.clone()],
                            Term::Phrase { folded, .. } => folded.clone(),
                        };
                        prop_assert!(words.iter().all(|w| !w.is_empty() && w.chars().all(char::is_alphanumeric)));
                    }
                    prop_assert!(!expression.contains('('));
                    let snippet = snippet(&text, &query, 24);
                    let without_marks = snippet.replace("<mark>", "").replace("</mark>", "");
                    prop_assert!(!without_marks.contains('<') && !without_marks.contains('>'), "{}", snippet);
                }
            }
        }
    }
}
