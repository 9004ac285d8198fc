//! Addresses on the public website that shows bantin's content, from
//! configuration only (never from request headers): `BANTIN_ARTICLE_URL`,
//! a template with `{site}` (`BANTIN_SITE_URL`), `{slug}` and `{id}`;
//! by default `{site}/tin-tuc/{slug}`, or, with no site configured, the
//! article in the API (`BANTIN_PUBLIC_URL/api/v1/articles/{slug}`).

use crate::config::Config;

/// The API's own address (`BANTIN_PUBLIC_URL`), without a trailing `/`.
pub fn api_base(config: &Config) -> String {
    config
        .public_url
        .as_deref()
        .unwrap_or("")
        .trim_end_matches('/')
        .to_string()
}

/// The host of `BANTIN_PUBLIC_URL` (`api.example.vn`): what makes ids this
/// server writes (iCalendar UIDs) unique among every portal a client follows.
pub fn public_host(config: &Config) -> String {
    url::Url::parse(&api_base(config))
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "bantin.invalid".into())
}

/// An address on this server made absolute (media paths start with `/`).
pub fn absolute(config: &Config, url: &str) -> String {
    if url.starts_with('/') {
        format!("{}{url}", api_base(config))
    } else {
        url.to_string()
    }
}

/// An item's address on the public site: `template` (or, with a site,
/// `{site}/<default>`), else the item in the API under `collection`.
fn on_site(config: &Config, template: &Option<String>, default: &str, collection: &str, id: i64, slug: &str) -> String {
    let template = match (template, &config.site_url) {
        (Some(template), _) => template.clone(),
        (None, Some(_)) => format!("{{site}}/{default}"),
        (None, None) => return format!("{}/api/v1/{collection}/{slug}", api_base(config)),
    };
    template
        .replace("{site}", config.site_url.as_deref().unwrap_or("").trim_end_matches('/'))
        .replace("{slug}", slug)
        .replace("{id}", &id.to_string())
}

/// Where readers find the article on the public site.
pub fn article_url(config: &Config, id: i64, slug: &str) -> String {
    on_site(config, &config.article_url, "tin-tuc/{slug}", "articles", id, slug)
}

/// Where readers find a document on the public site (`BANTIN_DOCUMENT_URL`,
/// by default `{site}/van-ban/{slug}`; the document in the API without a site).
pub fn document_url(config: &Config, id: i64, slug: &str) -> String {
    on_site(config, &config.document_url, "van-ban/{slug}", "documents", id, slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_comes_from_the_template_the_site_or_the_api() {
        let mut config = Config::for_data_dir(std::path::Path::new("/tmp/x"));
        config.public_url = Some("https://api.example.vn/".into());
        assert_eq!(
            article_url(&config, 7, "hoi-nghi"),
            "https://api.example.vn/api/v1/articles/hoi-nghi"
        );
        config.site_url = Some("https://honglinh.hatinh.gov.vn/".into());
        assert_eq!(
            article_url(&config, 7, "hoi-nghi"),
            "https://honglinh.hatinh.gov.vn/tin-tuc/hoi-nghi"
        );
        config.article_url = Some("{site}/bai-viet/{id}-{slug}.html".into());
        assert_eq!(
            article_url(&config, 7, "hoi-nghi"),
            "https://honglinh.hatinh.gov.vn/bai-viet/7-hoi-nghi.html"
        );
    }
}
