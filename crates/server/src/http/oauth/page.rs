//! The authorization page, `GET|POST /oauth/authorize` (also `/oauth2/authorize`).
//!
//! GET checks the request (errors are shown here, never redirected: K0009 `Invalid url` and
//! friends), then shows a login form, or — with a console session of a merchant or staff
//! account — the app's name, the packages asked for, and Approve / Decline.
//!
//! Every form is CSRF-protected. The login form, sent before any session exists, uses a
//! double-submit token: a random cookie, and in the form a keyed hash of it. The consent form
//! carries the session's own CSRF token. Approval redirects to `redirect_uri?code=…&state=…`;
//! declining redirects to `redirect_uri?error=access_denied&error_description=…&state=…`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use kaifang_platform::Platform;
use kaifang_platform::accounts::{self, Account};
use kaifang_platform::crypto::{random_token, secret_eq};
use kaifang_platform::oauth::consent::{self, AuthorizeRequest, ConsentPlan, PageError};
use kaifang_wire::params::parse_form;

use askama::Template;

use super::html::{self, escape};
use crate::console::Chrome;
use crate::console::i18n::Lang;
use crate::console::session::LANG_COOKIE;
use crate::http::Ctx;
use crate::http::auth::{SESSION_COOKIE, cookie};

/// The cookie behind the login form's CSRF token.
const LOGIN_CSRF_COOKIE: &str = "kaifang_oauth_login";

/// The request's parameters, with the aliases clients use.
fn request_from(pairs: &[(String, String)]) -> AuthorizeRequest {
    let get = |names: &[&str]| {
        names.iter().find_map(|n| {
            pairs
                .iter()
                .find(|(k, v)| k == n && !v.trim().is_empty())
                .map(|(_, v)| v.clone())
        })
    };
    AuthorizeRequest {
        app_id: get(&["app_id", "appId", "client_id"]),
        response_type: get(&["response_type", "responseType"]),
        scope: get(&["scope"]),
        redirect_uri: get(&["redirect_uri", "redirectUri"]),
        state: get(&["state"]),
    }
}

/// The request as hidden form fields, so that the POST re-checks exactly what was shown.
fn hidden_fields(req: &AuthorizeRequest) -> String {
    [
        ("app_id", &req.app_id),
        ("response_type", &req.response_type),
        ("scope", &req.scope),
        ("redirect_uri", &req.redirect_uri),
        ("state", &req.state),
    ]
    .iter()
    .filter_map(|(k, v)| {
        v.as_ref().map(|v| {
            format!(
                "<input type=\"hidden\" name=\"{k}\" value=\"{}\">",
                escape(v)
            )
        })
    })
    .collect()
}

/// The page's own URL for this request (after logging in, the browser goes back to it).
fn self_url(path: &str, req: &AuthorizeRequest) -> String {
    format!(
        "{path}?{}",
        html::query(&[
            ("app_id", req.app_id.as_deref()),
            ("response_type", req.response_type.as_deref()),
            ("scope", req.scope.as_deref()),
            ("redirect_uri", req.redirect_uri.as_deref()),
            ("state", req.state.as_deref()),
        ])
    )
}

/// What went wrong, as the page shows it.
struct Problem {
    message: String,
    code: Option<i64>,
}

impl Problem {
    fn of(e: &PageError) -> Problem {
        Problem {
            message: e.message(),
            code: e.result(),
        }
    }

    fn text(message: impl Into<String>) -> Problem {
        Problem {
            message: message.into(),
            code: None,
        }
    }
}

/// One requested package, explained.
struct ScopeView {
    name: String,
    title: &'static str,
    what: &'static str,
}

/// The app and what it asks for.
struct PlanView {
    app_name: String,
    initial: String,
    app_key: String,
    scopes: Vec<ScopeView>,
    redirect_uri: String,
}

impl PlanView {
    fn of(plan: &ConsentPlan, lang: Lang) -> PlanView {
        PlanView {
            app_name: plan.app.name.clone(),
            initial: plan
                .app
                .name
                .chars()
                .next()
                .map(String::from)
                .unwrap_or_default(),
            app_key: plan.app_key.clone(),
            scopes: plan
                .scopes
                .iter()
                .map(|s| ScopeView {
                    name: s.clone(),
                    title: lang.scope_title(s),
                    what: lang.lookup(&format!("scope.{s}.what")).unwrap_or(""),
                })
                .collect(),
            redirect_uri: plan.redirect_uri.clone(),
        }
    }
}

