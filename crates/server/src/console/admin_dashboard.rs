//! The operator's platform-wide dashboard (`/admin/dashboard`): calls and success rate per day
//! and per method across all apps, the top apps by calls, push success per day, and the size of
//! every queue (reviews, outbox, push). Charts are server-rendered SVG ([`super::charts`]).
//!
//! The figures come from the tables the gateway's recorder and the push worker write
//! (`call_stats`, `push_messages`, `outbox`); the recorder writes once a second, so a call shows
//! up here within about a second. The query functions take an optional app so that one app's
//! page can show the same figures.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use kaifang_platform::accounts::Role;
use kaifang_platform::apps::packages;
use kaifang_platform::apps::{self, AppState};
use kaifang_platform::clock::DAY;
use kaifang_platform::developers::{self, DeveloperState};
use kaifang_platform::traffic::day_string;
use kaifang_platform::{Platform, Result};
use kaifang_store::args;
use serde::Deserialize;

use super::charts::{self, Unit};
use super::session::Viewer;
use super::{Chrome, Flash, render};
use crate::http::Ctx;

/// Calls of one day.
#[derive(Debug, Clone, Default)]
pub struct DayCalls {
    /// Day number (days since 1970-01-01 in the quota time zone).
    pub day: i64,
    /// Every call.
    pub calls: i64,
    /// Calls answered with result 1.
    pub success: i64,
}

impl DayCalls {
    /// success / calls, `None` without calls.
    pub fn rate(&self) -> Option<f64> {
        (self.calls > 0).then(|| self.success as f64 / self.calls as f64)
    }
}

/// Calls of one method (or one app) over the period.
#[derive(Debug, Clone)]
pub struct Tally {
    /// Method name, or app name.
    pub name: String,
    /// appKey when the tally is per app.
    pub key: Option<String>,
    /// App id when the tally is per app.
    pub app_id: Option<i64>,
    /// Every call.
    pub calls: i64,
    /// Calls answered with result 1.
    pub success: i64,
}

impl Tally {
    /// success / calls (0 without calls).
    pub fn share(&self) -> f64 {
        self.success as f64 / self.calls.max(1) as f64
    }

    /// success / calls as a percentage text.
    pub fn rate(&self) -> String {
        if self.calls == 0 {
            "—".into()
        } else {
            Unit::Percent.format(self.success as f64 / self.calls as f64)
        }
    }
}

/// Push messages created on one day (dropped ones excluded).
#[derive(Debug, Clone, Default)]
pub struct DayPush {
    /// Day number.
    pub day: i64,
    /// Messages.
    pub total: i64,
    /// Delivered.
    pub delivered: i64,
    /// Failed after every retry.
    pub failed: i64,
}

impl DayPush {
    /// delivered / total, `None` without messages.
    pub fn rate(&self) -> Option<f64> {
        (self.total > 0).then(|| self.delivered as f64 / self.total as f64)
    }
}

/// Calls per day from `first` to `last` (inclusive), every day present; one app or all, one
/// method (`method`) or all (`""`).
pub async fn calls_by_day(
    p: &Platform,
    app: Option<i64>,
    method: &str,
    first: i64,
    last: i64,
) -> Result<Vec<DayCalls>> {
    let rows =
        p.db.fetch_all(
            "SELECT day, CAST(SUM(calls) AS BIGINT) AS calls,
                    CAST(SUM(CASE WHEN outcome = 1 THEN calls ELSE 0 END) AS BIGINT) AS ok
             FROM call_stats WHERE day >= $1 AND day <= $2 AND ($3 = 0 OR app_id = $3)
                  AND ($4 = '' OR method = $4)
             GROUP BY day",
            &args![first, last, app.unwrap_or(0), method],
        )
        .await?;
    let mut out: Vec<DayCalls> = (first..=last)
        .map(|day| DayCalls {
            day,
            ..Default::default()
        })
        .collect();
    for r in &rows {
        let day = r.i64("day")?;
        if let Some(slot) = out.iter_mut().find(|d| d.day == day) {
            slot.calls = r.i64("calls")?;
            slot.success = r.i64("ok")?;
        }
    }
    Ok(out)
}

/// Calls per method since `first`, most called first; one app or all.
pub async fn calls_by_method(p: &Platform, app: Option<i64>, first: i64) -> Result<Vec<Tally>> {
    let rows =
        p.db.fetch_all(
            "SELECT method, CAST(SUM(calls) AS BIGINT) AS calls,
                    CAST(SUM(CASE WHEN outcome = 1 THEN calls ELSE 0 END) AS BIGINT) AS ok
             FROM call_stats WHERE day >= $1 AND ($2 = 0 OR app_id = $2)
             GROUP BY method ORDER BY calls DESC, method",
            &args![first, app.unwrap_or(0)],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Tally {
                name: r.text("method")?,
                key: None,
                app_id: None,
                calls: r.i64("calls")?,
                success: r.i64("ok")?,
            })
        })
        .collect::<std::result::Result<_, kaifang_store::Error>>()
        .map_err(Into::into)
}

