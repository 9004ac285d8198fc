//! Article bodies are HTML written by editors or pasted from other systems:
//! keep ordinary formatting, remove scripts, event handlers and anything
//! that could run in a reader's browser or app web view.

use std::sync::OnceLock;

use ammonia::Builder;

fn cleaner() -> &'static Builder<'static> {
    static CLEANER: OnceLock<Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut builder = Builder::default();
        builder
            .add_tags(["figure", "figcaption"])
            .add_tag_attributes("img", ["loading"])
            .add_tag_attributes("td", ["colspan", "rowspan"])
            .add_tag_attributes("th", ["colspan", "rowspan"])
            .link_rel(Some("noopener noreferrer"));
        builder
    })
}

pub fn sanitize(body: &str) -> String {
    cleaner().clean(body).to_string()
}

/// The visible text of a body, for lengths and (later) search.
pub fn plain_text(body: &str) -> String {
    plain_text_upto(body, usize::MAX)
}

/// The visible text of a body, up to about `max_chars` characters.
pub fn plain_text_upto(body: &str, max_chars: usize) -> String {
    let mut text = String::with_capacity(body.len().min(max_chars.saturating_mul(2)));
    let mut in_tag = false;
    let mut kept = 0usize;
    for ch in body.chars() {
        if kept >= max_chars {
            break;
        }
        if !in_tag {
            kept += 1;
        }
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(ch),
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn removes_scripts_and_handlers_but_keeps_formatting() {
        let dirty = r#"<p onclick="steal()">Hội nghị <strong>giao ban</strong><script>alert(1)</script></p>
<a href="javascript:alert(1)">x</a><img src="https://a.vn/1.jpg" onerror="x()" alt="ảnh">
<figure><img src="/media/a.jpg"><figcaption>Chú thích</figcaption></figure><iframe src="https://evil"></iframe>"#;
        let clean = sanitize(dirty);
        assert!(!clean.contains("script"), "{clean}");
        assert!(!clean.contains("onclick") && !clean.contains("onerror"), "{clean}");
        assert!(!clean.contains("javascript:"), "{clean}");
        assert!(!clean.contains("iframe"), "{clean}");
        assert!(clean.contains("<strong>giao ban</strong>"), "{clean}");
        assert!(clean.contains("<figcaption>Chú thích</figcaption>"), "{clean}");
        assert!(clean.contains(r#"alt="ảnh""#), "{clean}");
    }
}
