//! Who is calling: a bearer API token (`Authorization: Bearer kft_…`) for automation, or a
//! console session cookie. Session requests that change something must also carry the
//! session's CSRF token in `X-CSRF-Token`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use kaifang_platform::accounts::{self, Account};
use kaifang_platform::{Error, crypto};

use super::Ctx;
use super::error::ApiError;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "kaifang_session";
/// The header that carries the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// How the caller authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A personal API token.
    Token,
    /// A console session.
    Session,
}

/// The authenticated account behind a request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The account.
    pub account: Account,
    /// How it authenticated.
    pub via: Via,
}

/// Reads one cookie's value from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl FromRequestParts<Ctx> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &Ctx) -> Result<Self, Self::Rejection> {
        let p = &ctx.platform;
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| {
                    v.strip_prefix("Bearer ")
                        .or_else(|| v.strip_prefix("bearer "))
                })
                .ok_or_else(|| {
                    ApiError(Error::unauthenticated(
                        "Authorization must be \"Bearer <API token>\"",
                    ))
                })?;
            let account = accounts::token_account(p, token.trim())
                .await?
                .ok_or_else(|| {
                    ApiError(Error::unauthenticated(
                        "the API token is unknown or revoked; create one at POST /api/tokens",
                    ))
                })?;
            return Ok(Caller {
                account,
                via: Via::Token,
            });
        }
        let Some(session) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(ApiError(Error::unauthenticated(
                "log in first (POST /api/session) or send Authorization: Bearer <API token>",
            )));
        };
        let (account, csrf) = accounts::session_account(p, session)
            .await?
            .ok_or_else(|| {
                ApiError(Error::unauthenticated(
                    "the session has expired; log in again",
                ))
            })?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !crypto::secret_eq(sent, &csrf) {
                return Err(ApiError(Error::forbidden(
                    "missing or wrong X-CSRF-Token header; use the csrf_token returned at login",
                )));
            }
        }
        Ok(Caller {
            account,
            via: Via::Session,
        })
    }
}
