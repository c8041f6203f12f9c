//! The call path's in-memory caches: apps (credentials, state, packages, traffic settings) by
//! appkey, and token grants by token hash.
//!
//! Each entry remembers the platform's access generation it was filled at; every write that
//! takes access away bumps the generation (`Platform::bump_generation`), so the next call
//! refills and a revocation takes effect at once. On a hit, no database round trip happens.
//! Maps are sharded behind `RwLock`s: a hit takes one uncontended read lock. Keys come from
//! clients, so they are hashed with randomly seeded foldhash (SipHash, std's default, was a
//! visible share of a call hashing each key twice).
//!
//! The database reads of a miss are boxed futures: an `async fn`'s future is as large as its
//! largest state, so the inline reads made every call's future kilobytes larger, each of them
//! allocated, copied and touched on every call.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};

use foldhash::quality::RandomState;
use std::sync::{Arc, RwLock};

use kaifang_platform::apps::credentials::{self, ActiveSecrets};
use kaifang_platform::apps::{self, AppState, packages};
use kaifang_platform::oauth::{self, AccessGrant, TokenCheck};
use kaifang_platform::traffic::{self, AppGateway};
use kaifang_platform::{Platform, Result};

const SHARDS: usize = 16;
/// A cache holding more entries than this is cleared rather than grown (keeps floods of
/// made-up appkeys or tokens from growing memory without bound).
const MAX_ENTRIES_PER_SHARD: usize = 16 * 1024;

/// One shard: values with the generation they were filled at.
type Shard<K, V> = RwLock<HashMap<K, (u64, V), RandomState>>;

/// A small sharded map of generation-stamped values.
pub struct Sharded<K, V> {
    shards: Vec<Shard<K, V>>,
    /// Picks the shard; seeded apart from the maps' own hashers, so that the keys of one shard
    /// do not all share their hashes' low bits inside it.
    hasher: RandomState,
}

impl<K: Hash + Eq, V: Clone> Sharded<K, V> {
    /// Empty.
    pub fn new() -> Self {
        Sharded {
            shards: (0..SHARDS)
                .map(|_| RwLock::new(HashMap::with_hasher(RandomState::default())))
                .collect(),
            hasher: RandomState::default(),
        }
    }

    fn shard<Q: Hash + ?Sized>(&self, k: &Q) -> &Shard<K, V> {
        let i = (self.hasher.hash_one(k) as usize) % SHARDS;
        &self.shards[i]
    }

    /// The value if it was stored at generation `generation`.
    pub fn get<Q>(&self, k: &Q, generation: u64) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let shard = self.shard(k).read().unwrap_or_else(|e| e.into_inner());
        match shard.get(k) {
            Some((g, v)) if *g == generation => Some(v.clone()),
            _ => None,
        }
    }

    /// Stores a value filled at generation `generation`.
    pub fn put(&self, k: K, generation: u64, v: V) {
        let mut shard = self.shard(&k).write().unwrap_or_else(|e| e.into_inner());
        if shard.len() >= MAX_ENTRIES_PER_SHARD {
            shard.clear();
        }
        shard.insert(k, (generation, v));
    }
}

impl<K: Hash + Eq, V: Clone> Default for Sharded<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

/// What the gateway knows about an app between generations.
#[derive(Debug)]
pub struct AppEntry {
    /// App id.
    pub app_id: i64,
    /// App key.
    pub app_key: String,
    /// Lifecycle state.
    pub state: AppState,
    /// Sign secrets (current and, during an overlap, previous).
    pub secrets: ActiveSecrets,
    /// Granted permission packages.
    pub packages: Vec<String>,
    /// Tiers and sign-debug switch.
    pub settings: AppGateway,
}

impl AppEntry {
    /// Whether the app's state allows API calls: approved and not offline or deleted.
    pub fn callable(&self) -> bool {
        matches!(
            self.state,
            AppState::Developing | AppState::Scanning | AppState::LaunchReview | AppState::Online
        )
    }
}

/// Apps by appkey (`None`: no such app).
#[derive(Default)]
pub struct AppCache {
    map: Sharded<String, Option<Arc<AppEntry>>>,
}

impl AppCache {
    /// The app behind `appkey`; reads the database only on a miss.
    pub async fn get(&self, p: &Platform, appkey: &str) -> Result<(Option<Arc<AppEntry>>, bool)> {
        let generation = p.generation();
        if let Some(v) = self.map.get(appkey, generation) {
            return Ok((v, true));
        }
        // Boxed: a miss is rare, and its database futures would otherwise be carried, unused,
        // inside every call's future (see the module docs).
        let entry = Box::pin(load_app(p, appkey)).await?.map(Arc::new);
        self.map.put(appkey.to_string(), generation, entry.clone());
        Ok((entry, false))
    }
}

async fn load_app(p: &Platform, appkey: &str) -> Result<Option<AppEntry>> {
    // Numeric keys would resolve by id; an appkey is never numeric.
    if appkey.is_empty() || appkey.parse::<i64>().is_ok() {
        return Ok(None);
    }
    let app = match apps::resolve(p, appkey).await {
        Ok(a) => a,
        Err(e) if e.kind == kaifang_platform::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let Some(secrets) = credentials::active_secrets(p, appkey).await? else {
        return Ok(None);
    };
    Ok(Some(AppEntry {
        app_id: app.id,
        app_key: appkey.to_string(),
        state: app.state,
        secrets,
        packages: packages::granted(p, app.id).await?,
        settings: traffic::settings(p, app.id).await?,
    }))
}

/// Valid token grants by token hash. Only valid grants are cached; expiry and the
/// authorization's end are re-checked against the clock on every call.
#[derive(Default)]
pub struct TokenCache {
    map: Sharded<[u8; 32], Arc<AccessGrant>>,
}

/// A token lookup's outcome, with the grant shared.
pub enum Token {
    /// Unknown (or issued to another app).
    Unknown,
    /// Past its lifetime.
    Expired,
    /// The authorization ended.
    Revoked,
    /// Usable.
    Valid(Arc<AccessGrant>),
}

impl TokenCache {
    /// Checks a token; reads the database only on a miss. Returns whether it was a hit.
    pub async fn check(&self, p: &Platform, token: &str) -> Result<(Token, bool)> {
        let generation = p.generation();
        let key = kaifang_platform::crypto::token_digest(token);
        let now = p.now();
        if let Some(grant) = self.map.get(&key, generation) {
            return Ok((judge(grant, now), true));
        }
        let checked = Box::pin(oauth::check_access_token(p, token)).await?;
        Ok((
            match checked {
                TokenCheck::Unknown => Token::Unknown,
                TokenCheck::Expired => Token::Expired,
                TokenCheck::Revoked => Token::Revoked,
                TokenCheck::Valid(grant) => {
                    let grant = Arc::new(grant);
                    self.map.put(key, generation, grant.clone());
                    judge(grant, now)
                }
            },
            false,
        ))
    }
}

fn judge(grant: Arc<AccessGrant>, now: i64) -> Token {
    if grant.authorization_ends_at.is_some_and(|end| end <= now) {
        Token::Revoked
    } else if grant.expires_at <= now {
        Token::Expired
    } else {
        Token::Valid(grant)
    }
}
