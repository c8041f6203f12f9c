//! The docs centre (文档中心): public pages generated from the platform's own catalogues, so
//! they cannot drift from what the gateway, the push worker and the deliver APIs do.
//!
//! | route | source |
//! |---|---|
//! | `/docs` | index: the API catalogue grouped by permission package, the events |
//! | `/docs/start` | getting started (seed 001 新手指南), with this server's URLs |
//! | `/docs/api/{method}` | one [`ApiMethod`](crate::gateway::catalogue::ApiMethod) and a signed example request |
//! | `/docs/events`, `/docs/events/{name}` | [`EVENTS`](kaifang_commerce::outbox::EVENTS) and an example push |
//! | `/docs/errors` | [`ApiError`](kaifang_wire::ApiError) and [`OAuthError`](kaifang_wire::OAuthError) |
//! | `/docs/carriers` | [`CARRIERS`](kaifang_commerce::logistics::carriers::CARRIERS) |
//!
//! Examples are signed and encrypted with made-up credentials ([`EXAMPLE_APPKEY`] and friends)
//! by `kaifang_wire` itself, so a reader can check their own signing code against them.

use askama::Template;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use kaifang_commerce::logistics::carriers::{CARRIERS, Carrier};
use kaifang_commerce::outbox::{self, EVENTS, EventDecl, example};
use kaifang_platform::rules::TrafficRules;
use kaifang_platform::scopes;
use kaifang_platform::traffic::DEFAULT_QPS;
use kaifang_wire::sign::{SignInput, SignMethod, sign, string_to_sign};
use kaifang_wire::{ApiError, OAuthError};
use serde::Deserialize;
use serde_json::{Value, json};

use super::format::{event_title, method_title};
use super::i18n::Lang;
use super::session::{Viewer, lang_of};
use super::{Chrome, Flash, render};
use crate::gateway::catalogue::{self, ApiMethod, Field};
use crate::http::Ctx;
use crate::http::oauth::html::encode_component;

/// The appkey of every example.
pub const EXAMPLE_APPKEY: &str = "ks700000000000000001";
/// The sign secret of every example.
pub const EXAMPLE_SIGN_SECRET: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
/// The access token of every example.
pub const EXAMPLE_ACCESS_TOKEN: &str = "TEST_ACCESS_TOKEN";
/// The timestamp of every example (ms).
pub const EXAMPLE_TIMESTAMP: &str = "1700000000000";
/// The push key of every example (the ASCII bytes `0123456789abcdef`).
pub const EXAMPLE_PUSH_KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZg==";

/// A reader of a public page: logged in or not.
pub struct Reader {
    lang: Lang,
    viewer: Option<Viewer>,
}

impl FromRequestParts<Ctx> for Reader {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, ctx: &Ctx) -> Result<Self, Self::Rejection> {
        Ok(Reader {
            lang: lang_of(parts),
            viewer: Viewer::from_request_parts(parts, ctx).await.ok(),
        })
    }
}

impl Reader {
    fn chrome(self, title: &str) -> Chrome {
        match &self.viewer {
            Some(v) => Flash::default().chrome(v, title),
            None => Flash::default().anonymous(self.lang, title, String::new()),
        }
    }
}

/// The scheme and host this page was asked for, for copyable URLs.
fn base_url(headers: &HeaderMap) -> String {
    let get = |h: &str| headers.get(h).and_then(|v| v.to_str().ok());
    let scheme = get("x-forwarded-proto").unwrap_or("http");
    let host = get("x-forwarded-host")
        .or_else(|| get(header::HOST.as_str()))
        .unwrap_or("127.0.0.1:8080");
    format!("{scheme}://{host}")
}

// ---- the side navigation ----

/// One permission package with its methods.
pub struct ApiGroup {
    /// Scope name.
    pub scope: &'static str,
    /// Its title in the reader's language.
    pub title: &'static str,
    /// Methods in declaration order.
    pub methods: Vec<&'static ApiMethod>,
}

/// One scope with its events.
pub struct EventGroup {
    /// Scope name.
    pub scope: &'static str,
    /// Its title in the reader's language.
    pub title: &'static str,
    /// Events in declaration order.
    pub events: Vec<&'static EventDecl>,
}

