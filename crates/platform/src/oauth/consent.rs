//! The authorization page's rules (protocol-notes §3.1, FAQ K0002, K0009, K0010).
//!
//! [`plan`] checks what does not depend on who is logged in: the app, the callback, the
//! response type, the app's state and the scopes. [`eligibility`] checks the user: self-use
//! apps accept their test and authorized users; third-party apps accept their test users and,
//! once the service market exists, merchants who ordered the service. [`approve`] records the
//! authorization and issues a code; [`decline_redirect`] sends the browser back with
//! `error=access_denied`, the OAuth 2.0 norm (RFC 6749 §4.1.2.1), so the app learns the answer.

use super::authorizations::{self, Source};
use super::{codes, split_scopes, tokens, with_query};
use crate::accounts::Account;
use crate::apps::users::{self, UserList};
use crate::apps::{self, App, AppState, packages};
use crate::{Error, Platform, Result, scopes};

/// The page's parameters, after aliases (`app_id` / `appId` / `client_id`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorizeRequest {
    /// The appKey.
    pub app_id: Option<String>,
    /// Must be `code` when given.
    pub response_type: Option<String>,
    /// Comma-separated packages.
    pub scope: Option<String>,
    /// Must equal the app's registered callback.
    pub redirect_uri: Option<String>,
    /// Echoed back.
    pub state: Option<String>,
}

/// Why the page cannot go on. Shown on the page; never redirected (the callback may be
/// the problem).
#[derive(Debug, Clone, PartialEq)]
pub enum PageError {
    /// K0009: unknown app_id, or redirect_uri differs from the registered callback.
    InvalidUrl,
    /// 100200103: response_type other than `code`.
    UnsupportedResponseType,
    /// 100200101: the app's state does not allow authorization (message says which).
    UnauthorizedClient(String),
    /// 100200106: packages the app does not hold (named).
    InvalidScope(Vec<String>),
    /// K0010: a self-use app, and the user is on neither of its lists.
    NotListed,
    /// K0002: a third-party app online, and the merchant has not ordered its service.
    NotSubscribed,
    /// The logged-in account is not a merchant or staff account.
    NotMerchant,
    /// Our fault.
    Internal(Error),
}

impl From<Error> for PageError {
    fn from(e: Error) -> Self {
        PageError::Internal(e)
    }
}

impl From<kaifang_store::Error> for PageError {
    fn from(e: kaifang_store::Error) -> Self {
        PageError::Internal(e.into())
    }
}

impl PageError {
    /// The §3.7 `result` code shown beside the message, if the platform has one.
    pub fn result(&self) -> Option<i64> {
        match self {
            PageError::UnsupportedResponseType => Some(100_200_103),
            PageError::UnauthorizedClient(_) | PageError::NotSubscribed => Some(100_200_101),
            PageError::InvalidScope(_) => Some(100_200_106),
            PageError::Internal(_) => Some(100_200_500),
            _ => None,
        }
    }

    /// The message shown (the platform's own wording where known).
    pub fn message(&self) -> String {
        match self {
            PageError::InvalidUrl => "Invalid url".into(),
            PageError::UnsupportedResponseType => {
                "unsupported_response_type: response_type must be code".into()
            }
            PageError::UnauthorizedClient(m) => format!("unauthorized_client: {m}"),
            PageError::InvalidScope(s) => format!(
                "invalid_scope: the app does not hold {}; ask for packages shown on the app's page, or apply for them first",
                s.join(", ")
            ),
            PageError::NotListed => "不属于此应用的授权用户或测试用户".into(),
            PageError::NotSubscribed => {
                "当前应用不允许此用户授权,原因:服务未订购，请进入服务市场订购后再进行授权操作 [100200101]".into()
            }
            PageError::NotMerchant => {
                "只有商家或其子账号可以授权应用 / only a merchant or its staff account can authorize apps: log in with one".into()
            }
            PageError::Internal(_) => "server_error: internal error, retry later".into(),
        }
    }

    /// Whether logging in as someone else could help (the page then offers the login form).
    pub fn depends_on_user(&self) -> bool {
        matches!(
            self,
            PageError::NotListed | PageError::NotSubscribed | PageError::NotMerchant
        )
    }
}

/// A checked request: what the page shows and what approval grants.
#[derive(Debug, Clone)]
pub struct ConsentPlan {
    /// The app.
    pub app: App,
    /// Its appKey.
    pub app_key: String,
    /// The packages to grant: `user_base` (granted with every authorization) and the ones asked
    /// for, each held by the app; unknown names are ignored (§6.1).
    pub scopes: Vec<String>,
    /// The registered callback.
    pub redirect_uri: String,
    /// Echoed back.
    pub state: Option<String>,
}

