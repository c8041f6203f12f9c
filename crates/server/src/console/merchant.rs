//! Merchant pages: "my authorized apps" with revoke, and staff sub-accounts.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use kaifang_platform::accounts::{self, Account, Role};
use kaifang_platform::oauth::authorizations::{self, Authorization, AuthorizationStatus};
use serde::Deserialize;

use super::format::LocalTime;
use super::session::Viewer;
use super::{Chrome, Flash, failure, notice, render};
use crate::http::Ctx;

#[derive(Template)]
#[template(path = "console/merchant.html")]
struct MerchantPage {
    chrome: Chrome,
    staff: Vec<Account>,
    is_main: bool,
    authorizations: Vec<Authorization>,
    time: LocalTime,
}

impl MerchantPage {
    fn active(&self, a: &Authorization) -> bool {
        a.status == AuthorizationStatus::Active
    }
    fn status(&self, a: &Authorization) -> &'static str {
        match a.status {
            AuthorizationStatus::Active => "granted",
            AuthorizationStatus::Revoked => "rejected",
            AuthorizationStatus::Expired => "deleted",
        }
    }
    /// The status in words.
    fn status_label(&self, a: &Authorization) -> &'static str {
        self.chrome.t(match a.status {
            AuthorizationStatus::Active => "merchant.auth.active",
            AuthorizationStatus::Revoked => "merchant.auth.revoked",
            AuthorizationStatus::Expired => "merchant.auth.expired",
        })
    }
    /// Why the merchant could authorize, in words.
    fn source_label(&self, a: &Authorization) -> &'static str {
        self.chrome
            .t(&format!("merchant.source.{}", a.source.as_str()))
    }
    /// The granted packages by their names.
    fn scope_titles(&self, a: &Authorization) -> Vec<&'static str> {
        a.scopes
            .iter()
            .map(|s| self.chrome.lang.scope_title(s))
            .filter(|t| !t.is_empty())
            .collect()
    }
    fn date(&self, ms: &i64) -> String {
        self.time.datetime(*ms)
    }
    fn ends(&self, a: &Authorization) -> String {
        a.revoked_at.or(a.expires_at).map_or_else(
            || self.chrome.t("merchant.no_end").to_string(),
            |ms| self.time.datetime(ms),
        )
    }
}

/// `GET /merchant`.
pub async fn home(State(ctx): State<Ctx>, viewer: Viewer, Query(flash): Query<Flash>) -> Response {
    let is_main = viewer.account.role == Role::Merchant;
    if !is_main && viewer.account.role != Role::Staff {
        return super::error_page(viewer.lang, viewer.lang.t("merchant.only"));
    }
    let p = &ctx.platform;
    let (staff, authorizations) = if is_main {
        (
            accounts::list_staff(p, &viewer.account)
                .await
                .unwrap_or_default(),
            authorizations::list_for_merchant(p, &viewer.account)
                .await
                .unwrap_or_default(),
        )
    } else {
        (vec![], vec![])
    };
    let chrome = flash.chrome(&viewer, viewer.lang.t("nav.merchant"));
    render(&MerchantPage {
        chrome,
        staff,
        is_main,
        authorizations,
        time: LocalTime::of(p),
    })
}

/// A merchant form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MerchantForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    action: String,
    login: String,
    password: String,
    name: String,
    id: String,
}

/// `POST /merchant/action`.
pub async fn action(
    State(ctx): State<Ctx>,
    viewer: Viewer,
    Form(f): Form<MerchantForm>,
) -> Response {
    if !viewer.csrf_ok(&f.csrf) {
        return super::bad_csrf(viewer.lang);
    }
    let p = &ctx.platform;
    let a = &viewer.account;
    let id = f.id.parse::<i64>().unwrap_or(0);
    let result = match f.action.as_str() {
        "create_staff" => accounts::create_staff(p, a, f.login.trim(), &f.password, &f.name)
            .await
            .map(drop),
        "disable" => accounts::set_staff_disabled(p, a, id, true).await,
        "enable" => accounts::set_staff_disabled(p, a, id, false).await,
        "revoke" => authorizations::revoke_by_merchant(p, a, id).await.map(drop),
        _ => Err(kaifang_platform::Error::invalid("unknown action")),
    };
    match result {
        Ok(()) => notice("/merchant", viewer.lang.t("done.saved")),
        Err(e) => failure("/merchant", &e.message),
    }
}
