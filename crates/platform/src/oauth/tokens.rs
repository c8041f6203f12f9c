//! Tokens (protocol-notes §3.2–3.6): code exchange, `client_credentials`, refresh rotation,
//! and the console's test-user helpers (复制token / 刷新code).
//!
//! Refresh rotation: each refresh marks the presented refresh token rotated with a conditional
//! UPDATE inside the transaction, so of two concurrent refreshes exactly one rotates. For the
//! grace window (`rules.oauth.refresh_grace`, 5 minutes) the rotated token answers with the
//! *same* successor pair, sealed with the vault in the rotated row; the second of two racing
//! callers, or a client retrying after a lost response, gets what the first got, and the token
//! chain never forks. After the window, or once the successor itself was rotated, the old token
//! answers `refreshToken.discarded`. The successor inherits the refresh expiry, so
//! `refresh_token_expires_in` shrinks until the merchant must authorize again.

use kaifang_store::{Tx, args};
use serde_json::json;

use super::{Denial, GrantKind, authorizations, codes, open_ids, split_scopes};
use crate::accounts::{self, Account};
use crate::apps::users::{self, UserList};
use crate::apps::{self, AppState, credentials, packages};
use crate::crypto::{random_token, token_hash};
use crate::{Error, Platform, Result};

/// A token endpoint's success body: flat, the superset of the fields clients read (§3.5).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    /// Always 1.
    pub result: i64,
    /// The access token (48 h).
    pub access_token: String,
    /// `bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// The refresh token (code flow only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Seconds until the refresh token expires (inherited across rotations).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token_expires_in: Option<i64>,
    /// The consenting user's id for this developer (code flow only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_id: Option<String>,
    /// The scopes the token carries, as a JSON array.
    pub scopes: Vec<String>,
    /// The same scopes, comma-separated (for clients that read a `scope` string).
    pub scope: String,
}

/// An app that authenticated with its app secret.
#[derive(Debug, Clone)]
pub struct ClientApp {
    /// Id.
    pub app_id: i64,
    /// appKey.
    pub app_key: String,
    /// Its developer (open_ids are per developer).
    pub developer_id: i64,
}

/// Whether an app in `state` may get tokens: it has credentials and is not offline.
pub fn may_get_tokens(state: AppState) -> bool {
    state.has_credentials() && state != AppState::Offline
}

fn state_denial(state: AppState) -> String {
    format!(
        "the app is {}: only apps that are developing, scanning, in launch review or online get tokens",
        state.as_str()
    )
}

/// Checks `app_id` (the appKey) and `app_secret` (current, or the rotated-out one during its
/// overlap; compared in constant time) and the app's state.
pub async fn authenticate_client(
    p: &Platform,
    app_id: Option<&str>,
    app_secret: Option<&str>,
) -> Result<ClientApp, Denial> {
    let app_key = app_id
        .filter(|s| !s.is_empty())
        .ok_or(Denial::MissingParameter("app_id"))?;
    let secret = app_secret
        .filter(|s| !s.is_empty())
        .ok_or(Denial::MissingParameter("app_secret"))?;
    let unknown = || {
        Denial::UnauthorizedClient(format!(
            "app_id {app_key:?} is not a known appKey: use the appKey shown with the app's credentials"
        ))
    };
    let Some(secrets) = credentials::active_secrets(p, app_key).await? else {
        return Err(unknown());
    };
    if !secrets.app_secret_matches(secret, p.now()) {
        return Err(Denial::UnauthorizedClient(
            "app_secret is wrong for this app_id: use the app's current appSecret".into(),
        ));
    }
    let app = apps::resolve(p, app_key).await.map_err(|_| unknown())?;
    if !may_get_tokens(app.state) {
        return Err(Denial::UnauthorizedClient(state_denial(app.state)));
    }
    Ok(ClientApp {
        app_id: app.id,
        app_key: app_key.to_string(),
        developer_id: app.developer_id,
    })
}

fn seconds_until(at: i64, now: i64) -> i64 {
    ((at - now) / 1000).max(0)
}

/// The user-token fields shared by a new pair and its rotations.
struct UserGrant<'a> {
    app_id: i64,
    authorization_id: i64,
    user_id: i64,
    account_id: i64,
    open_id: &'a str,
    scopes: &'a [String],
}

