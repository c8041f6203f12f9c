//! The OAuth 2.0 authorization server (protocol-notes §3, APP授权说明, FAQ K0002–K0011).
//!
//! - [`consent`]: the authorization page's checks (app, callback, scopes, who may authorize)
//!   and the merchant's approval, which records an [`authorizations::Authorization`] and
//!   issues a code.
//! - [`tokens`]: code → token exchange, `client_credentials`, refresh rotation, and the
//!   console's test-user helpers.
//! - [`authorizations`]: the records of consent, their 10-day test end, revocation.
//! - [`open_ids`]: a user's stable, opaque id per developer.
//! - [`check_access_token`]: the gateway's one lookup per (uncached) access token.
//!
//! Codes and tokens are stored only as SHA-256 hashes ([`crate::crypto::token_hash`]). Every
//! write that ends an authorization calls [`Platform::bump_generation`] after commit.

pub mod authorizations;
mod codes;
pub mod consent;
pub mod open_ids;
pub mod tokens;

use kaifang_store::args;

use crate::clock::{DAY, HOUR, MINUTE, Millis};
use crate::crypto::token_hash;
use crate::{Error, Platform, Result};

pub use authorizations::{Authorization, AuthorizationStatus, Source};
pub use consent::{AuthorizeRequest, ConsentPlan, PageError};
pub use tokens::{ClientApp, TokenResponse};

/// OAuth lifetimes (protocol-notes §3.1, §3.5, §3.6, §6.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthRules {
    /// How long an authorization code can be exchanged (2 minutes).
    pub code_ttl: Millis,
    /// Access-token lifetime (48 h, `expires_in` 172800).
    pub access_ttl: Millis,
    /// Refresh-token lifetime from the original grant; rotations inherit it (180 days).
    pub refresh_ttl: Millis,
    /// How long a rotated refresh token still answers, with the same successor pair, so that a
    /// client whose refresh response was lost (timeout, crash, two workers refreshing at once)
    /// is not locked out of the merchant's data. The platform documents "within 5 minutes".
    pub refresh_grace: Millis,
    /// How long a test user's authorization lasts (10 days), then result 24.
    pub test_authorization_ttl: Millis,
}

impl Default for OAuthRules {
    fn default() -> Self {
        OAuthRules {
            code_ttl: 2 * MINUTE,
            access_ttl: 48 * HOUR,
            refresh_ttl: 180 * DAY,
            refresh_grace: 5 * MINUTE,
            test_authorization_ttl: 10 * DAY,
        }
    }
}

/// How a token was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantKind {
    /// Code flow: an app acting for one merchant (`APP + 权限组 + 用户`).
    User,
    /// `client_credentials`: the app itself, no user (`APP + 权限组`). The gateway answers
    /// result 26 (主账号不存在) when such a token is used on a user-authorized API.
    App,
}

impl GrantKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            GrantKind::User => "user",
            GrantKind::App => "app",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "user" => Ok(GrantKind::User),
            "app" => Ok(GrantKind::App),
            other => Err(Error::internal(format!("unknown token kind {other:?}"))),
        }
    }
}

/// What a valid access token grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessGrant {
    /// The app.
    pub app_id: i64,
    /// The app's key.
    pub app_key: String,
    /// Code flow or client credentials.
    pub kind: GrantKind,
    /// The merchant (main account) whose data the token reaches; `None` for [`GrantKind::App`].
    pub user_id: Option<i64>,
    /// The account that consented (the merchant or one of its staff); `None` for App.
    pub account_id: Option<i64>,
    /// The consenting account's id as the app's developer sees it; `None` for App.
    pub open_id: Option<String>,
    /// The scopes the token carries.
    pub scopes: Vec<String>,
    /// Access-token expiry, ms.
    pub expires_at: i64,
    /// The authorization behind a user token.
    pub authorization_id: Option<i64>,
    /// When that authorization ends by itself (a test authorization's 10-day end), ms.
    pub authorization_ends_at: Option<i64>,
}

impl AccessGrant {
    /// Whether the grant still holds at `now` (the access token and its authorization).
    /// Callers that cache a grant re-check this on every use.
    pub fn live_at(&self, now: i64) -> bool {
        self.expires_at > now && self.authorization_ends_at.is_none_or(|end| end > now)
    }

    /// Whether the token carries `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// The state of an access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenCheck {
    /// No such token (never issued, or not for this platform).
    Unknown,
    /// The token's 48 hours are over: refresh it.
    Expired,
    /// The authorization behind it ended: revoked by the merchant or the developer, a test
    /// authorization's 10 days are over, or the consenting staff account (or its merchant) is
    /// disabled. The gateway answers result 24 `AUTHORIZATION_REVOKED`.
    Revoked,
    /// Usable.
    Valid(AccessGrant),
}

