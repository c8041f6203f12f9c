//! The envelopes parse as JSON and carry exactly the documented field names.

use kaifang_wire::envelope::{self, CONTENT_TYPE};
use kaifang_wire::errors::{ApiError, OAuthError};
use kaifang_wire::sign::{SignInput, string_to_sign};
use serde_json::{Value, json};

const API_FIELDS: [&str; 8] = [
    "result",
    "error_msg",
    "code",
    "msg",
    "sub_code",
    "sub_msg",
    "data",
    "requestId",
];

fn parse(bytes: &[u8]) -> serde_json::Map<String, Value> {
    match serde_json::from_slice(bytes).expect("valid JSON") {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

fn keys(map: &serde_json::Map<String, Value>) -> Vec<&str> {
    let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

fn sorted(fields: &[&'static str]) -> Vec<&'static str> {
    let mut v = fields.to_vec();
    v.sort_unstable();
    v
}

#[test]
fn content_type() {
    assert_eq!(CONTENT_TYPE, "application/json;charset=UTF-8");
}

#[test]
fn success_fields() {
    let data = json!({"itemId": 1, "title": "标题 \"quoted\"\n"});
    let map = parse(&envelope::success(&data, "req-1"));
    assert_eq!(keys(&map), sorted(&API_FIELDS));
    assert_eq!(map["result"], json!(1));
    assert_eq!(map["error_msg"], json!(""));
    assert_eq!(map["code"], json!("1"));
    assert_eq!(map["msg"], json!(""));
    assert_eq!(map["sub_code"], json!(""));
    assert_eq!(map["sub_msg"], json!(""));
    assert_eq!(map["data"], data);
    assert_eq!(map["requestId"], json!("req-1"));
}

#[test]
fn decrypt_batch_top_level_list() {
    let list = json!([{"bizId": "1", "encryptedData": "x", "decryptedData": "y", "errorCode": 1, "errorMsg": ""}]);
    let data = json!({"batchDecryptResultList": list.clone()});
    let body = envelope::success_with_top_level(&data, &[("batchDecryptResultList", &list)], "r");
    let map = parse(&body);
    let mut expected = API_FIELDS.to_vec();
    expected.push("batchDecryptResultList");
    assert_eq!(keys(&map), sorted(&expected));
    assert_eq!(map["batchDecryptResultList"], list);
    assert_eq!(map["data"]["batchDecryptResultList"], list);
    // requestId stays last.
    let text = String::from_utf8(body).expect("utf8");
    assert!(text.ends_with(r#","requestId":"r"}"#), "{text}");
}

#[test]
fn every_catalogued_error_renders() {
    for &err in ApiError::all() {
        let map = parse(&envelope::error(err, None, "req-e"));
        assert_eq!(keys(&map), sorted(&API_FIELDS));
        assert_eq!(map["result"], json!(err.code()));
        assert_eq!(map["code"], json!(err.code().to_string()));
        assert_eq!(map["error_msg"], json!(err.message()));
        assert_eq!(map["msg"], json!(err.message()));
        assert_eq!(map["sub_code"], json!(err.name()));
        assert_eq!(map["sub_msg"], json!(err.message()));
        assert_eq!(map["data"], Value::Null);
        assert_eq!(map["requestId"], json!("req-e"));
    }
}

#[test]
fn specific_message_wins() {
    let map = parse(&envelope::error(
        ApiError::OperationRejected,
        Some("order operation reject"),
        "r",
    ));
    assert_eq!(map["result"], json!(21));
    assert_eq!(map["error_msg"], json!("order operation reject"));
    assert_eq!(map["sub_msg"], json!("order operation reject"));
    assert_eq!(map["msg"], json!(ApiError::OperationRejected.message()));
}

#[test]
fn sign_debug_extra_field() {
    let input = SignInput {
        method: Some("open.item.get"),
        param: Some(r#"{"a":"\u0000<>&"}"#),
        ..SignInput::default()
    };
    let debug = json!(string_to_sign(&input, "s"));
    let body = envelope::error_with(
        ApiError::SignatureMismatch,
        "验签失败: sign does not match",
        &[("string_to_sign", &debug)],
        "r",
    );
    let map = parse(&body);
    assert_eq!(map["string_to_sign"], debug);
    assert_eq!(map["result"], json!(ApiError::SignatureMismatch.code()));
    assert_eq!(map["error_msg"], json!("验签失败: sign does not match"));
    // An empty message falls back to the default.
    let map = parse(&envelope::error_with(ApiError::InternalError, "", &[], "r"));
    assert_eq!(map["error_msg"], json!(ApiError::InternalError.message()));
}

#[test]
fn hostile_request_id_and_message_stay_valid_json() {
    let nasty = "\"},{\"result\":1,\"x\":\"\u{0007}\\";
    let map = parse(&envelope::error(
        ApiError::InvalidParameter,
        Some(nasty),
        nasty,
    ));
    assert_eq!(map["error_msg"], json!(nasty));
    assert_eq!(map["requestId"], json!(nasty));
    assert_eq!(map["result"], json!(ApiError::InvalidParameter.code()));
}

#[test]
fn oauth_errors_always_have_three_fields() {
    for &err in OAuthError::all() {
        for message in ["", "refreshToken.discarded", "含中文 \"and quotes\""] {
            let map = parse(&envelope::oauth_error(err, message));
            assert_eq!(keys(&map), vec!["error", "error_msg", "result"]);
            assert_eq!(map["result"], json!(err.result()));
            assert_eq!(map["error"], json!(err.error()));
            let expected = if message.is_empty() {
                err.default_message()
            } else {
                message
            };
            assert_eq!(map["error_msg"], json!(expected));
        }
    }
}
