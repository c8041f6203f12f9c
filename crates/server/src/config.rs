//! Configuration: command-line flags, then `KAIFANG_*` environment variables, then the TOML
//! file given with `--config`, then defaults. Nested keys use `__` in the environment
//! (`KAIFANG_RULES__MAX_TEST_USERS=3`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use kaifang_platform::rules::Rules;
use serde::Deserialize;

use crate::telemetry::LogFormat;

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Where the SQLite file, the vault key and demo.json live.
    pub data_dir: PathBuf,
    /// `postgres://…` to use PostgreSQL instead of the SQLite file.
    pub database_url: Option<String>,
    /// Sandbox mode.
    pub sandbox: bool,
    /// Log format.
    pub log_format: LogFormat,
    /// Threads serving requests (`workers = 1`, `KAIFANG_WORKERS=1`); `None`: one per core.
    pub workers: Option<usize>,
    /// Base64 of the 32-byte vault key; generated into the data dir when absent.
    pub vault_key: Option<String>,
    /// SMTP relay for notification e-mails.
    pub smtp_url: Option<String>,
    /// Sender address for notification e-mails.
    pub mail_from: Option<String>,
    /// Overrides of the platform's rules.
    pub rules: RuleSettings,
    /// The first operator, created at start when no account has this login yet
    /// (`KAIFANG_OPERATOR_LOGIN` / `KAIFANG_OPERATOR_PASSWORD`): a fresh installation needs one
    /// person who can review, and there is no public way to become an operator.
    pub operator: Option<(String, String)>,
}

/// Rule overrides; absent values keep the platform's defaults.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSettings {
    /// Apps per developer.
    pub max_apps_per_developer: Option<usize>,
    /// Test users per app.
    pub max_test_users: Option<usize>,
    /// Words app names must not contain.
    pub forbidden_name_words: Option<Vec<String>>,
    /// Largest upload in bytes.
    pub max_upload_bytes: Option<usize>,
    /// How long a rotated secret keeps working, in seconds.
    pub secret_overlap_secs: Option<i64>,
    /// API `timestamp` freshness window either way, in seconds (600).
    pub timestamp_window_secs: Option<i64>,
    /// Offset of the time zone whose calendar days daily quotas count, in minutes (480 = +08:00).
    pub quota_utc_offset_minutes: Option<i64>,
    /// Daily calls per test user per app before launch (2000; sandbox: top tier).
    pub test_user_daily_calls: Option<u64>,
    /// Daily calls per app before launch (100000; sandbox: top tier).
    pub prelaunch_daily_calls: Option<u64>,
    /// Daily calls per launched app without an operator-set tier (1000000).
    pub launched_daily_calls: Option<u64>,
    /// Lowest QPS cap of any API (0: the declared caps; sandbox: 5000, the top tier).
    pub qps_floor: Option<u32>,
    /// Largest API request body in bytes (16 MiB).
    pub gateway_max_body_bytes: Option<usize>,
    /// Per-user daily caps of single APIs (method name -> calls per user per day), over those
    /// the catalogue declares (none by default).
    pub user_api_daily_caps: Option<std::collections::BTreeMap<String, u64>>,
    /// Push retry delays in seconds (300, 600, 1200, 1800, 3600).
    pub push_retry_delays_secs: Option<Vec<i64>>,
    /// Sandbox only: push retry delays and the heartbeat interval are divided by this (1).
    pub push_time_scale: Option<i64>,
    /// Push receipt timeout in ms (3000).
    pub push_timeout_ms: Option<u64>,
    /// Push heartbeat interval in seconds (60).
    pub push_heartbeat_secs: Option<i64>,
    /// Consecutive heartbeat failures that pause a push URL (3).
    pub push_heartbeat_failures: Option<i64>,
    /// The push worker wakes at least this often, in ms (100).
    pub push_tick_ms: Option<u64>,
    /// Outbox poll interval in ms for events written by other nodes (200); this node's own
    /// events wake the fan-out at once.
    pub push_poll_ms: Option<u64>,
    /// Requests in flight per push endpoint (32).
    pub push_endpoint_concurrency: Option<usize>,
    /// A PEM file of extra roots trusted for https push URLs (none: Mozilla's roots only).
    pub push_tls_roots: Option<std::path::PathBuf>,
    /// OAuth code lifetime in seconds (120).
    pub oauth_code_ttl_secs: Option<i64>,
    /// Access-token lifetime in seconds (172800).
    pub oauth_access_ttl_secs: Option<i64>,
    /// Refresh-token lifetime in seconds from the original grant (15552000).
    pub oauth_refresh_ttl_secs: Option<i64>,
    /// How long a rotated refresh token still answers, in seconds (300).
    pub oauth_refresh_grace_secs: Option<i64>,
    /// Test-user authorization lifetime in seconds (864000).
    pub oauth_test_authorization_ttl_secs: Option<i64>,
}

