//! Response envelopes (protocol-notes §2.1 and §3.7).
//!
//! Every API response is HTTP 200 with [`CONTENT_TYPE`] and this JSON object, fields in this
//! order:
//!
//! ```json
//! {"result":1,"error_msg":"","code":"1","msg":"","sub_code":"","sub_msg":"","data":{…},"requestId":"…"}
//! ```
//!
//! Clients read different fields, so every response carries the superset:
//!
//! | field | success | error |
//! |---|---|---|
//! | `result` (number) | `1` | [`ApiError::code`] |
//! | `error_msg` | `""` | the specific message (the caller's, else [`ApiError::message`]) |
//! | `code` (string) | `"1"` | the code as a decimal string, e.g. `"990203"` |
//! | `msg` | `""` | [`ApiError::message`], the catalogue's general text for the code |
//! | `sub_code` | `""` | [`ApiError::name`], e.g. `"SIGNATURE_MISMATCH"` |
//! | `sub_msg` | `""` | the specific message, same as `error_msg` |
//! | `data` | the payload | `null` |
//! | extra top-level fields | e.g. `batchDecryptResultList` | e.g. `string_to_sign` in sign-debug mode |
//! | `requestId` | the request id | the request id |
//!
//! The real platform's values for `code`/`msg`/`sub_code`/`sub_msg` were never observed
//! (§2.1), so Kaifang fills them with the most useful consistent values above.
//!
//! The bytes are written directly; only `data` and extra values go through `serde_json`.
//!
//! OAuth errors are flat instead: `{"result":…,"error":"…","error_msg":"…"}`, all three always.

use std::io::Write as _;

use serde_json::Value;

use crate::errors::{ApiError, OAuthError};

/// The `Content-Type` of every API and OAuth response.
pub const CONTENT_TYPE: &str = "application/json;charset=UTF-8";

/// The envelope's own top-level fields. An extra top-level field with one of these names is
/// dropped rather than written twice.
pub const RESERVED_FIELDS: [&str; 8] = [
    "result",
    "error_msg",
    "code",
    "msg",
    "sub_code",
    "sub_msg",
    "data",
    "requestId",
];

/// `result` of a successful call.
pub const SUCCESS_RESULT: i64 = 1;

/// `{"result":1,…,"data":<data>,"requestId":"…"}` as bytes.
pub fn success(data: &Value, request_id: &str) -> Vec<u8> {
    success_with_top_level(data, &[], request_id)
}

/// A success envelope with extra fields next to `data`.
///
/// For APIs whose payload sits at the top level, such as `open.order.decrypt.batch` and its
/// `batchDecryptResultList`. Extra fields named like a [reserved field](RESERVED_FIELDS), or
/// repeating an earlier extra's name, are skipped.
pub fn success_with_top_level(
    data: &Value,
    extra_top_level: &[(&str, &Value)],
    request_id: &str,
) -> Vec<u8> {
    let mut buf = Vec::with_capacity(160);
    buf.extend_from_slice(
        br#"{"result":1,"error_msg":"","code":"1","msg":"","sub_code":"","sub_msg":"","data":"#,
    );
    push_value(&mut buf, data);
    finish(&mut buf, extra_top_level, request_id);
    buf
}

/// A success envelope around `data` that the caller already serialized (for large payloads
/// written straight to JSON). `data_json` must be one valid JSON value; it is copied as is.
pub fn success_raw(data_json: &[u8], request_id: &str) -> Vec<u8> {
    let mut buf = Vec::with_capacity(160 + data_json.len());
    buf.extend_from_slice(
        br#"{"result":1,"error_msg":"","code":"1","msg":"","sub_code":"","sub_msg":"","data":"#,
    );
    buf.extend_from_slice(data_json);
    finish(&mut buf, &[], request_id);
    buf
}

/// An error envelope: `data` is `null`, `result` is the error's code, and `error_msg` is
/// `message` when given, else the catalogue's default.
pub fn error(err: ApiError, message: Option<&str>, request_id: &str) -> Vec<u8> {
    error_with(err, message.unwrap_or(err.message()), &[], request_id)
}

/// An error envelope with a specific message and extra top-level fields (for example
/// `string_to_sign` when signature debugging is on). An empty `message` falls back to the
/// catalogue's default; extras are filtered as in [`success_with_top_level`].
pub fn error_with(
    err: ApiError,
    message: &str,
    extra_top_level: &[(&str, &Value)],
    request_id: &str,
) -> Vec<u8> {
    let message = if message.is_empty() {
        err.message()
    } else {
        message
    };
    let code = err.code();
    let mut buf = Vec::with_capacity(256 + 2 * message.len());
    buf.extend_from_slice(b"{\"result\":");
    push_int(&mut buf, code);
    buf.extend_from_slice(b",\"error_msg\":");
    push_str(&mut buf, message);
    buf.extend_from_slice(b",\"code\":\"");
    push_int(&mut buf, code);
    buf.extend_from_slice(b"\",\"msg\":");
    push_str(&mut buf, err.message());
    buf.extend_from_slice(b",\"sub_code\":");
    push_str(&mut buf, err.name());
    buf.extend_from_slice(b",\"sub_msg\":");
    push_str(&mut buf, message);
    buf.extend_from_slice(b",\"data\":null");
    finish(&mut buf, extra_top_level, request_id);
    buf
}

