//! Small SVG charts rendered on the server for the console's dashboards: no script, no chart
//! library, no build step.
//!
//! The shapes:
//! - [`stacked`]: columns of stacked parts per day (e.g. successful and failed calls) with a
//!   rate line on a 0–100 % axis at the right; the developer's app dashboard;
//! - [`columns`]: one count per category, e.g. calls per day;
//! - [`line`]: a rate per category, broken where there is no data, e.g. success rate per day;
//! - [`ranking`]: labelled horizontal bars, e.g. top apps by calls or calls per method;
//! - [`share_bar`]: a small bar for a share inside a table cell.
//!
//! The column and line charts are one drawing ([`draw`]): one frame, one axis scale, one row of
//! day labels, one rate line. Each function returns one self-contained `<svg class="chart">`
//! (every text escaped) that scales to the width of its container; put it into a template with
//! `{{ svg|safe }}`. Hovering a column or a point shows its exact values (an SVG `<title>`), and
//! the chart's `aria-label` names it for screen readers. The colours are this module's
//! constants; legends written in HTML beside a chart use the same ones.
//!
//! ```ignore
//! use crate::console::charts::{self, Unit};
//! let days = vec![("11-26".to_string(), 120.0), ("11-27".to_string(), 80.0)];
//! let calls = charts::columns("调用量", &days, Unit::Count, charts::BLUE);
//! let rate = charts::line("成功率", &[("11-26".into(), Some(0.98)), ("11-27".into(), None)], charts::GREEN);
//! let top = charts::ranking("Top apps", &[("演示ERP".into(), 200.0)], Unit::Count, charts::BRAND);
//! ```

use std::fmt::Write as _;

use super::format::{percent, thousands};
use crate::http::oauth::html::escape;

/// Calls and counts; the rate line over stacked columns.
pub const BLUE: &str = "#3370ff";
/// Success: calls answered with result 1, delivered messages, success rates.
pub const GREEN: &str = "#1a9f55";
/// Failure.
pub const RED: &str = "#e5484d";
/// Not yet decided (pending messages).
pub const GREY: &str = "#b8bec8";
/// Push figures; shares that are neither good nor bad.
pub const ORANGE: &str = "#f08c00";
/// The platform's brand colour.
pub const BRAND: &str = "#fe3666";
/// The parts of a [`stacked`] column, bottom first: success, failure, pending.
pub const PARTS: [&str; 3] = [GREEN, RED, GREY];
/// The rate line of a [`stacked`] chart.
pub const RATE: &str = BLUE;
/// Axis text.
const INK: &str = "#646a73";
/// Grid lines.
const GRID: &str = "#e8eaed";
/// The base line under the columns.
const AXIS: &str = "#c9cdd4";
/// The empty part of a bar.
const TRACK: &str = "#eef0f3";

/// How values are written on axes and in tooltips.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Whole numbers: `1,234`, `250.0k`, `8.9M`.
    Count,
    /// Shares from 0 to 1, written as percentages: `98.5%`.
    Percent,
}

impl Unit {
    /// `v` as text in this unit.
    pub fn format(self, v: f64) -> String {
        match self {
            Unit::Percent => percent(v),
            Unit::Count if v.abs() >= 1e6 => format!("{:.1}M", v / 1e6),
            Unit::Count if v.abs() >= 1e5 => format!("{:.1}k", v / 1e3),
            Unit::Count => thousands(v.round() as i64),
        }
    }
}

/// One category (usually a day) of a column or line chart.
#[derive(Debug, Clone, Default)]
pub struct Column {
    /// Axis label, e.g. `11-27`.
    pub label: String,
    /// Hover text of the whole column.
    pub title: String,
    /// Stacked values, bottom first (e.g. success, failure, pending); none for a line alone.
    pub parts: Vec<f64>,
    /// The point of the rate line, 0..=1 (`None`: no point, the line breaks).
    pub rate: Option<f64>,
}

