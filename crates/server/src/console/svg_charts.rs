//! Small SVG charts rendered on the server: no script, no chart library, no build step.
//!
//! Three shapes cover the console's dashboards:
//! - [`columns`]: one count per category, e.g. calls per day;
//! - [`line`]: a rate per category with gaps where there is no data, e.g. success rate per day;
//! - [`ranking`]: labelled horizontal bars, e.g. top apps by calls or calls per method.
//!
//! Each returns one self-contained `<svg>` string (every label escaped) that scales to the width
//! of its container; put it into a template with `{{ svg|safe }}`. Hovering a bar or a point
//! shows its exact value (an SVG `<title>`), and the chart's `aria-label` names it for screen
//! readers. Colours are the console's ([`BLUE`], [`GREEN`], [`ORANGE`], [`BRAND`]). Anyone's
//! page may use them; the operator dashboard and the docs-side pages do. (Named `svg_charts` so
//! it can sit beside a `charts` module of stacked daily columns written in parallel for the
//! developer dashboard; one of the two can absorb the other later.)
//!
//! ```ignore
//! use crate::console::svg_charts::{self as charts, Unit};
//! let days = vec![("11-26".to_string(), 120.0), ("11-27".to_string(), 80.0)];
//! let calls = charts::columns("调用量", &days, Unit::Count, charts::BLUE);
//! let rate = charts::line("成功率", &[("11-26".into(), Some(0.98)), ("11-27".into(), None)], charts::GREEN);
//! let top = charts::ranking("Top apps", &[("演示ERP".into(), 200.0)], Unit::Count, charts::BLUE);
//! ```

use std::fmt::Write as _;

/// Calls and counts.
pub const BLUE: &str = "#3370ff";
/// Success rates.
pub const GREEN: &str = "#1a9f55";
/// Push figures.
pub const ORANGE: &str = "#f08c00";
/// The platform's brand colour.
pub const BRAND: &str = "#fe3666";

/// How values are written on axes and in tooltips.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Whole numbers: `1,234`, `56.7k`, `8.9M`.
    Count,
    /// Shares from 0 to 1, written as percentages: `98.5%`.
    Percent,
}

impl Unit {
    /// `v` as text in this unit.
    pub fn format(self, v: f64) -> String {
        match self {
            Unit::Percent => {
                let p = v * 100.0;
                if (p - p.round()).abs() < 0.05 {
                    format!("{p:.0}%")
                } else {
                    format!("{p:.1}%")
                }
            }
            Unit::Count if v.abs() >= 1e6 => format!("{:.1}M", v / 1e6),
            Unit::Count if v.abs() >= 1e5 => format!("{:.1}k", v / 1e3),
            Unit::Count => thousands(v.round() as i64),
        }
    }
}

/// `n` with thousands separators: `1,234,567`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

// A half-width card on a laptop screen is about 460 px wide: at this size the 11 px labels
// stay readable there, and grow with a wider container.
const W: f64 = 480.0;
const H: f64 = 200.0;
const LEFT: f64 = 46.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;
const INK: &str = "#646a73";
const GRID: &str = "#e8eaed";

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A round step for about four grid lines up to `max` (whole numbers for counts).
fn nice_step(max: f64, unit: Unit) -> f64 {
    if unit == Unit::Percent {
        return 0.25;
    }
    let raw = (max / 4.0).max(1e-9);
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let step = mag
        * if norm <= 1.0 {
            1.0
        } else if norm <= 2.0 {
            2.0
        } else if norm <= 5.0 {
            5.0
        } else {
            10.0
        };
    step.max(1.0)
}

fn open_svg(out: &mut String, title: &str, height: f64) {
    let _ = write!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {W} {height}\" width=\"100%\" role=\"img\" aria-label=\"{}\" \
         xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\" fill=\"{INK}\">",
        escape(title)
    );
}

/// Grid lines and their labels from 0 to `top`; returns the y of a value.
fn y_axis(out: &mut String, top: f64, step: f64, unit: Unit) -> impl Fn(f64) -> f64 + use<> {
    let plot_h = H - TOP - BOTTOM;
    let y = move |v: f64| TOP + plot_h - (v / top).clamp(0.0, 1.0) * plot_h;
    let mut v = 0.0;
    while v <= top + step / 2.0 {
        let yy = y(v);
        let _ = write!(
            out,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"{GRID}\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - RIGHT,
            LEFT - 6.0,
            yy + 4.0,
            unit.format(v)
        );
        v += step;
    }
    y
}

/// Category labels under the plot, thinned so that at most about eight show, counted back
/// from the last one (today is always labelled).
fn x_labels(out: &mut String, labels: &[&str]) {
    let n = labels.len().max(1);
    let slot = (W - LEFT - RIGHT) / n as f64;
    let every = n.div_ceil(8);
    for (i, l) in labels.iter().enumerate() {
        if !(n - 1 - i).is_multiple_of(every) {
            continue;
        }
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            LEFT + slot * (i as f64 + 0.5),
            H - 9.0,
            escape(l)
        );
    }
}

