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
        self.vault_key = self.vault_key.or(f.vault_key);
        self.smtp_url = self.smtp_url.or(f.smtp_url);
        self.mail_from = self.mail_from.or(f.mail_from);
        self.rules = f.rules;
        if let (Some(l), Some(p)) = (f.operator_login, f.operator_password) {
            self.operator = Some((l, p));
        }
        self
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
            ..d
        }
    }
}