/// The drawing area of a chart. The SVG scales to its container, so a frame's width is the
/// container's width at which its 11 px text shows at 11 px.
#[derive(Debug, Clone, Copy)]
struct Frame {
    w: f64,
    h: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

/// For a half-width card (about 460 px on a laptop screen).
const HALF: Frame = Frame {
    w: 480.0,
    h: 200.0,
    left: 46.0,
    right: 12.0,
    top: 12.0,
    bottom: 28.0,
};

/// For a full-width card, with room for a second axis at the right.
const FULL: Frame = Frame {
    w: 720.0,
    h: 210.0,
    left: 52.0,
    right: 46.0,
    top: 14.0,
    bottom: 30.0,
};

impl Frame {
    fn plot_w(&self) -> f64 {
        self.w - self.left - self.right
    }
    fn plot_h(&self) -> f64 {
        self.h - self.top - self.bottom
    }
    /// The y of a share (0..=1) of the plot's height.
    fn y(&self, share: f64) -> f64 {
        self.top + self.plot_h() * (1.0 - share.clamp(0.0, 1.0))
    }
    /// The y of the base line.
    fn base(&self) -> f64 {
        self.top + self.plot_h()
    }
}

fn open_svg(out: &mut String, title: &str, w: f64, h: f64) {
    let _ = write!(
        out,
        r#"<svg class="chart" viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg" font-size="11" fill="{INK}">"#,
        escape(title)
    );
}

/// The top of a count axis for values up to `v`: four equal ticks, each a round number (1, 2,
/// 2.5 or 5 × 10ⁿ), so every tick label is a whole number.
fn nice_max(v: f64) -> f64 {
    let tick_at_least = (v.max(1.0) / 4.0).ceil();
    let mut step = 1.0f64;
    loop {
        let quarter = if step >= 10.0 { step * 2.5 } else { 0.0 };
        for tick in [step, 2.0 * step, quarter, 5.0 * step] {
            if tick >= tick_at_least {
                return 4.0 * tick;
            }
        }
        step *= 10.0;
    }
}

/// Columns of stacked `parts` in `colours` against a `unit` axis at the left, and, with
/// `rate_colour`, a line through the columns' rates on a 0–100 % axis (at the right when the
/// left axis counts). `empty` is written across a chart with nothing to show.
fn draw(
    frame: Frame,
    title: &str,
    cols: &[Column],
    colours: &[&str],
    unit: Unit,
    rate_colour: Option<&str>,
    empty: Option<&str>,
) -> String {
    let f = frame;
    let mut out = String::with_capacity(4096);
    open_svg(&mut out, title, f.w, f.h);
    let top = match unit {
        Unit::Percent => 1.0,
        Unit::Count => nice_max(
            cols.iter()
                .map(|c| c.parts.iter().sum::<f64>())
                .fold(0.0, f64::max),
        ),
    };
    let rate_axis = rate_colour.is_some() && unit == Unit::Count;
    // Grid, counts at the left and (with a rate line over counts) shares at the right.
    for i in 0..=4 {
        let share = f64::from(i) / 4.0;
        let y = f.y(share);
        let _ = write!(
            out,
            r#"<line x1="{}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="{GRID}"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            f.left,
            f.w - f.right,
            f.left - 6.0,
            y + 4.0,
            unit.format(top * share)
        );
        if rate_axis {
            let _ = write!(
                out,
                r#"<text x="{}" y="{:.1}">{}</text>"#,
                f.w - f.right + 6.0,
                y + 4.0,
                percent(share)
            );
        }
    }
    let n = cols.len().max(1);
    let slot = f.plot_w() / n as f64;
    let bar = (slot * 0.62).min(40.0);
    let centre = |i: usize| f.left + slot * (i as f64 + 0.5);
    for (i, c) in cols.iter().enumerate() {
        let _ = write!(out, "<g><title>{}</title>", escape(&c.title));
        let mut base = f.base();
        for (v, colour) in c.parts.iter().zip(colours) {
            if *v <= 0.0 {
                continue;
            }
            // A column that is not zero shows, however small.
            let h = (f.plot_h() * v / top).max(1.0);
            base -= h;
            let _ = write!(
                out,
                r#"<rect x="{:.1}" y="{base:.1}" width="{bar:.1}" height="{h:.1}" rx="2" fill="{}"/>"#,
                centre(i) - bar / 2.0,
                escape(colour)
            );
        }
        // An invisible full-height target, so that the hover text shows on empty days too.
        let _ = write!(
            out,
            r#"<rect x="{:.1}" y="{}" width="{slot:.1}" height="{}" fill="transparent"/></g>"#,
            f.left + slot * i as f64,
            f.top,
            f.plot_h()
        );
    }
    if let Some(colour) = rate_colour {
        rate_line(&mut out, f, cols, &centre, colour);
    }
    // Day labels, thinned to about one per 60 px, counted back from the last (today).
    let every = n.div_ceil((f.w / 60.0) as usize);
    for (i, c) in cols.iter().enumerate() {
        if (n - 1 - i).is_multiple_of(every) {
            let _ = write!(
                out,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                centre(i),
                f.h - 9.0,
                escape(&c.label)
            );
        }
    }
    let nothing = cols
        .iter()
        .all(|c| c.rate.is_none() && c.parts.iter().all(|v| *v <= 0.0));
    if let (Some(text), true) = (empty, nothing) {
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="14">{}</text>"#,
            f.left + f.plot_w() / 2.0,
            f.top + f.plot_h() / 2.0,
            escape(text)
        );
    }
    let _ = write!(
        out,
        r#"<line x1="{}" x2="{}" y1="{:.1}" y2="{:.1}" stroke="{AXIS}"/></svg>"#,
        f.left,
        f.w - f.right,
        f.base(),
        f.base()
    );
    out
}

