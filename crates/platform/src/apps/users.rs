//! Test users and authorized users of an app (seed 001 §3.1.1.1).
//!
//! Test users: up to `rules.max_test_users` merchants per app who may authorize it before
//! launch; a staff account is recorded as its main account, so a merchant and its staff count
//! once. Authorized users: the merchants allowed to authorize a self-use app once it is online.

use kaifang_store::args;

use super::{AppState, owned, visible};
use crate::accounts::{self, Account, Role};
use crate::{Error, Platform, Result};

/// Which list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserList {
    /// Test users.
    Test,
    /// Authorized users.
    Authorized,
}

impl UserList {
    fn as_str(self) -> &'static str {
        match self {
            UserList::Test => "test",
            UserList::Authorized => "authorized",
        }
    }
}

/// A listed user.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AppUser {
    /// The merchant's user id.
    pub user_id: i64,
    /// Login.
    pub login: String,
    /// Name.
    pub name: String,
    /// When added, ms.
    pub added_at: i64,
}

/// Adds a merchant (or a staff account, recorded as its main account) to a list.
pub async fn add(
    p: &Platform,
    owner: &Account,
    key: &str,
    list: UserList,
    user_id: i64,
) -> Result<AppUser> {
    let app = owned(p, owner, key).await?;
    let user = accounts::find(p, user_id).await?.ok_or_else(|| {
        Error::not_found(format!(
            "user {user_id} does not exist; use the merchant's user id"
        ))
    })?;
    let merchant_id = match user.role {
        Role::Merchant => user.id,
        Role::Staff => user
            .main_account_id
            .ok_or_else(|| Error::internal("staff without main account"))?,
        _ => {
            return Err(Error::invalid(format!(
                "user {user_id} is not a merchant; only merchants can authorize apps"
            )));
        }
    };
    match list {
        UserList::Test
            if matches!(
                app.state,
                AppState::Deleted | AppState::InReview | AppState::Rejected
            ) =>
        {
            return Err(Error::state(format!(
                "test users can be added once the app is approved; this app is {}",
                app.state.as_str()
            )));
        }
        UserList::Authorized if !app.self_use => {
            return Err(Error::invalid(
                "only self-use apps have authorized users; merchants order service-market apps",
            ));
        }
        UserList::Authorized if app.state != AppState::Online => {
            return Err(Error::state(format!(
                "authorized users can be added once the app is online; this app is {}",
                app.state.as_str()
            )));
        }
        _ => {}
    }
    let now = p.now();
    let mut tx = p.db.begin().await?;
    if list == UserList::Test {
        let n = tx
            .scalar(
                "SELECT COUNT(*) FROM app_users WHERE app_id = $1 AND list = 'test'",
                &args![app.id],
            )
            .await?;
        if n >= i64::try_from(p.rules.max_test_users).unwrap_or(i64::MAX) {
            return Err(Error::conflict(format!(
                "an app may have at most {} test users (a merchant and its staff count once); remove one first",
                p.rules.max_test_users
            )));
        }
    }
    tx.execute(
        "INSERT INTO app_users (app_id, user_id, list, added_at) VALUES ($1, $2, $3, $4)",
        &args![app.id, merchant_id, list.as_str(), now],
    )
    .await
    .map_err(|e| {
        if e.is_unique() {
            Error::conflict(format!("merchant {merchant_id} is already on this list"))
        } else {
            e.into()
        }
    })?;
    tx.commit().await?;
    let m = accounts::get(p, merchant_id).await?;
    Ok(AppUser {
        user_id: m.id,
        login: m.login,
        name: m.name,
        added_at: now,
    })
}

/// Removes a user from a list.
pub async fn remove(
    p: &Platform,
    owner: &Account,
    key: &str,
    list: UserList,
    user_id: i64,
) -> Result<()> {
    let app = owned(p, owner, key).await?;
    let n =
        p.db.execute(
            "DELETE FROM app_users WHERE app_id = $1 AND user_id = $2 AND list = $3",
            &args![app.id, user_id, list.as_str()],
        )
        .await?;
    if n == 0 {
        return Err(Error::not_found(format!(
            "user {user_id} is not on this app's {} list",
            list.as_str()
        )));
    }
    Ok(())
}

/// The users on a list.
pub async fn list(
    p: &Platform,
    viewer: &Account,
    key: &str,
    list: UserList,
) -> Result<Vec<AppUser>> {
    let app = visible(p, viewer, key).await?;
    let rows = p
        .db
        .fetch_all(
            "SELECT a.id, a.login, a.name, u.added_at FROM app_users u JOIN accounts a ON a.id = u.user_id
             WHERE u.app_id = $1 AND u.list = $2 ORDER BY u.id",
            &args![app.id, list.as_str()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(AppUser {
                user_id: r.i64("id")?,
                login: r.text("login")?,
                name: r.text("name")?,
                added_at: r.i64("added_at")?,
            })
        })
        .collect()
}

/// Whether a merchant is on one of an app's lists.
pub async fn is_listed(
    p: &Platform,
    app_id: i64,
    merchant_id: i64,
    list: UserList,
) -> Result<bool> {
    Ok(p.db
        .fetch_optional(
            "SELECT id FROM app_users WHERE app_id = $1 AND user_id = $2 AND list = $3",
            &args![app_id, merchant_id, list.as_str()],
        )
        .await?
        .is_some())
}
