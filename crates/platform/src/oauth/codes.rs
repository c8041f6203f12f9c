//! Authorization codes: 72 random hex characters (the platform's own length), stored as a
//! hash, single use, valid `rules.oauth.code_ttl` (2 minutes).

use kaifang_store::{Tx, args};

use super::split_scopes;
use crate::crypto::{random_hex, token_hash};
use crate::{Platform, Result};

/// What a redeemed code stands for.
#[derive(Debug, Clone)]
pub(crate) struct Redeemed {
    pub app_id: i64,
    pub authorization_id: i64,
    pub account_id: i64,
    pub scopes: Vec<String>,
    pub redirect_uri: String,
}

/// Issues a code inside the consent's transaction.
pub(crate) async fn issue(
    p: &Platform,
    tx: &mut Tx,
    app_id: i64,
    authorization_id: i64,
    account_id: i64,
    scopes: &[String],
    redirect_uri: &str,
) -> Result<String> {
    let code = random_hex(72);
    let now = p.now();
    tx.execute(
        "INSERT INTO oauth_codes (code_hash, app_id, authorization_id, account_id, scopes, redirect_uri, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &args![
            token_hash(&code),
            app_id,
            authorization_id,
            account_id,
            scopes.join(","),
            redirect_uri,
            now,
            now + p.rules.oauth.code_ttl
        ],
    )
    .await?;
    Ok(code)
}

/// Marks the code used, if it is this app's, unused and not expired; otherwise says why not.
/// The conditional UPDATE makes two concurrent exchanges of one code yield exactly one token.
pub(crate) async fn redeem(
    p: &Platform,
    tx: &mut Tx,
    app_id: i64,
    code: &str,
) -> Result<Result<Redeemed, &'static str>> {
    let hash = token_hash(code);
    let now = p.now();
    let n = tx
        .execute(
            "UPDATE oauth_codes SET used_at = $1
             WHERE code_hash = $2 AND app_id = $3 AND used_at IS NULL AND expires_at > $1",
            &args![now, hash.as_str(), app_id],
        )
        .await?;
    if n == 0 {
        let r = tx
            .fetch_optional(
                "SELECT app_id, used_at, expires_at FROM oauth_codes WHERE code_hash = $1",
                &args![hash],
            )
            .await?;
        let why = match r {
            None => "the code is unknown: pass the code your redirect_uri received, unchanged",
            Some(r) if r.i64("app_id")? != app_id => {
                "the code was issued to another app: exchange it with the app_id it was issued to"
            }
            Some(r) if r.opt_i64("used_at")?.is_some() => {
                "the code was already used: a code works once; ask the merchant to authorize again"
            }
            Some(_) => {
                "the code has expired (codes last 2 minutes): ask the merchant to authorize again"
            }
        };
        return Ok(Err(why));
    }
    let r = tx
        .fetch_one(
            "SELECT app_id, authorization_id, account_id, scopes, redirect_uri FROM oauth_codes WHERE code_hash = $1",
            &args![hash],
        )
        .await?;
    Ok(Ok(Redeemed {
        app_id: r.i64("app_id")?,
        authorization_id: r.i64("authorization_id")?,
        account_id: r.i64("account_id")?,
        scopes: split_scopes(&r.text("scopes")?),
        redirect_uri: r.text("redirect_uri")?,
    }))
}
