//! The report as one self-contained page (`smql report --html FILE`): a chart per section as
//! inline SVG, each with its title, a sentence saying what it shows, and its numbers as a table
//! (for screen readers, for copying, and for whoever distrusts a chart). The conventions are
//! the glossary's (`smql doc --html`): no script, font or image from anywhere else (the same
//! Content-Security-Policy), every user string escaped by the template, one column that fits a
//! phone, tables that scroll sideways, and a print style for A4.

mod svg;

use maud::{html, Markup};

use super::model::*;
use super::text::{
    days, end_to_end, funnel_rows, lift, percent, period_name, range, records, stat,
};
use crate::report::doc::page;
use crate::report::sla::SlaResult;
use svg::{Bar, Bars, Lines};

const STYLE: &str = r#"
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0;
  --bg: #ffffff; --panel: #f6f8fa;
  --c1: #0072B2; --c2: #E69F00; --c3: #009E73; --c4: #CC79A7; --c5: #D55E00; --c6: #56B4E9; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --bg: #0d1117; --panel: #151b23;
    --c1: #56B4E9; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 52rem; padding: 1rem; color: var(--fg); background: var(--bg);
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; overflow-wrap: anywhere; }
h1 { font-size: 1.8rem; margin: .5rem 0; }
h2 { font-size: 1.4rem; margin: 2.5rem 0 1rem; padding-bottom: .3rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .25rem; }
code { font: .875em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  background: var(--panel); padding: .1em .3em; border-radius: 4px; }
.meta, .description, .note { color: var(--muted); }
figure { margin: 1rem 0 1.5rem; }
svg.chart { display: block; width: 100%; height: auto; max-width: 500px; font-size: 13px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
svg .label, svg .value, svg .note { fill: var(--fg); }
svg .note { font-style: italic; }
svg .value, svg .note { paint-order: stroke; stroke: var(--bg); stroke-width: 3px; stroke-linejoin: round; }
svg .bar { fill: var(--c1); }
svg .marker { stroke: var(--c5); stroke-width: 3; }
svg .reference { stroke: var(--fg); stroke-width: 1.5; stroke-dasharray: 4 3; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .series polyline, svg .series line { fill: none; stroke-width: 2.5; }
svg .series circle { stroke: none; }
svg .s1 polyline, svg .s1 line { stroke: var(--c1); } svg .s1 circle { fill: var(--c1); }
svg .s2 polyline, svg .s2 line { stroke: var(--c2); } svg .s2 circle { fill: var(--c2); }
svg .s3 polyline, svg .s3 line { stroke: var(--c3); } svg .s3 circle { fill: var(--c3); }
svg .s4 polyline, svg .s4 line { stroke: var(--c4); } svg .s4 circle { fill: var(--c4); }
svg .s5 polyline, svg .s5 line { stroke: var(--c5); } svg .s5 circle { fill: var(--c5); }
svg .s6 polyline, svg .s6 line { stroke: var(--c6); } svg .s6 circle { fill: var(--c6); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: .5rem 0; font-size: .9rem; }
caption { text-align: left; color: var(--muted); padding-bottom: .25rem; }
th, td { border: 1px solid var(--line); padding: .2rem .5rem; text-align: left; vertical-align: top;
  overflow-wrap: normal; }
td.n, th.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.fail { font-weight: 600; }
details summary { cursor: pointer; color: var(--muted); }
@media (max-width: 30rem) { body { padding: .75rem; } table { font-size: .8rem; } }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; color: #000; background: #fff; }
  :root { --fg: #000; --muted: #333; --line: #999; --c1: #0072B2; }
  h2 { break-after: avoid; }
  figure, table { break-inside: avoid; }
  svg.chart { max-width: 13cm; }
  .scroll { overflow: visible; }
  details::details-content { content-visibility: visible; display: contents; }
  details summary { display: none; }
}
"#;

/// The report as one HTML document; `as_of` is the instant the numbers are for.
pub fn render_html(report: &Report, as_of: &str) -> String {
    let header = html! {
        p.meta { (records(report.records)) ", as of " (as_of) ". Written by "
            code { "smql report" } " from the rules and the data." }
    };
    let main = html! {
        (funnel(report))
        @if let Some(b) = &report.by { (breakdown(b, &report.funnel)) }
        (scores(report))
        (grades(report))
        @if let Some(o) = &report.outcome { (outcome(o)) }
        (velocity(report))
        (flow(&report.flow))
        (slas(&report.slas))
        @if !report.notes.is_empty() {
            section id="notes" {
                h2 { "Notes" }
                @for n in &report.notes { p.note { (n) } }
            }
        }
    };
    page("smql report", "Lead report", STYLE, header, main)
}

/// A chart, the sentence under it, and its table.
fn figure(chart: Markup, description: &str, table: Markup) -> Markup {
    html! {
        figure {
            (chart)
            figcaption.description { (description) }
            div.scroll { (table) }
        }
    }
}

/// A table: `right` marks the columns of numbers.
fn table(caption: &str, header: &[String], right: &[bool], rows: &[Vec<String>]) -> Markup {
    let class = |i: usize| right.get(i).copied().unwrap_or(false).then_some("n");
    html! {
        table {
            caption { (caption) }
            thead { tr { @for (i, h) in header.iter().enumerate() { th scope="col" class=[class(i)] { (h) } } } }
            tbody {
                @for row in rows {
                    tr { @for (i, c) in row.iter().enumerate() { td class=[class(i)] { (c) } } }
                }
            }
        }
    }
}

fn strs(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn funnel(r: &Report) -> Markup {
    if r.funnel.is_empty() {
        return html! {
            section id="funnel" { h2 { "Funnel" } p.note { "The rules declare no stages." } }
        };
    }
    let bars = r
        .funnel
        .iter()
        .map(|s| Bar {
            label: s.stage.clone(),
            value: s.reached as f64,
            text: match s.conversion {
                Some(_) => format!("{} ({})", s.reached, percent(s.conversion)),
                None => s.reached.to_string(),
            },
            marker: None,
        })
        .collect();
    let steps: Vec<String> = r
        .funnel
        .iter()
        .map(|s| format!("{} {}", s.reached, s.stage))
        .collect();
    let description = format!(
        "Records that reached each stage of the path (at it or past it), with the conversion from the stage before: {}.",
        steps.join(", ")
    );
    let rows = funnel_rows(r, str::to_string);
    let chart = Bars {
        id: "funnel-chart",
        title: "Funnel",
        description: &description,
        bars,
        reference: None,
        max: None,
    };
    html! {
        section id="funnel" {
            h2 { "Funnel" }
            (figure(chart.render(), &description, table(
                "Records per stage",
                &strs(&["stage", "reached", "at", "conversion"]),
                &[false, true, true, true],
                &rows,
            )))
        }
    }
}

fn breakdown(b: &Breakdown, overall: &[FunnelStep]) -> Markup {
    let last = overall.last().map_or("", |s| s.stage.as_str());
    let first = overall.first().map_or("", |s| s.stage.as_str());
    let all = end_to_end(overall);
    let bars = b
        .groups
        .iter()
        .map(|g| {
            let rate = end_to_end(&g.funnel);
            Bar {
                label: g.value.text().to_string(),
                value: rate.unwrap_or(0.0),
                text: format!("{} of {}", percent(rate), g.records),
                marker: None,
            }
        })
        .collect();
    let description = format!(
        "Conversion from {first} to {last} for each value of {}, most records first; the dashed line is every record's ({}).",
        b.name,
        percent(all)
    );
    let title = format!("Conversion by {}", b.name);
    let mut header = vec![b.name.clone(), "records".into()];
    header.extend(overall.iter().skip(1).map(|s| s.stage.clone()));
    header.push(format!("{first} → {last}"));
    let mut right = vec![false];
    right.extend(std::iter::repeat_n(true, header.len() - 1));
    let rows: Vec<Vec<String>> = b
        .groups
        .iter()
        .map(|g| {
            let mut row = vec![g.value.text().to_string(), g.records.to_string()];
            row.extend(g.funnel.iter().skip(1).map(|s| s.reached.to_string()));
            row.push(percent(end_to_end(&g.funnel)));
            row
        })
        .collect();
    let chart = Bars {
        id: "by-chart",
        title: &title,
        description: &description,
        bars,
        reference: all.map(|a| (a, format!("all {}", percent(Some(a))))),
        max: None,
    };
    html! {
        section id="by" {
            h2 { "Funnel by " (b.name) }
            (figure(chart.render(), &description, table(
                "Records reaching each stage, per value",
                &header, &right, &rows,
            )))
        }
    }
}

fn scores(r: &Report) -> Markup {
    html! {
        @if !r.scores.is_empty() {
            section id="scores" {
                h2 { "Scores" }
                (table(
                    "Statistics of each score",
                    &strs(&["score", "count", "mean", "p10", "p50", "p90"]),
                    &[false, true, true, true, true, true],
                    &r.scores.iter().map(|s| vec![
                        s.name.clone(), s.count.to_string(), stat(s.mean),
                        stat(s.p10), stat(s.p50), stat(s.p90),
                    ]).collect::<Vec<_>>(),
                ))
                @for (i, s) in r.scores.iter().enumerate() {
                    (histogram(i, s))
                }
            }
        }
    }
}

fn histogram(i: usize, s: &ScoreStats) -> Markup {
    let description = format!(
        "How many records have each range of {}: {} records, half of them at {} or less, one in ten above {}.",
        s.name,
        s.count,
        stat(s.p50),
        stat(s.p90)
    );
    let title = format!("Histogram of {}", s.name);
    let id = format!("score-{i}-chart");
    let chart = Bars {
        id: &id,
        title: &title,
        description: &description,
        bars: s
            .histogram
            .iter()
            .map(|b| Bar {
                label: range(b.from, b.to),
                value: b.count as f64,
                text: b.count.to_string(),
                marker: None,
            })
            .collect(),
        reference: None,
        max: None,
    };
    let rows: Vec<Vec<String>> = s
        .histogram
        .iter()
        .map(|b| vec![range(b.from, b.to), b.count.to_string()])
        .collect();
    html! {
        h3 { (s.name) }
        (figure(chart.render(), &description, table(
            &format!("Records per range of {}", s.name),
            &strs(&["range", "records"]), &[false, true], &rows,
        )))
    }
}

fn grades(r: &Report) -> Markup {
    html! {
        @if !r.grades.is_empty() {
            section id="grades" {
                h2 { "Grades" }
                @for (i, g) in r.grades.iter().enumerate() {
                    @let description = format!("Records per label of {}, in the order the rules give them.", g.name);
                    @let id = format!("grade-{i}-chart");
                    @let chart = Bars {
                        id: &id, title: &g.name, description: &description,
                        bars: g.labels.iter().map(|(l, n)| Bar {
                            label: l.clone(), value: *n as f64, text: n.to_string(), marker: None,
                        }).collect(),
                        reference: None, max: None,
                    };
                    h3 { (g.name) }
                    (figure(chart.render(), &description, table(
                        &format!("Records per label of {}", g.name),
                        &strs(&["label", "records"]), &[false, true],
                        &g.labels.iter().map(|(l, n)| vec![l.clone(), n.to_string()]).collect::<Vec<_>>(),
                    )))
                }
            }
        }
    }
}

fn outcome(o: &OutcomeRates) -> Markup {
    let charts = o
        .by_decile
        .iter()
        .map(|(name, rates)| (format!("decile of {name}"), rates))
        .chain(o.by_grade.iter().map(|(name, rates)| (name.clone(), rates)));
    html! {
        section id="outcome" {
            h2 { "Outcome: " (o.name) }
            p { (percent(o.rate)) " of the records have " code { (o.name) }
                ". Where the scores sort leads the way sales experiences them, the rate climbs with the decile and the grade." }
            @for (i, (by, rates)) in charts.enumerate() {
                (rate_chart(i, &o.name, o.rate, &by, rates))
            }
        }
    }
}

fn rate_chart(i: usize, name: &str, overall: Option<f64>, by: &str, rates: &[Rate]) -> Markup {
    let deciles = rates
        .iter()
        .any(|r| matches!(r.group, RateGroup::Decile { .. }));
    let label = |r: &Rate| match &r.group {
        RateGroup::Decile { decile, .. } => format!("decile {decile}"),
        RateGroup::Label(l) => l.clone(),
    };
    let description = format!(
        "The rate of {name} per {by}, against the rate over every record ({}, the dashed line); the lift is one over the other.",
        percent(overall)
    );
    let title = format!("{name} rate by {by}");
    let id = format!("outcome-{i}-chart");
    let chart = Bars {
        id: &id,
        title: &title,
        description: &description,
        bars: rates
            .iter()
            .map(|r| Bar {
                label: label(r),
                value: r.rate.unwrap_or(0.0),
                text: format!("{} ({})", percent(r.rate), lift(r.lift)),
                marker: None,
            })
            .collect(),
        reference: overall.map(|o| (o, format!("all {}", percent(Some(o))))),
        max: None,
    };
    let mut header = strs(&[if deciles { "decile" } else { "label" }]);
    if deciles {
        header.push("scores".into());
    }
    header.extend(strs(&["records", "rate", "lift"]));
    let mut right = vec![deciles];
    if deciles {
        right.push(true);
    }
    right.extend([true, true, true]);
    let rows: Vec<Vec<String>> = rates
        .iter()
        .map(|r| {
            let mut row = match &r.group {
                RateGroup::Decile { decile, from, to } => {
                    vec![decile.to_string(), range(*from, *to)]
                }
                RateGroup::Label(l) => vec![l.clone()],
            };
            row.extend([r.records.to_string(), percent(r.rate), lift(r.lift)]);
            row
        })
        .collect();
    html! {
        h3 { "By " (by) }
        (figure(chart.render(), &description, table(
            &format!("{name} rate and lift per {by}"), &header, &right, &rows,
        )))
    }
}

fn velocity(r: &Report) -> Markup {
    html! {
        @if !r.velocity.is_empty() {
            section id="velocity" {
                h2 { "Velocity" }
                p { "Days from entering a stage to entering the next dated one, for the records with both dates." }
                div.scroll { (table(
                    "Days between stages",
                    &strs(&["from", "to", "records", "p50 days", "p90 days"]),
                    &[false, false, true, true, true],
                    &r.velocity.iter().map(|v| vec![
                        v.from.clone(), v.to.clone(), v.records.to_string(),
                        days(v.p50_days), days(v.p90_days),
                    ]).collect::<Vec<_>>(),
                )) }
            }
        }
    }
}

fn flow(f: &Flow) -> Markup {
    if f.rows.is_empty() {
        return html! {};
    }
    let per = period_name(f.period);
    let description = format!(
        "Records entering each stage per {per} (by the stage's date), the last {} {per}s.",
        f.rows.len()
    );
    let chart = Lines {
        id: "flow-chart",
        title: "Lead flow",
        description: &description,
        xs: f.rows.iter().map(|r| r.period.clone()).collect(),
        series: f
            .stages
            .iter()
            .enumerate()
            .map(|(j, s)| {
                let values = f
                    .rows
                    .iter()
                    .map(|r| r.entered.get(j).copied().unwrap_or(0));
                (s.clone(), values.collect())
            })
            .collect(),
    };
    let mut header = vec![per.to_string()];
    header.extend(f.stages.iter().cloned());
    let mut right = vec![false];
    right.extend(std::iter::repeat_n(true, f.stages.len()));
    let rows: Vec<Vec<String>> = f
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![r.period.clone()];
            row.extend(r.entered.iter().map(u64::to_string));
            row
        })
        .collect();
    html! {
        section id="flow" {
            h2 { "Lead flow" }
            (figure(chart.render(), &description, table(
                &format!("Records entering each stage per {per}"), &header, &right, &rows,
            )))
        }
    }
}

fn slas(results: &[SlaResult]) -> Markup {
    if results.is_empty() {
        return html! {};
    }
    let description = "Compliance of each SLA: met over met and breached (for a volume, periods met over periods finished); the vertical mark is its target.";
    let chart = Bars {
        id: "sla-chart",
        title: "SLA compliance against target",
        description,
        bars: results
            .iter()
            .map(|s| Bar {
                label: s.name.clone(),
                value: s.compliance.unwrap_or(0.0),
                text: match s.compliance {
                    Some(_) => format!("{} {}", percent(s.compliance), pass(s)),
                    None => format!("n/a {}", pass(s)),
                },
                marker: s.target,
            })
            .collect(),
        reference: None,
        max: Some(1.0),
    };
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                s.owner.clone(),
                s.met.to_string(),
                s.breached.to_string(),
                s.pending.to_string(),
                s.compliance.map_or("n/a".into(), |c| percent(Some(c))),
                s.target.map_or("-".into(), |t| percent(Some(t))),
                pass(s).to_string(),
            ]
        })
        .collect();
    html! {
        section id="slas" {
            h2 { "SLAs" }
            (figure(chart.render(), description, table(
                "Each SLA",
                &strs(&["SLA", "owner", "met", "breached", "pending", "compliance", "target", "result"]),
                &[false, false, true, true, true, true, true, false],
                &rows,
            )))
            @for s in results.iter().filter(|s| !s.periods.is_empty()) {
                details {
                    summary { "Periods of " (s.name) }
                    div.scroll { (table(
                        &format!("Periods of {}", s.name),
                        &strs(&["period", "count", "status"]),
                        &[false, true, false],
                        &s.periods.iter().map(|p| vec![
                            p.period.clone(), p.count.to_string(), p.status.as_str().to_string(),
                        ]).collect::<Vec<_>>(),
                    )) }
                }
            }
        }
    }
}

fn pass(s: &SlaResult) -> &'static str {
    if s.passed {
        "PASS"
    } else {
        "FAIL"
    }
}
