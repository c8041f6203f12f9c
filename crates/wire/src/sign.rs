//! Request signatures (protocol-notes §1.5).
//!
//! The signed string is built from at most seven system parameters, in byte order of their
//! names, as raw (already URL-decoded) `key=value` pairs joined by `&`, followed by the literal
//! `&signSecret=<signSecret>`:
//!
//! ```text
//! access_token=…&appkey=…&method=…&param=…&signMethod=…&timestamp=…&version=…&signSecret=…
//! ```
//!
//! * An absent parameter contributes nothing (not even `key=`); a present but empty one
//!   contributes `key=`. [`SignInput`] models that with `Option<&str>`.
//! * `MD5`: lower-case hex of MD5 over the string. Verification compares case-insensitively,
//!   because one official sample shows upper-case hex.
//! * `HMAC_SHA256`: HMAC-SHA256 keyed with the sign secret over the *same* string (which still
//!   ends in `&signSecret=…`), as standard Base64 with padding.
//!
//! [`verify`] runs on every API call, so it feeds the pieces straight into the hash instead of
//! building the string, and compares in constant time. [`string_to_sign`] builds the very same
//! byte sequence (both go through one private routine) for debug output.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The literal label appended before the secret: `&signSecret=`.
pub const SIGN_SECRET_LABEL: &str = "&signSecret=";

/// Length of an MD5 signature in hex characters.
const MD5_HEX_LEN: usize = 32;
/// Length of a Base64-encoded (padded) HMAC-SHA256 tag.
const HMAC_B64_LEN: usize = 44;
/// SHA-256 block size; HMAC keys are normalised to exactly this many bytes.
const SHA256_BLOCK: usize = 64;

/// The two signature algorithms a client may name in `signMethod`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignMethod {
    /// `MD5`: lower-case hex MD5 of the string to sign.
    Md5,
    /// `HMAC_SHA256`: HMAC-SHA256 keyed with the sign secret, standard Base64 with padding.
    HmacSha256,
}

impl SignMethod {
    /// Every method, in the order the docs list them.
    pub const ALL: [SignMethod; 2] = [SignMethod::Md5, SignMethod::HmacSha256];

    /// The wire spelling: `"MD5"` or `"HMAC_SHA256"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            SignMethod::Md5 => "MD5",
            SignMethod::HmacSha256 => "HMAC_SHA256",
        }
    }
}

impl fmt::Display for SignMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `signMethod` named something other than `MD5` or `HMAC_SHA256`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "signMethod `{given}` is not supported: send `MD5` or `HMAC_SHA256` (HMAC_SHA256 is recommended)"
)]
pub struct UnknownSignMethod {
    /// What the client sent (clipped to a readable length).
    pub given: String,
}

impl FromStr for SignMethod {
    type Err = UnknownSignMethod;

    /// Accepts the exact wire spellings `MD5` and `HMAC_SHA256`, and their all-lower-case forms.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "MD5" | "md5" => Ok(SignMethod::Md5),
            "HMAC_SHA256" | "hmac_sha256" => Ok(SignMethod::HmacSha256),
            other => Err(UnknownSignMethod {
                given: crate::text::clip(other),
            }),
        }
    }
}

/// The signed system parameters of one request, as raw decoded values.
///
/// `None` means the parameter was absent (no `key=` fragment is signed); `Some("")` means it
/// was present and empty (`key=` is signed). `sign` itself is never part of the input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SignInput<'a> {
    /// `appkey`.
    pub appkey: Option<&'a str>,
    /// `method`, e.g. `open.item.get`.
    pub method: Option<&'a str>,
    /// `access_token`.
    pub access_token: Option<&'a str>,
    /// `version` (always `1` in practice).
    pub version: Option<&'a str>,
    /// `signMethod` exactly as sent (`MD5` / `HMAC_SHA256`); it is signed like any other value.
    pub sign_method: Option<&'a str>,
    /// `timestamp` exactly as sent.
    pub timestamp: Option<&'a str>,
    /// `param`: the raw JSON string, byte for byte as the client sent it.
    pub param: Option<&'a str>,
}

