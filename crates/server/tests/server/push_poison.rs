//! Poison-event isolation: an event whose fan-out always fails is given up (dropped with a
//! reason) instead of blocking every event behind it.

use kaifang_store::args;
use serde_json::json;

use crate::common::TestServer;
use crate::push_support::*;

#[tokio::test]
async fn a_poison_event_is_dropped_and_the_events_behind_it_are_delivered() {
    let t = TestServer::start_with(quick).await;
    let f = fixture(&t).await;
    let r = Receiver::start(&f.app.push_key, Mode::Ok).await;
    enable(&f.dev, &f.app, &r.url, &[PAY]).await;

    // Five events in one transaction, so that the worker reads them in one batch:
    // 2 already has a message for this app (say, restored from a backup), so storing its message
    // fails every time; 3 carries an info that is not JSON.
    let p = &t.server.platform;
    let mut tx = p.db.begin().await.unwrap();
    let mut ids = Vec::new();
    for biz in 1..=5_i64 {
        let info = if biz == 3 {
            "{not json".to_string()
        } else {
            json!({"oid": biz, "sellerId": f.merchant_id, "status": 30, "updateTime": 1})
                .to_string()
        };
        let row = tx
            .fetch_one(
                "INSERT INTO outbox (event, scope, biz_id, seller_id, info, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &args![PAY, "merchant_order", biz, f.merchant_id, info, p.now()],
            )
            .await
            .unwrap();
        ids.push(row.i64("id").unwrap());
    }
    tx.execute(
        "INSERT INTO push_messages (app_id, outbox_id, event_id, event, biz_id, seller_id, payload, status,
            created_at, updated_at) VALUES ($1, $2, 'restored', $3, 2, $4, '', 'delivered', $5, $5)",
        &args![f.app.id, ids[1], PAY, f.merchant_id, p.now()],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    eventually(10, "the good events delivered", async || {
        let mut got: Vec<i64> = r
            .delivered()
            .iter()
            .map(|m| m["bizId"].as_i64().unwrap())
            .collect();
        got.sort();
        got == [1, 4, 5]
    })
    .await;

    // The corrupt event is in the message log, dropped, with the reason.
    let dropped = log(&f.dev, &f.app, "?status=dropped").await;
    assert_eq!(dropped.len(), 1, "{dropped:?}");
    assert_eq!(dropped[0]["biz_id"], 3);
    assert_eq!(dropped[0]["drop_reason"], "fanout_failed");
    assert!(
        dropped[0]["last_error"]
            .as_str()
            .unwrap()
            .contains("not JSON"),
        "{}",
        dropped[0]
    );
    // The event whose message already existed keeps that message; nothing is left undispatched.
    let restored = log(&f.dev, &f.app, "").await;
    let two: Vec<_> = restored.iter().filter(|m| m["biz_id"] == 2).collect();
    assert_eq!(two.len(), 1);
    assert_eq!(two[0]["event_id"], "restored");
    let left =
        p.db.scalar(
            "SELECT COUNT(*) FROM outbox WHERE dispatched_at IS NULL",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(left, 0);
    // Events after the poison flow as usual.
    emit(&t, PAY, f.merchant_id, 6).await;
    eventually(10, "a later event delivered", async || {
        r.delivered().iter().any(|m| m["bizId"] == 6)
    })
    .await;
}
