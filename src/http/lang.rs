//! The language of messages (and, later, of translated fields): Vietnamese
//! unless the client prefers English.

use actix_web::HttpRequest;

/// The `?lang=` query parameter: `vi` or `en` (anything else is a 400).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LangParam {
    Vi,
    En,
}

/// The query string of an item that only has a language to choose.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// `vi` (default) or `en`; `Accept-Language` works too.
    pub lang: Option<LangParam>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// `?lang=en|vi` wins over `Accept-Language`.
    pub fn from_request(req: &HttpRequest) -> Lang {
        let from_query = req.query_string().split('&').find_map(|pair| match pair {
            "lang=en" => Some(Lang::En),
            "lang=vi" => Some(Lang::Vi),
            _ => None,
        });
        if let Some(lang) = from_query {
            return lang;
        }
        req.headers()
            .get(actix_web::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(Lang::from_accept_language)
            .unwrap_or(Lang::Vi)
    }

    /// The text in this language: English where it exists, else Vietnamese.
    pub fn pick(self, vi: String, en: Option<String>) -> String {
        match (self, en) {
            (Lang::En, Some(en)) if !en.is_empty() => en,
            _ => vi,
        }
    }

    /// Picks Vietnamese or English by quality value; anything else is ignored.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(Lang, f32)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .map(|q| q.trim().parse::<f32>().unwrap_or(0.0))
                })
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            let lang = match primary {
                "en" => Lang::En,
                "vi" => Lang::Vi,
                _ => continue,
            };
            if q > 0.0 && best.is_none_or(|(_, best_q)| q > best_q) {
                best = Some((lang, q));
            }
        }
        best.map(|(lang, _)| lang).unwrap_or(Lang::Vi)
    }
}

impl actix_web::FromRequest for Lang {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Lang, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(Ok(Lang::from_request(req)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_accept_language() {
        assert_eq!(Lang::from_accept_language("en"), Lang::En);
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(Lang::from_accept_language("vi-VN,vi;q=0.9,en;q=0.8"), Lang::Vi);
        assert_eq!(Lang::from_accept_language("fr, en;q=0.5"), Lang::En);
        assert_eq!(Lang::from_accept_language("en;q=0"), Lang::Vi);
        assert_eq!(Lang::from_accept_language("de"), Lang::Vi);
        assert_eq!(Lang::from_accept_language(""), Lang::Vi);
    }
}
