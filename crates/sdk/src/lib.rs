//! A Rust client for Kaifang (and any server speaking the Kuaishou e-commerce open-platform
//! protocol): signed API calls (MD5 or HMAC-SHA256, GET or POST, form or multipart), the OAuth
//! code and refresh exchanges, client credentials, retries of rate-limited calls with backoff,
//! and decoding of pushed messages.
//!
//! ```no_run
//! # async fn demo() -> Result<(), kaifang_sdk::Error> {
//! use kaifang_sdk::{Client, Credentials};
//! let client = Client::new("http://127.0.0.1:8080", Credentials {
//!     app_key: "ks...".into(), app_secret: "...".into(), sign_secret: "...".into(),
//! });
//! let seller = client.call("open.user.seller.get", "ACCESS_TOKEN", &serde_json::json!({})).await?;
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::time::Duration;

use kaifang_wire::sign::{self, SignInput};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

pub use kaifang_wire::SignMethod;
pub use kaifang_wire::push;

/// An app's credentials.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// `appkey` / `app_id`.
    pub app_key: String,
    /// Authenticates the OAuth exchanges.
    pub app_secret: String,
    /// Signs API calls.
    pub sign_secret: String,
}

/// How a call travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Transport {
    /// Everything in the query string.
    Get,
    /// Everything in an `application/x-www-form-urlencoded` body.
    #[default]
    PostForm,
    /// Everything as text parts of a `multipart/form-data` body, plus the files.
    PostMultipart,
    /// Everything as one JSON object body (the lenient form some clients use).
    PostJson,
}

/// A file part of a multipart call.
#[derive(Debug, Clone)]
pub struct FilePart {
    /// Form field name (e.g. `imgBytes`).
    pub field: String,
    /// File name.
    pub file_name: String,
    /// Content type.
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// Options of one call.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// How to send it.
    pub transport: Transport,
    /// Signature algorithm (default MD5).
    pub sign_method: Option<SignMethod>,
    /// The timestamp to send, ms (default: the system clock).
    pub timestamp_ms: Option<i64>,
    /// Files (multipart only).
    pub files: Vec<FilePart>,
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server answered with an error envelope.
    #[error("API error {code} ({sub_code}): {message}")]
    Api {
        /// `result`.
        code: i64,
        /// `sub_code` (the catalogue name).
        sub_code: String,
        /// `error_msg`.
        message: String,
        /// The whole envelope.
        envelope: Value,
    },
    /// An OAuth endpoint refused.
    #[error("OAuth error {result} {error}: {message}")]
    OAuth {
        /// `result`.
        result: i64,
        /// `error`.
        error: String,
        /// `error_msg`.
        message: String,
    },
    /// Transport failure.
    #[error("http: {0}")]
    Http(#[from] reqwest::Error),
    /// The answer was not the expected JSON.
    #[error("unexpected response: {0}")]
    Decode(String),
}

impl Error {
    /// The API `result` code, if this is an API error.
    pub fn code(&self) -> Option<i64> {
        match self {
            Error::Api { code, .. } => Some(*code),
            _ => None,
        }
    }
}

/// Tokens from `/oauth2/access_token` or `/oauth2/refresh_token`.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Tokens {
    /// Access token.
    pub access_token: String,
    /// Refresh token (absent for client credentials).
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// Access token lifetime, seconds.
    #[serde(default)]
    pub expires_in: Option<i64>,
    /// Refresh token lifetime, seconds.
    #[serde(default)]
    pub refresh_token_expires_in: Option<i64>,
    /// The user's open id.
    #[serde(default, rename = "open_id")]
    pub open_id: Option<String>,
    /// Granted scopes.
    #[serde(default)]
    pub scopes: Option<Value>,
}

/// Result codes worth retrying after a pause: the QPS limits.
/// (`APP_QPS_EXCEEDED` 990403, `USER_QPS_EXCEEDED` 990404).
pub const RETRYABLE_CODES: [i64; 2] = [990_403, 990_404];

/// The client.
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    creds: Credentials,
    http: reqwest::Client,
    /// Retries of rate-limited calls (default 3); 0 disables.
    pub max_retries: u32,
    /// First backoff (doubles per retry; default 200 ms).
    pub backoff: Duration,
}

