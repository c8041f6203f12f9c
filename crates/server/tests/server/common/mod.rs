//! The test harness: a real Kaifang server on a real socket (SQLite, or PostgreSQL when
//! `KAIFANG_TEST_DATABASE_URL` is set), a movable clock, and fixtures made through the public
//! API the way a user would make them.
#![allow(dead_code)]

use std::sync::Arc;

use kaifang_platform::clock::Clock;
use kaifang_server::Server;
use kaifang_server::config::Settings;
use kaifang_store::testing::{TempDir, fresh_postgres_url};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// 2026-11-27T00:00:00Z: tests start here and move the clock forward.
pub const START_MS: i64 = 1_795_737_600_000;

/// A running server with its clock.
pub struct TestServer {
    pub server: Server,
    pub clock: Arc<Clock>,
    pub base: String,
    pub http: reqwest::Client,
    pub dir: TempDir,
    /// The PostgreSQL database, or `None` for SQLite (`kaifang.db` in `dir`).
    pub database_url: Option<String>,
}

/// What [`TestServer::cast`] sets up.
pub struct Cast {
    /// The operator who approved everything.
    pub op: Actor,
    /// The merchant developer.
    pub dev: Actor,
    /// Their approved self-use app.
    pub app: AppFixture,
    /// A merchant (not yet a test user of the app).
    pub merchant: Actor,
}

/// Someone calling the API with a bearer token.
#[derive(Clone)]
pub struct Actor {
    pub base: String,
    pub http: reqwest::Client,
    pub account_id: i64,
    pub login: String,
    pub password: String,
    pub token: String,
}

/// An approved app's credentials.
#[derive(Clone, Debug)]
pub struct AppFixture {
    pub id: i64,
    pub app_key: String,
    pub app_secret: String,
    pub sign_secret: String,
    pub push_key: String,
}