/// The authorization page: the console's layout and stylesheet, in the reader's language.
#[derive(Template)]
#[template(path = "console/consent.html")]
struct ConsentPage {
    chrome: Chrome,
    plan: Option<PlanView>,
    problem: Option<Problem>,
    note: Option<String>,
    /// `login`, `consent` or `` (no form).
    form: &'static str,
    action: String,
    /// The request as hidden inputs, already escaped.
    hidden: String,
    /// The form's CSRF token.
    token: String,
    who: Option<(String, String)>,
}

/// The reader's language, from the console's cookie.
fn lang_of(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(Lang::parse)
        .unwrap_or_default()
}

fn chrome(lang: Lang, account: Option<Account>, csrf: &str) -> Chrome {
    Chrome {
        lang,
        title: lang.t("consent.title").to_string(),
        account,
        csrf: csrf.to_string(),
        notice: None,
        error: None,
        // The consent page is a merchant's; it shows no developer links.
        developer: false,
    }
}

/// Renders the page with the decision pages' headers. The referrer stays on this origin, so the
/// language switch can come back here; redirects to the app carry none.
fn show_page(status: StatusCode, page: &ConsentPage) -> Response {
    let mut resp = match page.render() {
        Ok(body) => (status, body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "authorization page failed to render");
            return html::page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "授权失败 / Authorization failed",
                "<h1>授权失败 / Authorization failed</h1>",
            );
        }
    };
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    html::no_store(h);
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    resp
}

fn error_page(headers: &HeaderMap, e: &PageError) -> Response {
    if let PageError::Internal(err) = e {
        tracing::error!(error = %err, "authorization page failed");
    }
    let status = match e {
        PageError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        e if e.depends_on_user() => StatusCode::FORBIDDEN,
        _ => StatusCode::BAD_REQUEST,
    };
    let lang = lang_of(headers);
    show_page(
        status,
        &ConsentPage {
            chrome: chrome(lang, None, ""),
            plan: None,
            problem: Some(Problem::of(e)),
            note: None,
            form: "",
            action: String::new(),
            hidden: String::new(),
            token: String::new(),
            who: None,
        },
    )
}

/// The login form's CSRF token for a cookie value.
fn login_token(p: &Platform, cookie_value: &str) -> String {
    p.vault.index_hash("oauth_login_csrf", cookie_value)
}

