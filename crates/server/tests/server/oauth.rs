//! OAuth 2.0 over HTTP (protocol-notes §3): the consent page driven like a browser, the token
//! and refresh endpoints as the SDKs call them, rotation, revocation, the console helpers and
//! the sandbox clock.

use crate::common;

use std::collections::HashMap;

use crate::common::{Actor, AppFixture, Cast, TestServer, app_input, unique};
use kaifang_platform::crypto::token_hash;
use kaifang_platform::oauth::{self, GrantKind, TokenCheck};
use kaifang_store::args;
use reqwest::StatusCode;
use serde_json::{Value, json};

const SEC: i64 = 1000;
const MIN: i64 = 60 * SEC;
const DAY: i64 = 24 * 60 * MIN;

/// A merchant developer's approved self-use app with a merchant as its test user.
struct Fx {
    t: TestServer,
    op: Actor,
    dev: Actor,
    app: AppFixture,
    merchant: Actor,
}

impl Fx {
    async fn new() -> Fx {
        let t = TestServer::start().await;
        let Cast {
            op,
            dev,
            app,
            merchant,
        } = t.cast().await;
        add_test_user(&dev, &app, merchant.account_id).await;
        Fx {
            t,
            op,
            dev,
            app,
            merchant,
        }
    }

    fn callback(&self) -> String {
        self.t.url("/cb")
    }

    fn authorize_path(&self, scope: &str, state: &str) -> String {
        format!(
            "/oauth/authorize?app_id={}&response_type=code&scope={scope}&redirect_uri={}&state={state}",
            self.app.app_key,
            enc(&self.callback())
        )
    }

    /// A code through the console helper.
    async fn code(&self) -> String {
        let (s, b) = self
            .dev
            .post(
                &format!(
                    "/api/apps/{}/test-users/{}/code",
                    self.app.app_key, self.merchant.account_id
                ),
                json!({}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        b["code"].as_str().unwrap().to_string()
    }

    /// Exchanges a code with GET and the documented parameter names.
    async fn exchange(&self, code: &str) -> Value {
        self.token_get(
            "/oauth2/access_token",
            &[
                ("app_id", self.app.app_key.as_str()),
                ("app_secret", self.app.app_secret.as_str()),
                ("grant_type", "code"),
                ("code", code),
            ],
        )
        .await
    }

    async fn refresh(&self, refresh_token: &str) -> Value {
        self.token_post_form(
            "/oauth2/refresh_token",
            &[
                ("app_id", self.app.app_key.as_str()),
                ("app_secret", self.app.app_secret.as_str()),
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ],
        )
        .await
    }

    async fn token_get(&self, path: &str, q: &[(&str, &str)]) -> Value {
        let r = self
            .t
            .http
            .get(self.t.url(path))
            .query(q)
            .send()
            .await
            .unwrap();
        read_oauth(r).await
    }

    async fn token_post_form(&self, path: &str, form: &[(&str, &str)]) -> Value {
        let r = self
            .t
            .http
            .post(self.t.url(path))
            .form(form)
            .send()
            .await
            .unwrap();
        read_oauth(r).await
    }

    async fn check(&self, access_token: &str) -> TokenCheck {
        oauth::check_access_token(&self.t.server.platform, access_token)
            .await
            .unwrap()
    }
}

/// Token endpoints answer HTTP 200 with JSON, whatever happened.
async fn read_oauth(r: reqwest::Response) -> Value {
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "application/json;charset=UTF-8"
    );
    r.json().await.unwrap()
}

/// Query parameters, expected `result`, expected `error`.
type Case<'a> = (Vec<(&'a str, &'a str)>, i64, &'a str);

fn assert_oauth_error(b: &Value, result: i64, error: &str) {
    assert_eq!(b["result"], result, "{b}");
    assert_eq!(b["error"], error, "{b}");
    assert!(
        b["error_msg"].as_str().is_some_and(|m| !m.is_empty()),
        "{b}"
    );
    assert!(b.get("access_token").is_none(), "{b}");
}

