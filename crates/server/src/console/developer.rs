//! The developer console: onboarding, the app centre and one page per app.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use kaifang_platform::accounts::{Role, authenticate};
use kaifang_platform::apps::credentials::{self, AppCredentials, SecretKind};
use kaifang_platform::apps::packages::{self, AppPackage};
use kaifang_platform::apps::users::{self, AppUser, UserList};
use kaifang_platform::apps::{self, App, AppEvent, AppInput, AppState, category};
use kaifang_platform::developers::{
    self, Administrator, Developer, DeveloperRole, Enterprise, LegalPerson, ProfileInput,
};
use kaifang_platform::notifications::{self, Notification};
use kaifang_platform::oauth::{authorizations, authorize_url, tokens};
use kaifang_platform::scopes::{SCOPES, Scope};
use serde::Deserialize;

use super::format::{datetime, no_store};
use super::session::Viewer;
use super::tools::{TestUserOption, test_user_options};
use super::{Chrome, Flash, failure, notice, render};
use crate::http::Ctx;

#[derive(Template)]
#[template(path = "console/developer.html")]
struct HomePage {
    chrome: Chrome,
    developer: Option<Developer>,
    roles: Vec<(&'static str, &'static str, &'static str)>,
    agreement_version: String,
    notifications: Vec<Notification>,
}

impl HomePage {
    fn role_is(&self, r: &str) -> bool {
        self.developer
            .as_ref()
            .and_then(|d| d.role)
            .is_some_and(|x| x.as_str() == r)
    }
    fn state(&self) -> &'static str {
        self.developer
            .as_ref()
            .map_or("draft", |d| d.state.as_str())
    }
    fn editable(&self) -> bool {
        self.developer.as_ref().is_some_and(|d| d.state.editable())
    }
    fn accepted(&self) -> bool {
        self.developer
            .as_ref()
            .and_then(|d| d.agreement_version.as_deref())
            == Some(self.agreement_version.as_str())
    }
    fn field(&self, f: &str) -> String {
        let Some(d) = &self.developer else {
            return String::new();
        };
        let v = match f {
            "legal_person_name" => &d.legal_person_name,
            "enterprise_name" => &d.enterprise_name,
            "licence_number" => &d.licence_number,
            "enterprise_description" => &d.enterprise_description,
            "admin_name" => &d.admin_name,
            "admin_email" => &d.admin_email,
            _ => &None,
        };
        v.clone().unwrap_or_default()
    }
}

fn role_texts(lang: super::i18n::Lang) -> Vec<(&'static str, &'static str, &'static str)> {
    DeveloperRole::ALL
        .into_iter()
        .map(|r| {
            let key = r.as_str();
            (
                key,
                lang.t(&format!("role.{key}.title")),
                lang.t(&format!("role.{key}.text")),
            )
        })
        .collect()
}

/// `GET /console`: onboarding status and steps, and notifications.
pub async fn home(State(ctx): State<Ctx>, viewer: Viewer, Query(flash): Query<Flash>) -> Response {
    if viewer.account.role == Role::Operator {
        return Redirect::to("/admin").into_response();
    }
    let p = &ctx.platform;
    let developer = developers::find_of_account(p, viewer.account.id)
        .await
        .ok()
        .flatten();
    let notifications = notifications::list(p, viewer.account.id)
        .await
        .unwrap_or_default();
    let viewer_lang = viewer.lang;
    let chrome = flash.chrome(&viewer, viewer.lang.t("onboarding"));
    render(&HomePage {
        chrome,
        developer,
        roles: role_texts(viewer_lang),
        agreement_version: p.rules.agreement_version.clone(),
        notifications: notifications.into_iter().take(10).collect(),
    })
}

