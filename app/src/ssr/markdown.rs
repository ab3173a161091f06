//! Markdown briefs to sanitised HTML: whatever a user typed, no script or handler survives, and
//! no image is embedded (a remote image in a brief every rep opens would be a tracking pixel).
use pulldown_cmark::{Event, Tag, TagEnd};

pub fn to_safe_html(markdown: &str) -> String {
    let parser = pulldown_cmark::Parser::new_ext(
        markdown,
        pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH,
    )
    // `![alt](url)` keeps only its alt text
    .filter(|event| {
        !matches!(
            event,
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image)
        )
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    ammonia::Builder::default()
        // raw `<img>` (and `<picture>`-like tricks) are dropped: nothing is fetched from elsewhere
        .rm_tags(["img"])
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["http", "https", "mailto"].into())
        .clean(&html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_html() {
        assert_eq!(to_safe_html("**bold**"), "<p><strong>bold</strong></p>\n");
    }

    #[test]
    fn scripts_and_handlers_are_removed() {
        let html = to_safe_html(
            "<script>alert(1)</script><img src=x onerror=alert(1)>[x](javascript:alert(1))",
        );
        assert!(!html.contains("<script"));
        assert!(!html.contains("onerror"));
        assert!(!html.contains("href=\"javascript:"), "{html}");
    }

    #[test]
    fn images_are_never_embedded_and_markdown_images_keep_their_alt_text() {
        let html = to_safe_html(
            "![the venue](https://tracker.example/pixel.gif)\n\n<img src=\"https://tracker.example/p.gif\" alt=\"\"> <img src=\"/local.png\">",
        );
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("tracker.example"), "{html}");
        assert!(html.contains("the venue"), "{html}");
    }
}
