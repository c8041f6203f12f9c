//! An app's traffic page (tier, today's usage, "reset today") and its data dashboard (数据看板:
//! calls and success rate per method and day, push success rate per day, the failing calls).
//! The traffic page is over the same functions as `/api/apps/{app}/traffic`; the dashboard's
//! calls come from the operator dashboard's queries for one app
//! ([`super::admin_dashboard::calls_by_day`]), its push figures from `/push/stats`' function.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use kaifang_platform::apps::App;
use kaifang_platform::traffic::{self, MAX_RESETS_PER_DAY, RESET_THRESHOLD_PERCENT, day_string};
use kaifang_push::log;
use serde::Deserialize;

use super::admin_dashboard::{Tally, calls_by_day, calls_by_method, short_day};
use super::charts::{self, Column};
use super::format::{datetime, percent, thousands};
use super::session::Viewer;
use super::{Chrome, Flash, failure, notice, render};
use crate::gateway::Gateway;
use crate::gateway::console::{self as gw_console, CallFailure, TrafficView};
use crate::http::Ctx;

#[derive(Template)]
#[template(path = "console/app_traffic.html")]
struct TrafficPage {
    chrome: Chrome,
    app: App,
    view: TrafficView,
    used_share: f64,
    resets_done: i64,
    can_reset: bool,
    threshold: u64,
    max_resets: i64,
    sandbox: bool,
    tab: &'static str,
}

impl TrafficPage {
    fn n(&self, v: &u64) -> String {
        thousands(*v)
    }
    fn used_percent(&self) -> String {
        percent(self.used_share)
    }
    fn bar_width(&self) -> String {
        format!("{:.1}", (self.used_share * 100.0).clamp(0.0, 100.0))
    }
}

/// `GET /console/apps/{id}/traffic`.
pub async fn traffic_page(
    State(ctx): State<Ctx>,
    Extension(gw): Extension<Arc<Gateway>>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    let app = match super::owned_app(&ctx, &viewer, &id).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let view = match gw_console::view(&ctx.platform, &gw, &app).await {
        Ok(v) => v,
        Err(e) => return failure(&format!("/console/apps/{id}"), &e.message),
    };
    let used_share = view.used_today as f64 / view.quota_today.max(1) as f64;
    let resets_done = MAX_RESETS_PER_DAY - view.resets_left;
    let can_reset =
        view.resets_left > 0 && view.used_today * 100 > view.quota_today * RESET_THRESHOLD_PERCENT;
    let lang = viewer.lang;
    let chrome = flash.chrome(&viewer, lang.t("tab.traffic"));
    render(&TrafficPage {
        chrome,
        app,
        view,
        used_share,
        resets_done,
        can_reset,
        threshold: RESET_THRESHOLD_PERCENT,
        max_resets: MAX_RESETS_PER_DAY,
        sandbox: ctx.platform.rules.sandbox,
        tab: "traffic",
    })
}

/// The traffic page's forms.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TrafficForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    /// `reset` (default) or `sign_debug`.
    action: String,
    /// For `sign_debug`: `on` or `off`.
    enabled: String,
}

/// `POST /console/apps/{id}/traffic`: "reset today", or the sign-debug switch.
pub async fn reset(
    State(ctx): State<Ctx>,
    Extension(gw): Extension<Arc<Gateway>>,
    viewer: Viewer,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<TrafficForm>,
) -> Response {
    if !viewer.csrf_ok(&f.csrf) {
        return super::bad_csrf(viewer.lang);
    }
    let back = format!("/console/apps/{id}/traffic");
    let app = match super::owned_app(&ctx, &viewer, &id).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let p = &ctx.platform;
    if f.action == "sign_debug" {
        let on = f.enabled == "on";
        return match traffic::set_sign_debug(p, &viewer.account, &id, on).await {
            Ok(_) => notice(&back, viewer.lang.t("traffic.sign_debug_done")),
            Err(e) => failure(&back, &e.message),
        };
    }
    match gw_console::reset(p, &gw, &app).await {
        Ok(_) => notice(&back, viewer.lang.t("traffic.reset_done")),
        Err(e) => failure(&back, &e.message),
    }
}

#[derive(Template)]
#[template(path = "console/app_dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    app: App,
    days: i64,
    method: String,
    methods: Vec<Tally>,
    calls_chart: String,
    push_chart: String,
    total_calls: i64,
    success_rate: Option<f64>,
    push_total: i64,
    push_rate: Option<f64>,
    failures: Vec<(String, CallFailure)>,
    tab: &'static str,
}