/// The onboarding form (one form, several buttons).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OnboardingForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    step: String,
    email: String,
    agree: String,
    role: String,
    legal_person_name: String,
    legal_person_id: String,
    enterprise_name: String,
    licence_number: String,
    enterprise_description: String,
    admin_name: String,
    admin_phone: String,
    admin_email: String,
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// `POST /console/onboarding`: enroll, accept, save or submit.
pub async fn onboarding(
    State(ctx): State<Ctx>,
    viewer: Viewer,
    Form(f): Form<OnboardingForm>,
) -> Response {
    if !viewer.csrf_ok(&f.csrf) {
        return super::bad_csrf(viewer.lang);
    }
    let p = &ctx.platform;
    let a = &viewer.account;
    let result = match f.step.as_str() {
        "enroll" => developers::enroll_merchant(p, a, &f.email)
            .await
            .map(|_| "done.enrolled"),
        "accept" if f.agree == "yes" => {
            developers::accept_agreement(p, a, &p.rules.agreement_version)
                .await
                .map(|_| "done.agreement")
        }
        "accept" => Err(kaifang_platform::Error::invalid(
            "tick the box to accept the agreement",
        )),
        "save" | "submit" => {
            let input = ProfileInput {
                role: DeveloperRole::parse(&f.role),
                legal_person: LegalPerson {
                    name: opt(&f.legal_person_name),
                    id_number: opt(&f.legal_person_id),
                },
                enterprise: Enterprise {
                    name: opt(&f.enterprise_name),
                    licence_number: opt(&f.licence_number),
                    description: opt(&f.enterprise_description),
                },
                administrator: Administrator {
                    name: opt(&f.admin_name),
                    phone: opt(&f.admin_phone),
                    email: opt(&f.admin_email),
                },
            };
            let saved = developers::save_profile(p, a, &input).await;
            match (saved, f.step.as_str()) {
                (Ok(_), "submit") => developers::submit(p, a).await.map(|_| "done.submitted"),
                (Ok(_), _) => Ok("done.saved"),
                (Err(e), _) => Err(e),
            }
        }
        _ => Err(kaifang_platform::Error::invalid("unknown step")),
    };
    match result {
        Ok(msg) => notice("/console", viewer.lang.t(msg)),
        Err(e) => failure("/console", &e.message),
    }
}

#[derive(Template)]
#[template(path = "console/apps.html")]
struct AppsPage {
    chrome: Chrome,
    apps: Vec<App>,
    categories: Vec<&'static category::Category>,
    approved: bool,
}

/// `GET /console/apps`: my apps and the creation form.
pub async fn apps(State(ctx): State<Ctx>, viewer: Viewer, Query(flash): Query<Flash>) -> Response {
    let p = &ctx.platform;
    let dev = developers::find_of_account(p, viewer.account.id)
        .await
        .ok()
        .flatten();
    let approved = dev
        .as_ref()
        .is_some_and(|d| d.state == developers::DeveloperState::Approved);
    let categories = dev
        .and_then(|d| d.role)
        .map(|r| category::for_role(r).collect())
        .unwrap_or_default();
    let apps = if approved {
        apps::list_mine(p, &viewer.account)
            .await
            .unwrap_or_default()
    } else {
        vec![]
    };
    let chrome = flash.chrome(&viewer, viewer.lang.t("nav.apps"));
    render(&AppsPage {
        chrome,
        apps,
        categories,
        approved,
    })
}

/// The app creation form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CreateForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    name: String,
    description: String,
    category: String,
    callback_url: String,
    website: String,
}

/// `POST /console/apps`.
pub async fn create_app(
    State(ctx): State<Ctx>,
    viewer: Viewer,
    Form(f): Form<CreateForm>,
) -> Response {
    if !viewer.csrf_ok(&f.csrf) {
        return super::bad_csrf(viewer.lang);
    }
    let (l1, l2) = f.category.split_once('/').unwrap_or(("", ""));
    let input = AppInput {
        name: f.name,
        description: f.description,
        category_l1: l1.into(),
        category_l2: l2.into(),
        callback_url: f.callback_url,
        website: opt(&f.website),
        icon_doc_id: None,
        mrd_doc_id: None,
        prd_doc_id: None,
    };
    match apps::create(&ctx.platform, &viewer.account, &input).await {
        Ok(app) => notice(
            &format!("/console/apps/{}", app.id),
            viewer.lang.t("done.app_submitted"),
        ),
        Err(e) => failure("/console/apps", &e.message),
    }
}