/// Inserts an access + refresh pair; returns its row id and the response.
async fn insert_pair(
    p: &Platform,
    tx: &mut Tx,
    g: &UserGrant<'_>,
    refresh_expires_at: i64,
    parent_id: Option<i64>,
    now: i64,
) -> Result<(i64, TokenResponse)> {
    let access = random_token("kfa_");
    let refresh = random_token("kfr_");
    let access_expires_at = now + p.rules.oauth.access_ttl;
    let id = tx
        .scalar(
            "INSERT INTO oauth_tokens (kind, app_id, authorization_id, user_id, account_id, open_id, scopes,
                access_hash, access_expires_at, refresh_hash, refresh_expires_at, parent_id, created_at)
             VALUES ('user', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
            &args![
                g.app_id,
                g.authorization_id,
                g.user_id,
                g.account_id,
                g.open_id,
                g.scopes.join(","),
                token_hash(&access),
                access_expires_at,
                token_hash(&refresh),
                refresh_expires_at,
                parent_id,
                now
            ],
        )
        .await?;
    Ok((
        id,
        TokenResponse {
            result: 1,
            access_token: access,
            token_type: "bearer".into(),
            expires_in: seconds_until(access_expires_at, now),
            refresh_token: Some(refresh),
            refresh_token_expires_in: Some(seconds_until(refresh_expires_at, now)),
            open_id: Some(g.open_id.to_string()),
            scopes: g.scopes.to_vec(),
            scope: g.scopes.join(","),
        },
    ))
}

/// Whether the authorization behind a token has ended, or the consenting account (or its
/// merchant) is disabled.
async fn authorization_ended(
    tx: &mut Tx,
    authorization_id: i64,
    account_id: i64,
    now: i64,
) -> Result<bool> {
    let r = tx
        .fetch_optional(
            "SELECT z.revoked_at, z.expires_at, acc.disabled AS account_disabled, m.disabled AS user_disabled
             FROM oauth_authorizations z
             JOIN accounts acc ON acc.id = $2
             JOIN accounts m ON m.id = z.user_id
             WHERE z.id = $1",
            &args![authorization_id, account_id],
        )
        .await?;
    let Some(r) = r else { return Ok(true) };
    Ok(r.opt_i64("revoked_at")?.is_some()
        || r.opt_i64("expires_at")?.is_some_and(|e| e <= now)
        || r.i64("account_disabled")? != 0
        || r.i64("user_disabled")? != 0)
}

/// `grant_type=code` (or `authorization_code`): exchanges a code for a token pair.
pub async fn exchange_code(
    p: &Platform,
    client: &ClientApp,
    code: Option<&str>,
    redirect_uri: Option<&str>,
) -> Result<TokenResponse, Denial> {
    let code = code
        .filter(|s| !s.is_empty())
        .ok_or(Denial::MissingParameter("code"))?;
    let now = p.now();
    let mut tx = p.db.begin().await?;
    let red = codes::redeem(p, &mut tx, client.app_id, code)
        .await?
        .map_err(|why| Denial::InvalidGrant(why.into()))?;
    if let Some(uri) = redirect_uri.filter(|u| !u.is_empty())
        && uri != red.redirect_uri
    {
        return Err(Denial::InvalidGrant(
            "redirect_uri differs from the one the code was issued for: send the same, or leave it out".into(),
        ));
    }
    if authorization_ended(&mut tx, red.authorization_id, red.account_id, now).await? {
        return Err(Denial::InvalidGrant(
            "the merchant's authorization ended before the code was exchanged: ask the merchant to authorize again".into(),
        ));
    }
    let user_id = tx
        .scalar(
            "SELECT user_id FROM oauth_authorizations WHERE id = $1",
            &args![red.authorization_id],
        )
        .await?;
    let open_id = open_ids::ensure(&mut tx, client.developer_id, red.account_id, now).await?;
    let (_, resp) = insert_pair(
        p,
        &mut tx,
        &UserGrant {
            app_id: red.app_id,
            authorization_id: red.authorization_id,
            user_id,
            account_id: red.account_id,
            open_id: &open_id,
            scopes: &red.scopes,
        },
        now + p.rules.oauth.refresh_ttl,
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(resp)
}

/// `grant_type=client_credentials`: an app-level token over the app's packages, no user and no
/// refresh token.
pub async fn client_credentials(p: &Platform, client: &ClientApp) -> Result<TokenResponse, Denial> {
    let scopes = packages::granted(p, client.app_id).await?;
    let now = p.now();
    let access = random_token("kfa_");
    let expires_at = now + p.rules.oauth.access_ttl;
    p.db.execute(
        "INSERT INTO oauth_tokens (kind, app_id, scopes, access_hash, access_expires_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &args![
            GrantKind::App.as_str(),
            client.app_id,
            scopes.join(","),
            token_hash(&access),
            expires_at,
            now
        ],
    )
    .await?;
    Ok(TokenResponse {
        result: 1,
        access_token: access,
        token_type: "bearer".into(),
        expires_in: seconds_until(expires_at, now),
        refresh_token: None,
        refresh_token_expires_in: None,
        open_id: None,
        scope: scopes.join(","),
        scopes,
    })
}