/// The catalogue grouped by permission package, in the scope catalogue's order.
pub fn api_groups(lang: Lang) -> Vec<ApiGroup> {
    let mut order: Vec<&'static str> = scopes::SCOPES.iter().map(|s| s.name).collect();
    for m in catalogue::all() {
        if !order.contains(&m.scope) {
            order.push(m.scope);
        }
    }
    order
        .into_iter()
        .map(|scope| ApiGroup {
            scope,
            title: lang.scope_title(scope),
            methods: catalogue::all()
                .iter()
                .copied()
                .filter(|m| m.scope == scope)
                .collect(),
        })
        .filter(|g| !g.methods.is_empty())
        .collect()
}

/// The events grouped by scope.
pub fn event_groups(lang: Lang) -> Vec<EventGroup> {
    let mut out: Vec<EventGroup> = Vec::new();
    for e in EVENTS {
        let scope = e.scope.as_str();
        match out.iter_mut().find(|g| g.scope == scope) {
            Some(g) => g.events.push(e),
            None => out.push(EventGroup {
                scope,
                title: lang.scope_title(scope),
                events: vec![e],
            }),
        }
    }
    out
}

/// What every docs page shows beside its content.
pub struct Nav {
    /// The page's key: `index`, `start`, `api:<method>`, `events`, `event:<name>`, `errors`, `carriers`.
    pub current: String,
    /// API groups.
    pub apis: Vec<ApiGroup>,
    /// Event groups.
    pub events: Vec<EventGroup>,
}

impl Nav {
    fn new(lang: Lang, current: impl Into<String>) -> Nav {
        Nav {
            current: current.into(),
            apis: api_groups(lang),
            events: event_groups(lang),
        }
    }

    /// Whether `key` is the page shown.
    pub fn is(&self, key: &str) -> bool {
        self.current == key
    }

    /// Whether the page shown is one of this group's methods (its section opens).
    pub fn in_group(&self, g: &ApiGroup) -> bool {
        g.methods.iter().any(|m| self.is_api(m.name))
    }

    /// Whether the page shown is one of this group's events.
    pub fn in_event_group(&self, g: &EventGroup) -> bool {
        g.events.iter().any(|e| self.is_event(e.name))
    }

    /// Whether the page shown is this method's.
    pub fn is_api(&self, name: &str) -> bool {
        self.current.strip_prefix("api:") == Some(name)
    }

    /// Whether the page shown is this event's.
    pub fn is_event(&self, name: &str) -> bool {
        self.current.strip_prefix("event:") == Some(name)
    }

    /// A method's display name, or the method itself.
    pub fn api_label<'a>(&self, lang: &Lang, name: &'a str) -> &'a str {
        lang.lookup(&format!("api.{name}")).unwrap_or(name)
    }

    /// An event's display name, or the event itself.
    pub fn event_label<'a>(&self, lang: &Lang, name: &'a str) -> &'a str {
        lang.lookup(&format!("msg.{name}")).unwrap_or(name)
    }
}

// ---- the index ----

#[derive(Template)]
#[template(path = "console/docs_index.html")]
struct IndexPage {
    chrome: Chrome,
    nav: Nav,
    method_count: usize,
    event_count: usize,
    error_count: usize,
    carrier_count: usize,
}

impl IndexPage {
    fn api_title(&self, m: &ApiMethod) -> &'static str {
        method_title(&self.chrome.lang, m.name)
    }
    fn event_title(&self, e: &EventDecl) -> &'static str {
        event_title(&self.chrome.lang, e.name)
    }
}

/// `GET /docs`.
pub async fn index(reader: Reader) -> Response {
    let lang = reader.lang;
    render(&IndexPage {
        chrome: reader.chrome(lang.t("docs.title")),
        nav: Nav::new(lang, "index"),
        method_count: catalogue::all().len(),
        event_count: EVENTS.len(),
        error_count: ApiError::all().len() + OAuthError::all().len(),
        carrier_count: CARRIERS.len(),
    })
}

// ---- one API ----

