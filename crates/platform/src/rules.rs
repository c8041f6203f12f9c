//! The numbers the platform enforces, in one configurable place.
//!
//! Defaults are the platform's own (seed 001/002/003); the sandbox changes none of them here,
//! only what the gateway issue makes configurable for traffic.

use crate::clock::{DAY, HOUR, Millis};

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
        }
    }
}
