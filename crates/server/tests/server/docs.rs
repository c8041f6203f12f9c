//! The public docs centre: every catalogued method, event, error code and carrier has its row
//! and page, the example signature on an API page verifies, and its example `param` is one the
//! gateway accepts once signed with real credentials.

use std::collections::HashMap;

use kaifang_commerce::logistics::carriers::CARRIERS;
use kaifang_commerce::outbox::EVENTS;
use kaifang_server::console::docs::{EXAMPLE_SIGN_SECRET, signed_example};
use kaifang_server::gateway::catalogue;
use kaifang_wire::sign::{SignInput, SignMethod, string_to_sign, verify};
use kaifang_wire::{ApiError, OAuthError};
use reqwest::StatusCode;

use crate::common::*;

/// Undoes askama's HTML escaping.
fn unescape(s: &str) -> String {
    s.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// The text of the element with this id (no nested elements), unescaped.
fn by_id(html: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no #{id}")) + marker.len();
    let end = start + html[start..].find('<').unwrap();
    unescape(&html[start..end])
}

fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

#[tokio::test]
async fn every_method_event_error_and_carrier_is_documented() {
    let t = TestServer::start().await;
    let v = t.visitor();

    // The index lists every method (grouped by package) and every event, without logging in.
    let (s, index) = v.get("/docs").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(count(&index, "data-method=\""), catalogue::all().len());
    assert_eq!(count(&index, "data-event=\""), EVENTS.len());
    for m in catalogue::all() {
        assert!(
            index.contains(&format!("href=\"/docs/api/{}\"", m.name)),
            "{}",
            m.name
        );
        assert!(
            index.contains(&format!("id=\"scope-{}\"", m.scope)),
            "{}",
            m.scope
        );
    }

    // One page per method: its scope, every request and response field, a signed example.
    for m in catalogue::all() {
        let (s, page) = v.get(&format!("/docs/api/{}", m.name)).await;
        assert_eq!(s, StatusCode::OK, "{}", m.name);
        assert_eq!(by_id(&page, "scope"), m.scope, "{}", m.name);
        assert_eq!(count(&page, "data-param=\""), m.request.len(), "{}", m.name);
        assert_eq!(
            count(&page, "data-field=\""),
            m.response.len(),
            "{}",
            m.name
        );
        for f in m.request {
            assert!(page.contains(&format!("data-param=\"{}\"", f.name)));
        }
        assert!(page.contains("id=\"string-to-sign\""), "{}", m.name);
        assert!(by_id(&page, "get-url").contains(&kaifang_wire::path::method_to_path(m.name)));
    }
    let (s, _) = v.get("/docs/api/open.no.such.api").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // One page per event with its info fields and an example push that decrypts.
    let (s, events) = v.get("/docs/events").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(count(&events, "data-event=\""), EVENTS.len());
    for e in EVENTS {
        let (s, page) = v.get(&format!("/docs/events/{}", e.name)).await;
        assert_eq!(s, StatusCode::OK, "{}", e.name);
        assert_eq!(
            count(&page, "data-info=\""),
            e.info_fields.len(),
            "{}",
            e.name
        );
        assert_eq!(by_id(&page, "scope"), e.scope.as_str());
        let body = by_id(&page, "body");
        let plain = kaifang_wire::push::decrypt_to_string(
            kaifang_server::console::docs::EXAMPLE_PUSH_KEY,
            &body,
        )
        .unwrap();
        let shown: serde_json::Value = serde_json::from_str(&by_id(&page, "plaintext")).unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&plain).unwrap(),
            shown
        );
        assert_eq!(shown["event"], e.name);
    }
    let (s, _) = v.get("/docs/events/kwaishop_no_such_event").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The error table is the catalogue: every API and OAuth code, once.
    let (s, errors) = v.get("/docs/errors").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        count(&errors, "data-code=\""),
        ApiError::all().len() + OAuthError::all().len()
    );
    for e in ApiError::all() {
        assert!(errors.contains(&format!("data-code=\"{}\"", e.code())));
        assert!(errors.contains(e.name()), "{}", e.name());
    }
    for e in OAuthError::all() {
        assert!(errors.contains(&format!("data-code=\"{}\"", e.result())));
    }

    // All 154 carriers, the retired ones marked with their replacement.
    let (s, carriers) = v.get("/docs/carriers").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(CARRIERS.len(), 154);
    assert_eq!(count(&carriers, "data-carrier=\""), 154);
    assert_eq!(
        count(&carriers, "class=\"carrier retired\""),
        CARRIERS.iter().filter(|c| c.retired).count()
    );
    assert!(carriers.contains("109 极兔速递"), "retired 1 points at 109");

    // Getting started, and English on request.
    let (s, start) = v.get("/docs/start").await;
    assert_eq!(s, StatusCode::OK);
    assert!(start.contains("/oauth2/access_token?app_id="));
    let (s, en) = v.in_lang("en").get("/docs").await;
    assert_eq!(s, StatusCode::OK);
    assert!(en.contains("Docs centre") && en.contains("lang=\"en\""));
    assert!(index.contains("文档中心") && !index.contains("??"));
}