/// A line through the columns' rates, broken where a rate is `None`, with a dot on each point.
fn rate_line(
    out: &mut String,
    f: Frame,
    cols: &[Column],
    centre: &dyn Fn(usize) -> f64,
    colour: &str,
) {
    let colour = escape(colour);
    let mut segment: Vec<String> = Vec::new();
    let flush = |segment: &mut Vec<String>, out: &mut String| {
        if segment.len() > 1 {
            let _ = write!(
                out,
                r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"/>"#,
                segment.join(" ")
            );
        }
        segment.clear();
    };
    for (i, c) in cols.iter().enumerate() {
        match c.rate {
            Some(r) => segment.push(format!("{:.1},{:.1}", centre(i), f.y(r))),
            None => flush(&mut segment, out),
        }
    }
    flush(&mut segment, out);
    for (i, c) in cols.iter().enumerate() {
        if let Some(r) = c.rate {
            let _ = write!(
                out,
                r##"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="#fff" stroke="{colour}" stroke-width="2"><title>{}: {}</title></circle>"##,
                centre(i),
                f.y(r),
                escape(&c.label),
                percent(r)
            );
        }
    }
}

/// Stacked columns in [`PARTS`] colours (success, failure, pending) with a rate line in
/// [`RATE`], for a full-width card. `empty` is written across it when every column is zero.
pub fn stacked(title: &str, cols: &[Column], empty: &str) -> String {
    draw(
        FULL,
        title,
        cols,
        &PARTS,
        Unit::Count,
        Some(RATE),
        Some(empty),
    )
}

/// Vertical bars, one per `(label, value)`, on an axis from 0 to a round number above the
/// largest value, for a half-width card.
pub fn columns(title: &str, points: &[(String, f64)], unit: Unit, colour: &str) -> String {
    let cols: Vec<Column> = points
        .iter()
        .map(|(label, v)| Column {
            label: label.clone(),
            title: format!("{label}: {}", unit.format(*v)),
            parts: vec![*v],
            rate: None,
        })
        .collect();
    draw(HALF, title, &cols, &[colour], unit, None, None)
}

