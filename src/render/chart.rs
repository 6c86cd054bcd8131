//! Charts as inline SVG: a step chart of running totals against a level, and horizontal
//! bars. Small on purpose: the figures shown as text come from the exact amounts (minor
//! units formatted as the books format them); only the drawing coordinates are floating
//! point. The charts read in black and white: series differ by line pattern and are named
//! in a legend, not by colour alone.

use std::fmt::Write as _;

use crate::money::{Currency, Money};

// Drawing coordinates, in SVG user units.
const WIDTH: f64 = 680.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 110.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 34.0;
const BOTTOM: f64 = 40.0;
/// At most this many intervals on the amount axis.
const TICKS_MAX: i64 = 5;

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineStyle {
    Solid,
    Dashed,
    Dotted,
}

impl LineStyle {
    fn attributes(self) -> &'static str {
        match self {
            LineStyle::Solid => r##"stroke="#000" stroke-width="2.2""##,
            LineStyle::Dashed => r##"stroke="#555" stroke-width="1.6" stroke-dasharray="7 4""##,
            LineStyle::Dotted => r##"stroke="#000" stroke-width="1.2" stroke-dasharray="2 3""##,
        }
    }
}

/// A running total: `(x, amount in minor units)`, x from 0 (left) to 1 (right), in order.
/// Drawn as steps: the total holds until the next point.
#[derive(Debug, Clone, PartialEq)]
pub struct StepSeries {
    pub label: String,
    pub style: LineStyle,
    pub points: Vec<(f64, i64)>,
}

/// A chart of running totals against a horizontal level (a budget).
#[derive(Debug, Clone, PartialEq)]
pub struct StepChart {
    pub title: String,
    pub currency: Currency,
    /// Labels under the x axis at their position (0 to 1).
    pub x_labels: Vec<(f64, String)>,
    pub series: Vec<StepSeries>,
    /// A level drawn across the chart, with its label.
    pub level: Option<(String, i64)>,
}

/// Escapes text for SVG and HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
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

/// `a / b` rounded up, for positive `a` and `b`.
fn ceil_div(a: i64, b: i64) -> i64 {
    a / b + i64::from(a % b != 0)
}

/// The step between amount ticks, in minor units: 1, 2 or 5 times a power of ten whole
/// units, the smallest giving at most `TICKS_MAX` intervals up to `max_minor`.
pub fn tick_step(max_minor: i64) -> i64 {
    let max_minor = max_minor.max(1);
    let mut power: i64 = 100;
    loop {
        for factor in [1, 2, 5] {
            let step = power.saturating_mul(factor);
            if ceil_div(max_minor, step) <= TICKS_MAX || step == i64::MAX {
                return step;
            }
        }
        power = power.saturating_mul(10);
    }
}

