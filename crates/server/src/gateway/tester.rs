//! The API test tool (seed 001 §3.1.2): a developer picks one of its apps, a method from the
//! catalogue and an access token, and writes `param`; the server signs the call with the app's
//! current sign secret and sends it through the same [`Gateway::handle`] as any `/open/...`
//! request (in process, so intake, signature, token, scope, limits, handler and statistics run
//! exactly as for an SDK). It hands back the string it signed (the secret masked as `***`), the
//! sign, and the raw request and response.

use std::sync::Arc;

use axum::body::Body as HttpBody;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::{Extension, Json};
use kaifang_platform::accounts::Account;
use kaifang_platform::apps::{self, credentials};
use kaifang_platform::{Error, Platform};
use kaifang_wire::sign::{self, SignInput, SignMethod};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::catalogue;
use super::pipeline::Gateway;
use crate::http::{ApiError, Body, Caller, Ctx};

/// What the developer fills in.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct TryCall {
    /// API method, e.g. `open.item.list.get`.
    pub method: String,
    /// The `param` JSON text, sent byte for byte (empty: `{}`).
    #[serde(default)]
    pub param: String,
    /// The access token to call with (a test user's, or the app's client_credentials token).
    pub access_token: String,
    /// `MD5` or `HMAC_SHA256` (default `HMAC_SHA256`).
    #[serde(default)]
    pub sign_method: Option<String>,
    /// `GET` or `POST` (default: the method's documented one).
    #[serde(default)]
    pub http_method: Option<String>,
}

/// What the tool did and what came back.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TryResult {
    /// The app's key.
    pub app_key: String,
    /// The method called.
    pub method: String,
    /// `GET` or `POST`.
    pub http_method: String,
    /// The `timestamp` sent (ms).
    pub timestamp: String,
    /// `signMethod` sent.
    pub sign_method: String,
    /// The exact string signed, with the sign secret shown as `***`.
    pub string_to_sign: String,
    /// The `sign` sent.
    pub sign: String,
    /// The request as it went over the wire (request line, headers, body).
    pub raw_request: String,
    /// The HTTP status answered.
    pub status: u16,
    /// The response as it came back (status line, headers, body).
    pub raw_response: String,
    /// The response body alone.
    pub body: String,
    /// `result` of the envelope (1 = success).
    pub result: Option<i64>,
    /// `requestId` of the envelope.
    pub request_id: Option<String>,
}

