//! An app's message push pages (消息管理): the push settings (URL, switch, subscriptions, the
//! push key revealed after re-entering the password) and the message log with its attempts and
//! re-push. The same `kaifang_push` functions as `/api/apps/{app}/push` and `/messages`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use kaifang_commerce::outbox::{self, EventDecl};
use kaifang_platform::accounts::authenticate;
use kaifang_platform::apps::{App, credentials};
use kaifang_push::log::{self, Filter, Message, Range};
use kaifang_push::settings::{self, PushSettings, PushSettingsInput};
use serde::Deserialize;

use super::format::{Fields, datetime, day_start, event_groups, no_store};
use super::session::Viewer;
use super::{Chrome, Flash, failure, notice, render};
use crate::http::Ctx;

#[derive(Template)]
#[template(path = "console/app_push.html")]
struct PushPage {
    chrome: Chrome,
    app: App,
    settings: PushSettings,
    groups: Vec<(&'static str, Vec<(&'static EventDecl, bool)>)>,
    paused_at: Option<String>,
    push_key: Option<String>,
    timeout_ms: u64,
    tab: &'static str,
}

impl PushPage {
    fn subscribed(&self, e: &EventDecl) -> bool {
        self.settings.events.iter().any(|x| x == e.name)
    }
}

async fn push_page(
    ctx: &Ctx,
    viewer: Viewer,
    id: &str,
    flash: Flash,
    push_key: Option<String>,
) -> Response {
    let p = &ctx.platform;
    let app = match super::owned_app(ctx, &viewer, id).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let settings = match settings::get(p, &viewer.account, id).await {
        Ok(s) => s,
        Err(e) => return failure(&format!("/console/apps/{id}"), &e.message),
    };
    let lang = viewer.lang;
    let groups = event_groups(lang, |e| {
        settings.available_events.iter().any(|a| a == e.name)
    });
    let shows_key = push_key.is_some();
    let chrome = flash.chrome(&viewer, lang.t("push.title"));
    let page = render(&PushPage {
        chrome,
        paused_at: settings.paused_at.map(|t| datetime(p, t)),
        app,
        settings,
        groups,
        push_key,
        timeout_ms: p.rules.push.timeout_ms,
        tab: "push",
    });
    if shows_key { no_store(page) } else { page }
}

/// `GET /console/apps/{id}/push`.
pub async fn settings_page(
    State(ctx): State<Ctx>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    push_page(&ctx, viewer, &id, flash, None).await
}

/// `POST /console/apps/{id}/push`: `action` = `save` or `reveal_key`.
pub async fn settings_action(
    State(ctx): State<Ctx>,
    viewer: Viewer,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let f = Fields::parse(&body);
    if !viewer.csrf_ok(f.get("_csrf")) {
        return super::bad_csrf(viewer.lang);
    }
    let p = &ctx.platform;
    let a = viewer.account.clone();
    let back = format!("/console/apps/{id}/push");
    match f.get("action") {
        "reveal_key" => {
            let shown = async {
                authenticate(p, &a.login, f.get("password")).await?;
                credentials::reveal(p, &a, &id).await
            };
            match shown.await {
                Ok(c) => push_page(&ctx, viewer, &id, Flash::default(), Some(c.push_key)).await,
                Err(e) => failure(&back, &e.message),
            }
        }
        "save" => {
            let url = f.get("url").trim();
            let input = PushSettingsInput {
                url: (!url.is_empty()).then(|| url.to_string()),
                enabled: f.get("enabled") == "on",
                events: f.all("events"),
            };
            match settings::save(p, &a, &id, &input).await {
                Ok(_) => notice(&back, viewer.lang.t("push.saved")),
                Err(e) => failure(&back, &e.message),
            }
        }
        _ => failure(&back, "unknown action"),
    }
}

#[derive(Template)]
#[template(path = "console/app_messages.html")]
struct MessagesPage {
    chrome: Chrome,
    app: App,
    messages: Vec<Row>,
    detail: Option<Detail>,
    events: Vec<&'static str>,
    event: String,
    status: String,
    from: String,
    to: String,
    tab: &'static str,
}

/// A message as the log table shows it.
struct Row {
    m: Message,
    at: String,
}

