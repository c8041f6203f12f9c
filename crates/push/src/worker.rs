//! The push worker: fan-out, per-endpoint delivery, batched completion, the retry scheduler and
//! the heartbeat, as a handful of tasks over one [`Shared`] state.
//!
//! ```text
//! outbox --fan-out task (on each announced commit)--> push_messages (+ outbox.dispatched_at, same tx)
//!            | fresh messages, leased in that tx, handed over in memory
//!            v
//!   endpoint task per app (its own queue, at most endpoint_concurrency requests in flight)
//!            | outcomes
//!            v
//!   completer task: attempts + message states, many per transaction
//!
//! scheduler task (every tick_ms): endpoint settings, heartbeats, and claims of due messages
//! (retries, re-pushes, messages that waited for a paused or busy endpoint, work left by a
//! crash) by conditional UPDATE; woken before its tick when an endpoint whose queue was full
//! has drained half of it, and then claims as much as the queue has room for in one statement.
//! ```
//!
//! Claiming: `UPDATE push_messages SET lease_until = now + lease WHERE id IN (due ids) AND
//! (lease_until IS NULL OR lease_until < now) RETURNING ...` — one SQL text for SQLite and
//! PostgreSQL. On PostgreSQL two nodes racing for a row serialise on its row lock and the loser
//! re-checks the lease condition, so a message is claimed by one node at a time without
//! `FOR UPDATE SKIP LOCKED`. A claim lasts `lease`; a node that dies leaves its claims to expire.
//! At start the node releases every lease (fast resumption after kill -9), which assumes one
//! worker per database; with several nodes that release can only cause a duplicate delivery,
//! never a lost one (at-least-once either way).
//!
//! Isolation: each endpoint has its own queue, its own concurrency bound and its own claims;
//! fan-out hands a fresh message over only when that endpoint's queue has room, otherwise the
//! message waits in the database for the scheduler. A dead endpoint therefore holds at most its
//! own `endpoint_concurrency` requests (each cut at the receipt timeout) and never delays
//! another endpoint's messages.
//!
//! Crash safety: a message exists only inside the transaction that also marks its event
//! dispatched, and it is due from that moment (`next_attempt_at`); until an attempt's outcome is
//! committed it stays `pending` and is claimed again after a restart. Hence at-least-once, with
//! the same `eventId` on every attempt.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kaifang_platform::apps::AppState;
use kaifang_platform::{Platform, Result};
use kaifang_store::{Arg, args};
use kaifang_wire::push::{PushKey, TEST_MESSAGE};
use tokio::sync::{Notify, Semaphore, mpsc, watch};
use tokio::task::{JoinHandle, JoinSet};

use crate::delivery::{Outcome, Sender};
use crate::fanout::{self, Admission};
use crate::retry::{self, AfterFailure};
use crate::{batch, heartbeat, settings};

/// At most this many attempts may be sent and not yet recorded (what a crash can repeat).
const UNRECORDED_CAP: usize = 256;

/// The completer records outcomes in batches: when fewer than this many are waiting, it waits
/// up to [`COMPLETER_WINDOW`] for more. Outcomes are recorded after the receipt (the receiver
/// does not wait for it), and each SQLite commit rewrites the same hot pages into the WAL, so
/// a few large transactions cost far less than many small ones.
const COMPLETER_FILL: usize = 128;
const COMPLETER_WINDOW: Duration = Duration::from_millis(10);

/// Messages queued per endpoint before fresh ones are left to the scheduler.
const QUEUE_PER_SLOT: usize = 64;

/// After a batch fails, each of its events is fanned out alone up to this many times before it
/// is given up (a busy database gets a second chance; a poison event fails every time).
const SOLO_TRIES: u32 = 2;

/// A running worker; stop it with [`Worker::stop`].
pub struct Worker {
    stop: watch::Sender<bool>,
    shared: Arc<Shared>,
    tasks: Vec<JoinHandle<()>>,
}

