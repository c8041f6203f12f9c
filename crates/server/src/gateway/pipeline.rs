//! The call pipeline, one small step per function, in the order the checks are reported:
//!
//! 1. [`intake`](super::intake::take): path, query and body into system parameters
//! 2. [`check_format`]: required system parameters present, `signMethod`, `version`, `method`
//!    matches the path
//! 3. [`Gateway::resolve_app`]: appkey known (in-memory cache), app state callable
//! 4. [`verify_signature`]: MD5 or HMAC-SHA256 over the raw values (debug string if enabled)
//! 5. [`check_timestamp`]: within the window
//! 6. [`find_method`] and [`parse_param`]: the catalogue entry; `param` parsed only now
//! 7. [`Gateway::resolve_token`] and [`authorize`]: token valid, authorization live, user token
//!    for user APIs, token scope, app package
//! 8. [`Gateway::limit`]: app daily quota, test-user daily cap, app x API QPS, user x API QPS,
//!    user x API daily cap
//! 9. dispatch to the handler, respond with the envelope, record statistics and metrics.

use std::borrow::Cow;
use std::cell::Cell;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use kaifang_platform::Platform;
use kaifang_platform::apps::AppState;
use kaifang_platform::oauth::{AccessGrant, GrantKind};
use kaifang_wire::params::{SystemParams, parse_timestamp_ms, timestamp_in_window};
use kaifang_wire::sign::{self, SignMethod};
use kaifang_wire::{ApiError, envelope, errors};
use serde_json::Value;

use super::cache::{AppCache, AppEntry, Token, TokenCache};
use super::catalogue::{self, Entry, Reply};
use super::directory::Directory;
use super::error::GatewayError;
use super::intake::{self, UploadedFile};
use super::limits::{DayCounter, Limits, Subject};
use super::record::{CallRecord, Recorder};

/// What a handler sees of the call: who calls for whom, independent of HTTP. It borrows what
/// the gateway shares between calls.
pub struct CallCtx<'a> {
    /// Platform handles (database, clock, rules).
    pub platform: &'a Platform,
    /// The clock's time when the call arrived, ms.
    pub now: i64,
    /// The calling app.
    pub app_id: i64,
    /// What the token grants: the merchant it reaches, the consenting account, its open id
    /// and scopes (shared with the token cache, not copied per call).
    pub grant: Arc<AccessGrant>,
    /// Multipart file parts.
    pub files: Vec<UploadedFile>,
    /// Cached accounts and shops.
    pub directory: &'a Directory,
}

impl CallCtx<'_> {
    /// The merchant (main account) the token reaches; `None` for an app-level token.
    pub fn user_id(&self) -> Option<i64> {
        self.grant.user_id
    }

    /// The consenting account (merchant or staff); `None` for an app-level token.
    pub fn account_id(&self) -> Option<i64> {
        self.grant.account_id
    }

    /// The open id, or `""` for an app-level token.
    pub fn open_id(&self) -> &str {
        self.grant.open_id.as_deref().unwrap_or("")
    }

    /// The merchant whose data the call reaches; result 26 without one.
    pub fn merchant_id(&self) -> Result<i64, GatewayError> {
        self.user_id()
            .ok_or(GatewayError::plain(ApiError::MainAccountNotFound))
    }
}

/// A rejection, with the sign-debug string when it applies.
#[derive(Debug)]
pub struct Failed {
    /// The error.
    pub error: GatewayError,
    /// The string the server signed, secret masked (sign-debug mode only).
    pub string_to_sign: Option<String>,
}

impl From<GatewayError> for Failed {
    fn from(error: GatewayError) -> Self {
        Failed {
            error,
            string_to_sign: None,
        }
    }
}

impl From<ApiError> for Failed {
    fn from(e: ApiError) -> Self {
        GatewayError::plain(e).into()
    }
}

fn internal(e: kaifang_platform::Error) -> Failed {
    tracing::error!(error = %e.message, "gateway: platform lookup failed");
    ApiError::InternalError.into()
}

/// What the recorder learns as the call goes through the steps.
#[derive(Default)]
struct Trace {
    app_id: Option<i64>,
    entry: Option<Entry>,
    claimed_method: Option<String>,
    app_cache_hit: Option<bool>,
    token_cache_hit: Option<bool>,
}

