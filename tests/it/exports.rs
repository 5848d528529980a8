//! Real CRM exports (`tests/fixtures/exports/`, one folder per shape): each read with the
//! `input` block it needs, every value checked against what the test computes on its own from
//! the raw cells (the `csv` crate for the cells, jiff's strptime and time zones for timestamps,
//! numbers written out by hand), and each read without one of the block's lines, which must fail
//! with a help naming that line.

use crate::support::{smql_in, text};
use serde_json::Value as J;
use std::path::{Path, PathBuf};

fn dir(shape: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/exports")
        .join(shape)
}

/// The cells of the export, by the `csv` crate (BOM dropped, `;` where the file uses it).
fn raw_rows(shape: &str, delimiter: u8) -> Vec<Vec<String>> {
    let bytes = std::fs::read(dir(shape).join("leads.csv")).expect("fixture");
    let bytes = bytes
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(&bytes)
        .to_vec();
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(bytes.as_slice());
    rdr.records()
        .map(|r| {
            r.expect("the csv crate reads it")
                .iter()
                .map(String::from)
                .collect()
        })
        .collect()
}

/// `smql eval` of the shape's rules (or `rules` instead), every field selected, as NDJSON.
fn eval(shape: &str, rules: Option<&str>, fields: &[&str]) -> (Option<i32>, Vec<J>, String) {
    let d = dir(shape);
    let scratch = std::env::temp_dir().join(format!("smql-exports-{}-{shape}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("scratch");
    let rules_path = match rules {
        Some(text) => {
            let p = scratch.join(format!("rules-{}.smql", text.len()));
            std::fs::write(&p, text).expect("rules");
            p
        }
        None => d.join("rules.smql"),
    };
    let select = fields.join(",");
    let out = smql_in(
        &d,
        &[
            "eval",
            rules_path.to_str().expect("utf-8"),
            "leads.csv",
            "--format",
            "ndjson",
            "--select",
            &select,
        ],
    );
    let rows = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("ndjson"))
        .collect();
    (out.status.code(), rows, text(&out.stderr))
}

fn rules_text(shape: &str) -> String {
    std::fs::read_to_string(dir(shape).join("rules.smql")).expect("rules")
}

/// The rules without the line of the `input` block that starts with `keyword`.
fn without(shape: &str, keyword: &str) -> String {
    let text = rules_text(shape);
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with(keyword))
        .collect();
    assert_ne!(kept.len(), text.lines().count(), "no `{keyword}` line");
    kept.join("\n") + "\n"
}

/// Each `(keyword, help)`: without that line the run fails (exit 2) with `help` on stderr.
fn each_line_is_needed(shape: &str, fields: &[&str], lines: &[(&str, &str)]) {
    for (keyword, help) in lines {
        let (code, _, stderr) = eval(shape, Some(&without(shape, keyword)), fields);
        assert_eq!(code, Some(2), "{shape} without `{keyword}`: {stderr}");
        assert!(
            stderr.contains(help),
            "{shape} without `{keyword}`: the help does not name `{help}`:\n{stderr}"
        );
    }
}

/// Epoch milliseconds of `text` read with strftime `layout` in `zone`, by jiff.
fn jiff_local(layout: &str, text: &str, zone: &str) -> i64 {
    let tm = jiff::fmt::strtime::parse(layout, text).unwrap_or_else(|e| panic!("{text}: {e}"));
    let dt = tm.to_datetime().expect("a civil time");
    dt.in_tz(zone).expect("a zone").timestamp().as_millisecond()
}

/// Epoch milliseconds of an output timestamp (RFC 3339 text), by jiff.
fn instant(v: &J) -> Option<i64> {
    v.as_str().map(|s| {
        s.parse::<jiff::Timestamp>()
            .unwrap_or_else(|e| panic!("{s}: {e}"))
            .as_millisecond()
    })
}

fn string(v: &J) -> Option<&str> {
    v.as_str()
}

