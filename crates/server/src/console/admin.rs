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

use super::format::LocalTime;
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
    let chrome = flash.chrome(&viewer, viewer.lang.t("nav.admin"));
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
            viewer.lang.t(if approve {
                "state.approved"
            } else {
                "state.rejected"
            }),
        ),
        Err(e) => failure("/admin", &e.message),
    }
}

// ---- search, app details and traffic tiers ----

/// `?q=&state=&developer=` of the search pages.
#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    state: String,
    developer: Option<i64>,
    notice: Option<String>,
    error: Option<String>,
}

/// At most this many rows on a search page.
const SEARCH_ROWS: usize = 200;

#[derive(Template)]
#[template(path = "console/admin_developers.html")]
struct DevelopersPage {
    chrome: Chrome,
    tab: &'static str,
    q: String,
    state: String,
    states: [&'static str; 5],
    developers: Vec<Developer>,
    total: usize,
    time: LocalTime,
}

impl DevelopersPage {
    fn role_of(&self, d: &Developer) -> &'static str {
        d.role
            .map_or("", |r| self.chrome.t(&format!("role.{}.title", r.as_str())))
    }
    fn day(&self, ms: &Option<i64>) -> String {
        self.time.maybe(*ms)
    }
}

fn matches(q: &str, fields: &[Option<&str>]) -> bool {
    let q = q.trim().to_lowercase();
    q.is_empty()
        || fields
            .iter()
            .flatten()
            .any(|f| f.to_lowercase().contains(&q))
}

/// `GET /admin/developers`: every developer, filtered by state and text.
pub async fn developers_page(
    State(ctx): State<Ctx>,
    viewer: Viewer,
    Query(query): Query<SearchQuery>,
) -> Response {
    if let Some(r) = viewer.redirect_unless(Role::Operator) {
        return r;
    }
    let state = DeveloperState::parse(&query.state);
    let all = match developers::list(&ctx.platform, state).await {
        Ok(all) => all,
        Err(e) => return super::error_page(viewer.lang, &e.message),
    };
    let q = query.q.trim().to_string();
    let id = q.parse::<i64>().ok();
    let found: Vec<Developer> = all
        .into_iter()
        .filter(|d| {
            Some(d.id) == id
                || matches(
                    &q,
                    &[
                        Some(d.email.as_str()),
                        d.enterprise_name.as_deref(),
                        d.licence_number.as_deref(),
                        d.admin_name.as_deref(),
                        d.admin_email.as_deref(),
                    ],
                )
        })
        .collect();
    let total = found.len();
    let chrome = Flash {
        notice: query.notice,
        error: query.error,
    }
    .chrome(&viewer, viewer.lang.t("admin.developers"));
    render(&DevelopersPage {
        chrome,
        tab: "developers",
        q,
        state: state.map_or("", DeveloperState::as_str).to_string(),
        states: ["submitted", "approved", "rejected", "draft", "cleared"],
        developers: found.into_iter().take(SEARCH_ROWS).collect(),
        total,
        time: LocalTime::of(&ctx.platform),
    })
}

#[derive(Template)]
#[template(path = "console/admin_apps.html")]
struct AppsPage {
    chrome: Chrome,
    tab: &'static str,
    q: String,
    state: String,
    states: Vec<&'static str>,
    developer: Option<Developer>,
    apps: Vec<(App, String)>,
    total: usize,
    time: LocalTime,
}

impl AppsPage {
    fn date(&self, ms: &i64) -> String {
        self.time.datetime(*ms)
    }
}

/// `GET /admin/apps`: every app, filtered by state, developer and name or appKey.
pub async fn apps_page(
    State(ctx): State<Ctx>,
    viewer: Viewer,
    Query(query): Query<SearchQuery>,
) -> Response {
    if let Some(r) = viewer.redirect_unless(Role::Operator) {
        return r;
    }
    let p = &ctx.platform;
    let state = AppState::parse(&query.state);
    let q = query.q.trim().to_string();
    let listed = apps::list_all(p, &viewer.account, state, Some(&q)).await;
    let devs = developers::list(p, None).await;
    let (listed, devs) = match (listed, devs) {
        (Ok(a), Ok(d)) => (a, d),
        (Err(e), _) | (_, Err(e)) => return super::error_page(viewer.lang, &e.message),
    };
    let developer = query
        .developer
        .and_then(|id| devs.iter().find(|d| d.id == id).cloned());
    let owner_of = |a: &App| {
        devs.iter()
            .find(|d| d.id == a.developer_id)
            .map(|d| d.enterprise_name.clone().unwrap_or_else(|| d.email.clone()))
            .unwrap_or_default()
    };
    let mut found: Vec<(App, String)> = listed
        .into_iter()
        .filter(|a| query.developer.is_none_or(|d| a.developer_id == d))
        .map(|a| {
            let owner = owner_of(&a);
            (a, owner)
        })
        .collect();
    found.reverse();
    let total = found.len();
    let chrome = Flash {
        notice: query.notice,
        error: query.error,
    }
    .chrome(&viewer, viewer.lang.t("admin.apps"));
    render(&AppsPage {
        chrome,
        tab: "apps",
        q,
        state: state.map_or("", AppState::as_str).to_string(),
        states: AppState::ALL.iter().map(|s| s.as_str()).collect(),
        developer,
        apps: found.into_iter().take(SEARCH_ROWS).collect(),
        total,
        time: LocalTime::of(p),
    })
}

/// One app's traffic, as the tier form shows it.
struct TrafficNow {
    settings: kaifang_platform::traffic::AppGateway,
    daily_quota: u64,
    used_today: u64,
    resets: i64,
    qps: u32,
}

