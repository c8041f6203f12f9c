//! https push URLs: rustls with ring. A receiver whose certificate the platform trusts (here a
//! self-signed one added with `push_tls_roots`) gets its messages; one it does not trust is
//! refused with the certificate as the reason.

use crate::common::TestServer;
use crate::push_support::*;
use kaifang_store::testing::TempDir;
use serde_json::json;

#[tokio::test]
async fn https_push_urls_are_delivered_to_a_trusted_receiver_and_refused_otherwise() {
    let trusted = self_signed();
    let dir = TempDir::new().unwrap();
    let roots = dir.0.join("push-roots.pem");
    std::fs::write(&roots, &trusted.pem).unwrap();
    let t = TestServer::start_with(|s| {
        quick(s);
        s.rules.push_tls_roots = Some(roots.clone());
    })
    .await;
    let f = fixture(&t).await;

    let r = Receiver::start_tls(&f.app.push_key, Mode::Ok, &trusted).await;
    assert!(r.url.starts_with("https://127.0.0.1:"), "{}", r.url);
    enable(&f.dev, &f.app, &r.url, &[PAY]).await;
    emit(&t, PAY, f.merchant_id, 7).await;
    eventually(10, "delivered over TLS", async || r.delivered().len() == 1).await;
    assert_eq!(r.delivered()[0]["bizId"], 7);
    eventually(10, "logged delivered", async || {
        log(&f.dev, &f.app, "?status=delivered").await.len() == 1
    })
    .await;

    // A receiver with a certificate nobody vouches for: the URL test fails and says why.
    let stranger = Receiver::start_tls(&f.app.push_key, Mode::Ok, &self_signed()).await;
    let (s, b) = f
        .dev
        .put(
            &format!("/api/apps/{}/push", f.app.id),
            json!({"url": stranger.url, "enabled": true, "events": [PAY]}),
        )
        .await;
    assert_eq!(s, 400, "{b}");
    let why = b["error"]["message"].as_str().unwrap();
    assert!(
        why.contains("could not connect") && why.contains("certificate"),
        "{why}"
    );
}
