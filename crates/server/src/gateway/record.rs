//! Step 9, record: call statistics and metrics off the hot path.
//!
//! The pipeline appends one small [`CallRecord`] per call to a buffer (an uncontended lock and a
//! push: no channel, no task wake-up per call, which measured as the largest single cost of a
//! call). Each worker thread has its own buffer, so the two cores of a small machine do not pass
//! one lock's cache line back and forth on every call, and buffers keep their capacity from one
//! round to the next (regrowing 50 000 records a second measured as 4 % of a call). A background
//! task takes the buffers every second, counts the calls in the Prometheus series ([`Meters`]:
//! one writer, so the hot path touches no shared counter), aggregates them per app x method x
//! day x outcome (count, latency sum and histogram), keeps the failed calls, and writes
//! everything (plus the traffic counters' increments) in one batch. It also writes when asked
//! ([`Recorder::flush`], used by the statistics endpoints and `/metrics` so they show what was
//! just called) and when the gateway is dropped at shutdown.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kaifang_platform::Platform;
use kaifang_store::args;
use tokio::sync::{mpsc, oneshot};

use super::catalogue::Entry;
use super::limits::Limits;
use super::meters::{CacheName, Meters};

/// How many failed calls are kept per app.
pub const FAILURES_KEPT: i64 = 100;
/// Upper bounds of the latency histogram buckets, in microseconds (the last is open).
pub const LATENCY_BUCKETS_US: [u64; 5] = [1_000, 5_000, 25_000, 100_000, 500_000];

/// One finished call.
#[derive(Debug)]
pub struct CallRecord {
    /// The app, when the appkey was known (only those calls go into the statistics).
    pub app_id: Option<i64>,
    /// The catalogue entry, when the method was known.
    pub entry: Option<Entry>,
    /// The method as called (catalogue name, or the clipped text the client sent).
    pub method: Cow<'static, str>,
    /// Calendar day of the call.
    pub day: i64,
    /// `result`: 1 or the error code.
    pub code: i64,
    /// `"SUCCESS"` or the error's name, for the metrics.
    pub outcome: &'static str,
    /// Time spent, µs.
    pub latency_us: u64,
    /// Whether the app was found in its cache (`None`: not looked up).
    pub app_cache_hit: Option<bool>,
    /// Whether the token was found in its cache (`None`: not looked up).
    pub token_cache_hit: Option<bool>,
    /// For failures: the message, request id and time.
    pub failure: Option<(String, String, i64)>,
}

/// Records added up between two yields of the recorder's task.
const DRAIN_SLICE: usize = 256;

/// Buffers: more than worker threads, so each thread usually has one to itself.
const SHARDS: usize = 8;

/// A buffer on its own cache line.
#[repr(align(128))]
#[derive(Default)]
struct Shard(Mutex<Vec<CallRecord>>);

/// Calls recorded since the last aggregation, one buffer per thread.
type Pending = Arc<[Shard; SHARDS]>;

/// This thread's buffer.
fn shard_index() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static INDEX: usize = NEXT.fetch_add(1, Ordering::Relaxed) % SHARDS;
    }
    INDEX.with(|i| *i)
}

/// The recording side, held by the gateway. Dropping every clone makes the task write what is
/// left and stop.
#[derive(Clone)]
pub struct Recorder {
    pending: Pending,
    flush_tx: mpsc::UnboundedSender<oneshot::Sender<()>>,
}

#[derive(Default)]
struct Agg {
    calls: i64,
    latency_us_sum: i64,
    buckets: [i64; 6],
}

type StatKey = (i64, Cow<'static, str>, i64, i64);

struct Aggregator {
    pending: Pending,
    /// Per buffer, the one swapped in for it when it is taken: each thread's pair of buffers
    /// keeps the capacity that thread needs.
    spares: [Vec<CallRecord>; SHARDS],
    meters: Meters,
    platform: Arc<Platform>,
    limits: Arc<Limits>,
    /// Keyed partly by client text (an unknown method's name), so seeded as the caches are.
    stats: HashMap<StatKey, Agg, foldhash::quality::RandomState>,
    failures: Vec<CallRecord>,
}

impl Recorder {
    /// Starts the background task.
    pub fn spawn(platform: Arc<Platform>, limits: Arc<Limits>) -> Recorder {
        let (flush_tx, rx) = mpsc::unbounded_channel();
        let pending = Pending::default();
        let agg = Aggregator {
            pending: pending.clone(),
            spares: Default::default(),
            meters: Meters::new(),
            platform,
            limits,
            stats: HashMap::default(),
            failures: Vec::new(),
        };
        tokio::spawn(agg.run(rx));
        Recorder { pending, flush_tx }
    }

    /// Records one call (never waits on I/O, never touches the database).
    pub fn record(&self, r: CallRecord) {
        self.pending[shard_index()]
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(r);
    }

    /// Writes everything recorded so far, and waits for it.
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if self.flush_tx.send(done).is_ok() {
            let _ = wait.await;
        }
    }
}

