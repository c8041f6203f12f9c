//! Server-rendered SVG charts for the dashboards: stacked daily columns (e.g. successful and
//! failed calls) with a rate line on a 0–100 % scale. No JavaScript; each column carries a
//! `<title>` that browsers show on hover. The legend is HTML beside the chart.

use std::fmt::Write as _;

/// Colours of the stacked parts, bottom first, shared with the HTML legend (console.css).
pub const COLOURS: [&str; 3] = ["#2f9e63", "#e5484d", "#b8bec8"];
/// Colour of the rate line.
pub const RATE_COLOUR: &str = "#1456f0";

/// One day's column.
#[derive(Debug, Clone)]
pub struct Column {
    /// Axis label, e.g. `11-27`.
    pub label: String,
    /// Hover text.
    pub title: String,
    /// Stacked values, bottom first (e.g. success, failure, pending).
    pub parts: [i64; 3],
    /// The rate drawn as a line (`None`: no point that day).
    pub rate: Option<f64>,
}

const W: f64 = 720.0;
const H: f64 = 210.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 46.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 30.0;

/// The axis maximum for values up to `v`: four equal ticks, each a round number (1, 2, 2.5 or
/// 5 × 10ⁿ), so every tick label is a whole number.
fn nice_max(v: i64) -> i64 {
    let tick_at_least = (v.max(1) + 3) / 4;
    let mut step = 1i64;
    loop {
        let quarter = if step >= 10 { step * 5 / 2 } else { 0 };
        for tick in [step, 2 * step, quarter, 5 * step] {
            if tick >= tick_at_least {
                return 4 * tick;
            }
        }
        step = step.saturating_mul(10);
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Stacked columns with a rate line. `label` names the chart for screen readers; `empty` is
/// written across it when every column is zero.
pub fn stacked(columns: &[Column], label: &str, empty: &str) -> String {
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let max = nice_max(
        columns
            .iter()
            .map(|c| c.parts.iter().sum())
            .max()
            .unwrap_or(0),
    );
    let mut svg = String::with_capacity(4096);
    let _ = write!(
        svg,
        r#"<svg class="stack-chart" viewBox="0 0 {W} {H}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(label)
    );
    // Grid and both axes' ticks: counts on the left, rate on the right.
    for i in 0..=4 {
        let y = TOP + plot_h * (1.0 - f64::from(i) / 4.0);
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#e4e6eb"/><text x="{}" y="{:.1}" text-anchor="end" class="tick">{}</text><text x="{}" y="{:.1}" class="tick">{}%</text>"##,
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            max * i64::from(i) / 4,
            W - RIGHT + 6.0,
            y + 4.0,
            25 * i
        );
    }
    let n = columns.len().max(1);
    let slot = plot_w / n as f64;
    let bar = (slot * 0.62).min(42.0);
    let every = n.div_ceil(12);
    let mut line: Vec<(f64, f64, String)> = Vec::new();
    for (i, c) in columns.iter().enumerate() {
        let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
        let _ = write!(svg, "<g><title>{}</title>", escape(&c.title));
        let mut base = TOP + plot_h;
        for (part, colour) in c.parts.iter().zip(COLOURS) {
            if *part <= 0 {
                continue;
            }
            let h = plot_h * (*part as f64) / (max as f64);
            base -= h;
            let _ = write!(
                svg,
                r#"<rect x="{x:.1}" y="{base:.1}" width="{bar:.1}" height="{h:.1}" fill="{colour}" rx="2"/>"#
            );
        }
        // An invisible full-height target so the hover text works on empty days too.
        let _ = write!(
            svg,
            r#"<rect x="{:.1}" y="{TOP}" width="{slot:.1}" height="{plot_h}" fill="transparent"/></g>"#,
            LEFT + slot * i as f64
        );
        if i % every == 0 || i + 1 == n {
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" class="tick">{}</text>"#,
                x + bar / 2.0,
                H - BOTTOM + 16.0,
                escape(&c.label)
            );
        }
        if let Some(r) = c.rate {
            let y = TOP + plot_h * (1.0 - r.clamp(0.0, 1.0));
            line.push((x + bar / 2.0, y, c.title.clone()));
        }
    }
    if line.len() > 1 {
        let points: Vec<String> = line
            .iter()
            .map(|(x, y, _)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = write!(
            svg,
            r#"<polyline points="{}" fill="none" stroke="{RATE_COLOUR}" stroke-width="2"/>"#,
            points.join(" ")
        );
    }
    for (x, y, title) in &line {
        let _ = write!(
            svg,
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="{RATE_COLOUR}"><title>{}</title></circle>"#,
            escape(title)
        );
    }
    if columns.iter().all(|c| c.parts.iter().all(|p| *p <= 0)) {
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" class="empty">{}</text>"#,
            LEFT + plot_w / 2.0,
            TOP + plot_h / 2.0,
            escape(empty)
        );
    }
    let _ = write!(
        svg,
        r##"<line x1="{LEFT}" x2="{}" y1="{:.1}" y2="{:.1}" stroke="#c9cdd4"/></svg>"##,
        W - RIGHT,
        TOP + plot_h,
        TOP + plot_h
    );
    svg
}

/// A horizontal bar for a share (0..=1), e.g. a method's success rate in a table.
pub fn share_bar(rate: f64) -> String {
    let pct = (rate.clamp(0.0, 1.0) * 100.0).round();
    let colour = if rate >= 0.95 {
        COLOURS[0]
    } else if rate >= 0.8 {
        "#d08a00"
    } else {
        COLOURS[1]
    };
    format!(
        r##"<svg class="share" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true" xmlns="http://www.w3.org/2000/svg"><rect width="100" height="8" rx="4" fill="#eef0f3"/><rect width="{pct}" height="8" rx="4" fill="{colour}"/></svg>"##
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_maxima_are_round() {
        assert_eq!(nice_max(0), 4);
        assert_eq!(nice_max(4), 4);
        assert_eq!(nice_max(7), 8);
        assert_eq!(nice_max(11), 20);
        assert_eq!(nice_max(201), 400);
        assert_eq!(nice_max(1000), 1000);
        assert_eq!(nice_max(1001), 2000);
        for v in [0, 3, 9, 77, 12_345, 987_654] {
            let m = nice_max(v);
            assert!(m >= v && m % 4 == 0, "{v} → {m}");
        }
    }

    #[test]
    fn columns_and_line_are_drawn() {
        let cols: Vec<Column> = (0..7)
            .map(|i| Column {
                label: format!("11-{:02}", 20 + i),
                title: format!("day {i} <b>"),
                parts: [i, 1, 0],
                rate: (i > 0).then(|| i as f64 / (i + 1) as f64),
            })
            .collect();
        let svg = stacked(&cols, "calls", "none");
        assert!(!svg.contains(">none<"));
        let quiet: Vec<Column> = cols
            .iter()
            .map(|c| Column {
                parts: [0, 0, 0],
                rate: None,
                ..c.clone()
            })
            .collect();
        assert!(stacked(&quiet, "calls", "none").contains(">none<"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 6);
        assert!(svg.contains("day 3 &lt;b&gt;"), "titles are escaped");
        assert!(!svg.contains("<b>"));
    }
}