impl Worker {
    /// Releases leftover leases and starts the tasks.
    pub async fn start(p: Arc<Platform>) -> Result<Worker> {
        // Claims of a previous run of this node (killed or stopped): resume them now instead of
        // waiting for their leases to run out.
        p.db.execute(
            "UPDATE push_messages SET lease_until = NULL WHERE status = 'pending' AND lease_until IS NOT NULL",
            &[],
        )
        .await?;
        let (done_tx, done_rx) = mpsc::unbounded_channel();
        let (stop, stop_rx) = watch::channel(false);
        let shared = Arc::new(Shared {
            sender: Sender::for_platform(&p)?,
            p,
            endpoints: Mutex::new(HashMap::new()),
            done: done_tx,
            tasks: Mutex::new(Some(JoinSet::new())),
            swept: Mutex::new(HashSet::new()),
            unrecorded: AtomicUsize::new(0),
            recorded: Notify::new(),
            wake: Notify::new(),
            writes: tokio::sync::Mutex::new(()),
        });
        let tasks = vec![
            tokio::spawn(completer(shared.clone(), done_rx)),
            tokio::spawn(scheduler(shared.clone(), stop_rx.clone())),
            tokio::spawn(fan_out_loop(shared.clone(), stop_rx)),
        ];
        Ok(Worker {
            stop,
            shared,
            tasks,
        })
    }

