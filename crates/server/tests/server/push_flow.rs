//! Push settings, fan-out with K4001's filters, the delivered envelope, the message log and the
//! dashboard figures.

use crate::common;

use crate::common::TestServer;
use crate::push_support::*;
use serde_json::{Value, json};

#[tokio::test]
async fn settings_test_the_url_and_only_allow_held_events() {
    let t = TestServer::start_with(quick).await;
    let f = fixture(&t).await;
    let path = format!("/api/apps/{}/push", f.app.app_key);

    let (s, b) = f.dev.get(&path).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["enabled"], false);
    let available = b["available_events"].as_array().unwrap();
    assert!(available.contains(&json!(PAY)) && available.contains(&json!(ADD_REFUND)));
    assert!(b.get("push_key").is_none());

    // A URL that answers the test message wrongly is not saved, and the reason is given.
    let wrong = Receiver::start(&f.app.push_key, Mode::Ok).await;
    *wrong.state.heartbeat_ok.lock().unwrap() = false;
    let (s, b) = f
        .dev
        .put(
            &path,
            json!({"url": wrong.url, "enabled": true, "events": [PAY]}),
        )
        .await;
    assert_eq!(s, 400, "{b}");
    assert!(
        b["error"]["message"].as_str().unwrap().contains("HTTP 503"),
        "{b}"
    );
    assert_eq!(
        wrong
            .state
            .heartbeats
            .load(std::sync::atomic::Ordering::SeqCst),
        1
    );
    let (_, b) = f.dev.get(&path).await;
    assert_eq!(b["url"], Value::Null);

    // An unknown event, and an event whose package the app lacks.
    let good = Receiver::start(&f.app.push_key, Mode::Ok).await;
    let (s, b) = f
        .dev
        .put(
            &path,
            json!({"url": good.url, "enabled": true, "events": ["kwaishop_nothing"]}),
        )
        .await;
    assert_eq!(s, 400, "{b}");

    // The numeric id works as well as the app key; a good URL is saved.
    let (s, b) = f
        .dev
        .put(
            &format!("/api/apps/{}/push", f.app.id),
            json!({"url": good.url, "enabled": true, "events": [PAY, ADD_REFUND]}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["enabled"], true);
    assert_eq!(b["events"], json!([PAY, ADD_REFUND]));
    assert_eq!(
        good.state
            .heartbeats
            .load(std::sync::atomic::Ordering::SeqCst),
        1
    );

    // Push on without a URL is refused; someone else's app is not found.
    let (s, _) = f
        .dev
        .put(&path, json!({"url": null, "enabled": true, "events": []}))
        .await;
    assert_eq!(s, 400);
    let other = t.approved_developer(&f.op, "merchant").await;
    let (s, _) = other.get(&path).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn item_events_need_the_item_package() {
    let t = TestServer::start_with(quick).await;
    let op = t.operator().await;
    let dev = t.approved_developer(&op, "third_party").await;
    // An order-processing app holds merchant_order but not merchant_item.
    let app = t.approved_app(&op, &dev, "店铺管理", "打单发货").await;
    let r = Receiver::start(&app.push_key, Mode::Ok).await;
    let (s, b) = dev
        .put(
            &format!("/api/apps/{}/push", app.id),
            json!({"url": r.url, "enabled": true, "events": ["kwaishop_item_addItem"]}),
        )
        .await;
    assert_eq!(s, 403, "{b}");
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("merchant_item"),
        "{b}"
    );
}

#[tokio::test]
async fn production_mode_refuses_internal_push_urls() {
    let t = TestServer::start_with(|s| {
        s.sandbox = false;
        quick(s);
    })
    .await;
    let f = production_fixture(&t).await;
    for url in [
        "http://127.0.0.1:9/push",
        "http://10.0.0.1/push",
        "http://169.254.169.254/latest",
        "http://localhost:9/",
    ] {
        let (s, b) = f
            .dev
            .put(
                &format!("/api/apps/{}/push", f.app.id),
                json!({"url": url, "enabled": true, "events": [PAY]}),
            )
            .await;
        assert_eq!(s, 400, "{url}: {b}");
        assert!(
            b["error"]["message"].as_str().unwrap().contains("address"),
            "{b}"
        );
    }
}