fn enc(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

/// `k=v&…`, percent-encoded.
pub fn form_encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The eight system parameters of a call, signed.
pub fn signed_params(
    creds: &Credentials,
    method: &str,
    access_token: &str,
    param: &str,
    sign_method: SignMethod,
    timestamp_ms: i64,
) -> Vec<(&'static str, String)> {
    let ts = timestamp_ms.to_string();
    let input = SignInput {
        appkey: Some(&creds.app_key),
        method: Some(method),
        access_token: Some(access_token),
        version: Some("1"),
        sign_method: Some(sign_method.as_str()),
        timestamp: Some(&ts),
        param: Some(param),
    };
    let signature = sign::sign(&input, &creds.sign_secret, sign_method);
    vec![
        ("appkey", creds.app_key.clone()),
        ("method", method.to_string()),
        ("access_token", access_token.to_string()),
        ("version", "1".to_string()),
        ("signMethod", sign_method.as_str().to_string()),
        ("timestamp", ts),
        ("param", param.to_string()),
        ("sign", signature),
    ]
}

/// A `multipart/form-data` body and its Content-Type.
pub fn multipart_body(fields: &[(&str, &str)], files: &[FilePart]) -> (String, Vec<u8>) {
    let boundary = "----kaifang-sdk-boundary-7d93b1c2";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for f in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                f.field, f.file_name, f.content_type
            )
            .as_bytes(),
        );
        body.extend_from_slice(&f.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn system_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl Client {
    /// A client for the server at `base` (e.g. `http://127.0.0.1:8080`).
    pub fn new(base: impl Into<String>, creds: Credentials) -> Self {
        Client {
            base: base.into().trim_end_matches('/').to_string(),
            creds,
            http: reqwest::Client::new(),
            max_retries: 3,
            backoff: Duration::from_millis(200),
        }
    }

    /// The credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.creds
    }

    /// Calls `method` with the default options (form POST, MD5) and returns `data`.
    pub async fn call(
        &self,
        method: &str,
        access_token: &str,
        param: &Value,
    ) -> Result<Value, Error> {
        let envelope = self
            .call_with(
                method,
                access_token,
                &param.to_string(),
                &CallOptions::default(),
            )
            .await?;
        Ok(envelope.get("data").cloned().unwrap_or(Value::Null))
    }

    /// Calls `method` with a raw `param` string (signed byte for byte) and returns the whole
    /// envelope on success; rate-limited calls are retried with exponential backoff.
    pub async fn call_with(
        &self,
        method: &str,
        access_token: &str,
        param: &str,
        opts: &CallOptions,
    ) -> Result<Value, Error> {
        let mut attempt = 0;
        loop {
            let envelope = self.send_once(method, access_token, param, opts).await?;
            match envelope_result(envelope) {
                Err(Error::Api { code, .. })
                    if RETRYABLE_CODES.contains(&code) && attempt < self.max_retries =>
                {
                    tokio::time::sleep(self.backoff * 2u32.pow(attempt)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// Sends one signed call and returns the envelope, whatever its `result`.
    pub async fn send_once(
        &self,
        method: &str,
        access_token: &str,
        param: &str,
        opts: &CallOptions,
    ) -> Result<Value, Error> {
        let sign_method = opts.sign_method.unwrap_or(SignMethod::Md5);
        let ts = opts.timestamp_ms.unwrap_or_else(system_now_ms);
        let params = signed_params(&self.creds, method, access_token, param, sign_method, ts);
        let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let url = format!(
            "{}{}",
            self.base,
            kaifang_wire::path::method_to_path(method)
        );
        let req = match opts.transport {
            Transport::Get => self.http.get(format!("{url}?{}", form_encode(&pairs))),
            Transport::PostForm => self
                .http
                .post(url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form_encode(&pairs)),
            Transport::PostMultipart => {
                let (ct, body) = multipart_body(&pairs, &opts.files);
                self.http.post(url).header("content-type", ct).body(body)
            }
            Transport::PostJson => {
                let obj: serde_json::Map<String, Value> = pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
                    .collect();
                self.http
                    .post(url)
                    .header("content-type", "application/json")
                    .body(Value::Object(obj).to_string())
            }
        };
        let resp = req.send().await?;
        let bytes = resp.bytes().await?;
        serde_json::from_slice(&bytes).map_err(|e| Error::Decode(e.to_string()))
    }

    async fn oauth(&self, path: &str, pairs: &[(&str, &str)]) -> Result<Tokens, Error> {
        let url = format!("{}{path}?{}", self.base, form_encode(pairs));
        let body: Value = self.http.get(url).send().await?.json().await?;
        if body.get("result").and_then(Value::as_i64) != Some(1) {
            return Err(Error::OAuth {
                result: body.get("result").and_then(Value::as_i64).unwrap_or(0),
                error: body
                    .get("error")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .into(),
                message: body
                    .get("error_msg")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .into(),
            });
        }
        serde_json::from_value(body).map_err(|e| Error::Decode(e.to_string()))
    }

    /// Exchanges an authorization code for tokens.
    pub async fn access_token(&self, code: &str) -> Result<Tokens, Error> {
        let c = &self.creds;
        self.oauth(
            "/oauth2/access_token",
            &[
                ("app_id", &c.app_key),
                ("app_secret", &c.app_secret),
                ("grant_type", "code"),
                ("code", code),
            ],
        )
        .await
    }

    /// Exchanges a refresh token for new tokens.
    pub async fn refresh_token(&self, refresh_token: &str) -> Result<Tokens, Error> {
        let c = &self.creds;
        self.oauth(
            "/oauth2/refresh_token",
            &[
                ("app_id", &c.app_key),
                ("app_secret", &c.app_secret),
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ],
        )
        .await
    }

    /// An app-level token (`client_credentials`).
    pub async fn client_credentials(&self) -> Result<Tokens, Error> {
        let c = &self.creds;
        self.oauth(
            "/oauth2/access_token",
            &[
                ("app_id", &c.app_key),
                ("app_secret", &c.app_secret),
                ("grant_type", "client_credentials"),
            ],
        )
        .await
    }

    /// Decodes a pushed message body with the app's push key.
    pub fn decode_push(push_key_b64: &str, body: &str) -> Result<Value, Error> {
        let text = push::decrypt_to_string(push_key_b64, body)
            .map_err(|e| Error::Decode(e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| Error::Decode(e.to_string()))
    }
}

/// `Ok(envelope)` when `result` is 1, else the error.
pub fn envelope_result(envelope: Value) -> Result<Value, Error> {
    match envelope.get("result").and_then(Value::as_i64) {
        Some(1) => Ok(envelope),
        Some(code) => Err(Error::Api {
            code,
            sub_code: envelope
                .get("sub_code")
                .and_then(Value::as_str)
                .unwrap_or("")
                .into(),
            message: envelope
                .get("error_msg")
                .and_then(Value::as_str)
                .unwrap_or("")
                .into(),
            envelope,
        }),
        None => Err(Error::Decode(format!("no result in {envelope}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_the_worked_example() {
        let creds = Credentials {
            app_key: "ks700000000000000001".into(),
            app_secret: String::new(),
            sign_secret: "a1b2c3d4e5f60718293a4b5c6d7e8f90".into(),
        };
        let p = signed_params(
            &creds,
            "open.item.get",
            "TEST_ACCESS_TOKEN",
            r#"{"kwaiItemId":20000000001}"#,
            SignMethod::Md5,
            1_700_000_000_000,
        );
        assert_eq!(
            p[7],
            ("sign", "f34cdc2268068c6b6fdc14d3dbe14187".to_string())
        );
        let h = signed_params(
            &creds,
            "open.item.get",
            "TEST_ACCESS_TOKEN",
            r#"{"kwaiItemId":20000000001}"#,
            SignMethod::HmacSha256,
            1_700_000_000_000,
        );
        assert_eq!(h[7].1, "UBtsDwkKHw0mohtS86IP0pekCEO/FYnXt790JuEhaq8=");
        assert_eq!(form_encode(&[("a", "x/y=")]), "a=x%2Fy%3D");
        assert_eq!(
            RETRYABLE_CODES,
            [
                kaifang_wire::ApiError::AppQpsExceeded.code(),
                kaifang_wire::ApiError::UserQpsExceeded.code()
            ]
        );
    }
}
