//! Who is looking at a page: the session cookie's account, its CSRF token and the language.
//! Pages without a session redirect to the log-in page and come back afterwards.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use kaifang_platform::accounts::{self, Account, Role};
use kaifang_platform::{crypto, developers};

use super::i18n::Lang;
use crate::http::Ctx;
use crate::http::auth::{SESSION_COOKIE, cookie};

/// The cookie that remembers the language.
pub const LANG_COOKIE: &str = "lang";
/// The double-submit cookie protecting forms shown before log-in.
pub const FORM_COOKIE: &str = "kaifang_form";

/// The reader's language (cookie, default Chinese).
pub fn lang_of(parts: &Parts) -> Lang {
    cookie(&parts.headers, LANG_COOKIE)
        .and_then(Lang::parse)
        .unwrap_or_default()
}

/// A logged-in reader.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The account.
    pub account: Account,
    /// The session's CSRF token, embedded in every form.
    pub csrf: String,
    /// Language.
    pub lang: Lang,
    /// Whether the account holds a developer profile: every developer, and a merchant who
    /// enrolled as a merchant developer.
    pub developer: bool,
}

impl Viewer {
    /// Whether a submitted form carries this session's CSRF token.
    pub fn csrf_ok(&self, sent: &str) -> bool {
        crypto::secret_eq(sent, &self.csrf)
    }

    /// A redirect to the viewer's own home unless the viewer has `role`.
    pub fn redirect_unless(&self, role: Role) -> Option<Response> {
        (self.account.role != role)
            .then(|| Redirect::to(home_of(self.account.role)).into_response())
    }
}

/// Where each kind of account lands after log-in.
pub fn home_of(role: Role) -> &'static str {
    match role {
        Role::Operator => "/admin",
        Role::Developer => "/console",
        Role::Merchant | Role::Staff => "/merchant",
    }
}

impl FromRequestParts<Ctx> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, ctx: &Ctx) -> Result<Self, Self::Rejection> {
        let lang = lang_of(parts);
        let to_login = || {
            let next = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            Redirect::to(&format!("/login?next={}", super::encode(next))).into_response()
        };
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(to_login());
        };
        match accounts::session_account(&ctx.platform, token).await {
            Ok(Some((account, csrf))) => {
                let developer = match account.role {
                    Role::Developer => true,
                    Role::Merchant => developers::find_of_account(&ctx.platform, account.id)
                        .await
                        .is_ok_and(|d| d.is_some()),
                    Role::Operator | Role::Staff => false,
                };
                Ok(Viewer {
                    account,
                    csrf,
                    lang,
                    developer,
                })
            }
            Ok(None) => Err(to_login()),
            Err(e) => Err(super::error_page(lang, &e.message)),
        }
    }
}
