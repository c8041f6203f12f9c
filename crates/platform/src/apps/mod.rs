//! Apps (seed 002): created by approved developers under a category that fits their role,
//! reviewed by an operator, given credentials on approval, then scanned, launched, taken
//! offline or deleted through the [`AppState`] machine.

pub mod category;
pub mod credentials;
pub mod packages;
mod state;
pub mod users;

pub use state::{AppEvent, AppState};

use kaifang_store::{Row, args};

use crate::accounts::{Account, Role};
use crate::developers::{self, DeveloperRole, DeveloperState};
use crate::notifications::{self, Outgoing};
use crate::reviews::{self, Decision};
use crate::{Error, Platform, Result, documents};

/// An app as the console and the admin API show it (secrets are revealed separately).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct App {
    /// Id.
    pub id: i64,
    /// The owning developer.
    pub developer_id: i64,
    /// Name, unique per developer.
    pub name: String,
    /// What it does.
    pub description: String,
    /// Uploaded icon.
    pub icon_doc_id: Option<i64>,
    /// First-level category.
    pub category_l1: String,
    /// Second-level category.
    pub category_l2: String,
    /// Whether only listed users may authorize it (every role but third-party).
    pub self_use: bool,
    /// OAuth callback URL.
    pub callback_url: String,
    /// Website.
    pub website: Option<String>,
    /// Uploaded market requirements document.
    pub mrd_doc_id: Option<i64>,
    /// Uploaded product requirements document.
    pub prd_doc_id: Option<i64>,
    /// Lifecycle state.
    pub state: AppState,
    /// `ks` + 18 digits, once approved.
    pub app_key: Option<String>,
    /// Why the last review rejected it.
    pub reject_reason: Option<String>,
    /// Created, ms.
    pub created_at: i64,
    /// Approved, ms.
    pub approved_at: Option<i64>,
    /// Launched, ms.
    pub online_at: Option<i64>,
}

/// The fields a developer fills in to create or edit an app.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct AppInput {
    /// 1 to 50 characters, without the forbidden words (快手, 官方 by default).
    pub name: String,
    /// 1 to 2000 characters.
    pub description: String,
    /// First-level category (see `GET /api/categories`).
    pub category_l1: String,
    /// Second-level category.
    pub category_l2: String,
    /// The OAuth callback: https (http on loopback in sandbox mode).
    pub callback_url: String,
    /// The product's website (http or https).
    pub website: Option<String>,
    /// Document id of the icon (upload at `POST /api/uploads`).
    pub icon_doc_id: Option<i64>,
    /// Document id of the MRD.
    pub mrd_doc_id: Option<i64>,
    /// Document id of the PRD.
    pub prd_doc_id: Option<i64>,
}

/// `SELECT <every app column> FROM apps` followed by the given clauses.
macro_rules! select_apps {
    ($tail:literal) => {
        concat!(
            "SELECT id, developer_id, name, description, icon_doc_id, category_l1, category_l2, callback_url,
                website, mrd_doc_id, prd_doc_id, state, app_key, reject_reason, created_at, approved_at, online_at
             FROM apps ",
            $tail
        )
    };
}

pub(crate) fn from_row(r: &Row) -> Result<App> {
    let state = r.text("state")?;
    let (l1, l2) = (r.text("category_l1")?, r.text("category_l2")?);
    let self_use = category::find(&l1, &l2).is_none_or(|c| c.role.self_use());
    Ok(App {
        id: r.i64("id")?,
        developer_id: r.i64("developer_id")?,
        name: r.text("name")?,
        description: r.text("description")?,
        icon_doc_id: r.opt_i64("icon_doc_id")?,
        category_l1: l1,
        category_l2: l2,
        self_use,
        callback_url: r.text("callback_url")?,
        website: r.opt_text("website")?,
        mrd_doc_id: r.opt_i64("mrd_doc_id")?,
        prd_doc_id: r.opt_i64("prd_doc_id")?,
        state: AppState::parse(&state)
            .ok_or_else(|| Error::internal(format!("bad app state {state}")))?,
        app_key: r.opt_text("app_key")?,
        reject_reason: r.opt_text("reject_reason")?,
        created_at: r.i64("created_at")?,
        approved_at: r.opt_i64("approved_at")?,
        online_at: r.opt_i64("online_at")?,
    })
}

/// Finds an app by numeric id or by app key (`ks…`), whoever asks.
pub async fn resolve(p: &Platform, key: &str) -> Result<App> {
    let row = match key.parse::<i64>() {
        Ok(id) => {
            p.db.fetch_optional(select_apps!("WHERE id = $1"), &args![id])
                .await?
        }
        Err(_) => {
            p.db.fetch_optional(select_apps!("WHERE app_key = $1"), &args![key])
                .await?
        }
    };
    row.as_ref().map(from_row).transpose()?.ok_or_else(|| {
        Error::not_found(format!(
            "app {key} does not exist; use its id or its appKey"
        ))
    })
}