    /// Stops every task: the loops, the endpoints, in-flight deliveries and heartbeats. When it
    /// returns, nothing of this worker runs any more (no request is sent, nothing is recorded).
    /// In-flight attempts are abandoned: their messages stay pending and are delivered after
    /// the next start.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        // Taking the set first: a task that tries to spawn from now on spawns nothing.
        let spawned = lock(&self.shared.tasks).take();
        for t in &self.tasks {
            t.abort();
        }
        for t in self.tasks {
            let _ = t.await;
        }
        if let Some(mut set) = spawned {
            set.abort_all();
            while set.join_next().await.is_some() {}
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// State shared by the worker's tasks.
struct Shared {
    p: Arc<Platform>,
    sender: Sender,
    endpoints: Mutex<HashMap<i64, Arc<Endpoint>>>,
    done: mpsc::UnboundedSender<Done>,
    /// Every task spawned besides the three loops (endpoint loops, deliveries, heartbeats), so
    /// that [`Worker::stop`] ends them; `None` once stopped.
    tasks: Mutex<Option<JoinSet<()>>>,
    /// Deleted apps whose pending messages were dropped.
    swept: Mutex<HashSet<i64>>,
    /// Attempts sent or in flight whose outcome is not yet committed. Bounded (UNRECORDED_CAP) so
    /// that a crash repeats at most that many deliveries: sending waits for the completer.
    unrecorded: AtomicUsize,
    recorded: Notify,
    /// Wakes the scheduler before its tick: an endpoint with a backlog in the database has
    /// drained half its queue.
    wake: Notify,
    /// Serialises this worker's write transactions. SQLite has one writer; without this queue
    /// (FIFO) its busy handler lets a writer that commits and begins again (fan-out) starve one
    /// that sleeps between tries (the completer).
    writes: tokio::sync::Mutex<()>,
}

/// One app's push URL with its own queue and concurrency.
struct Endpoint {
    conf: Mutex<Conf>,
    /// `None` once retired (the app was deleted): the endpoint's task ends when it has drained
    /// its queue, sending nothing more.
    queue: Mutex<Option<mpsc::UnboundedSender<Job>>>,
    /// Jobs handed over and not yet sent.
    queued: AtomicUsize,
    /// Messages are due in the database that the queue had no room for: claim them as soon as
    /// it has, instead of at the next tick.
    backlog: AtomicBool,
    heartbeat: Mutex<Beat>,
}

#[derive(Clone)]
struct Conf {
    url: String,
    key: PushKey,
    on: bool,
    paused: bool,
}

struct Beat {
    next_at: i64,
    running: bool,
}

impl Endpoint {
    fn takes_work(&self, limit: usize) -> bool {
        let c = lock(&self.conf);
        c.on && !c.paused && self.queued.load(Ordering::Acquire) < limit
    }

    fn enqueue(&self, job: Job) {
        self.queued.fetch_add(1, Ordering::AcqRel);
        let sent = lock(&self.queue)
            .as_ref()
            .is_some_and(|q| q.send(job).is_ok());
        if !sent {
            self.queued.fetch_sub(1, Ordering::AcqRel);
        }
    }

    /// Takes no more work; queued jobs are skipped (their messages keep their lease and state).
    fn retire(&self) {
        lock(&self.conf).on = false;
        lock(&self.queue).take();
    }
}

/// A claimed message on its way.
struct Job {
    id: i64,
    payload: String,
    step: i64,
}

/// An attempt's outcome for the completer.
struct Done {
    id: i64,
    step: i64,
    at: i64,
    outcome: Outcome,
}

impl Shared {
    fn queue_limit(&self) -> usize {
        self.p.rules.push.endpoint_concurrency * QUEUE_PER_SLOT
    }

    /// Waits while too many outcomes await their commit, then counts one more attempt.
    async fn wait_for_completer(&self) {
        let cap = UNRECORDED_CAP;
        loop {
            let waiting = self.recorded.notified();
            let n = self.unrecorded.load(Ordering::Acquire);
            if n < cap
                && self
                    .unrecorded
                    .compare_exchange(n, n + 1, Ordering::AcqRel, Ordering::Acquire)
                    .is_ok()
            {
                return;
            }
            if n >= cap {
                waiting.await;
            }
        }
    }

    fn endpoint(&self, app_id: i64) -> Option<Arc<Endpoint>> {
        lock(&self.endpoints).get(&app_id).cloned()
    }

    /// Spawns a task that [`Worker::stop`] will end; after stop, spawns nothing.
    fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        let mut tasks = lock(&self.tasks);
        if let Some(set) = tasks.as_mut() {
            // Reap the finished ones so that the set holds only live tasks.
            while set.try_join_next().is_some() {}
            set.spawn(task);
        }
    }

    /// Drops the pending messages of deleted app `app_id` (`app_deleted`): they are never
    /// retried and no longer claimed.
    async fn sweep_deleted(&self, app_id: i64) -> Result<()> {
        let now = self.p.now();
        let turn = self.writes.lock().await;
        let n = self
            .p
            .db
            .execute(
                "UPDATE push_messages SET status = 'dropped', drop_reason = $1, next_attempt_at = NULL,
                    lease_until = NULL, updated_at = $2 WHERE app_id = $3 AND status = 'pending'",
                &args![fanout::Drop::AppDeleted.as_str(), now, app_id],
            )
            .await?;
        drop(turn);
        lock(&self.swept).insert(app_id);
        if n > 0 {
            tracing::info!(
                app_id,
                dropped = n,
                "push: the app was deleted; its pending messages are dropped"
            );
        }
        Ok(())
    }
}

impl Admission for Shared {
    fn admits(&self, app_id: i64) -> bool {
        let Some(e) = self.endpoint(app_id) else {
            return false;
        };
        let admitted = e.takes_work(self.queue_limit());
        if !admitted {
            e.backlog.store(true, Ordering::Release);
        }
        admitted
    }
}

/// Sleeps until a commit that wrote to the outbox is announced, `ms` pass (for events another
/// node wrote), or the worker stops; false when stopped.
async fn await_events(
    commits: &mut watch::Receiver<u64>,
    stop: &mut watch::Receiver<bool>,
    ms: u64,
) -> bool {
    tokio::select! {
        _ = commits.changed() => !*stop.borrow(),
        _ = tokio::time::sleep(Duration::from_millis(ms)) => !*stop.borrow(),
        _ = stop.changed() => false,
    }
}

async fn fan_out_loop(shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let p = shared.p.clone();
    let mut commits = p.db.announced_commits();
    let mut open_ids = HashMap::new();
    let mut idle = true;
    loop {
        if idle && !await_events(&mut commits, &mut stop, p.rules.push.poll_ms).await {
            return;
        }
        // Seen before reading: a commit from now on wakes the next wait.
        commits.borrow_and_update();
        let pending = match fanout::pending(&p, p.rules.push.batch).await {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!(error = %e.message, "push fan-out: reading the outbox failed");
                idle = true;
                continue;
            }
        };
        let read = pending.events.len() + pending.unreadable.len();
        idle = read < p.rules.push.batch;
        for (outbox_id, why) in &pending.unreadable {
            let turn = shared.writes.lock().await;
            let result = fanout::give_up_unreadable(&p, *outbox_id).await;
            drop(turn);
            match result {
                Ok(()) => tracing::warn!(
                    outbox_id,
                    error = %why,
                    "push: an outbox row cannot be read; it is given up (nothing sent) so that the events behind it flow"
                ),
                Err(e) => {
                    tracing::warn!(outbox_id, error = %e.message, "push: giving up an unreadable outbox row failed");
                    idle = true;
                }
            }
        }
        if pending.events.is_empty() {
            continue;
        }
        if let Err(e) = fan_out_batch(&shared, &pending.events, &mut open_ids).await {
            tracing::warn!(error = %e.message, n = pending.events.len(), "push fan-out of a batch failed; fanning its events out one at a time");
            if !isolate(&shared, &pending.events, &mut open_ids).await {
                idle = true;
            }
        }
    }
}

