//! Turning what people write into HTML that is safe to show.

use pulldown_cmark::{Options, Parser, html};

/// Renders Markdown to HTML and removes anything that could run script or break the page.
///
/// Links get `rel="noopener noreferrer nofollow ugc"`, so user content passes no reputation and
/// no window handle to where it links.
pub fn markdown_to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    sanitize_html(&unsafe_html)
}

/// Keeps only an allow-list of harmless tags and attributes (ammonia's defaults: no script,
/// no style, no event handlers, only http(s)/mailto links).
pub fn sanitize_html(html: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow ugc"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders_and_script_is_removed() {
        let html = markdown_to_safe_html(
            "# Plan\n\n**Vet** en [link](https://example.nl)\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[js](javascript:alert(1))",
        );
        assert!(html.contains("<h1>Plan</h1>"));
        assert!(html.contains("<strong>Vet</strong>"));
        assert!(html.contains("rel=\"noopener noreferrer nofollow ugc\""));
        assert!(!html.contains("<script"));
        assert!(!html.contains("onerror"));
        assert!(!html.contains("javascript:"));
    }
}
