//! Read-mostly data handlers need on every call (accounts and shops), cached in memory.
//!
//! Entries are stamped with the access generation and kept at most [`TTL`] on the platform
//! clock, so a disabled account is seen at once (disabling bumps the generation) and a rename
//! within a minute.

use std::sync::Arc;

use kaifang_platform::accounts::{self, Account, merchants::Shop};
use kaifang_platform::clock::MINUTE;
use kaifang_platform::{Platform, Result};

use super::cache::Sharded;

/// How long a cached account or shop is used before it is read again.
pub const TTL: i64 = MINUTE;

/// Accounts and shops by id.
#[derive(Default)]
pub struct Directory {
    accounts: Sharded<i64, (i64, Option<Arc<Account>>)>,
    shops: Sharded<i64, (i64, Option<Arc<Shop>>)>,
}

impl Directory {
    /// An account by id.
    pub async fn account(&self, p: &Platform, id: i64) -> Result<Option<Arc<Account>>> {
        let (generation, now) = (p.generation(), p.now());
        if let Some((until, a)) = self.accounts.get(&id, generation)
            && until > now
        {
            return Ok(a);
        }
        // Boxed, as the caches' misses are (see `super::cache`).
        let a = Box::pin(accounts::find(p, id)).await?.map(Arc::new);
        self.accounts.put(id, generation, (now + TTL, a.clone()));
        Ok(a)
    }

    /// The shop of a merchant.
    pub async fn shop_of(&self, p: &Platform, merchant_id: i64) -> Result<Option<Arc<Shop>>> {
        let (generation, now) = (p.generation(), p.now());
        if let Some((until, s)) = self.shops.get(&merchant_id, generation)
            && until > now
        {
            return Ok(s);
        }
        let s = Box::pin(accounts::merchants::shop_of(p, merchant_id))
            .await?
            .map(Arc::new);
        self.shops
            .put(merchant_id, generation, (now + TTL, s.clone()));
        Ok(s)
    }
}