/// Form encoding: everything but letters, digits and `-_.*` is percent-encoded (as Java's
/// `URLEncoder` and the official SDKs do; spaces as `%20`).
const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'*');

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", utf8_percent_encode(v, FORM)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Signs `input` for app `app` (owned by `owner`) and sends it through the gateway. `host` is
/// only shown in the raw request.
pub async fn try_call(
    p: &Platform,
    gw: &Gateway,
    owner: &Account,
    app: &str,
    host: &str,
    input: &TryCall,
) -> kaifang_platform::Result<TryResult> {
    let app = apps::owned(p, owner, app).await?;
    let app_key = app.app_key.clone().ok_or_else(|| {
        Error::state(
            "the app has no appKey yet: it gets its credentials when an operator approves it",
        )
    })?;
    let secrets = credentials::active_secrets(p, &app_key)
        .await?
        .ok_or_else(|| Error::state("the app has no credentials"))?;
    let method = input.method.trim();
    let entry = catalogue::find(method).ok_or_else(|| {
        Error::invalid(format!(
            "no API is named `{method}`: pick one from the catalogue"
        ))
    })?;
    let sign_method = match input.sign_method.as_deref().map(str::trim) {
        None | Some("") => SignMethod::HmacSha256,
        Some(s) => s
            .parse::<SignMethod>()
            .map_err(|e| Error::invalid(e.to_string()))?,
    };
    let http_method = match input
        .http_method
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(entry.method.http)
        .to_ascii_uppercase()
        .as_str()
    {
        "GET" => Method::GET,
        "POST" => Method::POST,
        other => {
            return Err(Error::invalid(format!(
                "HTTP method {other} is not used by the API: choose GET or POST"
            )));
        }
    };
    let access_token = input.access_token.trim();
    if access_token.is_empty() {
        return Err(Error::invalid(
            "an access_token is needed: issue one for an authorized test user, or paste one",
        ));
    }
    let param = if input.param.trim().is_empty() {
        "{}"
    } else {
        input.param.as_str()
    };
    let timestamp = p.now().to_string();
    let signed = SignInput {
        appkey: Some(&app_key),
        method: Some(method),
        access_token: Some(access_token),
        version: Some("1"),
        sign_method: Some(sign_method.as_str()),
        timestamp: Some(&timestamp),
        param: Some(param),
    };
    let signature = sign::sign(&signed, &secrets.sign_secret, sign_method);
    let string_to_sign = sign::string_to_sign(&signed, "***");
    let encoded = form(&[
        ("appkey", &app_key),
        ("method", method),
        ("version", "1"),
        ("access_token", access_token),
        ("timestamp", &timestamp),
        ("signMethod", sign_method.as_str()),
        ("param", param),
        ("sign", &signature),
    ]);
    let path = kaifang_wire::path::method_to_path(method);
    const FORM_TYPE: &str = "application/x-www-form-urlencoded;charset=UTF-8";
    let (request, raw_request) = if http_method == Method::GET {
        let uri = format!("{path}?{encoded}");
        let raw = format!("GET {uri} HTTP/1.1\r\nHost: {host}\r\n\r\n");
        (Request::get(uri).body(HttpBody::empty()), raw)
    } else {
        let raw = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {FORM_TYPE}\r\nContent-Length: {}\r\n\r\n{encoded}",
            encoded.len()
        );
        let req = Request::post(path.as_str())
            .header(header::CONTENT_TYPE, FORM_TYPE)
            .body(HttpBody::from(encoded));
        (req, raw)
    };
    let request = request.map_err(|e| Error::internal(format!("building the request: {e}")))?;
    let response = gw.handle(request).await;
    let status = response.status();
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    );
    for (name, value) in response.headers() {
        head.push_str(&format!(
            "{}: {}\r\n",
            name,
            value.to_str().unwrap_or("(binary)")
        ));
    }
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024 * 1024)
        .await
        .map_err(|e| Error::internal(format!("reading the response: {e}")))?;
    let body = String::from_utf8_lossy(&bytes).into_owned();
    let envelope: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    Ok(TryResult {
        app_key,
        method: method.to_string(),
        http_method: http_method.to_string(),
        timestamp,
        sign_method: sign_method.as_str().to_string(),
        string_to_sign,
        sign: signature,
        raw_request,
        status: status.as_u16(),
        raw_response: format!("{head}\r\n{body}"),
        body,
        result: envelope["result"].as_i64(),
        request_id: envelope["requestId"].as_str().map(String::from),
    })
}

/// The `Host` a browser or client used, for the raw request.
pub fn host_of(headers: &HeaderMap) -> String {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost")
        .to_string()
}

/// Sign and send one API call for my app through the gateway (the API test tool). The answer
/// is the tool's record of the call; the API's own outcome is in `result` and `body`.
#[utoipa::path(post, path = "/api/apps/{app}/api-test", tag = "gateway", request_body = TryCall,
    params(("app" = String, Path, description = "id or appKey")),
    responses((status = 200, body = TryResult), (status = 400), (status = 404), (status = 409)))]
pub async fn try_call_json(
    State(ctx): State<Ctx>,
    Extension(gw): Extension<Arc<Gateway>>,
    caller: Caller,
    headers: HeaderMap,
    Path(app): Path<String>,
    Body(input): Body<TryCall>,
) -> Result<Json<TryResult>, ApiError> {
    let host = host_of(&headers);
    Ok(Json(
        try_call(&ctx.platform, &gw, &caller.account, &app, &host, &input).await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_encoding_keeps_unreserved() {
        assert_eq!(
            form(&[("param", "{\"a\":1} x"), ("k", "a-b_c.d*e~")]),
            "param=%7B%22a%22%3A1%7D%20x&k=a-b_c.d*e%7E"
        );
    }
}
