//! Kaifang's platform core: who may do what, and the lifecycle of developers and apps.
//!
//! Each bounded context is a module with the same name as its tables and routes:
//! [`accounts`] (identities, sessions, API tokens, merchants and staff), [`developers`]
//! (onboarding and review), [`apps`] (apps, credentials, permission packages, test and authorized
//! users), [`documents`] (uploads), [`notifications`] (in-app and e-mail). [`Platform`] carries the
//! shared handles every operation needs.

pub mod accounts;
pub mod apps;
pub mod clock;
pub mod crypto;
pub mod developers;
pub mod documents;
pub mod error;
pub mod notifications;
pub mod oauth;
pub mod reviews;
pub mod rules;
pub mod scopes;
pub mod traffic;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub use error::{Error, ErrorKind, Result};

/// The handles every platform operation needs. Shared as `Arc<Platform>`.
#[derive(Debug)]
pub struct Platform {
    /// The database.
    pub db: kaifang_store::Db,
    /// The injected clock.
    pub clock: Arc<clock::Clock>,
    /// Seals secrets and personal data at rest.
    pub vault: crypto::Vault,
    /// Configurable limits.
    pub rules: rules::Rules,
    /// Sends review outcomes by e-mail when SMTP is configured.
    pub mailer: Option<notifications::Mailer>,
    /// Bumped by every write that can take access away (an app's state or secrets change, an
    /// authorization ends, a token is revoked). In-memory caches on the call path remember the
    /// generation they were filled at and refill when it moved, so a revocation takes effect on
    /// the very next call without a database round trip on every call.
    pub access_generation: AtomicU64,
    /// Wrong-password counts per login (console and API log-ins alike).
    pub login_throttle: accounts::LoginThrottle,
}

impl Platform {
    /// The current time in ms.
    pub fn now(&self) -> clock::Millis {
        self.clock.now()
    }

    /// A fresh platform over its handles.
    pub fn new(
        db: kaifang_store::Db,
        clock: Arc<clock::Clock>,
        vault: crypto::Vault,
        rules: rules::Rules,
        mailer: Option<notifications::Mailer>,
    ) -> Self {
        Platform {
            db,
            clock,
            vault,
            rules,
            mailer,
            access_generation: AtomicU64::new(0),
            login_throttle: accounts::LoginThrottle::default(),
        }
    }

    /// The current access generation (see [`Platform::access_generation`]).
    pub fn generation(&self) -> u64 {
        self.access_generation.load(Ordering::Acquire)
    }

    /// Invalidates every cached credential, token and authorization check.
    pub fn bump_generation(&self) {
        self.access_generation.fetch_add(1, Ordering::AcqRel);
    }
}