/// An app the account may see: its own developer's, or any for an operator. Others get
/// "not found", so app ids of other developers are not revealed.
pub async fn visible(p: &Platform, viewer: &Account, key: &str) -> Result<App> {
    let app = resolve(p, key).await?;
    if viewer.role == Role::Operator {
        return Ok(app);
    }
    owned_check(p, viewer, app).await
}

/// An app the account's developer owns (operators are refused: these are the developer's acts).
pub async fn owned(p: &Platform, owner: &Account, key: &str) -> Result<App> {
    let app = resolve(p, key).await?;
    owned_check(p, owner, app).await
}

async fn owned_check(p: &Platform, owner: &Account, app: App) -> Result<App> {
    match developers::find_of_account(p, owner.id).await? {
        Some(d) if d.id == app.developer_id => Ok(app),
        _ => Err(Error::not_found(format!(
            "app {} does not exist among your apps",
            app.id
        ))),
    }
}

fn is_loopback_host(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(a) => a.is_loopback(),
        url::Host::Ipv6(a) => a.is_loopback(),
    }
}

/// Checks a callback or push URL: https, or http on loopback in sandbox mode.
pub fn check_url(p: &Platform, field: &str, value: &str) -> Result<()> {
    let u = url::Url::parse(value)
        .map_err(|_| Error::invalid(format!("{field} is not a URL: {value:?}")))?;
    let host = u
        .host()
        .ok_or_else(|| Error::invalid(format!("{field} needs a host")))?;
    match u.scheme() {
        "https" => Ok(()),
        "http" if p.rules.sandbox && is_loopback_host(&host) => Ok(()),
        "http" if is_loopback_host(&host) => Err(Error::invalid(format!(
            "{field} must use https; http on loopback is allowed only in sandbox mode"
        ))),
        _ => Err(Error::invalid(format!("{field} must use https"))),
    }
}

async fn validate(
    p: &Platform,
    owner: &Account,
    role: DeveloperRole,
    input: &AppInput,
) -> Result<AppInput> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 50 {
        return Err(Error::invalid("name must be 1 to 50 characters"));
    }
    if let Some(w) = p
        .rules
        .forbidden_name_words
        .iter()
        .find(|w| name.contains(w.as_str()))
    {
        return Err(Error::invalid(format!(
            "name must not contain {w:?}; choose a name of your own"
        )));
    }
    let description = input.description.trim();
    if description.is_empty() || description.chars().count() > 2000 {
        return Err(Error::invalid("description must be 1 to 2000 characters"));
    }
    let cat = category::find(&input.category_l1, &input.category_l2).ok_or_else(|| {
        Error::invalid(format!(
            "category {} / {} does not exist; GET /api/categories lists them",
            input.category_l1, input.category_l2
        ))
    })?;
    if cat.role != role {
        let allowed: Vec<String> = category::for_role(role)
            .map(|c| format!("{}/{}", c.l1, c.l2))
            .collect();
        return Err(Error::invalid(format!(
            "category {}/{} is for {} developers; a {} developer may use: {}",
            cat.l1,
            cat.l2,
            cat.role.as_str(),
            role.as_str(),
            allowed.join(", ")
        )));
    }
    check_url(p, "callback_url", input.callback_url.trim())?;
    let website = input
        .website
        .as_deref()
        .map(str::trim)
        .filter(|w| !w.is_empty());
    if let Some(w) = website
        && !url::Url::parse(w).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
    {
        return Err(Error::invalid("website must be an http or https URL"));
    }
    for id in [input.icon_doc_id, input.mrd_doc_id, input.prd_doc_id]
        .into_iter()
        .flatten()
    {
        documents::ensure_usable(p, owner, id).await?;
    }
    Ok(AppInput {
        name: name.to_string(),
        description: description.to_string(),
        category_l1: cat.l1.to_string(),
        category_l2: cat.l2.to_string(),
        callback_url: input.callback_url.trim().to_string(),
        website: website.map(str::to_string),
        ..input.clone()
    })
}

fn name_taken(e: kaifang_store::Error, name: &str) -> Error {
    if e.is_unique() {
        Error::conflict(format!(
            "you already have an app named {name:?}; choose another name"
        ))
    } else {
        e.into()
    }
}

