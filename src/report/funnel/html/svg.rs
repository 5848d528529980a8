//! The page's charts as inline SVG, written by the template (maud), so every label is escaped.
//! Two shapes serve every section: horizontal bars (labels on the left read on a phone, and a
//! reference line or a marker per bar compares with the overall rate or a target) and lines
//! over time (the lead flow). Colours are the Okabe–Ito palette (told apart with every kind of
//! colour blindness), set by classes in the page's style so that print and dark mode restyle
//! them; lines also differ by dash pattern and marker, so the chart reads in grey too.

use maud::{html, Markup};

/// Width of every chart's coordinate system; the page scales it to the column, at most 1.25×
/// (a phone's 375 px shows it at about 0.85, text at 10 px).
const WIDTH: f64 = 400.0;
/// Height of one bar's row.
const ROW: f64 = 24.0;
/// Approximate width of one character of the 13-unit font, for laying out labels.
const CHAR: f64 = 7.2;
/// Labels longer than this are cut (the table beside the chart has them whole).
const LABEL_CHARS: usize = 24;
/// Series of the line chart: colour class, dash pattern.
const SERIES: [(&str, &str); 6] = [
    ("s1", ""),
    ("s2", "6 3"),
    ("s3", "2 2"),
    ("s4", "8 3 2 3"),
    ("s5", "1 4"),
    ("s6", "10 4"),
];

/// One bar: its label, its length, the number written after it, and an optional marker (a
/// target) drawn across it.
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub text: String,
    pub marker: Option<f64>,
}

/// A horizontal bar chart. `reference` draws a dashed line across every bar (the overall rate)
/// with its label; `max` is the value of a full bar (at least the largest value and marker).
pub struct Bars<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub bars: Vec<Bar>,
    pub reference: Option<(f64, String)>,
    pub max: Option<f64>,
}

/// `12.5`: a coordinate, one decimal at most.
fn n(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// A label cut to [`LABEL_CHARS`] characters, with an ellipsis.
fn cut(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_string();
    }
    let mut s: String = label.chars().take(LABEL_CHARS - 1).collect();
    s.push('…');
    s
}

impl Bars<'_> {
    pub fn render(&self) -> Markup {
        let label_w = self
            .bars
            .iter()
            .map(|b| cut(&b.label).chars().count())
            .max()
            .unwrap_or(0) as f64
            * CHAR
            + 14.0;
        let text_w = self
            .bars
            .iter()
            .map(|b| b.text.chars().count())
            .max()
            .unwrap_or(0) as f64
            * CHAR
            + 8.0;
        let top = if self.reference.is_some() { 18.0 } else { 4.0 };
        let x0 = label_w.min(WIDTH / 2.0);
        let span = (WIDTH - x0 - text_w).max(40.0);
        let max = self
            .bars
            .iter()
            .flat_map(|b| [b.value, b.marker.unwrap_or(0.0)])
            .chain(self.reference.as_ref().map(|r| r.0))
            .chain(self.max)
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        let scale = |v: f64| {
            if max > 0.0 && v.is_finite() {
                (v.max(0.0) / max) * span
            } else {
                0.0
            }
        };
        let height = top + self.bars.len() as f64 * ROW + 4.0;
        let markers = self.bars.iter().any(|b| b.marker.is_some());
        let title_id = format!("{}-title", self.id);
        let desc_id = format!("{}-desc", self.id);
        html! {
            svg.chart viewBox={ "0 0 " (n(WIDTH)) " " (n(height)) } role="img"
                aria-labelledby={ (title_id) " " (desc_id) } {
                title id=(title_id) { (self.title) }
                desc id=(desc_id) { (self.description) }
                @for (i, b) in self.bars.iter().enumerate() {
                    @let y = top + i as f64 * ROW;
                    text.label x=(n(x0 - 6.0)) y=(n(y + 16.5)) text-anchor="end" { (cut(&b.label)) }
                    rect.bar x=(n(x0)) y=(n(y + 3.0)) width=(n(scale(b.value))) height=(n(ROW - 6.0)) {}
                    @if let Some(m) = b.marker {
                        line.marker x1=(n(x0 + scale(m))) x2=(n(x0 + scale(m)))
                            y1=(n(y)) y2=(n(y + ROW)) {}
                    }
                }
                // Over the bars, under the numbers (which have a halo of the background).
                @if let Some((r, label)) = &self.reference {
                    @let x = x0 + scale(*r);
                    line.reference x1=(n(x)) x2=(n(x)) y1=(n(top - 4.0)) y2=(n(height - 2.0)) {}
                    text.note x=(n(x)) y="12" text-anchor="middle" { (label) }
                }
                @for (i, b) in self.bars.iter().enumerate() {
                    @let y = top + i as f64 * ROW;
                    // Beside the bar, or in a column of their own where markers would cross them.
                    @let x = if markers { x0 + span + 6.0 } else { x0 + scale(b.value) + 4.0 };
                    text.value x=(n(x)) y=(n(y + 16.5)) { (b.text) }
                }
            }
        }
    }
}

/// Lines over time: a value per series per point of the x axis.
pub struct Lines<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    /// The x axis, left to right.
    pub xs: Vec<String>,
    /// A name and a value per x, each.
    pub series: Vec<(String, Vec<u64>)>,
}