#[test]
fn salesforce_report_with_footer_and_locale_datetimes() {
    let fields = ["id", "company", "revenue", "created", "last_activity"];
    let (code, rows, stderr) = eval("salesforce_report", None, &fields);
    assert_eq!(code, Some(0), "{stderr}");
    let raw = raw_rows("salesforce_report", b',');
    // Five records: the blank line and the three footer rows are not records.
    assert_eq!(rows.len(), 5);
    let revenue = [
        Some(1_200_000.0),
        Some(85_500.5),
        Some(0.0),
        Some(12_000_000.0),
        None,
    ];
    let zone = "America/Los_Angeles";
    let local = |s: &str| {
        let layout =
            if s.split('/').nth(2).is_some_and(|y| {
                y.starts_with(|c: char| c.is_ascii_digit()) && y.find(' ') == Some(2)
            }) {
                "%m/%d/%y %I:%M %p"
            } else {
                "%m/%d/%Y %I:%M %p"
            };
        jiff_local(layout, s, zone)
    };
    for (i, row) in rows.iter().enumerate() {
        let cells = &raw[i];
        assert_eq!(string(&row["id"]), Some(cells[0].as_str()));
        assert_eq!(string(&row["company"]), Some(cells[2].as_str()));
        assert_eq!(row["revenue"].as_f64(), revenue[i], "row {i}");
        assert_eq!(instant(&row["created"]), Some(local(&cells[5])), "row {i}");
        let last = (!cells[6].is_empty()).then(|| local(&cells[6]));
        assert_eq!(instant(&row["last_activity"]), last, "row {i}");
    }
    // `02/24/26 02:18 AM` is 2026, not the year 26.
    assert_eq!(
        string(&rows[1]["last_activity"]),
        Some("2026-02-24T10:18:00Z")
    );
    each_line_is_needed(
        "salesforce_report",
        &fields,
        &[
            ("footer", "footer \"Grand Totals\""),
            ("timestamps", "timestamps \"%m/%d/%Y %I:%M %p\""),
            ("currency", "currency \"$\""),
            ("numbers", "numbers \"1,234.56\""),
        ],
    );
}

#[test]
fn salesforce_api_with_bom_offsets_and_json_cells_needs_no_input_block() {
    let fields = [
        "id",
        "converted",
        "opted_out",
        "created",
        "modified",
        "description",
        "attributes",
    ];
    let (code, rows, stderr) = eval("salesforce_api", None, &fields);
    assert_eq!(code, Some(0), "{stderr}");
    let raw = raw_rows("salesforce_api", b',');
    assert_eq!(rows.len(), raw.len());
    let flag = |s: &str| match s {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    };
    for (row, cells) in rows.iter().zip(&raw) {
        assert_eq!(string(&row["id"]), Some(cells[0].as_str()));
        assert_eq!(row["converted"].as_bool(), flag(&cells[2]));
        assert_eq!(row["opted_out"].as_bool(), flag(&cells[3]));
        for (field, cell) in [("created", &cells[4]), ("modified", &cells[5])] {
            let at = jiff::fmt::strtime::parse("%Y-%m-%dT%H:%M:%S%.f%z", cell)
                .and_then(|t| t.to_timestamp())
                .expect("jiff reads it")
                .as_millisecond();
            assert_eq!(instant(&row[field]), Some(at), "{field} {cell}");
        }
        // Cells as written, line breaks of both kinds and quotes included.
        assert_eq!(string(&row["description"]), Some(cells[6].as_str()));
        assert_eq!(string(&row["attributes"]), Some(cells[7].as_str()));
        serde_json::from_str::<J>(&cells[7]).expect("JSON in the cell");
    }
    assert_eq!(
        string(&rows[0]["description"]),
        Some("Met at booth 12.\r\nWants a demo.")
    );
    assert_eq!(string(&rows[1]["description"]), Some("Line one\nline two"));
}