#[tokio::test]
async fn an_event_is_delivered_encrypted_with_open_ids_and_logged() {
    let t = TestServer::start_with(quick).await;
    let f = fixture(&t).await;
    let r = Receiver::start(&f.app.push_key, Mode::Ok).await;
    enable(&f.dev, &f.app, &r.url, &[PAY, ADD_ORDER]).await;

    emit(&t, ADD_ORDER, f.merchant_id, 2_600_000_000_001).await;
    eventually(10, "delivery", async || r.delivered().len() == 1).await;
    let env = &r.delivered()[0];
    assert_eq!(env["event"], ADD_ORDER);
    assert_eq!(env["bizId"], 2_600_000_000_001_i64);
    assert_eq!(env["userId"], f.merchant_id);
    assert_eq!(env["appKey"], f.app.app_key.as_str());
    assert_eq!(env["test"], false);
    assert_eq!(env["createTime"], common::START_MS);
    let open_id = env["openId"].as_str().unwrap();
    assert_eq!(open_id.len(), 32);
    let info: Value = serde_json::from_str(env["info"].as_str().unwrap()).unwrap();
    assert_eq!(info["openId"], open_id);
    assert_eq!(
        info["buyerOpenId"], open_id,
        "the buyer here is the merchant itself"
    );
    assert!(
        env["eventId"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{}_", f.app.id))
    );

    // The log shows it delivered, with one successful attempt.
    eventually(10, "log shows delivered", async || {
        log(&f.dev, &f.app, "?status=delivered").await.len() == 1
    })
    .await;
    let m = &log(&f.dev, &f.app, "").await[0];
    assert_eq!(m["event_id"], env["eventId"]);
    let (s, d) = f
        .dev
        .get(&format!("/api/apps/{}/messages/{}", f.app.id, m["id"]))
        .await;
    assert_eq!(s, 200, "{d}");
    let attempts = d["attempt_log"].as_array().unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0]["http_status"], 200);
    assert_eq!(attempts[0]["ok"], true);
    let payload: Value = serde_json::from_str(d["payload"].as_str().unwrap()).unwrap();
    assert_eq!(&payload, env);

    // Filters by event and time.
    assert_eq!(log(&f.dev, &f.app, &format!("?event={PAY}")).await.len(), 0);
    assert_eq!(
        log(&f.dev, &f.app, &format!("?from={}", common::START_MS + 1))
            .await
            .len(),
        0
    );
    let (s, _) = f
        .dev
        .get(&format!("/api/apps/{}/messages?status=nope", f.app.id))
        .await;
    assert_eq!(s, 400);

    // Dashboard: one day, one delivered message.
    let (s, stats) = f
        .dev
        .get(&format!("/api/apps/{}/push/stats?days=7", f.app.id))
        .await;
    assert_eq!(s, 200, "{stats}");
    let days = stats.as_array().unwrap();
    assert_eq!(days.len(), 7);
    let today = days.last().unwrap();
    assert_eq!(today["day"], "2026-11-27");
    assert_eq!(today["total"], 1);
    assert_eq!(today["delivered"], 1);
    assert_eq!(today["success_rate"], 1.0);
}

