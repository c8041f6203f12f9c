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
pub mod rules;
pub mod scopes;

use std::sync::Arc;

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
}

impl Platform {
    /// The current time in ms.
    pub fn now(&self) -> clock::Millis {
        self.clock.now()
    }
}
