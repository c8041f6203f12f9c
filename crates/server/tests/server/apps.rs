//! Apps over HTTP: creation rules, review, credentials, rotation, lifecycle, permission
//! packages, test and authorized users, uploads.

use crate::common;

use crate::common::{TestServer, app_input, unique};
use kaifang_platform::apps::credentials::active_secrets;
use serde_json::json;

const MERCHANT_CAT: (&str, &str) = ("商家后台应用", "自研系统");

#[tokio::test]
async fn creation_rules() {
    let t = TestServer::start().await;
    let op = t.operator().await;
    let cb = t.url("/cb");

    // Only approved developers create apps.
    let pending = t.submitted_developer("third_party").await;
    let (s, b) = pending
        .post("/api/apps", app_input("A", "店铺管理", "打单发货", &cb))
        .await;
    assert_eq!(s, 403, "{b}");

    let dev = t.approved_developer(&op, "third_party").await;
    for (name, l1, l2, url, why) in [
        ("快手助手", "店铺管理", "打单发货", cb.as_str(), "快手"),
        ("官方工具", "店铺管理", "打单发货", cb.as_str(), "官方"),
        (
            "Good",
            "商家后台应用",
            "自研系统",
            cb.as_str(),
            "third_party developer may use",
        ),
        (
            "Good",
            "店铺管理",
            "没有这个",
            cb.as_str(),
            "does not exist",
        ),
        (
            "Good",
            "店铺管理",
            "打单发货",
            "http://example.com/cb",
            "https",
        ),
        ("Good", "店铺管理", "打单发货", "not a url", "not a URL"),
        ("", "店铺管理", "打单发货", cb.as_str(), "name"),
    ] {
        let (s, b) = dev.post("/api/apps", app_input(name, l1, l2, url)).await;
        assert_eq!(s, 400, "{name} {l2} {url}: {b}");
        let msg = b["error"]["message"].as_str().unwrap();
        assert!(msg.contains(why), "{msg} should mention {why}");
    }
    let (s, b) = dev.post("/api/apps", json!({"name": "x"})).await;
    assert_eq!(s, 400, "{b}");

    // Unique names per developer; at most 10 apps; nothing half-written on failure.
    let (s, first) = dev
        .post("/api/apps", app_input("App 0", "店铺管理", "打单发货", &cb))
        .await;
    assert_eq!(s, 200, "{first}");
    assert_eq!(first["state"], "in_review");
    assert!(first["app_key"].is_null());
    let (s, _) = dev
        .post("/api/apps", app_input("App 0", "店铺管理", "电商ERP", &cb))
        .await;
    assert_eq!(s, 409);
    for i in 1..10 {
        let (s, b) = dev
            .post(
                "/api/apps",
                app_input(&format!("App {i}"), "店铺管理", "电商ERP", &cb),
            )
            .await;
        assert_eq!(s, 200, "{b}");
    }
    let (s, b) = dev
        .post("/api/apps", app_input("App 10", "店铺管理", "电商ERP", &cb))
        .await;
    assert_eq!(s, 409, "{b}");
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("at most 10")
    );
    let (_, mine) = dev.get("/api/apps").await;
    assert_eq!(mine.as_array().unwrap().len(), 10);

    // Another developer may reuse a name and cannot see these apps.
    let other = t.approved_developer(&op, "third_party").await;
    let (s, _) = other
        .post("/api/apps", app_input("App 0", "店铺管理", "打单发货", &cb))
        .await;
    assert_eq!(s, 200);
    let (s, _) = other.get(&format!("/api/apps/{}", first["id"])).await;
    assert_eq!(s, 404);

    // Deleting frees a slot (a deleted app no longer counts).
    let (s, b) = dev.delete(&format!("/api/apps/{}", first["id"])).await;
    assert_eq!((s.as_u16(), b["state"].as_str()), (200, Some("deleted")));
    let (s, _) = dev
        .post("/api/apps", app_input("App 10", "店铺管理", "电商ERP", &cb))
        .await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn review_credentials_and_rotation() {
    let t = TestServer::start().await;
    let op = t.operator().await;
    let dev = t.approved_developer(&op, "merchant").await;
    let (_, app) = dev
        .post(
            "/api/apps",
            app_input("ERP", MERCHANT_CAT.0, MERCHANT_CAT.1, &t.url("/cb")),
        )
        .await;
    let id = app["id"].as_i64().unwrap();
    assert_eq!(app["self_use"], true);

    // Packages: base + category defaults, granted on creation.
    let (_, pk) = dev.get(&format!("/api/apps/{id}/packages")).await;
    let held: Vec<&str> = pk
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["scope"].as_str().unwrap())
        .collect();
    for s in [
        "user_base",
        "user_info",
        "merchant_user",
        "merchant_order",
        "merchant_item",
        "merchant_refund",
        "merchant_logistics",
    ] {
        assert!(held.contains(&s), "{s} missing from {held:?}");
    }

    // No credentials before approval; rejection needs a reason; resubmit after editing.
    let (s, _) = dev
        .post(&format!("/api/apps/{id}/credentials/reveal"), json!({}))
        .await;
    assert_eq!(s, 409);
    let (s, _) = op
        .post(
            &format!("/api/admin/apps/{id}/review"),
            json!({"approve": false}),
        )
        .await;
    assert_eq!(s, 400);
    let (s, b) = op
        .post(
            &format!("/api/admin/apps/{id}/review"),
            json!({"approve": false, "reason": "图标不清晰"}),
        )
        .await;
    assert_eq!((s.as_u16(), b["state"].as_str()), (200, Some("rejected")));
    let (s, b) = dev
        .post(
            &format!("/api/apps/{id}/lifecycle"),
            json!({"event": "start_scan"}),
        )
        .await;
    assert_eq!(s, 409, "{b}");
    let mut edited = app_input("ERP 2", MERCHANT_CAT.0, MERCHANT_CAT.1, &t.url("/cb2"));
    edited["website"] = json!("https://erp.example.com");
    let (s, b) = dev.put(&format!("/api/apps/{id}"), edited).await;
    assert_eq!(
        (s.as_u16(), b["name"].as_str()),
        (200, Some("ERP 2")),
        "{b}"
    );
    let (s, _) = dev
        .post(
            &format!("/api/apps/{id}/lifecycle"),
            json!({"event": "resubmit"}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, b) = op
        .post(
            &format!("/api/admin/apps/{id}/review"),
            json!({"approve": true}),
        )
        .await;
    assert_eq!((s.as_u16(), b["state"].as_str()), (200, Some("developing")));
    let app_key = b["app_key"].as_str().unwrap().to_string();
    assert!(
        app_key.starts_with("ks")
            && app_key.len() == 20
            && app_key[2..].chars().all(|c| c.is_ascii_digit())
    );

    // Reveal: with an API token directly; the app is reachable by its key as well.
    let (s, c) = dev
        .post(
            &format!("/api/apps/{app_key}/credentials/reveal"),
            json!({}),
        )
        .await;
    assert_eq!(s, 200, "{c}");
    let sign_secret = c["sign_secret"].as_str().unwrap().to_string();
    assert_eq!(sign_secret.len(), 32);
    assert!(sign_secret.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(
        kaifang_wire::push::decrypt(
            c["push_key"].as_str().unwrap(),
            &kaifang_wire::push::encrypt(c["push_key"].as_str().unwrap(), b"x").unwrap()
        )
        .unwrap(),
        b"x"
    );
    let (s, _) = op
        .post(&format!("/api/apps/{id}/credentials/reveal"), json!({}))
        .await;
    assert_eq!(s, 404, "operators do not read developers' secrets");

    // Secrets are ciphertext at rest.
    let p = &t.server.platform;
    let row =
        p.db.fetch_one(
            "SELECT sign_secret_enc FROM apps WHERE id = $1",
            &[id.into()],
        )
        .await
        .unwrap();
    let stored = row.bytes("sign_secret_enc").unwrap();
    assert!(!String::from_utf8_lossy(&stored).contains(&sign_secret));

    // Rotation: the old secret keeps working for the overlap, then stops.
    let (s, r) = dev
        .post(
            &format!("/api/apps/{id}/credentials/rotate"),
            json!({"secret": "sign_secret"}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    let new_secret = r["sign_secret"].as_str().unwrap().to_string();
    assert_ne!(new_secret, sign_secret);
    let active = active_secrets(p, &app_key).await.unwrap().unwrap();
    let now = p.now();
    assert_eq!(
        active.sign_secrets(now).collect::<Vec<_>>(),
        vec![new_secret.as_str(), sign_secret.as_str()]
    );
    t.clock.advance(25 * 3600 * 1000);
    assert_eq!(
        active.sign_secrets(p.now()).collect::<Vec<_>>(),
        vec![new_secret.as_str()]
    );
    let (s, r) = dev
        .post(
            &format!("/api/apps/{id}/credentials/rotate"),
            json!({"secret": "app_secret"}),
        )
        .await;
    assert_eq!(s, 200);
    let active = active_secrets(p, &app_key).await.unwrap().unwrap();
    assert!(active.app_secret_matches(r["app_secret"].as_str().unwrap(), p.now()));
    assert!(active.app_secret_matches(c["app_secret"].as_str().unwrap(), p.now()));
    assert!(!active.app_secret_matches("wrong", p.now()));

    // Lifecycle to online and back, with illegal steps refused.
    let step = |who: &common::Actor, path: String, ev: &'static str| {
        let who = who.clone();
        async move { who.post(&path, json!({"event": ev})).await }
    };
    let (s, b) = op
        .post(
            &format!("/api/admin/apps/{id}/launch-review"),
            json!({"approve": true}),
        )
        .await;
    assert_eq!(s, 409, "{b}");
    assert_eq!(
        step(&dev, format!("/api/apps/{id}/lifecycle"), "start_scan")
            .await
            .1["state"],
        "scanning"
    );
    let (s, _) = step(&dev, format!("/api/apps/{id}/lifecycle"), "scan_passed").await;
    assert_eq!(s, 403, "developers cannot pass their own scan");
    assert_eq!(
        step(
            &op,
            format!("/api/admin/apps/{id}/lifecycle"),
            "scan_passed"
        )
        .await
        .1["state"],
        "launch_review"
    );
    let (s, b) = op
        .post(
            &format!("/api/admin/apps/{id}/launch-review"),
            json!({"approve": true}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["state"].as_str()),
        (200, Some("online")),
        "{b}"
    );
    let (s, b) = dev.delete(&format!("/api/apps/{id}")).await;
    assert_eq!(s, 409);
    assert!(b["error"]["message"].as_str().unwrap().contains("offline"));
    assert_eq!(
        step(&dev, format!("/api/apps/{id}/lifecycle"), "take_offline")
            .await
            .1["state"],
        "offline"
    );
    assert_eq!(
        step(
            &op,
            format!("/api/admin/apps/{id}/lifecycle"),
            "bring_online"
        )
        .await
        .1["state"],
        "online"
    );
    let (s, b) = dev
        .post(
            &format!("/api/apps/{id}/lifecycle"),
            json!({"event": "fly"}),
        )
        .await;
    assert_eq!(s, 400, "{b}");

    // The developer was told about each decision.
    let (_, notes) = dev.get("/api/notifications").await;
    let kinds: Vec<&str> = notes
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"app.rejected") && kinds.contains(&"app.approved"),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn packages_are_applied_for_and_reviewed() {
    let t = TestServer::start().await;
    let op = t.operator().await;
    let dev = t.approved_developer(&op, "third_party").await;
    let app = t.approved_app(&op, &dev, "店铺管理", "打单发货").await;
    let base = format!("/api/apps/{}/packages", app.id);
    let (s, b) = dev.post(&base, json!({"scope": "merchant_nonsense"})).await;
    assert_eq!(s, 400, "{b}");
    let (s, _) = dev.post(&base, json!({"scope": "merchant_order"})).await;
    assert_eq!(s, 409, "already held");
    let (s, b) = dev
        .post(&base, json!({"scope": "merchant_refund", "reason": "售后"}))
        .await;
    assert_eq!((s.as_u16(), b["state"].as_str()), (200, Some("pending")));
    let (s, _) = dev.post(&base, json!({"scope": "merchant_refund"})).await;
    assert_eq!(s, 409, "already pending");
    let (_, q) = op.get("/api/admin/packages").await;
    assert!(
        q.as_array()
            .unwrap()
            .iter()
            .any(|p| p["app_id"] == app.id && p["scope"] == "merchant_refund")
    );
    let review = format!("/api/admin/apps/{}/packages/merchant_refund/review", app.id);
    let (s, b) = op
        .post(&review, json!({"approve": false, "reason": "说明用途"}))
        .await;
    assert_eq!((s.as_u16(), b["state"].as_str()), (200, Some("rejected")));
    let (s, _) = op.post(&review, json!({"approve": true})).await;
    assert_eq!(s, 409, "nothing pending any more");
    let (s, _) = dev
        .post(
            &base,
            json!({"scope": "merchant_refund", "reason": "用于售后同步"}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, b) = op.post(&review, json!({"approve": true})).await;
    assert_eq!((s.as_u16(), b["state"].as_str()), (200, Some("granted")));
    let granted = kaifang_platform::apps::packages::granted(&t.server.platform, app.id)
        .await
        .unwrap();
    assert!(granted.contains(&"merchant_refund".to_string()));
}

#[tokio::test]
async fn test_users_and_authorized_users() {
    let t = TestServer::start().await;
    let op = t.operator().await;
    let dev = t.approved_developer(&op, "merchant").await;
    let (_, app) = dev
        .post(
            "/api/apps",
            app_input("Self", MERCHANT_CAT.0, MERCHANT_CAT.1, &t.url("/cb")),
        )
        .await;
    let id = app["id"].as_i64().unwrap();
    let m = t.merchant(&op).await;
    let path = format!("/api/apps/{id}/test-users");
    let (s, b) = dev.post(&path, json!({"user_id": m.account_id})).await;
    assert_eq!(s, 409, "not before approval: {b}");
    op.post(
        &format!("/api/admin/apps/{id}/review"),
        json!({"approve": true}),
    )
    .await;

    let (s, b) = dev.post(&path, json!({"user_id": m.account_id})).await;
    assert_eq!(s, 200, "{b}");
    let (s, _) = dev.post(&path, json!({"user_id": m.account_id})).await;
    assert_eq!(s, 409);
    // A staff account counts as its main account.
    let staff_login = format!("staff{}", unique());
    let (s, staff) = m
        .post(
            "/api/merchant/staff",
            json!({"login": staff_login, "password": "staff-pass-1", "name": "客服"}),
        )
        .await;
    assert_eq!(s, 200, "{staff}");
    let (s, _) = dev.post(&path, json!({"user_id": staff["id"]})).await;
    assert_eq!(s, 409, "the staff's main account is already listed");
    let (s, b) = dev
        .post(&path, json!({"user_id": dev.account_id + 100_000}))
        .await;
    assert_eq!(s, 404, "{b}");
    let (s, b) = dev.post(&path, json!({"user_id": op.account_id})).await;
    assert_eq!(s, 400, "operators are not merchants: {b}");

    for _ in 0..4 {
        let other = t.merchant(&op).await;
        let (s, _) = dev.post(&path, json!({"user_id": other.account_id})).await;
        assert_eq!(s, 200);
    }
    let sixth = t.merchant(&op).await;
    let (s, b) = dev.post(&path, json!({"user_id": sixth.account_id})).await;
    assert_eq!(s, 409);
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("at most 5"),
        "{b}"
    );
    let (_, list) = dev.get(&path).await;
    assert_eq!(list.as_array().unwrap().len(), 5);
    let (s, _) = dev.delete(&format!("{path}/{}", m.account_id)).await;
    assert_eq!(s, 200);
    let (s, _) = dev.post(&path, json!({"user_id": sixth.account_id})).await;
    assert_eq!(s, 200);

    // Authorized users: self-use apps, once online.
    let auth = format!("/api/apps/{id}/authorized-users");
    let (s, _) = dev.post(&auth, json!({"user_id": m.account_id})).await;
    assert_eq!(s, 409);
    dev.post(
        &format!("/api/apps/{id}/lifecycle"),
        json!({"event": "start_scan"}),
    )
    .await;
    op.post(
        &format!("/api/admin/apps/{id}/lifecycle"),
        json!({"event": "scan_passed"}),
    )
    .await;
    op.post(
        &format!("/api/admin/apps/{id}/launch-review"),
        json!({"approve": true}),
    )
    .await;
    let (s, b) = dev.post(&auth, json!({"user_id": m.account_id})).await;
    assert_eq!(s, 200, "{b}");
    let (_, list) = dev.get(&auth).await;
    assert_eq!(list[0]["user_id"], m.account_id);

    // A third-party app has no authorized users.
    let isv = t.approved_developer(&op, "third_party").await;
    let isv_app = t.approved_app(&op, &isv, "店铺管理", "打单发货").await;
    let (s, _) = isv
        .post(
            &format!("/api/apps/{}/authorized-users", isv_app.id),
            json!({"user_id": m.account_id}),
        )
        .await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn uploads_are_size_limited_and_owned() {
    let t = TestServer::start_with(|s| s.rules.max_upload_bytes = Some(1024)).await;
    let op = t.operator().await;
    let dev = t.approved_developer(&op, "third_party").await;
    let upload = |bytes: Vec<u8>| {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name("prd.pdf")
            .mime_str("application/pdf")
            .unwrap();
        t.http
            .post(t.url("/api/uploads"))
            .bearer_auth(&dev.token)
            .multipart(reqwest::multipart::Form::new().part("file", part))
    };
    let resp = upload(vec![b'x'; 2048]).send().await.unwrap();
    assert_eq!(resp.status(), 413);
    let resp = upload(b"%PDF-1.4 small".to_vec()).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let doc: serde_json::Value = resp.json().await.unwrap();
    let mut input = app_input("With PRD", "店铺管理", "打单发货", &t.url("/cb"));
    input["prd_doc_id"] = doc["id"].clone();
    let (s, b) = dev.post("/api/apps", input.clone()).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["prd_doc_id"], doc["id"]);
    // Someone else's upload cannot be attached or read.
    let other = t.approved_developer(&op, "third_party").await;
    input["name"] = json!("Steal");
    let (s, _) = other.post("/api/apps", input).await;
    assert_eq!(s, 404);
    let (s, _) = other.get(&format!("/api/uploads/{}", doc["id"])).await;
    assert_eq!(s, 404);
    let resp = t
        .http
        .get(t.url(&format!("/api/uploads/{}", doc["id"])))
        .bearer_auth(&dev.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"%PDF-1.4 small");
}
