//! Secrets at rest and randomness: the AES-GCM vault, token hashes, password hashes.
//!
//! App secrets and personal data are stored sealed by the [`Vault`]; tokens, codes and session
//! ids are stored only as SHA-256 hashes; passwords as Argon2id hashes.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::Mac;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Length of the vault key in bytes (AES-256).
pub const VAULT_KEY_LEN: usize = 32;

/// Seals and opens values stored at rest. The purpose string is bound in as associated data, so
/// a ciphertext copied into another column (an app secret into a phone field) does not open.
#[derive(Clone)]
pub struct Vault {
    cipher: Aes256Gcm,
    index_key: [u8; 32],
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault(..)")
    }
}

impl Vault {
    /// A vault over a 32-byte key.
    pub fn new(key: &[u8; VAULT_KEY_LEN]) -> Self {
        let cipher = Aes256Gcm::new(&(*key).into());
        // A second key for deterministic lookup hashes, derived so that one secret suffices.
        let index_key: [u8; 32] = Sha256::new()
            .chain_update(b"kaifang-index-key")
            .chain_update(key)
            .finalize()
            .into();
        Vault { cipher, index_key }
    }

    /// Parses a key given as Base64 (configuration or the key file).
    pub fn from_base64(text: &str) -> Result<Self> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| Error::invalid("the vault key is not valid Base64"))?;
        let key: [u8; VAULT_KEY_LEN] = bytes
            .try_into()
            .map_err(|_| Error::invalid("the vault key must decode to exactly 32 bytes"))?;
        Ok(Vault::new(&key))
    }

    /// A fresh random key, Base64-encoded, for first start.
    pub fn generate_key() -> String {
        STANDARD.encode(random_bytes::<VAULT_KEY_LEN>())
    }

    /// Encrypts `plain` for the column or purpose `purpose`: nonce (12 bytes) then ciphertext.
    pub fn seal(&self, purpose: &str, plain: &[u8]) -> Vec<u8> {
        let nonce_bytes = random_bytes::<12>();
        let nonce = Nonce::from(nonce_bytes);
        let ct = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: purpose.as_bytes(),
                },
            )
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut out = Vec::with_capacity(12 + ct.len());
        out.extend_from_slice(&nonce_bytes);
        out.extend_from_slice(&ct);
        out
    }

    /// Seals a string.
    pub fn seal_str(&self, purpose: &str, plain: &str) -> Vec<u8> {
        self.seal(purpose, plain.as_bytes())
    }

    /// Decrypts what [`Vault::seal`] wrote for the same purpose.
    pub fn open(&self, purpose: &str, sealed: &[u8]) -> Result<Vec<u8>> {
        if sealed.len() < 12 {
            return Err(Error::internal(format!(
                "sealed {purpose} value is truncated"
            )));
        }
        let (nonce, ct) = sealed.split_at(12);
        let nonce = Nonce::try_from(nonce).map_err(Error::internal)?;
        self.cipher
            .decrypt(
                &nonce,
                Payload {
                    msg: ct,
                    aad: purpose.as_bytes(),
                },
            )
            .map_err(|_| {
                Error::internal(format!(
                    "sealed {purpose} value does not open with this vault key"
                ))
            })
    }

    /// Decrypts a sealed UTF-8 string.
    pub fn open_str(&self, purpose: &str, sealed: &[u8]) -> Result<String> {
        String::from_utf8(self.open(purpose, sealed)?).map_err(Error::internal)
    }

    /// A deterministic keyed hash (HMAC-SHA256, hex) for finding or de-duplicating sealed values
    /// without storing them in the clear.
    pub fn index_hash(&self, purpose: &str, value: &str) -> String {
        let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&self.index_key)
            .expect("HMAC accepts any key length");
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// `N` bytes from the operating system's random source.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the OS random source is available");
    b
}

/// A random opaque token: 32 random bytes, Base64URL without padding, behind a short prefix that
/// says what it is (`kfs_` session, `kft_` API token, …).
pub fn random_token(prefix: &str) -> String {
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(random_bytes::<32>()))
}

/// `n` random lower-case hex characters (`n` even).
pub fn random_hex(n: usize) -> String {
    let mut b = vec![0u8; n / 2];
    getrandom::fill(&mut b).expect("the OS random source is available");
    hex::encode(b)
}

/// `n` random decimal digits, the first not zero.
pub fn random_digits(n: usize) -> String {
    let mut b = vec![0u8; n];
    getrandom::fill(&mut b).expect("the OS random source is available");
    b.iter()
        .enumerate()
        .map(|(i, x)| {
            let d = if i == 0 { 1 + x % 9 } else { x % 10 };
            char::from(b'0' + d)
        })
        .collect()
}

/// The stored form of a token, code or session id: SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    hex::encode(token_digest(token))
}

/// The SHA-256 of a token as bytes: what in-memory caches key tokens by (no hex string to
/// build on every lookup, and no token kept in memory as it was sent).
pub fn token_digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Compares two secrets in constant time.
pub fn secret_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Hashes a password with Argon2id on a blocking thread (about 30 ms of CPU).
pub async fn hash_password(password: &str) -> Result<String> {
    let pw = password.to_owned();
    tokio::task::spawn_blocking(move || {
        argon2::Argon2::default()
            .hash_password(pw.as_bytes())
            .map(|h| h.to_string())
            .map_err(Error::internal)
    })
    .await
    .map_err(Error::internal)?
}

/// Checks a password against its stored Argon2 hash on a blocking thread.
pub async fn verify_password(password: &str, stored: &str) -> bool {
    let (pw, stored) = (password.to_owned(), stored.to_owned());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|h| {
                argon2::Argon2::default()
                    .verify_password(pw.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vault_round_trip_and_purpose_binding() {
        let v = Vault::new(&[7u8; 32]);
        let sealed = v.seal_str("app_secret", "s3cret");
        assert_eq!(v.open_str("app_secret", &sealed).unwrap(), "s3cret");
        assert!(v.open("admin_phone", &sealed).is_err());
        assert!(Vault::new(&[8u8; 32]).open("app_secret", &sealed).is_err());
        assert!(v.open("app_secret", &sealed[..5]).is_err());
    }

    #[test]
    fn digits_and_hex_have_the_asked_length() {
        let d = random_digits(18);
        assert_eq!(d.len(), 18);
        assert!(d.chars().all(|c| c.is_ascii_digit()) && !d.starts_with('0'));
        assert_eq!(random_hex(32).len(), 32);
    }

    #[tokio::test]
    async fn passwords_verify() {
        let h = hash_password("correct horse").await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h).await);
        assert!(!verify_password("wrong", &h).await);
    }
}
