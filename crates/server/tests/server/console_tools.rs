//! The developer's tools and app operations: the API test tool (signs server-side and calls
//! through the real gateway), the message test tool (one encrypted sample to the push URL), and
//! the console pages over them: push settings, message log, traffic, dashboard, test users.

use kaifang_wire::sign::{self, SignInput, SignMethod};
use serde_json::{Value, json};

use crate::common::{TestServer, test_user_token};
use crate::push_support::{Mode, PAY, Receiver, enable, fixture};

const ITEM_LIST: &str = "open.item.list.get";

#[tokio::test]
async fn api_test_signs_server_side_and_calls_through_the_gateway() {
    let t = TestServer::start().await;
    let f = fixture(&t).await;
    let op = &f.op;
    let merchant = t.merchant(op).await;
    let token = test_user_token(&f.dev, &f.app, &merchant).await;
    let param = r#"{"pageNumber":1,"pageSize":10}"#;
    let (s, r) = f
        .dev
        .post(
            &format!("/api/apps/{}/api-test", f.app.id),
            json!({"method": ITEM_LIST, "param": param, "access_token": token, "sign_method": "MD5", "http_method": "POST"}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["result"], 1, "{r}");
    assert_eq!(r["app_key"], f.app.app_key.as_str());
    let sts = r["string_to_sign"].as_str().unwrap();
    assert!(sts.ends_with("&signSecret=***"), "{sts}");
    assert!(!sts.contains(&f.app.sign_secret), "the secret stays masked");
    assert!(!r.to_string().contains(&f.app.sign_secret));
    let timestamp = r["timestamp"].as_str().unwrap();
    let input = SignInput {
        appkey: Some(&f.app.app_key),
        method: Some(ITEM_LIST),
        access_token: Some(&token),
        version: Some("1"),
        sign_method: Some("MD5"),
        timestamp: Some(timestamp),
        param: Some(param),
    };
    assert_eq!(
        r["sign"],
        sign::sign(&input, &f.app.sign_secret, SignMethod::Md5),
        "signed with the app's sign secret"
    );
    assert_eq!(sign::string_to_sign(&input, "***"), sts);
    let raw = r["raw_request"].as_str().unwrap();
    assert!(
        raw.starts_with("POST /open/item/list/get HTTP/1.1\r\n"),
        "{raw}"
    );
    assert!(raw.contains("application/x-www-form-urlencoded"), "{raw}");
    assert!(raw.contains(&format!("sign={}", r["sign"].as_str().unwrap())));
    let resp = r["raw_response"].as_str().unwrap();
    assert!(resp.starts_with("HTTP/1.1 200 OK\r\n"), "{resp}");
    let body: Value = serde_json::from_str(r["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["result"], 1);
    assert!(body["data"]["items"].is_array(), "{body}");
    assert_eq!(r["request_id"], body["requestId"]);

    // HMAC over GET, and the call counts in the app's statistics like any other.
    let (s, r) = f
        .dev
        .post(
            &format!("/api/apps/{}/api-test", f.app.app_key),
            json!({"method": ITEM_LIST, "access_token": token, "http_method": "GET"}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["result"], 1, "{r}");
    assert_eq!(r["sign_method"], "HMAC_SHA256");
    assert!(
        r["raw_request"]
            .as_str()
            .unwrap()
            .starts_with("GET /open/item/list/get?appkey=")
    );
    let (_, stats) = f.dev.get(&format!("/api/apps/{}/stats", f.app.id)).await;
    let m = stats["methods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["method"] == ITEM_LIST)
        .cloned()
        .unwrap_or_default();
    assert_eq!(m["calls"], 2, "{stats}");
}

#[tokio::test]
async fn api_test_shows_the_gateways_refusals_and_checks_ownership() {
    let t = TestServer::start().await;
    let f = fixture(&t).await;
    let path = format!("/api/apps/{}/api-test", f.app.id);

    // The gateway's own answer comes back as the tool's record, not as a tool error.
    let (s, r) = f
        .dev
        .post(
            &path,
            json!({"method": ITEM_LIST, "access_token": "not-a-token"}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    assert_ne!(r["result"], 1);
    assert_eq!(
        r["result"],
        kaifang_wire::ApiError::AccessTokenInvalid.code(),
        "{r}"
    );
    let (_, failures) = f
        .dev
        .get(&format!("/api/apps/{}/stats/failures", f.app.id))
        .await;
    assert_eq!(failures["failures"][0]["method"], ITEM_LIST, "{failures}");

    // A param that is not JSON is sent as typed, and the gateway says so.
    let merchant = t.merchant(&f.op).await;
    let token = test_user_token(&f.dev, &f.app, &merchant).await;
    let (_, r) = f
        .dev
        .post(
            &path,
            json!({"method": ITEM_LIST, "access_token": token, "param": "{oops"}),
        )
        .await;
    assert_eq!(
        r["result"],
        kaifang_wire::ApiError::ParamNotJson.code(),
        "{r}"
    );

    // Tool errors: unknown method, missing token, bad sign method.
    for body in [
        json!({"method": "open.no.such", "access_token": token}),
        json!({"method": ITEM_LIST, "access_token": " "}),
        json!({"method": ITEM_LIST, "access_token": token, "sign_method": "SHA1"}),
        json!({"method": ITEM_LIST, "access_token": token, "http_method": "PUT"}),
    ] {
        let (s, r) = f.dev.post(&path, body.clone()).await;
        assert_eq!(s, 400, "{body} → {r}");
    }

    // Someone else's app.
    let other = t.approved_developer(&f.op, "third_party").await;
    let (s, _) = other
        .post(&path, json!({"method": ITEM_LIST, "access_token": token}))
        .await;
    assert_eq!(s, 404);

    // An app still in review has no credentials to sign with.
    let (s, app) = other
        .post(
            "/api/apps",
            crate::common::app_input("In review", "店铺管理", "电商ERP", &t.url("/cb")),
        )
        .await;
    assert_eq!(s, 200, "{app}");
    let (s, r) = other
        .post(
            &format!("/api/apps/{}/api-test", app["id"]),
            json!({"method": ITEM_LIST, "access_token": token}),
        )
        .await;
    assert_eq!(s, 409, "{r}");
}

#[tokio::test]
async fn message_test_sends_one_encrypted_sample_to_the_push_url() {
    let t = TestServer::start().await;
    let f = fixture(&t).await;
    let rx = Receiver::start(&f.app.push_key, Mode::Ok).await;
    let path = format!("/api/apps/{}/push/test", f.app.id);

    // No URL yet.
    let (s, r) = f.dev.post(&path, json!({"event": PAY})).await;
    assert_eq!(s, 409, "{r}");

    enable(&f.dev, &f.app, &rx.url, &[]).await;
    let (s, r) = f
        .dev
        .post(&path, json!({"event": PAY, "seller_id": f.merchant_id}))
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["http_status"], 200);
    assert_eq!(r["receipt"], r#"{"result":1}"#);
    assert_eq!(r["url"], rx.url.as_str());
    assert!(r["warning"].is_null(), "the sample has the declared fields");
    let plain =
        kaifang_wire::push::decrypt_to_string(&f.app.push_key, r["ciphertext"].as_str().unwrap())
            .unwrap();
    assert_eq!(plain, r["plaintext"].as_str().unwrap());
    let envelope: Value = serde_json::from_str(&plain).unwrap();
    assert_eq!(envelope["event"], PAY);
    assert_eq!(envelope["appKey"], f.app.app_key.as_str());
    assert_eq!(envelope["userId"], f.merchant_id);
    assert_eq!(envelope["eventId"], r["event_id"]);
    assert!(
        !envelope["openId"].as_str().unwrap().is_empty(),
        "{envelope}"
    );
    let info: Value = serde_json::from_str(envelope["info"].as_str().unwrap()).unwrap();
    assert_eq!(info["sellerId"], f.merchant_id);
    let got = rx.messages();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0["eventId"], r["event_id"]);

    // An edited payload is sent as written, with a warning when it leaves the declaration.
    let (_, r) = f
        .dev
        .post(
            &path,
            json!({"event": PAY, "info": {"oid": 77, "sellerId": 1, "status": 30, "updateTime": 1, "extra": true}}),
        )
        .await;
    assert_eq!(r["ok"], true, "{r}");
    assert!(r["warning"].as_str().unwrap().contains("declared"), "{r}");
    let envelope: Value = serde_json::from_str(r["plaintext"].as_str().unwrap()).unwrap();
    assert_eq!(envelope["bizId"], 77);
    assert_eq!(envelope["userId"], 0);

    // A receiver that answers wrongly: not delivered, and why.
    rx.set_mode(Mode::WrongBody);
    let (_, r) = f.dev.post(&path, json!({"event": PAY})).await;
    assert_eq!(r["ok"], false, "{r}");
    assert_eq!(r["http_status"], 200);
    assert_eq!(r["receipt"], r#"{"result":0}"#);
    assert!(r["reason"].as_str().unwrap().contains("result"), "{r}");

    // Test messages are not in the message log.
    let (_, log) = f.dev.get(&format!("/api/apps/{}/messages", f.app.id)).await;
    assert_eq!(log.as_array().unwrap().len(), 0, "{log}");

    // Checks: unknown event, info not an object, a seller who is not a test user, an event
    // outside the app's packages, someone else's app.
    for (body, status) in [
        (json!({"event": "kwaishop_nope"}), 400),
        (json!({"event": PAY, "info": [1]}), 400),
        (json!({"event": PAY, "seller_id": 999_999}), 400),
    ] {
        let (s, r) = f.dev.post(&path, body.clone()).await;
        assert_eq!(s, status, "{body} → {r}");
    }
    let isv = t.approved_developer(&f.op, "third_party").await;
    let printing = t.approved_app(&f.op, &isv, "店铺管理", "打单发货").await;
    let (s, r) = isv
        .post(
            &format!("/api/apps/{}/push/test", printing.id),
            json!({"event": "kwaishop_item_addItem"}),
        )
        .await;
    assert_eq!(s, 403, "{r}");
    let (s, _) = isv.post(&path, json!({"event": PAY})).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn console_tool_pages_sign_send_and_protect_their_forms() {
    let t = TestServer::start().await;
    let f = fixture(&t).await;
    let b = t.page_session(&f.dev.login, &f.dev.password).await;
    let id = f.app.id.to_string();

    let page = b
        .page(&format!("/console/tools/api?app={id}&method={ITEM_LIST}"))
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("pageSize"), "documented parameters");
    assert!(
        page.body
            .contains(&format!("value=\"user:{}\"", f.merchant_id))
    );
    assert!(!page.body.contains(&f.app.sign_secret));

    // The docs centre's API and event pages open the tools on their method or event.
    let page = b.page(&format!("/docs/api/{ITEM_LIST}")).await;
    assert!(
        page.body
            .contains(&format!("/console/tools/api?method={ITEM_LIST}"))
    );
    let page = b.page(&format!("/docs/events/{PAY}")).await;
    assert!(
        page.body
            .contains(&format!("/console/tools/message?event={PAY}"))
    );

    // Without the CSRF token nothing is sent.
    let page = b
        .post_bare(
            "/console/tools/api",
            &[("app", &id), ("method", ITEM_LIST), ("access_token", "x")],
        )
        .await;
    assert_eq!(page.status, 400);

    let user = format!("user:{}", f.merchant_id);
    let page = b
        .submit(
            "/console/tools/api",
            &[
                ("app", &id),
                ("method", ITEM_LIST),
                ("token_source", &user),
                ("param", "{}"),
                ("sign_method", "HMAC_SHA256"),
                ("http_method", "GET"),
            ],
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("data-result=\"1\""), "{}", page.body);
    assert!(!page.body.contains("id=\"refusal\""));
    assert!(
        page.body.contains("signSecret=***"),
        "{}",
        page.body.split("string-to-sign").nth(1).unwrap_or("")
    );
    assert!(!page.body.contains(&f.app.sign_secret));
    assert_eq!(page.headers["cache-control"], "no-store");

    // Push settings through the page: checkboxes become the subscription list.
    let rx = Receiver::start(&f.app.push_key, Mode::Ok).await;
    let page = b
        .submit(
            &format!("/console/apps/{id}/push"),
            &[
                ("action", "save"),
                ("url", &rx.url),
                ("enabled", "on"),
                ("events", PAY),
                ("events", "kwaishop_order_addOrder"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert!(page.location().contains("notice="), "{}", page.location());
    let (_, settings) = f.dev.get(&format!("/api/apps/{id}/push")).await;
    assert_eq!(settings["enabled"], true);
    assert_eq!(
        settings["events"],
        json!([PAY, "kwaishop_order_addOrder"]),
        "{settings}"
    );
    let page = b.page(&format!("/console/apps/{id}/push")).await;
    assert!(
        !page.body.contains(&f.app.push_key),
        "hidden until revealed"
    );
    let page = b
        .submit(
            &format!("/console/apps/{id}/push"),
            &[("action", "reveal_key"), ("password", &f.dev.password)],
        )
        .await;
    assert!(page.body.contains(&f.app.push_key));
    assert_eq!(page.headers["cache-control"], "no-store");
    let page = b
        .submit(
            &format!("/console/apps/{id}/push"),
            &[("action", "reveal_key"), ("password", "wrong-password")],
        )
        .await;
    assert_eq!(page.status, 303);
    assert!(page.location().contains("error="));

    // The message test tool.
    let page = b
        .page(&format!("/console/tools/message?app={id}&event={PAY}"))
        .await;
    assert!(page.body.contains(&rx.url), "shows where it will go");
    let page = b
        .submit(
            "/console/tools/message",
            &[
                ("app", &id),
                ("event", PAY),
                ("seller", &f.merchant_id.to_string()),
                (
                    "info",
                    r#"{"oid": 5, "sellerId": 1, "status": 30, "updateTime": 2}"#,
                ),
            ],
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("data-ok=\"true\""), "{}", page.body);
    assert_eq!(rx.messages().len(), 1);
    let page = b
        .submit(
            "/console/tools/message",
            &[("app", &id), ("event", PAY), ("info", "[not json")],
        )
        .await;
    assert!(page.body.contains("flash err"));
    assert_eq!(rx.messages().len(), 1);
}

#[tokio::test]
async fn console_app_pages_traffic_dashboard_log_and_test_users() {
    let t = TestServer::start().await;
    let f = fixture(&t).await;
    let b = t.page_session(&f.dev.login, &f.dev.password).await;
    let id = f.app.id.to_string();
    let merchant = f.merchant_id.to_string();

    // One good and one failed call through the tool, so the dashboard has both.
    let user = format!("user:{merchant}");
    for source in [user.as_str(), ""] {
        let page = b
            .submit(
                "/console/tools/api",
                &[
                    ("app", &id),
                    ("method", ITEM_LIST),
                    ("token_source", source),
                    ("access_token", "bogus"),
                    ("param", "{}"),
                ],
            )
            .await;
        assert_eq!(page.status, 200);
    }
    let page = b
        .page(&format!("/console/apps/{id}/dashboard?days=7"))
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body.matches("<svg class=\"chart\"").count(), 2);
    assert!(page.body.contains("id=\"total-calls\">2<"), "{}", page.body);
    assert!(page.body.contains("id=\"success-rate\">50%<"));
    assert!(
        page.body.contains("ACCESS_TOKEN"),
        "the failing call's error"
    );

    // Traffic: the reset is refused at this usage.
    let page = b.page(&format!("/console/apps/{id}/traffic")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"used-today\">1<"), "{}", page.body);
    let page = b.submit(&format!("/console/apps/{id}/traffic"), &[]).await;
    assert_eq!(page.status, 303);
    assert!(page.location().contains("error="), "{}", page.location());
    let page = b
        .submit(
            &format!("/console/apps/{id}/traffic"),
            &[("action", "sign_debug"), ("enabled", "on")],
        )
        .await;
    assert!(page.location().contains("notice="), "{}", page.location());
    let (_, traffic) = f.dev.get(&format!("/api/apps/{id}/traffic")).await;
    assert_eq!(traffic["settings"]["sign_debug"], true, "{traffic}");

    // Message log with a filter.
    let page = b
        .page(&format!("/console/apps/{id}/messages?status=failed"))
        .await;
    assert_eq!(page.status, 200);
    let page = b
        .submit(
            &format!("/console/apps/{id}/messages"),
            &[
                ("action", "repush_failed"),
                ("from", "2026-11-20"),
                ("to", "2026-11-27"),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    assert!(page.location().contains("notice="), "{}", page.location());

    // Test users: the copyable link, a fresh code shown once, a 48 h token, end authorization.
    let page = b.page(&format!("/console/apps/{id}")).await;
    assert!(page.body.contains("id=\"auth-link\""));
    assert!(
        page.body.contains("/oauth/authorize?app_id="),
        "{}",
        page.body
    );
    assert!(page.body.contains("data-authorized=\"yes\""));
    let page = b
        .submit(
            &format!("/console/apps/{id}/action"),
            &[("action", "refresh_code"), ("user_id", &merchant)],
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"shown-code\""));
    assert_eq!(page.headers["cache-control"], "no-store");
    let page = b
        .submit(
            &format!("/console/apps/{id}/action"),
            &[("action", "issue_token"), ("user_id", &merchant)],
        )
        .await;
    let token = page
        .body
        .split("id=\"shown-token\" class=\"grow code\" readonly value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let (s, r) = f
        .dev
        .post(
            &format!("/api/apps/{id}/api-test"),
            json!({"method": ITEM_LIST, "access_token": token}),
        )
        .await;
    assert_eq!((s.as_u16(), r["result"].as_i64()), (200, Some(1)), "{r}");
    let page = b
        .submit(
            &format!("/console/apps/{id}/action"),
            &[("action", "end_authorization"), ("user_id", &merchant)],
        )
        .await;
    assert_eq!(page.status, 303);
    let page = b.page(&format!("/console/apps/{id}")).await;
    assert!(page.body.contains("data-authorized=\"no\""));
    let (_, r) = f
        .dev
        .post(
            &format!("/api/apps/{id}/api-test"),
            json!({"method": ITEM_LIST, "access_token": token}),
        )
        .await;
    assert_eq!(
        r["result"],
        kaifang_wire::ApiError::AuthorizationRevoked.code(),
        "{r}"
    );
}