/// A signed example request for one method.
pub struct SignedExample {
    /// `MD5` or `HMAC_SHA256`.
    pub sign_method: SignMethod,
    /// The `param` JSON.
    pub param: String,
    /// The exact string signed.
    pub string_to_sign: String,
    /// The signature.
    pub sign: String,
    /// The request as a GET URL.
    pub get_url: String,
    /// The request as a curl POST with a form body.
    pub curl: String,
}

/// Signs the method's example `param` with the example credentials.
pub fn signed_example(m: &ApiMethod, base: &str, sign_method: SignMethod) -> SignedExample {
    let param = m.example_param();
    let input = SignInput {
        appkey: Some(EXAMPLE_APPKEY),
        method: Some(m.name),
        access_token: Some(EXAMPLE_ACCESS_TOKEN),
        version: Some("1"),
        sign_method: Some(sign_method.as_str()),
        timestamp: Some(EXAMPLE_TIMESTAMP),
        param: Some(&param),
    };
    let signed = sign(&input, EXAMPLE_SIGN_SECRET, sign_method);
    let mut pairs: Vec<(&str, &str)> = input
        .sorted_pairs()
        .iter()
        .filter_map(|(k, v)| v.map(|v| (*k, v)))
        .collect();
    pairs.push(("sign", &signed));
    let url = format!("{base}{}", kaifang_wire::path::method_to_path(m.name));
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode_component(v)))
        .collect();
    let quote = |s: &str| format!("'{}'", s.replace('\'', "'\\''"));
    let mut curl = format!("curl -X POST {}", quote(&url));
    for (k, v) in &pairs {
        curl.push_str(" \\\n  --data-urlencode ");
        curl.push_str(&quote(&format!("{k}={v}")));
    }
    SignedExample {
        sign_method,
        string_to_sign: string_to_sign(&input, EXAMPLE_SIGN_SECRET),
        sign: signed,
        get_url: format!("{url}?{}", query.join("&")),
        curl,
        param,
    }
}

/// The envelope of a successful call, with `data` shaped like the declared response fields.
fn example_success(m: &ApiMethod) -> String {
    let data = if m.response.is_empty() {
        Value::Null
    } else if m.response.iter().all(|f| f.name.starts_with("[].")) {
        let item: serde_json::Map<String, Value> = m
            .response
            .iter()
            .map(|f| (f.name[3..].to_string(), f.example_value()))
            .collect();
        json!([item])
    } else {
        let obj: serde_json::Map<String, Value> = m
            .response
            .iter()
            .map(|f| (f.name.to_string(), f.example_value()))
            .collect();
        Value::Object(obj)
    };
    let body = kaifang_wire::envelope::success(&data, "f3a1c2d4e5b6");
    pretty(&String::from_utf8_lossy(&body))
}

fn pretty(json_text: &str) -> String {
    serde_json::from_str::<Value>(json_text)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| json_text.to_string())
}

/// `?sign=md5` chooses the example's signature method (HMAC_SHA256 by default).
#[derive(Debug, Default, Deserialize)]
pub struct SignChoice {
    sign: Option<String>,
}

#[derive(Template)]
#[template(path = "console/docs_api.html")]
struct ApiPage {
    chrome: Chrome,
    nav: Nav,
    m: &'static ApiMethod,
    path: String,
    title: &'static str,
    scope_title: &'static str,
    example: SignedExample,
    success: String,
    failure: String,
    rules: TrafficRules,
    sandbox: bool,
    default_qps: u32,
}

impl ApiPage {
    fn md5(&self) -> bool {
        self.example.sign_method == SignMethod::Md5
    }
    fn field_example(&self, f: &Field) -> String {
        if f.example.is_empty() {
            String::new()
        } else {
            f.example_value().to_string()
        }
    }
    fn count(&self, n: &u64) -> String {
        super::format::thousands(*n)
    }
    fn system_params(&self) -> Vec<(&'static str, &'static str)> {
        let lang = self.chrome.lang;
        [
            ("appkey", "docs.sys.appkey"),
            ("method", "docs.sys.method"),
            ("version", "docs.sys.version"),
            ("param", "docs.sys.param"),
            ("access_token", "docs.sys.access_token"),
            ("timestamp", "docs.sys.timestamp"),
            ("signMethod", "docs.sys.signMethod"),
            ("sign", "docs.sys.sign"),
        ]
        .into_iter()
        .map(|(k, key)| (k, lang.t(key)))
        .collect()
    }
    fn credentials(&self) -> [(&'static str, &'static str); 4] {
        [
            ("appkey", EXAMPLE_APPKEY),
            ("signSecret", EXAMPLE_SIGN_SECRET),
            ("access_token", EXAMPLE_ACCESS_TOKEN),
            ("timestamp", EXAMPLE_TIMESTAMP),
        ]
    }
}

