//! The Kuaishou e-commerce open-platform wire protocol, as data and pure functions.
//!
//! Kaifang must answer existing SDKs byte for byte, so everything that is "the protocol"
//! lives here, in one place, with no I/O: no sockets, no files, no clock, no randomness.
//! That keeps it trivially testable against worked vectors, fuzzable, and shareable
//! between the server (which verifies and answers) and the Rust SDK (which signs and reads).
//!
//! | module | what it holds |
//! |---|---|
//! | [`sign`] | the signature over the seven system parameters (MD5 hex / HMAC-SHA256 Base64) |
//! | [`path`] | `open.item.get` <-> `/open/item/get` |
//! | [`envelope`] | the JSON response envelopes (API and OAuth) |
//! | [`errors`] | the single catalogue of API and OAuth error codes |
//! | [`push`] | the AES-128-CBC codec for pushed messages |
//! | [`params`] | request intake: strict form decoding, merging query and body, timestamps |
//!
//! ```
//! use kaifang_wire::sign::{sign, verify, SignInput, SignMethod};
//!
//! let input = SignInput {
//!     appkey: Some("ks700000000000000001"),
//!     method: Some("open.item.get"),
//!     access_token: Some("TEST_ACCESS_TOKEN"),
//!     version: Some("1"),
//!     sign_method: Some("MD5"),
//!     timestamp: Some("1700000000000"),
//!     param: Some(r#"{"kwaiItemId":20000000001}"#),
//! };
//! let secret = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
//! let signature = sign(&input, secret, SignMethod::Md5);
//! assert_eq!(signature, "f34cdc2268068c6b6fdc14d3dbe14187");
//! assert!(verify(&input, secret, SignMethod::Md5, &signature.to_uppercase()));
//! assert_eq!(kaifang_wire::path::method_to_path("open.item.get"), "/open/item/get");
//! ```
//!
//! The reference for every rule is `shared/reference/protocol-notes.md`; section numbers in
//! the docs below (§1.5 and so on) point there.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod envelope;
pub mod errors;
pub mod params;
pub mod path;
pub mod push;
pub mod sign;
mod text;

pub use errors::{ApiError, OAuthError};
pub use sign::{SignInput, SignMethod};