#[tokio::test]
async fn the_five_filters_drop_and_say_why() {
    let t = TestServer::start_with(quick).await;
    let f = fixture(&t).await;
    let r = Receiver::start(&f.app.push_key, Mode::Ok).await;

    // 1. Push off: the app has no push settings yet.
    emit(&t, PAY, f.merchant_id, 1).await;
    eventually(10, "push_off drop", async || {
        log(&f.dev, &f.app, "?status=dropped").await.len() == 1
    })
    .await;
    assert_eq!(log(&f.dev, &f.app, "").await[0]["drop_reason"], "push_off");

    // 4. Not subscribed.
    enable(&f.dev, &f.app, &r.url, &[PAY]).await;
    emit(&t, ADD_REFUND, f.merchant_id, 2).await;
    // 5. The merchant's authorization lacks the scope: a second merchant whose authorization
    //    covers the order package only.
    let m2 = t.merchant(&f.op).await;
    authorize(&f.dev, &f.app, m2.account_id).await;
    t.server
        .platform
        .db
        .execute(
            "UPDATE oauth_authorizations SET scopes = 'merchant_user' WHERE user_id = $1",
            &kaifang_store::args![m2.account_id],
        )
        .await
        .unwrap();
    emit(&t, PAY, m2.account_id, 3).await;
    // 3. Authorization ended: the developer ends the test authorization.
    let m3 = t.merchant(&f.op).await;
    authorize(&f.dev, &f.app, m3.account_id).await;
    let (s, b) = f
        .dev
        .delete(&format!(
            "/api/apps/{}/test-users/{}/authorization",
            f.app.id, m3.account_id
        ))
        .await;
    assert_eq!(s, 200, "{b}");
    emit(&t, PAY, m3.account_id, 4).await;
    // A merchant unrelated to the app: nothing recorded at all.
    let stranger = t.merchant(&f.op).await;
    emit(&t, PAY, stranger.account_id, 5).await;
    // And one that flows.
    emit(&t, PAY, f.merchant_id, 6).await;
    eventually(10, "the good one delivered", async || {
        r.delivered().len() == 1
    })
    .await;
    assert_eq!(r.delivered()[0]["bizId"], 6);

    let reasons = |biz: i64| {
        let dev = f.dev.clone();
        let app = f.app.clone();
        async move {
            log(&dev, &app, "")
                .await
                .into_iter()
                .find(|m| m["biz_id"] == biz)
                .map(|m| m["drop_reason"].clone())
        }
    };
    assert_eq!(reasons(2).await, Some(json!("event_not_subscribed")));
    assert_eq!(reasons(3).await, Some(json!("scope_not_granted")));
    assert_eq!(reasons(4).await, Some(json!("authorization_ended")));
    assert_eq!(reasons(5).await, None);
    assert_eq!(reasons(6).await, Some(Value::Null));

    // 2. Not online: in production mode an app that is only approved (developing) is dropped.
    // (Sandbox mode lets it through, as the deliveries above show.)
    let (s, b) = f
        .dev
        .post(
            &format!(
                "/api/apps/{}/messages/{}/repush",
                f.app.id,
                log(&f.dev, &f.app, "?status=dropped").await[0]["id"]
            ),
            json!({}),
        )
        .await;
    assert_eq!(s, 409, "dropped messages are not re-pushed: {b}");
}

#[tokio::test]
async fn production_mode_drops_apps_that_are_not_online() {
    let t = TestServer::start_with(|s| {
        s.sandbox = false;
        quick(s);
    })
    .await;
    let f = production_fixture(&t).await;
    // Production refuses loopback URLs, so the settings are stored directly.
    kaifang_push::settings::store(
        &t.server.platform,
        f.app.id,
        true,
        Some("http://192.0.2.1/push"),
        &[PAY.to_string()],
    )
    .await
    .unwrap();
    emit(&t, PAY, f.merchant_id, 7).await;
    eventually(10, "app_not_online drop", async || {
        log(&f.dev, &f.app, "?status=dropped").await.len() == 1
    })
    .await;
    assert_eq!(
        log(&f.dev, &f.app, "").await[0]["drop_reason"],
        "app_not_online"
    );
}

/// The fan-out sleeps until a commit that wrote to the outbox is announced: with the poll for
/// other nodes' events set to ten minutes, an event committed through `outbox::emit` (what
/// every commerce write calls) is still delivered at once.
#[tokio::test]
async fn an_announced_commit_wakes_the_fan_out_without_polling() {
    let t = TestServer::start_with(|s| {
        quick(s);
        s.rules.push_poll_ms = Some(600_000);
    })
    .await;
    let f = fixture(&t).await;
    let r = Receiver::start(&f.app.push_key, Mode::Ok).await;
    enable(&f.dev, &f.app, &r.url, &[PAY]).await;

    let p = &t.server.platform;
    let mut tx = p.db.begin().await.unwrap();
    kaifang_commerce::outbox::emit(
        &mut tx,
        kaifang_commerce::outbox::Event {
            name: PAY,
            biz_id: 2_600_000_000_002,
            seller_id: f.merchant_id,
            buyer_id: None,
            info: json!({"oid": 2_600_000_000_002_i64, "sellerId": f.merchant_id, "status": 30, "updateTime": 1}),
        },
        p.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    eventually(5, "delivery", async || r.delivered().len() == 1).await;
    assert_eq!(r.delivered()[0]["bizId"], 2_600_000_000_002_i64);
}