#[derive(Template)]
#[template(path = "console/app.html")]
struct AppPage {
    chrome: Chrome,
    app: App,
    packages: Vec<AppPackage>,
    missing: Vec<&'static Scope>,
    test_users: Vec<TestUserOption>,
    authorized_users: Vec<AppUser>,
    secrets: Option<AppCredentials>,
    events: Vec<&'static str>,
    auth_link: Option<String>,
    max_test_users: usize,
    shown: Option<Shown>,
    tab: &'static str,
}

impl AppPage {
    fn shown_for(&self, user_id: &i64) -> Option<&Shown> {
        self.shown.as_ref().filter(|s| s.user_id == *user_id)
    }
}

/// A test user's fresh code or token, shown once on the response to the button (刷新code,
/// 复制token), never put in a URL.
struct Shown {
    user_id: i64,
    /// `code` or `token`.
    kind: &'static str,
    value: String,
    /// When it stops working.
    until: String,
}

/// What only the response to a button shows.
#[derive(Default)]
enum Reveal {
    #[default]
    Nothing,
    Secrets(AppCredentials),
    TestUser(Shown),
}

/// `scheme://host` of the request, for links people copy (the authorization link).
fn origin(headers: &HeaderMap) -> String {
    let proto = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .filter(|v| *v == "https" || *v == "http")
        .unwrap_or("http");
    format!("{proto}://{}", crate::gateway::tester::host_of(headers))
}

async fn app_page(
    ctx: &Ctx,
    viewer: Viewer,
    id: &str,
    flash: Flash,
    origin: &str,
    reveal: Reveal,
) -> Response {
    let p = &ctx.platform;
    let a = &viewer.account;
    let app = match super::owned_app(ctx, &viewer, id).await {
        Ok(app) => app,
        Err(r) => return r,
    };
    let key = app.id.to_string();
    let packages = packages::list(p, a, &key).await.unwrap_or_default();
    let missing = SCOPES
        .iter()
        .filter(|s| !packages.iter().any(|x| x.scope == s.name))
        .collect();
    let test_users = test_user_options(p, a, &app).await;
    let auth_link = match (&app.app_key, app.state.has_credentials()) {
        (Some(app_key), true) => {
            let scopes = packages::granted(p, app.id).await.unwrap_or_default();
            Some(authorize_url(
                origin,
                app_key,
                &scopes,
                &app.callback_url,
                "test",
            ))
        }
        _ => None,
    };
    let authorized_users = users::list(p, a, &key, UserList::Authorized)
        .await
        .unwrap_or_default();
    let events = match app.state {
        AppState::Rejected => vec!["resubmit", "delete"],
        AppState::Developing => vec!["start_scan", "delete"],
        AppState::Online => vec!["take_offline"],
        AppState::Deleted => vec![],
        _ => vec!["delete"],
    };
    let chrome = flash.chrome(&viewer, &app.name);
    let (secrets, shown) = match reveal {
        Reveal::Nothing => (None, None),
        Reveal::Secrets(c) => (Some(c), None),
        Reveal::TestUser(s) => (None, Some(s)),
    };
    let secret_shown = secrets.is_some() || shown.is_some();
    let page = render(&AppPage {
        chrome,
        app,
        packages,
        missing,
        test_users,
        authorized_users,
        events,
        auth_link,
        max_test_users: p.rules.max_test_users,
        tab: "overview",
        secrets,
        shown,
    });
    if secret_shown { no_store(page) } else { page }
}

/// `GET /console/apps/{id}`.
pub async fn app(
    State(ctx): State<Ctx>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    app_page(&ctx, viewer, &id, flash, &origin(&headers), Reveal::Nothing).await
}

/// One of the app page's forms.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AppAction {
    #[serde(rename = "_csrf")]
    csrf: String,
    action: String,
    password: String,
    scope: String,
    reason: String,
    user_id: String,
    event: String,
}