/// What the file and the environment may set.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FileSettings {
    /// See [`Settings::listen`].
    pub listen: Option<SocketAddr>,
    /// See [`Settings::data_dir`].
    pub data_dir: Option<PathBuf>,
    /// See [`Settings::database_url`].
    pub database_url: Option<String>,
    /// See [`Settings::sandbox`].
    pub sandbox: Option<bool>,
    /// See [`Settings::log_format`].
    pub log_format: Option<LogFormat>,
    /// See [`Settings::workers`].
    pub workers: Option<usize>,
    /// See [`Settings::vault_key`].
    pub vault_key: Option<String>,
    /// See [`Settings::smtp_url`].
    pub smtp_url: Option<String>,
    /// See [`Settings::mail_from`].
    pub mail_from: Option<String>,
    /// See [`Settings::rules`].
    pub rules: RuleSettings,
    /// Login of the first operator (see [`Settings::operator`]).
    pub operator_login: Option<String>,
    /// Password of the first operator.
    pub operator_password: Option<String>,
    /// Accepted (they are also command-line flags) so that `KAIFANG_CONFIG` in the environment
    /// does not make the file reader stumble.
    pub config: Option<PathBuf>,
}

impl FileSettings {
    /// Reads the optional TOML file and the `KAIFANG_*` environment.
    pub fn load(file: Option<&Path>) -> Result<Self, String> {
        let mut b = config::Config::builder();
        if let Some(f) = file {
            b = b.add_source(
                config::File::from(f)
                    .format(config::FileFormat::Toml)
                    .required(true),
            );
        }
        b = b.add_source(
            config::Environment::with_prefix("KAIFANG")
                .prefix_separator("_")
                .separator("__")
                .try_parsing(true)
                .list_separator(",")
                .with_list_parse_key("rules.forbidden_name_words"),
        );
        b.build()
            .and_then(|c| c.try_deserialize())
            .map_err(|e| format!("configuration is not valid: {e}"))
    }
}

