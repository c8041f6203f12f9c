//! Authorizations: a merchant's consent to an app (APP授权说明 §1.4–1.5, FAQ K0006).
//!
//! One live record per (app, merchant). A consent by the merchant or any of its staff accounts
//! creates it, or renews it and widens its scopes. It ends when the merchant revokes it, when
//! the developer ends a test user's authorization, or by itself: a test authorization lasts
//! `rules.oauth.test_authorization_ttl` (10 days) from its latest consent. Tokens issued under
//! an ended authorization answer result 24 and no longer refresh.
//!
//! Removing a merchant from an app's test-user list does not end its authorization: the list
//! says who may authorize from now on, and the developer ends an existing test authorization
//! explicitly ([`end_test_authorization`]), or it ends after its 10 days.

use kaifang_store::{Row, Tx, args};

use super::split_scopes;
use crate::accounts::{Account, Role};
use crate::apps::owned;
use crate::{Error, Platform, Result};

/// Why the merchant could authorize.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A test user (10-day authorization).
    Test,
    /// On a self-use app's authorized-user list.
    Authorized,
    /// A service-market order (the service market comes later).
    Market,
}

impl Source {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Test => "test",
            Source::Authorized => "authorized",
            Source::Market => "market",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "test" => Ok(Source::Test),
            "authorized" => Ok(Source::Authorized),
            "market" => Ok(Source::Market),
            other => Err(Error::internal(format!(
                "unknown authorization source {other:?}"
            ))),
        }
    }
}

/// Where an authorization stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthorizationStatus {
    /// In force.
    Active,
    /// Ended by the merchant or the developer.
    Revoked,
    /// Ended by itself (a test authorization's 10 days).
    Expired,
}

/// One authorization as the merchant's page shows it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Authorization {
    /// Id.
    pub id: i64,
    /// The app.
    pub app_id: i64,
    /// Its appKey.
    pub app_key: Option<String>,
    /// Its name.
    pub app_name: String,
    /// The merchant (main account).
    pub user_id: i64,
    /// The account that consented last (the merchant or one of its staff).
    pub account_id: i64,
    /// Every scope granted while it was live.
    pub scopes: Vec<String>,
    /// Why the merchant could authorize.
    pub source: Source,
    /// First consent, ms.
    pub granted_at: i64,
    /// Latest consent, ms.
    pub renewed_at: i64,
    /// When it ends by itself (test authorizations), ms.
    pub expires_at: Option<i64>,
    /// When it was ended by someone, ms.
    pub revoked_at: Option<i64>,
    /// `merchant`, `developer` or `expired`.
    pub revoked_by: Option<String>,
    /// Where it stands now.
    pub status: AuthorizationStatus,
}

macro_rules! select {
    ($tail:literal) => {
        concat!(
            "SELECT z.id, z.app_id, ap.app_key, ap.name AS app_name, z.user_id, z.account_id, z.scopes,
                z.source, z.granted_at, z.renewed_at, z.expires_at, z.revoked_at, z.revoked_by
             FROM oauth_authorizations z JOIN apps ap ON ap.id = z.app_id ",
            $tail
        )
    };
}

fn from_row(r: &Row, now: i64) -> Result<Authorization> {
    let expires_at = r.opt_i64("expires_at")?;
    let revoked_at = r.opt_i64("revoked_at")?;
    let revoked_by = r.opt_text("revoked_by")?;
    let status = match (revoked_at, revoked_by.as_deref()) {
        (Some(_), Some("expired")) => AuthorizationStatus::Expired,
        (Some(_), _) => AuthorizationStatus::Revoked,
        (None, _) if expires_at.is_some_and(|e| e <= now) => AuthorizationStatus::Expired,
        (None, _) => AuthorizationStatus::Active,
    };
    Ok(Authorization {
        id: r.i64("id")?,
        app_id: r.i64("app_id")?,
        app_key: r.opt_text("app_key")?,
        app_name: r.text("app_name")?,
        user_id: r.i64("user_id")?,
        account_id: r.i64("account_id")?,
        scopes: split_scopes(&r.text("scopes")?),
        source: Source::parse(&r.text("source")?)?,
        granted_at: r.i64("granted_at")?,
        renewed_at: r.i64("renewed_at")?,
        expires_at,
        revoked_at,
        revoked_by,
        status,
    })
}

