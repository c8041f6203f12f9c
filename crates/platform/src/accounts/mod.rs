//! Accounts: one identity model for operators, developer administrators, merchants (shop
//! owners) and merchant staff sub-accounts.
//!
//! A merchant's user id, as apps see it through OAuth and the API, is its account id. A staff
//! account belongs to exactly one main (merchant) account and acts for it.

mod credentials;
pub mod merchants;
mod throttle;

pub use credentials::{
    ApiToken, Session, authenticate, create_api_token, create_session, delete_session,
    list_api_tokens, revoke_api_token, session_account, token_account,
};
pub use merchants::{Shop, create_merchant, create_staff, list_staff, set_staff_disabled, shop_of};
pub use throttle::LoginThrottle;

use kaifang_store::{Row, Tx, args};

use crate::crypto::hash_password;
use crate::{Error, Platform, Result};

/// What kind of identity an account is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Platform staff: reviews and configures.
    Operator,
    /// A developer company's administrator (not a merchant).
    Developer,
    /// A shop owner. May also hold a developer profile (a merchant developer).
    Merchant,
    /// A merchant's staff sub-account.
    Staff,
}

impl Role {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Developer => "developer",
            Role::Merchant => "merchant",
            Role::Staff => "staff",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "operator" => Role::Operator,
            "developer" => Role::Developer,
            "merchant" => Role::Merchant,
            "staff" => Role::Staff,
            other => return Err(Error::internal(format!("unknown stored role {other:?}"))),
        })
    }
}

/// An identity.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Account {
    /// Id; for merchants also the user id apps see.
    pub id: i64,
    /// Login name (an e-mail for developers).
    pub login: String,
    /// Display name.
    pub name: String,
    /// Kind of identity.
    pub role: Role,
    /// For staff: the merchant account it belongs to.
    pub main_account_id: Option<i64>,
    /// A disabled account cannot log in, and a disabled staff account's tokens stop refreshing.
    pub disabled: bool,
    /// Creation time, ms.
    pub created_at: i64,
}

impl Account {
    /// The merchant this account acts for: itself for a merchant, its main account for staff.
    pub fn merchant_id(&self) -> Option<i64> {
        match self.role {
            Role::Merchant => Some(self.id),
            Role::Staff => self.main_account_id,
            _ => None,
        }
    }

    /// Fails unless this is an operator.
    pub fn require_operator(&self) -> Result<()> {
        if self.role == Role::Operator {
            Ok(())
        } else {
            Err(Error::forbidden("only platform operators may do this"))
        }
    }

    pub(crate) fn from_row(r: &Row) -> Result<Self> {
        Ok(Account {
            id: r.i64("id")?,
            login: r.text("login")?,
            name: r.text("name")?,
            role: Role::parse(&r.text("role")?)?,
            main_account_id: r.opt_i64("main_account_id")?,
            disabled: r.bool("disabled")?,
            created_at: r.i64("created_at")?,
        })
    }
}

/// What is needed to create an account.
#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    /// Login name.
    pub login: &'a str,
    /// Password in the clear (hashed here).
    pub password: &'a str,
    /// Display name.
    pub name: &'a str,
    /// Kind.
    pub role: Role,
    /// Main account, for staff.
    pub main_account_id: Option<i64>,
}

/// Checks a login and a password for the rules every account follows.
pub fn validate_credentials(login: &str, password: &str) -> Result<()> {
    if login.trim().is_empty() || login.len() > 100 || login.chars().any(char::is_whitespace) {
        return Err(Error::invalid(
            "login must be 1 to 100 characters without spaces",
        ));
    }
    if password.chars().count() < 8 || password.len() > 200 {
        return Err(Error::invalid(
            "password must be at least 8 characters (at most 200)",
        ));
    }
    Ok(())
}

/// Whether `s` looks like an e-mail address (one `@`, a dot in the domain, no spaces).
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !s.chars().any(char::is_whitespace)
        && s.len() <= 100
}

/// Inserts an account inside the caller's transaction.
pub async fn insert(p: &Platform, tx: &mut Tx, new: NewAccount<'_>) -> Result<Account> {
    validate_credentials(new.login, new.password)?;
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::invalid("name must be 1 to 100 characters"));
    }
    let hash = hash_password(new.password).await?;
    let now = p.now();
    let id = tx
        .scalar(
            "INSERT INTO accounts (login, password_hash, name, role, main_account_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &args![
                new.login,
                hash,
                name,
                new.role.as_str(),
                new.main_account_id,
                now
            ],
        )
        .await
        .map_err(|e| {
            if e.is_unique() {
                Error::conflict(format!("login {:?} is taken; choose another", new.login))
            } else {
                e.into()
            }
        })?;
    Ok(Account {
        id,
        login: new.login.to_string(),
        name: name.to_string(),
        role: new.role,
        main_account_id: new.main_account_id,
        disabled: false,
        created_at: now,
    })
}

/// Creates an account in its own transaction.
pub async fn create(p: &Platform, new: NewAccount<'_>) -> Result<Account> {
    let mut tx = p.db.begin().await?;
    let a = insert(p, &mut tx, new).await?;
    tx.commit().await?;
    Ok(a)
}

/// Looks an account up by id.
pub async fn get(p: &Platform, id: i64) -> Result<Account> {
    find(p, id)
        .await?
        .ok_or_else(|| Error::not_found(format!("user {id} does not exist")))
}

/// Looks an account up by id, if it exists.
pub async fn find(p: &Platform, id: i64) -> Result<Option<Account>> {
    p.db.fetch_optional(
        "SELECT id, login, name, role, main_account_id, disabled, created_at FROM accounts WHERE id = $1",
        &args![id],
    ).await?.as_ref().map(Account::from_row).transpose()
}

/// Looks an account up by login.
pub async fn find_by_login(p: &Platform, login: &str) -> Result<Option<(Account, String)>> {
    let row =
        p.db.fetch_optional(
            "SELECT id, login, name, role, main_account_id, disabled, created_at, password_hash
             FROM accounts WHERE login = $1",
            &args![login],
        )
        .await?;
    match row {
        Some(r) => Ok(Some((Account::from_row(&r)?, r.text("password_hash")?))),
        None => Ok(None),
    }
}