impl Aggregator {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<oneshot::Sender<()>>) {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                m = rx.recv() => match m {
                    Some(done) => {
                        self.flush().await;
                        let _ = done.send(());
                    }
                    None => {
                        self.flush().await;
                        break;
                    }
                },
                _ = tick.tick() => self.flush().await,
            }
        }
    }

    /// Moves the buffered calls into the metrics and the aggregate. A second's calls take a
    /// millisecond or two to add up, on one of the threads that serve calls: it yields every
    /// [`DRAIN_SLICE`] records so the calls waiting on that thread are not held up that long.
    async fn drain(&mut self) {
        for i in 0..SHARDS {
            let mut batch = std::mem::take(&mut self.spares[i]);
            std::mem::swap(
                &mut *self.pending[i].0.lock().unwrap_or_else(|e| e.into_inner()),
                &mut batch,
            );
            for (n, r) in batch.drain(..).enumerate() {
                self.add(r);
                if n % DRAIN_SLICE == DRAIN_SLICE - 1 {
                    tokio::task::yield_now().await;
                }
            }
            self.spares[i] = batch;
        }
    }

    fn add(&mut self, r: CallRecord) {
        self.meters.call(r.entry, r.outcome, r.latency_us);
        if let Some(hit) = r.app_cache_hit {
            self.meters.cache(CacheName::App, hit);
        }
        if let Some(hit) = r.token_cache_hit {
            self.meters.cache(CacheName::Token, hit);
        }
        let Some(app_id) = r.app_id else {
            return;
        };
        let agg = self
            .stats
            .entry((app_id, r.method.clone(), r.day, r.code))
            .or_default();
        agg.calls += 1;
        agg.latency_us_sum += i64::try_from(r.latency_us).unwrap_or(i64::MAX);
        let bucket = LATENCY_BUCKETS_US
            .iter()
            .position(|&b| r.latency_us <= b)
            .unwrap_or(LATENCY_BUCKETS_US.len());
        agg.buckets[bucket] += 1;
        if r.failure.is_some() && self.failures.len() < 10 * FAILURES_KEPT as usize {
            self.failures.push(r);
        }
    }

    async fn flush(&mut self) {
        self.drain().await;
        let p = self.platform.clone();
        let today = p.rules.traffic.day_of(p.now());
        let deltas = self.limits.take_deltas(today);
        if let Err(e) = kaifang_platform::traffic::flush_usage(&p, &deltas).await {
            tracing::warn!(error = %e.message, "gateway: writing traffic usage failed; will retry");
            self.limits.restore_deltas(&deltas);
        }
        if self.stats.is_empty() && self.failures.is_empty() {
            return;
        }
        match self.write().await {
            Ok(()) => {
                self.stats.clear();
                self.failures.clear();
            }
            Err(e) => {
                tracing::warn!(error = %e, "gateway: writing call statistics failed; will retry")
            }
        }
    }

    async fn write(&self) -> Result<(), kaifang_store::Error> {
        let mut tx = self.platform.db.begin().await?;
        for ((app_id, method, day, code), a) in &self.stats {
            let b = &a.buckets;
            tx.execute(
                "INSERT INTO call_stats (app_id, method, day, outcome, calls, latency_us_sum, le_1ms, le_5ms, le_25ms, le_100ms, le_500ms, gt_500ms)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                 ON CONFLICT (app_id, method, day, outcome) DO UPDATE SET
                    calls = call_stats.calls + excluded.calls,
                    latency_us_sum = call_stats.latency_us_sum + excluded.latency_us_sum,
                    le_1ms = call_stats.le_1ms + excluded.le_1ms,
                    le_5ms = call_stats.le_5ms + excluded.le_5ms,
                    le_25ms = call_stats.le_25ms + excluded.le_25ms,
                    le_100ms = call_stats.le_100ms + excluded.le_100ms,
                    le_500ms = call_stats.le_500ms + excluded.le_500ms,
                    gt_500ms = call_stats.gt_500ms + excluded.gt_500ms",
                &args![*app_id, method.as_ref(), *day, *code, a.calls, a.latency_us_sum, b[0], b[1], b[2], b[3], b[4], b[5]],
            )
            .await?;
        }
        let mut apps: Vec<i64> = Vec::new();
        for r in &self.failures {
            let (Some(app_id), Some((message, request_id, at))) = (r.app_id, &r.failure) else {
                continue;
            };
            tx.execute(
                "INSERT INTO call_failures (app_id, method, code, message, request_id, at) VALUES ($1, $2, $3, $4, $5, $6)",
                &args![app_id, r.method.as_ref(), r.code, message.as_str(), request_id.as_str(), *at],
            )
            .await?;
            if !apps.contains(&app_id) {
                apps.push(app_id);
            }
        }
        for app_id in apps {
            tx.execute(
                "DELETE FROM call_failures WHERE app_id = $1 AND id NOT IN
                    (SELECT id FROM call_failures WHERE app_id = $1 ORDER BY id DESC LIMIT $2)",
                &args![app_id, FAILURES_KEPT],
            )
            .await?;
        }
        tx.commit().await
    }
}
