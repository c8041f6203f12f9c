//! The gateway's Prometheus series, with the handles of the common ones resolved once.
//!
//! The recorder's background task counts every call here ([`super::record`]), not the call
//! path. A labelled `metrics::counter!` looks its series up in the registry on every use
//! (building the key, hashing it, taking a shard lock), so the series every successful call
//! and every cache lookup touches are resolved once. Failures, rarer and labelled by their
//! many codes, still go through the macros.

use metrics::{Counter, Histogram};

use super::catalogue::{self, Entry};

/// Calls (`kaifang_api_calls_total`) and latency (`kaifang_api_call_duration_seconds`) of
/// one method.
struct MethodMeters {
    name: &'static str,
    successes: Counter,
    duration: Histogram,
}

impl MethodMeters {
    fn new(name: &'static str) -> Self {
        MethodMeters {
            name,
            successes: metrics::counter!("kaifang_api_calls_total", "method" => name, "outcome" => "SUCCESS"),
            duration: metrics::histogram!("kaifang_api_call_duration_seconds", "method" => name),
        }
    }
}

/// Which in-memory cache a lookup went to.
#[derive(Debug, Clone, Copy)]
pub enum CacheName {
    /// Apps by appkey.
    App = 0,
    /// Grants by token.
    Token = 1,
}

/// The gateway's metric handles.
pub struct Meters {
    methods: Vec<MethodMeters>,
    unknown: MethodMeters,
    /// `[cache][hit as usize]`.
    cache_lookups: [[Counter; 2]; 2],
}

impl Meters {
    /// Resolves the handles; call after the metrics recorder is installed.
    pub fn new() -> Self {
        let lookups = |cache: &'static str| {
            ["miss", "hit"].map(|outcome| {
                metrics::counter!("kaifang_gateway_cache_lookups_total", "cache" => cache, "outcome" => outcome)
            })
        };
        Meters {
            methods: catalogue::all()
                .iter()
                .map(|m| MethodMeters::new(m.name))
                .collect(),
            unknown: MethodMeters::new("unknown"),
            cache_lookups: [lookups("app"), lookups("token")],
        }
    }

    /// Counts one call of `method` (`None` when the call named no known method) with its
    /// outcome (`"SUCCESS"` or an error name) and latency.
    pub fn call(&self, method: Option<Entry>, outcome: &'static str, latency_us: u64) {
        let m = method
            .and_then(|e| self.methods.get(e.index as usize))
            .unwrap_or(&self.unknown);
        if outcome == "SUCCESS" {
            m.successes.increment(1);
        } else {
            metrics::counter!("kaifang_api_calls_total", "method" => m.name, "outcome" => outcome)
                .increment(1);
        }
        m.duration.record(latency_us as f64 / 1e6);
    }

    /// Counts one cache lookup.
    pub fn cache(&self, cache: CacheName, hit: bool) {
        self.cache_lookups[cache as usize][usize::from(hit)].increment(1);
    }
}

impl Default for Meters {
    fn default() -> Self {
        Self::new()
    }
}