/// The gateway: caches, limits and the recorder, shared by every call.
pub struct Gateway {
    /// Platform handles.
    pub platform: Arc<Platform>,
    apps: AppCache,
    tokens: TokenCache,
    directory: Arc<Directory>,
    /// Limit counters (shared with the recorder, which flushes them).
    pub limits: Arc<Limits>,
    /// Statistics and metrics sink.
    pub recorder: Recorder,
    /// Per catalogue entry, its per-user daily cap: the operator's
    /// (`rules.user_api_daily_caps`), else the declared one.
    user_daily_caps: Vec<Option<u64>>,
}

/// A fresh `requestId`: 8 hex digits drawn once per thread, then 12 of that thread's count
/// (no counter shared between the threads on the call path).
fn next_request_id() -> String {
    thread_local! {
        static NEXT: Cell<(u32, u64)> = Cell::new((
            u32::from_str_radix(&kaifang_platform::crypto::random_hex(8), 16).unwrap_or(0),
            0,
        ));
    }
    let (prefix, seq) = NEXT.with(|n| {
        let (prefix, seq) = n.get();
        n.set((prefix, seq.wrapping_add(1)));
        (prefix, seq)
    });
    let mut id = String::with_capacity(20);
    for (value, digits) in [(u64::from(prefix), 8), (seq, 12)] {
        for i in (0..digits).rev() {
            id.push(char::from(
                b"0123456789abcdef"[(value >> (4 * i)) as usize & 0xf],
            ));
        }
    }
    id
}

impl Gateway {
    /// A gateway over a platform; starts the recorder's background task. Refuses a per-user
    /// API cap (`rules.user_api_daily_caps`) naming no API, saying so.
    pub fn new(platform: Arc<Platform>) -> Result<Self, String> {
        let mut user_daily_caps: Vec<Option<u64>> =
            catalogue::all().iter().map(|m| m.user_daily_cap).collect();
        for (name, &cap) in &platform.rules.traffic.user_api_daily_caps {
            let entry = catalogue::find(name).ok_or_else(|| {
                format!(
                    "rules.user_api_daily_caps: no API is named `{name}`; use names from GET /api/catalogue"
                )
            })?;
            user_daily_caps[entry.index as usize] = Some(cap);
        }
        let limits = Arc::new(Limits::default());
        let recorder = Recorder::spawn(platform.clone(), limits.clone());
        Ok(Gateway {
            user_daily_caps,
            platform,
            apps: AppCache::default(),
            tokens: TokenCache::default(),
            directory: Arc::default(),
            limits,
            recorder,
        })
    }

    /// Answers one `/open/...` request. Always HTTP 200 with the JSON envelope.
    pub async fn handle(&self, req: Request) -> Response {
        let started = Instant::now();
        let now = self.platform.now();
        let request_id = next_request_id();
        let mut trace = Trace::default();
        let outcome = self.run(req, now, &mut trace).await;
        let (body, code, outcome_name, message) = match &outcome {
            Ok(reply) => (
                match (reply, trace.entry.and_then(|e| e.method.top_level)) {
                    (Reply::Json(data), None) => envelope::success(data, &request_id),
                    (Reply::Json(data), Some(key)) => envelope::success_with_top_level(
                        &serde_json::json!({ key: data }),
                        &[(key, data)],
                        &request_id,
                    ),
                    (Reply::RawJson(data), _) => envelope::success_raw(data, &request_id),
                },
                envelope::SUCCESS_RESULT,
                "SUCCESS",
                None,
            ),
            Err(f) => {
                let extra_value = f.string_to_sign.clone().map(Value::String);
                let extra: Vec<(&str, &Value)> = extra_value
                    .as_ref()
                    .map(|v| vec![("string_to_sign", v)])
                    .unwrap_or_default();
                (
                    envelope::error_with(f.error.error, f.error.text(), &extra, &request_id),
                    f.error.error.code(),
                    f.error.error.name(),
                    Some(f.error.text().to_string()),
                )
            }
        };
        let method = match (trace.entry, trace.claimed_method) {
            (Some(e), _) => Cow::Borrowed(e.method.name),
            (None, Some(m)) => Cow::Owned(m.chars().take(128).collect()),
            (None, None) => Cow::Borrowed("unknown"),
        };
        self.recorder.record(CallRecord {
            app_id: trace.app_id,
            entry: trace.entry,
            method,
            day: self.platform.rules.traffic.day_of(now),
            code,
            outcome: outcome_name,
            latency_us: u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
            app_cache_hit: trace.app_cache_hit,
            token_cache_hit: trace.token_cache_hit,
            failure: message.map(|m| (m, request_id, now)),
        });
        respond(body)
    }