/// Records a consent inside the caller's transaction: renews and widens the live authorization
/// of (app, merchant), or starts a new one. Returns its id and its end (test authorizations).
pub(crate) async fn grant(
    p: &Platform,
    tx: &mut Tx,
    app_id: i64,
    account: &Account,
    scopes: &[String],
    source: Source,
) -> Result<(i64, Option<i64>)> {
    let merchant_id = account
        .merchant_id()
        .ok_or_else(|| Error::forbidden("only merchants and their staff can authorize apps"))?;
    let now = p.now();
    let ends_at = (source == Source::Test).then_some(now + p.rules.oauth.test_authorization_ttl);
    let live = tx
        .fetch_optional(
            "SELECT id, scopes, expires_at FROM oauth_authorizations
             WHERE app_id = $1 AND user_id = $2 AND revoked_at IS NULL",
            &args![app_id, merchant_id],
        )
        .await?;
    if let Some(r) = live {
        let id = r.i64("id")?;
        if r.opt_i64("expires_at")?.is_none_or(|e| e > now) {
            let mut all = split_scopes(&r.text("scopes")?);
            for s in scopes {
                if !all.contains(s) {
                    all.push(s.clone());
                }
            }
            tx.execute(
                "UPDATE oauth_authorizations SET scopes = $1, account_id = $2, source = $3, renewed_at = $4,
                    expires_at = $5 WHERE id = $6",
                &args![all.join(","), account.id, source.as_str(), now, ends_at, id],
            )
            .await?;
            return Ok((id, ends_at));
        }
        // Ended by time: close it so that a new one can start.
        tx.execute(
            "UPDATE oauth_authorizations SET revoked_at = expires_at, revoked_by = 'expired' WHERE id = $1",
            &args![id],
        )
        .await?;
    }
    let id = tx
        .scalar(
            "INSERT INTO oauth_authorizations (app_id, user_id, account_id, scopes, source, granted_at, renewed_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7) RETURNING id",
            &args![
                app_id,
                merchant_id,
                account.id,
                scopes.join(","),
                source.as_str(),
                now,
                ends_at
            ],
        )
        .await?;
    Ok((id, ends_at))
}

/// The authorizations a merchant has given, newest first (its main account only).
pub async fn list_for_merchant(p: &Platform, caller: &Account) -> Result<Vec<Authorization>> {
    let merchant = main_merchant(caller)?;
    let rows =
        p.db.fetch_all(
            select!("WHERE z.user_id = $1 ORDER BY z.id DESC"),
            &args![merchant],
        )
        .await?;
    let now = p.now();
    rows.iter().map(|r| from_row(r, now)).collect()
}

/// One authorization by id.
pub async fn get(p: &Platform, id: i64) -> Result<Authorization> {
    let r =
        p.db.fetch_optional(select!("WHERE z.id = $1"), &args![id])
            .await?
            .ok_or_else(|| Error::not_found(format!("authorization {id} does not exist")))?;
    from_row(&r, p.now())
}

fn main_merchant(caller: &Account) -> Result<i64> {
    match caller.role {
        Role::Merchant => Ok(caller.id),
        Role::Staff => Err(Error::forbidden(
            "only the shop's main account manages its app authorizations; log in as the merchant",
        )),
        _ => Err(Error::forbidden(
            "only merchants have app authorizations; log in with a merchant account",
        )),
    }
}

/// Ends a live authorization; every token under it stops at once (result 24) and no longer
/// refreshes (`refreshToken.revokedAuthorization`).
async fn end(p: &Platform, id: i64, by: &str) -> Result<bool> {
    let now = p.now();
    let n =
        p.db.execute(
            "UPDATE oauth_authorizations SET revoked_at = $1, revoked_by = $2
             WHERE id = $3 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1)",
            &args![now, by, id],
        )
        .await?;
    if n > 0 {
        p.bump_generation();
    }
    Ok(n > 0)
}

/// A merchant revokes one of its authorizations.
pub async fn revoke_by_merchant(p: &Platform, caller: &Account, id: i64) -> Result<Authorization> {
    let merchant = main_merchant(caller)?;
    let a = get(p, id).await?;
    if a.user_id != merchant {
        return Err(Error::not_found(format!(
            "authorization {id} does not exist among yours"
        )));
    }
    if !end(p, id, "merchant").await? {
        return Err(Error::state(format!(
            "authorization {id} has already ended"
        )));
    }
    get(p, id).await
}

/// A developer ends a test user's live authorization of its app (`{app}`: id or appKey).
pub async fn end_test_authorization(
    p: &Platform,
    owner: &Account,
    app_key: &str,
    user_id: i64,
) -> Result<Authorization> {
    let app = owned(p, owner, app_key).await?;
    let now = p.now();
    let r =
        p.db.fetch_optional(
            "SELECT id FROM oauth_authorizations WHERE app_id = $1 AND user_id = $2 AND source = 'test'
                AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $3)",
            &args![app.id, user_id, now],
        )
        .await?;
    let id = r.map(|r| r.i64("id")).transpose()?.ok_or_else(|| {
        Error::not_found(format!(
            "user {user_id} has no test authorization of app {} in force",
            app.id
        ))
    })?;
    if !end(p, id, "developer").await? {
        return Err(Error::state(format!(
            "authorization {id} has already ended"
        )));
    }
    get(p, id).await
}

/// The live authorization of (app, merchant), if any (used by the consent page's summary).
pub async fn live(p: &Platform, app_id: i64, merchant_id: i64) -> Result<Option<Authorization>> {
    let now = p.now();
    let r =
        p.db.fetch_optional(
            select!(
                "WHERE z.app_id = $1 AND z.user_id = $2 AND z.revoked_at IS NULL
                 AND (z.expires_at IS NULL OR z.expires_at > $3)"
            ),
            &args![app_id, merchant_id, now],
        )
        .await?;
    r.map(|r| from_row(&r, now)).transpose()
}