/// A flat OAuth error: `{"result":…,"error":"…","error_msg":"…"}`.
///
/// All three fields are always present (some SDKs treat the presence of `error` as failure).
/// An empty `message` falls back to [`OAuthError::default_message`].
pub fn oauth_error(err: OAuthError, message: &str) -> Vec<u8> {
    let message = if message.is_empty() {
        err.default_message()
    } else {
        message
    };
    let mut buf = Vec::with_capacity(64 + message.len());
    buf.extend_from_slice(b"{\"result\":");
    push_int(&mut buf, err.result());
    buf.extend_from_slice(b",\"error\":");
    push_str(&mut buf, err.error());
    buf.extend_from_slice(b",\"error_msg\":");
    push_str(&mut buf, message);
    buf.push(b'}');
    buf
}

/// Writes the extras, `requestId` and the closing brace.
fn finish(buf: &mut Vec<u8>, extra_top_level: &[(&str, &Value)], request_id: &str) {
    for (i, (key, value)) in extra_top_level.iter().enumerate() {
        let reserved = RESERVED_FIELDS.contains(key);
        let repeated = extra_top_level[..i].iter().any(|(k, _)| k == key);
        if reserved || repeated {
            continue;
        }
        buf.push(b',');
        push_str(buf, key);
        buf.push(b':');
        push_value(buf, value);
    }
    buf.extend_from_slice(b",\"requestId\":");
    push_str(buf, request_id);
    buf.push(b'}');
}

/// Appends a decimal integer.
fn push_int(buf: &mut Vec<u8>, n: i64) {
    // Formatting into a Vec cannot fail.
    let _ = write!(buf, "{n}");
}

/// Appends `s` as a JSON string literal.
fn push_str(buf: &mut Vec<u8>, s: &str) {
    let start = buf.len();
    if serde_json::to_writer(&mut *buf, s).is_err() {
        // Writing a &str into a Vec cannot fail; keep the document valid regardless.
        buf.truncate(start);
        buf.extend_from_slice(b"\"\"");
    }
}

/// Appends `value` as compact JSON.
fn push_value(buf: &mut Vec<u8>, value: &Value) {
    let start = buf.len();
    if serde_json::to_writer(&mut *buf, value).is_err() {
        // A Value always serializes (its map keys are strings); keep the document valid anyway.
        buf.truncate(start);
        buf.extend_from_slice(b"null");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn success_layout_is_exact() {
        let body = success(&json!({"a":1}), "r1");
        assert_eq!(
            String::from_utf8(body).expect("utf8"),
            r#"{"result":1,"error_msg":"","code":"1","msg":"","sub_code":"","sub_msg":"","data":{"a":1},"requestId":"r1"}"#
        );
    }

    #[test]
    fn raw_data_sits_where_data_goes() {
        let raw = success_raw(br#"{"a":[1,2]}"#, "r1");
        assert_eq!(raw, success(&json!({"a":[1,2]}), "r1"));
    }

    #[test]
    fn error_layout_is_exact() {
        let body = error(
            ApiError::OperationRejected,
            Some("order operation reject"),
            "r2",
        );
        assert_eq!(
            String::from_utf8(body).expect("utf8"),
            format!(
                r#"{{"result":21,"error_msg":"order operation reject","code":"21","msg":{},"sub_code":"OPERATION_REJECTED","sub_msg":"order operation reject","data":null,"requestId":"r2"}}"#,
                serde_json::to_string(ApiError::OperationRejected.message()).expect("json")
            )
        );
    }

    #[test]
    fn reserved_and_repeated_extras_are_dropped() {
        let v = json!(1);
        let w = json!(2);
        let body = success_with_top_level(
            &Value::Null,
            &[("result", &v), ("x", &v), ("x", &w), ("requestId", &v)],
            "r",
        );
        let parsed: Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(parsed["result"], json!(1));
        assert_eq!(parsed["x"], json!(1));
        assert_eq!(parsed["requestId"], json!("r"));
        let text = String::from_utf8(body).expect("utf8");
        assert_eq!(text.matches("\"x\"").count(), 1);
        assert_eq!(text.matches("\"result\"").count(), 1);
    }

    #[test]
    fn oauth_error_layout_is_exact() {
        assert_eq!(
            String::from_utf8(oauth_error(
                OAuthError::AccessDenied,
                "refreshToken.discarded"
            ))
            .expect("utf8"),
            r#"{"result":100200102,"error":"access_denied","error_msg":"refreshToken.discarded"}"#
        );
    }
}