/// A line through the points that have a value (shares from 0 to 1 on a 0–100 % axis), broken
/// where a value is `None` (no data that day), for a half-width card.
pub fn line(title: &str, points: &[(String, Option<f64>)], colour: &str) -> String {
    let cols: Vec<Column> = points
        .iter()
        .map(|(label, rate)| Column {
            label: label.clone(),
            title: format!("{label}: {}", rate.map_or_else(|| "—".into(), percent)),
            parts: vec![],
            rate: *rate,
        })
        .collect();
    draw(HALF, title, &cols, &[], Unit::Percent, Some(colour), None)
}

/// Horizontal bars in the order given (sort first: largest on top reads best), each with its
/// label above it and its value at the right, so that long names (API methods) fit.
pub fn ranking(title: &str, rows: &[(String, f64)], unit: Unit, colour: &str) -> String {
    const ROW: f64 = 34.0;
    let f = HALF;
    let height = (rows.len() as f64 * ROW + 4.0).max(24.0);
    let mut out = String::new();
    open_svg(&mut out, title, f.w, height);
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max).max(1e-9);
    let span = f.w - 2.0;
    let colour = escape(colour);
    for (i, (label, v)) in rows.iter().enumerate() {
        let top = 2.0 + i as f64 * ROW;
        let w = (v / max * span).max(if *v > 0.0 { 2.0 } else { 0.0 });
        let (label, value) = (escape(label), unit.format(*v));
        let _ = write!(
            out,
            r##"<g><title>{label}: {value}</title><text x="1" y="{:.1}" fill="#1f2329" font-size="12">{label}</text><text x="{:.1}" y="{:.1}" text-anchor="end" font-size="12">{value}</text><rect x="1" y="{:.1}" width="{span:.1}" height="10" rx="3" fill="{TRACK}"/><rect x="1" y="{:.1}" width="{w:.1}" height="10" rx="3" fill="{colour}"/></g>"##,
            top + 12.0,
            f.w - 1.0,
            top + 12.0,
            top + 18.0,
            top + 18.0,
        );
    }
    out.push_str("</svg>");
    out
}