#[test]
fn hubspot_with_repeated_headers_local_time_and_placeholders() {
    let fields = [
        "id",
        "created",
        "phone",
        "last_activity",
        "company",
        "company_created",
        "company_phone",
        "company_last_activity",
        "revenue",
    ];
    let (code, rows, stderr) = eval("hubspot", None, &fields);
    assert_eq!(code, Some(0), "{stderr}");
    let raw = raw_rows("hubspot", b',');
    let placeholders = ["null", "None", "[not provided]"];
    let zone = "Europe/Berlin";
    let time =
        |s: &str| (!placeholders.contains(&s)).then(|| jiff_local("%Y-%m-%d %H:%M", s, zone));
    let text_or_none = |s: &str| (!placeholders.contains(&s)).then(|| s.to_string());
    for (row, c) in rows.iter().zip(&raw) {
        assert_eq!(row["id"].as_i64(), c[0].parse().ok());
        assert_eq!(instant(&row["created"]), time(&c[3]));
        assert_eq!(string(&row["phone"]).map(String::from), text_or_none(&c[4]));
        assert_eq!(instant(&row["last_activity"]), time(&c[5]));
        assert_eq!(string(&row["company"]), Some(c[6].as_str()));
        assert_eq!(instant(&row["company_created"]), time(&c[7]));
        assert_eq!(
            string(&row["company_phone"]).map(String::from),
            text_or_none(&c[8])
        );
        assert_eq!(instant(&row["company_last_activity"]), time(&c[9]));
        assert_eq!(row["revenue"].as_f64(), c[10].parse().ok());
    }
    // The night the clocks go back: 02:30 happens twice in Berlin; the first (CEST) is read.
    assert_eq!(string(&rows[2]["created"]), Some("2024-10-27T00:30:00Z"));
    each_line_is_needed(
        "hubspot",
        &fields,
        &[("missing", "missing \"[not provided]\"")],
    );
    // A field that reads a repeated name without `(N)` is an error that says which columns
    // have it (two fields reading it without `(N)` are already an error of the rules).
    let plain: String = rules_text("hubspot")
        .replace(" (1)", "")
        .lines()
        .filter(|l| !l.contains("(2)"))
        .map(|l| format!("{l}\n"))
        .collect();
    let fields = ["id", "created"];
    let (code, _, stderr) = eval("hubspot", Some(&plain), &fields);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("the header has 2 columns named `Create Date` (columns 4, 8)")
            && stderr.contains("`from \"Create Date\" (1)`, `from \"Create Date\" (2)`"),
        "{stderr}"
    );
}

#[test]
fn marketo_with_null_for_empty() {
    let fields = ["id", "first_name", "created", "updated", "score", "company"];
    let (code, rows, stderr) = eval("marketo", None, &fields);
    assert_eq!(code, Some(0), "{stderr}");
    let raw = raw_rows("marketo", b',');
    let opt = |s: &str| (s != "null").then(|| s.to_string());
    for (row, c) in rows.iter().zip(&raw) {
        assert_eq!(row["id"].as_i64(), c[0].parse().ok());
        assert_eq!(string(&row["first_name"]).map(String::from), opt(&c[2]));
        let utc = |s: &str| {
            opt(s).map(|s| {
                s.parse::<jiff::Timestamp>()
                    .expect("RFC 3339")
                    .as_millisecond()
            })
        };
        assert_eq!(instant(&row["created"]), utc(&c[3]));
        assert_eq!(instant(&row["updated"]), utc(&c[4]));
        assert_eq!(
            row["score"].as_i64(),
            opt(&c[5]).and_then(|s| s.parse().ok())
        );
        assert_eq!(string(&row["company"]).map(String::from), opt(&c[6]));
    }
    each_line_is_needed("marketo", &fields, &[("missing", "missing \"null\"")]);
}

