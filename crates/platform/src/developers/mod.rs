//! Developer onboarding (seed 004, protocol-notes §6.2): accept the agreement, choose one of
//! the five roles, fill in legal-person, enterprise and administrator data, submit; an operator
//! approves or rejects with a reason; a rejected application is edited and resubmitted.
//!
//! Rules kept here: the e-mail is unique across developer accounts; the same enterprise and
//! administrator may hold several roles but never the same role twice; the role cannot change
//! after approval; a merchant developer must be a merchant.

mod state;

pub use state::{DeveloperEvent, DeveloperState};

use kaifang_store::{Row, args};

use crate::accounts::{self, Account, NewAccount, Role};
use crate::notifications::{self, Outgoing};
use crate::reviews::{self, Decision};
use crate::{Error, Platform, Result};

/// The five developer roles.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DeveloperRole {
    /// 第三方开发者: an ISV selling service-market apps; must not be a merchant.
    ThirdParty,
    /// 商家开发者: builds a merchant-backend app for its own shops; must be a merchant.
    Merchant,
    /// 快分销团长: distribution leader.
    Distributor,
    /// 快赚客: affiliate.
    Affiliate,
    /// 平台合作伙伴: platform partner, by invitation.
    Partner,
}

impl DeveloperRole {
    /// Every role, in the order the console explains them.
    pub const ALL: [DeveloperRole; 5] = [
        DeveloperRole::ThirdParty,
        DeveloperRole::Merchant,
        DeveloperRole::Distributor,
        DeveloperRole::Affiliate,
        DeveloperRole::Partner,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeveloperRole::ThirdParty => "third_party",
            DeveloperRole::Merchant => "merchant",
            DeveloperRole::Distributor => "distributor",
            DeveloperRole::Affiliate => "affiliate",
            DeveloperRole::Partner => "partner",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether this role's apps are used only by listed users (self-use) rather than sold in the
    /// service market.
    pub fn self_use(self) -> bool {
        self != DeveloperRole::ThirdParty
    }
}

/// A developer profile and its onboarding data. Sealed fields are never returned.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Developer {
    /// Id.
    pub id: i64,
    /// The administrator's login account.
    pub account_id: i64,
    /// Contact e-mail, unique across developers.
    pub email: String,
    /// Onboarding state.
    pub state: DeveloperState,
    /// Chosen role.
    pub role: Option<DeveloperRole>,
    /// The agreement version accepted.
    pub agreement_version: Option<String>,
    /// Legal person's name.
    pub legal_person_name: Option<String>,
    /// Whether a legal-person id number is on file (the number itself stays sealed).
    pub legal_person_id_on_file: bool,
    /// Enterprise name.
    pub enterprise_name: Option<String>,
    /// Business licence number.
    pub licence_number: Option<String>,
    /// What the enterprise does.
    pub enterprise_description: Option<String>,
    /// Administrator's name.
    pub admin_name: Option<String>,
    /// Administrator's phone, desensitised (e.g. `138****5678`).
    pub admin_phone_masked: Option<String>,
    /// Administrator's e-mail.
    pub admin_email: Option<String>,
    /// Why the last review rejected the application.
    pub reject_reason: Option<String>,
    /// When last submitted, ms.
    pub submitted_at: Option<i64>,
    /// When last reviewed, ms.
    pub reviewed_at: Option<i64>,
    /// Created, ms.
    pub created_at: i64,
}

/// The qualification data a developer fills in. Every field is required to submit; a draft may
/// be saved partly filled.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ProfileInput {
    /// One of the five roles.
    pub role: Option<DeveloperRole>,
    /// Legal person.
    #[serde(default)]
    pub legal_person: LegalPerson,
    /// Enterprise.
    #[serde(default)]
    pub enterprise: Enterprise,
    /// Administrator.
    #[serde(default)]
    pub administrator: Administrator,
}

/// Legal-person data.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct LegalPerson {
    /// Name.
    pub name: Option<String>,
    /// Identity-card number (sealed at rest).
    pub id_number: Option<String>,
}

/// Enterprise data.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct Enterprise {
    /// Registered name.
    pub name: Option<String>,
    /// Business licence number.
    pub licence_number: Option<String>,
    /// What it does.
    pub description: Option<String>,
}

/// Administrator data.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct Administrator {
    /// Name.
    pub name: Option<String>,
    /// Mobile phone (sealed at rest).
    pub phone: Option<String>,
    /// E-mail for notifications.
    pub email: Option<String>,
}

