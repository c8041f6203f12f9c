//! Logging in: password checks, console sessions and personal API tokens (bearer) for
//! automation. Session ids and tokens are stored only as SHA-256 hashes.

use kaifang_store::args;

use super::{Account, find_by_login};
use crate::crypto::{random_token, token_hash, verify_password};
use crate::{Error, Platform, Result};

/// A new console session. The token goes into a cookie; the CSRF token into forms.
#[derive(Debug, Clone)]
pub struct Session {
    /// The session id (secret).
    pub token: String,
    /// The CSRF token bound to this session.
    pub csrf_token: String,
    /// When it expires, ms.
    pub expires_at: i64,
}

/// A personal API token as listed (the secret itself is shown once, at creation).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    /// Id.
    pub id: i64,
    /// The name the owner gave it.
    pub name: String,
    /// Creation time, ms.
    pub created_at: i64,
    /// Last use, ms.
    pub last_used_at: Option<i64>,
}

/// Checks a login and password. The same message for an unknown login and a wrong password,
/// so the answer does not reveal which logins exist.
pub async fn authenticate(p: &Platform, login: &str, password: &str) -> Result<Account> {
    const WRONG: &str = "login or password is wrong";
    if let Err(wait) = p.login_throttle.check(login, p.now()) {
        return Err(Error::throttled(format!(
            "too many wrong passwords for this login; try again in {} minutes",
            wait / 60_000 + 1
        )));
    }
    let found = find_by_login(p, login).await?;
    let ok = match &found {
        Some((_, hash)) => verify_password(password, hash).await,
        None => {
            // Spend the same time as a real check so timing does not reveal the login either.
            let _ = verify_password(password, DUMMY_HASH).await;
            false
        }
    };
    let Some((account, _)) = found.filter(|_| ok) else {
        p.login_throttle.fail(login, p.now());
        return Err(Error::unauthenticated(WRONG));
    };
    p.login_throttle.succeed(login);
    if account.disabled {
        return Err(Error::forbidden(
            "this account is disabled; ask its main account or an operator",
        ));
    }
    Ok(account)
}

/// An Argon2id hash of a random password, checked against when the login is unknown.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2Rxbfwqy9zP0yTmpNb8ZdXyWLtRe6m1Xl/YyuJN9mHE";

/// Opens a console session for an authenticated account.
pub async fn create_session(p: &Platform, account: &Account) -> Result<Session> {
    let token = random_token("kfs_");
    let csrf_token = random_token("");
    let now = p.now();
    let expires_at = now + p.rules.session_ttl;
    p.db.execute(
        "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        &args![token_hash(&token), account.id, csrf_token.as_str(), now, expires_at],
    )
    .await?;
    Ok(Session {
        token,
        csrf_token,
        expires_at,
    })
}

/// The account and CSRF token behind a live session id.
pub async fn session_account(p: &Platform, token: &str) -> Result<Option<(Account, String)>> {
    let row = p
        .db
        .fetch_optional(
            "SELECT a.id, a.login, a.name, a.role, a.main_account_id, a.disabled, a.created_at, s.csrf_token
             FROM sessions s JOIN accounts a ON a.id = s.account_id
             WHERE s.token_hash = $1 AND s.expires_at > $2",
            &args![token_hash(token), p.now()],
        )
        .await?;
    match row {
        Some(r) => {
            let a = Account::from_row(&r)?;
            Ok((!a.disabled).then_some((a, r.text("csrf_token")?)))
        }
        None => Ok(None),
    }
}

/// Ends a session (log out).
pub async fn delete_session(p: &Platform, token: &str) -> Result<()> {
    p.db.execute(
        "DELETE FROM sessions WHERE token_hash = $1",
        &args![token_hash(token)],
    )
    .await?;
    Ok(())
}

/// Creates a personal API token; the returned secret is shown once.
pub async fn create_api_token(
    p: &Platform,
    account: &Account,
    name: &str,
) -> Result<(ApiToken, String)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::invalid("token name must be 1 to 100 characters"));
    }
    let secret = random_token("kft_");
    let now = p.now();
    let id = p
        .db
        .scalar(
            "INSERT INTO api_tokens (token_hash, account_id, name, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            &args![token_hash(&secret), account.id, name, now],
        )
        .await?;
    Ok((
        ApiToken {
            id,
            name: name.to_string(),
            created_at: now,
            last_used_at: None,
        },
        secret,
    ))
}

/// The account behind a bearer API token.
pub async fn token_account(p: &Platform, token: &str) -> Result<Option<Account>> {
    let hash = token_hash(token);
    let row = p
        .db
        .fetch_optional(
            "SELECT a.id, a.login, a.name, a.role, a.main_account_id, a.disabled, a.created_at, t.id AS token_id, t.last_used_at
             FROM api_tokens t JOIN accounts a ON a.id = t.account_id
             WHERE t.token_hash = $1 AND t.revoked = 0",
            &args![hash],
        )
        .await?;
    let Some(r) = row else { return Ok(None) };
    let account = Account::from_row(&r)?;
    if account.disabled {
        return Ok(None);
    }
    // Record use at most once a minute: a busy automation must not turn reads into writes.
    let now = p.now();
    if r.opt_i64("last_used_at")?
        .is_none_or(|t| now - t > crate::clock::MINUTE)
    {
        p.db.execute(
            "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2",
            &args![now, r.i64("token_id")?],
        )
        .await?;
    }
    Ok(Some(account))
}

/// The account's API tokens.
pub async fn list_api_tokens(p: &Platform, account: &Account) -> Result<Vec<ApiToken>> {
    let rows = p
        .db
        .fetch_all(
            "SELECT id, name, created_at, last_used_at FROM api_tokens WHERE account_id = $1 AND revoked = 0 ORDER BY id",
            &args![account.id],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(ApiToken {
                id: r.i64("id")?,
                name: r.text("name")?,
                created_at: r.i64("created_at")?,
                last_used_at: r.opt_i64("last_used_at")?,
            })
        })
        .collect()
}

/// Revokes one of the account's API tokens.
pub async fn revoke_api_token(p: &Platform, account: &Account, id: i64) -> Result<()> {
    let n =
        p.db.execute(
            "UPDATE api_tokens SET revoked = 1 WHERE id = $1 AND account_id = $2",
            &args![id, account.id],
        )
        .await?;
    if n == 0 {
        return Err(Error::not_found(format!("API token {id} does not exist")));
    }
    Ok(())
}
