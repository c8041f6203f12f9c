//! The push-message codec (protocol-notes §4.3) and the receipt rule (§4.1).
//!
//! A pushed body is `Base64(AES-128-CBC(key, iv = 16 zero bytes, PKCS#7(plaintext)))`, with
//! `key = Base64-decode(push key)` (16 bytes) and the standard Base64 alphabet. The plaintext
//! is the UTF-8 JSON message envelope. A zero IV is weak (equal plaintexts give equal
//! ciphertexts) but it is what every existing receiver expects, so it is kept exactly.
//!
//! Bodies come from the network on the receiving side, so [`decrypt`] treats any input as
//! possibly hostile: every failure is a [`PushCodecError`], never a panic.

use aes::Aes128;
use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use base64::Engine as _;
use base64::alphabet::STANDARD as STANDARD_ALPHABET;
use base64::engine::general_purpose::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

type Encryptor = cbc::Encryptor<Aes128>;
type Decryptor = cbc::Decryptor<Aes128>;

/// AES block size, and the length of the key in bytes.
const BLOCK: usize = 16;
/// The all-zero IV the protocol uses.
const ZERO_IV: [u8; BLOCK] = [0u8; BLOCK];

/// Decoding accepts Base64 with or without `=` padding; encoding always pads.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &STANDARD_ALPHABET,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The heartbeat and URL-check message (sent encrypted like any other message).
pub const TEST_MESSAGE: &str = r#"{"test":true}"#;

/// The receipt an app answers with: HTTP 200 and this JSON body.
pub const RECEIPT_OK: &str = r#"{"result":1}"#;

/// The `Content-Type` of a push request (§4.1: the body is a Base64 string).
pub const CONTENT_TYPE: &str = "text/plain;charset=utf-8";

/// Why a push key or body could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushCodecError {
    /// The push key is not standard Base64.
    #[error(
        "push key is not valid Base64: copy the message key exactly as shown in the developer console"
    )]
    KeyNotBase64,
    /// The push key does not decode to 16 bytes.
    #[error(
        "push key decodes to {len} bytes, but AES-128 needs 16: copy the message key exactly as shown in the developer console"
    )]
    KeyLength {
        /// The decoded length.
        len: usize,
    },
    /// The body is not standard Base64.
    #[error("push body is not valid Base64: pass the raw request body unchanged")]
    BodyNotBase64,
    /// The decoded body is empty or not a whole number of 16-byte AES blocks.
    #[error(
        "push body decodes to {len} bytes, not a non-zero multiple of 16: pass the raw request body unchanged"
    )]
    BodyLength {
        /// The decoded length.
        len: usize,
    },
    /// The PKCS#7 padding is invalid: almost always the wrong key, or a corrupted body.
    #[error(
        "push body did not decrypt (bad padding): check that the message key belongs to this app"
    )]
    BadPadding,
    /// The plaintext is not UTF-8 (only from [`decrypt_to_string`]).
    #[error(
        "decrypted push message is not UTF-8 text: check that the message key belongs to this app"
    )]
    NotUtf8,
}

/// A decoded 16-byte push key, for encrypting or decrypting many messages with one key.
#[derive(Clone, PartialEq, Eq)]
pub struct PushKey([u8; BLOCK]);

impl std::fmt::Debug for PushKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PushKey(<redacted>)")
    }
}

impl PushKey {
    /// Decodes a Base64 push key (surrounding whitespace ignored); it must be 16 bytes.
    pub fn from_base64(push_key_b64: &str) -> Result<PushKey, PushCodecError> {
        let raw = LENIENT
            .decode(push_key_b64.trim())
            .map_err(|_| PushCodecError::KeyNotBase64)?;
        let key: [u8; BLOCK] = raw
            .as_slice()
            .try_into()
            .map_err(|_| PushCodecError::KeyLength { len: raw.len() })?;
        Ok(PushKey(key))
    }

    /// Wraps 16 raw key bytes.
    pub fn from_bytes(key: [u8; BLOCK]) -> PushKey {
        PushKey(key)
    }