/// `SELECT <every developer column> FROM developers` followed by the given clauses.
macro_rules! select_developers {
    ($tail:literal) => {
        concat!(
            "SELECT id, account_id, email, state, role, agreement_version, legal_person_name,
                legal_person_id_enc, enterprise_name, licence_number, enterprise_description, admin_name,
                admin_phone_enc, admin_email, reject_reason, submitted_at, reviewed_at, created_at FROM developers ",
            $tail
        )
    };
}

fn from_row(p: &Platform, r: &Row) -> Result<Developer> {
    let state = r.text("state")?;
    let phone = r
        .opt_bytes("admin_phone_enc")?
        .map(|b| p.vault.open_str("admin_phone", &b))
        .transpose()?;
    Ok(Developer {
        id: r.i64("id")?,
        account_id: r.i64("account_id")?,
        email: r.text("email")?,
        state: DeveloperState::parse(&state)
            .ok_or_else(|| Error::internal(format!("bad developer state {state}")))?,
        role: r
            .opt_text("role")?
            .as_deref()
            .and_then(DeveloperRole::parse),
        agreement_version: r.opt_text("agreement_version")?,
        legal_person_name: r.opt_text("legal_person_name")?,
        legal_person_id_on_file: r.opt_bytes("legal_person_id_enc")?.is_some(),
        enterprise_name: r.opt_text("enterprise_name")?,
        licence_number: r.opt_text("licence_number")?,
        enterprise_description: r.opt_text("enterprise_description")?,
        admin_name: r.opt_text("admin_name")?,
        admin_phone_masked: phone.as_deref().map(mask_phone),
        admin_email: r.opt_text("admin_email")?,
        reject_reason: r.opt_text("reject_reason")?,
        submitted_at: r.opt_i64("submitted_at")?,
        reviewed_at: r.opt_i64("reviewed_at")?,
        created_at: r.i64("created_at")?,
    })
}

/// Shows the first three and last four digits of a phone number.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// Signs up a new developer account: a login (its e-mail), a password and a name. The
/// developer profile starts as a draft.
pub async fn sign_up(
    p: &Platform,
    email: &str,
    password: &str,
    name: &str,
) -> Result<(Account, Developer)> {
    let email = email.trim();
    if !accounts::is_email(email) {
        return Err(Error::invalid(
            "email must be an e-mail address such as dev@example.com",
        ));
    }
    let mut tx = p.db.begin().await?;
    let account = accounts::insert(
        p,
        &mut tx,
        NewAccount {
            login: email,
            password,
            name,
            role: Role::Developer,
            main_account_id: None,
        },
    )
    .await?;
    insert_profile(p, &mut tx, &account, email).await?;
    tx.commit().await?;
    let dev = of_account(p, &account).await?;
    Ok((account, dev))
}

/// Starts a developer profile for an existing merchant account (a merchant developer).
pub async fn enroll_merchant(p: &Platform, account: &Account, email: &str) -> Result<Developer> {
    if account.role != Role::Merchant {
        return Err(Error::forbidden(
            "only a merchant's main account can enroll this way; developers sign up at /api/signup",
        ));
    }
    if !accounts::is_email(email.trim()) {
        return Err(Error::invalid(
            "email must be an e-mail address such as dev@example.com",
        ));
    }
    let mut tx = p.db.begin().await?;
    insert_profile(p, &mut tx, account, email.trim()).await?;
    tx.commit().await?;
    of_account(p, account).await
}

async fn insert_profile(
    p: &Platform,
    tx: &mut kaifang_store::Tx,
    account: &Account,
    email: &str,
) -> Result<()> {
    let now = p.now();
    tx.execute(
        "INSERT INTO developers (account_id, email, state, created_at, updated_at) VALUES ($1, $2, 'draft', $3, $3)",
        &args![account.id, email, now],
    )
    .await
    .map_err(|e| {
        if e.is_unique() {
            Error::conflict(format!("a developer with e-mail {email} or for this account already exists; log in instead"))
        } else {
            e.into()
        }
    })?;
    Ok(())
}

/// The developer profile of an account.
pub async fn of_account(p: &Platform, account: &Account) -> Result<Developer> {
    find_of_account(p, account.id).await?.ok_or_else(|| {
        Error::not_found("this account has no developer profile; sign up as a developer first")
    })
}

/// The developer profile of an account id, if any.
pub async fn find_of_account(p: &Platform, account_id: i64) -> Result<Option<Developer>> {
    p.db.fetch_optional(
        select_developers!("WHERE account_id = $1"),
        &args![account_id],
    )
    .await?
    .map(|r| from_row(p, &r))
    .transpose()
}