/// The `limit` apps with the most calls since `first`.
pub async fn top_apps(p: &Platform, first: i64, limit: i64) -> Result<Vec<Tally>> {
    let rows =
        p.db.fetch_all(
            "SELECT s.app_id, a.name, a.app_key, CAST(SUM(s.calls) AS BIGINT) AS calls,
                    CAST(SUM(CASE WHEN s.outcome = 1 THEN s.calls ELSE 0 END) AS BIGINT) AS ok
             FROM call_stats s JOIN apps a ON a.id = s.app_id
             WHERE s.day >= $1 GROUP BY s.app_id, a.name, a.app_key
             ORDER BY calls DESC, s.app_id LIMIT $2",
            &args![first, limit],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Tally {
                name: r.text("name")?,
                key: r.opt_text("app_key")?,
                app_id: Some(r.i64("app_id")?),
                calls: r.i64("calls")?,
                success: r.i64("ok")?,
            })
        })
        .collect::<std::result::Result<_, kaifang_store::Error>>()
        .map_err(Into::into)
}

/// Push messages per day from `first` to `last`, every day present; one app or all.
pub async fn push_by_day(
    p: &Platform,
    app: Option<i64>,
    first: i64,
    last: i64,
) -> Result<Vec<DayPush>> {
    let offset = p.rules.traffic.day_offset;
    let rows = p
        .db
        .fetch_all(
            "SELECT (created_at + $1) / 86400000 AS day, status, COUNT(*) AS n FROM push_messages
             WHERE created_at >= $2 AND created_at < $3 AND status <> 'dropped' AND ($4 = 0 OR app_id = $4)
             GROUP BY 1, 2",
            &args![offset, first * DAY - offset, (last + 1) * DAY - offset, app.unwrap_or(0)],
        )
        .await?;
    let mut out: Vec<DayPush> = (first..=last)
        .map(|day| DayPush {
            day,
            ..Default::default()
        })
        .collect();
    for r in &rows {
        let day = r.i64("day")?;
        let Some(slot) = out.iter_mut().find(|d| d.day == day) else {
            continue;
        };
        let n = r.i64("n")?;
        slot.total += n;
        match r.text("status")?.as_str() {
            "delivered" => slot.delivered += n,
            "failed" => slot.failed += n,
            _ => {}
        }
    }
    Ok(out)
}

/// How much work waits, platform-wide.
#[derive(Debug, Clone, Default)]
pub struct Queues {
    /// Developer applications to review.
    pub developers: usize,
    /// Apps to review.
    pub apps: usize,
    /// Apps in the security scan.
    pub scans: usize,
    /// Launches to review.
    pub launches: usize,
    /// Permission-package requests.
    pub packages: usize,
    /// Outbox events not yet fanned out to apps.
    pub outbox: i64,
    /// Push messages waiting for delivery or a retry.
    pub push_pending: i64,
    /// Push messages failed after every retry (re-push by hand).
    pub push_failed: i64,
    /// Push URLs paused because they did not answer.
    pub paused_urls: i64,
}

async fn count(p: &Platform, sql: &'static str) -> Result<i64> {
    Ok(p.db.fetch_one(sql, &[]).await?.i64("n")?)
}

/// Every queue's size.
pub async fn queues(
    p: &Platform,
    operator: &kaifang_platform::accounts::Account,
) -> Result<Queues> {
    let apps_in = |s| apps::list_all(p, operator, Some(s), None);
    Ok(Queues {
        developers: developers::list(p, Some(DeveloperState::Submitted))
            .await?
            .len(),
        apps: apps_in(AppState::InReview).await?.len(),
        scans: apps_in(AppState::Scanning).await?.len(),
        launches: apps_in(AppState::LaunchReview).await?.len(),
        packages: packages::pending(p, operator).await?.len(),
        outbox: count(
            p,
            "SELECT COUNT(*) AS n FROM outbox WHERE dispatched_at IS NULL",
        )
        .await?,
        push_pending: count(
            p,
            "SELECT COUNT(*) AS n FROM push_messages WHERE status = 'pending'",
        )
        .await?,
        push_failed: count(
            p,
            "SELECT COUNT(*) AS n FROM push_messages WHERE status = 'failed'",
        )
        .await?,
        paused_urls: count(
            p,
            "SELECT COUNT(*) AS n FROM push_settings WHERE paused_at IS NOT NULL",
        )
        .await?,
    })
}

/// `MM-DD` of a day number, for chart axes.
pub fn short_day(day: i64) -> String {
    day_string(day).get(5..).unwrap_or_default().to_string()
}

/// The period shown: `?days=7|14|30` (14 by default).
#[derive(Debug, Default, Deserialize)]
pub struct Period {
    days: Option<i64>,
}

/// One headline figure.
pub struct Kpi {
    /// i18n key of its label.
    pub label: &'static str,
    /// The figure.
    pub value: String,
    /// A short note under it.
    pub note: String,
}

