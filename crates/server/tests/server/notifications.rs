//! Review outcomes reach the developer in-app and, when SMTP is configured, by e-mail through
//! a real SMTP conversation with a minimal relay run by the test.

use crate::common::{TestServer, profile, unique};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

/// Accepts SMTP sessions on loopback and sends each received message (the DATA part) to `tx`.
async fn smtp_relay(tx: mpsc::UnboundedSender<String>) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let (r, mut w) = stream.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 test relay\r\n").await.unwrap();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(d) = data.as_mut() {
                        if line == "." {
                            tx.send(data.take().unwrap()).unwrap();
                            w.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            d.push_str(&line);
                            d.push('\n');
                        }
                        continue;
                    }
                    let verb = line
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 test\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            w.write_all(b"221 bye\r\n").await.unwrap();
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    w.write_all(reply).await.unwrap();
                }
            });
        }
    });
    port
}

#[tokio::test]
async fn rejection_is_stored_and_mailed() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let port = smtp_relay(tx).await;
    let t = TestServer::start_with(|s| {
        s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        s.mail_from = Some("review@kaifang.test".into());
    })
    .await;
    let op = t.operator().await;
    let email = format!("mail{}@test.dev", unique());
    t.post_anon(
        "/api/signup",
        json!({"email": email, "password": "developer-pass", "name": "M"}),
    )
    .await;
    let dev = t.log_in(&email, "developer-pass").await;
    dev.post("/api/developer/agreement", json!({"version": "2023-09-12"}))
        .await;
    dev.put("/api/developer/profile", profile("third_party", "MAIL-LIC"))
        .await;
    let (_, d) = dev.post("/api/developer/submit", json!({})).await;
    let (s, _) = op
        .post(
            &format!("/api/admin/developers/{}/review", d["id"]),
            json!({"approve": false, "reason": "请补充法人身份证"}),
        )
        .await;
    assert_eq!(s, 200);

    let mail = tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
        .await
        .expect("mail sent")
        .unwrap();
    assert!(
        mail.contains("admin@example.com"),
        "sent to the administrator's address: {mail}"
    );
    assert!(mail.contains("review@kaifang.test"));
    let (_, notes) = dev.get("/api/notifications").await;
    assert_eq!(notes[0]["kind"], "developer.rejected");
    assert!(
        notes[0]["body"]
            .as_str()
            .unwrap()
            .contains("请补充法人身份证")
    );
    let id = notes[0]["id"].as_i64().unwrap();
    let (s, _) = dev
        .post(&format!("/api/notifications/{id}/read"), json!({}))
        .await;
    assert_eq!(s, 200);
    let (_, notes) = dev.get("/api/notifications").await;
    assert!(notes[0]["read_at"].is_i64());
    let (s, _) = op
        .post(&format!("/api/notifications/{id}/read"), json!({}))
        .await;
    assert_eq!(s, 404, "someone else's notification");
}