#[test]
fn pardot_local_time_with_bom() {
    let fields = ["id", "score", "created", "last_activity"];
    let (code, rows, stderr) = eval("pardot", None, &fields);
    assert_eq!(code, Some(0), "{stderr}");
    let raw = raw_rows("pardot", b',');
    let zone = "America/Chicago";
    let local = |s: &str| (!s.is_empty()).then(|| jiff_local("%Y-%m-%d %H:%M:%S", s, zone));
    for (row, c) in rows.iter().zip(&raw) {
        assert_eq!(
            row["id"].as_i64(),
            c[0].parse().ok(),
            "the BOM is not in the first name"
        );
        assert_eq!(row["score"].as_i64(), c[2].parse().ok());
        assert_eq!(instant(&row["created"]), local(&c[4]));
        assert_eq!(instant(&row["last_activity"]), local(&c[5]));
    }
    // Without `time zone` the same text is read as UTC: no error, five or six hours off.
    let (code, utc_rows, _) = eval("pardot", Some(&without("pardot", "time zone")), &fields);
    assert_eq!(code, Some(0));
    for (a, b) in rows.iter().zip(&utc_rows) {
        let (local, utc) = (instant(&a["created"]), instant(&b["created"]));
        let hours = (local.unwrap_or(0) - utc.unwrap_or(0)) / 3_600_000;
        assert!(hours == 5 || hours == 6, "{hours}");
    }
}

#[test]
fn an_analysts_table_with_compact_dates_placeholders_and_money() {
    let fields = ["id", "signup", "industry", "budget", "employees", "closed"];
    let (code, rows, stderr) = eval("analyst", None, &fields);
    assert_eq!(code, Some(0), "{stderr}");
    let raw = raw_rows("analyst", b',');
    let budget = [200_000.0, 1_500.0, 3_000_000.5];
    for (i, (row, c)) in rows.iter().zip(&raw).enumerate() {
        assert_eq!(string(&row["id"]), Some(c[0].as_str()));
        assert_eq!(
            instant(&row["signup"]),
            Some(jiff_local("%Y%m%d", &c[1], "UTC"))
        );
        let industry = (c[2] != "Select").then_some(c[2].as_str());
        assert_eq!(string(&row["industry"]), industry);
        assert_eq!(row["budget"].as_f64(), Some(budget[i]));
        assert_eq!(row["employees"].as_i64(), c[4].parse().ok());
        let closed = (!c[5].is_empty()).then(|| jiff_local("%d.%m.%Y", &c[5], "UTC"));
        assert_eq!(instant(&row["closed"]), closed);
    }
    each_line_is_needed(
        "analyst",
        &fields,
        &[
            ("missing", "missing \"Select\""),
            ("currency", "currency \"$\""),
            ("numbers", "numbers \"1,234.56\""),
        ],
    );
    // The field's own layout: without it `05.01.2021` is not a timestamp.
    let plain = rules_text("analyst").replace("format \"%d.%m.%Y\"", "");
    let (code, _, stderr) = eval("analyst", Some(&plain), &fields);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("timestamps \"%d.%m.%Y\""), "{stderr}");
}

#[test]
fn an_excel_resave_with_semicolons_and_decimal_commas() {
    let fields = ["id", "company", "revenue", "deal_size", "created"];
    let (code, rows, stderr) = eval("excel", None, &fields);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("the header has no `,` but has `;`")
            && stderr
                .contains("field `id` reads column ` Lead ID ` (spaces around the name ignored)"),
        "{stderr}"
    );
    let raw = raw_rows("excel", b';');
    // `1.200` is twelve hundred here, not the standard reading's 1.2.
    let revenue = [146_536.25, 1_250_000.5, 0.99, 1_200.0];
    let deal = [100_000.0, 2_500.75, 0.0, 12.0];
    assert_eq!(rows.len(), 4);
    for (i, (row, c)) in rows.iter().zip(&raw).enumerate() {
        assert_eq!(string(&row["id"]), Some(c[0].as_str()));
        assert_eq!(row["revenue"].as_f64(), Some(revenue[i]));
        assert_eq!(row["deal_size"].as_f64(), Some(deal[i]));
        assert_eq!(
            instant(&row["created"]),
            Some(jiff_local("%Y-%m-%d", &c[4], "UTC"))
        );
    }
    each_line_is_needed(
        "excel",
        &fields,
        &[
            ("numbers", "numbers \"1.234,56\""),
            ("currency", "currency \"R$\""),
        ],
    );
}
