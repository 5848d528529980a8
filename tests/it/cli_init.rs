//! `smql init` and the `.xlsx` / `.parquet` inputs through the real binary: the scaffold of
//! each fixture checks and reads its fixture without a reject; `-o` refuses to overwrite
//! without `--force`; an ambiguous date is reported and its layout written out; `--sheet`.

use crate::support::{smql_in, text};
use std::path::{Path, PathBuf};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("smql-init-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

const CSV: &str = "Lead ID,Email,Lead Source,Number of Employees,Visits,Pages,Unsubscribed,Deal Value,Create Date\n\
L-1,ann@example.com,organic,120,3,/pricing;/demo,no,1500.5,2026-11-01 09:30\n\
L-2,bo@example.com,paid,,7,,yes,,2026-02-28\n\
L-3,cy@example.com,organic,15,0,/docs,no,2,2026-11-01T09:30:00Z\n\
L-4,di@example.com,paid,40,1,/pricing,no,,2026-10-01\n";

/// Scaffolds `data` in `dir` to `rules.smql`, checks it, and evaluates `data` with it: every
/// record read, none rejected. Returns the scaffold.
/// `extra` goes to both commands, `init_only` to `init`.
fn scaffold_checks_and_reads(
    dir: &Path,
    data: &str,
    records: usize,
    extra: &[&str],
    init_only: &[&str],
) -> String {
    let mut args = vec!["init", data, "-o", "rules.smql"];
    args.extend_from_slice(extra);
    args.extend_from_slice(init_only);
    let out = smql_in(dir, &args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let rules = std::fs::read_to_string(dir.join("rules.smql")).expect("the scaffold is written");
    let check = smql_in(dir, &["check", "rules.smql"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{rules}\n{}",
        text(&check.stderr)
    );
    let mut eval = vec!["eval", "rules.smql", data, "--as-of", "2026-11-01"];
    eval.extend_from_slice(extra);
    let out = smql_in(dir, &eval);
    assert_eq!(out.status.code(), Some(0), "{rules}\n{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).lines().count(), records + 1, "{rules}");
    assert!(
        !text(&out.stderr).contains("rejected"),
        "{}",
        text(&out.stderr)
    );
    rules
}

#[test]
fn a_csv_export_scaffolds_a_schema_that_reads_it() {
    let dir = scratch("csv");
    std::fs::write(dir.join("leads.csv"), CSV).unwrap();
    let rules = scaffold_checks_and_reads(&dir, "leads.csv", 4, &[], &[]);
    for line in [
        "lead_id:             string key           from \"Lead ID\"",
        "lead_source:         one of (\"organic\", \"paid\") from \"Lead Source\"",
        "number_of_employees: int? from \"Number of Employees\"",
        "visits:              int from \"Visits\"",
        "pages:               list of string from \"Pages\"",
        "unsubscribed:        bool from \"Unsubscribed\"",
        "deal_value:          number? from \"Deal Value\"",
        "create_date:         timestamp from \"Create Date\"",
    ] {
        let name = line.split(':').next().unwrap();
        let got = rules
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{name}:")));
        let got = got.unwrap_or_else(|| panic!("no field `{name}` in\n{rules}"));
        let words = |s: &str| {
            s.split_whitespace()
                .take_while(|w| *w != "#")
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(words(got), words(line), "{rules}");
    }
    assert!(
        rules.contains("# e.g. \"L-1\", \"L-2\", \"L-3\""),
        "{rules}"
    );
    assert!(
        !rules.contains("input {"),
        "a canonical CSV needs no input block:\n{rules}"
    );
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let dir = scratch("force");
    std::fs::write(dir.join("leads.csv"), CSV).unwrap();
    std::fs::write(dir.join("rules.smql"), "# mine\n").unwrap();
    let out = smql_in(&dir, &["init", "leads.csv", "-o", "rules.smql"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("error: `rules.smql` exists"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stderr).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(dir.join("rules.smql")).unwrap(),
        "# mine\n"
    );
    let out = smql_in(&dir, &["init", "leads.csv", "-o", "rules.smql", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(std::fs::read_to_string(dir.join("rules.smql"))
        .unwrap()
        .contains("schema {"));
    let out = smql_in(&dir, &["init", "leads.csv"]);
    assert!(text(&out.stdout).contains("schema {"), "stdout without -o");
}

#[test]
fn an_ambiguous_date_is_reported_and_its_layout_written_out() {
    let dir = scratch("ambiguous");
    std::fs::write(
        dir.join("leads.csv"),
        "Id;Close Date;Amount\nA;01/02/2024;\"146.536,25\"\nB;03/04/2024;null\nC;05/06/2024;R$ 100.000\n",
    )
    .unwrap();
    let out = smql_in(&dir, &["init", "leads.csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let (rules, notes) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(
        scaffold_checks_and_reads(&dir, "leads.csv", 3, &[], &[]),
        rules
    );
    // Values are aligned as `smql fmt` aligns them; compare words.
    let flat: Vec<String> = rules
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let flat = flat.join("\n");
    assert!(
        notes.contains(
            "note: column `Close Date`: dates such as `01/02/2024` could be month/day or day/month"
        ),
        "{notes}"
    );
    assert!(notes.contains("have no offset"), "{notes}");
    for line in [
        "delimiter \";\"",
        "timestamps \"%m/%d/%Y\"",
        "missing \"null\"",
        "numbers \"1.234,56\"",
        "currency \"R$\"",
        "# confirm: dates such as `01/02/2024`",
    ] {
        assert!(flat.contains(line), "no `{line}` in\n{rules}");
    }
    let amount = rules
        .lines()
        .find(|l| l.trim_start().starts_with("amount:"));
    let words: Vec<&str> = amount.unwrap_or_default().split_whitespace().collect();
    assert_eq!(words.get(1), Some(&"number?"), "{rules}");
}

#[test]
fn json_and_ndjson_exports_scaffold_too() {
    let dir = scratch("json");
    let records = [
        r#"{"id": "a", "visits": 3, "score": 1.5, "tags": ["x", "y"], "paid": true, "at": "2026-11-01T09:30:00Z", "events": [{"type": "visit", "at": "2026-11-01T09:30:00Z"}]}"#,
        r#"{"id": "b", "visits": 0, "score": 2, "tags": [], "paid": false, "at": "2026-02-28", "title": null, "events": []}"#,
    ];
    std::fs::write(dir.join("leads.ndjson"), records.join("\n")).unwrap();
    std::fs::write(dir.join("leads.json"), format!("[{}]", records.join(",\n"))).unwrap();
    for data in ["leads.ndjson", "leads.json"] {
        let rules = scaffold_checks_and_reads(&dir, data, 2, &[], &["--force"]);
        for want in [
            "id:     string key",
            "visits: int",
            "score:  number",
            "tags:   list of string",
            "paid:   bool",
            "at:     timestamp",
            "events: list of { type: string, at: timestamp }",
            "title:  string?",
        ] {
            assert!(rules.contains(want), "{data}: no `{want}` in\n{rules}");
        }
    }
}

#[test]
fn xlsx_scaffolds_and_reads_with_sheet() {
    let dir = scratch("xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet()
        .set_name("Notes")
        .unwrap()
        .write_string(0, 0, "x")
        .unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("Leads").unwrap();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in ["Id", "Visits", "Paid", "Created", "Source"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..=4u32 {
        ws.write_string(r, 0, format!("L{r}")).unwrap();
        ws.write_number(r, 1, f64::from(r * 2)).unwrap();
        ws.write_boolean(r, 2, r % 2 == 0).unwrap();
        let d = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 1, r as u8).unwrap();
        ws.write_datetime_with_format(r, 3, &d, &date).unwrap();
        ws.write_string(r, 4, if r < 3 { "web" } else { "event" })
            .unwrap();
    }
    wb.save(dir.join("leads.xlsx")).unwrap();
    let rules = scaffold_checks_and_reads(&dir, "leads.xlsx", 4, &["--sheet", "Leads"], &[]);
    for want in [
        "id:      string key",
        "visits:  int",
        "paid:    bool",
        "created: timestamp",
        "source:  one of (\"web\", \"event\")",
    ] {
        assert!(rules.contains(want), "no `{want}` in\n{rules}");
    }
    let out = smql_in(
        &dir,
        &["eval", "rules.smql", "leads.xlsx", "--sheet", "Leads"],
    );
    assert_eq!(text(&out.stdout), "id\nL1\nL2\nL3\nL4\n");
    let out = smql_in(
        &dir,
        &["eval", "rules.smql", "leads.xlsx", "--sheet", "Lead"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("error: leads.xlsx: the workbook has no sheet `Lead`"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stderr)
        .contains("help: the workbook's sheets are `Notes`, `Leads`; did you mean `Leads`?"));
    let out = smql_in(
        &dir,
        &["eval", "rules.smql", "leads.csv", "--sheet", "Leads"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("`--sheet` applies only to `.xlsx` input"));
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_scaffolds_and_reads() {
    use arrow_array::{
        ArrayRef, BooleanArray, Float64Array, Int32Array, RecordBatch, StringArray,
        TimestampMicrosecondArray,
    };
    use std::sync::Arc;
    let dir = scratch("parquet");
    let batch = RecordBatch::try_from_iter(vec![
        (
            "lead_id",
            Arc::new(StringArray::from(vec!["a", "b", "c", "d"])) as ArrayRef,
        ),
        (
            "visits",
            Arc::new(Int32Array::from(vec![Some(1), None, Some(3), Some(4)])),
        ),
        (
            "value",
            Arc::new(Float64Array::from(vec![1.5, 2.0, 0.0, 1.0])),
        ),
        (
            "paid",
            Arc::new(BooleanArray::from(vec![true, false, true, true])),
        ),
        (
            "seen_at",
            Arc::new(
                TimestampMicrosecondArray::from(vec![0, 1_000_000, 2, 3]).with_timezone("UTC"),
            ),
        ),
        (
            "tier",
            Arc::new(StringArray::from(vec!["gold", "gold", "silver", "silver"])),
        ),
    ])
    .unwrap();
    let mut bytes = Vec::new();
    let mut w = parquet::arrow::ArrowWriter::try_new(&mut bytes, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    std::fs::write(dir.join("leads.parquet"), bytes).unwrap();
    let rules = scaffold_checks_and_reads(&dir, "leads.parquet", 4, &[], &[]);
    for want in [
        "lead_id: string key",
        "visits:  int?",
        "value:   number",
        "paid:    bool",
        "seen_at: timestamp",
        "tier:    one of (\"gold\", \"silver\")",
    ] {
        assert!(rules.contains(want), "no `{want}` in\n{rules}");
    }
    // Timestamps adjusted to UTC are instants: no zone to name.
    assert!(!rules.contains("time zone"), "{rules}");
    let out = smql_in(
        &dir,
        &["eval", "rules.smql", "-", "--input-format", "parquet"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot be read from a stream"),
        "{}",
        text(&out.stderr)
    );
}

/// The `input` block's settings named in `rules` (its lines' first words, `time zone` as one).
fn input_settings(rules: &str) -> Vec<String> {
    let block = rules
        .split_once("input {")
        .and_then(|(_, rest)| rest.split_once('}'))
        .map_or("", |(block, _)| block);
    block
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let words: Vec<&str> = l.split_whitespace().take(2).collect();
            match words.as_slice() {
                ["time", "zone"] => "time zone".to_string(),
                [first, ..] => first.to_string(),
                [] => String::new(),
            }
        })
        .collect()
}

/// Every CRM export fixture (`tests/fixtures/exports/`): its scaffold checks and reads all of
/// its records without a reject, and its `input` block has every setting of the fixture's
/// hand-written block but the time zone (which a file cannot tell: a comment and a note).
#[test]
fn each_crm_export_scaffolds_rules_that_read_it() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/exports");
    let mut shapes: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .expect("the export fixtures")
        .map(|e| e.expect("an entry").path())
        .collect();
    shapes.sort();
    assert!(shapes.len() >= 7, "{shapes:?}");
    let mut compared = 0;
    for shape in shapes {
        let name = shape.file_name().unwrap().to_string_lossy().into_owned();
        let theirs = smql_in(
            &shape,
            &["eval", "rules.smql", "leads.csv", "--as-of", "2026-11-01"],
        );
        assert_eq!(
            theirs.status.code(),
            Some(0),
            "{name}: {}",
            text(&theirs.stderr)
        );
        let records = text(&theirs.stdout).lines().count() - 1;
        let dir = scratch(&format!("export-{name}"));
        std::fs::copy(shape.join("leads.csv"), dir.join("leads.csv")).unwrap();
        let rules = scaffold_checks_and_reads(&dir, "leads.csv", records, &[], &[]);
        let ours = input_settings(&rules);
        let hand = std::fs::read_to_string(shape.join("rules.smql")).unwrap();
        for setting in input_settings(&hand) {
            if setting != "time zone" {
                assert!(
                    ours.contains(&setting),
                    "{name}: no `{setting}` in\n{rules}"
                );
                compared += 1;
            }
        }
    }
    // missing ×2, timestamps, numbers ×2, currency ×2, footer at least.
    assert!(compared >= 8, "{compared} settings compared");
}
