//! `kaifang demo`: sandbox data created on first start and found again on later starts, and
//! `DATA_DIR/demo.json` with working credentials.
//!
//! What it sets up, so that every console page and review queue has something in it:
//! an operator; an approved merchant developer (who is also a merchant with a shop) owning an
//! approved self-use app with the order, item, refund, logistics and user packages and a pending
//! request for one more; a demo merchant with a shop, a test user of that app; an approved
//! third-party developer with an app waiting for review; and a developer application waiting
//! for review.

use std::path::PathBuf;

use kaifang_platform::accounts::{self, Account, NewAccount, Role};
use kaifang_platform::apps::credentials::reveal;
use kaifang_platform::apps::users::{self, UserList};
use kaifang_platform::apps::{self, App, AppInput, AppState};
use kaifang_platform::developers::{
    self, Administrator, DeveloperRole, DeveloperState, Enterprise, LegalPerson, ProfileInput,
};
use kaifang_platform::{Error, Platform, Result, apps::packages};
use serde_json::{Value, json};

use crate::Server;
use crate::config::Settings;

/// Demo logins and passwords. Sandbox only; printed in demo.json on purpose.
const OPERATOR: (&str, &str) = ("operator@demo.kaifang.dev", "operator-demo-2026");
const DEVELOPER: (&str, &str) = ("erp-merchant", "developer-demo-2026");
const MERCHANT: (&str, &str) = ("demo-merchant", "merchant-demo-2026");
const ISV: (&str, &str) = ("isv@demo.kaifang.dev", "isv-demo-2026");
const APPLICANT: (&str, &str) = ("applicant@demo.kaifang.dev", "applicant-demo-2026");
const DEMO_APP: &str = "演示自研ERP";
const ISV_APP: &str = "演示打单助手";

/// Creates what is missing and writes demo.json; returns its path.
pub async fn ensure(
    server: &Server,
    settings: &Settings,
    push_url: Option<&str>,
) -> Result<PathBuf> {
    let p = &server.platform;
    let path = settings.data_dir.join("demo.json");
    let previous: Value = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null);
    let base_url = server.base_url();

    let operator = account(p, OPERATOR, Role::Operator, None).await?;
    let developer = merchant(p, DEVELOPER, "演示ERP商家", "演示ERP旗舰店").await?;
    let merchant = demo_merchant(p).await?;

    developer_profile(
        p,
        &developer,
        &operator,
        "erp-dev@demo.kaifang.dev",
        DeveloperRole::Merchant,
        "91330000DEMO0001",
        true,
    )
    .await?;
    let callback = format!("{base_url}/sandbox/callback");
    let app = ensure_app(
        p,
        &developer,
        &operator,
        DEMO_APP,
        ("商家后台应用", "自研系统"),
        &callback,
        true,
    )
    .await?;
    if !users::is_listed(p, app.id, merchant.id, UserList::Test).await? {
        users::add(
            p,
            &developer,
            &app.id.to_string(),
            UserList::Test,
            merchant.id,
        )
        .await?;
    }
    // Items, orders in every status and after-sales cases for the demo shop (first start only).
    kaifang_commerce::demo::seed_shop(p, merchant.id, 300)
        .await
        .map_err(|e| Error::internal(format!("demo shop data: {e}")))?;
    let held = packages::list(p, &developer, &app.id.to_string()).await?;
    if !held.iter().any(|x| x.scope == "merchant_comment") {
        packages::apply(
            p,
            &developer,
            &app.id.to_string(),
            "merchant_comment",
            Some("展示买家评价 / show buyer reviews"),
        )
        .await?;
    }

    let isv = account(p, ISV, Role::Developer, Some("isv@demo.kaifang.dev")).await?;
    developer_profile(
        p,
        &isv,
        &operator,
        ISV.0,
        DeveloperRole::ThirdParty,
        "91330000DEMO0002",
        true,
    )
    .await?;
    ensure_app(
        p,
        &isv,
        &operator,
        ISV_APP,
        ("店铺管理", "打单发货"),
        "https://isv.example.com/oauth/callback",
        false,
    )
    .await?;
    let applicant = account(p, APPLICANT, Role::Developer, Some(APPLICANT.0)).await?;
    developer_profile(
        p,
        &applicant,
        &operator,
        APPLICANT.0,
        DeveloperRole::ThirdParty,
        "91330000DEMO0003",
        false,
    )
    .await?;

    if let Some(url) = push_url {
        kaifang_push::settings::configure_all(p, app.id, url).await?;
    }
    let creds = reveal(p, &developer, &app.id.to_string()).await?;
    let doc = json!({
        "base_url": base_url,
        "sandbox": true,
        "operator": credentials(p, &previous["operator"], &operator, OPERATOR).await?,
        "developer": credentials(p, &previous["developer"], &developer, DEVELOPER).await?,
        "app": {
            "id": app.id,
            "name": app.name,
            "app_key": creds.app_key,
            "app_secret": creds.app_secret,
            "sign_secret": creds.sign_secret,
            "push_key": creds.push_key,
            "callback_url": app.callback_url,
        },
        "merchant": { "login": MERCHANT.0, "password": MERCHANT.1, "user_id": merchant.id },
        "third_party_developer": credentials(p, &previous["third_party_developer"], &isv, ISV).await?,
        "push_url": push_url,
        "oauth": {
            "authorize_url": kaifang_platform::oauth::authorize_url(
                &base_url,
                &creds.app_key,
                &packages::granted(p, app.id).await?,
                &app.callback_url,
                "demo",
            ),
            "redirect_uri": app.callback_url,
        },
    });
    let text = serde_json::to_string_pretty(&doc).map_err(Error::internal)?;
    // Written beside and renamed, so a reader never sees half a file.
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|e| Error::internal(format!("{}: {e}", path.display())))?;
    Ok(path)
}

