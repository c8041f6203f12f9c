//! Permission packages held by an app: the base and category defaults granted on creation,
//! and the ones a developer applies for and an operator reviews.

use kaifang_store::{Tx, args};

use super::category::Category;
use super::{owned, resolve, visible};
use crate::accounts::Account;
use crate::developers;
use crate::notifications::{self, Outgoing};
use crate::reviews::{self, Decision};
use crate::scopes::{self, BASE_SCOPES};
use crate::{Error, Platform, Result};

/// Where an app stands with one package.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AppPackage {
    /// The app.
    pub app_id: i64,
    /// The app's name (filled in the operator's queue).
    pub app_name: Option<String>,
    /// The scope name.
    pub scope: String,
    /// `granted`, `pending` or `rejected`.
    pub state: String,
    /// The developer's reason for applying.
    pub reason: Option<String>,
    /// The operator's reason for rejecting.
    pub decision_reason: Option<String>,
    /// When requested (or granted by default), ms.
    pub requested_at: i64,
    /// When decided, ms.
    pub decided_at: Option<i64>,
}

pub(crate) async fn grant_defaults(
    tx: &mut Tx,
    app_id: i64,
    cat: &Category,
    now: i64,
) -> Result<()> {
    for scope in BASE_SCOPES.iter().chain(cat.default_scopes) {
        tx.execute(
            "INSERT INTO app_scopes (app_id, scope, state, requested_at, decided_at) VALUES ($1, $2, 'granted', $3, $3)",
            &args![app_id, *scope, now],
        )
        .await?;
    }
    Ok(())
}

fn from_row(r: &kaifang_store::Row) -> Result<AppPackage> {
    Ok(AppPackage {
        app_id: r.i64("app_id")?,
        app_name: r.opt_text("app_name")?,
        scope: r.text("scope")?,
        state: r.text("state")?,
        reason: r.opt_text("reason")?,
        decision_reason: r.opt_text("decision_reason")?,
        requested_at: r.i64("requested_at")?,
        decided_at: r.opt_i64("decided_at")?,
    })
}

/// The packages of an app (its developer or an operator).
pub async fn list(p: &Platform, viewer: &Account, key: &str) -> Result<Vec<AppPackage>> {
    let app = visible(p, viewer, key).await?;
    let rows = p
        .db
        .fetch_all(
            "SELECT app_id, NULL AS app_name, scope, state, reason, decision_reason, requested_at, decided_at FROM app_scopes
             WHERE app_id = $1 ORDER BY id",
            &args![app.id],
        )
        .await?;
    rows.iter().map(from_row).collect()
}

/// The scope names an app holds.
pub async fn granted(p: &Platform, app_id: i64) -> Result<Vec<String>> {
    let rows =
        p.db.fetch_all(
            "SELECT scope FROM app_scopes WHERE app_id = $1 AND state = 'granted' ORDER BY id",
            &args![app_id],
        )
        .await?;
    rows.iter()
        .map(|r| r.text("scope").map_err(Into::into))
        .collect()
}

/// A developer applies for a package (again, after a rejection).
pub async fn apply(
    p: &Platform,
    owner: &Account,
    key: &str,
    scope: &str,
    reason: Option<&str>,
) -> Result<AppPackage> {
    let app = owned(p, owner, key).await?;
    if scopes::find(scope).is_none() {
        let known: Vec<&str> = scopes::SCOPES.iter().map(|s| s.name).collect();
        return Err(Error::invalid(format!(
            "unknown permission package {scope:?}; known: {}",
            known.join(", ")
        )));
    }
    if app.state == super::AppState::Deleted {
        return Err(Error::state("the app is deleted"));
    }
    let now = p.now();
    let existing =
        p.db.fetch_optional(
            "SELECT state FROM app_scopes WHERE app_id = $1 AND scope = $2",
            &args![app.id, scope],
        )
        .await?;
    match existing.map(|r| r.text("state")).transpose()?.as_deref() {
        Some("granted") => return Err(Error::conflict(format!("the app already holds {scope}"))),
        Some("pending") => {
            return Err(Error::conflict(format!(
                "{scope} is already waiting for review"
            )));
        }
        Some(_) => {
            p.db.execute(
                "UPDATE app_scopes SET state = 'pending', reason = $1, decision_reason = NULL, requested_at = $2,
                    decided_at = NULL WHERE app_id = $3 AND scope = $4",
                &args![reason, now, app.id, scope],
            )
            .await?;
        }
        None => {
            p.db.execute(
                "INSERT INTO app_scopes (app_id, scope, state, reason, requested_at) VALUES ($1, $2, 'pending', $3, $4)",
                &args![app.id, scope, reason, now],
            )
            .await?;
        }
    }
    one(p, app.id, scope).await
}

async fn one(p: &Platform, app_id: i64, scope: &str) -> Result<AppPackage> {
    let r = p
        .db
        .fetch_one(
            "SELECT app_id, NULL AS app_name, scope, state, reason, decision_reason, requested_at, decided_at FROM app_scopes
             WHERE app_id = $1 AND scope = $2",
            &args![app_id, scope],
        )
        .await?;
    from_row(&r)
}

/// Pending package requests across all apps, oldest first (the operator's queue).
pub async fn pending(p: &Platform, operator: &Account) -> Result<Vec<AppPackage>> {
    operator.require_operator()?;
    let rows = p
        .db
        .fetch_all(
            "SELECT s.app_id, a.name AS app_name, s.scope, s.state, s.reason, s.decision_reason, s.requested_at,
                s.decided_at
             FROM app_scopes s JOIN apps a ON a.id = s.app_id
             WHERE s.state = 'pending' ORDER BY s.requested_at, s.id",
            &[],
        )
        .await?;
    rows.iter().map(from_row).collect()
}

/// An operator grants or refuses a pending package.
pub async fn review(
    p: &Platform,
    operator: &Account,
    key: &str,
    scope: &str,
    approve: bool,
    reason: Option<&str>,
) -> Result<AppPackage> {
    let d = Decision::new(operator, approve, reason)?;
    let app = resolve(p, key).await?;
    let now = p.now();
    let mut tx = p.db.begin().await?;
    let n = tx
        .execute(
            "UPDATE app_scopes SET state = $1, decision_reason = $2, decided_at = $3
             WHERE app_id = $4 AND scope = $5 AND state = 'pending'",
            &args![
                if approve { "granted" } else { "rejected" },
                d.rejection_reason(),
                now,
                app.id,
                scope
            ],
        )
        .await?;
    if n == 0 {
        return Err(Error::state(format!(
            "app {} has no pending request for {scope}",
            app.id
        )));
    }
    reviews::record(&mut tx, "scope", app.id, d, operator.id, now).await?;
    let dev = developers::get(p, app.developer_id).await?;
    let note = Outgoing {
        account_id: dev.account_id,
        kind: if approve {
            "scope.approved"
        } else {
            "scope.rejected"
        },
        title: format!("权限包申请 {scope}: {}", d.verdict()),
        body: match d.rejection_reason() {
            Some(r) => format!("App {}: {scope} was rejected. Reason: {r}", app.name),
            None => format!("App {} now holds {scope}.", app.name),
        },
    };
    let note = notifications::store(&mut tx, now, note).await?;
    tx.commit().await?;
    notifications::email(p, &note).await;
    one(p, app.id, scope).await
}
