//! The worker's lifecycle and the app's: stopping the worker ends everything it started (a
//! heartbeat in flight included), and the pending messages of a deleted app are dropped with a
//! reason instead of staying pending for ever.

use std::sync::atomic::Ordering;
use std::time::Duration;

use kaifang_platform::clock::{HOUR, MINUTE};
use kaifang_store::args;

use crate::common::TestServer;
use crate::push_support::*;

async fn heartbeat_failures(t: &TestServer, app_id: i64) -> i64 {
    t.server
        .platform
        .db
        .scalar(
            "SELECT heartbeat_failures FROM push_settings WHERE app_id = $1",
            &args![app_id],
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn stopping_the_worker_ends_a_heartbeat_in_flight_and_starts_no_more() {
    let mut t = TestServer::start_with(quick).await;
    let f = fixture(&t).await;
    let r = Receiver::start(&f.app.push_key, Mode::Ok).await;
    enable(&f.dev, &f.app, &r.url, &[PAY]).await;
    let beats = || r.state.heartbeats.load(Ordering::SeqCst);
    assert_eq!(beats(), 1, "the URL test");

    // The next heartbeat fails, slowly: it is in flight when the worker stops.
    *r.state.heartbeat_ok.lock().unwrap() = false;
    *r.state.heartbeat_delay.lock().unwrap() = Duration::from_millis(300);
    t.clock.advance(MINUTE);
    eventually(10, "a heartbeat in flight", async || beats() == 2).await;
    t.server.stop_push().await;

    // Past the receiver's delay: a heartbeat task still running would now record its failure.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(heartbeat_failures(&t, f.app.id).await, 0);
    // And the clock moving starts no heartbeat.
    for _ in 0..5 {
        t.clock.advance(MINUTE);
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    assert_eq!(beats(), 2);
}

#[tokio::test]
async fn pending_messages_of_a_deleted_app_are_dropped_and_not_retried() {
    let t = TestServer::start_with(quick).await;
    let f = fixture(&t).await;
    let r = Receiver::start(&f.app.push_key, Mode::WrongBody).await;
    enable(&f.dev, &f.app, &r.url, &[PAY]).await;
    emit(&t, PAY, f.merchant_id, 1).await;
    eventually(10, "a failed first attempt", async || {
        let m = log(&f.dev, &f.app, "?status=pending").await;
        m.len() == 1 && m[0]["attempts"] == 1
    })
    .await;
    let beats = r.state.heartbeats.load(Ordering::SeqCst);

    let (s, b) = f.dev.delete(&format!("/api/apps/{}", f.app.id)).await;
    assert_eq!(s, 200, "{b}");
    let db = &t.server.platform.db;
    let status = async |biz: i64| {
        let row = db
            .fetch_one(
                "SELECT status, drop_reason, attempts FROM push_messages WHERE app_id = $1 AND biz_id = $2",
                &args![f.app.id, biz],
            )
            .await
            .unwrap();
        (
            row.text("status").unwrap(),
            row.opt_text("drop_reason").unwrap(),
            row.i64("attempts").unwrap(),
        )
    };
    eventually(10, "dropped as app_deleted", async || {
        status(1).await == ("dropped".into(), Some("app_deleted".into()), 1)
    })
    .await;

    // Not retried, and no heartbeat either, however far the clock moves.
    for _ in 0..4 {
        t.clock.advance(HOUR);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(r.messages().len(), 1);
    assert_eq!(r.state.heartbeats.load(Ordering::SeqCst), beats);
    assert_eq!(status(1).await.0, "dropped");

    // A message stored for the app after its deletion was seen (a fan-out that judged the app
    // just before) is dropped too, not claimed.
    let now = t.server.platform.now();
    db.execute(
        "INSERT INTO push_messages (app_id, outbox_id, event_id, event, biz_id, seller_id, payload, status,
            next_attempt_at, created_at, updated_at) VALUES ($1, 999999, 'late', $2, 2, $3, '{}', 'pending', $4, $4, $4)",
        &args![f.app.id, PAY, f.merchant_id, now],
    )
    .await
    .unwrap();
    eventually(10, "the late message dropped", async || {
        status(2).await == ("dropped".into(), Some("app_deleted".into()), 0)
    })
    .await;
    assert_eq!(r.messages().len(), 1);
}