/// The system parameters of a GET URL shown on a page.
fn query_params(url: &str) -> HashMap<String, String> {
    let q = url.split_once('?').unwrap().1;
    kaifang_wire::params::parse_form(q.as_bytes())
        .unwrap()
        .into_iter()
        .collect()
}

#[tokio::test]
async fn the_example_signature_verifies_and_its_param_works_on_the_gateway() {
    let t = TestServer::start().await;
    let v = t.visitor();
    for (query, method) in [("", SignMethod::HmacSha256), ("?sign=md5", SignMethod::Md5)] {
        let (s, page) = v.get(&format!("/docs/api/open.item.list.get{query}")).await;
        assert_eq!(s, StatusCode::OK);
        let p = query_params(&by_id(&page, "get-url"));
        let input = SignInput {
            appkey: p.get("appkey").map(String::as_str),
            method: p.get("method").map(String::as_str),
            access_token: p.get("access_token").map(String::as_str),
            version: p.get("version").map(String::as_str),
            sign_method: p.get("signMethod").map(String::as_str),
            timestamp: p.get("timestamp").map(String::as_str),
            param: p.get("param").map(String::as_str),
        };
        assert_eq!(input.sign_method, Some(method.as_str()));
        assert_eq!(p["param"], by_id(&page, "example-param"));
        assert_eq!(
            string_to_sign(&input, EXAMPLE_SIGN_SECRET),
            by_id(&page, "string-to-sign")
        );
        assert_eq!(p["sign"], by_id(&page, "sign"));
        assert!(
            verify(&input, EXAMPLE_SIGN_SECRET, method, &p["sign"]),
            "the page's sign verifies with kaifang_wire::sign"
        );
        assert!(
            !verify(&input, "another-secret", method, &p["sign"]),
            "and only with the example secret"
        );
        // The curl form carries the same signature.
        assert!(by_id(&page, "curl").contains(&format!("'sign={}'", p["sign"])));
    }

    // The example param of a read method, signed with a real app's credentials, is accepted.
    let Cast {
        dev, app, merchant, ..
    } = t.cast().await;
    let token = test_user_token(&dev, &app, &merchant).await;
    let client = t.sdk_client(&app);
    for name in [
        "open.item.list.get",
        "open.user.seller.get",
        "open.item.category",
    ] {
        let m = catalogue::find(name).unwrap().method;
        let example = signed_example(m, &t.base, SignMethod::HmacSha256);
        let opts = t.hmac_get();
        let env = client
            .send_once(name, &token, &example.param, &opts)
            .await
            .unwrap();
        assert_eq!(env["result"], 1, "{name} with {}: {env}", example.param);
    }
}