/// `GET /docs/api/{method}`.
pub async fn api(
    State(ctx): State<Ctx>,
    reader: Reader,
    headers: HeaderMap,
    Path(name): Path<String>,
    Query(choice): Query<SignChoice>,
) -> Response {
    let lang = reader.lang;
    let Some(entry) = catalogue::find(&name) else {
        return not_found(lang, lang.t("docs.no_such_api"));
    };
    let m = entry.method;
    let sign_method = if choice.sign.as_deref() == Some("md5") {
        SignMethod::Md5
    } else {
        SignMethod::HmacSha256
    };
    let failure = kaifang_wire::envelope::error(ApiError::SignatureMismatch, None, "f3a1c2d4e5b6");
    render(&ApiPage {
        chrome: reader.chrome(m.name),
        nav: Nav::new(lang, format!("api:{}", m.name)),
        m,
        path: kaifang_wire::path::method_to_path(m.name),
        title: method_title(&lang, m.name),
        scope_title: lang.scope_title(m.scope),
        example: signed_example(m, &base_url(&headers), sign_method),
        success: example_success(m),
        failure: pretty(&String::from_utf8_lossy(&failure)),
        rules: TrafficRules::new(false),
        sandbox: ctx.platform.rules.sandbox,
        default_qps: DEFAULT_QPS,
    })
}

fn not_found(lang: Lang, message: &str) -> Response {
    let mut r = super::error_page(lang, message);
    *r.status_mut() = StatusCode::NOT_FOUND;
    r
}

// ---- events ----

#[derive(Template)]
#[template(path = "console/docs_events.html")]
struct EventsPage {
    chrome: Chrome,
    nav: Nav,
}

impl EventsPage {
    fn event_title(&self, e: &EventDecl) -> &'static str {
        event_title(&self.chrome.lang, e.name)
    }
}

/// `GET /docs/events`.
pub async fn events(reader: Reader) -> Response {
    let lang = reader.lang;
    render(&EventsPage {
        chrome: reader.chrome(lang.t("docs.events")),
        nav: Nav::new(lang, "events"),
    })
}

/// One `info` field as the event page lists it.
pub struct InfoField {
    /// Name.
    pub name: &'static str,
    /// `long`, `int`, `string`, `object`, ...
    pub ty: &'static str,
    /// Example value as JSON.
    pub example: String,
}

/// An example push of one event: the envelope plaintext and its encrypted body.
pub struct PushExample {
    /// The decrypted envelope, pretty-printed.
    pub plaintext: String,
    /// The body as sent: Base64 of AES-128-CBC with the example push key.
    pub body: String,
}

/// The example push of `e`, built by the push worker's own envelope function.
pub fn push_example(e: &EventDecl) -> PushExample {
    let row = kaifang_push::fanout::OutboxEvent {
        id: 147_402,
        event: e.name.to_string(),
        scope: e.scope.as_str().to_string(),
        biz_id: example::biz_id(e),
        seller_id: example::EXAMPLE_SELLER,
        buyer_id: None,
        info: example::info(e).to_string(),
        created_at: example::EXAMPLE_TIME,
    };
    let info = example::info(e);
    let buyer = info["buyerOpenId"].as_str().map(str::to_string);
    let seller = info["openId"]
        .as_str()
        .unwrap_or("f1b6c0d8e2a94b7c9d3e5f7a1b2c3d4e")
        .to_string();
    let compact = kaifang_push::fanout::envelope(
        &row,
        "267_147402",
        EXAMPLE_APPKEY,
        &seller,
        buyer.as_deref(),
    );
    let body = kaifang_wire::push::encrypt(EXAMPLE_PUSH_KEY, compact.as_bytes())
        .unwrap_or_else(|e| e.to_string());
    PushExample {
        plaintext: pretty(&compact),
        body,
    }
}

