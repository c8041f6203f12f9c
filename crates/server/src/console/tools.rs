//! The developer's test tools (seed 001 §3.1.2): the API test tool and the message test tool.
//!
//! Both are thin pages over the same functions as their JSON endpoints:
//! [`gateway::tester::try_call`](crate::gateway::tester::try_call) signs a call server-side and
//! sends it through the real gateway pipeline; [`kaifang_push::probe::send`] sends one sample
//! message to the app's push URL with the real codec and sender. A tool's answer is shown on the
//! response to its form (never put in a URL), so a reload asks before sending again.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use kaifang_commerce::outbox::{self, EventDecl};
use kaifang_platform::Platform;
use kaifang_platform::accounts::{Account, Role};
use kaifang_platform::apps::users::{self, UserList};
use kaifang_platform::apps::{self, App};
use kaifang_platform::oauth::{authorizations, tokens};
use kaifang_push::probe::{self, Probe, ProbeInput};
use kaifang_push::settings as push_settings;
use serde::Deserialize;
use serde_json::Value;

use super::format::{Fields, datetime, event_groups, no_store};
use super::session::Viewer;
use super::{Chrome, Flash, render};
use crate::gateway::Gateway;
use crate::gateway::catalogue::{self, ApiMethod};
use crate::gateway::tester::{self, TryCall, TryResult};
use crate::http::Ctx;

/// A test user as the tools offer it.
pub struct TestUserOption {
    /// The merchant's id.
    pub user_id: i64,
    /// Name.
    pub name: String,
    /// Login.
    pub login: String,
    /// When its authorization of the app ends, if one is in force.
    pub authorized_until: Option<String>,
    /// Whether an authorization is in force.
    pub authorized: bool,
}

/// The app's test users with their authorization state.
pub async fn test_user_options(p: &Platform, owner: &Account, app: &App) -> Vec<TestUserOption> {
    let list = users::list(p, owner, &app.id.to_string(), UserList::Test)
        .await
        .unwrap_or_default();
    let mut out = Vec::with_capacity(list.len());
    for u in list {
        let live = authorizations::live(p, app.id, u.user_id)
            .await
            .ok()
            .flatten();
        out.push(TestUserOption {
            user_id: u.user_id,
            name: u.name,
            login: u.login,
            authorized: live.is_some(),
            authorized_until: live.and_then(|a| a.expires_at).map(|t| datetime(p, t)),
        });
    }
    out
}

/// The developer's apps that have credentials, and the one picked (`?app=`, else the first).
async fn my_apps(p: &Platform, viewer: &Viewer, wanted: Option<&str>) -> (Vec<App>, Option<App>) {
    let apps: Vec<App> = apps::list_mine(p, &viewer.account)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|a| a.app_key.is_some() && a.state.has_credentials())
        .collect();
    let picked = wanted
        .and_then(|w| {
            apps.iter()
                .find(|a| a.id.to_string() == w || a.app_key.as_deref() == Some(w))
        })
        .or(apps.first())
        .cloned();
    (apps, picked)
}

/// The methods grouped by permission package, as the docs centre groups them.
fn method_groups(lang: super::i18n::Lang) -> Vec<(String, Vec<&'static ApiMethod>)> {
    super::docs::api_groups(lang)
        .into_iter()
        .map(|g| (format!("{} · {}", g.title, g.scope), g.methods))
        .collect()
}

/// The `param` the form starts with: the catalogue's example (every required field and every
/// optional one with a declared example, compact, as SDKs send it), shared with the docs.
pub fn param_skeleton(m: &ApiMethod) -> String {
    m.example_param()
}