/// Fans out `events` in one transaction and hands the leased messages to their endpoints.
async fn fan_out_batch(
    shared: &Arc<Shared>,
    events: &[fanout::OutboxEvent],
    open_ids: &mut HashMap<(i64, i64), String>,
) -> Result<()> {
    let asked = Instant::now();
    let turn = shared.writes.lock().await;
    let began = Instant::now();
    let result = fanout::fan_out(&shared.p, events, shared.as_ref(), open_ids).await;
    drop(turn);
    let stored = result?;
    tracing::debug!(
        events = events.len(),
        messages = stored.len(),
        wait_us = (began - asked).as_micros(),
        tx_us = began.elapsed().as_micros(),
        "push: fan-out"
    );
    for m in stored.into_iter().filter(|m| m.leased) {
        if let Some(e) = shared.endpoint(m.app_id) {
            e.enqueue(Job {
                id: m.id,
                payload: m.payload,
                step: 0,
            });
        }
    }
    Ok(())
}

/// Poison-event isolation: after a batch failed, fans its events out one at a time; an event
/// that keeps failing on its own while the database answers is given up ([`fanout::give_up`]:
/// dropped as `fanout_failed`, with a warning) so that the events behind it flow. False when
/// the failure looks like the database's (then nothing is given up and the caller backs off).
async fn isolate(
    shared: &Arc<Shared>,
    events: &[fanout::OutboxEvent],
    open_ids: &mut HashMap<(i64, i64), String>,
) -> bool {
    let p = &shared.p;
    for e in events {
        let mut failure = None;
        for attempt in 0..SOLO_TRIES {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(50 * u64::from(attempt))).await;
            }
            match fan_out_batch(shared, std::slice::from_ref(e), open_ids).await {
                Ok(()) => {
                    failure = None;
                    break;
                }
                Err(err) => failure = Some(err),
            }
        }
        let Some(err) = failure else {
            continue;
        };
        // A database that does not answer fails every event: not this event's fault.
        if let Err(db) = p.db.scalar("SELECT CAST(1 AS BIGINT)", &[]).await {
            tracing::warn!(error = %db, "push fan-out: the database does not answer; retrying later");
            return false;
        }
        tracing::warn!(
            outbox_id = e.id,
            event = %e.event,
            biz_id = e.biz_id,
            error = %err.message,
            "push: an event fails to fan out on its own; it is dropped (fanout_failed) so that the events behind it flow"
        );
        let turn = shared.writes.lock().await;
        let mut result = fanout::give_up(p, e, &err.message).await;
        if let Err(why) = &result {
            // Even recording the drop fails: take the event out of the way all the same.
            tracing::warn!(outbox_id = e.id, error = %why.message, "push: recording the dropped event failed; marking it dispatched only");
            result = fanout::give_up_unreadable(p, e.id).await;
        }
        drop(turn);
        if let Err(why) = result {
            tracing::warn!(outbox_id = e.id, error = %why.message, "push: giving up an event failed; retrying later");
            return false;
        }
    }
    true
}