impl<'a> SignInput<'a> {
    /// The seven signed keys with their values, already in the byte order the protocol sorts
    /// them into (`access_token, appkey, method, param, signMethod, timestamp, version`).
    pub fn sorted_pairs(&self) -> [(&'static str, Option<&'a str>); 7] {
        [
            ("access_token", self.access_token),
            ("appkey", self.appkey),
            ("method", self.method),
            ("param", self.param),
            ("signMethod", self.sign_method),
            ("timestamp", self.timestamp),
            ("version", self.version),
        ]
    }
}

/// Feeds the exact bytes of the string to sign, piece by piece, to `sink`.
///
/// Both [`string_to_sign`] and the hashing paths use this, so they cannot drift apart.
fn feed(input: &SignInput<'_>, sign_secret: &str, mut sink: impl FnMut(&[u8])) {
    let mut first = true;
    for (key, value) in input.sorted_pairs() {
        if let Some(value) = value {
            if !first {
                sink(b"&");
            }
            first = false;
            sink(key.as_bytes());
            sink(b"=");
            sink(value.as_bytes());
        }
    }
    sink(SIGN_SECRET_LABEL.as_bytes());
    sink(sign_secret.as_bytes());
}

/// The exact string that is hashed: sorted `k=v` pairs joined by `&`, then
/// `&signSecret=<sign_secret>`.
///
/// Meant for debug output (the gateway can show it when a signature does not match);
/// [`sign`] and [`verify`] do not build it.
pub fn string_to_sign(input: &SignInput<'_>, sign_secret: &str) -> String {
    let mut out = Vec::with_capacity(160 + input.param.map_or(0, str::len));
    feed(input, sign_secret, |piece| out.extend_from_slice(piece));
    // Every piece is a `&str` or ASCII, so the concatenation is valid UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn md5_digest(input: &SignInput<'_>, sign_secret: &str) -> [u8; 16] {
    let mut hasher = Md5::new();
    feed(input, sign_secret, |piece| hasher.update(piece));
    hasher.finalize().into()
}

/// HMAC keys of any length are equivalent to a block-sized key: longer keys are hashed first,
/// shorter ones are zero-padded (RFC 2104). Normalising here lets us use the infallible
/// constructor.
fn hmac_key(sign_secret: &str) -> [u8; SHA256_BLOCK] {
    let secret = sign_secret.as_bytes();
    let mut key = [0u8; SHA256_BLOCK];
    if secret.len() > SHA256_BLOCK {
        let hashed: [u8; 32] = Sha256::digest(secret).into();
        key[..hashed.len()].copy_from_slice(&hashed);
    } else {
        key[..secret.len()].copy_from_slice(secret);
    }
    key
}

fn hmac_tag(input: &SignInput<'_>, sign_secret: &str) -> [u8; 32] {
    let key = hmac_key(sign_secret);
    let mut mac = <Hmac<Sha256> as KeyInit>::new(&key.into());
    feed(input, sign_secret, |piece| mac.update(piece));
    mac.finalize().into_bytes().into()
}

fn md5_hex(input: &SignInput<'_>, sign_secret: &str) -> [u8; MD5_HEX_LEN] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = md5_digest(input, sign_secret);
    let mut out = [0u8; MD5_HEX_LEN];
    for (i, byte) in digest.iter().enumerate() {
        out[2 * i] = HEX[usize::from(byte >> 4)];
        out[2 * i + 1] = HEX[usize::from(byte & 0x0f)];
    }
    out
}

fn hmac_b64(input: &SignInput<'_>, sign_secret: &str) -> [u8; HMAC_B64_LEN] {
    let tag = hmac_tag(input, sign_secret);
    let mut out = [0u8; HMAC_B64_LEN];
    // 32 bytes always encode to exactly 44 padded characters, so this cannot fail; if it ever
    // did, the all-zero buffer simply matches no real signature.
    let _ = STANDARD.encode_slice(tag, &mut out);
    out
}