impl Settings {
    /// Defaults for a data directory: loopback port 8080, SQLite, production mode.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: data_dir.into(),
            database_url: None,
            sandbox: false,
            log_format: LogFormat::Text,
            workers: None,
            vault_key: None,
            smtp_url: None,
            mail_from: None,
            rules: RuleSettings::default(),
            operator: None,
        }
    }

    /// Fills in what the file or environment set, leaving values already chosen alone.
    pub fn with_file(mut self, f: FileSettings) -> Self {
        if let Some(v) = f.listen {
            self.listen = v;
        }
        if let Some(v) = f.data_dir {
            self.data_dir = v;
        }
        self.database_url = self.database_url.or(f.database_url);
        self.sandbox |= f.sandbox.unwrap_or(false);
        if let Some(v) = f.log_format {
            self.log_format = v;
        }
        self.workers = self.workers.or(f.workers);
        self.vault_key = self.vault_key.or(f.vault_key);
        self.smtp_url = self.smtp_url.or(f.smtp_url);
        self.mail_from = self.mail_from.or(f.mail_from);
        self.rules = f.rules;
        if let (Some(l), Some(p)) = (f.operator_login, f.operator_password) {
            self.operator = Some((l, p));
        }
        self
    }

    /// The gateway's traffic rules after overrides (sandbox defaults to the top tier).
    fn oauth_rules(
        &self,
        d: kaifang_platform::oauth::OAuthRules,
    ) -> kaifang_platform::oauth::OAuthRules {
        let r = &self.rules;
        let ms = |v: Option<i64>, default| v.map_or(default, |s| s * 1000);
        kaifang_platform::oauth::OAuthRules {
            code_ttl: ms(r.oauth_code_ttl_secs, d.code_ttl),
            access_ttl: ms(r.oauth_access_ttl_secs, d.access_ttl),
            refresh_ttl: ms(r.oauth_refresh_ttl_secs, d.refresh_ttl),
            refresh_grace: ms(r.oauth_refresh_grace_secs, d.refresh_grace),
            test_authorization_ttl: ms(
                r.oauth_test_authorization_ttl_secs,
                d.test_authorization_ttl,
            ),
        }
    }

    fn traffic_rules(&self) -> kaifang_platform::rules::TrafficRules {
        let d = kaifang_platform::rules::TrafficRules::new(self.sandbox);
        let r = &self.rules;
        kaifang_platform::rules::TrafficRules {
            timestamp_window: r
                .timestamp_window_secs
                .map_or(d.timestamp_window, |s| s * 1000),
            day_offset: r
                .quota_utc_offset_minutes
                .map_or(d.day_offset, |m| m * 60_000),
            test_user_daily_calls: r.test_user_daily_calls.unwrap_or(d.test_user_daily_calls),
            prelaunch_daily_calls: r.prelaunch_daily_calls.unwrap_or(d.prelaunch_daily_calls),
            launched_daily_calls: r.launched_daily_calls.unwrap_or(d.launched_daily_calls),
            qps_floor: r.qps_floor.unwrap_or(d.qps_floor),
            max_body_bytes: r.gateway_max_body_bytes.unwrap_or(d.max_body_bytes),
            user_api_daily_caps: r.user_api_daily_caps.clone().unwrap_or_default(),
        }
    }

    /// The platform rules after overrides.
    pub fn rules(&self) -> Rules {
        let d = Rules::default();
        let r = &self.rules;
        Rules {
            sandbox: self.sandbox,
            max_apps_per_developer: r.max_apps_per_developer.unwrap_or(d.max_apps_per_developer),
            max_test_users: r.max_test_users.unwrap_or(d.max_test_users),
            forbidden_name_words: r
                .forbidden_name_words
                .clone()
                .unwrap_or(d.forbidden_name_words),
            max_upload_bytes: r.max_upload_bytes.unwrap_or(d.max_upload_bytes),
            secret_overlap: r.secret_overlap_secs.map_or(d.secret_overlap, |s| s * 1000),
            traffic: self.traffic_rules(),
            push: self.push_rules(),
            oauth: self.oauth_rules(d.oauth),
            ..d
        }
    }

    /// The push rules after overrides; the time scale applies in sandbox mode only.
    fn push_rules(&self) -> kaifang_platform::rules::PushRules {
        let d = kaifang_platform::rules::PushRules::default();
        let r = &self.rules;
        kaifang_platform::rules::PushRules {
            retry_delays: r
                .push_retry_delays_secs
                .as_ref()
                .map_or(d.retry_delays, |v| v.iter().map(|s| s * 1000).collect()),
            time_scale: if self.sandbox {
                r.push_time_scale.unwrap_or(1).max(1)
            } else {
                1
            },
            timeout_ms: r.push_timeout_ms.unwrap_or(d.timeout_ms),
            heartbeat_interval: r
                .push_heartbeat_secs
                .map_or(d.heartbeat_interval, |s| s * 1000),
            heartbeat_failures_to_pause: r
                .push_heartbeat_failures
                .unwrap_or(d.heartbeat_failures_to_pause)
                .max(1),
            tick_ms: r.push_tick_ms.unwrap_or(d.tick_ms).max(1),
            poll_ms: r.push_poll_ms.unwrap_or(d.poll_ms).max(1),
            endpoint_concurrency: r
                .push_endpoint_concurrency
                .unwrap_or(d.endpoint_concurrency)
                .max(1),
            tls_roots: r.push_tls_roots.clone(),
            ..d
        }
    }
}