#[derive(Template)]
#[template(path = "console/admin_app.html")]
struct AppDetailPage {
    chrome: Chrome,
    tab: &'static str,
    app: App,
    developer: Option<Developer>,
    traffic: TrafficNow,
    daily_tiers: &'static [i64],
    qps_tiers: &'static [i64],
    prelaunch: u64,
    launched: u64,
    chrome_sandbox: bool,
    calls_chart: String,
    rate_chart: String,
    methods: Vec<super::admin_dashboard::Tally>,
    time: LocalTime,
}

impl AppDetailPage {
    fn count(&self, n: &u64) -> String {
        super::format::thousands(*n)
    }
    fn daily_is(&self, t: &i64) -> bool {
        self.traffic.settings.daily_tier == Some(*t)
    }
    fn qps_is(&self, t: &i64) -> bool {
        self.traffic.settings.qps_tier == Some(*t)
    }
    fn used_percent(&self) -> String {
        super::format::percent(
            self.traffic.used_today as f64 / self.traffic.daily_quota.max(1) as f64,
        )
    }
    fn when(&self, ms: &Option<i64>) -> String {
        self.time.maybe(*ms)
    }
    fn date(&self, ms: &i64) -> String {
        self.time.datetime(*ms)
    }
    fn encoded(&self, s: &str) -> String {
        super::encode(s)
    }
}

/// `GET /admin/apps/{id}`: an app's details, traffic tiers and calls.
pub async fn app_page(
    State(ctx): State<Ctx>,
    viewer: Viewer,
    axum::extract::Path(key): axum::extract::Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    if let Some(r) = viewer.redirect_unless(Role::Operator) {
        return r;
    }
    match app_detail(&ctx, &viewer, &key).await {
        Ok((app, developer, traffic, calls_chart, rate_chart, methods)) => {
            let chrome = flash.chrome(&viewer, &app.name);
            // The platform's own defaults; sandbox mode relaxes them (said on the page).
            let rules = kaifang_platform::rules::TrafficRules::new(false);
            render(&AppDetailPage {
                chrome,
                tab: "apps",
                app,
                developer,
                traffic,
                daily_tiers: &kaifang_platform::traffic::DAILY_TIERS_WAN,
                qps_tiers: &kaifang_platform::traffic::QPS_TIERS,
                prelaunch: rules.prelaunch_daily_calls,
                launched: rules.launched_daily_calls,
                chrome_sandbox: ctx.platform.rules.sandbox,
                calls_chart,
                rate_chart,
                methods,
                time: LocalTime::of(&ctx.platform),
            })
        }
        Err(e) => super::error_page(viewer.lang, &e.message),
    }
}

type AppDetail = (
    App,
    Option<Developer>,
    TrafficNow,
    String,
    String,
    Vec<super::admin_dashboard::Tally>,
);

async fn app_detail(ctx: &Ctx, viewer: &Viewer, key: &str) -> kaifang_platform::Result<AppDetail> {
    use super::admin_dashboard::{calls_by_day, calls_by_method, short_day};
    use super::charts::{self, Unit};
    let p = &ctx.platform;
    viewer.account.require_operator()?;
    let app = apps::resolve(p, key).await?;
    let developer = developers::get(p, app.developer_id).await.ok();
    let settings = kaifang_platform::traffic::settings(p, app.id).await?;
    let rules = &p.rules.traffic;
    let today = rules.day_of(p.now());
    let (used, resets) = kaifang_platform::traffic::load_usage(p, app.id, "", today).await?;
    let traffic = TrafficNow {
        daily_quota: settings.daily_quota(rules, app.state),
        qps: settings.qps().max(rules.qps_floor),
        used_today: used,
        resets,
        settings,
    };
    let lang = viewer.lang;
    let days = calls_by_day(p, Some(app.id), "", today - 13, today).await?;
    let calls: Vec<(String, f64)> = days
        .iter()
        .map(|d| (short_day(d.day), d.calls as f64))
        .collect();
    let rates: Vec<(String, Option<f64>)> =
        days.iter().map(|d| (short_day(d.day), d.rate())).collect();
    let methods = calls_by_method(p, Some(app.id), today - 13).await?;
    Ok((
        app,
        developer,
        traffic,
        charts::columns(
            lang.t("dash.calls_per_day"),
            &calls,
            Unit::Count,
            charts::BLUE,
        ),
        charts::line(lang.t("dash.rate_per_day"), &rates, charts::GREEN),
        methods,
    ))
}

/// The tier form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TierForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    daily_tier: String,
    qps_tier: String,
}

/// `POST /admin/apps/{id}/traffic`: set an app's daily and QPS tiers ("" = the default).
pub async fn set_traffic(
    State(ctx): State<Ctx>,
    viewer: Viewer,
    axum::extract::Path(key): axum::extract::Path<String>,
    Form(f): Form<TierForm>,
) -> Response {
    if let Some(r) = viewer.redirect_unless(Role::Operator) {
        return r;
    }
    if !viewer.csrf_ok(&f.csrf) {
        return super::bad_csrf(viewer.lang);
    }
    let back = format!("/admin/apps/{}", super::encode(&key));
    let tier = |s: &str| -> Result<Option<i64>, ()> {
        if s.trim().is_empty() {
            Ok(None)
        } else {
            s.trim().parse().map(Some).map_err(drop)
        }
    };
    let (Ok(daily), Ok(qps)) = (tier(&f.daily_tier), tier(&f.qps_tier)) else {
        return failure(&back, viewer.lang.t("admin.tier.bad"));
    };
    match kaifang_platform::traffic::set_tiers(&ctx.platform, &viewer.account, &key, daily, qps)
        .await
    {
        Ok(_) => notice(&back, viewer.lang.t("admin.tier.saved")),
        Err(e) => failure(&back, &e.message),
    }
}