/// One message opened: its envelope and attempts.
struct Detail {
    m: Message,
    envelope: String,
    attempts: Vec<(String, kaifang_push::log::Attempt)>,
}

impl MessagesPage {
    fn picked_status(&self, s: &str) -> bool {
        self.status == s
    }
    fn picked_event(&self, e: &str) -> bool {
        self.event == e
    }
    fn is_open(&self, id: &i64) -> bool {
        self.detail.as_ref().is_some_and(|d| d.m.id == *id)
    }
}

/// `?event=&status=&open=`.
#[derive(Debug, Default, Deserialize)]
pub struct LogQuery {
    event: Option<String>,
    status: Option<String>,
    open: Option<i64>,
    notice: Option<String>,
    error: Option<String>,
}

/// `GET /console/apps/{id}/messages`.
pub async fn messages_page(
    State(ctx): State<Ctx>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<LogQuery>,
) -> Response {
    let p = &ctx.platform;
    let app = match super::owned_app(&ctx, &viewer, &id).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let filter = Filter {
        event: q.event.clone().filter(|s| !s.is_empty()),
        status: q.status.clone().filter(|s| !s.is_empty()),
        limit: Some(200),
        ..Filter::default()
    };
    let mut flash = Flash {
        notice: q.notice,
        error: q.error,
    };
    let messages = match log::list(p, &viewer.account, &id, &filter).await {
        Ok(list) => list,
        Err(e) => {
            flash.error = Some(e.message);
            vec![]
        }
    };
    let detail = match q.open {
        Some(mid) => match log::get(p, &viewer.account, &id, mid).await {
            Ok(m) => {
                let envelope = m
                    .payload
                    .as_deref()
                    .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
                    .and_then(|v| serde_json::to_string_pretty(&v).ok())
                    .unwrap_or_default();
                let attempts = m
                    .attempt_log
                    .clone()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|a| (datetime(p, a.at), a))
                    .collect();
                Some(Detail {
                    m,
                    envelope,
                    attempts,
                })
            }
            Err(e) => {
                flash.error = Some(e.message);
                None
            }
        },
        None => None,
    };
    let today = p.rules.traffic.day_of(p.now());
    let lang = viewer.lang;
    let chrome = flash.chrome(&viewer, lang.t("tab.messages"));
    render(&MessagesPage {
        chrome,
        app,
        messages: messages
            .into_iter()
            .map(|m| Row {
                at: datetime(p, m.created_at),
                m,
            })
            .collect(),
        detail,
        events: outbox::EVENTS.iter().map(|e| e.name).collect(),
        event: q.event.unwrap_or_default(),
        status: q.status.unwrap_or_default(),
        from: kaifang_platform::traffic::day_string(today - 6),
        to: kaifang_platform::traffic::day_string(today),
        tab: "messages",
    })
}

/// `POST /console/apps/{id}/messages`: `action` = `repush` (one, `id`) or `repush_failed`
/// (every failed message whose event time is in `from`..=`to`, dates in +08:00).
pub async fn messages_action(
    State(ctx): State<Ctx>,
    viewer: Viewer,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let f = Fields::parse(&body);
    if !viewer.csrf_ok(f.get("_csrf")) {
        return super::bad_csrf(viewer.lang);
    }
    let p = &ctx.platform;
    let a = &viewer.account;
    let back = format!("/console/apps/{id}/messages");
    let lang = viewer.lang;
    match f.get("action") {
        "repush" => {
            let Ok(mid) = f.get("id").parse::<i64>() else {
                return failure(&back, "message id must be a number");
            };
            match log::repush(p, a, &id, mid).await {
                Ok(_) => notice(&format!("{back}?open={mid}"), lang.t("log.repushed")),
                Err(e) => failure(&back, &e.message),
            }
        }
        "repush_failed" => {
            let (Some(from), Some(to)) = (day_start(p, f.get("from")), day_start(p, f.get("to")))
            else {
                return failure(&back, lang.t("log.bad_range"));
            };
            let range = Range {
                from,
                to: to + kaifang_platform::clock::DAY,
            };
            match log::repush_failed(p, a, &id, &range).await {
                Ok(r) => notice(&back, &format!("{} {}", lang.t("log.requeued"), r.requeued)),
                Err(e) => failure(&back, &e.message),
            }
        }
        _ => failure(&back, "unknown action"),
    }
}
