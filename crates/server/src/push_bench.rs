//! `kaifang bench push`: end-to-end push throughput and latency on this machine.
//!
//! Starts a sandbox server (SQLite in a fresh temporary folder unless `--database-url`, system
//! clock) with the demo data, an in-process receiver on 127.0.0.1 that decrypts every body and
//! answers `{"result":1}`, and the demo app's push pointed at it. Then two phases write events
//! straight into the outbox, as commerce does:
//!
//! 1. throughput: `events` events as fast as the outbox takes them; deliveries/s from the first
//!    write until the receiver has them all;
//! 2. latency: `rate` events/s for `seconds`; percentiles of created (the event's `createTime`)
//!    to received (at the receiver), in ms.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::routing::post;
use kaifang_platform::Platform;
use kaifang_platform::clock::Clock;
use kaifang_store::args;
use serde_json::{Value, json};

use crate::config::Settings;

/// What to run.
#[derive(Debug, Clone)]
pub struct PushBenchSpec {
    /// Events of the throughput phase.
    pub events: u64,
    /// Events per second of the latency phase.
    pub rate: u64,
    /// Seconds of the latency phase.
    pub seconds: u64,
    /// PostgreSQL instead of SQLite.
    pub database_url: Option<String>,
}

struct Sink {
    key: String,
    clock: Arc<Clock>,
    received: AtomicU64,
    latencies: Mutex<Vec<i64>>,
}

/// The bench's events have biz ids in `FIRST_BIZ..END_BIZ`, apart from the demo shop's own
/// orders (`26…`, 16 digits), which are not counted.
const FIRST_BIZ: i64 = 3_000_000_000_000;
const END_BIZ: i64 = 4_000_000_000_000;

async fn receive(State(s): State<Arc<Sink>>, body: String) -> &'static str {
    if let Ok(text) = kaifang_wire::push::decrypt_to_string(&s.key, &body)
        && let Ok(v) = serde_json::from_str::<Value>(&text)
        && let Some(created) = v["createTime"].as_i64()
        && v["bizId"]
            .as_i64()
            .is_some_and(|b| (FIRST_BIZ..END_BIZ).contains(&b))
    {
        let lat = s.clock.now() - created;
        s.latencies
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(lat);
        s.received.fetch_add(1, Ordering::AcqRel);
    }
    r#"{"result":1}"#
}

/// Runs the benchmark and prints its figures.
pub fn run(spec: &PushBenchSpec) -> Result<(), String> {
    // Warnings of the worker (RUST_LOG, default info) are part of what a benchmark shows.
    crate::telemetry::init_logs(crate::telemetry::LogFormat::Text);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(run_async(spec))
}