    async fn run(&self, req: Request, now: i64, trace: &mut Trace) -> Result<Reply, Failed> {
        let rules = &self.platform.rules.traffic;
        let mut intake = intake::take(req, rules.max_body_bytes).await?;
        let files = std::mem::take(&mut intake.files);
        let (system, _others) = intake.params()?;
        let sign_method = check_format(&system, &intake.path_method)?;
        let system = &system;
        let app = self
            .resolve_app(system.appkey.as_deref().unwrap_or(""), trace)
            .await?;
        trace.app_id = Some(app.app_id);
        let debug = self.platform.rules.sandbox || app.settings.sign_debug;
        let entry = verify_signature(system, &app, sign_method, now, debug)
            .and_then(|()| check_timestamp(system, now, rules.timestamp_window))
            .and_then(|()| find_method(system))
            .inspect_err(|_| trace.claimed_method = system.method.as_deref().map(str::to_owned))?;
        trace.entry = Some(entry);
        let param = parse_param(system.param.as_deref())?;
        let grant = self
            .resolve_token(system.access_token.as_deref().unwrap_or(""), &app, trace)
            .await?;
        authorize(entry, &grant, &app)?;
        self.limit(entry, &grant, &app, now).await?;
        let ctx = CallCtx {
            platform: &self.platform,
            now,
            app_id: app.app_id,
            grant,
            files,
            directory: &self.directory,
        };
        Ok((entry.method.handler)(&ctx, param).await?)
    }

    /// Step 3: the app, from the cache.
    async fn resolve_app(&self, appkey: &str, trace: &mut Trace) -> Result<Arc<AppEntry>, Failed> {
        let (entry, hit) = self
            .apps
            .get(&self.platform, appkey)
            .await
            .map_err(internal)?;
        trace.app_cache_hit = Some(hit);
        let app = entry.ok_or_else(|| {
            GatewayError::new(
                ApiError::UnknownAppkey,
                format!(
                    "appkey `{}` is unknown: use the appKey shown for your app in the developer console",
                    clip(appkey)
                ),
            )
        })?;
        if !app.callable() {
            return Err(GatewayError::new(
                ApiError::AppNotCallable,
                format!(
                    "this app is {} and cannot call APIs: {}",
                    app.state.as_str(),
                    match app.state {
                        AppState::Offline => "an operator must bring it back online",
                        AppState::Deleted => "it was deleted; create a new app",
                        _ => "it must be approved first",
                    }
                ),
            )
            .into());
        }
        Ok(app)
    }

    /// Step 7a: the token, from the cache.
    async fn resolve_token(
        &self,
        token: &str,
        app: &AppEntry,
        trace: &mut Trace,
    ) -> Result<Arc<AccessGrant>, Failed> {
        let (checked, hit) = self
            .tokens
            .check(&self.platform, token)
            .await
            .map_err(internal)?;
        trace.token_cache_hit = Some(hit);
        match checked {
            Token::Valid(g) if g.app_id == app.app_id => Ok(g),
            Token::Valid(_) | Token::Unknown => Err(GatewayError::new(
                ApiError::AccessTokenInvalid,
                "鉴权失败: access_token is unknown or was issued to another app; get a token for this app through /oauth2/access_token",
            )
            .into()),
            Token::Expired => Err(GatewayError::new(
                ApiError::AccessTokenExpired,
                "TOKEN过期: access_token has expired (they last 48 hours); get a new one through /oauth2/refresh_token",
            )
            .into()),
            Token::Revoked => Err(GatewayError::plain(ApiError::AuthorizationRevoked).into()),
        }
    }

    /// Step 8: traffic limits, in order; a refused call gives back what it took.
    async fn limit(
        &self,
        entry: Entry,
        grant: &AccessGrant,
        app: &AppEntry,
        now: i64,
    ) -> Result<(), Failed> {
        let p = &self.platform;
        let rules = &p.rules.traffic;
        let day = rules.day_of(now);
        let m = entry.method;
        // The daily counters taken so far (the app's, a test user's), given back on a refusal.
        let mut taken: [Option<Arc<DayCounter>>; 2] = [None, None];
        let refuse = |taken: &[Option<Arc<DayCounter>>], limit: &'static str, err: GatewayError| {
            for c in taken.iter().flatten() {
                c.give_back();
            }
            metrics::counter!("kaifang_api_limit_rejections_total", "limit" => limit).increment(1);
            Err(Failed::from(err))
        };

