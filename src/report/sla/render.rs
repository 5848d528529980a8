//! The SLA report as an aligned text table (for people) or JSON (for tools).

use super::{SlaKindName, SlaResult};
use crate::output::json::Json;

/// `name  owner  met  breached  pending  compliance  target  result`, one row per SLA; a volume
/// SLA lists its periods below its row.
pub fn render_table(results: &[SlaResult]) -> String {
    let header = [
        "SLA",
        "owner",
        "met",
        "breached",
        "pending",
        "compliance",
        "target",
        "result",
    ];
    let rows: Vec<[String; 8]> = results
        .iter()
        .map(|r| {
            [
                r.name.clone(),
                r.owner.clone(),
                r.met.to_string(),
                r.breached.to_string(),
                r.pending.to_string(),
                r.compliance
                    .map_or("n/a".to_string(), |c| format!("{:.1}%", c * 100.0)),
                r.target.map_or("-".to_string(), percent),
                if r.passed { "PASS" } else { "FAIL" }.to_string(),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            let pad = w.saturating_sub(cell.chars().count());
            // Text columns are left-aligned, numbers right-aligned.
            if i < 2 || i == 7 {
                out.push_str(cell);
                out.push_str(&" ".repeat(pad));
            } else {
                out.push_str(&" ".repeat(pad));
                out.push_str(cell);
            }
            if i + 1 < cells.len() {
                out.push_str("  ");
            }
        }
        out.trim_end().to_string() + "\n"
    };
    let mut out = line(&header.map(String::from));
    for (r, row) in results.iter().zip(&rows) {
        out.push_str(&line(row));
        if r.kind == SlaKindName::Volume {
            let pw = r.periods.iter().map(|p| p.period.len()).max().unwrap_or(0);
            let cw = r
                .periods
                .iter()
                .map(|p| p.count.to_string().len())
                .max()
                .unwrap_or(0);
            for p in &r.periods {
                out.push_str(&format!(
                    "    {:<pw$}  {:>cw$}  {}\n",
                    p.period,
                    p.count,
                    p.status.as_str()
                ));
            }
        }
    }
    out
}

/// A fraction as a percentage, shortest form: `0.9` → `90%`, `0.955` → `95.5%`.
fn percent(f: f64) -> String {
    let p = (f * 100.0 * 1e6).round() / 1e6;
    format!("{}%", crate::output::number_text(p))
}

/// A JSON array: one object per SLA with `name`, `owner`, `kind`, `met`, `breached`, `pending`,
/// `compliance` and `target` (fractions, or null), `passed`; volume SLAs add `periods`
/// (`period`, `count`, `status`).
pub fn render_json(results: &[SlaResult]) -> String {
    to_json(results).to_pretty()
}

/// The document of [`render_json`], for reports that include the SLA table.
pub fn to_json(results: &[SlaResult]) -> Json<'_> {
    let count = |n: u64| Json::Int(i64::try_from(n).unwrap_or(i64::MAX));
    Json::Array(
        results
            .iter()
            .map(|r| {
                let mut members = vec![
                    ("name", Json::str(r.name.as_str())),
                    ("owner", Json::str(r.owner.as_str())),
                    ("kind", Json::str(r.kind.as_str())),
                    ("met", count(r.met)),
                    ("breached", count(r.breached)),
                    ("pending", count(r.pending)),
                    ("compliance", Json::number_or_null(r.compliance)),
                    ("target", Json::number_or_null(r.target)),
                    ("passed", Json::Bool(r.passed)),
                ];
                if r.kind == SlaKindName::Volume {
                    let periods = r.periods.iter().map(|p| {
                        Json::object([
                            ("period", Json::str(p.period.as_str())),
                            ("count", count(p.count)),
                            ("status", Json::str(p.status.as_str())),
                        ])
                    });
                    members.push(("periods", Json::Array(periods.collect())));
                }
                Json::object(members)
            })
            .collect(),
    )
}