    /// The key as the console shows it: standard Base64 with padding.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// Encrypts `plaintext` into a push body (standard Base64 with padding).
    pub fn encrypt(&self, plaintext: &[u8]) -> String {
        let cipher = Encryptor::new(&self.0.into(), &ZERO_IV.into());
        STANDARD.encode(cipher.encrypt_padded_vec::<Pkcs7>(plaintext))
    }

    /// Decrypts a push body. Surrounding whitespace is ignored and `=` padding is optional.
    pub fn decrypt(&self, body: &str) -> Result<Vec<u8>, PushCodecError> {
        let raw = LENIENT
            .decode(body.trim())
            .map_err(|_| PushCodecError::BodyNotBase64)?;
        if raw.is_empty() || raw.len() % BLOCK != 0 {
            return Err(PushCodecError::BodyLength { len: raw.len() });
        }
        let cipher = Decryptor::new(&self.0.into(), &ZERO_IV.into());
        cipher
            .decrypt_padded_vec::<Pkcs7>(&raw)
            .map_err(|_| PushCodecError::BadPadding)
    }
}

/// Encrypts a push message with a Base64 push key.
pub fn encrypt(push_key_b64: &str, plaintext: &[u8]) -> Result<String, PushCodecError> {
    Ok(PushKey::from_base64(push_key_b64)?.encrypt(plaintext))
}

/// Decrypts a push body with a Base64 push key. Never panics, whatever the input.
///
/// A wrong key is almost always reported as [`PushCodecError::BadPadding`], but about one
/// time in 256 it passes the padding check and yields garbage; parse the result as JSON.
pub fn decrypt(push_key_b64: &str, body: &str) -> Result<Vec<u8>, PushCodecError> {
    PushKey::from_base64(push_key_b64)?.decrypt(body)
}

/// [`decrypt`], then require UTF-8 (the message envelope is JSON text).
pub fn decrypt_to_string(push_key_b64: &str, body: &str) -> Result<String, PushCodecError> {
    String::from_utf8(decrypt(push_key_b64, body)?).map_err(|_| PushCodecError::NotUtf8)
}

/// Whether an app's answer body is a successful receipt: a JSON object whose `result` is the
/// number 1 (`{"result": 1}`, extra fields allowed). The caller also requires HTTP 200 within
/// 3000 ms; anything else counts as a failed delivery (§4.1).
pub fn is_receipt_ok(body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Receipt {
        result: serde_json::Value,
    }
    serde_json::from_slice::<Receipt>(body)
        .is_ok_and(|r| r.result.as_i64() == Some(1) || r.result.as_f64() == Some(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts() {
        assert!(is_receipt_ok(br#"{"result":1}"#));
        assert!(is_receipt_ok(br#" { "result" : 1 , "x": 2 } "#));
        assert!(is_receipt_ok(br#"{"result":1.0}"#));
        assert!(!is_receipt_ok(br#"{"result":"1"}"#));
        assert!(!is_receipt_ok(br#"{"result":0}"#));
        assert!(!is_receipt_ok(br#"{}"#));
        assert!(!is_receipt_ok(b"ok"));
        assert!(!is_receipt_ok(b""));
    }

    #[test]
    fn key_errors() {
        assert_eq!(
            PushKey::from_base64("!!!").map(|_| ()),
            Err(PushCodecError::KeyNotBase64)
        );
        assert_eq!(
            PushKey::from_base64("AAAA").map(|_| ()),
            Err(PushCodecError::KeyLength { len: 3 })
        );
        let key = PushKey::from_base64(" MDEyMzQ1Njc4OWFiY2RlZg== ").expect("valid key");
        assert_eq!(key.to_base64(), "MDEyMzQ1Njc4OWFiY2RlZg==");
        assert_eq!(format!("{key:?}"), "PushKey(<redacted>)");
    }

    #[test]
    fn body_errors() {
        let key = "MDEyMzQ1Njc4OWFiY2RlZg==";
        assert_eq!(decrypt(key, "%%%"), Err(PushCodecError::BodyNotBase64));
        assert_eq!(decrypt(key, ""), Err(PushCodecError::BodyLength { len: 0 }));
        assert_eq!(
            decrypt(key, "AAAA"),
            Err(PushCodecError::BodyLength { len: 3 })
        );
    }
}
