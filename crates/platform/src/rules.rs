//! The numbers the platform enforces, in one configurable place.
//!
//! Defaults are the platform's own (seed 001/002/003); the sandbox changes none of them here,
//! only what the gateway issue makes configurable for traffic.

use crate::clock::{DAY, HOUR, MINUTE, Millis};

/// Limits and policies of the platform core.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Sandbox mode: loopback callback URLs allowed, a movable clock, relaxed traffic tiers.
    pub sandbox: bool,
    /// At most this many apps per developer (seed 002: 10).
    pub max_apps_per_developer: usize,
    /// At most this many test users per app; a main account and its staff count once (5).
    pub max_test_users: usize,
    /// Words an app name must not contain (seed 002: 快手, 官方).
    pub forbidden_name_words: Vec<String>,
    /// Largest accepted upload (icon, MRD, PRD), in bytes.
    pub max_upload_bytes: usize,
    /// How long a rotated secret keeps working beside the new one.
    pub secret_overlap: Millis,
    /// The developer agreement version a developer must accept.
    pub agreement_version: String,
    /// How long a console session lasts.
    pub session_ttl: Millis,
    /// OAuth lifetimes: code, access and refresh tokens, refresh grace, test authorizations.
    pub oauth: crate::oauth::OAuthRules,
    /// API gateway and traffic limits.
    pub traffic: TrafficRules,
    /// Message push: retries, heartbeat, worker pacing.
    pub push: PushRules,
}

/// Message push numbers (protocol-notes §4.1).
#[derive(Debug, Clone)]
pub struct PushRules {
    /// Delays before each retry after a failure (5, 10, 20, 30, 60 minutes); after the last
    /// one fails the message is failed.
    pub retry_delays: Vec<Millis>,
    /// Sandbox only: every retry delay and the heartbeat interval are divided by this (1 = real
    /// time; 60 turns minutes into seconds).
    pub time_scale: i64,
    /// An attempt fails unless the receipt arrives within this (3000 ms).
    pub timeout_ms: u64,
    /// A heartbeat `{"test":true}` goes to every enabled URL this often (1 minute).
    pub heartbeat_interval: Millis,
    /// After this many consecutive heartbeat failures the URL is paused (3).
    pub heartbeat_failures_to_pause: i64,
    /// The worker wakes at least this often to compare due times with the clock (100 ms).
    pub tick_ms: u64,
    /// The fan-out reads the outbox when a commit that wrote events is announced, and at
    /// least this often (200 ms) for events written by another node sharing the database.
    pub poll_ms: u64,
    /// At most this many requests in flight to one endpoint (32).
    pub endpoint_concurrency: usize,
    /// Messages claimed or completed per transaction, at most (500).
    pub batch: usize,
    /// A claimed message is re-claimable after this if its node died (60 s).
    pub lease: Millis,
    /// A PEM file of extra roots trusted for https push URLs, beside Mozilla's built-in ones
    /// (none): for receivers behind a private CA.
    pub tls_roots: Option<std::path::PathBuf>,
}

impl Default for PushRules {
    fn default() -> Self {
        PushRules {
            retry_delays: vec![5 * MINUTE, 10 * MINUTE, 20 * MINUTE, 30 * MINUTE, HOUR],
            time_scale: 1,
            timeout_ms: 3000,
            heartbeat_interval: MINUTE,
            heartbeat_failures_to_pause: 3,
            tick_ms: 100,
            poll_ms: 200,
            endpoint_concurrency: 32,
            batch: 500,
            lease: MINUTE,
            tls_roots: None,
        }
    }
}

/// The API gateway's numbers (protocol-notes §6.4). In sandbox mode the caps default to the top
/// tier (the checks still run); set them explicitly to exercise the real limits.
#[derive(Debug, Clone)]
pub struct TrafficRules {
    /// `timestamp` may differ from the clock by at most this much, either way (10 minutes).
    pub timestamp_window: Millis,
    /// Offset of the time zone whose calendar days the daily quotas count (+08:00, Asia/Shanghai;
    /// a fixed offset: China has no daylight saving time).
    pub day_offset: Millis,
    /// Calls per day a test user may make through one app before it launches (2000).
    pub test_user_daily_calls: u64,
    /// Calls per day of an app before launch (100 000).
    pub prelaunch_daily_calls: u64,
    /// Calls per day of a launched app without an operator-set tier (1 000 000).
    pub launched_daily_calls: u64,
    /// Every QPS cap (app and user, per API) is at least this (0 = the declared caps apply).
    pub qps_floor: u32,
    /// Largest accepted API request body, in bytes (multipart uploads included).
    pub max_body_bytes: usize,
    /// Per-user daily caps of single APIs set by the operator (method name -> calls per user
    /// per day), over those the API catalogue declares; refused with result 1017.
    pub user_api_daily_caps: std::collections::BTreeMap<String, u64>,
}

/// The top daily tier (20000 万 calls) and QPS tier (5000), used as sandbox defaults.
pub const TOP_DAILY_CALLS: u64 = 200_000_000;
/// The top QPS tier.
pub const TOP_QPS: u32 = 5000;

impl TrafficRules {
    /// The platform's own numbers; with `sandbox`, the caps at the top tier.
    pub fn new(sandbox: bool) -> Self {
        TrafficRules {
            timestamp_window: 10 * MINUTE,
            day_offset: 8 * HOUR,
            test_user_daily_calls: if sandbox { TOP_DAILY_CALLS } else { 2000 },
            prelaunch_daily_calls: if sandbox { TOP_DAILY_CALLS } else { 100_000 },
            launched_daily_calls: 1_000_000,
            qps_floor: if sandbox { TOP_QPS } else { 0 },
            max_body_bytes: 16 * 1024 * 1024,
            user_api_daily_caps: Default::default(),
        }
    }

    /// The calendar day (days since 1970-01-01 in the configured zone) of `at`.
    pub fn day_of(&self, at: Millis) -> i64 {
        (at + self.day_offset).div_euclid(DAY)
    }
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            sandbox: false,
            max_apps_per_developer: 10,
            max_test_users: 5,
            forbidden_name_words: vec!["快手".into(), "官方".into()],
            max_upload_bytes: 10 * 1024 * 1024,
            secret_overlap: DAY,
            agreement_version: "2023-09-12".into(),
            session_ttl: 12 * HOUR,
            oauth: crate::oauth::OAuthRules::default(),
            traffic: TrafficRules::new(false),
            push: PushRules::default(),
        }
    }
}
