//! Log-in, sign-up, log-out and the language switch.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use kaifang_platform::accounts::{self, Account};
use kaifang_platform::crypto::{random_token, secret_eq};
use kaifang_platform::developers;
use serde::Deserialize;

use super::i18n::Lang;
use super::session::{FORM_COOKIE, LANG_COOKIE, Viewer, home_of, lang_of};
use super::{Chrome, Flash, encode, failure, render};
use crate::http::Ctx;
use crate::http::auth::{SESSION_COOKIE, cookie};

/// The language of a request, as an extractor.
pub struct PageLang(pub Lang);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for PageLang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PageLang(lang_of(parts)))
    }
}

/// `/`: the viewer's home, or the log-in page.
pub async fn root(viewer: Result<Viewer, Response>) -> Response {
    match viewer {
        Ok(v) => Redirect::to(home_of(v.account.role)).into_response(),
        Err(_) => Redirect::to("/login").into_response(),
    }
}

/// `/lang/{zh|en}`: remembers the language and goes back.
pub async fn switch_lang(Path(code): Path<String>, headers: HeaderMap) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| {
            r.find("://")
                .and_then(|i| r[i + 3..].find('/').map(|j| r[i + 3 + j..].to_string()))
        })
        .unwrap_or_else(|| "/".into());
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        if lang == Lang::En { "en" } else { "zh" }
    );
    ([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}

#[derive(Template)]
#[template(path = "console/login.html")]
struct LoginPage {
    chrome: Chrome,
    next: String,
    signup: bool,
}

/// `?next=` after log-in.
#[derive(Deserialize, Default)]
pub struct Next {
    next: Option<String>,
    notice: Option<String>,
    error: Option<String>,
}

/// Only same-site paths are followed after log-in (no open redirects).
fn safe_next(next: Option<&str>) -> Option<String> {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .map(str::to_string)
}

fn form_page(lang: Lang, next: Next, signup: bool) -> Response {
    let token = random_token("");
    let flash = Flash {
        notice: next.notice,
        error: next.error,
    };
    let title = lang.t(if signup { "signup" } else { "login" });
    let page = LoginPage {
        chrome: flash.anonymous(lang, title, token.clone()),
        next: safe_next(next.next.as_deref()).unwrap_or_default(),
        signup,
    };
    let cookie = format!("{FORM_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax");
    let mut r = render(&page);
    if let Ok(v) = cookie.parse() {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

/// `GET /login`.
pub async fn login_page(PageLang(lang): PageLang, Query(next): Query<Next>) -> Response {
    form_page(lang, next, false)
}

/// `GET /signup`.
pub async fn signup_page(PageLang(lang): PageLang, Query(next): Query<Next>) -> Response {
    form_page(lang, next, true)
}

/// The log-in and sign-up forms.
#[derive(Deserialize)]
pub struct Credentials {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    login: String,
    password: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    next: String,
}

fn form_cookie_ok(headers: &HeaderMap, sent: &str) -> bool {
    cookie(headers, FORM_COOKIE).is_some_and(|c| !sent.is_empty() && secret_eq(c, sent))
}

async fn start_session(ctx: &Ctx, account: &Account, next: &str) -> Response {
    let p = &ctx.platform;
    match accounts::create_session(p, account).await {
        Ok(s) => {
            let secure = if p.rules.sandbox { "" } else { "; Secure" };
            let max_age = (s.expires_at - p.now()) / 1000;
            let c = format!(
                "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
                s.token
            );
            let to = safe_next(Some(next)).unwrap_or_else(|| home_of(account.role).to_string());
            ([(header::SET_COOKIE, c)], Redirect::to(&to)).into_response()
        }
        Err(e) => failure("/login", &e.message),
    }
}

/// `POST /login`.
pub async fn log_in(
    State(ctx): State<Ctx>,
    PageLang(lang): PageLang,
    headers: HeaderMap,
    Form(f): Form<Credentials>,
) -> Response {
    let back = format!("/login?next={}", encode(&f.next));
    if !form_cookie_ok(&headers, &f.csrf) {
        return super::bad_csrf(lang);
    }
    match accounts::authenticate(&ctx.platform, f.login.trim(), &f.password).await {
        Ok(account) => start_session(&ctx, &account, &f.next).await,
        Err(e) => failure(&back, &e.message),
    }
}

/// `POST /signup`: a developer account, then straight into the console.
pub async fn sign_up(
    State(ctx): State<Ctx>,
    PageLang(lang): PageLang,
    headers: HeaderMap,
    Form(f): Form<Credentials>,
) -> Response {
    if !form_cookie_ok(&headers, &f.csrf) {
        return super::bad_csrf(lang);
    }
    match developers::sign_up(&ctx.platform, f.login.trim(), &f.password, &f.name).await {
        Ok((account, _)) => start_session(&ctx, &account, "/console").await,
        Err(e) => failure("/signup", &e.message),
    }
}

/// The log-out form.
#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

/// `POST /logout`.
pub async fn log_out(
    State(ctx): State<Ctx>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(f): Form<CsrfOnly>,
) -> Response {
    if !viewer.csrf_ok(&f.csrf) {
        return super::bad_csrf(viewer.lang);
    }
    if let Some(t) = cookie(&headers, SESSION_COOKIE) {
        let _ = accounts::delete_session(&ctx.platform, t).await;
    }
    let clear = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    ([(header::SET_COOKIE, clear)], Redirect::to("/login")).into_response()
}
