//! Feeds arbitrary bytes through the gateway's intake: form parsing of a query string and a
//! body, merging, signature verification with both methods, plus the other functions that
//! see raw client input. Nothing may panic.
#![no_main]

use kaifang_wire::params::{merge, parse_form, parse_json_object, parse_timestamp_ms};
use kaifang_wire::path::path_to_method;
use kaifang_wire::push;
use kaifang_wire::sign::{SignMethod, string_to_sign, verify};
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

fuzz_target!(|data: &[u8]| {
    // The first NUL splits the input into a query string and a body.
    let (query, body) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let query = parse_form(query);
    let body = parse_form(body);
    if let (Ok(query), Ok(body)) = (query, body) {
        if let Ok((system, _others)) = merge(query, body) {
            let input = system.sign_input();
            let provided = system.sign.as_deref().unwrap_or("");
            for method in SignMethod::ALL {
                let _ = verify(&input, SECRET, method, provided);
            }
            if let Some(m) = system.sign_method.as_deref() {
                let _ = m.parse::<SignMethod>();
            }
            if let Some(ts) = system.timestamp.as_deref() {
                let _ = parse_timestamp_ms(ts);
            }
            let _ = string_to_sign(&input, SECRET);
        }
    }
    let _ = parse_json_object(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = path_to_method(text);
        let _ = parse_timestamp_ms(text);
        let _ = push::decrypt("MDEyMzQ1Njc4OWFiY2RlZg==", text);
    }
});
