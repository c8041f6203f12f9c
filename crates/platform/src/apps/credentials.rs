//! App credentials, issued on approval: appKey (`ks` + 18 digits), appSecret (authenticates
//! OAuth calls), signSecret (signs API calls; 32 hex), push key (Base64 of 16 random bytes,
//! encrypts pushed messages). Secrets are sealed at rest; a rotated secret keeps working for
//! `rules.secret_overlap` so running deployments can switch without downtime.

use base64::Engine;
use kaifang_store::{Tx, args};

use super::owned;
use crate::accounts::Account;
use crate::crypto::{random_bytes, random_digits, random_hex};
use crate::{Error, Platform, Result};

/// The four credentials of an app, in the clear (only ever returned on explicit reveal).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AppCredentials {
    /// App key (also `app_id` / `client_id` in OAuth).
    pub app_key: String,
    /// App secret.
    pub app_secret: String,
    /// Sign secret.
    pub sign_secret: String,
    /// Push (message) key.
    pub push_key: String,
}

/// What the gateway and OAuth server need to check an app's calls: current and, during an
/// overlap, previous secrets.
#[derive(Debug, Clone)]
pub struct ActiveSecrets {
    /// App id.
    pub app_id: i64,
    /// Current app secret.
    pub app_secret: String,
    /// Rotated-out app secret and until when it still works.
    pub prev_app_secret: Option<(String, i64)>,
    /// Current sign secret.
    pub sign_secret: String,
    /// Rotated-out sign secret and until when it still works.
    pub prev_sign_secret: Option<(String, i64)>,
    /// Push key.
    pub push_key: String,
}

impl ActiveSecrets {
    /// The sign secrets valid at `now`, current first.
    pub fn sign_secrets(&self, now: i64) -> impl Iterator<Item = &str> {
        std::iter::once(self.sign_secret.as_str()).chain(
            self.prev_sign_secret
                .iter()
                .filter(move |(_, until)| *until > now)
                .map(|(s, _)| s.as_str()),
        )
    }

    /// Whether `given` is a valid app secret at `now` (constant-time comparisons).
    pub fn app_secret_matches(&self, given: &str, now: i64) -> bool {
        let current = crate::crypto::secret_eq(&self.app_secret, given);
        let previous = self
            .prev_app_secret
            .as_ref()
            .is_some_and(|(s, until)| *until > now && crate::crypto::secret_eq(s, given));
        current | previous
    }
}

/// Which secret to rotate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SecretKind {
    /// The app secret.
    AppSecret,
    /// The sign secret.
    SignSecret,
}

/// Issues credentials inside the approving transaction. An app approved again keeps its own.
pub(crate) async fn issue(p: &Platform, tx: &mut Tx, app_id: i64) -> Result<()> {
    let existing = tx
        .fetch_optional("SELECT app_key FROM apps WHERE id = $1", &args![app_id])
        .await?;
    if existing
        .and_then(|r| r.opt_text("app_key").ok().flatten())
        .is_some()
    {
        return Ok(());
    }
    let push_key = base64::engine::general_purpose::STANDARD.encode(random_bytes::<16>());
    // 18 random digits collide once in ~10^9 apps; the unique index turns a collision into an
    // error rather than shared credentials, so try a few times.
    for _ in 0..5 {
        let app_key = format!("ks{}", random_digits(18));
        let r = tx
            .execute(
                "UPDATE apps SET app_key = $1, app_secret_enc = $2, sign_secret_enc = $3, push_key_enc = $4, approved_at = $5
                 WHERE id = $6",
                &args![
                    app_key.as_str(),
                    p.vault.seal_str("app_secret", &random_hex(32)),
                    p.vault.seal_str("sign_secret", &random_hex(32)),
                    p.vault.seal_str("push_key", &push_key),
                    p.now(),
                    app_id
                ],
            )
            .await;
        match r {
            Ok(_) => return Ok(()),
            Err(e) if e.is_unique() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::internal("could not draw a unique app key"))
}

/// The secrets of an app by key, for the OAuth server and the gateway. `None` if the app has
/// no credentials (never approved, or deleted).
pub async fn active_secrets(p: &Platform, app_key: &str) -> Result<Option<ActiveSecrets>> {
    let r = p
        .db
        .fetch_optional(
            "SELECT id, app_secret_enc, sign_secret_enc, push_key_enc, prev_app_secret_enc, prev_app_secret_until,
                prev_sign_secret_enc, prev_sign_secret_until
             FROM apps WHERE app_key = $1 AND state <> 'deleted'",
            &args![app_key],
        )
        .await?;
    let Some(r) = r else { return Ok(None) };
    let v = &p.vault;
    let prev = |col: &str, until: &str, purpose: &str| -> Result<Option<(String, i64)>> {
        match (r.opt_bytes(col)?, r.opt_i64(until)?) {
            (Some(b), Some(t)) => Ok(Some((v.open_str(purpose, &b)?, t))),
            _ => Ok(None),
        }
    };
    Ok(Some(ActiveSecrets {
        app_id: r.i64("id")?,
        app_secret: v.open_str("app_secret", &r.bytes("app_secret_enc")?)?,
        prev_app_secret: prev("prev_app_secret_enc", "prev_app_secret_until", "app_secret")?,
        sign_secret: v.open_str("sign_secret", &r.bytes("sign_secret_enc")?)?,
        prev_sign_secret: prev(
            "prev_sign_secret_enc",
            "prev_sign_secret_until",
            "sign_secret",
        )?,
        push_key: v.open_str("push_key", &r.bytes("push_key_enc")?)?,
    }))
}

/// Reveals an app's credentials to its developer.
pub async fn reveal(p: &Platform, owner: &Account, key: &str) -> Result<AppCredentials> {
    let app = owned(p, owner, key).await?;
    let app_key = app.app_key.ok_or_else(|| {
        Error::state("credentials are issued when the app is approved; this app is not yet")
    })?;
    let s = active_secrets(p, &app_key)
        .await?
        .ok_or_else(|| Error::state("the app has no credentials"))?;
    Ok(AppCredentials {
        app_key,
        app_secret: s.app_secret,
        sign_secret: s.sign_secret,
        push_key: s.push_key,
    })
}

/// Replaces a secret; the old one stays valid for the configured overlap.
pub async fn rotate(
    p: &Platform,
    owner: &Account,
    key: &str,
    which: SecretKind,
) -> Result<AppCredentials> {
    let app = owned(p, owner, key).await?;
    if !app.state.has_credentials() {
        return Err(Error::state(format!(
            "an app that is {} has no credentials to rotate",
            app.state.as_str()
        )));
    }
    let (purpose, sql): (&str, &'static str) = match which {
        SecretKind::AppSecret => (
            "app_secret",
            "UPDATE apps SET prev_app_secret_enc = app_secret_enc, prev_app_secret_until = $1, app_secret_enc = $2,
                updated_at = $3 WHERE id = $4",
        ),
        SecretKind::SignSecret => (
            "sign_secret",
            "UPDATE apps SET prev_sign_secret_enc = sign_secret_enc, prev_sign_secret_until = $1, sign_secret_enc = $2,
                updated_at = $3 WHERE id = $4",
        ),
    };
    let now = p.now();
    p.db.execute(
        sql,
        &args![
            now + p.rules.secret_overlap,
            p.vault.seal_str(purpose, &random_hex(32)),
            now,
            app.id
        ],
    )
    .await?;
    p.bump_generation();
    reveal(p, owner, key).await
}