async fn endpoint_loop(
    shared: Arc<Shared>,
    endpoint: Arc<Endpoint>,
    mut rx: mpsc::UnboundedReceiver<Job>,
) {
    let slots = Arc::new(Semaphore::new(shared.p.rules.push.endpoint_concurrency));
    while let Some(job) = rx.recv().await {
        let Ok(permit) = slots.clone().acquire_owned().await else {
            return;
        };
        if !lock(&endpoint.conf).on {
            // Push was turned off or the app deleted since the job was queued: the message
            // keeps its state (and its lease, which runs out) and is not sent.
            endpoint.queued.fetch_sub(1, Ordering::AcqRel);
            continue;
        }
        shared.wait_for_completer().await;
        let task_shared = shared.clone();
        let endpoint = endpoint.clone();
        shared.spawn(async move {
            let shared = task_shared;
            let conf = lock(&endpoint.conf).clone();
            let outcome = shared.sender.send(&conf.url, &conf.key, &job.payload).await;
            let left = endpoint.queued.fetch_sub(1, Ordering::AcqRel) - 1;
            if left < shared.queue_limit() / 2 && endpoint.backlog.swap(false, Ordering::AcqRel) {
                shared.wake.notify_one();
            }
            let _ = shared.done.send(Done {
                id: job.id,
                step: job.step,
                at: shared.p.now(),
                outcome,
            });
            drop(permit);
        });
    }
}

