//! The web console: server-rendered pages for developers (`/console`), operators (`/admin`)
//! and merchants (`/merchant`), in Chinese by default and English on request.
//!
//! Every page is a thin layer over the same platform functions as the JSON API. Forms post
//! back, the handler acts and redirects with a notice or an error (post/redirect/get), so a
//! reload never repeats an action. Every form carries a CSRF token.

mod admin;
pub mod admin_dashboard;
mod auth;
pub mod charts;
mod developer;
pub mod docs;
pub mod i18n;
mod merchant;
pub mod session;
// Developer tools and app operations pages.
mod format;
mod push;
mod tools;
mod traffic;

use askama::Template;
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use kaifang_platform::accounts::Account;

use crate::http::Ctx;
use i18n::Lang;

/// Every page route.
pub fn routes() -> Router<Ctx> {
    Router::new()
        .route("/", get(auth::root))
        .route("/assets/console.css", get(stylesheet))
        .route("/lang/{code}", get(auth::switch_lang))
        .route("/login", get(auth::login_page).post(auth::log_in))
        .route("/signup", get(auth::signup_page).post(auth::sign_up))
        .route("/logout", post(auth::log_out))
        .route("/console", get(developer::home))
        .route("/console/onboarding", post(developer::onboarding))
        .route(
            "/console/apps",
            get(developer::apps).post(developer::create_app),
        )
        .route("/console/apps/{id}", get(developer::app))
        .route("/console/apps/{id}/action", post(developer::app_action))
        .route("/admin", get(admin::home))
        .route("/admin/decide", post(admin::decide))
        .route("/merchant", get(merchant::home))
        .route("/merchant/action", post(merchant::action))
        .route("/docs", get(docs::index))
        .route("/docs/start", get(docs::start))
        .route("/docs/api/{method}", get(docs::api))
        .route("/docs/events", get(docs::events))
        .route("/docs/events/{name}", get(docs::event))
        .route("/docs/errors", get(docs::errors))
        .route("/docs/carriers", get(docs::carriers))
        .route("/admin/dashboard", get(admin_dashboard::page))
        .route("/admin/developers", get(admin::developers_page))
        .route("/admin/apps", get(admin::apps_page))
        .route("/admin/apps/{id}", get(admin::app_page))
        .route("/admin/apps/{id}/traffic", post(admin::set_traffic))
        // Developer tools and app operations pages.
        .route("/assets/console.js", get(script))
        .route(
            "/console/tools/api",
            get(tools::api_page).post(tools::api_send),
        )
        .route(
            "/console/tools/message",
            get(tools::message_page).post(tools::message_send),
        )
        .route(
            "/console/apps/{id}/push",
            get(push::settings_page).post(push::settings_action),
        )
        .route(
            "/console/apps/{id}/messages",
            get(push::messages_page).post(push::messages_action),
        )
        .route(
            "/console/apps/{id}/traffic",
            get(traffic::traffic_page).post(traffic::reset),
        )
        .route("/console/apps/{id}/dashboard", get(traffic::dashboard_page))
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../../assets/console.css"),
    )
        .into_response()
}

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../../assets/console.js"),
    )
        .into_response()
}

/// What the layout needs on every page.
pub struct Chrome {
    /// Language.
    pub lang: Lang,
    /// Page title.
    pub title: String,
    /// Who is logged in.
    pub account: Option<Account>,
    /// CSRF token for the page's forms.
    pub csrf: String,
    /// A success message from the previous action.
    pub notice: Option<String>,
    /// An error message from the previous action.
    pub error: Option<String>,
    /// Whether the viewer holds a developer profile (a developer, or a merchant who enrolled as
    /// one): the navigation shows the developer's links only then.
    pub developer: bool,
}

impl Chrome {
    /// Text in the page's language.
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    /// The label of a state (`draft`, `online`, `granted`, …).
    pub fn state(&self, state: &str) -> &'static str {
        self.lang.t(&format!("state.{state}"))
    }

    /// The label of a lifecycle step.
    pub fn event(&self, event: &str) -> &'static str {
        self.lang.t(&format!("event.{event}"))
    }

    /// Whether the viewer has this role (for the navigation).
    pub fn is(&self, role: &str) -> bool {
        self.account
            .as_ref()
            .is_some_and(|a| a.role.as_str() == role)
    }
}

/// `?notice=` and `?error=` carried across a redirect.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Flash {
    notice: Option<String>,
    error: Option<String>,
}

impl Flash {
    /// The chrome of a page for a logged-in viewer.
    fn chrome(self, viewer: &session::Viewer, title: &str) -> Chrome {
        Chrome {
            account: Some(viewer.account.clone()),
            csrf: viewer.csrf.clone(),
            developer: viewer.developer,
            ..self.anonymous(viewer.lang, title, String::new())
        }
    }

    /// The chrome of a page shown to nobody in particular (before log-in, or an error); its
    /// forms carry `csrf`.
    pub fn anonymous(self, lang: Lang, title: &str, csrf: String) -> Chrome {
        Chrome {
            lang,
            title: title.to_string(),
            account: None,
            csrf,
            notice: self.notice,
            error: self.error,
            developer: false,
        }
    }
}

/// Renders a template into a response; a template error is a 500 with a plain message.
pub fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "page could not be rendered",
            )
                .into_response()
        }
    }
}

/// The viewer's own app by id or appKey, or a redirect to the app list saying why not.
async fn owned_app(
    ctx: &Ctx,
    viewer: &session::Viewer,
    id: &str,
) -> Result<kaifang_platform::apps::App, Response> {
    kaifang_platform::apps::owned(&ctx.platform, &viewer.account, id)
        .await
        .map_err(|e| failure("/console/apps", &e.message))
}

/// Percent-encodes a query value.
pub fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Back to `path` with a notice.
pub fn notice(path: &str, text: &str) -> Response {
    Redirect::to(&format!("{path}{}notice={}", sep(path), encode(text))).into_response()
}

/// Back to `path` with an error.
pub fn failure(path: &str, text: &str) -> Response {
    Redirect::to(&format!("{path}{}error={}", sep(path), encode(text))).into_response()
}

fn sep(path: &str) -> &'static str {
    if path.contains('?') { "&" } else { "?" }
}

/// A page that only says what went wrong.
#[derive(Template)]
#[template(path = "console/message.html")]
struct MessagePage {
    chrome: Chrome,
}

/// A bare error page.
pub fn error_page(lang: Lang, message: &str) -> Response {
    let chrome = Flash {
        notice: None,
        error: Some(message.to_string()),
    }
    .anonymous(lang, lang.t("error"), String::new());
    let mut r = render(&MessagePage { chrome });
    *r.status_mut() = StatusCode::BAD_REQUEST;
    r
}

/// The forms' CSRF field is wrong: the page was stale or forged.
pub fn bad_csrf(lang: Lang) -> Response {
    error_page(lang, lang.t("page_expired"))
}