/// Creates an app (state `in_review`) with its base and category packages.
pub async fn create(p: &Platform, owner: &Account, input: &AppInput) -> Result<App> {
    let dev = developers::of_account(p, owner).await?;
    if dev.state != DeveloperState::Approved {
        return Err(Error::forbidden(format!(
            "only approved developers can create apps; your application is {}",
            dev.state.as_str()
        )));
    }
    let role = dev
        .role
        .ok_or_else(|| Error::internal("approved developer without a role"))?;
    let input = validate(p, owner, role, input).await?;
    let now = p.now();
    let mut tx = p.db.begin().await?;
    // Lock the developer row first so that two concurrent creations cannot both pass the limit.
    tx.execute(
        "UPDATE developers SET updated_at = $1 WHERE id = $2",
        &args![now, dev.id],
    )
    .await?;
    let count = tx
        .scalar(
            "SELECT COUNT(*) FROM apps WHERE developer_id = $1 AND state <> 'deleted'",
            &args![dev.id],
        )
        .await?;
    if count >= i64::try_from(p.rules.max_apps_per_developer).unwrap_or(i64::MAX) {
        return Err(Error::conflict(format!(
            "a developer may have at most {} apps; delete one you no longer need",
            p.rules.max_apps_per_developer
        )));
    }
    let id = tx
        .scalar(
            "INSERT INTO apps (developer_id, name, description, icon_doc_id, category_l1, category_l2, callback_url,
                website, mrd_doc_id, prd_doc_id, state, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'in_review', $11, $11) RETURNING id",
            &args![
                dev.id,
                input.name.as_str(),
                input.description.as_str(),
                input.icon_doc_id,
                input.category_l1.as_str(),
                input.category_l2.as_str(),
                input.callback_url.as_str(),
                input.website.clone(),
                input.mrd_doc_id,
                input.prd_doc_id,
                now
            ],
        )
        .await
        .map_err(|e| name_taken(e, &input.name))?;
    let cat = category::find(&input.category_l1, &input.category_l2)
        .ok_or_else(|| Error::internal("category vanished"))?;
    packages::grant_defaults(&mut tx, id, cat, now).await?;
    tx.commit().await?;
    resolve(p, &id.to_string()).await
}

/// Edits an app's information while it is rejected or developing.
pub async fn update(p: &Platform, owner: &Account, key: &str, input: &AppInput) -> Result<App> {
    let app = owned(p, owner, key).await?;
    if !app.state.editable() {
        return Err(Error::state(format!(
            "app information can be edited only while rejected or developing; this app is {}",
            app.state.as_str()
        )));
    }
    let dev = developers::of_account(p, owner).await?;
    let input = validate(
        p,
        owner,
        dev.role.ok_or_else(|| Error::internal("no role"))?,
        input,
    )
    .await?;
    if (input.category_l1.as_str(), input.category_l2.as_str())
        != (app.category_l1.as_str(), app.category_l2.as_str())
    {
        return Err(Error::invalid(
            "the category cannot change after creation; create a new app instead",
        ));
    }
    p.db.execute(
        "UPDATE apps SET name = $1, description = $2, icon_doc_id = $3, callback_url = $4, website = $5,
            mrd_doc_id = $6, prd_doc_id = $7, updated_at = $8 WHERE id = $9",
        &args![
            input.name.as_str(),
            input.description.as_str(),
            input.icon_doc_id,
            input.callback_url.as_str(),
            input.website.clone(),
            input.mrd_doc_id,
            input.prd_doc_id,
            p.now(),
            app.id
        ],
    )
    .await
    .map_err(|e| name_taken(e, &input.name))?;
    resolve(p, &app.id.to_string()).await
}

/// Apps of the account's developer.
pub async fn list_mine(p: &Platform, owner: &Account) -> Result<Vec<App>> {
    let dev = developers::of_account(p, owner).await?;
    let rows =
        p.db.fetch_all(
            select_apps!("WHERE developer_id = $1 AND state <> 'deleted' ORDER BY id"),
            &args![dev.id],
        )
        .await?;
    rows.iter().map(from_row).collect()
}

/// All apps for an operator, optionally in one state, optionally matching a name or key.
pub async fn list_all(
    p: &Platform,
    operator: &Account,
    state: Option<AppState>,
    q: Option<&str>,
) -> Result<Vec<App>> {
    operator.require_operator()?;
    let pattern = format!("%{}%", q.unwrap_or("").replace(['%', '_'], ""));
    let rows =
        p.db.fetch_all(
            select_apps!(
                "WHERE ($1 = '' OR state = $1) AND (name LIKE $2 OR COALESCE(app_key, '') LIKE $2)
                 ORDER BY updated_at, id LIMIT 500"
            ),
            &args![state.map_or("", AppState::as_str), pattern],
        )
        .await?;
    rows.iter().map(from_row).collect()
}