/// The purpose a successor pair is sealed under: bound to the rotated row, so a sealed value
/// copied to another row does not open.
fn successor_purpose(id: i64) -> String {
    format!("oauth_successor:{id}")
}

/// `/oauth2/refresh_token`: rotates a refresh token (see the module docs).
pub async fn refresh(
    p: &Platform,
    client: &ClientApp,
    refresh_token: Option<&str>,
) -> Result<TokenResponse, Denial> {
    let refresh_token = refresh_token
        .filter(|s| !s.is_empty())
        .ok_or(Denial::MissingParameter("refresh_token"))?;
    let now = p.now();
    let mut tx = p.db.begin().await?;
    let r = tx
        .fetch_optional(
            "SELECT id, app_id, authorization_id, user_id, account_id, open_id, scopes, refresh_expires_at, parent_id
             FROM oauth_tokens WHERE refresh_hash = $1 AND kind = 'user'",
            &args![token_hash(refresh_token)],
        )
        .await?
        .ok_or(Denial::RefreshInvalid)?;
    let id = r.i64("id")?;
    let refresh_expires_at = r.opt_i64("refresh_expires_at")?.unwrap_or(0);
    if r.i64("app_id")? != client.app_id || refresh_expires_at <= now {
        return Err(Denial::RefreshInvalid);
    }
    let (Some(authorization_id), Some(user_id), Some(account_id), Some(open_id)) = (
        r.opt_i64("authorization_id")?,
        r.opt_i64("user_id")?,
        r.opt_i64("account_id")?,
        r.opt_text("open_id")?,
    ) else {
        return Err(Denial::RefreshInvalid);
    };
    if authorization_ended(&mut tx, authorization_id, account_id, now).await? {
        return Err(Denial::RefreshRevoked);
    }
    let rotated = tx
        .execute(
            "UPDATE oauth_tokens SET rotated_at = $1 WHERE id = $2 AND rotated_at IS NULL",
            &args![now, id],
        )
        .await?;
    if rotated == 1 {
        let scopes = split_scopes(&r.text("scopes")?);
        let (_, resp) = insert_pair(
            p,
            &mut tx,
            &UserGrant {
                app_id: client.app_id,
                authorization_id,
                user_id,
                account_id,
                open_id: &open_id,
                scopes: &scopes,
            },
            refresh_expires_at,
            Some(id),
            now,
        )
        .await?;
        let sealed = p.vault.seal_str(
            &successor_purpose(id),
            &json!({"access_token": resp.access_token, "refresh_token": resp.refresh_token})
                .to_string(),
        );
        tx.execute(
            "UPDATE oauth_tokens SET successor_enc = $1 WHERE id = $2",
            &args![sealed, id],
        )
        .await?;
        // The chain moved on: the grandparent's grace ends now.
        if let Some(parent) = r.opt_i64("parent_id")? {
            tx.execute(
                "UPDATE oauth_tokens SET successor_enc = NULL WHERE id = $1",
                &args![parent],
            )
            .await?;
        }
        tx.commit().await?;
        return Ok(resp);
    }
    // Rotated before (or by a concurrent refresh that committed first).
    let s = tx
        .fetch_one(
            "SELECT t.rotated_at, t.successor_enc, s.access_expires_at, s.refresh_expires_at, s.open_id, s.scopes
             FROM oauth_tokens t LEFT JOIN oauth_tokens s ON s.parent_id = t.id WHERE t.id = $1",
            &args![id],
        )
        .await?;
    let sealed = s.opt_bytes("successor_enc")?;
    let in_grace = s
        .opt_i64("rotated_at")?
        .is_some_and(|at| at + p.rules.oauth.refresh_grace > now);
    match sealed {
        Some(sealed) if in_grace => {
            let pair: serde_json::Value =
                serde_json::from_str(&p.vault.open_str(&successor_purpose(id), &sealed)?)
                    .map_err(Error::internal)?;
            let text = |k: &str| pair[k].as_str().map(str::to_string);
            let scopes = split_scopes(&s.opt_text("scopes")?.unwrap_or_default());
            Ok(TokenResponse {
                result: 1,
                access_token: text("access_token").ok_or_else(|| Error::internal("sealed pair"))?,
                token_type: "bearer".into(),
                expires_in: seconds_until(s.opt_i64("access_expires_at")?.unwrap_or(0), now),
                refresh_token: text("refresh_token"),
                refresh_token_expires_in: Some(seconds_until(
                    s.opt_i64("refresh_expires_at")?.unwrap_or(0),
                    now,
                )),
                open_id: s.opt_text("open_id")?,
                scope: scopes.join(","),
                scopes,
            })
        }
        Some(_) => {
            // Past the window: forget the sealed pair.
            tx.execute(
                "UPDATE oauth_tokens SET successor_enc = NULL WHERE id = $1",
                &args![id],
            )
            .await?;
            tx.commit().await?;
            Err(Denial::RefreshDiscarded)
        }
        None => Err(Denial::RefreshDiscarded),
    }
}