/// A developer by id.
pub async fn get(p: &Platform, id: i64) -> Result<Developer> {
    p.db.fetch_optional(select_developers!("WHERE id = $1"), &args![id])
        .await?
        .map(|r| from_row(p, &r))
        .transpose()?
        .ok_or_else(|| Error::not_found(format!("developer {id} does not exist")))
}

/// Developers for the operator's queue, optionally in one state, oldest submission first.
pub async fn list(p: &Platform, state: Option<DeveloperState>) -> Result<Vec<Developer>> {
    let sql = select_developers!(
        "WHERE ($1 = '' OR state = $1) ORDER BY COALESCE(submitted_at, created_at), id"
    );
    let rows =
        p.db.fetch_all(sql, &args![state.map_or("", DeveloperState::as_str)])
            .await?;
    rows.iter().map(|r| from_row(p, r)).collect()
}

/// Records acceptance of the current agreement.
pub async fn accept_agreement(p: &Platform, account: &Account, version: &str) -> Result<Developer> {
    let dev = of_account(p, account).await?;
    if version != p.rules.agreement_version {
        return Err(Error::invalid(format!(
            "agreement version {version:?} is not current; read and accept version {}",
            p.rules.agreement_version
        )));
    }
    if !dev.state.editable() {
        return Err(Error::state(format!(
            "a {} application cannot change its agreement",
            dev.state.as_str()
        )));
    }
    p.db.execute(
        "UPDATE developers SET agreement_version = $1, agreement_accepted_at = $2, updated_at = $2 WHERE id = $3",
        &args![version, p.now(), dev.id],
    )
    .await?;
    get(p, dev.id).await
}

fn clean(field: &str, v: &Option<String>, max: usize) -> Result<Option<String>> {
    match v.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) if s.chars().count() > max => Err(Error::invalid(format!(
            "{field} must be at most {max} characters"
        ))),
        Some(s) => Ok(Some(s.to_string())),
    }
}

/// Saves (part of) the qualification data while the application is a draft or rejected.
/// Fields left out keep their stored values.
pub async fn save_profile(
    p: &Platform,
    account: &Account,
    input: &ProfileInput,
) -> Result<Developer> {
    let dev = of_account(p, account).await?;
    if !dev.state.editable() {
        return Err(Error::state(format!(
            "the application is {}; it can be edited only as a draft or after a rejection",
            dev.state.as_str()
        )));
    }
    if input.role == Some(DeveloperRole::Merchant) && account.role != Role::Merchant {
        return Err(Error::invalid(
            "a merchant developer must be a merchant: enroll from your merchant account, or choose another role",
        ));
    }
    if input.role == Some(DeveloperRole::ThirdParty) && account.role == Role::Merchant {
        return Err(Error::invalid(
            "a third-party developer must not be a merchant; choose the merchant role",
        ));
    }
    let phone = clean("administrator.phone", &input.administrator.phone, 20)?;
    if let Some(ph) = &phone
        && !(ph.len() >= 6
            && ph
                .chars()
                .all(|c| c.is_ascii_digit() || c == '+' || c == '-'))
    {
        return Err(Error::invalid(
            "administrator.phone must be a phone number (digits, + and - only)",
        ));
    }
    let admin_email = clean("administrator.email", &input.administrator.email, 100)?;
    if let Some(e) = &admin_email
        && !accounts::is_email(e)
    {
        return Err(Error::invalid(
            "administrator.email must be an e-mail address",
        ));
    }
    let licence = clean(
        "enterprise.licence_number",
        &input.enterprise.licence_number,
        50,
    )?;
    let id_number = clean("legal_person.id_number", &input.legal_person.id_number, 30)?;
    // Absent fields keep what is on file, so a form that leaves the sealed fields blank (they are
    // never shown back) does not erase them.
    let stored =
        p.db.fetch_one(
            "SELECT licence_number, admin_phone_enc FROM developers WHERE id = $1",
            &args![dev.id],
        )
        .await?;
    let key_licence = licence.clone().or(stored.opt_text("licence_number")?);
    let key_phone = match (&phone, stored.opt_bytes("admin_phone_enc")?) {
        (Some(ph), _) => Some(ph.clone()),
        (None, Some(b)) => Some(p.vault.open_str("admin_phone", &b)?),
        (None, None) => None,
    };
    let identity_key = match (key_licence, key_phone) {
        (Some(l), Some(ph)) => Some(
            p.vault
                .index_hash("developer_identity", &format!("{l}|{ph}")),
        ),
        _ => None,
    };
    p.db.execute(
        "UPDATE developers SET role = COALESCE($1, role), legal_person_name = COALESCE($2, legal_person_name),
            legal_person_id_enc = COALESCE($3, legal_person_id_enc), enterprise_name = COALESCE($4, enterprise_name),
            licence_number = COALESCE($5, licence_number),
            enterprise_description = COALESCE($6, enterprise_description), admin_name = COALESCE($7, admin_name),
            admin_phone_enc = COALESCE($8, admin_phone_enc), admin_email = COALESCE($9, admin_email),
            identity_key = $10, updated_at = $11 WHERE id = $12",
        &args![
            input.role.map(DeveloperRole::as_str),
            clean("legal_person.name", &input.legal_person.name, 50)?,
            id_number.map(|n| p.vault.seal_str("legal_person_id", &n)),
            clean("enterprise.name", &input.enterprise.name, 100)?,
            licence,
            clean("enterprise.description", &input.enterprise.description, 2000)?,
            clean("administrator.name", &input.administrator.name, 50)?,
            phone.map(|ph| p.vault.seal_str("admin_phone", &ph)),
            admin_email,
            identity_key,
            p.now(),
            dev.id
        ],
    )
    .await?;
    get(p, dev.id).await
}

