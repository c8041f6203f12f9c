//! Failing receivers: retries follow the schedule (driven by the clock), the log says why each
//! attempt failed, the same eventId comes every time; manual re-push; heartbeat pause/resume.

use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::common::{Actor, AppFixture, START_MS, TestServer};
use kaifang_platform::clock::MINUTE;

const SECOND_MS: i64 = 1000;
use crate::push_support::*;
use serde_json::{Value, json};

async fn message(dev: &Actor, app: &AppFixture, id: &Value) -> Value {
    let (s, m) = dev
        .get(&format!("/api/apps/{}/messages/{id}", app.id))
        .await;
    assert_eq!(s, 200, "{m}");
    m
}

/// Waits until message `id` has `n` recorded attempts.
async fn attempts(dev: &Actor, app: &AppFixture, id: &Value, n: i64) -> Value {
    let mut last = Value::Null;
    eventually(10, &format!("{n} attempts"), async || {
        last = message(dev, app, id).await;
        last["attempts"] == n
    })
    .await;
    last
}

#[tokio::test]
async fn a_wrong_receipt_is_retried_at_5_10_20_30_60_minutes_then_failed() {
    let t = TestServer::start_with(quick).await;
    let f = fixture(&t).await;
    let r = Receiver::start(&f.app.push_key, Mode::WrongBody).await;
    enable(&f.dev, &f.app, &r.url, &[PAY]).await;
    emit(&t, PAY, f.merchant_id, 42).await;
    eventually(10, "message logged", async || {
        !log(&f.dev, &f.app, "").await.is_empty()
    })
    .await;
    let id = log(&f.dev, &f.app, "").await[0]["id"].clone();

    let m = attempts(&f.dev, &f.app, &id, 1).await;
    assert_eq!(m["status"], "pending");
    assert!(
        m["last_error"]
            .as_str()
            .unwrap()
            .contains(r#"{"result":0}"#),
        "{m}"
    );
    let mut at = START_MS;
    for (i, delay) in [5, 10, 20, 30, 60].into_iter().enumerate() {
        let m = message(&f.dev, &f.app, &id).await;
        assert_eq!(m["next_attempt_at"], at + delay * MINUTE, "retry {}", i + 1);
        // One second early: nothing happens.
        t.clock.advance(delay * MINUTE - SECOND_MS);
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert_eq!(message(&f.dev, &f.app, &id).await["attempts"], i as i64 + 1);
        t.clock.advance(SECOND_MS);
        at += delay * MINUTE;
        attempts(&f.dev, &f.app, &id, i as i64 + 2).await;
    }
    let m = message(&f.dev, &f.app, &id).await;
    assert_eq!(m["status"], "failed");
    assert_eq!(m["next_attempt_at"], Value::Null);
    let log_entries = m["attempt_log"].as_array().unwrap();
    assert_eq!(log_entries.len(), 6);
    for a in log_entries {
        assert_eq!(a["http_status"], 200);
        assert_eq!(a["ok"], false);
        assert!(
            a["reason"].as_str().unwrap().contains("not {\"result\":1}"),
            "{a}"
        );
    }
    // Every attempt carried the same eventId.
    let ids: Vec<Value> = r
        .messages()
        .into_iter()
        .map(|m| m.0["eventId"].clone())
        .collect();
    assert_eq!(ids.len(), 6);
    assert!(ids.iter().all(|e| *e == ids[0]));

    // Manual re-push of the failed message, now that the receiver is fixed.
    r.set_mode(Mode::Ok);
    let (s, b) = f
        .dev
        .post(
            &format!("/api/apps/{}/messages/{id}/repush", f.app.id),
            json!({}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let m = attempts(&f.dev, &f.app, &id, 7).await;
    assert_eq!(m["status"], "delivered");
    assert_eq!(r.delivered()[0]["eventId"], ids[0]);

    // The dashboard counts it delivered.
    let (_, stats) = f
        .dev
        .get(&format!("/api/apps/{}/push/stats?days=1", f.app.id))
        .await;
    assert_eq!(stats[0]["delivered"], 1, "{stats}");
}

#[tokio::test]
async fn every_third_request_failing_is_retried_until_all_arrive() {
    let t = TestServer::start_with(quick).await;
    let f = fixture(&t).await;
    let r = Receiver::start(&f.app.push_key, Mode::FailEveryThird).await;
    enable(&f.dev, &f.app, &r.url, &[PAY]).await;
    for biz in 1..=9 {
        emit(&t, PAY, f.merchant_id, biz).await;
    }
    eventually(10, "3 failed first attempts recorded", async || {
        let pending = log(&f.dev, &f.app, "?status=pending").await;
        pending.len() == 3 && pending.iter().all(|m| m["attempts"] == 1)
    })
    .await;
    for m in log(&f.dev, &f.app, "?status=pending").await {
        assert!(
            m["last_error"].as_str().unwrap().starts_with("HTTP 500"),
            "{m}"
        );
        assert_eq!(m["next_attempt_at"], START_MS + 5 * MINUTE);
    }
    assert_eq!(log(&f.dev, &f.app, "?status=delivered").await.len(), 6);
    // The retries: requests 10, 11 and 12; the 12th fails again.
    t.clock.advance(5 * MINUTE);
    eventually(10, "retries recorded", async || {
        let pending = log(&f.dev, &f.app, "?status=pending").await;
        pending.len() == 1 && pending[0]["attempts"] == 2
    })
    .await;
    t.clock.advance(10 * MINUTE);
    eventually(10, "all delivered", async || {
        log(&f.dev, &f.app, "?status=delivered").await.len() == 9
    })
    .await;
    let total: i64 = log(&f.dev, &f.app, "")
        .await
        .iter()
        .map(|m| m["attempts"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 13);
    let mut delivered: Vec<i64> = r
        .delivered()
        .iter()
        .map(|m| m["bizId"].as_i64().unwrap())
        .collect();
    delivered.sort();
    assert_eq!(delivered, (1..=9).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_receiver_that_times_out_is_retried_and_failed_ones_are_repushed_by_range() {
    let t = TestServer::start_with(|s| {
        quick(s);
        s.rules.push_timeout_ms = Some(300);
        s.rules.push_retry_delays_secs = Some(vec![60]);
    })
    .await;
    let f = fixture(&t).await;
    let r = Receiver::start(&f.app.push_key, Mode::Hang(Duration::from_millis(1500))).await;
    enable(&f.dev, &f.app, &r.url, &[PAY]).await;
    emit(&t, PAY, f.merchant_id, 1).await;
    emit(&t, PAY, f.merchant_id, 2).await;
    eventually(10, "timeouts recorded", async || {
        let pending = log(&f.dev, &f.app, "?status=pending").await;
        pending.len() == 2 && pending.iter().all(|m| m["attempts"] == 1)
    })
    .await;
    let id = log(&f.dev, &f.app, "").await[0]["id"].clone();
    let m = message(&f.dev, &f.app, &id).await;
    let a = &m["attempt_log"][0];
    assert_eq!(a["http_status"], Value::Null);
    assert_eq!(a["reason"], "no receipt within 300 ms");
    assert!(a["latency_ms"].as_i64().unwrap() >= 290, "{a}");
    assert_eq!(m["next_attempt_at"], START_MS + MINUTE);

    t.clock.advance(MINUTE);
    eventually(10, "failed after the only retry", async || {
        log(&f.dev, &f.app, "?status=failed").await.len() == 2
    })
    .await;

    // Re-push every failed message of the range once the receiver answers.
    r.set_mode(Mode::Ok);
    let (s, b) = f
        .dev
        .post(
            &format!("/api/apps/{}/messages/repush", f.app.app_key),
            json!({"from": START_MS, "to": START_MS + 1}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["requeued"], 2);
    eventually(10, "re-pushed ones delivered", async || {
        log(&f.dev, &f.app, "?status=delivered").await.len() == 2
    })
    .await;
    let (s, _) = f
        .dev
        .post(
            &format!("/api/apps/{}/messages/repush", f.app.id),
            json!({"from": 5, "to": 1}),
        )
        .await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn failed_heartbeats_pause_the_url_and_a_good_one_resumes_it() {
    let t = TestServer::start_with(quick).await;
    let f = fixture(&t).await;
    let r = Receiver::start(&f.app.push_key, Mode::Ok).await;
    enable(&f.dev, &f.app, &r.url, &[PAY]).await;
    let beats = || r.state.heartbeats.load(Ordering::SeqCst);
    assert_eq!(beats(), 1, "the URL test");
    *r.state.heartbeat_ok.lock().unwrap() = false;
    let push = format!("/api/apps/{}/push", f.app.id);
    for n in 2..=4 {
        t.clock.advance(MINUTE);
        eventually(10, "a heartbeat", async || beats() == n).await;
        if n < 4 {
            // Not paused before the third consecutive failure.
            tokio::time::sleep(Duration::from_millis(60)).await;
            assert_eq!(f.dev.get(&push).await.1["paused_at"], Value::Null);
        }
    }
    eventually(10, "paused", async || {
        f.dev.get(&push).await.1["paused_at"].is_i64()
    })
    .await;
    let (_, notes) = f.dev.get("/api/notifications").await;
    assert_eq!(notes[0]["kind"], "push.paused", "{notes}");

    // While paused, messages wait: stored, not attempted, not dropped.
    emit(&t, PAY, f.merchant_id, 77).await;
    eventually(10, "stored", async || {
        log(&f.dev, &f.app, "?status=pending").await.len() == 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert!(r.messages().is_empty());
    assert_eq!(log(&f.dev, &f.app, "").await[0]["attempts"], 0);

    *r.state.heartbeat_ok.lock().unwrap() = true;
    t.clock.advance(MINUTE);
    eventually(10, "resumed and delivered", async || {
        r.delivered().len() == 1
    })
    .await;
    assert_eq!(f.dev.get(&push).await.1["paused_at"], Value::Null);
    let (_, notes) = f.dev.get("/api/notifications").await;
    assert_eq!(notes[0]["kind"], "push.resumed", "{notes}");
}