/// Checks everything that does not depend on the user.
pub async fn plan(p: &Platform, req: &AuthorizeRequest) -> Result<ConsentPlan, PageError> {
    let key = req
        .app_id
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or(PageError::InvalidUrl)?;
    let app = match apps::resolve(p, key).await {
        Ok(a) => a,
        Err(e) if e.kind == crate::ErrorKind::NotFound => return Err(PageError::InvalidUrl),
        Err(e) => return Err(e.into()),
    };
    let app_key = app.app_key.clone().ok_or(PageError::InvalidUrl)?;
    if req.redirect_uri.as_deref().map(str::trim) != Some(app.callback_url.as_str()) {
        return Err(PageError::InvalidUrl);
    }
    if let Some(rt) = req.response_type.as_deref()
        && !rt.is_empty()
        && rt != "code"
    {
        return Err(PageError::UnsupportedResponseType);
    }
    if !tokens::may_get_tokens(app.state) {
        return Err(PageError::UnauthorizedClient(format!(
            "应用当前状态不允许授权 / the app is {} and cannot be authorized",
            app.state.as_str()
        )));
    }
    let held = packages::granted(p, app.id).await?;
    let asked: Vec<String> = split_scopes(req.scope.as_deref().unwrap_or(""))
        .into_iter()
        .filter(|s| scopes::find(s).is_some())
        .collect();
    let missing: Vec<String> = asked
        .iter()
        .filter(|s| !held.contains(s))
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Err(PageError::InvalidScope(missing));
    }
    let mut granted: Vec<String> = Vec::new();
    for s in scopes::BASE_SCOPES
        .iter()
        .take(1)
        .map(|s| s.to_string())
        .filter(|s| held.contains(s))
        .chain(asked)
    {
        if !granted.contains(&s) {
            granted.push(s);
        }
    }
    Ok(ConsentPlan {
        app,
        app_key,
        scopes: granted,
        redirect_uri: req.redirect_uri.clone().unwrap_or_default(),
        state: req.state.clone().filter(|s| !s.is_empty()),
    })
}

/// Whether `account` may authorize the planned app, and as what.
pub async fn eligibility(
    p: &Platform,
    plan: &ConsentPlan,
    account: &Account,
) -> Result<Source, PageError> {
    let merchant_id = account.merchant_id().ok_or(PageError::NotMerchant)?;
    let app = &plan.app;
    let test = users::is_listed(p, app.id, merchant_id, UserList::Test).await?;
    if app.self_use {
        if users::is_listed(p, app.id, merchant_id, UserList::Authorized).await? {
            return Ok(Source::Authorized);
        }
        return if test {
            Ok(Source::Test)
        } else {
            Err(PageError::NotListed)
        };
    }
    // Third-party apps: until the service market exists, only their test users.
    match (test, app.state) {
        (true, _) => Ok(Source::Test),
        (false, AppState::Online) => Err(PageError::NotSubscribed),
        (false, _) => Err(PageError::NotListed),
    }
}

/// The merchant approves: records the authorization, issues a code, and returns where to send
/// the browser (`redirect_uri?code=CODE&state=STATE`).
pub async fn approve(
    p: &Platform,
    plan: &ConsentPlan,
    account: &Account,
) -> Result<String, PageError> {
    let source = eligibility(p, plan, account).await?;
    let mut tx = p.db.begin().await?;
    let (authorization_id, _) =
        authorizations::grant(p, &mut tx, plan.app.id, account, &plan.scopes, source).await?;
    let code = codes::issue(
        p,
        &mut tx,
        plan.app.id,
        authorization_id,
        account.id,
        &plan.scopes,
        &plan.redirect_uri,
    )
    .await?;
    tx.commit().await?;
    let mut pairs = vec![("code", code.as_str())];
    if let Some(s) = &plan.state {
        pairs.push(("state", s));
    }
    Ok(with_query(&plan.redirect_uri, &pairs))
}

/// The merchant declines: `redirect_uri?error=access_denied&error_description=…&state=STATE`.
pub fn decline_redirect(plan: &ConsentPlan) -> String {
    let mut pairs = vec![
        ("error", "access_denied"),
        ("error_description", "the user declined the authorization"),
    ];
    if let Some(s) = &plan.state {
        pairs.push(("state", s));
    }
    with_query(&plan.redirect_uri, &pairs)
}
