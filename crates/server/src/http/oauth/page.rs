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
use kaifang_platform::accounts::{self, Account};
use kaifang_platform::crypto::{random_token, secret_eq};
use kaifang_platform::oauth::consent::{self, AuthorizeRequest, ConsentPlan, PageError};
use kaifang_platform::{Platform, scopes};
use kaifang_wire::params::parse_form;

use super::html::{self, escape};
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

fn error_box(e: &PageError) -> String {
    let code = e
        .result()
        .map(|c| format!("<div class=\"muted\">result {c}</div>"))
        .unwrap_or_default();
    format!(
        "<div class=\"error\" role=\"alert\"><strong>{}</strong>{code}</div>",
        escape(&e.message())
    )
}

fn error_page(e: &PageError) -> Response {
    if let PageError::Internal(err) = e {
        tracing::error!(error = %err, "authorization page failed");
    }
    let status = match e {
        PageError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        e if e.depends_on_user() => StatusCode::FORBIDDEN,
        _ => StatusCode::BAD_REQUEST,
    };
    html::page(
        status,
        "授权失败 / Authorization failed",
        &format!("<h1>授权失败 / Authorization failed</h1>{}", error_box(e)),
    )
}

fn app_summary(plan: &ConsentPlan) -> String {
    let items: String = plan
        .scopes
        .iter()
        .map(|s| {
            let title = scopes::find(s)
                .map(|x| format!(" {} / {}", x.title_zh, x.title_en))
                .unwrap_or_default();
            format!("<li><code>{}</code>{}</li>", escape(s), escape(&title))
        })
        .collect();
    format!(
        "<h1>{}</h1>\
         <p class=\"muted\">申请授权 / asks for your authorization · appKey <code>{}</code></p>\
         <h2>该应用将获得以下权限 / The app asks for</h2><ul class=\"scopes\">{items}</ul>\
         <p class=\"muted\">授权后跳转至 / Afterwards you return to <code>{}</code></p>",
        escape(&plan.app.name),
        escape(&plan.app_key),
        escape(&plan.redirect_uri)
    )
}

/// The login form's CSRF token for a cookie value.
fn login_token(p: &Platform, cookie_value: &str) -> String {
    p.vault.index_hash("oauth_login_csrf", cookie_value)
}

fn login_form(p: &Platform, path: &str, req: &AuthorizeRequest, cookie_value: &str) -> String {
    format!(
        "<h2>登录商家账号 / Log in with your shop account</h2>\
         <form method=\"post\" action=\"{}\">{}\
         <input type=\"hidden\" name=\"action\" value=\"login\">\
         <input type=\"hidden\" name=\"login_csrf\" value=\"{}\">\
         <label for=\"login\">账号 / Login</label><input type=\"text\" id=\"login\" name=\"login\" autocomplete=\"username\" required>\
         <label for=\"password\">密码 / Password</label><input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>\
         <div class=\"buttons\"><button class=\"primary\" type=\"submit\">登录 / Log in</button></div></form>",
        escape(path),
        hidden_fields(req),
        escape(&login_token(p, cookie_value))
    )
}