#[derive(Template)]
#[template(path = "console/admin_dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    tab: &'static str,
    days: i64,
    periods: [i64; 3],
    from: String,
    to: String,
    kpis: Vec<Kpi>,
    calls_chart: String,
    rate_chart: String,
    methods_chart: String,
    methods: Vec<Tally>,
    apps_chart: String,
    apps: Vec<Tally>,
    push_chart: String,
    push_rate_chart: String,
    has_calls: bool,
    has_push: bool,
    queues: Queues,
}

/// `GET /admin/dashboard`.
pub async fn page(State(ctx): State<Ctx>, viewer: Viewer, Query(q): Query<Period>) -> Response {
    if let Some(r) = viewer.redirect_unless(Role::Operator) {
        return r;
    }
    match build(&ctx, &viewer, q.days.unwrap_or(14)).await {
        Ok(page) => render(&page),
        Err(e) => super::error_page(viewer.lang, &e.message),
    }
}

async fn build(ctx: &Ctx, viewer: &Viewer, days: i64) -> Result<DashboardPage> {
    let p = &ctx.platform;
    let lang = viewer.lang;
    let days = if [7, 14, 30].contains(&days) {
        days
    } else {
        14
    };
    let today = p.rules.traffic.day_of(p.now());
    let first = today - days + 1;
    let by_day = calls_by_day(p, None, "", first, today).await?;
    let methods = calls_by_method(p, None, first).await?;
    let apps = top_apps(p, first, 10).await?;
    let push = push_by_day(p, None, first, today).await?;
    let queues = queues(p, &viewer.account).await?;

    let total: i64 = by_day.iter().map(|d| d.calls).sum();
    let ok: i64 = by_day.iter().map(|d| d.success).sum();
    let today_calls = by_day.last().cloned().unwrap_or_default();
    let pushed: i64 = push.iter().map(|d| d.total).sum();
    let delivered: i64 = push.iter().map(|d| d.delivered).sum();
    let rate = |ok: i64, all: i64| {
        if all == 0 {
            "—".to_string()
        } else {
            Unit::Percent.format(ok as f64 / all as f64)
        }
    };
    let period = format!("{days} {}", lang.t("dash.days"));
    let kpis = vec![
        Kpi {
            label: "dash.calls_today",
            value: Unit::Count.format(today_calls.calls as f64),
            note: format!(
                "{} {}",
                lang.t("dash.success_rate"),
                rate(today_calls.success, today_calls.calls)
            ),
        },
        Kpi {
            label: "dash.calls_period",
            value: Unit::Count.format(total as f64),
            note: period.clone(),
        },
        Kpi {
            label: "dash.success_rate",
            value: rate(ok, total),
            note: period.clone(),
        },
        Kpi {
            label: "dash.push_rate",
            value: rate(delivered, pushed),
            note: format!(
                "{} {}",
                Unit::Count.format(pushed as f64),
                lang.t("dash.messages")
            ),
        },
        Kpi {
            label: "dash.push_pending",
            value: Unit::Count.format(queues.push_pending as f64),
            note: format!(
                "{} {}",
                lang.t("dash.outbox"),
                Unit::Count.format(queues.outbox as f64)
            ),
        },
    ];
    let day_points: Vec<(String, f64)> = by_day
        .iter()
        .map(|d| (short_day(d.day), d.calls as f64))
        .collect();
    let rate_points: Vec<(String, Option<f64>)> = by_day
        .iter()
        .map(|d| (short_day(d.day), d.rate()))
        .collect();
    let method_rows: Vec<(String, f64)> = methods
        .iter()
        .take(12)
        .map(|m| (m.name.clone(), m.calls as f64))
        .collect();
    let app_rows: Vec<(String, f64)> = apps
        .iter()
        .map(|a| (a.name.clone(), a.calls as f64))
        .collect();
    let push_points: Vec<(String, f64)> = push
        .iter()
        .map(|d| (short_day(d.day), d.total as f64))
        .collect();
    let push_rate: Vec<(String, Option<f64>)> =
        push.iter().map(|d| (short_day(d.day), d.rate())).collect();
    let chrome = Flash::default().chrome(viewer, lang.t("tab.dashboard"));
    Ok(DashboardPage {
        chrome,
        tab: "dashboard",
        days,
        periods: [7, 14, 30],
        from: day_string(first),
        to: day_string(today),
        kpis,
        calls_chart: charts::columns(
            lang.t("dash.calls_per_day"),
            &day_points,
            Unit::Count,
            charts::BLUE,
        ),
        rate_chart: charts::line(lang.t("dash.rate_per_day"), &rate_points, charts::GREEN),
        methods_chart: charts::ranking(
            lang.t("dash.by_method"),
            &method_rows,
            Unit::Count,
            charts::BLUE,
        ),
        methods,
        apps_chart: charts::ranking(
            lang.t("dash.top_apps"),
            &app_rows,
            Unit::Count,
            charts::BRAND,
        ),
        apps,
        push_chart: charts::columns(
            lang.t("dash.push_per_day"),
            &push_points,
            Unit::Count,
            charts::ORANGE,
        ),
        push_rate_chart: charts::line(lang.t("dash.push_rate_per_day"), &push_rate, charts::GREEN),
        has_calls: total > 0,
        has_push: pushed > 0,
        queues,
    })
}