fn assert_user_tokens(b: &Value) {
    assert_eq!(b["result"], 1, "{b}");
    for k in ["access_token", "refresh_token", "open_id", "token_type"] {
        assert!(b[k].as_str().is_some_and(|v| !v.is_empty()), "{k}: {b}");
    }
    assert_eq!(b["expires_in"], 172_800, "{b}");
    assert!(b["refresh_token_expires_in"].as_i64().is_some(), "{b}");
    assert!(b["scopes"].is_array(), "{b}");
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn add_test_user(dev: &Actor, app: &AppFixture, user_id: i64) {
    let (s, b) = dev
        .post(
            &format!("/api/apps/{}/test-users", app.id),
            json!({"user_id": user_id}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
}

/// Takes an approved app through the scan and launch review to online.
async fn launch(op: &Actor, dev: &Actor, app: &AppFixture) {
    let (s, b) = dev
        .post(
            &format!("/api/apps/{}/lifecycle", app.id),
            json!({"event": "start_scan"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = op
        .post(
            &format!("/api/admin/apps/{}/lifecycle", app.id),
            json!({"event": "scan_passed"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = op
        .post(
            &format!("/api/admin/apps/{}/launch-review", app.id),
            json!({"approve": true}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["state"], "online");
}

/// A browser: keeps cookies, does not follow redirects.
struct Browser {
    http: reqwest::Client,
    base: String,
    cookies: HashMap<String, String>,
}

struct Page {
    status: StatusCode,
    location: Option<String>,
    body: String,
}

impl Browser {
    fn new(t: &TestServer) -> Browser {
        Browser {
            http: t.http.clone(),
            base: t.base.clone(),
            cookies: HashMap::new(),
        }
    }

    fn url(&self, path_or_url: &str) -> String {
        if path_or_url.starts_with("http") {
            path_or_url.to_string()
        } else {
            format!("{}{path_or_url}", self.base)
        }
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Page {
        let cookie: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let resp = req
            .header("cookie", cookie.join("; "))
            .send()
            .await
            .unwrap();
        for v in resp.headers().get_all("set-cookie") {
            let first = v.to_str().unwrap().split(';').next().unwrap();
            let (k, val) = first.split_once('=').unwrap();
            self.cookies.insert(k.to_string(), val.to_string());
        }
        Page {
            status: resp.status(),
            location: resp
                .headers()
                .get("location")
                .map(|l| l.to_str().unwrap().to_string()),
            body: resp.text().await.unwrap(),
        }
    }

    async fn get(&mut self, path: &str) -> Page {
        let req = self.http.get(self.url(path));
        self.send(req).await
    }

    async fn post(&mut self, path: &str, form: &[(String, String)]) -> Page {
        let req = self.http.post(self.url(path)).form(form);
        self.send(req).await
    }

    /// Opens the authorization page and logs in through its form.
    async fn log_in(&mut self, path: &str, who: &Actor) -> Page {
        let page = self.get(path).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("name=\"login_csrf\""), "{}", page.body);
        let mut form = hidden_inputs(&page.body);
        form.push(("login".into(), who.login.clone()));
        form.push(("password".into(), who.password.clone()));
        let after = self.post("/oauth/authorize", &form).await;
        assert_eq!(after.status, 303, "{}", after.body);
        let back = after.location.unwrap();
        assert!(back.starts_with("/oauth/authorize?"), "{back}");
        self.get(&back).await
    }

    /// Logs in and presses a consent button; returns the redirect.
    async fn consent(&mut self, path: &str, who: &Actor, action: &str) -> Page {
        let page = self.log_in(path, who).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let mut form = hidden_inputs(&page.body);
        form.push(("action".into(), action.into()));
        self.post("/oauth/authorize", &form).await
    }
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Every `<input type="hidden" name=… value=…>` of a page.
fn hidden_inputs(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<input type=\"hidden\" name=\"") {
        rest = &rest[i + 27..];
        let name_end = rest.find('"').unwrap();
        let name = &rest[..name_end];
        let v = rest.find("value=\"").unwrap() + 7;
        let v_end = v + rest[v..].find('"').unwrap();
        out.push((name.to_string(), unescape(&rest[v..v_end])));
        rest = &rest[v_end..];
    }
    out
}

fn query_of(url: &str) -> HashMap<String, String> {
    let q = url.split_once('?').map_or("", |(_, q)| q);
    q.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| {
            (
                k.to_string(),
                v.replace('+', " ")
                    .replace("%2C", ",")
                    .replace("%3A", ":")
                    .replace("%2F", "/"),
            )
        })
        .collect()
}

#[tokio::test]
async fn consent_page_flow_issues_a_code_that_exchanges_once() {
    let f = Fx::new().await;
    let path = f.authorize_path("merchant_order,merchant_item,no_such_scope", "st-1");
    let mut b = Browser::new(&f.t);

    // The page names the app and the packages, and asks to log in.
    let page = b.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("merchant_order") && page.body.contains("merchant_item"));
    assert!(
        !page.body.contains("<code>no_such_scope</code>"),
        "unknown scopes are ignored"
    );
    assert!(page.body.contains("name=\"password\""), "the login form");
    // A login post without the form's CSRF token is refused.
    let mut forged = hidden_inputs(&page.body);
    forged.retain(|(k, _)| k != "login_csrf");
    forged.push(("login".into(), f.merchant.login.clone()));
    forged.push(("password".into(), f.merchant.password.clone()));
    let refused = b.post("/oauth/authorize", &forged).await;
    assert_eq!(refused.status, 403, "{}", refused.body);

    let consent = b.log_in(&path, &f.merchant).await;
    assert!(
        consent.body.contains("value=\"approve\""),
        "{}",
        consent.body
    );
    assert!(consent.body.contains(&f.merchant.login));
    // The consent form needs the session's CSRF token.
    let mut forged = hidden_inputs(&consent.body);
    forged.retain(|(k, _)| k != "csrf_token");
    forged.push(("action".into(), "approve".into()));
    assert_eq!(b.post("/oauth/authorize", &forged).await.status, 403);

    let mut form = hidden_inputs(&consent.body);
    form.push(("action".into(), "approve".into()));
    let done = b.post("/oauth/authorize", &form).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let loc = done.location.unwrap();
    assert!(loc.starts_with(&f.callback()), "{loc}");
    let q = query_of(&loc);
    assert_eq!(q["state"], "st-1");
    let code = &q["code"];
    assert_eq!(code.len(), 72);

    let tok = f.exchange(code).await;
    assert_user_tokens(&tok);
    assert_eq!(
        tok["scopes"],
        json!(["user_base", "merchant_order", "merchant_item"])
    );
    assert_eq!(tok["refresh_token_expires_in"], 180 * 86_400);
    // Single use.
    let again = f.exchange(code).await;
    assert_oauth_error(&again, 100_200_105, "invalid_grant");
    assert!(
        again["error_msg"]
            .as_str()
            .unwrap()
            .contains("already used")
    );

    // The gateway's view of the token.
    let TokenCheck::Valid(g) = f.check(tok["access_token"].as_str().unwrap()).await else {
        panic!("token should be valid");
    };
    assert_eq!(g.kind, GrantKind::User);
    assert_eq!(g.app_id, f.app.id);
    assert_eq!(g.app_key, f.app.app_key);
    assert_eq!(g.user_id, Some(f.merchant.account_id));
    assert_eq!(g.account_id, Some(f.merchant.account_id));
    assert_eq!(g.open_id.as_deref(), tok["open_id"].as_str());
    assert_eq!(g.expires_at, common::START_MS + 48 * 60 * MIN);
    assert_eq!(
        g.authorization_ends_at,
        Some(common::START_MS + 10 * DAY),
        "a test user's authorization ends after 10 days"
    );
    assert_eq!(
        f.check("kfa_not-a-token").await,
        TokenCheck::Unknown,
        "unknown tokens are unknown"
    );

    // The merchant sees the authorization.
    let (s, list) = f.merchant.get("/api/merchant/authorizations").await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list[0]["app_id"], f.app.id);
    assert_eq!(list[0]["source"], "test");
    assert_eq!(list[0]["status"], "active");

    // Tokens and codes are stored only as hashes.
    let db = &f.t.server.platform.db;
    let plain = db
        .scalar(
            "SELECT COUNT(*) FROM oauth_tokens WHERE access_hash = $1",
            &args![tok["access_token"].as_str().unwrap()],
        )
        .await
        .unwrap();
    let hashed = db
        .scalar(
            "SELECT COUNT(*) FROM oauth_tokens WHERE access_hash = $1",
            &args![token_hash(tok["access_token"].as_str().unwrap())],
        )
        .await
        .unwrap();
    assert_eq!((plain, hashed), (0, 1));
}

#[tokio::test]
async fn declining_redirects_with_access_denied_and_the_state() {
    let f = Fx::new().await;
    let mut b = Browser::new(&f.t);
    let done = b
        .consent(
            &f.authorize_path("merchant_order", "keep-me"),
            &f.merchant,
            "decline",
        )
        .await;
    assert_eq!(done.status, 303);
    let q = query_of(&done.location.unwrap());
    assert_eq!(q["error"], "access_denied");
    assert_eq!(q["state"], "keep-me");
    assert!(!q.contains_key("code"));
    let (_, list) = f.merchant.get("/api/merchant/authorizations").await;
    assert_eq!(list, json!([]), "declining records nothing");
}

#[tokio::test]
async fn codes_expire_after_two_minutes() {
    let f = Fx::new().await;
    let early = f.code().await;
    let late = f.code().await;
    f.t.clock.advance(2 * MIN - 1);
    assert_user_tokens(&f.exchange(&early).await);
    f.t.clock.advance(1);
    let b = f.exchange(&late).await;
    assert_oauth_error(&b, 100_200_105, "invalid_grant");
    assert!(b["error_msg"].as_str().unwrap().contains("expired"), "{b}");
}

#[tokio::test]
async fn page_errors_are_shown_not_redirected() {
    let f = Fx::new().await;
    let mut b = Browser::new(&f.t);
    let cb = enc(&f.callback());
    let key = &f.app.app_key;
    for path in [
        format!(
            "/oauth/authorize?app_id=ks000&response_type=code&scope=user_base&redirect_uri={cb}"
        ),
        format!(
            "/oauth/authorize?app_id={key}&response_type=code&scope=user_base&redirect_uri={}",
            enc("https://evil.example/cb")
        ),
        format!("/oauth/authorize?response_type=code&redirect_uri={cb}"),
    ] {
        let page = b.get(&path).await;
        assert_eq!(page.status, 400, "{path}");
        assert!(page.location.is_none());
        assert!(page.body.contains("Invalid url"), "{}", page.body);
    }
    // appId (camelCase) and client_id work like app_id; the /oauth2 path too.
    for alias in ["appId", "client_id"] {
        let page = b
            .get(&format!("/oauth2/authorize?{alias}={key}&response_type=code&scope=merchant_order&redirect_uri={cb}"))
            .await;
        assert_eq!(page.status, 200, "{alias}: {}", page.body);
        assert!(page.body.contains("action=\"/oauth2/authorize\""));
    }
    let page = b
        .get(&format!(
            "/oauth/authorize?app_id={key}&response_type=token&scope=user_base&redirect_uri={cb}"
        ))
        .await;
    assert!(page.body.contains("100200103"), "{}", page.body);
    // A package the app does not hold.
    let page = b
        .get(&format!("/oauth/authorize?app_id={key}&response_type=code&scope=merchant_order,merchant_cs&redirect_uri={cb}"))
        .await;
    assert_eq!(page.status, 400);
    assert!(
        page.body.contains("100200106")
            && page.body.contains("invalid_scope")
            && page.body.contains("merchant_cs"),
        "{}",
        page.body
    );
    // Markup in parameters is escaped.
    let page = b
        .get(&format!("/oauth/authorize?app_id={key}&response_type=code&scope=merchant_order&redirect_uri={cb}&state=%3Cscript%3E"))
        .await;
    assert!(page.body.contains("&lt;script&gt;") && !page.body.contains("<script>"));
    assert_eq!(
        f.t.http
            .get(f.t.url(&f.authorize_path("user_base", "s")))
            .send()
            .await
            .unwrap()
            .headers()["x-frame-options"],
        "DENY"
    );
}

#[tokio::test]
async fn only_listed_users_may_authorize() {
    let f = Fx::new().await;
    // A merchant on neither list of the self-use app: K0010.
    let stranger = f.t.merchant(&f.op).await;
    let mut b = Browser::new(&f.t);
    let page = b
        .log_in(&f.authorize_path("merchant_order", "s"), &stranger)
        .await;
    assert_eq!(page.status, 403);
    assert!(
        page.body.contains("不属于此应用的授权用户或测试用户"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("value=\"approve\""));
    // Posting approve anyway does not issue a code.
    let mut form = hidden_inputs(&page.body);
    form.retain(|(k, _)| k != "login_csrf" && k != "action");
    let csrf =
        f.t.server
            .platform
            .db
            .fetch_one(
                "SELECT csrf_token FROM sessions WHERE token_hash = $1",
                &args![token_hash(&b.cookies["kaifang_session"])],
            )
            .await
            .unwrap()
            .text("csrf_token")
            .unwrap();
    form.push(("csrf_token".into(), csrf));
    form.push(("action".into(), "approve".into()));
    let done = b.post("/oauth/authorize", &form).await;
    assert_eq!(done.status, 403, "{}", done.body);
    assert!(done.body.contains("不属于此应用的授权用户或测试用户"));

    // A developer's own account is not a merchant.
    let mut b = Browser::new(&f.t);
    let isv = f.t.approved_developer(&f.op, "third_party").await;
    let page = b
        .log_in(&f.authorize_path("merchant_order", "s"), &isv)
        .await;
    assert_eq!(page.status, 403);
    assert!(page.body.contains("only a merchant"), "{}", page.body);

    // A third-party app online: merchants who did not order the service get K0002; its test
    // users may still authorize.
    let isv_app = f.t.approved_app(&f.op, &isv, "店铺管理", "打单发货").await;
    launch(&f.op, &isv, &isv_app).await;
    let path = format!(
        "/oauth/authorize?app_id={}&response_type=code&scope=user_base&redirect_uri={}&state=s",
        isv_app.app_key,
        enc(&f.callback())
    );
    let mut b = Browser::new(&f.t);
    let page = b.log_in(&path, &f.merchant).await;
    assert!(
        page.body.contains("服务未订购") && page.body.contains("100200101"),
        "{}",
        page.body
    );
    add_test_user(&isv, &isv_app, f.merchant.account_id).await;
    let mut b = Browser::new(&f.t);
    let done = b.consent(&path, &f.merchant, "approve").await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert!(query_of(&done.location.unwrap()).contains_key("code"));
}

#[tokio::test]
async fn token_endpoints_take_get_post_query_form_and_aliases() {
    let f = Fx::new().await;
    let key: &str = &f.app.app_key;
    let secret: &str = &f.app.app_secret;
    let t = &f.t;

    // GET with the documented names.
    let code = f.code().await;
    assert_user_tokens(&f.exchange(&code).await);
    // POST form with the client_* aliases and authorization_code.
    let code = f.code().await;
    let a = f
        .token_post_form(
            "/oauth2/access_token",
            &[
                ("client_id", key),
                ("client_secret", secret),
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", &f.callback()),
            ],
        )
        .await;
    assert_user_tokens(&a);
    // POST with everything in the query string and an empty body.
    let code = f.code().await;
    let r = t
        .http
        .post(t.url("/oauth2/access_token"))
        .query(&[
            ("app_id", key),
            ("app_secret", secret),
            ("grant_type", "code"),
            ("code", &code),
        ])
        .send()
        .await
        .unwrap();
    let b = read_oauth(r).await;
    assert_user_tokens(&b);
    // Split between the query string and the body.
    let code = f.code().await;
    let r = t
        .http
        .post(t.url("/oauth2/access_token"))
        .query(&[("app_id", key), ("grant_type", "code")])
        .form(&[("app_secret", secret), ("code", &code)])
        .send()
        .await
        .unwrap();
    assert_user_tokens(&read_oauth(r).await);

    // Refresh: GET query, POST query with empty body, POST form with aliases.
    let r1 = f
        .token_get(
            "/oauth2/refresh_token",
            &[
                ("app_id", key),
                ("app_secret", secret),
                ("grant_type", "refresh_token"),
                ("refresh_token", a["refresh_token"].as_str().unwrap()),
            ],
        )
        .await;
    assert_user_tokens(&r1);
    let r = t
        .http
        .post(t.url("/oauth2/refresh_token"))
        .query(&[
            ("app_id", key),
            ("app_secret", secret),
            ("grant_type", "refresh_token"),
            ("refresh_token", r1["refresh_token"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    let r2 = read_oauth(r).await;
    assert_user_tokens(&r2);
    let r3 = f
        .token_post_form(
            "/oauth2/refresh_token",
            &[
                ("client_id", key),
                ("client_secret", secret),
                ("grant_type", "refresh_token"),
                ("refresh_token", r2["refresh_token"].as_str().unwrap()),
            ],
        )
        .await;
    assert_user_tokens(&r3);
    // grant_type=refresh_token also works at the access-token endpoint (one token endpoint).
    let r4 = f
        .token_post_form(
            "/oauth2/access_token",
            &[
                ("app_id", key),
                ("app_secret", secret),
                ("grant_type", "refresh_token"),
                ("refresh_token", r3["refresh_token"].as_str().unwrap()),
            ],
        )
        .await;
    assert_user_tokens(&r4);
    assert_eq!(r4["open_id"], a["open_id"]);
}

#[tokio::test]
async fn token_errors_carry_result_error_and_error_msg() {
    let f = Fx::new().await;
    let key: &str = &f.app.app_key;
    let secret: &str = &f.app.app_secret;
    let code = f.code().await;
    let cases: Vec<Case> = vec![
        (
            vec![("app_id", key), ("app_secret", secret), ("code", &code)],
            100_200_100,
            "invalid_request",
        ),
        (
            vec![
                ("app_id", key),
                ("app_secret", secret),
                ("grant_type", "password"),
            ],
            100_200_104,
            "unsupported_grant_type",
        ),
        (
            vec![
                ("app_secret", secret),
                ("grant_type", "code"),
                ("code", &code),
            ],
            100_200_100,
            "invalid_request",
        ),
        (
            vec![("app_id", key), ("grant_type", "code"), ("code", &code)],
            100_200_100,
            "invalid_request",
        ),
        (
            vec![
                ("app_id", key),
                ("app_secret", "wrong"),
                ("grant_type", "code"),
                ("code", &code),
            ],
            100_200_101,
            "unauthorized_client",
        ),
        (
            vec![
                ("app_id", "ks404"),
                ("app_secret", secret),
                ("grant_type", "code"),
                ("code", &code),
            ],
            100_200_101,
            "unauthorized_client",
        ),
        (
            vec![
                ("app_id", key),
                ("app_secret", secret),
                ("grant_type", "code"),
            ],
            100_200_100,
            "invalid_request",
        ),
        (
            vec![
                ("app_id", key),
                ("app_secret", secret),
                ("grant_type", "code"),
                ("code", "nope"),
            ],
            100_200_105,
            "invalid_grant",
        ),
    ];
    for (q, result, error) in cases {
        let b = f.token_get("/oauth2/access_token", &q).await;
        assert_oauth_error(&b, result, error);
    }
    // None of that used the code up.
    assert_user_tokens(&f.exchange(&code).await);
    // Another app cannot redeem this app's code.
    let other =
        f.t.approved_app(&f.op, &f.dev, "商家后台应用", "自研系统")
            .await;
    let code = f.code().await;
    let b = f
        .token_get(
            "/oauth2/access_token",
            &[
                ("app_id", &other.app_key),
                ("app_secret", &other.app_secret),
                ("grant_type", "code"),
                ("code", &code),
            ],
        )
        .await;
    assert_oauth_error(&b, 100_200_105, "invalid_grant");
    let b = f
        .token_get(
            "/oauth2/refresh_token",
            &[
                ("app_id", key),
                ("app_secret", secret),
                ("refresh_token", "kfr_nope"),
            ],
        )
        .await;
    assert_oauth_error(&b, 100_200_102, "access_denied");
    assert_eq!(b["error_msg"], "invalid refresh_token");

    // An app taken offline gets no tokens and no consent page.
    launch(&f.op, &f.dev, &f.app).await;
    let (s, b) = f
        .dev
        .post(
            &format!("/api/apps/{}/lifecycle", f.app.id),
            json!({"event": "take_offline"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let b = f.exchange(&code).await;
    assert_oauth_error(&b, 100_200_101, "unauthorized_client");
    assert!(b["error_msg"].as_str().unwrap().contains("offline"), "{b}");
    let b = f
        .token_get(
            "/oauth2/access_token",
            &[
                ("app_id", key),
                ("app_secret", secret),
                ("grant_type", "client_credentials"),
            ],
        )
        .await;
    assert_oauth_error(&b, 100_200_101, "unauthorized_client");
    let page =
        f.t.http
            .get(f.t.url(&f.authorize_path("user_base", "s")))
            .send()
            .await
            .unwrap();
    assert!(page.text().await.unwrap().contains("100200101"));
}

#[tokio::test]
async fn refresh_rotates_inherits_expiry_and_discards_after_the_grace_window() {
    let f = Fx::new().await;
    let first = f.exchange(&f.code().await).await;
    let rt0 = first["refresh_token"].as_str().unwrap().to_string();
    let at0 = first["access_token"].as_str().unwrap().to_string();

    f.t.clock.advance(DAY);
    let second = f.refresh(&rt0).await;
    assert_user_tokens(&second);
    let rt1 = second["refresh_token"].as_str().unwrap().to_string();
    let at1 = second["access_token"].as_str().unwrap().to_string();
    assert_ne!(rt1, rt0);
    assert_ne!(at1, at0);
    assert_eq!(second["open_id"], first["open_id"]);
    assert_eq!(second["scopes"], first["scopes"]);
    // The new refresh token inherits the old expiry: one day less.
    assert_eq!(second["refresh_token_expires_in"], 179 * 86_400);
    assert_eq!(second["expires_in"], 172_800);

    // Within the grace window the old refresh token answers with the same new pair.
    f.t.clock.advance(5 * MIN - 1);
    let replay = f.refresh(&rt0).await;
    assert_eq!(replay["refresh_token"], rt1.as_str());
    assert_eq!(replay["access_token"], at1.as_str());
    // After it, refreshToken.discarded.
    f.t.clock.advance(1);
    let b = f.refresh(&rt0).await;
    assert_eq!(
        b,
        json!({"result":100_200_102,"error":"access_denied","error_msg":"refreshToken.discarded"})
    );

    // Old and new access tokens are valid independently until each expires.
    assert!(matches!(f.check(&at0).await, TokenCheck::Valid(_)));
    assert!(matches!(f.check(&at1).await, TokenCheck::Valid(_)));
    f.t.clock.advance(DAY);
    assert_eq!(f.check(&at0).await, TokenCheck::Expired);
    assert!(matches!(f.check(&at1).await, TokenCheck::Valid(_)));

    // Once the successor rotates, its predecessor's grace ends too.
    let third = f.refresh(&rt1).await;
    assert_user_tokens(&third);
    assert_eq!(
        third["refresh_token_expires_in"],
        (180 - 2) * 86_400 - 5 * 60
    );
    let b = f.refresh(&rt1).await;
    assert_eq!(b["refresh_token"], third["refresh_token"], "in grace");
    let b = f.refresh(&rt0).await;
    assert_eq!(b["error_msg"], "refreshToken.discarded");

    // At 180 days from the grant the chain ends.
    f.t.clock.advance(178 * DAY);
    let b = f.refresh(third["refresh_token"].as_str().unwrap()).await;
    assert_oauth_error(&b, 100_200_102, "access_denied");
    assert_eq!(b["error_msg"], "invalid refresh_token");
}

#[tokio::test]
async fn concurrent_refreshes_rotate_exactly_once() {
    let f = Fx::new().await;
    let tok = f.exchange(&f.code().await).await;
    let rt = tok["refresh_token"].as_str().unwrap().to_string();
    let url = f.t.url("/oauth2/refresh_token");
    let form = vec![
        ("app_id".to_string(), f.app.app_key.clone()),
        ("app_secret".to_string(), f.app.app_secret.clone()),
        ("grant_type".to_string(), "refresh_token".to_string()),
        ("refresh_token".to_string(), rt.clone()),
    ];
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (http, url, form) = (f.t.http.clone(), url.clone(), form.clone());
        tasks.push(tokio::spawn(async move {
            let r = http.post(url).form(&form).send().await.unwrap();
            r.json::<Value>().await.unwrap()
        }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    for a in &answers {
        assert_user_tokens(a);
        assert_eq!(
            a["refresh_token"], answers[0]["refresh_token"],
            "{answers:?}"
        );
        assert_eq!(a["access_token"], answers[0]["access_token"]);
    }
    let children = f
        .t
        .server
        .platform
        .db
        .scalar(
            "SELECT COUNT(*) FROM oauth_tokens WHERE parent_id = (SELECT id FROM oauth_tokens WHERE refresh_hash = $1)",
            &args![token_hash(&rt)],
        )
        .await
        .unwrap();
    assert_eq!(children, 1);
}

#[tokio::test]
async fn a_test_authorization_ends_after_ten_days() {
    let f = Fx::new().await;
    let tok = f.exchange(&f.code().await).await;
    let at = tok["access_token"].as_str().unwrap();
    f.t.clock.advance(9 * DAY);
    let fresh = f.refresh(tok["refresh_token"].as_str().unwrap()).await;
    assert_user_tokens(&fresh);
    f.t.clock.advance(DAY);
    assert_eq!(
        f.check(fresh["access_token"].as_str().unwrap()).await,
        TokenCheck::Revoked
    );
    assert_eq!(f.check(at).await, TokenCheck::Revoked);
    let b = f.refresh(fresh["refresh_token"].as_str().unwrap()).await;
    assert_eq!(
        b,
        json!({"result":100_200_102,"error":"access_denied","error_msg":"refreshToken.revokedAuthorization"})
    );
    let (_, list) = f.merchant.get("/api/merchant/authorizations").await;
    assert_eq!(list[0]["status"], "expired");
    // Authorizing again starts a new 10 days.
    let again = f.exchange(&f.code().await).await;
    assert!(matches!(
        f.check(again["access_token"].as_str().unwrap()).await,
        TokenCheck::Valid(_)
    ));

    // The developer can end a test authorization early; only the app's owner.
    let path = format!(
        "/api/apps/{}/test-users/{}/authorization",
        f.app.app_key, f.merchant.account_id
    );
    let other_dev = f.t.approved_developer(&f.op, "merchant").await;
    assert_eq!(other_dev.delete(&path).await.0, 404);
    let before = f.t.server.platform.generation();
    let (s, b) = f.dev.delete(&path).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["status"], "revoked");
    assert_eq!(b["revoked_by"], "developer");
    assert!(f.t.server.platform.generation() > before, "caches are told");
    assert_eq!(
        f.check(again["access_token"].as_str().unwrap()).await,
        TokenCheck::Revoked
    );
    assert_eq!(f.dev.delete(&path).await.0, 404);
}

#[tokio::test]
async fn a_merchant_revokes_an_authorization() {
    let f = Fx::new().await;
    let tok = f.exchange(&f.code().await).await;
    let (_, list) = f.merchant.get("/api/merchant/authorizations").await;
    let id = list[0]["id"].as_i64().unwrap();
    // Nobody else can revoke it.
    let other = f.t.merchant(&f.op).await;
    assert_eq!(
        other
            .delete(&format!("/api/merchant/authorizations/{id}"))
            .await
            .0,
        404
    );
    assert_eq!(
        f.dev.get("/api/merchant/authorizations").await.0,
        200,
        "merchant developers are merchants"
    );
    let isv = f.t.approved_developer(&f.op, "third_party").await;
    assert_eq!(isv.get("/api/merchant/authorizations").await.0, 403);

    let before = f.t.server.platform.generation();
    let (s, b) = f
        .merchant
        .delete(&format!("/api/merchant/authorizations/{id}"))
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["status"], "revoked");
    assert!(f.t.server.platform.generation() > before);
    assert_eq!(
        f.check(tok["access_token"].as_str().unwrap()).await,
        TokenCheck::Revoked
    );
    let b = f.refresh(tok["refresh_token"].as_str().unwrap()).await;
    assert_eq!(b["error_msg"], "refreshToken.revokedAuthorization");
    assert_eq!(
        f.merchant
            .delete(&format!("/api/merchant/authorizations/{id}"))
            .await
            .0,
        409
    );
}

#[tokio::test]
async fn staff_consent_works_until_the_staff_account_is_disabled() {
    let f = Fx::new().await;
    let login = format!("staff{}", unique());
    let (s, staff) = f
        .merchant
        .post(
            "/api/merchant/staff",
            json!({"login": login, "password": "staff-pass-1", "name": "店员"}),
        )
        .await;
    assert_eq!(s, 200, "{staff}");
    let staff_id = staff["id"].as_i64().unwrap();
    let staff_actor = f.t.log_in(&login, "staff-pass-1").await;

    let mut b = Browser::new(&f.t);
    let done = b
        .consent(
            &f.authorize_path("merchant_order", "s"),
            &staff_actor,
            "approve",
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let code = query_of(&done.location.unwrap())["code"].clone();
    let tok = f.exchange(&code).await;
    assert_user_tokens(&tok);
    let TokenCheck::Valid(g) = f.check(tok["access_token"].as_str().unwrap()).await else {
        panic!("valid")
    };
    assert_eq!(
        g.user_id,
        Some(f.merchant.account_id),
        "the staff acts for its merchant"
    );
    assert_eq!(g.account_id, Some(staff_id));
    let merchant_tok = f.exchange(&f.code().await).await;
    assert_ne!(
        tok["open_id"], merchant_tok["open_id"],
        "the staff account has its own open_id"
    );
    // Staff cannot manage the shop's authorizations.
    assert_eq!(staff_actor.get("/api/merchant/authorizations").await.0, 403);

    let refreshed = f.refresh(tok["refresh_token"].as_str().unwrap()).await;
    assert_user_tokens(&refreshed);
    let (s, b) = f
        .merchant
        .put(
            &format!("/api/merchant/staff/{staff_id}"),
            json!({"disabled": true}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        f.check(refreshed["access_token"].as_str().unwrap()).await,
        TokenCheck::Revoked
    );
    let b = f
        .refresh(refreshed["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(b["error_msg"], "refreshToken.revokedAuthorization");
    // The merchant's own token is unaffected.
    assert!(matches!(
        f.check(merchant_tok["access_token"].as_str().unwrap())
            .await,
        TokenCheck::Valid(_)
    ));
    // Once the main account's authorization ends, a re-enabled staff still cannot refresh.
    let (s, _) = f
        .merchant
        .put(
            &format!("/api/merchant/staff/{staff_id}"),
            json!({"disabled": false}),
        )
        .await;
    assert_eq!(s, 200);
    let (_, list) = f.merchant.get("/api/merchant/authorizations").await;
    let id = list[0]["id"].as_i64().unwrap();
    assert_eq!(
        f.merchant
            .delete(&format!("/api/merchant/authorizations/{id}"))
            .await
            .0,
        200
    );
    let b = f
        .refresh(refreshed["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(b["error_msg"], "refreshToken.revokedAuthorization");
}

#[tokio::test]
async fn client_credentials_give_an_app_token() {
    let f = Fx::new().await;
    let b = f
        .token_post_form(
            "/oauth2/access_token",
            &[
                ("app_id", &f.app.app_key),
                ("app_secret", &f.app.app_secret),
                ("grant_type", "client_credentials"),
            ],
        )
        .await;
    assert_eq!(b["result"], 1, "{b}");
    assert_eq!(b["expires_in"], 172_800);
    assert!(
        b.get("refresh_token").is_none() && b.get("open_id").is_none(),
        "{b}"
    );
    assert!(
        b["scopes"]
            .as_array()
            .unwrap()
            .contains(&json!("user_base"))
    );
    let TokenCheck::Valid(g) = f.check(b["access_token"].as_str().unwrap()).await else {
        panic!("valid")
    };
    assert_eq!(g.kind, GrantKind::App);
    assert_eq!(
        (g.user_id, g.account_id, g.open_id.clone()),
        (None, None, None)
    );
    assert_eq!(g.authorization_id, None);
    // It cannot be refreshed (it has no refresh token), and expires after 48 h.
    f.t.clock.advance(48 * 60 * MIN);
    assert_eq!(
        f.check(b["access_token"].as_str().unwrap()).await,
        TokenCheck::Expired
    );
}

#[tokio::test]
async fn open_ids_differ_across_developers_and_are_stable_for_one() {
    let f = Fx::new().await;
    let a1 = f.exchange(&f.code().await).await;
    let a2 = f.exchange(&f.code().await).await;
    assert_eq!(a1["open_id"], a2["open_id"]);
    assert_ne!(
        a1["open_id"].as_str().unwrap(),
        f.merchant.account_id.to_string()
    );
    // Another app of the same developer: the same open_id.
    let same_dev =
        f.t.approved_app(&f.op, &f.dev, "商家后台应用", "自研系统")
            .await;
    add_test_user(&f.dev, &same_dev, f.merchant.account_id).await;
    let (_, b) = f
        .dev
        .post(
            &format!(
                "/api/apps/{}/test-users/{}/token",
                same_dev.id, f.merchant.account_id
            ),
            json!({}),
        )
        .await;
    assert_eq!(b["open_id"], a1["open_id"]);
    // Another developer's app: another open_id.
    let dev2 = f.t.approved_developer(&f.op, "merchant").await;
    let app2 =
        f.t.approved_app(&f.op, &dev2, "商家后台应用", "自研系统")
            .await;
    add_test_user(&dev2, &app2, f.merchant.account_id).await;
    let (_, b) = dev2
        .post(
            &format!(
                "/api/apps/{}/test-users/{}/token",
                app2.app_key, f.merchant.account_id
            ),
            json!({}),
        )
        .await;
    assert_eq!(b["result"], 1, "{b}");
    assert_ne!(b["open_id"], a1["open_id"]);
}

#[tokio::test]
async fn console_helpers_are_for_the_app_owner_only() {
    let f = Fx::new().await;
    let uid = f.merchant.account_id;
    // By appKey and by numeric id.
    for app in [f.app.app_key.clone(), f.app.id.to_string()] {
        let (s, b) = f
            .dev
            .post(
                &format!("/api/apps/{app}/test-users/{uid}/token"),
                json!({}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        assert_user_tokens(&b);
        assert!(
            b["scopes"].as_array().unwrap().len() >= 2,
            "all of the app's packages: {b}"
        );
        assert!(matches!(
            f.check(b["access_token"].as_str().unwrap()).await,
            TokenCheck::Valid(_)
        ));
        let (s, b) = f
            .dev
            .post(&format!("/api/apps/{app}/test-users/{uid}/code"), json!({}))
            .await;
        assert_eq!(s, 200, "{b}");
        assert_user_tokens(&f.exchange(b["code"].as_str().unwrap()).await);
    }
    let other = f.t.approved_developer(&f.op, "merchant").await;
    for who in [&other, &f.op, &f.merchant] {
        for what in ["token", "code"] {
            let (s, b) = who
                .post(
                    &format!("/api/apps/{}/test-users/{uid}/{what}", f.app.id),
                    json!({}),
                )
                .await;
            assert!(s == 404 || s == 403, "{s} {b}");
        }
    }
    let r =
        f.t.http
            .post(f.t.url(&format!("/api/apps/{}/test-users/{uid}/token", f.app.id)))
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 401);
    // Only test users.
    let stranger = f.t.merchant(&f.op).await;
    let (s, b) = f
        .dev
        .post(
            &format!(
                "/api/apps/{}/test-users/{}/token",
                f.app.id, stranger.account_id
            ),
            json!({}),
        )
        .await;
    assert_eq!(s, 404, "{b}");
    // An app that is still in review has no credentials.
    let (_, pending) = f
        .dev
        .post(
            "/api/apps",
            app_input(
                &format!("Pending {}", unique()),
                "商家后台应用",
                "自研系统",
                &f.callback(),
            ),
        )
        .await;
    let (s, _) = f
        .dev
        .post(
            &format!("/api/apps/{}/test-users/{uid}/token", pending["id"]),
            json!({}),
        )
        .await;
    assert!(s == 404 || s == 409, "{s}");
}

#[tokio::test]
async fn the_sandbox_clock_moves_for_operators_only() {
    let f = Fx::new().await;
    let (s, b) =
        f.op.post("/sandbox/clock/advance", json!({"seconds": 3600}))
            .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["now"], common::START_MS + 3_600_000);
    assert_eq!(f.t.server.platform.now(), common::START_MS + 3_600_000);
    let (s, _) = f
        .dev
        .post("/sandbox/clock/advance", json!({"seconds": 3600}))
        .await;
    assert_eq!(s, 403);
    let (s, _) =
        f.op.post("/sandbox/clock/advance", json!({"seconds": -1}))
            .await;
    assert_eq!(s, 400);
    // The demo callback shows the code it received, escaped.
    let page =
        f.t.http
            .get(f.t.url("/sandbox/callback?code=abc%3Cb%3E&state=demo"))
            .send()
            .await
            .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("abc&lt;b&gt;") && html.contains("demo"),
        "{html}"
    );

    // Outside sandbox mode these do not exist.
    let prod = TestServer::start_with(|s| s.sandbox = false).await;
    let op = prod.operator().await;
    let (s, _) = op
        .post("/sandbox/clock/advance", json!({"seconds": 1}))
        .await;
    assert_eq!(s, 404);
    assert_eq!(prod.server.platform.now(), common::START_MS);
    let r = prod
        .http
        .get(prod.url("/sandbox/callback?code=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}