/// A page with the login form; sets the login CSRF cookie when the browser has none.
fn login_page(
    p: &Platform,
    headers: &HeaderMap,
    path: &str,
    req: &AuthorizeRequest,
    plan: &ConsentPlan,
    status: StatusCode,
    notice: Option<String>,
) -> Response {
    let (value, fresh) = match cookie(headers, LOGIN_CSRF_COOKIE) {
        Some(v) if !v.is_empty() => (v.to_string(), false),
        _ => (random_token(""), true),
    };
    let body = format!(
        "{}{}{}",
        app_summary(plan),
        notice.unwrap_or_default(),
        login_form(p, path, req, &value)
    );
    let mut resp = html::page(status, "授权 / Authorize", &body);
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
    path: &str,
    req: &AuthorizeRequest,
    plan: &ConsentPlan,
    account: &Account,
    csrf: &str,
) -> Response {
    let who = format!(
        "<p class=\"muted\">当前账号 / Logged in as <strong>{}</strong> ({})</p>",
        escape(&account.name),
        escape(&account.login)
    );
    let form = format!(
        "<form method=\"post\" action=\"{}\">{}\
         <input type=\"hidden\" name=\"csrf_token\" value=\"{}\">\
         <div class=\"buttons\"><button class=\"primary\" type=\"submit\" name=\"action\" value=\"approve\">同意授权 / Approve</button>\
         <button type=\"submit\" name=\"action\" value=\"decline\">拒绝 / Decline</button></div></form>",
        escape(path),
        hidden_fields(req),
        escape(csrf)
    );
    html::page(
        StatusCode::OK,
        "授权 / Authorize",
        &format!("{}{who}{form}", app_summary(plan)),
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
        return error_page(&PageError::InvalidUrl);
    };
    let req = request_from(&pairs);
    let plan = match consent::plan(p, &req).await {
        Ok(plan) => plan,
        Err(e) => return error_page(&e),
    };
    let path = uri.path();
    match session(p, &headers).await {
        None => login_page(p, &headers, path, &req, &plan, StatusCode::OK, None),
        Some((account, csrf)) => match consent::eligibility(p, &plan, &account).await {
            Ok(_) => consent_page(path, &req, &plan, &account, &csrf),
            Err(e) if e.depends_on_user() => {
                let notice = format!(
                    "{}<p class=\"muted\">当前账号 / Logged in as {} — 可换一个账号登录 / you may log in with another account.</p>",
                    error_box(&e),
                    escape(&account.login)
                );
                login_page(
                    p,
                    &headers,
                    path,
                    &req,
                    &plan,
                    StatusCode::FORBIDDEN,
                    Some(notice),
                )
            }
            Err(e) => error_page(&e),
        },
    }
}

/// `POST /oauth/authorize`: `action` = `login`, `approve` or `decline`.
pub async fn submit(State(ctx): State<Ctx>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let p = &ctx.platform;
    let Ok(form) = parse_form(&body) else {
        return error_page(&PageError::InvalidUrl);
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
        Err(e) => return error_page(&e),
    };
    let path = uri.path();
    match field("action") {
        "login" => log_in(p, &headers, path, &req, &plan, field).await,
        action @ ("approve" | "decline") => {
            let Some((account, csrf)) = session(p, &headers).await else {
                let notice = "<div class=\"error\">登录已过期，请重新登录 / Your session has ended: log in again.</div>";
                return login_page(
                    p,
                    &headers,
                    path,
                    &req,
                    &plan,
                    StatusCode::UNAUTHORIZED,
                    Some(notice.into()),
                );
            };
            if !secret_eq(field("csrf_token"), &csrf) {
                return forbidden_csrf();
            }
            if action == "decline" {
                return redirect(&consent::decline_redirect(&plan));
            }
            match consent::approve(p, &plan, &account).await {
                Ok(url) => redirect(&url),
                Err(e) => error_page(&e),
            }
        }
        _ => error_page(&PageError::Internal(kaifang_platform::Error::invalid(
            "unknown form action",
        ))),
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
        return forbidden_csrf();
    }
    let account = match accounts::authenticate(p, field("login"), field("password")).await {
        Ok(a) => a,
        Err(e) => {
            let notice = format!("<div class=\"error\">{}</div>", escape(&e.message));
            return login_page(
                p,
                headers,
                path,
                req,
                plan,
                StatusCode::UNAUTHORIZED,
                Some(notice),
            );
        }
    };
    let s = match accounts::create_session(p, &account).await {
        Ok(s) => s,
        Err(e) => return error_page(&PageError::Internal(e)),
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

fn forbidden_csrf() -> Response {
    html::page(
        StatusCode::FORBIDDEN,
        "授权失败 / Authorization failed",
        "<h1>授权失败 / Authorization failed</h1><div class=\"error\">表单已失效，请返回重新打开授权链接 / \
         The form expired or did not come from this page (CSRF check failed): open the authorization link again.</div>",
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