#[derive(Template)]
#[template(path = "console/docs_event.html")]
struct EventPage {
    chrome: Chrome,
    nav: Nav,
    e: &'static EventDecl,
    title: &'static str,
    scope_title: &'static str,
    fields: Vec<InfoField>,
    push: PushExample,
    push_key: &'static str,
}

/// `GET /docs/events/{name}`.
pub async fn event(reader: Reader, Path(name): Path<String>) -> Response {
    let lang = reader.lang;
    let Some(e) = outbox::declaration(&name) else {
        return not_found(lang, lang.t("docs.no_such_event"));
    };
    let info = example::info(e);
    let fields = e
        .info_fields
        .iter()
        .map(|f| {
            let v = &info[*f];
            InfoField {
                name: f,
                ty: match v {
                    Value::Number(n)
                        if n.as_i64().is_some_and(|x| x.abs() > i64::from(i32::MAX)) =>
                    {
                        "long"
                    }
                    Value::Number(_) => "int",
                    Value::String(_) => "string",
                    Value::Bool(_) => "boolean",
                    Value::Array(_) => "array",
                    _ => "object",
                },
                example: v.to_string(),
            }
        })
        .collect();
    render(&EventPage {
        chrome: reader.chrome(e.name),
        nav: Nav::new(lang, format!("event:{}", e.name)),
        e,
        title: event_title(&lang, e.name),
        scope_title: lang.scope_title(e.scope.as_str()),
        fields,
        push: push_example(e),
        push_key: EXAMPLE_PUSH_KEY,
    })
}

// ---- error codes ----

/// One row of the API error table.
pub struct ErrorRow {
    /// `result`.
    pub code: i64,
    /// `sub_code` (UPPER_SNAKE).
    pub name: &'static str,
    /// What went wrong (the default `error_msg` up to its first `": "`).
    pub what: &'static str,
    /// How to fix it (the rest), if the message says.
    pub fix: &'static str,
    /// Whether Kaifang chose the number.
    pub kaifang: bool,
}

/// The catalogue's default message split into what went wrong and what to do.
pub fn split_message(message: &'static str) -> (&'static str, &'static str) {
    match message.split_once(": ") {
        Some((what, fix)) => (what, fix),
        None => (message, ""),
    }
}