        let quota = app.settings.daily_quota(rules, app.state);
        let app_day = self
            .limits
            .day(p, app.app_id, Subject::App, day)
            .await
            .map_err(internal)?;
        if !app_day.try_take(|resets| quota.saturating_mul(1 + resets.max(0) as u64)) {
            return refuse(
                &taken,
                "app_daily",
                GatewayError::new(
                    ApiError::AppDailyQuotaExceeded,
                    errors::app_quota_exceeded_message(&app.app_key),
                ),
            );
        }
        taken[0] = Some(app_day);

        if app.state != AppState::Online
            && let Some(uid) = grant.user_id
        {
            let c = self
                .limits
                .day(p, app.app_id, Subject::User(uid), day)
                .await
                .map_err(internal)?;
            if !c.try_take(|_| rules.test_user_daily_calls) {
                return refuse(
                    &taken,
                    "test_user_daily",
                    GatewayError::new(
                        ApiError::TestUserQuotaExceeded,
                        errors::test_user_quota_exceeded_message(&app.app_key, &uid.to_string()),
                    ),
                );
            }
            taken[1] = Some(c);
        }

        let app_cap = m
            .app_qps
            .unwrap_or(0)
            .max(app.settings.qps())
            .max(rules.qps_floor);
        if !self
            .limits
            .take_qps(app.app_id, 0, entry.index, app_cap, now)
        {
            return refuse(
                &taken,
                "app_qps",
                GatewayError::new(
                    ApiError::AppQpsExceeded,
                    errors::app_qps_exceeded_message(m.name, &app.app_key, app_cap),
                ),
            );
        }

        if let (Some(cap), Some(uid)) = (m.user_qps, grant.user_id) {
            let cap = cap.max(rules.qps_floor);
            if !self.limits.take_qps(app.app_id, uid, entry.index, cap, now) {
                return refuse(
                    &taken,
                    "user_qps",
                    GatewayError::new(
                        ApiError::UserQpsExceeded,
                        errors::user_qps_exceeded_message(
                            m.name,
                            &app.app_key,
                            &uid.to_string(),
                            cap,
                        ),
                    ),
                );
            }
        }

        let cap = self
            .user_daily_caps
            .get(entry.index as usize)
            .copied()
            .flatten();
        if let (Some(cap), Some(uid)) = (cap, grant.user_id) {
            let c = self
                .limits
                .day(p, app.app_id, Subject::UserApi(uid, entry.index), day)
                .await
                .map_err(internal)?;
            if !c.try_take(|_| cap) {
                return refuse(
                    &taken,
                    "user_api_daily",
                    GatewayError::new(
                        ApiError::UserApiQuotaExceeded,
                        errors::user_api_quota_exceeded_message(m.name, &uid.to_string()),
                    ),
                );
            }
        }
        Ok(())
    }
}

fn clip(s: &str) -> String {
    s.chars().take(64).collect()
}

/// Step 2: the system parameters are all there and well-formed.
pub fn check_format(s: &SystemParams<'_>, path_method: &str) -> Result<SignMethod, Failed> {
    if let Some(name) = s.first_missing() {
        return Err(GatewayError::new(
            ApiError::MissingSystemParameter,
            format!(
                "system parameter `{name}` is missing or blank: send appkey, method, version, access_token, timestamp, signMethod and sign with every call (param too, `{{}}` when empty)"
            ),
        )
        .into());
    }
    let given = s.sign_method.as_deref().unwrap_or("");
    let method = given
        .parse::<SignMethod>()
        .map_err(|e| GatewayError::new(ApiError::UnsupportedSignMethod, e.to_string()))?;
    if s.version.as_deref() != Some("1") {
        return Err(GatewayError::new(
            ApiError::UnsupportedVersion,
            format!(
                "version `{}` is not supported: send version=1",
                clip(s.version.as_deref().unwrap_or(""))
            ),
        )
        .into());
    }
    let claimed = s.method.as_deref().unwrap_or("");
    if claimed != path_method {
        return Err(GatewayError::new(
            ApiError::MethodPathMismatch,
            format!(
                "method `{}` does not match the path, which names `{}`: call method open.a.b.c at /open/a/b/c",
                clip(claimed),
                path_method
            ),
        )
        .into());
    }
    Ok(method)
}

