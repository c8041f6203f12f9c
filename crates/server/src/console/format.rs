//! Small helpers shared by the developer tool pages: dates in the platform's time zone, numbers,
//! multi-valued forms, the app sub-navigation and headers for pages that show a secret.

use axum::http::{HeaderValue, header};
use axum::response::Response;
use kaifang_commerce::outbox::EventDecl;
use kaifang_platform::Platform;
use kaifang_platform::clock::DAY;
use kaifang_platform::traffic::day_string;

/// Times as people read them, in the platform's time zone (the quota zone, +08:00 by default).
/// Pages keep one to write their times with.
#[derive(Debug, Clone, Copy)]
pub struct LocalTime {
    offset: i64,
}

impl LocalTime {
    /// The platform's time zone.
    pub fn of(p: &Platform) -> Self {
        LocalTime {
            offset: p.rules.traffic.day_offset,
        }
    }

    /// `YYYY-MM-DD HH:MM:SS` of a time (ms).
    pub fn datetime(self, ms: i64) -> String {
        let local = ms + self.offset;
        let day = local.div_euclid(DAY);
        let secs = local.rem_euclid(DAY) / 1000;
        format!(
            "{} {:02}:{:02}:{:02}",
            day_string(day),
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    }

    /// [`Self::datetime`] of a time that may not have come, `—` if it has not.
    pub fn maybe(self, ms: Option<i64>) -> String {
        ms.map_or_else(|| "—".into(), |ms| self.datetime(ms))
    }
}

/// `YYYY-MM-DD HH:MM:SS` of a time (ms) in the platform's time zone.
pub fn datetime(p: &Platform, ms: i64) -> String {
    LocalTime::of(p).datetime(ms)
}

/// The time (ms) at which day `YYYY-MM-DD` starts in the quota time zone.
pub fn day_start(p: &Platform, date: &str) -> Option<i64> {
    Some(day_number(date)? * DAY - p.rules.traffic.day_offset)
}

/// Days since 1970-01-01 of `YYYY-MM-DD`.
pub fn day_number(date: &str) -> Option<i64> {
    let mut it = date.trim().splitn(3, '-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// `12,345`, `-1,000` (any integer: counts are `u64` in traffic figures, `i64` in statistics).
pub fn thousands(n: impl Into<i128>) -> String {
    let n: i128 = n.into();
    let s = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `98.5%` (one decimal; `100%` and `0%` without).
pub fn percent(rate: f64) -> String {
    let v = (rate * 1000.0).round() / 10.0;
    if v.fract() == 0.0 {
        format!("{v:.0}%")
    } else {
        format!("{v:.1}%")
    }
}

/// A submitted form with repeated keys (checkbox lists), decoded like the gateway decodes forms.
#[derive(Debug, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// Decodes `application/x-www-form-urlencoded` bytes.
    pub fn parse(body: &[u8]) -> Self {
        Fields(kaifang_wire::params::parse_form(body).unwrap_or_default())
    }

    /// The first value of `name`, or `""`.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// The tabs of an app's pages: (key, path suffix or absolute path).
pub const APP_TABS: &[&str] = &[
    "overview",
    "push",
    "messages",
    "traffic",
    "dashboard",
    "api_test",
    "message_test",
];

/// The link of an app tab.
pub fn tab_href(app_id: &i64, tab: &str) -> String {
    match tab {
        "overview" => format!("/console/apps/{app_id}"),
        "api_test" => format!("/console/tools/api?app={app_id}"),
        "message_test" => format!("/console/tools/message?app={app_id}"),
        other => format!("/console/apps/{app_id}/{other}"),
    }
}

/// The label of an app tab.
pub fn tab_label(lang: &super::i18n::Lang, tab: &str) -> &'static str {
    lang.t(&format!("tab.{tab}"))
}

/// The label of a push message status (`pending`, `delivered`, `failed`, `dropped`).
pub fn message_status(lang: &super::i18n::Lang, status: &str) -> &'static str {
    lang.t(&format!("msg.{status}"))
}

/// The short title of an event, for people (the docs centre's `msg.<event>` titles).
pub fn event_title(lang: &super::i18n::Lang, event: &str) -> &'static str {
    lang.t(&format!("msg.{event}"))
}

/// The short title of an API method, if the docs centre's `api.<method>` table has one.
pub fn method_title(lang: &super::i18n::Lang, method: &str) -> &'static str {
    lang.lookup(&format!("api.{method}")).unwrap_or("")
}

/// Events grouped by their scope (order, after-sales, item), each with whether `has` admits it.
pub fn event_groups(
    lang: super::i18n::Lang,
    has: impl Fn(&EventDecl) -> bool,
) -> Vec<(&'static str, Vec<(&'static EventDecl, bool)>)> {
    super::docs::event_groups(lang)
        .into_iter()
        .map(|g| {
            let title = lang.t(&format!("evgroup.{}", g.scope));
            (title, g.events.into_iter().map(|e| (e, has(e))).collect())
        })
        .collect()
}

/// Marks a response that shows a secret as not to be cached or framed.
pub fn no_store(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(thousands(0u64), "0");
        assert_eq!(thousands(1234567u64), "1,234,567");
        assert_eq!(thousands(-1234i64), "-1,234");
        assert_eq!(thousands(999i64), "999");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(0.9856), "98.6%");
        assert_eq!(percent(0.0), "0%");
    }

    #[test]
    fn every_tab_and_message_status_has_a_label() {
        use super::super::i18n::Lang;
        for lang in [Lang::Zh, Lang::En] {
            for t in APP_TABS {
                assert_ne!(tab_label(&lang, t), "??", "{t}");
            }
            for s in kaifang_push::log::STATUSES {
                assert_ne!(message_status(&lang, s), "??", "{s}");
            }
            for (title, events) in event_groups(lang, |_| true) {
                assert_ne!(title, "??");
                for (e, _) in events {
                    assert_ne!(event_title(&lang, e.name), "??", "{}", e.name);
                }
            }
        }
    }

    #[test]
    fn times_are_written_in_the_zone() {
        let time = LocalTime {
            offset: 8 * 3_600_000,
        };
        let ms = day_number("2026-11-27").unwrap() * DAY + 16 * 3_600_000 + 61_000;
        assert_eq!(time.datetime(ms), "2026-11-28 00:01:01");
        assert_eq!(time.maybe(None), "—");
    }

    #[test]
    fn dates_round_trip() {
        for d in ["1970-01-01", "2000-02-29", "2026-11-27", "2027-01-01"] {
            assert_eq!(day_string(day_number(d).unwrap()), d);
        }
        assert_eq!(day_number("2026-11-27"), Some(20_784));
        assert_eq!(day_number("2026-13-01"), None);
        assert_eq!(day_number("x"), None);
    }
}