async fn account(
    p: &Platform,
    (login, password): (&str, &str),
    role: Role,
    developer_email: Option<&str>,
) -> Result<Account> {
    if let Some((a, _)) = accounts::find_by_login(p, login).await? {
        return Ok(a);
    }
    match developer_email {
        Some(email) => Ok(developers::sign_up(p, email, password, "演示开发者")
            .await?
            .0),
        None => {
            accounts::create(
                p,
                NewAccount {
                    login,
                    password,
                    name: "运营小二",
                    role,
                    main_account_id: None,
                },
            )
            .await
        }
    }
}

/// The demo merchant (`demo-merchant`), created with its shop when missing. `kaifang seed`
/// fills this shop when no merchant is named.
pub async fn demo_merchant(p: &Platform) -> Result<Account> {
    merchant(p, MERCHANT, "演示商家", "开放平台演示小店").await
}

async fn merchant(
    p: &Platform,
    (login, password): (&str, &str),
    name: &str,
    shop: &str,
) -> Result<Account> {
    if let Some((a, _)) = accounts::find_by_login(p, login).await? {
        return Ok(a);
    }
    Ok(accounts::create_merchant(p, login, password, name, shop)
        .await?
        .0)
}

async fn developer_profile(
    p: &Platform,
    account: &Account,
    operator: &Account,
    email: &str,
    role: DeveloperRole,
    licence: &str,
    approve: bool,
) -> Result<()> {
    let dev = match developers::find_of_account(p, account.id).await? {
        Some(d) => d,
        None => developers::enroll_merchant(p, account, email).await?,
    };
    if dev.state.editable() {
        developers::accept_agreement(p, account, &p.rules.agreement_version).await?;
        let profile = ProfileInput {
            role: Some(role),
            legal_person: LegalPerson {
                name: Some("张演示".into()),
                id_number: Some("110101199001011234".into()),
            },
            enterprise: Enterprise {
                name: Some(format!("{}科技有限公司", account.name)),
                licence_number: Some(licence.into()),
                description: Some("Kaifang 演示数据 / demo data".into()),
            },
            administrator: Administrator {
                name: Some("李管理".into()),
                phone: Some("13800138000".into()),
                email: Some(email.into()),
            },
        };
        developers::save_profile(p, account, &profile).await?;
        developers::submit(p, account).await?;
    }
    let dev = developers::of_account(p, account).await?;
    if approve && dev.state == DeveloperState::Submitted {
        developers::review(p, operator, dev.id, true, None).await?;
    }
    Ok(())
}

async fn ensure_app(
    p: &Platform,
    owner: &Account,
    operator: &Account,
    name: &str,
    (l1, l2): (&str, &str),
    callback: &str,
    approve: bool,
) -> Result<App> {
    let input = AppInput {
        name: name.into(),
        description: format!("{name}: Kaifang 演示应用 / demo app"),
        category_l1: l1.into(),
        category_l2: l2.into(),
        callback_url: callback.into(),
        website: Some("https://kaifang.example.com".into()),
        icon_doc_id: None,
        mrd_doc_id: None,
        prd_doc_id: None,
    };
    let existing = apps::list_mine(p, owner)
        .await?
        .into_iter()
        .find(|a| a.name == name);
    let app = match existing {
        Some(a) => a,
        None => apps::create(p, owner, &input).await?,
    };
    let app = if approve && app.state == AppState::InReview {
        apps::review(p, operator, &app.id.to_string(), true, None).await?
    } else {
        app
    };
    // The sandbox may come back on another port: keep the callback pointing at this server.
    if app.callback_url != callback && app.state.editable() {
        return apps::update(p, owner, &app.id.to_string(), &input).await;
    }
    Ok(app)
}

/// Login, password and a working API token (reused from the previous demo.json when still valid).
async fn credentials(
    p: &Platform,
    previous: &Value,
    account: &Account,
    (login, password): (&str, &str),
) -> Result<Value> {
    let old = previous["api_token"].as_str();
    let token = match old {
        Some(t)
            if accounts::token_account(p, t)
                .await?
                .is_some_and(|a| a.id == account.id) =>
        {
            t.to_string()
        }
        _ => accounts::create_api_token(p, account, "demo").await?.1,
    };
    Ok(json!({ "login": login, "password": password, "api_token": token, "user_id": account.id }))
}
