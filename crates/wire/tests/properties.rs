//! Property tests: signatures round-trip and are tamper-evident, the push codec round-trips,
//! and no intake function panics on arbitrary input.

use kaifang_wire::params::{merge, parse_form, parse_json_object, parse_timestamp_ms};
use kaifang_wire::path::{is_valid_method, method_to_path, path_to_method};
use kaifang_wire::push::{self, PushKey};
use kaifang_wire::sign::{SignInput, SignMethod, sign, string_to_sign, verify};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use proptest::prelude::*;

/// Owned values for the seven signed parameters, in `SignInput` field order.
type Fields = [Option<String>; 7];

fn fields() -> impl Strategy<Value = Fields> {
    proptest::array::uniform7(proptest::option::of(any::<String>()))
}

fn input(f: &Fields) -> SignInput<'_> {
    SignInput {
        appkey: f[0].as_deref(),
        method: f[1].as_deref(),
        access_token: f[2].as_deref(),
        version: f[3].as_deref(),
        sign_method: f[4].as_deref(),
        timestamp: f[5].as_deref(),
        param: f[6].as_deref(),
    }
}

fn method() -> impl Strategy<Value = SignMethod> {
    prop_oneof![Just(SignMethod::Md5), Just(SignMethod::HmacSha256)]
}

fn form_encode(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sign_then_verify(f in fields(), secret in any::<String>(), m in method()) {
        let i = input(&f);
        let s = sign(&i, &secret, m);
        prop_assert!(verify(&i, &secret, m, &s));
    }

    #[test]
    fn md5_is_lower_hex_and_case_insensitive(f in fields(), secret in any::<String>()) {
        let i = input(&f);
        let s = sign(&i, &secret, SignMethod::Md5);
        prop_assert_eq!(s.len(), 32);
        prop_assert!(s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
        prop_assert!(verify(&i, &secret, SignMethod::Md5, &s.to_ascii_uppercase()));
    }

    #[test]
    fn hmac_is_padded_base64_and_tolerates_unencoded_plus(f in fields(), secret in any::<String>()) {
        let i = input(&f);
        let s = sign(&i, &secret, SignMethod::HmacSha256);
        prop_assert_eq!(s.len(), 44);
        prop_assert!(s.ends_with('='));
        prop_assert!(verify(&i, &secret, SignMethod::HmacSha256, &s.replace('+', " ")));
    }

    #[test]
    fn string_to_sign_shape(f in fields(), secret in any::<String>()) {
        let text = string_to_sign(&input(&f), &secret);
        let suffix = format!("&signSecret={secret}");
        prop_assert!(text.ends_with(&suffix));
        let present = f.iter().filter(|v| v.is_some()).count();
        let expected_len: usize = [
            ("appkey", &f[0]), ("method", &f[1]), ("access_token", &f[2]), ("version", &f[3]),
            ("signMethod", &f[4]), ("timestamp", &f[5]), ("param", &f[6]),
        ]
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| k.len() + 1 + v.len()))
        .sum::<usize>()
            + present.saturating_sub(1)
            + suffix.len();
        prop_assert_eq!(text.len(), expected_len);
    }

    #[test]
    fn changing_any_signed_value_breaks_verification(
        f in fields(),
        secret in any::<String>(),
        m in method(),
        which in 0usize..7,
        replacement in proptest::option::of(any::<String>()),
    ) {
        prop_assume!(f[which] != replacement);
        let signature = sign(&input(&f), &secret, m);
        let mut tampered = f.clone();
        tampered[which] = replacement;
        prop_assert!(!verify(&input(&tampered), &secret, m, &signature));
    }

    #[test]
    fn changing_the_secret_breaks_verification(
        f in fields(),
        secret in any::<String>(),
        other in any::<String>(),
        m in method(),
    ) {
        prop_assume!(secret != other);
        let signature = sign(&input(&f), &secret, m);
        prop_assert!(!verify(&input(&f), &other, m, &signature));
    }

    #[test]
    fn verify_never_panics(f in fields(), secret in any::<String>(), m in method(), provided in any::<String>()) {
        let _ = verify(&input(&f), &secret, m, &provided);
    }

    #[test]
    fn push_round_trip(key in any::<[u8; 16]>(), plaintext in proptest::collection::vec(any::<u8>(), 0..600)) {
        let key_b64 = PushKey::from_bytes(key).to_base64();
        let body = push::encrypt(&key_b64, &plaintext).expect("valid key");
        prop_assert_eq!(push::decrypt(&key_b64, &body).expect("decrypts"), plaintext);
    }

    #[test]
    fn push_decrypt_never_panics(key in any::<String>(), body in any::<String>()) {
        let _ = push::decrypt(&key, &body);
        let _ = push::decrypt_to_string("MDEyMzQ1Njc4OWFiY2RlZg==", &body);
    }

    #[test]
    fn push_decrypt_never_panics_on_well_formed_garbage(
        key in any::<[u8; 16]>(),
        blocks in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        use base64::Engine as _;
        let body = base64::engine::general_purpose::STANDARD.encode(&blocks);
        let _ = PushKey::from_bytes(key).decrypt(&body);
    }

    #[test]
    fn parse_form_never_panics(raw in proptest::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(pairs) = parse_form(&raw) {
            let _ = merge(pairs.clone(), pairs);
        }
        let _ = parse_json_object(&raw);
    }

    #[test]
    fn parse_form_round_trips(pairs in proptest::collection::vec((any::<String>(), any::<String>()), 0..8)) {
        let encoded = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let expected: Vec<(String, String)> = pairs.into_iter().filter(|(k, _)| !k.is_empty()).collect();
        prop_assert_eq!(parse_form(encoded.as_bytes()).expect("well-formed"), expected);
    }

    #[test]
    fn merge_accepts_identical_repeats(pairs in proptest::collection::vec(("[a-z]{1,3}", "[a-z0-9]{0,3}"), 0..12)) {
        // Keep the first value per key, so the list itself has no conflicts.
        let mut unique: Vec<(String, String)> = Vec::new();
        for (k, v) in pairs {
            if !unique.iter().any(|(uk, _)| *uk == k) {
                unique.push((k, v));
            }
        }
        let once = merge(unique.clone(), vec![]).expect("no conflict");
        let twice = merge(unique.clone(), unique).expect("identical repeats");
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn path_and_timestamp_never_panic(s in any::<String>()) {
        let _ = path_to_method(&s);
        let _ = is_valid_method(&s);
        let _ = parse_timestamp_ms(&s);
    }

    #[test]
    fn path_round_trips(method in "open(\\.[A-Za-z0-9_-]{1,12}){1,6}") {
        prop_assert!(is_valid_method(&method));
        prop_assert_eq!(path_to_method(&method_to_path(&method)), Some(method));
    }

    #[test]
    fn timestamps_parse_exactly(ms in 1_000_000_000_000i64..=9_999_999_999_999, secs in 1_000_000_000i64..=9_999_999_999) {
        prop_assert_eq!(parse_timestamp_ms(&ms.to_string()), Some(ms));
        prop_assert_eq!(parse_timestamp_ms(&secs.to_string()), Some(secs * 1000));
    }
}