/// Vertical bars, one per `(label, value)`, on a y axis from 0 to a round number above the
/// largest value.
pub fn columns(title: &str, points: &[(String, f64)], unit: Unit, color: &str) -> String {
    let mut out = String::new();
    open_svg(&mut out, title, H);
    let max = points.iter().map(|p| p.1).fold(0.0, f64::max);
    let step = nice_step(max, unit);
    let top = if unit == Unit::Percent {
        1.0
    } else {
        ((max / step).ceil() * step).max(step)
    };
    let y = y_axis(&mut out, top, step, unit);
    let n = points.len().max(1);
    let slot = (W - LEFT - RIGHT) / n as f64;
    let bar = (slot * 0.62).min(40.0);
    for (i, (label, v)) in points.iter().enumerate() {
        let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
        let yy = y(*v);
        let h = (H - BOTTOM - yy).max(if *v > 0.0 { 1.0 } else { 0.0 });
        let _ = write!(
            out,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" rx=\"2\" fill=\"{}\"><title>{}: {}</title></rect>",
            H - BOTTOM - h,
            escape(color),
            escape(label),
            unit.format(*v)
        );
    }
    let labels: Vec<&str> = points.iter().map(|p| p.0.as_str()).collect();
    x_labels(&mut out, &labels);
    out.push_str("</svg>");
    out
}

/// A line through the points that have a value (shares from 0 to 1 on a 0–100 % axis), broken
/// where a value is `None` (no data that day), with a dot on every point.
pub fn line(title: &str, points: &[(String, Option<f64>)], color: &str) -> String {
    let mut out = String::new();
    open_svg(&mut out, title, H);
    let y = y_axis(&mut out, 1.0, 0.25, Unit::Percent);
    let n = points.len().max(1);
    let slot = (W - LEFT - RIGHT) / n as f64;
    let x = |i: usize| LEFT + slot * (i as f64 + 0.5);
    let color = escape(color);
    let mut segment: Vec<String> = Vec::new();
    let flush = |seg: &mut Vec<String>, out: &mut String| {
        if seg.len() > 1 {
            let _ = write!(
                out,
                "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{}\"/>",
                seg.join(" ")
            );
        }
        seg.clear();
    };
    for (i, (_, v)) in points.iter().enumerate() {
        match v {
            Some(v) => segment.push(format!("{:.1},{:.1}", x(i), y(*v))),
            None => flush(&mut segment, &mut out),
        }
    }
    flush(&mut segment, &mut out);
    for (i, (label, v)) in points.iter().enumerate() {
        if let Some(v) = v {
            let _ = write!(
                out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"#fff\" stroke=\"{color}\" stroke-width=\"2\"><title>{}: {}</title></circle>",
                x(i),
                y(*v),
                escape(label),
                Unit::Percent.format(*v)
            );
        }
    }
    let labels: Vec<&str> = points.iter().map(|p| p.0.as_str()).collect();
    x_labels(&mut out, &labels);
    out.push_str("</svg>");
    out
}

/// Horizontal bars in the order given (sort first: largest on top reads best), each with its
/// label above it and its value at the right, so that long names (API methods) fit.
pub fn ranking(title: &str, rows: &[(String, f64)], unit: Unit, color: &str) -> String {
    const ROW: f64 = 34.0;
    let height = (rows.len() as f64 * ROW + 4.0).max(24.0);
    let mut out = String::new();
    open_svg(&mut out, title, height);
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max).max(1e-9);
    let span = W - 2.0;
    for (i, (label, v)) in rows.iter().enumerate() {
        let top = 2.0 + i as f64 * ROW;
        let w = (v / max * span).max(if *v > 0.0 { 2.0 } else { 0.0 });
        let _ = write!(
            out,
            "<g><title>{}: {}</title>\
             <text x=\"1\" y=\"{:.1}\" fill=\"#1f2329\" font-size=\"12\">{}</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"12\">{}</text>\
             <rect x=\"1\" y=\"{:.1}\" width=\"{span:.1}\" height=\"10\" rx=\"3\" fill=\"#f2f3f5\"/>\
             <rect x=\"1\" y=\"{:.1}\" width=\"{w:.1}\" height=\"10\" rx=\"3\" fill=\"{}\"/></g>",
            escape(label),
            unit.format(*v),
            top + 12.0,
            escape(label),
            W - 1.0,
            top + 12.0,
            unit.format(*v),
            top + 18.0,
            top + 18.0,
            escape(color),
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn steps_are_round() {
        assert_eq!(nice_step(0.0, Unit::Count), 1.0);
        assert_eq!(nice_step(7.0, Unit::Count), 2.0);
        assert_eq!(nice_step(1234.0, Unit::Count), 500.0);
        assert_eq!(nice_step(0.3, Unit::Percent), 0.25);
    }

    #[test]
    fn charts_escape_labels_and_draw_one_mark_per_value() {
        let pts = vec![("<a>".to_string(), 3.0), ("b".to_string(), 0.0)];
        let svg = columns("t&", &pts, Unit::Count, BLUE);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("&lt;a&gt;") && !svg.contains("<a>"));
        assert!(svg.contains("aria-label=\"t&amp;\""));
        assert_eq!(svg.matches("<rect").count(), 2);
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
        let svg = ranking(
            "top",
            &[("x".into(), 10.0), ("y".into(), 5.0)],
            Unit::Count,
            BLUE,
        );
        assert_eq!(svg.matches("<g>").count(), 2);
    }
}
