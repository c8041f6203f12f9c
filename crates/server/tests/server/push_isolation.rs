//! One slow endpoint must not delay another: two apps receive the same events; when one of them
//! hangs until the receipt timeout, the other's latency stays in its normal range.

use std::time::{Duration, Instant};

use crate::common::TestServer;
use crate::push_support::*;

/// Emits `n` events and returns the healthy receiver's latencies (ms, from the outbox write to
/// the receipt), sorted.
async fn round(
    t: &TestServer,
    seller: i64,
    first_biz: i64,
    n: i64,
    healthy: &Receiver,
) -> Vec<u128> {
    let before = healthy.delivered().len();
    let mut sent = Vec::new();
    for biz in first_biz..first_biz + n {
        sent.push((biz, Instant::now()));
        emit(t, PAY, seller, biz).await;
    }
    eventually(20, "healthy endpoint got the round", async || {
        healthy.delivered().len() >= before + n as usize
    })
    .await;
    let msgs = healthy.messages();
    let mut lat: Vec<u128> = sent
        .iter()
        .map(|(biz, at)| {
            let got = msgs
                .iter()
                .find(|m| m.0["bizId"] == *biz)
                .expect("delivered")
                .1;
            got.duration_since(*at).as_millis()
        })
        .collect();
    lat.sort();
    lat
}

#[tokio::test]
async fn a_hanging_endpoint_does_not_delay_a_healthy_one() {
    let t = TestServer::start_with(|s| {
        quick(s);
        s.rules.push_timeout_ms = Some(2000);
        s.rules.push_endpoint_concurrency = Some(4);
    })
    .await;
    let f = fixture(&t).await;
    let other = t
        .approved_app(&f.op, &f.dev, "商家后台应用", "自研系统")
        .await;
    authorize(&f.dev, &other, f.merchant_id).await;
    let healthy = Receiver::start(&f.app.push_key, Mode::Ok).await;
    let sick = Receiver::start(&other.push_key, Mode::Ok).await;
    enable(&f.dev, &f.app, &healthy.url, &[PAY]).await;
    enable(&f.dev, &other, &sick.url, &[PAY]).await;

    let normal = round(&t, f.merchant_id, 1, 60, &healthy).await;
    sick.set_mode(Mode::Hang(Duration::from_secs(30)));
    let during = round(&t, f.merchant_id, 1000, 60, &healthy).await;
    let p99 = |v: &Vec<u128>| v[v.len() * 99 / 100 - 1];
    eprintln!(
        "healthy endpoint p99: {} ms normally, {} ms beside a hanging one",
        p99(&normal),
        p99(&during)
    );
    // The hanging endpoint holds its 4 slots for 2 s each; the healthy one must not wait for them.
    assert!(
        p99(&during) <= (p99(&normal) * 3).max(300),
        "normal {normal:?}\nduring {during:?}"
    );
    assert!(*during.last().unwrap() < 1500, "{during:?}");
    // The hanging endpoint's messages are still pending (timeouts recorded), not lost.
    eventually(10, "timeouts recorded", async || {
        let m = log(&f.dev, &other, "?status=pending").await;
        m.iter().any(|m| m["attempts"] == 1)
    })
    .await;
}
