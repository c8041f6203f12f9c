//! Step 1, intake: read the method from the path and the parameters from the query string and
//! the body (form-urlencoded, multipart with file parts, or leniently one JSON object).
//!
//! Decoding itself is `kaifang_wire::params` (strict, fuzzed); this step only picks the parser
//! by Content-Type and enforces the body size limit. `param` stays a raw string here. The
//! parameters borrow from the request's query string and body ([`Intake::params`]): a call's
//! parameters rarely need decoding, so taking them in copies nothing.

use std::borrow::Cow;

use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{Uri, header};
use kaifang_wire::ApiError;
use kaifang_wire::params::{self, ParamsError, SystemParams};

use super::error::GatewayError;

/// A file part of a multipart request (e.g. `imgBytes` of `open.item.image.upload`).
#[derive(Debug, Clone)]
pub struct UploadedFile {
    /// The form field name.
    pub field: String,
    /// The file name the client gave.
    pub file_name: String,
    /// The part's Content-Type, if any.
    pub content_type: Option<String>,
    /// The bytes.
    pub bytes: axum::body::Bytes,
}

/// What a request carried.
#[derive(Debug)]
pub struct Intake {
    /// The method the URL path names.
    pub path_method: String,
    /// File parts.
    pub files: Vec<UploadedFile>,
    /// The query string's owner.
    uri: Uri,
    /// The body's parameters, still encoded.
    body: BodyParams,
}

/// A body's parameters before [`Intake::params`] reads them.
#[derive(Debug)]
enum BodyParams {
    /// Form-urlencoded bytes (also an empty body).
    Form(axum::body::Bytes),
    /// Already decoded (a JSON object or multipart text fields).
    Decoded(Vec<(String, String)>),
}

impl Intake {
    /// The system parameters and the others, from the query string and the body; keys and
    /// values that needed no decoding borrow from the request.
    pub fn params(&self) -> Result<(SystemParams<'_>, Vec<(String, String)>), GatewayError> {
        let query = match self.uri.query() {
            Some(q) => params::form_pairs(q.as_bytes()).map_err(|e| params_error(&e))?,
            None => Vec::new(),
        };
        let body = match &self.body {
            BodyParams::Form(bytes) => params::form_pairs(bytes).map_err(|e| params_error(&e))?,
            BodyParams::Decoded(pairs) => pairs
                .iter()
                .map(|(k, v)| (Cow::Borrowed(k.as_str()), Cow::Borrowed(v.as_str())))
                .collect(),
        };
        params::merge(query, body).map_err(|e| params_error(&e))
    }
}

fn params_error(e: &ParamsError) -> GatewayError {
    GatewayError::new(e.api_error(), e.to_string())
}

fn too_large(limit: usize) -> GatewayError {
    GatewayError::new(
        ApiError::BodyTooLarge,
        format!(
            "the request body is larger than {limit} bytes: send fewer entries per call or smaller files"
        ),
    )
}

/// Reads a request into an [`Intake`]. `max_body` bounds the body in bytes.
pub async fn take(req: Request, max_body: usize) -> Result<Intake, GatewayError> {
    let (parts, body) = req.into_parts();
    let path_method = kaifang_wire::path::path_to_method(parts.uri.path()).ok_or_else(|| {
        GatewayError::new(
            ApiError::UnknownMethod,
            "no API lives at this path: call method open.a.b.c at /open/a/b/c (letters, digits, _ and - only)",
        )
    })?;
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max_body as u64) {
        return Err(too_large(max_body));
    }
    // A GET has no body to collect; collecting is boxed so that its future is not carried
    // inside every call's (see `super::cache` on future sizes).
    let bytes = if axum::body::HttpBody::is_end_stream(&body) {
        axum::body::Bytes::new()
    } else {
        Box::pin(axum::body::to_bytes(body, max_body))
            .await
            .map_err(|_| too_large(max_body))?
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let is = |prefix: &str| {
        content_type
            .get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
    };
    let mut files = Vec::new();
    let body = if bytes.is_empty() {
        BodyParams::Form(bytes)
    } else if is("multipart/form-data") {
        let ct = parts.headers.get(header::CONTENT_TYPE).cloned();
        // Boxed: multipart is rare, and its parser's future would otherwise make every
        // call's future larger.
        BodyParams::Decoded(Box::pin(multipart(ct, bytes, &mut files)).await?)
    } else if is("application/json") {
        BodyParams::Decoded(params::parse_json_object(&bytes).map_err(|e| params_error(&e))?)
    } else {
        // Form-urlencoded is the documented type; a missing or other type is read the same way.
        BodyParams::Form(bytes)
    };
    Ok(Intake {
        path_method,
        files,
        uri: parts.uri,
        body,
    })
}

async fn multipart(
    content_type: Option<header::HeaderValue>,
    bytes: axum::body::Bytes,
    files: &mut Vec<UploadedFile>,
) -> Result<Vec<(String, String)>, GatewayError> {
    let malformed = |detail: String| {
        GatewayError::new(
            ApiError::MalformedEncoding,
            format!(
                "the multipart/form-data body cannot be read ({detail}): send a well-formed multipart body with its boundary in Content-Type"
            ),
        )
    };
    let mut builder = Request::builder();
    if let Some(ct) = content_type {
        builder = builder.header(header::CONTENT_TYPE, ct);
    }
    let req = builder
        .body(Body::from(bytes))
        .map_err(|e| malformed(e.to_string()))?;
    let mut form = Multipart::from_request(req, &())
        .await
        .map_err(|e| malformed(e.body_text()))?;
    let mut pairs = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(malformed(e.body_text())),
        };
        let Some(name) = field.name().map(str::to_string) else {
            continue;
        };
        if let Some(file_name) = field.file_name().map(str::to_string) {
            let content_type = field.content_type().map(str::to_string);
            let data = field.bytes().await.map_err(|e| malformed(e.body_text()))?;
            files.push(UploadedFile {
                field: name,
                file_name,
                content_type,
                bytes: data,
            });
        } else {
            let data = field.bytes().await.map_err(|e| malformed(e.body_text()))?;
            let text = String::from_utf8(data.to_vec()).map_err(|_| {
                params_error(&ParamsError::NotUtf8 {
                    key: name.chars().take(64).collect(),
                })
            })?;
            pairs.push((name, text));
        }
    }
    Ok(pairs)
}