/// The chart as an SVG element.
pub fn step_chart(chart: &StepChart) -> String {
    let max_minor = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|(_, y)| *y))
        .chain(chart.level.iter().map(|(_, y)| *y))
        .max()
        .unwrap_or(0)
        .max(1);
    let step = tick_step(max_minor);
    let intervals = ceil_div(max_minor, step).max(1);
    let top_minor = step * intervals;
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let x_at = |x: f64| LEFT + x.clamp(0.0, 1.0) * plot_width;
    // Amounts below zero (money taken back) are drawn on the axis.
    let y_at = |minor: i64| TOP + plot_height * (1.0 - (minor.max(0) as f64 / top_minor as f64));
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-label="{title}" font-family="sans-serif" font-size="10">"#,
        title = escape(&chart.title)
    );
    let _ = write!(svg, "<title>{}</title>", escape(&chart.title));
    // Amount axis: grid lines and labels in the books' format.
    for i in 0..=intervals {
        let minor = step * i;
        let y = y_at(minor);
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{x2:.1}" y2="{y:.1}" stroke="#ccc" stroke-width="0.6"/><text x="{lx:.1}" y="{ty:.1}" text-anchor="end">{label}</text>"##,
            x2 = LEFT + plot_width,
            lx = LEFT - 6.0,
            ty = y + 3.5,
            label = escape(&Money::from_minor(minor, chart.currency).to_string()),
        );
    }
    // Date axis.
    let _ = write!(
        svg,
        r##"<line x1="{LEFT}" y1="{y:.1}" x2="{x2:.1}" y2="{y:.1}" stroke="#000" stroke-width="1"/><line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{y:.1}" stroke="#000" stroke-width="1"/>"##,
        y = TOP + plot_height,
        x2 = LEFT + plot_width,
    );
    for (x, label) in &chart.x_labels {
        let x = x_at(*x);
        let _ = write!(
            svg,
            r##"<line x1="{x:.1}" y1="{y1:.1}" x2="{x:.1}" y2="{y2:.1}" stroke="#000" stroke-width="1"/><text x="{x:.1}" y="{ty:.1}" text-anchor="middle">{label}</text>"##,
            y1 = TOP + plot_height,
            y2 = TOP + plot_height + 4.0,
            ty = TOP + plot_height + 16.0,
            label = escape(label),
        );
    }
    if let Some((label, minor)) = &chart.level {
        let y = y_at(*minor);
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{x2:.1}" y2="{y:.1}" {style}/><text x="{x2:.1}" y="{ty:.1}" text-anchor="end">{label}</text>"##,
            x2 = LEFT + plot_width,
            style = LineStyle::Dotted.attributes(),
            ty = y - 4.0,
            label = escape(&format!(
                "{label} {}",
                Money::from_minor(*minor, chart.currency)
            )),
        );
    }
    for series in &chart.series {
        let mut points = String::new();
        let mut last: Option<f64> = None;
        for (x, minor) in &series.points {
            let (x, y) = (x_at(*x), y_at(*minor));
            if let Some(last_y) = last {
                let _ = write!(points, "{x:.1},{last_y:.1} ");
            }
            let _ = write!(points, "{x:.1},{y:.1} ");
            last = Some(y);
        }
        let _ = write!(
            svg,
            r#"<polyline fill="none" {style} points="{points}"><title>{label}</title></polyline>"#,
            style = series.style.attributes(),
            points = points.trim_end(),
            label = escape(&series.label),
        );
    }
    // The legend, above the plot: a sample of each line and its name.
    let mut x = LEFT;
    let legend = chart
        .series
        .iter()
        .map(|s| (s.label.as_str(), s.style))
        .chain(
            chart
                .level
                .iter()
                .map(|(label, _)| (label.as_str(), LineStyle::Dotted)),
        );
    for (label, style) in legend {
        let _ = write!(
            svg,
            r#"<line x1="{x:.1}" y1="14" x2="{x2:.1}" y2="14" {style}/><text x="{tx:.1}" y="17.5">{label}</text>"#,
            x2 = x + 24.0,
            style = style.attributes(),
            tx = x + 30.0,
            label = escape(label),
        );
        x += 40.0 + 6.0 * label.chars().count() as f64;
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars, one per row, each with its label and amount in the books' format.
pub fn bar_chart(title: &str, rows: &[(String, Money)]) -> String {
    const ROW: f64 = 18.0;
    const LABEL: f64 = 230.0;
    const AMOUNT: f64 = 120.0;
    let height = ROW * rows.len() as f64 + 8.0;
    let max_minor = rows
        .iter()
        .map(|(_, m)| m.minor())
        .max()
        .unwrap_or(0)
        .max(1);
    let bar_width = WIDTH - LABEL - AMOUNT - RIGHT;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-label="{title}" font-family="sans-serif" font-size="10"><title>{title}</title>"#,
        title = escape(title)
    );
    for (i, (label, amount)) in rows.iter().enumerate() {
        let y = 4.0 + ROW * i as f64;
        let width = bar_width * (amount.minor().max(0) as f64 / max_minor as f64);
        let _ = write!(
            svg,
            r##"<text x="{lx:.1}" y="{ty:.1}" text-anchor="end">{label}</text><rect x="{LABEL}" y="{by:.1}" width="{width:.1}" height="{bh:.1}" fill="#777" stroke="#000" stroke-width="0.6"/><text x="{ax:.1}" y="{ty:.1}">{amount}</text>"##,
            lx = LABEL - 6.0,
            ty = y + 11.0,
            by = y + 2.0,
            bh = ROW - 6.0,
            ax = LABEL + width + 6.0,
            label = escape(label),
            amount = escape(&amount.to_string()),
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_one_two_or_five_whole_units_times_a_power_of_ten() {
        assert_eq!(tick_step(45_900_000), 10_000_000, "CHF 459'000 by 100'000");
        assert_eq!(tick_step(31_192_254), 10_000_000);
        assert_eq!(tick_step(20_000_000), 5_000_000);
        assert_eq!(tick_step(0), 100, "an empty chart still has one unit");
        assert_eq!(tick_step(450), 100);
        assert_eq!(tick_step(501), 200);
        assert!(tick_step(i64::MAX) > 0, "no overflow");
    }

    fn chart() -> StepChart {
        StepChart {
            title: "Received <2017>".into(),
            currency: Currency::CHF,
            x_labels: vec![(0.0, "Jan".into()), (1.0, "Dec".into())],
            series: vec![StepSeries {
                label: "2017 & more".into(),
                style: LineStyle::Solid,
                points: vec![(0.0, 0), (0.5, 31_192_254), (0.75, 31_192_254)],
            }],
            level: Some(("Budget".into(), 45_900_000)),
        }
    }

    #[test]
    fn the_step_chart_labels_its_axes_in_the_books_format() {
        let svg = step_chart(&chart());
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(">CHF 0.00</text>"));
        assert!(svg.contains(">CHF 500&#39;000.00</text>"), "{svg}");
        assert!(svg.contains(">Budget CHF 459&#39;000.00</text>"));
        assert!(svg.contains(">Jan</text>") && svg.contains(">Dec</text>"));
        assert!(
            svg.contains("Received &lt;2017&gt;"),
            "the title is escaped"
        );
        assert!(svg.contains("2017 &amp; more"), "labels are escaped");
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }

    #[test]
    fn a_running_total_is_drawn_as_steps() {
        let svg = step_chart(&chart());
        let points = svg
            .split("points=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap();
        // Three points, two of them preceded by the corner of a step.
        assert_eq!(points.split(' ').count(), 5, "{points}");
        // The level and the chart's top: 5 intervals of CHF 100'000.
        assert!(points.starts_with("110.0,260.0 "), "{points}");
    }

    #[test]
    fn bars_show_each_amount_in_the_books_format() {
        let rows = vec![
            (
                "Germany".to_string(),
                Money::from_minor(29_533_756, Currency::CHF),
            ),
            (
                "Others (3)".to_string(),
                Money::from_minor(0, Currency::CHF),
            ),
        ];
        let svg = bar_chart("By State", &rows);
        assert!(svg.contains(">CHF 295&#39;337.56</text>"));
        assert!(svg.contains(r#"width="0.0""#), "a zero bar has no width");
        assert_eq!(svg.matches("<rect").count(), 2);
        assert_eq!(bar_chart("empty", &[]).matches("<rect").count(), 0);
    }
}