/// Step 4: the signature, over every sign secret valid now.
pub fn verify_signature(
    s: &SystemParams<'_>,
    app: &AppEntry,
    method: SignMethod,
    now: i64,
    debug: bool,
) -> Result<(), Failed> {
    let input = s.sign_input();
    let given = s.sign.as_deref().unwrap_or("");
    if app
        .secrets
        .sign_secrets(now)
        .any(|secret| sign::verify(&input, secret, method, given))
    {
        return Ok(());
    }
    Err(Failed {
        error: GatewayError::new(
            ApiError::SignatureMismatch,
            format!(
                "验签失败: sign does not match ({method}); sign the sorted system parameters plus &signSecret=<signSecret> (the signSecret, not the appSecret), using param exactly as sent"
            ),
        ),
        string_to_sign: debug.then(|| sign::string_to_sign(&input, "***")),
    })
}

/// Step 5: `timestamp` is recent (milliseconds; 10-digit seconds accepted too).
pub fn check_timestamp(s: &SystemParams<'_>, now: i64, window_ms: i64) -> Result<(), Failed> {
    let raw = s.timestamp.as_deref().unwrap_or("");
    let Some(ts) = parse_timestamp_ms(raw) else {
        return Err(GatewayError::new(
            ApiError::TimestampOutOfWindow,
            format!(
                "timestamp `{}` is not a Unix time: send milliseconds (13 digits) or seconds (10 digits)",
                clip(raw)
            ),
        )
        .into());
    };
    if !timestamp_in_window(ts, now, u64::try_from(window_ms).unwrap_or(0)) {
        return Err(GatewayError::new(
            ApiError::TimestampOutOfWindow,
            format!(
                "timestamp {ts} is more than {} seconds away from the server's time {now}: send the current Unix time in milliseconds and keep your clock in sync",
                window_ms / 1000
            ),
        )
        .into());
    }
    Ok(())
}

/// Step 6a: the catalogue entry.
pub fn find_method(s: &SystemParams<'_>) -> Result<Entry, Failed> {
    let name = s.method.as_deref().unwrap_or("");
    catalogue::find(name).ok_or_else(|| {
        GatewayError::new(
            ApiError::UnknownMethod,
            format!(
                "no API is named `{}`: check the spelling against GET /api/catalogue",
                clip(name)
            ),
        )
        .into()
    })
}

/// Step 6b: `param` as a JSON object (absent, `""` and PHP's `[]` mean no parameters).
pub fn parse_param(raw: Option<&str>) -> Result<Value, Failed> {
    let raw = raw.unwrap_or("").trim();
    if raw.is_empty() || raw == "[]" {
        return Ok(Value::Object(Default::default()));
    }
    match serde_json::from_str::<Value>(raw) {
        Ok(v @ Value::Object(_)) => Ok(v),
        _ => Err(GatewayError::plain(ApiError::ParamNotJson).into()),
    }
}

/// Step 7b: the grant covers the method, and the app holds its package.
pub fn authorize(entry: Entry, grant: &AccessGrant, app: &AppEntry) -> Result<(), Failed> {
    let m = entry.method;
    if m.needs_user && (grant.kind == GrantKind::App || grant.user_id.is_none()) {
        return Err(GatewayError::new(
            ApiError::MainAccountNotFound,
            format!(
                "主账号不存在: {} needs a merchant's authorization; use a token from the authorization-code flow, not client_credentials",
                m.name
            ),
        )
        .into());
    }
    if grant.kind == GrantKind::User && !grant.has_scope(m.scope) {
        return Err(GatewayError::new(
            ApiError::ScopeNotGranted,
            format!(
                "token中无scope权限: {} needs scope `{}`, which this token does not carry; have the merchant authorize again with {} in scope=",
                m.name, m.scope, m.scope
            ),
        )
        .into());
    }
    if !app.packages.iter().any(|p| p == m.scope) {
        return Err(GatewayError::new(
            ApiError::AppPermissionMissing,
            format!(
                "this app does not hold the permission package `{}` that {} belongs to: apply for it in the developer console",
                m.scope, m.name
            ),
        )
        .into());
    }
    Ok(())
}

/// Step 9: the envelope as an HTTP 200 response.
fn respond(body: Vec<u8>) -> Response {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = StatusCode::OK;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(envelope::CONTENT_TYPE),
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_20_hex_digits_counting_per_thread() {
        let (a, b) = (next_request_id(), next_request_id());
        for id in [&a, &b] {
            assert_eq!(id.len(), 20, "{id}");
            assert!(
                id.bytes()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
            );
        }
        assert_eq!(a[..8], b[..8], "one prefix per thread");
        let n = |id: &str| u64::from_str_radix(&id[8..], 16).unwrap();
        assert_eq!(n(&b), n(&a) + 1);
    }
}