async fn run_async(spec: &PushBenchSpec) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("kaifang-bench-push-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut settings = Settings::new(&dir);
    settings.listen = "127.0.0.1:0".parse().map_err(|e| format!("{e}"))?;
    settings.sandbox = true;
    settings.database_url = spec.database_url.clone();
    let clock = Arc::new(Clock::system());
    let server = crate::start(&settings, clock.clone())
        .await
        .map_err(|e| e.to_string())?;
    let result = phases(spec, &server, &settings, clock).await;
    server.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

async fn phases(
    spec: &PushBenchSpec,
    server: &crate::Server,
    settings: &Settings,
    clock: Arc<Clock>,
) -> Result<(), String> {
    let p = server.platform.clone();
    let path = crate::demo::ensure(server, settings, None)
        .await
        .map_err(|e| e.to_string())?;
    let doc: Value = serde_json::from_slice(&std::fs::read(&path).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    let app_id = doc["app"]["id"].as_i64().ok_or("demo.json: app id")?;
    let app_key = doc["app"]["app_key"].as_str().ok_or("demo.json: app key")?;
    let merchant = doc["merchant"]["user_id"]
        .as_i64()
        .ok_or("demo.json: merchant")?;
    let login = doc["developer"]["login"]
        .as_str()
        .ok_or("demo.json: developer")?;
    let (developer, _) = kaifang_platform::accounts::find_by_login(&p, login)
        .await
        .map_err(|e| e.message)?
        .ok_or("demo developer missing")?;
    kaifang_platform::oauth::tokens::test_user_token(&p, &developer, app_key, merchant)
        .await
        .map_err(|e| e.message)?;

    let sink = Arc::new(Sink {
        key: doc["app"]["push_key"]
            .as_str()
            .ok_or("demo.json: push key")?
            .into(),
        clock,
        received: AtomicU64::new(0),
        latencies: Mutex::new(Vec::new()),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let url = format!(
        "http://{}/push",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    let app = Router::new()
        .route("/push", post(receive))
        .with_state(sink.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    kaifang_push::settings::store(
        &p,
        app_id,
        true,
        Some(&url),
        &["kwaishop_order_paySuccess".to_string()],
    )
    .await
    .map_err(|e| e.message)?;
    // Let the worker see the endpoint, and deliver the demo shop's own events first: the
    // phases measure the bench's events alone.
    tokio::time::sleep(Duration::from_millis(300)).await;
    settle(&p, Duration::from_secs(60)).await?;
    let backend = format!("{:?}", p.db.backend());
    println!(
        "push bench ({backend}): load average before: {}",
        load_average()
    );

    // Phase 1: throughput.
    let started = Instant::now();
    let mut written = 0;
    while written < spec.events {
        let n = (spec.events - written).min(500);
        write_events(&p, merchant, written, n).await?;
        written += n;
    }
    let wrote_in = started.elapsed();
    wait_for(&sink, spec.events, Duration::from_secs(120)).await?;
    let took = started.elapsed();
    let throughput = spec.events as f64 / took.as_secs_f64();
    let mut lat = take(&sink);
    println!(
        "push bench ({backend}): throughput phase: {} events written in {:.2} s, all delivered after {:.2} s = {:.0} deliveries/s (latency under that load: p50 {} ms, p99 {} ms, max {} ms)",
        spec.events,
        wrote_in.as_secs_f64(),
        took.as_secs_f64(),
        throughput,
        pct(&mut lat, 50.0),
        pct(&mut lat, 99.0),
        lat.last().copied().unwrap_or(0)
    );

    // Phase 2: latency at a steady rate, written every 10 ms.
    sink.received.store(0, Ordering::Release);
    let total = spec.rate * spec.seconds;
    let per_tick = (spec.rate / 100).max(1);
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut sent = 0;
    while sent < total {
        tick.tick().await;
        let n = per_tick.min(total - sent);
        write_events(&p, merchant, spec.events + sent, n).await?;
        sent += n;
    }
    wait_for(&sink, total, Duration::from_secs(60)).await?;
    let mut lat = take(&sink);
    println!(
        "push bench ({backend}): latency phase: {} events/s for {} s: created->received p50 {} ms, p90 {} ms, p99 {} ms, p99.9 {} ms, max {} ms",
        spec.rate,
        spec.seconds,
        pct(&mut lat, 50.0),
        pct(&mut lat, 90.0),
        pct(&mut lat, 99.0),
        pct(&mut lat, 99.9),
        lat.last().copied().unwrap_or(0)
    );
    // The last outcomes are recorded a few ms after their receipt: count once they are.
    let _ = settle(&p, Duration::from_secs(5)).await;
    let failed =
        p.db.scalar(
            "SELECT COUNT(*) FROM push_messages WHERE status <> 'delivered' AND status <> 'dropped'
             AND biz_id >= $1 AND biz_id < $2",
            &args![FIRST_BIZ, END_BIZ],
        )
        .await
        .map_err(|e| e.to_string())?;
    println!("push bench: messages not delivered at the end: {failed}");
    let reasons =
        p.db.fetch_all(
            "SELECT status, COALESCE(last_error, '') AS why, COUNT(*) AS n FROM push_messages
             WHERE status <> 'delivered' AND status <> 'dropped' AND biz_id >= $1 AND biz_id < $2
             GROUP BY 1, 2",
            &args![FIRST_BIZ, END_BIZ],
        )
        .await
        .map_err(|e| e.to_string())?;
    for r in &reasons {
        println!(
            "push bench:   {} x {}: {}",
            r.i64("n").map_err(|e| e.to_string())?,
            r.text("status").map_err(|e| e.to_string())?,
            r.text("why").map_err(|e| e.to_string())?
        );
    }
    println!("push bench: load average after: {}", load_average());
    Ok(())
}

/// Waits until the outbox is fanned out and no message is pending.
async fn settle(p: &Platform, limit: Duration) -> Result<(), String> {
    let until = Instant::now() + limit;
    loop {
        let left =
            p.db.scalar(
                "SELECT (SELECT COUNT(*) FROM outbox WHERE dispatched_at IS NULL)
                      + (SELECT COUNT(*) FROM push_messages WHERE status = 'pending')",
                &[],
            )
            .await
            .map_err(|e| e.to_string())?;
        if left == 0 {
            return Ok(());
        }
        if Instant::now() > until {
            return Err(format!(
                "the demo's own events were not delivered: {left} left"
            ));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `/proc/loadavg`'s three averages (the machine may be shared: read figures with them).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".into())
}

async fn write_events(p: &Platform, merchant: i64, first: u64, n: u64) -> Result<(), String> {
    let now = p.now();
    let mut tx = p.db.begin().await.map_err(|e| e.to_string())?;
    for i in 0..n {
        let biz = FIRST_BIZ + i64::try_from(first + i).unwrap_or(0);
        let info =
            json!({"oid": biz, "sellerId": merchant, "status": 30, "updateTime": now}).to_string();
        tx.execute(
            "INSERT INTO outbox (event, scope, biz_id, seller_id, info, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            &args!["kwaishop_order_paySuccess", "merchant_order", biz, merchant, info, now],
        )
        .await
        .map_err(|e| e.to_string())?;
    }
    tx.announce_commit();
    tx.commit().await.map_err(|e| e.to_string())
}

async fn wait_for(sink: &Sink, n: u64, limit: Duration) -> Result<(), String> {
    let until = Instant::now() + limit;
    while sink.received.load(Ordering::Acquire) < n {
        if Instant::now() > until {
            return Err(format!(
                "only {} of {n} deliveries after {} s",
                sink.received.load(Ordering::Acquire),
                limit.as_secs()
            ));
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    Ok(())
}

fn take(sink: &Sink) -> Vec<i64> {
    let mut v = std::mem::take(
        &mut *sink
            .latencies
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    v.sort_unstable();
    v
}

fn pct(sorted: &mut [i64], p: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let i = ((sorted.len() as f64 * p / 100.0).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}