/// `POST /console/apps/{id}/action`.
pub async fn app_action(
    State(ctx): State<Ctx>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<AppAction>,
) -> Response {
    if !viewer.csrf_ok(&f.csrf) {
        return super::bad_csrf(viewer.lang);
    }
    let p = &ctx.platform;
    let a = viewer.account.clone();
    let back = format!("/console/apps/{id}");
    let user_id = || {
        f.user_id
            .trim()
            .parse::<i64>()
            .map_err(|_| kaifang_platform::Error::invalid("user id must be a number"))
    };
    let result: kaifang_platform::Result<&str> = match f.action.as_str() {
        "reveal" => {
            // Secrets are shown on this response only, never stored in a URL or redirected.
            let shown = async {
                authenticate(p, &a.login, &f.password).await?;
                credentials::reveal(p, &a, &id).await
            };
            return match shown.await {
                Ok(c) => {
                    let origin = origin(&headers);
                    app_page(
                        &ctx,
                        viewer,
                        &id,
                        Flash::default(),
                        &origin,
                        Reveal::Secrets(c),
                    )
                    .await
                }
                Err(e) => failure(&back, &e.message),
            };
        }
        "refresh_code" | "issue_token" => {
            // Like the secrets: shown on this response only.
            let uid = match user_id() {
                Ok(u) => u,
                Err(e) => return failure(&back, &e.message),
            };
            let now = p.now();
            let shown = if f.action == "refresh_code" {
                tokens::test_user_code(p, &a, &id, uid)
                    .await
                    .map(|code| Shown {
                        user_id: uid,
                        kind: "code",
                        value: code,
                        until: datetime(p, now + p.rules.oauth.code_ttl),
                    })
            } else {
                tokens::test_user_token(p, &a, &id, uid)
                    .await
                    .map(|t| Shown {
                        user_id: uid,
                        kind: "token",
                        value: t.access_token,
                        until: datetime(p, now + t.expires_in * 1000),
                    })
            };
            return match shown {
                Ok(s) => {
                    let origin = origin(&headers);
                    let flash = Flash {
                        notice: Some(
                            viewer
                                .lang
                                .t(if s.kind == "code" {
                                    "test_users.code_done"
                                } else {
                                    "test_users.token_done"
                                })
                                .to_string(),
                        ),
                        error: None,
                    };
                    app_page(&ctx, viewer, &id, flash, &origin, Reveal::TestUser(s)).await
                }
                Err(e) => failure(&back, &e.message),
            };
        }
        "end_authorization" => match user_id() {
            Ok(u) => authorizations::end_test_authorization(p, &a, &id, u)
                .await
                .map(|_| "done.authorization_ended"),
            Err(e) => Err(e),
        },
        "rotate_app_secret" => credentials::rotate(p, &a, &id, SecretKind::AppSecret)
            .await
            .map(|_| "done.app_secret_rotated"),
        "rotate_sign_secret" => credentials::rotate(p, &a, &id, SecretKind::SignSecret)
            .await
            .map(|_| "done.sign_secret_rotated"),
        "apply_package" => packages::apply(p, &a, &id, &f.scope, opt(&f.reason).as_deref())
            .await
            .map(|_| "done.applied"),
        "add_test_user" => match user_id() {
            Ok(u) => users::add(p, &a, &id, UserList::Test, u)
                .await
                .map(|_| "done.added"),
            Err(e) => Err(e),
        },
        "remove_test_user" => match user_id() {
            Ok(u) => users::remove(p, &a, &id, UserList::Test, u)
                .await
                .map(|()| "done.removed"),
            Err(e) => Err(e),
        },
        "add_authorized_user" => match user_id() {
            Ok(u) => users::add(p, &a, &id, UserList::Authorized, u)
                .await
                .map(|_| "done.added"),
            Err(e) => Err(e),
        },
        "remove_authorized_user" => match user_id() {
            Ok(u) => users::remove(p, &a, &id, UserList::Authorized, u)
                .await
                .map(|()| "done.removed"),
            Err(e) => Err(e),
        },
        "lifecycle" => {
            match serde_json::from_value::<AppEvent>(serde_json::Value::String(f.event.clone())) {
                Ok(ev) => apps::developer_step(p, &a, &id, ev)
                    .await
                    .map(|_| "done.updated"),
                Err(_) => Err(kaifang_platform::Error::invalid("unknown lifecycle step")),
            }
        }
        _ => Err(kaifang_platform::Error::invalid("unknown action")),
    };
    match result {
        Ok(msg) => notice(&back, viewer.lang.t(msg)),
        Err(e) => failure(&back, &e.message),
    }
}