#[derive(Template)]
#[template(path = "console/tools_api.html")]
struct ApiToolPage {
    chrome: Chrome,
    apps: Vec<App>,
    app: Option<App>,
    groups: Vec<(String, Vec<&'static ApiMethod>)>,
    method: &'static ApiMethod,
    scope_title: &'static str,
    users: Vec<TestUserOption>,
    param: String,
    access_token: String,
    sign_method: String,
    http_method: String,
    result: Option<TryResult>,
    tab: &'static str,
}

impl ApiToolPage {
    fn picked_app(&self, a: &App) -> bool {
        self.app.as_ref().is_some_and(|x| x.id == a.id)
    }
    /// `SUB_CODE: error_msg` of a refused call, for a line above the details.
    fn refusal(&self) -> Option<String> {
        let r = self.result.as_ref().filter(|r| r.result != Some(1))?;
        let v: Value = serde_json::from_str(&r.body).ok()?;
        Some(format!(
            "{}: {}",
            v["sub_code"].as_str().unwrap_or_default(),
            v["error_msg"].as_str().unwrap_or_default()
        ))
    }
    fn pretty_body(&self) -> String {
        self.result
            .as_ref()
            .map(|r| {
                serde_json::from_str::<Value>(&r.body)
                    .ok()
                    .and_then(|v| serde_json::to_string_pretty(&v).ok())
                    .unwrap_or_else(|| r.body.clone())
            })
            .unwrap_or_default()
    }
}

/// `?app=&method=`.
#[derive(Debug, Default, Deserialize)]
pub struct ToolQuery {
    app: Option<String>,
    method: Option<String>,
    event: Option<String>,
    notice: Option<String>,
    error: Option<String>,
}

fn developer_only(viewer: &Viewer) -> Option<Response> {
    (viewer.account.role == Role::Operator).then(|| Redirect::to("/admin").into_response())
}

fn default_method() -> &'static ApiMethod {
    catalogue::find("open.item.list.get")
        .map(|e| e.method)
        .unwrap_or(catalogue::all()[0])
}

/// `GET /console/tools/api`.
pub async fn api_page(
    State(ctx): State<Ctx>,
    viewer: Viewer,
    Query(q): Query<ToolQuery>,
) -> Response {
    if let Some(r) = developer_only(&viewer) {
        return r;
    }
    let method = q
        .method
        .as_deref()
        .and_then(catalogue::find)
        .map_or_else(default_method, |e| e.method);
    let flash = Flash {
        notice: q.notice,
        error: q.error,
    };
    let form = ApiForm {
        method: method.name.to_string(),
        param: param_skeleton(method),
        http_method: method.http.to_string(),
        sign_method: "HMAC_SHA256".into(),
        ..ApiForm::default()
    };
    api_render(&ctx, viewer, q.app.as_deref(), form, flash, None).await
}

/// The API test form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ApiForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    app: String,
    method: String,
    token_source: String,
    access_token: String,
    param: String,
    sign_method: String,
    http_method: String,
}

async fn api_render(
    ctx: &Ctx,
    viewer: Viewer,
    app: Option<&str>,
    form: ApiForm,
    flash: Flash,
    result: Option<TryResult>,
) -> Response {
    let p = &ctx.platform;
    let (apps, app) = my_apps(p, &viewer, app).await;
    let method = catalogue::find(&form.method).map_or_else(default_method, |e| e.method);
    let users = match &app {
        Some(a) => test_user_options(p, &viewer.account, a).await,
        None => vec![],
    };
    let lang = viewer.lang;
    let chrome = flash.chrome(&viewer, lang.t("tool.api"));
    let shows_token = !form.access_token.is_empty();
    let page = render(&ApiToolPage {
        chrome,
        apps,
        app,
        groups: method_groups(lang),
        method,
        scope_title: lang.scope_title(method.scope),
        users,
        param: form.param,
        access_token: form.access_token,
        sign_method: form.sign_method,
        http_method: form.http_method,
        result,
        tab: "api_test",
    });
    if shows_token { no_store(page) } else { page }
}