impl Lines<'_> {
    pub fn render(&self) -> Markup {
        let (left, right, top, bottom) = (44.0, 28.0, 10.0, 52.0);
        let height = 250.0;
        let plot_w = WIDTH - left - right;
        let plot_h = height - top - bottom;
        let max = self
            .series
            .iter()
            .flat_map(|(_, v)| v.iter().copied())
            .max()
            .unwrap_or(0);
        let ticks = nice_ticks(max);
        let y_max = ticks.last().copied().unwrap_or(1).max(1) as f64;
        let step = if self.xs.len() > 1 {
            plot_w / (self.xs.len() - 1) as f64
        } else {
            0.0
        };
        let x = |i: usize| left + step * i as f64;
        let y = |v: u64| top + plot_h - v as f64 / y_max * plot_h;
        // Every label when they fit, else every second or third.
        let every = self.xs.len().div_ceil(6).max(1);
        let title_id = format!("{}-title", self.id);
        let desc_id = format!("{}-desc", self.id);
        html! {
            svg.chart viewBox={ "0 0 " (n(WIDTH)) " " (n(height)) } role="img"
                aria-labelledby={ (title_id) " " (desc_id) } {
                title id=(title_id) { (self.title) }
                desc id=(desc_id) { (self.description) }
                @for t in &ticks {
                    line.grid x1=(n(left)) x2=(n(WIDTH - right)) y1=(n(y(*t))) y2=(n(y(*t))) {}
                    text.label x=(n(left - 6.0)) y=(n(y(*t) + 4.0)) text-anchor="end" { (t) }
                }
                @for (i, label) in self.xs.iter().enumerate() {
                    @if i % every == 0 {
                        text.label x=(n(x(i))) y=(n(top + plot_h + 18.0)) text-anchor="middle" { (label) }
                    }
                }
                @for (k, (name, values)) in self.series.iter().enumerate() {
                    @let (class, dash) = SERIES[k % SERIES.len()];
                    @let points = values.iter().enumerate()
                        .map(|(i, v)| format!("{},{}", n(x(i)), n(y(*v))))
                        .collect::<Vec<_>>().join(" ");
                    g class={ "series " (class) } {
                        title { (name) }
                        polyline points=(points) stroke-dasharray=(dash) {}
                        @for (i, v) in values.iter().enumerate() {
                            circle cx=(n(x(i))) cy=(n(y(*v))) r="3" {}
                        }
                    }
                }
                // The legend below the axis: the colour, the dash and the name of each line.
                @for (k, (name, _)) in self.series.iter().enumerate() {
                    @let (class, dash) = SERIES[k % SERIES.len()];
                    @let lx = left + (k % 4) as f64 * (plot_w / 4.0);
                    @let ly = height - 12.0 + (k / 4) as f64 * 14.0 - if self.series.len() > 4 { 10.0 } else { 0.0 };
                    g class={ "series " (class) } {
                        line x1=(n(lx)) x2=(n(lx + 22.0)) y1=(n(ly - 4.0)) y2=(n(ly - 4.0)) stroke-dasharray=(dash) {}
                        text.label x=(n(lx + 26.0)) y=(n(ly)) { (cut(name)) }
                    }
                }
            }
        }
    }
}

/// Round steps from 0 to at least `max`: four or five gridlines.
fn nice_ticks(max: u64) -> Vec<u64> {
    if max == 0 {
        return vec![0, 1];
    }
    let raw = max as f64 / 4.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(magnitude * 10.0)
        .max(1.0)
        .round() as u64;
    let top = max.div_ceil(step) * step;
    (0..=top / step).map(|i| i * step).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_maximum() {
        assert_eq!(nice_ticks(0), [0, 1]);
        assert_eq!(nice_ticks(104), [0, 50, 100, 150]);
        assert_eq!(nice_ticks(3), [0, 1, 2, 3]);
        assert_eq!(nice_ticks(1000), [0, 250, 500, 750, 1000]);
    }

    #[test]
    fn bars_escape_labels_and_scale_to_the_largest() {
        let chart = Bars {
            id: "c",
            title: "t <b>",
            description: "d",
            bars: vec![
                Bar {
                    label: "<script>".into(),
                    value: 10.0,
                    text: "10".into(),
                    marker: None,
                },
                Bar {
                    label: "b".into(),
                    value: 5.0,
                    text: "5".into(),
                    marker: Some(10.0),
                },
            ],
            reference: Some((2.0, "overall".into())),
            max: None,
        }
        .render()
        .into_string();
        assert!(chart.contains("&lt;script&gt;") && !chart.contains("<script>"));
        assert!(chart.contains("<title id=\"c-title\">t &lt;b&gt;</title>"));
        assert_eq!(chart.matches("<rect").count(), 2);
        assert!(chart.contains("class=\"marker\""));
        assert!(chart.contains("class=\"reference\""));
        assert_eq!(cut(&"x".repeat(30)).chars().count(), LABEL_CHARS);
    }

    #[test]
    fn lines_plot_every_point() {
        let chart = Lines {
            id: "f",
            title: "flow",
            description: "d",
            xs: vec!["2026-01".into(), "2026-02".into(), "2026-03".into()],
            series: vec![
                ("Lead".into(), vec![1, 4, 2]),
                ("MQL".into(), vec![0, 1, 1]),
            ],
        }
        .render()
        .into_string();
        assert_eq!(chart.matches("<circle").count(), 6);
        assert_eq!(chart.matches("<polyline").count(), 2);
        assert!(chart.contains("2026-03"));
    }
}