static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A unique suffix for logins in one test process.
pub fn unique() -> u64 {
    SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl TestServer {
    /// A sandbox server.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// A server with adjusted settings (sandbox on by default).
    pub async fn start_with(adjust: impl FnOnce(&mut Settings)) -> Self {
        let dir = TempDir::new().expect("temp dir");
        let mut settings = Settings::new(dir.0.clone());
        settings.listen = "127.0.0.1:0".parse().unwrap();
        settings.sandbox = true;
        settings.database_url = fresh_postgres_url().await.expect("postgres test database");
        adjust(&mut settings);
        let clock = Arc::new(Clock::fixed(START_MS));
        let database_url = settings.database_url.clone();
        let server = kaifang_server::start(&settings, clock.clone())
            .await
            .expect("server starts");
        let base = server.base_url();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        TestServer {
            server,
            clock,
            base,
            http,
            dir,
            database_url,
        }
    }

    /// The server's database opened anew (after [`Server::stop`], to see what was written).
    pub async fn reopen_db(dir: &TempDir, database_url: Option<&str>) -> kaifang_store::Db {
        kaifang_store::Db::open(database_url, &dir.0.join("kaifang.db"))
            .await
            .expect("database reopens")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A kaifang-sdk client for `app` that does not retry, so tests see every answer.
    pub fn sdk_client(&self, app: &AppFixture) -> kaifang_sdk::Client {
        let mut client = kaifang_sdk::Client::new(
            self.base.clone(),
            kaifang_sdk::Credentials {
                app_key: app.app_key.clone(),
                app_secret: app.app_secret.clone(),
                sign_secret: app.sign_secret.clone(),
            },
        );
        client.max_retries = 0;
        client
    }

    /// Call options most tests use: GET, HMAC-SHA256, timestamped by the test clock.
    pub fn hmac_get(&self) -> kaifang_sdk::CallOptions {
        kaifang_sdk::CallOptions {
            transport: kaifang_sdk::Transport::Get,
            sign_method: Some(kaifang_wire::sign::SignMethod::HmacSha256),
            timestamp_ms: Some(self.clock.now()),
            files: Vec::new(),
        }
    }

    /// The usual cast: an operator, an approved merchant developer with an approved self-use
    /// app (商家后台应用, 自研系统), and a merchant.
    pub async fn cast(&self) -> Cast {
        let op = self.operator().await;
        let dev = self.approved_developer(&op, "merchant").await;
        let app = self
            .approved_app(&op, &dev, "商家后台应用", "自研系统")
            .await;
        let merchant = self.merchant(&op).await;
        Cast {
            op,
            dev,
            app,
            merchant,
        }
    }

    fn actor(&self, account_id: i64, login: &str, password: &str, token: String) -> Actor {
        Actor {
            base: self.base.clone(),
            http: self.http.clone(),
            account_id,
            login: login.into(),
            password: password.into(),
            token,
        }
    }

    /// Logs in with a password and mints an API token through the API.
    pub async fn log_in(&self, login: &str, password: &str) -> Actor {
        let resp = self
            .http
            .post(self.url("/api/session"))
            .json(&json!({"login": login, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "log in {login}");
        let cookie = resp.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let body: Value = resp.json().await.unwrap();
        let csrf = body["csrf_token"].as_str().unwrap().to_string();
        let account_id = body["account"]["id"].as_i64().unwrap();
        let resp = self
            .http
            .post(self.url("/api/tokens"))
            .header("cookie", cookie)
            .header("x-csrf-token", csrf)
            .json(&json!({"name": "test"}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let body: Value = resp.json().await.unwrap();
        self.actor(
            account_id,
            login,
            password,
            body["token"].as_str().unwrap().to_string(),
        )
    }

    /// An operator (created directly: there is no public way to become one).
    pub async fn operator(&self) -> Actor {
        let login = format!("op{}@test.dev", unique());
        kaifang_platform::accounts::create(
            &self.server.platform,
            kaifang_platform::accounts::NewAccount {
                login: &login,
                password: "operator-pass",
                name: "Operator",
                role: kaifang_platform::accounts::Role::Operator,
                main_account_id: None,
            },
        )
        .await
        .unwrap();
        self.log_in(&login, "operator-pass").await
    }

    /// A merchant with a shop, created by an operator; returns the merchant.
    pub async fn merchant(&self, operator: &Actor) -> Actor {
        let login = format!("merchant{}", unique());
        let (s, b) = operator
            .post("/api/admin/merchants", json!({"login": login, "password": "merchant-pass", "name": "商家", "shop_name": "小店"}))
            .await;
        assert_eq!(s, 200, "{b}");
        self.log_in(&login, "merchant-pass").await
    }

    /// A developer that signed up, filled everything in and submitted (not yet reviewed).
    pub async fn submitted_developer(&self, role: &str) -> Actor {
        let email = format!("dev{}@test.dev", unique());
        let (s, b) = self
            .post_anon(
                "/api/signup",
                json!({"email": email, "password": "developer-pass", "name": "Dev"}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        let dev = self.log_in(&email, "developer-pass").await;
        fill_and_submit(&dev, role, &format!("LIC{}", unique())).await;
        dev
    }

    /// An approved developer of `role` (`merchant` developers are merchants that enrolled).
    pub async fn approved_developer(&self, operator: &Actor, role: &str) -> Actor {
        let dev = if role == "merchant" {
            let m = self.merchant(operator).await;
            let (s, b) = m
                .post(
                    "/api/developer",
                    json!({"email": format!("m{}@test.dev", unique())}),
                )
                .await;
            assert_eq!(s, 200, "{b}");
            fill_and_submit(&m, role, &format!("LIC{}", unique())).await;
            m
        } else {
            self.submitted_developer(role).await
        };
        let (_, me) = dev.get("/api/developer").await;
        let id = me["id"].as_i64().unwrap();
        let (s, b) = operator
            .post(
                &format!("/api/admin/developers/{id}/review"),
                json!({"approve": true}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        dev
    }

    /// An app created by `dev`, approved by `operator`, with its revealed credentials.
    pub async fn approved_app(
        &self,
        operator: &Actor,
        dev: &Actor,
        l1: &str,
        l2: &str,
    ) -> AppFixture {
        let (s, app) = dev
            .post(
                "/api/apps",
                app_input(&format!("App {}", unique()), l1, l2, &self.url("/cb")),
            )
            .await;
        assert_eq!(s, 200, "{app}");
        let id = app["id"].as_i64().unwrap();
        let (s, b) = operator
            .post(
                &format!("/api/admin/apps/{id}/review"),
                json!({"approve": true}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        let (s, c) = dev
            .post(&format!("/api/apps/{id}/credentials/reveal"), json!({}))
            .await;
        assert_eq!(s, 200, "{c}");
        AppFixture {
            id,
            app_key: c["app_key"].as_str().unwrap().into(),
            app_secret: c["app_secret"].as_str().unwrap().into(),
            sign_secret: c["sign_secret"].as_str().unwrap().into(),
            push_key: c["push_key"].as_str().unwrap().into(),
        }
    }

    /// A request without credentials.
    pub async fn post_anon(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let resp = self
            .http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        let s = resp.status();
        (s, resp.json().await.unwrap_or(Value::Null))
    }
}

/// Adds `user` as a test user of `app` and mints a 48 h token for it with the console helper.
pub async fn test_user_token(dev: &Actor, app: &AppFixture, user: &Actor) -> String {
    let (s, b) = dev
        .post(
            &format!("/api/apps/{}/test-users", app.id),
            json!({"user_id": user.account_id}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = dev
        .post(
            &format!(
                "/api/apps/{}/test-users/{}/token",
                app.app_key, user.account_id
            ),
            json!({}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    b["access_token"].as_str().unwrap().to_string()
}

/// The JSON for creating an app.
pub fn app_input(name: &str, l1: &str, l2: &str, callback: &str) -> Value {
    json!({"name": name, "description": "does things", "category_l1": l1, "category_l2": l2, "callback_url": callback})
}

/// A complete qualification profile.
pub fn profile(role: &str, licence: &str) -> Value {
    json!({
        "role": role,
        "legal_person": {"name": "张三", "id_number": "110101199001011234"},
        "enterprise": {"name": "某某科技有限公司", "licence_number": licence, "description": "ERP"},
        "administrator": {"name": "李四", "phone": "13800138000", "email": "admin@example.com"}
    })
}

async fn fill_and_submit(dev: &Actor, role: &str, licence: &str) {
    let (s, b) = dev
        .post("/api/developer/agreement", json!({"version": "2023-09-12"}))
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = dev
        .put("/api/developer/profile", profile(role, licence))
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = dev.post("/api/developer/submit", json!({})).await;
    assert_eq!(s, 200, "{b}");
}

impl Actor {
    async fn send(&self, req: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let resp = req.bearer_auth(&self.token).send().await.unwrap();
        let s = resp.status();
        (s, resp.json().await.unwrap_or(Value::Null))
    }
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.http.get(format!("{}{path}", self.base)))
            .await
    }
    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.http.post(format!("{}{path}", self.base)).json(&body))
            .await
    }
    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.http.put(format!("{}{path}", self.base)).json(&body))
            .await
    }
    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.http.delete(format!("{}{path}", self.base)))
            .await
    }
}

/// A browser-like visitor of the server-rendered pages: the session cookie (empty when not
/// logged in), its CSRF token for forms, and the `lang` cookie.
#[derive(Clone)]
pub struct PageSession {
    pub base: String,
    pub http: reqwest::Client,
    pub cookie: String,
    pub csrf: String,
    pub lang: &'static str,
}

impl TestServer {
    /// A logged-in page session (through `POST /api/session`, the same session the log-in
    /// form starts), in Chinese.
    pub async fn page_session(&self, login: &str, password: &str) -> PageSession {
        let resp = self
            .http
            .post(self.url("/api/session"))
            .json(&json!({"login": login, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "log in {login}");
        let cookie = resp.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let body: Value = resp.json().await.unwrap();
        PageSession {
            base: self.base.clone(),
            http: self.http.clone(),
            cookie,
            csrf: body["csrf_token"].as_str().unwrap().to_string(),
            lang: "zh",
        }
    }

    /// A visitor who is not logged in, in Chinese.
    pub fn visitor(&self) -> PageSession {
        PageSession {
            base: self.base.clone(),
            http: self.http.clone(),
            cookie: String::new(),
            csrf: String::new(),
            lang: "zh",
        }
    }
}

impl PageSession {
    /// The same visitor reading in another language (`zh` or `en`).
    pub fn in_lang(&self, lang: &'static str) -> PageSession {
        PageSession {
            lang,
            ..self.clone()
        }
    }

    fn cookies(&self) -> String {
        let lang = format!("lang={}", self.lang);
        if self.cookie.is_empty() {
            lang
        } else {
            format!("{}; {lang}", self.cookie)
        }
    }

    /// `GET path`: status and HTML.
    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookies())
            .send()
            .await
            .unwrap();
        (resp.status(), resp.text().await.unwrap())
    }

    /// Posts a form with the session's CSRF token added as `_csrf`: status, `Location`, body.
    pub async fn post_form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, Option<String>, String) {
        let mut form: Vec<(&str, &str)> = vec![("_csrf", self.csrf.as_str())];
        form.extend_from_slice(fields);
        let resp = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookies())
            .form(&form)
            .send()
            .await
            .unwrap();
        let location = resp
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string());
        (resp.status(), location, resp.text().await.unwrap())
    }
}

/// A page's whole answer: status, headers and body text (for checks on headers such as
/// `Cache-Control` and on redirects).
pub struct Page {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    /// Where a redirect goes.
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

impl PageSession {
    async fn answer(&self, req: reqwest::RequestBuilder) -> Page {
        let resp = req.header("cookie", self.cookies()).send().await.unwrap();
        Page {
            status: resp.status(),
            headers: resp.headers().clone(),
            body: resp.text().await.unwrap_or_default(),
        }
    }

    /// `GET path` with the headers.
    pub async fn page(&self, path: &str) -> Page {
        self.answer(self.http.get(format!("{}{path}", self.base)))
            .await
    }

    /// Submits a form with the session's CSRF token, keeping the headers.
    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut all: Vec<(&str, &str)> = vec![("_csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_bare(path, &all).await
    }

    /// Posts exactly `fields` (no CSRF token unless given).
    pub async fn post_bare(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.answer(self.http.post(format!("{}{path}", self.base)).form(fields))
            .await
    }
}