/// Looks an access token up (one query by its hash) and says whether it may be used now.
pub async fn check_access_token(p: &Platform, access_token: &str) -> Result<TokenCheck> {
    let row =
        p.db.fetch_optional(
            "SELECT t.kind, t.app_id, ap.app_key, t.user_id, t.account_id, t.open_id, t.scopes,
                t.access_expires_at, t.authorization_id, z.expires_at AS auth_expires_at,
                z.revoked_at AS auth_revoked_at, acc.disabled AS account_disabled,
                m.disabled AS user_disabled
             FROM oauth_tokens t
             JOIN apps ap ON ap.id = t.app_id
             LEFT JOIN oauth_authorizations z ON z.id = t.authorization_id
             LEFT JOIN accounts acc ON acc.id = t.account_id
             LEFT JOIN accounts m ON m.id = t.user_id
             WHERE t.access_hash = $1",
            &args![token_hash(access_token)],
        )
        .await?;
    let Some(r) = row else {
        return Ok(TokenCheck::Unknown);
    };
    let now = p.now();
    let kind = GrantKind::parse(&r.text("kind")?)?;
    let authorization_ends_at = r.opt_i64("auth_expires_at")?;
    if kind == GrantKind::User {
        let ended = r.opt_i64("authorization_id")?.is_none()
            || r.opt_i64("auth_revoked_at")?.is_some()
            || authorization_ends_at.is_some_and(|end| end <= now)
            || r.opt_i64("account_disabled")?.is_none_or(|d| d != 0)
            || r.opt_i64("user_disabled")?.is_none_or(|d| d != 0);
        if ended {
            return Ok(TokenCheck::Revoked);
        }
    }
    let expires_at = r.i64("access_expires_at")?;
    if expires_at <= now {
        return Ok(TokenCheck::Expired);
    }
    Ok(TokenCheck::Valid(AccessGrant {
        app_id: r.i64("app_id")?,
        app_key: r.opt_text("app_key")?.unwrap_or_default(),
        kind,
        user_id: r.opt_i64("user_id")?,
        account_id: r.opt_i64("account_id")?,
        open_id: r.opt_text("open_id")?,
        scopes: split_scopes(&r.text("scopes")?),
        expires_at,
        authorization_id: r.opt_i64("authorization_id")?,
        authorization_ends_at,
    }))
}

/// Why a token-endpoint request is refused; the server maps each to its §3.7 code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denial {
    /// `invalid_request`: a required parameter is missing (named).
    MissingParameter(&'static str),
    /// `unauthorized_client`: unknown app, wrong secret, or an app state without tokens.
    UnauthorizedClient(String),
    /// `unsupported_grant_type`.
    UnsupportedGrantType(String),
    /// `invalid_grant`: the code is unknown, expired, used, or not this app's.
    InvalidGrant(String),
    /// `access_denied` + `invalid refresh_token`: unknown, expired, or another app's.
    RefreshInvalid,
    /// `access_denied` + `refreshToken.discarded`: rotated and past the grace window.
    RefreshDiscarded,
    /// `access_denied` + `refreshToken.revokedAuthorization`: the authorization ended, or the
    /// consenting staff account is disabled.
    RefreshRevoked,
    /// `server_error`.
    Internal(Error),
}

impl From<Error> for Denial {
    fn from(e: Error) -> Self {
        Denial::Internal(e)
    }
}

impl From<kaifang_store::Error> for Denial {
    fn from(e: kaifang_store::Error) -> Self {
        Denial::Internal(e.into())
    }
}

/// Splits a stored or requested scope list (commas; spaces tolerated), dropping empties and
/// repeats while keeping the order.
pub fn split_scopes(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in s.split([',', ' ']) {
        let part = part.trim();
        if !part.is_empty() && !out.iter().any(|x| x == part) {
            out.push(part.to_string());
        }
    }
    out
}

/// Appends query parameters to a URL (the registered callback may carry its own query).
pub fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    match url::Url::parse(base) {
        Ok(mut u) => {
            {
                let mut q = u.query_pairs_mut();
                for (k, v) in pairs {
                    q.append_pair(k, v);
                }
            }
            u.to_string()
        }
        Err(_) => base.to_string(),
    }
}

/// A ready authorization link: `{base}/oauth/authorize?app_id=…&response_type=code&scope=…&
/// redirect_uri=…&state=…`.
pub fn authorize_url(
    base_url: &str,
    app_key: &str,
    scopes: &[String],
    redirect_uri: &str,
    state: &str,
) -> String {
    with_query(
        &format!("{}/oauth/authorize", base_url.trim_end_matches('/')),
        &[
            ("app_id", app_key),
            ("response_type", "code"),
            ("scope", &scopes.join(",")),
            ("redirect_uri", redirect_uri),
            ("state", state),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_split_and_dedupe() {
        assert_eq!(
            split_scopes(" merchant_order,,user_base merchant_order "),
            vec!["merchant_order".to_string(), "user_base".to_string()]
        );
        assert!(split_scopes("").is_empty());
    }

    #[test]
    fn query_is_appended_to_an_existing_one() {
        assert_eq!(
            with_query(
                "https://a.example/cb?x=1",
                &[("code", "c d"), ("state", "s")]
            ),
            "https://a.example/cb?x=1&code=c+d&state=s"
        );
        let u = authorize_url(
            "http://127.0.0.1:1/",
            "ks1",
            &["a".into(), "b".into()],
            "http://127.0.0.1:1/cb",
            "demo",
        );
        assert!(
            u.starts_with("http://127.0.0.1:1/oauth/authorize?app_id=ks1&response_type=code&scope=a%2Cb&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcb&state=demo"),
            "{u}"
        );
    }

    #[test]
    fn grants_expire_with_their_authorization() {
        let g = AccessGrant {
            app_id: 1,
            app_key: "ks1".into(),
            kind: GrantKind::User,
            user_id: Some(2),
            account_id: Some(2),
            open_id: Some("o".into()),
            scopes: vec!["user_base".into()],
            expires_at: 100,
            authorization_id: Some(3),
            authorization_ends_at: Some(50),
        };
        assert!(g.live_at(49) && !g.live_at(50) && g.has_scope("user_base"));
    }
}
