//! The worked vectors of protocol-notes §1.6 and §4.3, reproduced exactly.

use kaifang_wire::params::{merge, parse_form};
use kaifang_wire::path::path_to_method;
use kaifang_wire::push;
use kaifang_wire::sign::{SignInput, SignMethod, sign, string_to_sign, verify};

const SECRET: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const PARAM: &str = r#"{"kwaiItemId":20000000001}"#;

fn example(sign_method: &'static str) -> SignInput<'static> {
    SignInput {
        appkey: Some("ks700000000000000001"),
        method: Some("open.item.get"),
        access_token: Some("TEST_ACCESS_TOKEN"),
        version: Some("1"),
        sign_method: Some(sign_method),
        timestamp: Some("1700000000000"),
        param: Some(PARAM),
    }
}

#[test]
fn md5_worked_example() {
    let input = example("MD5");
    assert_eq!(
        string_to_sign(&input, SECRET),
        r#"access_token=TEST_ACCESS_TOKEN&appkey=ks700000000000000001&method=open.item.get&param={"kwaiItemId":20000000001}&signMethod=MD5&timestamp=1700000000000&version=1&signSecret=a1b2c3d4e5f60718293a4b5c6d7e8f90"#
    );
    assert_eq!(
        sign(&input, SECRET, SignMethod::Md5),
        "f34cdc2268068c6b6fdc14d3dbe14187"
    );
    assert!(verify(
        &input,
        SECRET,
        SignMethod::Md5,
        "f34cdc2268068c6b6fdc14d3dbe14187"
    ));
}

#[test]
fn md5_upper_case_verifies() {
    let input = example("MD5");
    assert!(verify(
        &input,
        SECRET,
        SignMethod::Md5,
        "F34CDC2268068C6B6FDC14D3DBE14187"
    ));
    assert!(verify(
        &input,
        SECRET,
        SignMethod::Md5,
        "F34cdc2268068C6B6fdc14d3dbe14187"
    ));
}

#[test]
fn hmac_worked_example() {
    let input = example("HMAC_SHA256");
    assert_eq!(
        string_to_sign(&input, SECRET),
        r#"access_token=TEST_ACCESS_TOKEN&appkey=ks700000000000000001&method=open.item.get&param={"kwaiItemId":20000000001}&signMethod=HMAC_SHA256&timestamp=1700000000000&version=1&signSecret=a1b2c3d4e5f60718293a4b5c6d7e8f90"#
    );
    let expected = "UBtsDwkKHw0mohtS86IP0pekCEO/FYnXt790JuEhaq8=";
    assert_eq!(sign(&input, SECRET, SignMethod::HmacSha256), expected);
    assert!(verify(&input, SECRET, SignMethod::HmacSha256, expected));
    // Base64 is case-sensitive: no case folding for HMAC.
    assert!(!verify(
        &input,
        SECRET,
        SignMethod::HmacSha256,
        &expected.to_ascii_lowercase()
    ));
    // Wrong algorithm for the signature given.
    assert!(!verify(&input, SECRET, SignMethod::Md5, expected));
}

#[test]
fn param_with_a_space() {
    let input = SignInput {
        param: Some(r#"{"kwaiItemId": 20000000001}"#),
        ..example("MD5")
    };
    assert_eq!(
        string_to_sign(&input, SECRET),
        r#"access_token=TEST_ACCESS_TOKEN&appkey=ks700000000000000001&method=open.item.get&param={"kwaiItemId": 20000000001}&signMethod=MD5&timestamp=1700000000000&version=1&signSecret=a1b2c3d4e5f60718293a4b5c6d7e8f90"#
    );
    assert_eq!(
        sign(&input, SECRET, SignMethod::Md5),
        "b9439f3605b8b0808c478945a7a95239"
    );
}

#[test]
fn param_absent() {
    let input = SignInput {
        param: None,
        ..example("MD5")
    };
    assert_eq!(
        string_to_sign(&input, SECRET),
        "access_token=TEST_ACCESS_TOKEN&appkey=ks700000000000000001&method=open.item.get&signMethod=MD5&timestamp=1700000000000&version=1&signSecret=a1b2c3d4e5f60718293a4b5c6d7e8f90"
    );
    assert_eq!(
        sign(&input, SECRET, SignMethod::Md5),
        "7ac8d97d35be0acbf4967c385e743380"
    );
}

#[test]
fn utf8_note_add() {
    let input = SignInput {
        method: Some("open.seller.order.note.add"),
        param: Some(r#"{"orderId":2600000000000001,"note":"加急"}"#),
        ..example("MD5")
    };
    assert_eq!(
        string_to_sign(&input, SECRET),
        r#"access_token=TEST_ACCESS_TOKEN&appkey=ks700000000000000001&method=open.seller.order.note.add&param={"orderId":2600000000000001,"note":"加急"}&signMethod=MD5&timestamp=1700000000000&version=1&signSecret=a1b2c3d4e5f60718293a4b5c6d7e8f90"#
    );
    assert_eq!(
        sign(&input, SECRET, SignMethod::Md5),
        "7af7bba2a0fe2b0310f68a778961361e"
    );
}

/// The full GET URL of §1.6, taken in the way the gateway does: path -> method, query ->
/// pairs -> system params -> verify.
#[test]
fn full_get_url_verifies_through_intake() {
    let path = "/open/item/get";
    let query = "access_token=TEST_ACCESS_TOKEN&appkey=ks700000000000000001&method=open.item.get&param=%7B%22kwaiItemId%22%3A20000000001%7D&timestamp=1700000000000&version=1&signMethod=MD5&sign=f34cdc2268068c6b6fdc14d3dbe14187";
    let (system, others) =
        merge(parse_form(query.as_bytes()).expect("form"), vec![]).expect("merge");
    assert!(others.is_empty());
    assert_eq!(path_to_method(path).as_deref(), system.method.as_deref());
    assert_eq!(system.param.as_deref(), Some(PARAM));
    let method: SignMethod = system
        .sign_method
        .as_deref()
        .unwrap_or("")
        .parse()
        .expect("method");
    assert!(verify(
        &system.sign_input(),
        SECRET,
        method,
        system.sign.as_deref().unwrap_or("")
    ));
}

/// The HMAC signature URL-encoded as in §1.6, in a form body.
#[test]
fn url_encoded_hmac_sign_verifies_through_intake() {
    let body = "access_token=TEST_ACCESS_TOKEN&appkey=ks700000000000000001&method=open.item.get&param=%7B%22kwaiItemId%22%3A20000000001%7D&timestamp=1700000000000&version=1&signMethod=HMAC_SHA256&sign=UBtsDwkKHw0mohtS86IP0pekCEO%2FFYnXt790JuEhaq8%3D";
    let (system, _) = merge(vec![], parse_form(body.as_bytes()).expect("form")).expect("merge");
    assert!(verify(
        &system.sign_input(),
        SECRET,
        SignMethod::HmacSha256,
        system.sign.as_deref().unwrap_or("")
    ));
}

const PUSH_KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZg==";
const PUSH_BODY: &str = "watm3Pt/wCJGbPJJXW0XpA==";

#[test]
fn push_vector_encrypts() {
    assert_eq!(
        push::encrypt(PUSH_KEY, push::TEST_MESSAGE.as_bytes()).expect("key"),
        PUSH_BODY
    );
    assert_eq!(push::TEST_MESSAGE, r#"{"test":true}"#);
}

#[test]
fn push_vector_decrypts() {
    assert_eq!(
        push::decrypt(PUSH_KEY, PUSH_BODY).expect("decrypt"),
        br#"{"test":true}"#
    );
    assert_eq!(
        push::decrypt_to_string(PUSH_KEY, "watm3Pt/wCJGbPJJXW0XpA\n").expect("lenient"),
        r#"{"test":true}"#
    );
}

#[test]
fn push_wrong_key_is_an_error_not_a_panic() {
    let other = "ZmVkY2JhOTg3NjU0MzIxMA=="; // "fedcba9876543210"
    match push::decrypt(other, PUSH_BODY) {
        Err(push::PushCodecError::BadPadding) => {}
        Ok(bytes) => assert_ne!(bytes, br#"{"test":true}"#),
        Err(e) => panic!("unexpected error {e}"),
    }
}