async fn completer(shared: Arc<Shared>, mut rx: mpsc::UnboundedReceiver<Done>) {
    let batch_max = shared.p.rules.push.batch;
    let mut batch: Vec<Done> = Vec::with_capacity(batch_max);
    loop {
        if batch.is_empty() {
            match rx.recv().await {
                Some(d) => batch.push(d),
                None => return,
            }
        }
        while batch.len() < batch_max {
            match rx.try_recv() {
                Ok(d) => batch.push(d),
                Err(_) => break,
            }
        }
        if batch.len() < COMPLETER_FILL {
            let until = tokio::time::Instant::now() + COMPLETER_WINDOW;
            while batch.len() < COMPLETER_FILL {
                match tokio::time::timeout_at(until, rx.recv()).await {
                    Ok(Some(d)) => batch.push(d),
                    Ok(None) | Err(_) => break,
                }
            }
        }
        let asked = Instant::now();
        let turn = shared.writes.lock().await;
        let began = Instant::now();
        let result = complete(&shared.p, &batch).await;
        drop(turn);
        tracing::debug!(
            outcomes = batch.len(),
            wait_us = (began - asked).as_micros(),
            tx_us = began.elapsed().as_micros(),
            "push: outcomes recorded"
        );
        match result {
            Ok(()) => {
                shared.unrecorded.fetch_sub(batch.len(), Ordering::AcqRel);
                shared.recorded.notify_waiters();
                batch.clear();
            }
            Err(e) => {
                tracing::warn!(error = %e.message, n = batch.len(), "push: recording outcomes failed; retrying");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
}

/// Records a batch of outcomes in one transaction: the attempts and the delivered messages with
/// multi-row statements, failures one by one (each has its own schedule).
async fn complete(p: &Platform, batch: &[Done]) -> Result<()> {
    let mut tx = p.db.begin().await?;
    let mut rest = batch;
    for size in batch::plan(batch.len()) {
        let (rows, tail) = rest.split_at(batch::SIZES[size]);
        rest = tail;
        let mut a: Vec<Arg> = Vec::with_capacity(rows.len() * 6);
        for d in rows {
            let o = &d.outcome;
            a.extend(args![
                d.id,
                d.at,
                o.http_status.map(i64::from),
                o.latency_ms,
                o.ok,
                o.reason.as_deref()
            ]);
        }
        tx.execute(&batch::INSERT_ATTEMPTS[size], &a).await?;
    }
    let delivered: Vec<i64> = batch
        .iter()
        .filter(|d| d.outcome.ok)
        .map(|d| d.id)
        .collect();
    let at = batch.iter().map(|d| d.at).max().unwrap_or_else(|| p.now());
    for chunk in batch::padded_chunks(&delivered) {
        let mut a: Vec<Arg> = vec![at.into()];
        a.extend(chunk.into_iter().map(Arg::from));
        tx.execute(&batch::MARK_DELIVERED, &a).await?;
    }
    for d in batch.iter().filter(|d| !d.outcome.ok) {
        let failures = d.step + 1;
        let (status, next) = match retry::after_failure(&p.rules.push, failures, d.at) {
            AfterFailure::RetryAt(t) => ("pending", Some(t)),
            AfterFailure::Fail => ("failed", None),
        };
        // Only while pending: a message dropped meanwhile (its app deleted) stays dropped.
        tx.execute(
            "UPDATE push_messages SET status = $1, attempts = attempts + 1, step = $2, next_attempt_at = $3,
                lease_until = NULL, last_error = $4, updated_at = $5 WHERE id = $6 AND status = 'pending'",
            &args![status, failures, next, d.outcome.reason.as_deref(), d.at, d.id],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn scheduler(shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let p = shared.p.clone();
    let tick = Duration::from_millis(p.rules.push.tick_ms);
    let mut next_tick = tokio::time::Instant::now();
    loop {
        if tokio::time::Instant::now() >= next_tick {
            next_tick = tokio::time::Instant::now() + tick;
            if let Err(e) = refresh_endpoints(&shared).await {
                tracing::warn!(error = %e.message, "push: reading push settings failed");
            }
            heartbeats(&shared);
        }
        if let Err(e) = claim_due(&shared).await {
            tracing::warn!(error = %e.message, "push: claiming due messages failed");
        }
        tokio::select! {
            _ = stop.changed() => return,
            _ = tokio::time::sleep_until(next_tick) => {}
            _ = shared.wake.notified() => {}
        }
        if *stop.borrow() {
            return;
        }
    }
}

/// Creates, updates (URL, switch, pause) the in-memory endpoints from `push_settings`.
async fn refresh_endpoints(shared: &Arc<Shared>) -> Result<()> {
    let p = &shared.p;
    let rows = p
        .db
        .fetch_all(
            "SELECT s.app_id, s.enabled, s.url, s.paused_at, s.updated_at, a.app_key, a.state FROM push_settings s
             JOIN apps a ON a.id = s.app_id WHERE a.app_key IS NOT NULL",
            &[],
        )
        .await?;
    for r in &rows {
        let app_id = r.i64("app_id")?;
        if r.text("state")? == AppState::Deleted.as_str() {
            let retired = lock(&shared.endpoints).remove(&app_id);
            if let Some(e) = retired {
                e.retire();
            }
            if !lock(&shared.swept).contains(&app_id) {
                shared.sweep_deleted(app_id).await?;
            }
            continue;
        }
        let url = r.opt_text("url")?.unwrap_or_default();
        let on = r.bool("enabled")? && !url.is_empty();
        let paused = r.opt_i64("paused_at")?.is_some();
        if let Some(e) = shared.endpoint(app_id) {
            let mut c = lock(&e.conf);
            c.url = url;
            c.on = on;
            c.paused = paused;
            continue;
        }
        let key = settings::push_key(p, &r.text("app_key")?).await?;
        let (tx, rx) = mpsc::unbounded_channel();
        let endpoint = Arc::new(Endpoint {
            conf: Mutex::new(Conf {
                url,
                key,
                on,
                paused,
            }),
            queue: Mutex::new(Some(tx)),
            queued: AtomicUsize::new(0),
            backlog: AtomicBool::new(false),
            // Saving the URL tested it: the first heartbeat is one interval after that.
            heartbeat: Mutex::new(Beat {
                next_at: r.i64("updated_at")? + heartbeat_interval(p),
                running: false,
            }),
        });
        lock(&shared.endpoints).insert(app_id, endpoint.clone());
        shared.spawn(endpoint_loop(shared.clone(), endpoint, rx));
    }
    Ok(())
}

fn heartbeat_interval(p: &Platform) -> i64 {
    (p.rules.push.heartbeat_interval / p.rules.push.time_scale.max(1)).max(1)
}

/// Starts the heartbeats that are due (one at a time per endpoint).
fn heartbeats(shared: &Arc<Shared>) {
    let now = shared.p.now();
    let endpoints: Vec<(i64, Arc<Endpoint>)> = lock(&shared.endpoints)
        .iter()
        .map(|(k, v)| (*k, v.clone()))
        .collect();
    for (app_id, e) in endpoints {
        let conf = lock(&e.conf).clone();
        if !conf.on {
            continue;
        }
        {
            let mut beat = lock(&e.heartbeat);
            if beat.running || now < beat.next_at {
                continue;
            }
            beat.running = true;
            beat.next_at = now + heartbeat_interval(&shared.p);
        }
        let task_shared = shared.clone();
        shared.spawn(async move {
            let shared = task_shared;
            let outcome = shared.sender.send(&conf.url, &conf.key, TEST_MESSAGE).await;
            match heartbeat::record(&shared.p, app_id, &conf.url, &outcome).await {
                Ok(change) => {
                    if change != heartbeat::Change::None {
                        tracing::info!(app_id, ?change, url = %conf.url, "push URL state changed");
                    }
                }
                Err(err) => {
                    tracing::warn!(app_id, error = %err.message, "push: recording a heartbeat failed")
                }
            }
            if let Some(e) = shared.endpoint(app_id) {
                lock(&e.heartbeat).running = false;
            }
            // Pick up a pause or resume at once rather than at the next tick.
            let _ = refresh_endpoints(&shared).await;
        });
    }
}

/// Claims due messages for every endpoint that takes work, and hands them over.
async fn claim_due(shared: &Arc<Shared>) -> Result<()> {
    let p = &shared.p;
    let now = p.now();
    let due = p
        .db
        .fetch_all(
            "SELECT app_id, COUNT(*) AS n FROM push_messages WHERE status = 'pending' AND next_attempt_at <= $1
             AND (lease_until IS NULL OR lease_until < $1) GROUP BY app_id",
            &args![now],
        )
        .await?;
    let limit = shared.queue_limit();
    for r in &due {
        let app_id = r.i64("app_id")?;
        let Some(e) = shared.endpoint(app_id) else {
            // Messages stored for an app deleted meanwhile (fan-out judged it before the
            // deletion) are dropped, not left pending for ever.
            let state =
                p.db.fetch_optional("SELECT state FROM apps WHERE id = $1", &args![app_id])
                    .await?;
            if let Some(state) = state
                && state.text("state")? == AppState::Deleted.as_str()
            {
                shared.sweep_deleted(app_id).await?;
            }
            continue;
        };
        if !e.takes_work(limit / 2) {
            continue;
        }
        // As much as the queue has room for, in one statement.
        let room = limit.saturating_sub(e.queued.load(Ordering::Acquire));
        let turn = shared.writes.lock().await;
        let claimed = p
            .db
            .fetch_all(
                "UPDATE push_messages SET lease_until = $1 WHERE id IN (
                    SELECT id FROM push_messages WHERE app_id = $2 AND status = 'pending' AND next_attempt_at <= $3
                    AND (lease_until IS NULL OR lease_until < $3) ORDER BY next_attempt_at, id LIMIT ($4 + 0))
                 AND status = 'pending' AND (lease_until IS NULL OR lease_until < $3)
                 RETURNING id, payload, step",
                &args![now + p.rules.push.lease, app_id, now, i64::try_from(room).unwrap_or(0)],
            )
            .await?;
        drop(turn);
        tracing::debug!(
            app_id,
            claimed = claimed.len(),
            room,
            "push: claimed due messages"
        );
        if claimed.len() >= room {
            e.backlog.store(true, Ordering::Release);
        }
        for m in &claimed {
            e.enqueue(Job {
                id: m.i64("id")?,
                payload: m.text("payload")?,
                step: m.i64("step")?,
            });
        }
    }
    Ok(())
}
