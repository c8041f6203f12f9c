//! The operator's back office: every review queue on one page, approve or reject with a reason.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use kaifang_platform::accounts::Role;
use kaifang_platform::apps::packages::{self, AppPackage};
use kaifang_platform::apps::{self, App, AppEvent, AppState};
use kaifang_platform::developers::{self, Developer, DeveloperState};
use serde::Deserialize;

use super::session::Viewer;
use super::{Chrome, Flash, failure, notice, render};
use crate::http::Ctx;

#[derive(Template)]
#[template(path = "console/admin.html")]
struct AdminPage {
    chrome: Chrome,
    developers: Vec<Developer>,
    apps: Vec<App>,
    launches: Vec<App>,
    scans: Vec<App>,
    packages: Vec<AppPackage>,
    all_apps: Vec<App>,
    q: String,
}

impl AdminPage {
    fn role_of(&self, d: &Developer) -> &'static str {
        d.role.map_or("", |r| r.as_str())
    }
}

/// Search box.
#[derive(Deserialize, Default)]
pub struct AdminQuery {
    q: Option<String>,
    notice: Option<String>,
    error: Option<String>,
}

/// `GET /admin`.
pub async fn home(
    State(ctx): State<Ctx>,
    viewer: Viewer,
    Query(query): Query<AdminQuery>,
) -> Response {
    if let Some(r) = viewer.redirect_unless(Role::Operator) {
        return r;
    }
    let p = &ctx.platform;
    let op = &viewer.account;
    let developers = developers::list(p, Some(DeveloperState::Submitted))
        .await
        .unwrap_or_default();
    let apps = apps::list_all(p, op, Some(AppState::InReview), None)
        .await
        .unwrap_or_default();
    let launches = apps::list_all(p, op, Some(AppState::LaunchReview), None)
        .await
        .unwrap_or_default();
    let scans = apps::list_all(p, op, Some(AppState::Scanning), None)
        .await
        .unwrap_or_default();
    let packages = packages::pending(p, op).await.unwrap_or_default();
    let q = query.q.unwrap_or_default();
    let all_apps = if q.trim().is_empty() {
        vec![]
    } else {
        apps::list_all(p, op, None, Some(q.trim()))
            .await
            .unwrap_or_default()
    };
    let flash = Flash {
        notice: query.notice,
        error: query.error,
    };
    let chrome = flash.chrome(
        viewer.lang,
        viewer.lang.t("nav.admin"),
        Some(viewer.account),
        viewer.csrf,
    );
    render(&AdminPage {
        chrome,
        developers,
        apps,
        launches,
        scans,
        packages,
        all_apps,
        q,
    })
}

/// A decision form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecideForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    subject: String,
    id: String,
    scope: String,
    decision: String,
    reason: String,
}

/// `POST /admin/decide`.
pub async fn decide(State(ctx): State<Ctx>, viewer: Viewer, Form(f): Form<DecideForm>) -> Response {
    if let Some(r) = viewer.redirect_unless(Role::Operator) {
        return r;
    }
    if !viewer.csrf_ok(&f.csrf) {
        return super::bad_csrf(viewer.lang);
    }
    let p = &ctx.platform;
    let op = &viewer.account;
    let approve = f.decision == "approve";
    let reason = Some(f.reason.trim()).filter(|r| !r.is_empty());
    let result = match f.subject.as_str() {
        "developer" => match f.id.parse() {
            Ok(id) => developers::review(p, op, id, approve, reason)
                .await
                .map(drop),
            Err(_) => Err(kaifang_platform::Error::invalid("bad developer id")),
        },
        "app" => apps::review(p, op, &f.id, approve, reason).await.map(drop),
        "launch" => apps::review_launch(p, op, &f.id, approve, reason)
            .await
            .map(drop),
        "scan" => {
            let ev = if approve {
                AppEvent::ScanPassed
            } else {
                AppEvent::ScanFailed
            };
            apps::operator_step(p, op, &f.id, ev).await.map(drop)
        }
        "package" => packages::review(p, op, &f.id, &f.scope, approve, reason)
            .await
            .map(drop),
        _ => Err(kaifang_platform::Error::invalid("unknown subject")),
    };
    match result {
        Ok(()) => notice(
            "/admin",
            if approve {
                "已通过 / Approved"
            } else {
                "已驳回 / Rejected"
            },
        ),
        Err(e) => failure("/admin", &e.message),
    }
}