impl DashboardPage {
    fn pct(&self, m: &Tally) -> String {
        percent(m.share())
    }
    fn opt_pct(&self, r: &Option<f64>) -> String {
        r.map_or_else(|| "—".into(), percent)
    }
    fn bar(&self, m: &Tally) -> String {
        charts::share_bar(m.share())
    }
    fn n(&self, v: &i64) -> String {
        thousands(*v)
    }
    fn colour(&self, i: usize) -> &'static str {
        charts::PARTS[i]
    }
    fn rate_colour(&self) -> &'static str {
        charts::RATE
    }
}

/// `?days=7|30&method=`.
#[derive(Debug, Default, Deserialize)]
pub struct DashboardQuery {
    days: Option<i64>,
    method: Option<String>,
    notice: Option<String>,
    error: Option<String>,
}

/// `GET /console/apps/{id}/dashboard`.
pub async fn dashboard_page(
    State(ctx): State<Ctx>,
    Extension(gw): Extension<Arc<Gateway>>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<DashboardQuery>,
) -> Response {
    let p = &ctx.platform;
    let app = match super::owned_app(&ctx, &viewer, &id).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let days = q.days.unwrap_or(7).clamp(1, 90);
    let method = q.method.unwrap_or_default();
    let back = format!("/console/apps/{id}");
    // The same figures as the operator's dashboard, for this app, with the calls of the last
    // second written first.
    gw.recorder.flush().await;
    let today = p.rules.traffic.day_of(p.now());
    let first = today - days + 1;
    let figures = async {
        let per_day = calls_by_day(p, Some(app.id), &method, first, today).await?;
        let methods = calls_by_method(p, Some(app.id), first).await?;
        let push = log::stats(p, &viewer.account, &id, days).await?;
        Ok::<_, kaifang_platform::Error>((per_day, methods, push))
    };
    let (per_day, methods, push) = match figures.await {
        Ok(f) => f,
        Err(e) => return failure(&back, &e.message),
    };
    let failures = gw_console::recent_failures(p, &gw, &app)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|f| method.is_empty() || f.method == method)
        .take(50)
        .map(|f| (datetime(p, f.at), f))
        .collect();
    let lang = viewer.lang;
    let calls_label = lang.t("dash.calls");
    let columns: Vec<Column> = per_day
        .iter()
        .map(|d| Column {
            label: short_day(d.day),
            title: format!(
                "{}: {} {calls_label}, {}",
                day_string(d.day),
                d.calls,
                d.rate().map_or_else(|| "—".into(), percent)
            ),
            parts: vec![d.success as f64, (d.calls - d.success) as f64],
            rate: d.rate(),
        })
        .collect();
    let total_calls: i64 = per_day.iter().map(|d| d.calls).sum();
    let total_ok: i64 = per_day.iter().map(|d| d.success).sum();
    let push_columns: Vec<Column> = push
        .iter()
        .map(|d| Column {
            label: d.day[5..].to_string(),
            title: format!(
                "{}: {} / {}, {}",
                d.day,
                d.delivered,
                d.total,
                percent(d.success_rate)
            ),
            parts: vec![d.delivered as f64, d.failed as f64, d.pending as f64],
            rate: (d.total > 0).then_some(d.success_rate),
        })
        .collect();
    let push_total: i64 = push.iter().map(|d| d.total).sum();
    let push_delivered: i64 = push.iter().map(|d| d.delivered).sum();
    let chrome = Flash {
        notice: q.notice,
        error: q.error,
    }
    .chrome(&viewer, lang.t("tab.dashboard"));
    render(&DashboardPage {
        chrome,
        app,
        days,
        calls_chart: charts::stacked(lang.t("dash.calls_chart"), &columns, lang.t("dash.no_data")),
        push_chart: charts::stacked(
            lang.t("dash.push_chart"),
            &push_columns,
            lang.t("dash.no_data"),
        ),
        method,
        methods,
        total_calls,
        success_rate: (total_calls > 0).then(|| total_ok as f64 / total_calls as f64),
        push_total,
        push_rate: (push_total > 0).then(|| push_delivered as f64 / push_total as f64),
        failures,
        tab: "dashboard",
    })
}