/// A page with the login form; sets the login CSRF cookie when the browser has none.
#[allow(clippy::too_many_arguments)]
fn login_page(
    p: &Platform,
    headers: &HeaderMap,
    path: &str,
    req: &AuthorizeRequest,
    plan: &ConsentPlan,
    status: StatusCode,
    problem: Option<Problem>,
    note: Option<String>,
) -> Response {
    let (value, fresh) = match cookie(headers, LOGIN_CSRF_COOKIE) {
        Some(v) if !v.is_empty() => (v.to_string(), false),
        _ => (random_token(""), true),
    };
    let lang = lang_of(headers);
    let page = ConsentPage {
        chrome: chrome(lang, None, ""),
        plan: Some(PlanView::of(plan, lang)),
        problem,
        note,
        form: "login",
        action: path.to_string(),
        hidden: hidden_fields(req),
        token: login_token(p, &value),
        who: None,
    };
    let mut resp = show_page(status, &page);
    if fresh {
        let secure = if p.rules.sandbox { "" } else { "; Secure" };
        let c = format!("{LOGIN_CSRF_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax{secure}");
        if let Ok(v) = HeaderValue::from_str(&c) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

fn consent_page(
    headers: &HeaderMap,
    path: &str,
    req: &AuthorizeRequest,
    plan: &ConsentPlan,
    account: &Account,
    csrf: &str,
) -> Response {
    let lang = lang_of(headers);
    show_page(
        StatusCode::OK,
        &ConsentPage {
            chrome: chrome(lang, Some(account.clone()), csrf),
            plan: Some(PlanView::of(plan, lang)),
            problem: None,
            note: None,
            form: "consent",
            action: path.to_string(),
            hidden: hidden_fields(req),
            token: csrf.to_string(),
            who: Some((account.name.clone(), account.login.clone())),
        },
    )
}

/// The session's account and CSRF token, for merchant and staff accounts.
async fn session(p: &Platform, headers: &HeaderMap) -> Option<(Account, String)> {
    let token = cookie(headers, SESSION_COOKIE)?;
    accounts::session_account(p, token).await.ok().flatten()
}

/// `GET /oauth/authorize`.
pub async fn show(State(ctx): State<Ctx>, uri: Uri, headers: HeaderMap) -> Response {
    let p = &ctx.platform;
    let Ok(pairs) = parse_form(uri.query().unwrap_or("").as_bytes()) else {
        return error_page(&headers, &PageError::InvalidUrl);
    };
    let req = request_from(&pairs);
    let plan = match consent::plan(p, &req).await {
        Ok(plan) => plan,
        Err(e) => return error_page(&headers, &e),
    };
    let path = uri.path();
    match session(p, &headers).await {
        None => login_page(p, &headers, path, &req, &plan, StatusCode::OK, None, None),
        Some((account, csrf)) => match consent::eligibility(p, &plan, &account).await {
            Ok(_) => consent_page(&headers, path, &req, &plan, &account, &csrf),
            Err(e) if e.depends_on_user() => {
                let note = format!(
                    "{} {} — {}",
                    lang_of(&headers).t("consent.as"),
                    account.login,
                    lang_of(&headers).t("consent.other_account")
                );
                login_page(
                    p,
                    &headers,
                    path,
                    &req,
                    &plan,
                    StatusCode::FORBIDDEN,
                    Some(Problem::of(&e)),
                    Some(note),
                )
            }
            Err(e) => error_page(&headers, &e),
        },
    }
}

/// `POST /oauth/authorize`: `action` = `login`, `approve` or `decline`.
pub async fn submit(State(ctx): State<Ctx>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let p = &ctx.platform;
    let Ok(form) = parse_form(&body) else {
        return error_page(&headers, &PageError::InvalidUrl);
    };
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let req = request_from(&form);
    let plan = match consent::plan(p, &req).await {
        Ok(plan) => plan,
        Err(e) => return error_page(&headers, &e),
    };
    let path = uri.path();
    match field("action") {
        "login" => log_in(p, &headers, path, &req, &plan, field).await,
        action @ ("approve" | "decline") => {
            let Some((account, csrf)) = session(p, &headers).await else {
                let problem = Problem::text(lang_of(&headers).t("consent.session_ended"));
                return login_page(
                    p,
                    &headers,
                    path,
                    &req,
                    &plan,
                    StatusCode::UNAUTHORIZED,
                    Some(problem),
                    None,
                );
            };
            if !secret_eq(field("csrf_token"), &csrf) {
                return forbidden_csrf(&headers);
            }
            if action == "decline" {
                return redirect(&consent::decline_redirect(&plan));
            }
            match consent::approve(p, &plan, &account).await {
                Ok(url) => redirect(&url),
                Err(e) => error_page(&headers, &e),
            }
        }
        _ => error_page(
            &headers,
            &PageError::Internal(kaifang_platform::Error::invalid("unknown form action")),
        ),
    }
}

async fn log_in<'a>(
    p: &Platform,
    headers: &HeaderMap,
    path: &str,
    req: &AuthorizeRequest,
    plan: &ConsentPlan,
    field: impl Fn(&str) -> &'a str,
) -> Response {
    let cookie_value = cookie(headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    if cookie_value.is_empty() || !secret_eq(field("login_csrf"), &login_token(p, cookie_value)) {
        return forbidden_csrf(headers);
    }
    let account = match accounts::authenticate(p, field("login"), field("password")).await {
        Ok(a) => a,
        Err(e) => {
            return login_page(
                p,
                headers,
                path,
                req,
                plan,
                StatusCode::UNAUTHORIZED,
                Some(Problem::text(e.message)),
                None,
            );
        }
    };
    let s = match accounts::create_session(p, &account).await {
        Ok(s) => s,
        Err(e) => return error_page(headers, &PageError::Internal(e)),
    };
    let secure = if p.rules.sandbox { "" } else { "; Secure" };
    let max_age = (s.expires_at - p.now()) / 1000;
    let session_cookie = format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        s.token
    );
    let mut resp = redirect(&self_url(path, req));
    if let Ok(v) = HeaderValue::from_str(&session_cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

fn forbidden_csrf(headers: &HeaderMap) -> Response {
    let lang = lang_of(headers);
    show_page(
        StatusCode::FORBIDDEN,
        &ConsentPage {
            chrome: chrome(lang, None, ""),
            plan: None,
            problem: Some(Problem::text(lang.t("consent.csrf"))),
            note: None,
            form: "",
            action: String::new(),
            hidden: String::new(),
            token: String::new(),
            who: None,
        },
    )
}

/// 303 See Other: the browser follows with a GET.
fn redirect(location: &str) -> Response {
    let mut resp = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    html::no_store(resp.headers_mut());
    resp
}
