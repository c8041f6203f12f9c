//! Small server-rendered HTML: escaping, one layout with inline styles (no external assets),
//! and the headers every page carries.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a query component (everything but RFC 3986 unreserved characters).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `k=v&k=v`, percent-encoded, skipping absent values.
pub fn query(pairs: &[(&str, Option<&str>)]) -> String {
    pairs
        .iter()
        .filter_map(|(k, v)| v.map(|v| format!("{}={}", encode_component(k), encode_component(v))))
        .collect::<Vec<_>>()
        .join("&")
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;background:#f5f6f8;color:#1f2329;margin:0}
main{max-width:30rem;margin:3rem auto;background:#fff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.08);padding:1.5rem 2rem}
h1{font-size:1.25rem;margin:0 0 1rem}h2{font-size:1rem;margin:1.25rem 0 .5rem}
.brand{color:#fe3666;font-weight:600;font-size:.9rem;margin-bottom:.5rem}
.error{background:#fff1f0;border:1px solid #ffa39e;color:#a8071a;padding:.75rem 1rem;border-radius:6px;margin:1rem 0}
.muted{color:#646a73;font-size:.875rem}
ul.scopes{padding-left:1.25rem}ul.scopes li{margin:.25rem 0}
code{background:#f2f3f5;padding:0 .25rem;border-radius:3px}
label{display:block;margin:.75rem 0 .25rem;font-size:.875rem}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #d0d3d6;border-radius:4px}
.buttons{display:flex;gap:.75rem;margin-top:1.25rem}
button{padding:.55rem 1.25rem;border-radius:4px;border:1px solid #d0d3d6;background:#fff;cursor:pointer;font-size:.95rem}
button.primary{background:#fe3666;border-color:#fe3666;color:#fff}
pre{white-space:pre-wrap;word-break:break-all;background:#f2f3f5;padding:.75rem;border-radius:6px}";

/// A whole page: `title` (text) and `body` (HTML, already escaped).
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body><main>\
         <div class=\"brand\">Kaifang 开放平台</div>{body}</main></body></html>",
        escape(title)
    );
    let mut resp = (status, html).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    no_store(h);
    resp
}

/// Headers for pages that show secrets or take decisions: not cached, not framed (a consent
/// button inside someone else's frame is a clickjacking target), no scripts, no referrer.
pub fn no_store(h: &mut axum::http::HeaderMap) {
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_encodes_components() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(encode_component("a b/中"), "a%20b%2F%E4%B8%AD");
        assert_eq!(query(&[("a", Some("1")), ("b", None)]), "a=1");
    }
}