/// Moves an app through `event`, guarding against a concurrent change of state, and records the
/// review and notifies the developer when an operator decided.
async fn transition(
    p: &Platform,
    app: &App,
    event: AppEvent,
    decision: Option<(&Account, Decision<'_>)>,
) -> Result<App> {
    let next = app.state.on(event)?;
    let now = p.now();
    let mut tx = p.db.begin().await?;
    let reject_reason = decision.and_then(|(_, d)| d.rejection_reason());
    let changed = tx
        .execute(
            "UPDATE apps SET state = $1, updated_at = $2, reject_reason = $3,
                online_at = CASE WHEN $1 = 'online' THEN $2 ELSE online_at END
             WHERE id = $4 AND state = $5",
            &args![
                next.as_str(),
                now,
                reject_reason,
                app.id,
                app.state.as_str()
            ],
        )
        .await?;
    if changed == 0 {
        return Err(Error::state(
            "the app changed meanwhile; reload and try again",
        ));
    }
    if event == AppEvent::Approve {
        credentials::issue(p, &mut tx, app.id).await?;
    }
    let mut note = None;
    if let Some((operator, d)) = decision {
        let subject = if matches!(event, AppEvent::ApproveLaunch | AppEvent::RejectLaunch) {
            "launch"
        } else {
            "app"
        };
        reviews::record(&mut tx, subject, app.id, d, operator.id, now).await?;
        let dev = developers::get(p, app.developer_id).await?;
        let body = match d.rejection_reason() {
            Some(r) => format!("Reason: {r}. Make the changes and submit again."),
            None => format!("App {} is now {}.", app.name, next.as_str()),
        };
        let n = Outgoing {
            account_id: dev.account_id,
            kind: if d.approved() {
                "app.approved"
            } else {
                "app.rejected"
            },
            title: format!("应用{subject}审核: {} {}", app.name, d.verdict()),
            body,
        };
        note = Some(notifications::store(&mut tx, now, n).await?);
    }
    tx.commit().await?;
    p.bump_generation();
    if let Some(n) = note {
        notifications::email(p, &n).await;
    }
    resolve(p, &app.id.to_string()).await
}

/// An operator's review of an app's information; approval issues its credentials.
pub async fn review(
    p: &Platform,
    operator: &Account,
    key: &str,
    approve: bool,
    reason: Option<&str>,
) -> Result<App> {
    decide(
        p,
        Decision::new(operator, approve, reason)?,
        operator,
        key,
        (AppEvent::Approve, AppEvent::Reject),
    )
    .await
}

/// An operator's review of a launch (after the security scan passed).
pub async fn review_launch(
    p: &Platform,
    operator: &Account,
    key: &str,
    approve: bool,
    reason: Option<&str>,
) -> Result<App> {
    let events = (AppEvent::ApproveLaunch, AppEvent::RejectLaunch);
    decide(
        p,
        Decision::new(operator, approve, reason)?,
        operator,
        key,
        events,
    )
    .await
}

async fn decide(
    p: &Platform,
    d: Decision<'_>,
    operator: &Account,
    key: &str,
    (on_approve, on_reject): (AppEvent, AppEvent),
) -> Result<App> {
    let app = resolve(p, key).await?;
    let event = if d.approved() { on_approve } else { on_reject };
    transition(p, &app, event, Some((operator, d))).await
}

/// A developer's lifecycle step on its own app: resubmit, start the scan, take offline, delete.
pub async fn developer_step(
    p: &Platform,
    owner: &Account,
    key: &str,
    event: AppEvent,
) -> Result<App> {
    if !matches!(
        event,
        AppEvent::Resubmit | AppEvent::StartScan | AppEvent::TakeOffline | AppEvent::Delete
    ) {
        return Err(Error::forbidden(
            "developers may resubmit, start_scan, take_offline or delete; the rest is the operator's",
        ));
    }
    let app = owned(p, owner, key).await?;
    transition(p, &app, event, None).await
}

/// An operator's step that is not a review: record a scan result, take offline, bring online.
pub async fn operator_step(
    p: &Platform,
    operator: &Account,
    key: &str,
    event: AppEvent,
) -> Result<App> {
    operator.require_operator()?;
    if !matches!(
        event,
        AppEvent::ScanPassed | AppEvent::ScanFailed | AppEvent::TakeOffline | AppEvent::BringOnline
    ) {
        return Err(Error::invalid(
            "operators use the review endpoints to approve or reject",
        ));
    }
    let app = resolve(p, key).await?;
    transition(p, &app, event, None).await
}