/// Submits the application for review once everything is filled in.
pub async fn submit(p: &Platform, account: &Account) -> Result<Developer> {
    let dev = of_account(p, account).await?;
    let next = dev.state.on(DeveloperEvent::Submit)?;
    if dev.agreement_version.as_deref() != Some(p.rules.agreement_version.as_str()) {
        return Err(Error::invalid(format!(
            "accept the developer agreement (version {}) before submitting",
            p.rules.agreement_version
        )));
    }
    let missing: Vec<&str> = [
        ("role", dev.role.is_none()),
        ("legal_person.name", dev.legal_person_name.is_none()),
        ("legal_person.id_number", !dev.legal_person_id_on_file),
        ("enterprise.name", dev.enterprise_name.is_none()),
        ("enterprise.licence_number", dev.licence_number.is_none()),
        (
            "enterprise.description",
            dev.enterprise_description.is_none(),
        ),
        ("administrator.name", dev.admin_name.is_none()),
        ("administrator.phone", dev.admin_phone_masked.is_none()),
        ("administrator.email", dev.admin_email.is_none()),
    ]
    .into_iter()
    .filter_map(|(f, m)| m.then_some(f))
    .collect();
    if !missing.is_empty() {
        return Err(Error::invalid(format!(
            "fill in before submitting: {}",
            missing.join(", ")
        )));
    }
    p.db.execute(
        "UPDATE developers SET state = $1, submitted_at = $2, reject_reason = NULL, updated_at = $2 WHERE id = $3",
        &args![next.as_str(), p.now(), dev.id],
    )
    .await
    .map_err(|e| {
        if e.is_unique() {
            Error::conflict("this enterprise and administrator already hold this role; choose another role")
        } else {
            e.into()
        }
    })?;
    get(p, dev.id).await
}

/// An operator's decision on a submitted application.
pub async fn review(
    p: &Platform,
    operator: &Account,
    id: i64,
    approve: bool,
    reason: Option<&str>,
) -> Result<Developer> {
    let decision = Decision::new(operator, approve, reason)?;
    let dev = get(p, id).await?;
    let next = dev.state.on(if approve {
        DeveloperEvent::Approve
    } else {
        DeveloperEvent::Reject
    })?;
    let now = p.now();
    let mut tx = p.db.begin().await?;
    let changed = tx
        .execute(
            "UPDATE developers SET state = $1, reject_reason = $2, reviewed_at = $3, updated_at = $3 WHERE id = $4 AND state = 'submitted'",
            &args![next.as_str(), decision.rejection_reason(), now, id],
        )
        .await?;
    if changed == 0 {
        return Err(Error::state(
            "the application changed meanwhile; reload and review again",
        ));
    }
    reviews::record(&mut tx, "developer", id, decision, operator.id, now).await?;
    let (kind, title, body) = if approve {
        (
            "developer.approved",
            "开发者入驻审核通过 / Developer application approved".to_string(),
            "You can now create apps.".to_string(),
        )
    } else {
        (
            "developer.rejected",
            "开发者入驻审核驳回 / Developer application rejected".to_string(),
            format!(
                "Reason: {}. Edit your application and submit it again.",
                decision.reason().unwrap_or_default()
            ),
        )
    };
    let note = notifications::store(
        &mut tx,
        now,
        Outgoing {
            account_id: dev.account_id,
            kind,
            title,
            body,
        },
    )
    .await?;
    tx.commit().await?;
    notifications::email(p, &note).await;
    get(p, id).await
}