/// A small horizontal bar for a share (0..=1) in a table cell, e.g. a method's success rate:
/// green from 95 %, orange from 80 %, red below.
pub fn share_bar(rate: f64) -> String {
    let width = (rate.clamp(0.0, 1.0) * 100.0).round();
    let colour = if rate >= 0.95 {
        GREEN
    } else if rate >= 0.8 {
        ORANGE
    } else {
        RED
    };
    format!(
        r#"<svg class="share" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true" xmlns="http://www.w3.org/2000/svg"><rect width="100" height="8" rx="4" fill="{TRACK}"/><rect width="{width}" height="8" rx="4" fill="{colour}"/></svg>"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(n: i64) -> Vec<Column> {
        (0..n)
            .map(|i| Column {
                label: format!("11-{:02}", 20 + i),
                title: format!("day {i} <b>"),
                parts: vec![i as f64, 1.0, 0.0],
                rate: (i > 0).then(|| i as f64 / (i + 1) as f64),
            })
            .collect()
    }

    #[test]
    fn formats_units() {
        assert_eq!(Unit::Count.format(0.0), "0");
        assert_eq!(Unit::Count.format(12_345.0), "12,345");
        assert_eq!(Unit::Count.format(250_000.0), "250.0k");
        assert_eq!(Unit::Count.format(3_400_000.0), "3.4M");
        assert_eq!(Unit::Percent.format(1.0), "100%");
        assert_eq!(Unit::Percent.format(0.985), "98.5%");
    }

    #[test]
    fn axis_maxima_are_round() {
        for (v, top) in [
            (0.0, 4.0),
            (4.0, 4.0),
            (7.0, 8.0),
            (11.0, 20.0),
            (201.0, 400.0),
            (1000.0, 1000.0),
            (1001.0, 2000.0),
        ] {
            assert_eq!(nice_max(v), top, "{v}");
        }
        for v in [0.0, 0.3, 3.0, 9.0, 77.0, 12_345.0, 987_654.0] {
            let m = nice_max(v);
            assert!(m >= v && m % 4.0 == 0.0, "{v} → {m}");
        }
    }

    #[test]
    fn stacked_columns_carry_a_rate_line_and_a_right_axis() {
        let svg = stacked("calls", &days(7), "none");
        assert!(svg.starts_with("<svg class=\"chart\"") && svg.ends_with("</svg>"));
        assert!(!svg.contains(">none<"));
        // Days 1..6 have a failure and a success part; day 0 only its failure.
        assert_eq!(svg.matches(&format!("fill=\"{GREEN}\"")).count(), 6);
        assert_eq!(svg.matches(&format!("fill=\"{RED}\"")).count(), 7);
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 6);
        assert!(svg.contains(">100%</text>"), "the rate axis");
        assert!(svg.contains("day 3 &lt;b&gt;"), "titles are escaped");
        assert!(!svg.contains("<b>"));
        let quiet: Vec<Column> = days(7)
            .into_iter()
            .map(|c| Column {
                parts: vec![0.0; 3],
                rate: None,
                ..c
            })
            .collect();
        assert!(stacked("calls", &quiet, "none").contains(">none<"));
    }

    #[test]
    fn columns_escape_labels_and_draw_one_bar_per_value() {
        let pts = vec![("<a>".to_string(), 3.0), ("b".to_string(), 0.0)];
        let svg = columns("t&", &pts, Unit::Count, BLUE);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("&lt;a&gt;") && !svg.contains("<a>"));
        assert!(svg.contains("aria-label=\"t&amp;\""));
        assert_eq!(svg.matches(&format!("fill=\"{BLUE}\"")).count(), 1);
        assert_eq!(svg.matches("<title>").count(), 2, "one hover text per day");
        assert!(!svg.contains("<polyline") && !svg.contains(">100%<"));
    }

    #[test]
    fn a_line_breaks_where_there_is_no_data() {
        let svg = line(
            "r",
            &[
                ("1".into(), Some(1.0)),
                ("2".into(), None),
                ("3".into(), Some(0.5)),
                ("4".into(), Some(0.75)),
            ],
            GREEN,
        );
        assert_eq!(svg.matches("<circle").count(), 3);
        assert_eq!(
            svg.matches("<polyline").count(),
            1,
            "the gap splits the line"
        );
        assert!(
            svg.contains(">100%</text>") && svg.contains(">50%</text>"),
            "a percent axis"
        );
        assert!(svg.contains("<title>3: 50%</title>"));
    }

    #[test]
    fn day_labels_are_thinned_but_today_is_labelled() {
        let svg = columns(
            "c",
            &(1..=30).map(|d| (format!("d{d}"), 1.0)).collect::<Vec<_>>(),
            Unit::Count,
            BLUE,
        );
        assert!(svg.contains(">d30</text>"));
        assert!(!svg.contains(">d29</text>"));
        assert!(svg.matches("text-anchor=\"middle\"").count() <= 8);
    }

    #[test]
    fn rankings_and_share_bars() {
        let svg = ranking(
            "top",
            &[("x".into(), 10.0), ("y".into(), 5.0)],
            Unit::Count,
            BRAND,
        );
        assert_eq!(svg.matches("<g>").count(), 2);
        assert!(svg.contains("<title>y: 5</title>"));
        assert!(share_bar(0.99).contains(GREEN));
        assert!(share_bar(0.9).contains(ORANGE));
        assert!(share_bar(0.5).contains(&format!(
            "width=\"50\" height=\"8\" rx=\"4\" fill=\"{RED}\""
        )));
    }
}