/// Computes the signature a client sends as `sign`.
///
/// `MD5` gives 32 lower-case hex characters; `HMAC_SHA256` gives 44 characters of standard
/// Base64 with padding. `method` decides the algorithm; the `sign_method` value inside `input`
/// is only signed as text (callers normally keep the two consistent).
pub fn sign(input: &SignInput<'_>, sign_secret: &str, method: SignMethod) -> String {
    match method {
        SignMethod::Md5 => md5_hex(input, sign_secret)
            .iter()
            .map(|&b| char::from(b))
            .collect(),
        SignMethod::HmacSha256 => hmac_b64(input, sign_secret)
            .iter()
            .map(|&b| char::from(b))
            .collect(),
    }
}

/// Checks a client's `sign` in constant time (for a given length), without allocating.
///
/// * `MD5`: compared case-insensitively (upper-case hex is accepted).
/// * `HMAC_SHA256`: compared exactly, except that a space is read as `+`. A client that puts
///   an un-encoded Base64 signature into a query string or form body has its `+` turned into a
///   space by form decoding; a space can never occur in Base64, so this accepts nothing that
///   the genuine signature would not.
pub fn verify(
    input: &SignInput<'_>,
    sign_secret: &str,
    method: SignMethod,
    provided: &str,
) -> bool {
    let provided = provided.as_bytes();
    match method {
        SignMethod::Md5 => {
            if provided.len() != MD5_HEX_LEN {
                return false;
            }
            let mut lowered = [0u8; MD5_HEX_LEN];
            for (dst, src) in lowered.iter_mut().zip(provided) {
                *dst = src.to_ascii_lowercase();
            }
            md5_hex(input, sign_secret).ct_eq(&lowered).into()
        }
        SignMethod::HmacSha256 => {
            if provided.len() != HMAC_B64_LEN {
                return false;
            }
            let mut normalised = [0u8; HMAC_B64_LEN];
            for (dst, &src) in normalised.iter_mut().zip(provided) {
                *dst = if src == b' ' { b'+' } else { src };
            }
            hmac_b64(input, sign_secret).ct_eq(&normalised).into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_key_normalisation_matches_the_slice_constructor() {
        let input = SignInput {
            method: Some("open.item.get"),
            ..SignInput::default()
        };
        for len in [0usize, 1, 31, 32, 63, 64, 65, 100, 200] {
            let secret: String = "k".repeat(len);
            let mut reference =
                <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("any length");
            reference.update(string_to_sign(&input, &secret).as_bytes());
            let expected: [u8; 32] = reference.finalize().into_bytes().into();
            assert_eq!(hmac_tag(&input, &secret), expected, "key length {len}");
        }
    }

    #[test]
    fn parses_sign_methods() {
        assert_eq!("MD5".parse(), Ok(SignMethod::Md5));
        assert_eq!("md5".parse(), Ok(SignMethod::Md5));
        assert_eq!("HMAC_SHA256".parse(), Ok(SignMethod::HmacSha256));
        assert_eq!("hmac_sha256".parse(), Ok(SignMethod::HmacSha256));
        assert!("Md5".parse::<SignMethod>().is_err());
        assert!("SHA256".parse::<SignMethod>().is_err());
        assert!("".parse::<SignMethod>().is_err());
        for m in SignMethod::ALL {
            assert_eq!(m.as_str().parse(), Ok(m));
        }
    }

    #[test]
    fn absent_and_empty_differ() {
        let absent = SignInput::default();
        let empty = SignInput {
            param: Some(""),
            ..SignInput::default()
        };
        assert_eq!(string_to_sign(&absent, "s"), "&signSecret=s");
        assert_eq!(string_to_sign(&empty, "s"), "param=&signSecret=s");
    }

    #[test]
    fn wrong_lengths_never_verify() {
        let input = SignInput::default();
        for m in SignMethod::ALL {
            let good = sign(&input, "s", m);
            assert!(verify(&input, "s", m, &good));
            assert!(!verify(&input, "s", m, &good[1..]));
            assert!(!verify(&input, "s", m, &format!("{good}0")));
            assert!(!verify(&input, "s", m, ""));
        }
    }
}