/// The app, the merchant and the app's packages for a console helper on a test user.
async fn test_user_consent(
    p: &Platform,
    owner: &Account,
    app_key: &str,
    user_id: i64,
) -> Result<(apps::App, Account, Vec<String>)> {
    let app = apps::owned(p, owner, app_key).await?;
    if !may_get_tokens(app.state) {
        return Err(Error::state(state_denial(app.state)));
    }
    if !users::is_listed(p, app.id, user_id, UserList::Test).await? {
        return Err(Error::not_found(format!(
            "user {user_id} is not a test user of app {}; add it first",
            app.id
        )));
    }
    let merchant = accounts::get(p, user_id).await?;
    let scopes = packages::granted(p, app.id).await?;
    Ok((app, merchant, scopes))
}

/// 刷新code: a code as if the test user had just consented to all of the app's packages.
pub async fn test_user_code(
    p: &Platform,
    owner: &Account,
    app_key: &str,
    user_id: i64,
) -> Result<String> {
    let (app, merchant, scopes) = test_user_consent(p, owner, app_key, user_id).await?;
    let mut tx = p.db.begin().await?;
    let (authorization_id, _) = authorizations::grant(
        p,
        &mut tx,
        app.id,
        &merchant,
        &scopes,
        authorizations::Source::Test,
    )
    .await?;
    let code = codes::issue(
        p,
        &mut tx,
        app.id,
        authorization_id,
        merchant.id,
        &scopes,
        &app.callback_url,
    )
    .await?;
    tx.commit().await?;
    Ok(code)
}

/// 复制token: a token pair for the test user over all of the app's packages (48 h).
pub async fn test_user_token(
    p: &Platform,
    owner: &Account,
    app_key: &str,
    user_id: i64,
) -> Result<TokenResponse> {
    let (app, merchant, scopes) = test_user_consent(p, owner, app_key, user_id).await?;
    let now = p.now();
    let mut tx = p.db.begin().await?;
    let (authorization_id, _) = authorizations::grant(
        p,
        &mut tx,
        app.id,
        &merchant,
        &scopes,
        authorizations::Source::Test,
    )
    .await?;
    let open_id = open_ids::ensure(&mut tx, app.developer_id, merchant.id, now).await?;
    let (_, resp) = insert_pair(
        p,
        &mut tx,
        &UserGrant {
            app_id: app.id,
            authorization_id,
            user_id: merchant.id,
            account_id: merchant.id,
            open_id: &open_id,
            scopes: &scopes,
        },
        now + p.rules.oauth.refresh_ttl,
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(resp)
}
