//! `/oauth2/access_token` and `/oauth2/refresh_token` (protocol-notes §3.2–3.4).
//!
//! Both accept GET and POST, with parameters in the query string, a form body (or a JSON
//! object), or both, and the aliases `client_id`/`appId` for `app_id` and `client_secret` for
//! `app_secret`. Answers are HTTP 200 with flat JSON: the token superset on success, and
//! `result` + `error` + `error_msg` on failure (§3.7).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use kaifang_platform::oauth::{Denial, tokens};
use kaifang_wire::envelope::{CONTENT_TYPE, oauth_error};
use kaifang_wire::errors::{
    OAUTH_MSG_INVALID_REFRESH_TOKEN, OAUTH_MSG_REFRESH_TOKEN_DISCARDED,
    OAUTH_MSG_REFRESH_TOKEN_REVOKED, OAuthError,
};
use kaifang_wire::params::{parse_form, parse_json_object};

use crate::http::Ctx;

/// The request's parameters from the query string and the body, merged.
struct Params(HashMap<String, String>);

impl Params {
    fn read(uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Result<Self, String> {
        let mut map: HashMap<String, String> = HashMap::new();
        let query = parse_form(uri.query().unwrap_or("").as_bytes())
            .map_err(|e| format!("query string: {e}"))?;
        let is_json = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.trim_start().starts_with("application/json"));
        let body = if body.iter().all(u8::is_ascii_whitespace) {
            Vec::new()
        } else if is_json {
            parse_json_object(body).map_err(|e| format!("body: {e}"))?
        } else {
            parse_form(body).map_err(|e| format!("body: {e}"))?
        };
        for (k, v) in query.into_iter().chain(body) {
            let v = v.trim().to_string();
            if v.is_empty() {
                continue;
            }
            match map.get(&k) {
                Some(old) if *old != v => {
                    return Err(format!(
                        "parameter {k} was sent twice with different values: send it once"
                    ));
                }
                _ => {
                    map.insert(k, v);
                }
            }
        }
        Ok(Params(map))
    }

    /// The first of `names` present.
    fn get(&self, names: &[&str]) -> Option<&str> {
        names
            .iter()
            .find_map(|n| self.0.get(*n))
            .map(String::as_str)
    }

    fn app_id(&self) -> Option<&str> {
        self.get(&["app_id", "client_id", "appId", "appKey"])
    }

    fn app_secret(&self) -> Option<&str> {
        self.get(&["app_secret", "client_secret", "appSecret"])
    }
}

/// HTTP 200 with a JSON body and the headers token responses carry (RFC 6749 §5.1).
fn json_200(body: Vec<u8>) -> Response {
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    resp
}

/// A denial as its §3.7 body.
fn denied(d: Denial) -> Response {
    let (err, msg) = match d {
        Denial::MissingParameter(name) => (
            OAuthError::InvalidRequest,
            format!("required parameter {name} is missing"),
        ),
        Denial::UnauthorizedClient(m) => (OAuthError::UnauthorizedClient, m),
        Denial::UnsupportedGrantType(m) => (OAuthError::UnsupportedGrantType, m),
        Denial::InvalidGrant(m) => (OAuthError::InvalidGrant, m),
        Denial::RefreshInvalid => (
            OAuthError::AccessDenied,
            OAUTH_MSG_INVALID_REFRESH_TOKEN.to_string(),
        ),
        Denial::RefreshDiscarded => (
            OAuthError::AccessDenied,
            OAUTH_MSG_REFRESH_TOKEN_DISCARDED.to_string(),
        ),
        Denial::RefreshRevoked => (
            OAuthError::AccessDenied,
            OAUTH_MSG_REFRESH_TOKEN_REVOKED.to_string(),
        ),
        Denial::Internal(_) => (OAuthError::ServerError, String::new()),
    };
    json_200(oauth_error(err, &msg))
}

fn answer(r: Result<tokens::TokenResponse, Denial>) -> Response {
    match r {
        Ok(t) => match serde_json::to_vec(&t) {
            Ok(body) => json_200(body),
            Err(e) => denied(Denial::Internal(kaifang_platform::Error::internal(e))),
        },
        Err(d) => denied(d),
    }
}

/// Which grant the access-token endpoint was asked for.
enum Grant {
    Code,
    ClientCredentials,
    Refresh,
}

/// `GET|POST /oauth2/access_token`: `grant_type` = `code` (or `authorization_code`),
/// `client_credentials`, or `refresh_token`.
pub async fn access_token(
    State(ctx): State<Ctx>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = match Params::read(&uri, &headers, &body) {
        Ok(p) => p,
        Err(m) => return json_200(oauth_error(OAuthError::InvalidRequest, &m)),
    };
    let grant = match params.get(&["grant_type"]) {
        None => return denied(Denial::MissingParameter("grant_type")),
        Some("code" | "authorization_code") => Grant::Code,
        Some("client_credentials") => Grant::ClientCredentials,
        Some("refresh_token") => Grant::Refresh,
        Some(other) => {
            return denied(Denial::UnsupportedGrantType(format!(
                "grant_type {other:?} is not supported: send code, client_credentials or refresh_token"
            )));
        }
    };
    let p = &ctx.platform;
    let client = match tokens::authenticate_client(p, params.app_id(), params.app_secret()).await {
        Ok(c) => c,
        Err(d) => return denied(d),
    };
    answer(match grant {
        Grant::Code => {
            tokens::exchange_code(
                p,
                &client,
                params.get(&["code"]),
                params.get(&["redirect_uri"]),
            )
            .await
        }
        Grant::ClientCredentials => tokens::client_credentials(p, &client).await,
        Grant::Refresh => tokens::refresh(p, &client, params.get(&["refresh_token"])).await,
    })
}

/// `GET|POST /oauth2/refresh_token`: `grant_type=refresh_token` (may be left out).
pub async fn refresh_token(
    State(ctx): State<Ctx>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = match Params::read(&uri, &headers, &body) {
        Ok(p) => p,
        Err(m) => return json_200(oauth_error(OAuthError::InvalidRequest, &m)),
    };
    if let Some(g) = params.get(&["grant_type"])
        && g != "refresh_token"
    {
        return denied(Denial::UnsupportedGrantType(format!(
            "grant_type {g:?} is not supported here: send refresh_token (codes go to /oauth2/access_token)"
        )));
    }
    let p = &ctx.platform;
    let client = match tokens::authenticate_client(p, params.app_id(), params.app_secret()).await {
        Ok(c) => c,
        Err(d) => return denied(d),
    };
    answer(tokens::refresh(p, &client, params.get(&["refresh_token"])).await)
}