/// Every API error as a table row, in catalogue order.
pub fn error_rows() -> Vec<ErrorRow> {
    ApiError::all()
        .iter()
        .map(|e| {
            let (what, fix) = split_message(e.message());
            ErrorRow {
                code: e.code(),
                name: e.name(),
                what,
                fix,
                kaifang: e.is_kaifang_assigned(),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "console/docs_errors.html")]
struct ErrorsPage {
    chrome: Chrome,
    nav: Nav,
    errors: Vec<ErrorRow>,
    oauth: &'static [OAuthError],
    example: String,
}

/// `GET /docs/errors`.
pub async fn errors(reader: Reader) -> Response {
    let lang = reader.lang;
    let example = kaifang_wire::envelope::error(ApiError::AccessTokenExpired, None, "f3a1c2d4e5b6");
    render(&ErrorsPage {
        chrome: reader.chrome(lang.t("docs.errors")),
        nav: Nav::new(lang, "errors"),
        errors: error_rows(),
        oauth: OAuthError::all(),
        example: pretty(&String::from_utf8_lossy(&example)),
    })
}

// ---- carriers ----

#[derive(Template)]
#[template(path = "console/docs_carriers.html")]
struct CarriersPage {
    chrome: Chrome,
    nav: Nav,
    carriers: &'static [Carrier],
    retired: usize,
}

impl CarriersPage {
    fn replacement(&self, c: &Carrier) -> String {
        c.replaced_by
            .and_then(|r| CARRIERS.iter().find(|x| x.code == r))
            .map(|r| format!("{} {}", r.code, r.name))
            .unwrap_or_default()
    }
}

/// `GET /docs/carriers`.
pub async fn carriers(reader: Reader) -> Response {
    let lang = reader.lang;
    render(&CarriersPage {
        chrome: reader.chrome(lang.t("docs.carriers")),
        nav: Nav::new(lang, "carriers"),
        carriers: CARRIERS,
        retired: CARRIERS.iter().filter(|c| c.retired).count(),
    })
}

// ---- getting started ----

#[derive(Template)]
#[template(path = "console/docs_start.html")]
struct StartPage {
    chrome: Chrome,
    nav: Nav,
    authorize: String,
    token: String,
    example: SignedExample,
    first_method: &'static str,
    max_test_users: usize,
    test_user_calls: u64,
}

/// `GET /docs/start`.
pub async fn start(State(ctx): State<Ctx>, reader: Reader, headers: HeaderMap) -> Response {
    let lang = reader.lang;
    let base = base_url(&headers);
    let first = catalogue::find("open.user.seller.get")
        .or_else(|| {
            catalogue::all()
                .first()
                .and_then(|m| catalogue::find(m.name))
        })
        .map(|e| e.method);
    let Some(first) = first else {
        return not_found(lang, lang.t("docs.no_such_api"));
    };
    let authorize = format!(
        "{base}/oauth/authorize?app_id={EXAMPLE_APPKEY}&response_type=code&scope=user_info,merchant_user,merchant_order&redirect_uri={}&state=xyz",
        encode_component("https://erp.example.com/callback")
    );
    let token = format!(
        "{base}/oauth2/access_token?app_id={EXAMPLE_APPKEY}&app_secret=<appSecret>&grant_type=code&code=<code>"
    );
    render(&StartPage {
        chrome: reader.chrome(lang.t("docs.start")),
        nav: Nav::new(lang, "start"),
        example: signed_example(first, &base, SignMethod::HmacSha256),
        first_method: first.name,
        authorize,
        token,
        max_test_users: ctx.platform.rules.max_test_users,
        test_user_calls: TrafficRules::new(false).test_user_daily_calls,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worked_example_of_the_protocol_notes_comes_out() {
        let m = catalogue::find("open.item.get").unwrap().method;
        let ex = signed_example(m, "http://h", SignMethod::Md5);
        assert_eq!(ex.param, r#"{"kwaiItemId":20000000001}"#);
        assert_eq!(ex.sign, "f34cdc2268068c6b6fdc14d3dbe14187");
        assert!(
            ex.get_url
                .starts_with("http://h/open/item/get?access_token=TEST_ACCESS_TOKEN&")
        );
        assert!(
            ex.get_url
                .ends_with("&sign=f34cdc2268068c6b6fdc14d3dbe14187")
        );
        let ex = signed_example(m, "http://h", SignMethod::HmacSha256);
        assert_eq!(ex.sign, "UBtsDwkKHw0mohtS86IP0pekCEO/FYnXt790JuEhaq8=");
        assert!(
            ex.get_url
                .contains("sign=UBtsDwkKHw0mohtS86IP0pekCEO%2FFYnXt790JuEhaq8%3D")
        );
        assert!(
            ex.curl
                .contains("--data-urlencode 'param={\"kwaiItemId\":20000000001}'")
        );
    }

    #[test]
    fn every_event_has_a_push_example_that_decrypts() {
        for e in EVENTS {
            let ex = push_example(e);
            let plain = kaifang_wire::push::decrypt_to_string(EXAMPLE_PUSH_KEY, &ex.body).unwrap();
            let v: Value = serde_json::from_str(&plain).unwrap();
            assert_eq!(v["event"], e.name);
            let info: Value = serde_json::from_str(v["info"].as_str().unwrap()).unwrap();
            assert_eq!(info.as_object().unwrap().len(), e.info_fields.len());
        }
    }

    #[test]
    fn messages_split_into_what_and_what_to_do() {
        assert_eq!(
            split_message(ApiError::UnsupportedVersion.message()),
            ("version is not supported", "send version=1")
        );
        assert_eq!(
            split_message(ApiError::RefundEndTimeBeforeBeginTime.message()).1,
            ""
        );
    }
}
