//! Crash safety of push, with the real `kaifang` binary: events are in the outbox, the server is
//! killed with SIGKILL at arbitrary moments ten times and restarted; in the end every event is
//! delivered at least once, every stored message was attempted, and duplicates are counted.
//!
//! 10 000 events in release builds; 3 000 in debug builds (unoptimised delivery is several
//! times slower and the test must stay under about a minute).

use std::collections::HashSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::push_support::{Mode, Receiver, eventually};
use kaifang_store::testing::{TempDir, fresh_postgres_url};
use kaifang_store::{Db, args};
use serde_json::{Value, json};

const EVENTS: i64 = if cfg!(debug_assertions) {
    3_000
} else {
    10_000
};
const KILLS: usize = 10;

/// A running `kaifang`, killed when dropped (also when the test fails half-way).
struct Proc(Option<Child>);

impl Drop for Proc {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            // Child::kill is SIGKILL on Unix: no shutdown code runs.
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn kaifang(dir: &Path, db_url: Option<&str>, subcommand: &str) -> Proc {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kaifang"));
    c.arg(subcommand)
        .arg("--data-dir")
        .arg(dir)
        .args(["--listen", "127.0.0.1:0", "--log-format", "text"])
        .env_remove("KAIFANG_CONFIG")
        .env("KAIFANG_RULES__PUSH_TICK_MS", "20")
        .env("KAIFANG_RULES__PUSH_POLL_MS", "5")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(dir.join("kaifang.log"))
                .map_or_else(|_| Stdio::null(), Stdio::from),
        );
    if subcommand == "serve" {
        c.arg("--sandbox");
    }
    if let Some(u) = db_url {
        c.args(["--database-url", u]);
    }
    Proc(Some(c.spawn().expect("kaifang starts")))
}

/// The outbox id inside an eventId (`{app}_{outbox}`).
fn outbox_id(event_id: &Value) -> Option<i64> {
    event_id.as_str()?.split('_').nth(1)?.parse().ok()
}

fn kill(child: Proc) {
    drop(child);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_ten_times_loses_nothing() {
    let dir = TempDir::new().unwrap();
    let db_url = fresh_postgres_url().await.unwrap();
    let started = Instant::now();

    // Set-up through the demo: a developer, an app, a merchant who is its test user.
    let demo = kaifang(&dir.0, db_url.as_deref(), "demo");
    let json_path = dir.0.join("demo.json");
    eventually(60, "demo.json", async || json_path.exists()).await;
    let doc: Value = serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    let base = doc["base_url"].as_str().unwrap();
    let token = doc["developer"]["api_token"].as_str().unwrap();
    let app_id = doc["app"]["id"].as_i64().unwrap();
    let merchant = doc["merchant"]["user_id"].as_i64().unwrap();
    let receiver = Receiver::start(doc["app"]["push_key"].as_str().unwrap(), Mode::Ok).await;
    let http = reqwest::Client::new();
    let token_url = format!("{base}/api/apps/{app_id}/test-users/{merchant}/token");
    let r = http
        .post(&token_url)
        .bearer_auth(token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let r = http
        .put(format!("{base}/api/apps/{app_id}/push"))
        .bearer_auth(token)
        .json(
            &json!({"url": receiver.url, "enabled": true, "events": ["kwaishop_order_paySuccess"]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    kill(demo);

    // The events, written while the server is down, as commerce writes them.
    let db = Db::open(db_url.as_deref(), &dir.0.join("kaifang.db"))
        .await
        .unwrap();
    // The demo's own shop data wrote events too; this test counts only its own.
    let base_id = db
        .scalar("SELECT COALESCE(MAX(id), 0) FROM outbox", &[])
        .await
        .unwrap();
    let mut tx = db.begin().await.unwrap();
    for biz in 1..=EVENTS {
        let info =
            json!({"oid": biz, "sellerId": merchant, "status": 30, "updateTime": 1}).to_string();
        tx.execute(
            "INSERT INTO outbox (event, scope, biz_id, seller_id, info, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            &args!["kwaishop_order_paySuccess", "merchant_order", biz, merchant, info, 1_795_737_600_000_i64],
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    // Kill -9 at varied moments while deliveries are in flight.
    let unique = || {
        receiver
            .delivered()
            .iter()
            .filter_map(|m| outbox_id(&m["eventId"]).filter(|&id| id > base_id))
            .collect::<HashSet<_>>()
            .len()
    };
    let mut seen_during_kills = Vec::new();
    for i in 0..KILLS {
        let child = kaifang(&dir.0, db_url.as_deref(), "serve");
        let wait = 300 + (i as u64 * 137) % 700;
        tokio::time::sleep(Duration::from_millis(wait)).await;
        kill(child);
        let recorded = db
            .scalar(
                "SELECT COUNT(*) FROM push_messages WHERE status = 'delivered' AND outbox_id > $1",
                &args![base_id],
            )
            .await
            .unwrap();
        eprintln!("kill {i}: receiver {} recorded {recorded}", unique());
        seen_during_kills.push(unique());
    }

    // A last start finishes the job.
    let last = kaifang(&dir.0, db_url.as_deref(), "serve");
    eventually(60, "every event delivered", async || {
        unique() == EVENTS as usize
    })
    .await;
    eventually(20, "every outcome recorded", async || {
        db.scalar(
            "SELECT COUNT(*) FROM push_messages WHERE status <> 'delivered' AND outbox_id > $1",
            &args![base_id],
        )
        .await
        .unwrap()
            == 0
    })
    .await;
    kill(last);

    let stored = db
        .scalar(
            "SELECT COUNT(*) FROM push_messages WHERE outbox_id > $1",
            &args![base_id],
        )
        .await
        .unwrap();
    assert_eq!(stored, EVENTS, "one message per event, never two");
    let undispatched = db
        .scalar(
            "SELECT COUNT(*) FROM outbox WHERE dispatched_at IS NULL",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(undispatched, 0);
    let never_attempted = db
        .scalar(
            "SELECT COUNT(*) FROM push_messages m WHERE m.status <> 'dropped' AND (m.attempts = 0
             OR NOT EXISTS (SELECT 1 FROM push_attempts a WHERE a.message_id = m.id))",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(never_attempted, 0, "every stored message was attempted");
    let received = receiver
        .delivered()
        .iter()
        .filter(|m| outbox_id(&m["eventId"]).is_some_and(|id| id > base_id))
        .count();
    let duplicates = received - EVENTS as usize;
    eprintln!(
        "push crash test: {EVENTS} events, {KILLS} kills, delivered before each kill {seen_during_kills:?}, \
         {received} receipts, {duplicates} duplicates ({:.2} %), {:.1} s",
        duplicates as f64 * 100.0 / EVENTS as f64,
        started.elapsed().as_secs_f64()
    );
    // Progress was made while being killed, i.e. the kills really hit deliveries in flight.
    assert!(
        seen_during_kills
            .iter()
            .any(|&n| n > 0 && n < EVENTS as usize),
        "{seen_during_kills:?}"
    );
    db.close().await;
}