/// `POST /console/tools/api`: sign and send.
pub async fn api_send(
    State(ctx): State<Ctx>,
    Extension(gw): Extension<Arc<Gateway>>,
    viewer: Viewer,
    headers: HeaderMap,
    axum::Form(mut form): axum::Form<ApiForm>,
) -> Response {
    if !viewer.csrf_ok(&form.csrf) {
        return super::bad_csrf(viewer.lang);
    }
    if let Some(r) = developer_only(&viewer) {
        return r;
    }
    let p = &ctx.platform;
    let lang = viewer.lang;
    let mut flash = Flash::default();
    // A test user picked: issue a fresh 48 h token (复制token) and keep it in the form, so the
    // next send reuses it instead of minting another.
    if let Some(user) = form.token_source.strip_prefix("user:") {
        match user.parse::<i64>() {
            Ok(uid) => match tokens::test_user_token(p, &viewer.account, &form.app, uid).await {
                Ok(t) => {
                    form.access_token = t.access_token;
                    flash.notice = Some(format!("{} {uid}", lang.t("tool.token_issued")));
                }
                Err(e) => flash.error = Some(e.message),
            },
            Err(_) => flash.error = Some("user id must be a number".into()),
        }
        form.token_source.clear();
    }
    let mut result = None;
    if flash.error.is_none() {
        let input = TryCall {
            method: form.method.clone(),
            param: form.param.clone(),
            access_token: form.access_token.clone(),
            sign_method: Some(form.sign_method.clone()),
            http_method: Some(form.http_method.clone()),
        };
        let host = tester::host_of(&headers);
        match tester::try_call(p, &gw, &viewer.account, &form.app, &host, &input).await {
            Ok(r) => result = Some(r),
            Err(e) => flash.error = Some(e.message),
        }
    }
    let app = form.app.clone();
    api_render(&ctx, viewer, Some(&app), form, flash, result).await
}

#[derive(Template)]
#[template(path = "console/tools_message.html")]
struct MessageToolPage {
    chrome: Chrome,
    apps: Vec<App>,
    app: Option<App>,
    groups: Vec<(&'static str, Vec<(&'static EventDecl, bool)>)>,
    event: Option<&'static EventDecl>,
    push_url: Option<String>,
    users: Vec<TestUserOption>,
    seller: String,
    info: String,
    probe: Option<Probe>,
    tab: &'static str,
}

impl MessageToolPage {
    fn picked_app(&self, a: &App) -> bool {
        self.app.as_ref().is_some_and(|x| x.id == a.id)
    }
    fn picked_event(&self, e: &EventDecl) -> bool {
        self.event.is_some_and(|x| x.name == e.name)
    }
    fn picked_seller(&self, id: &i64) -> bool {
        self.seller == id.to_string()
    }
    fn meaning_adds(&self, e: &EventDecl) -> bool {
        let title = super::format::event_title(&self.chrome.lang, e.name);
        !e.meaning.eq_ignore_ascii_case(title)
    }
    fn plaintext_pretty(&self) -> String {
        self.probe
            .as_ref()
            .and_then(|p| serde_json::from_str::<Value>(&p.plaintext).ok())
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_default()
    }
}

struct MessageForm {
    event: String,
    seller: String,
    info: String,
}

async fn message_render(
    ctx: &Ctx,
    viewer: Viewer,
    app: Option<&str>,
    form: MessageForm,
    flash: Flash,
    probe: Option<Probe>,
) -> Response {
    let p = &ctx.platform;
    let (apps, app) = my_apps(p, &viewer, app).await;
    let lang = viewer.lang;
    let (available, push_url, users) = match &app {
        Some(a) => {
            let available = push_settings::available_events(p, a.id)
                .await
                .unwrap_or_default();
            let url = push_settings::get(p, &viewer.account, &a.id.to_string())
                .await
                .ok()
                .and_then(|s| s.url);
            let users = test_user_options(p, &viewer.account, a).await;
            (available, url, users)
        }
        None => (vec![], None, vec![]),
    };
    let groups = event_groups(lang, |e| available.contains(&e.name));
    let event = outbox::EVENTS
        .iter()
        .filter(|e| available.contains(&e.name))
        .find(|e| e.name == form.event)
        .or_else(|| outbox::EVENTS.iter().find(|e| available.contains(&e.name)));
    let seller = if form.seller.is_empty() {
        users
            .first()
            .map(|u| u.user_id.to_string())
            .unwrap_or_default()
    } else {
        form.seller
    };
    let info = match (&event, form.info.is_empty()) {
        (Some(e), true) => {
            let sample = probe::sample_info(e, seller.parse().unwrap_or(0), p.now());
            in_declared_order(e, &sample)
        }
        _ => form.info,
    };
    let chrome = flash.chrome(&viewer, lang.t("tool.message"));
    render(&MessageToolPage {
        chrome,
        apps,
        app,
        groups,
        event,
        push_url,
        users,
        seller,
        info,
        probe,
        tab: "message_test",
    })
}

/// `info` as indented JSON with its fields in the declaration's order (the order the docs
/// list them), which reads better than the alphabetical order of a JSON map.
fn in_declared_order(decl: &EventDecl, info: &Value) -> String {
    let lines: Vec<String> = decl
        .info_fields
        .iter()
        .map(|f| format!("  \"{f}\": {}", info.get(*f).unwrap_or(&Value::Null)))
        .collect();
    format!("{{\n{}\n}}", lines.join(",\n"))
}

/// `GET /console/tools/message`.
pub async fn message_page(
    State(ctx): State<Ctx>,
    viewer: Viewer,
    Query(q): Query<ToolQuery>,
) -> Response {
    if let Some(r) = developer_only(&viewer) {
        return r;
    }
    let form = MessageForm {
        event: q.event.unwrap_or_default(),
        seller: String::new(),
        info: String::new(),
    };
    let flash = Flash {
        notice: q.notice,
        error: q.error,
    };
    message_render(&ctx, viewer, q.app.as_deref(), form, flash, None).await
}

/// `POST /console/tools/message`: send one sample message.
pub async fn message_send(
    State(ctx): State<Ctx>,
    viewer: Viewer,
    body: axum::body::Bytes,
) -> Response {
    let f = Fields::parse(&body);
    if !viewer.csrf_ok(f.get("_csrf")) {
        return super::bad_csrf(viewer.lang);
    }
    if let Some(r) = developer_only(&viewer) {
        return r;
    }
    let p = &ctx.platform;
    let form = MessageForm {
        event: f.get("event").to_string(),
        seller: f.get("seller").to_string(),
        info: f.get("info").to_string(),
    };
    let app = f.get("app").to_string();
    let mut flash = Flash::default();
    let info = match serde_json::from_str::<Value>(&form.info) {
        Ok(v @ Value::Object(_)) => Some(v),
        _ => {
            flash.error = Some(viewer.lang.t("tool.info_not_object").to_string());
            None
        }
    };
    let mut result = None;
    if let Some(info) = info {
        let input = ProbeInput {
            event: form.event.clone(),
            info: Some(info),
            seller_id: form.seller.parse().ok().filter(|s| *s > 0),
        };
        match probe::send(p, &viewer.account, &app, &input).await {
            Ok(r) => result = Some(r),
            Err(e) => flash.error = Some(e.message),
        }
    }
    message_render(&ctx, viewer, Some(&app), form, flash, result).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_read_in_declared_order() {
        for decl in outbox::EVENTS {
            let sample = probe::sample_info(decl, 3, 1_795_737_600_000);
            let text = in_declared_order(decl, &sample);
            let back: Value = serde_json::from_str(&text).expect("valid JSON");
            assert_eq!(back, sample, "{}", decl.name);
            let first = format!("\"{}\"", decl.info_fields[0]);
            assert!(text[..text.find(':').unwrap()].contains(&first));
        }
    }

    #[test]
    fn skeletons_are_json_objects() {
        for m in catalogue::all() {
            let s = param_skeleton(m);
            let v: Value = serde_json::from_str(&s).expect("valid JSON");
            assert!(v.is_object(), "{}", m.name);
            for f in m.request.iter().filter(|f| f.required) {
                assert!(v.get(f.name).is_some(), "{}: {}", m.name, f.name);
            }
        }
    }
}
