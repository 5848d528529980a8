//! The `input` block through the library's reader: timestamps written by jiff with a random
//! layout and zone read back to the same instant; quoted CSV cells kept byte for byte (against
//! the `csv` crate); `--max-rejects` through the binary.

use crate::support::data::{field, schema};
use crate::support::{smql_in, text};
use proptest::prelude::*;
use smql::data::{ChunkSize, Format, Input, Reader};
use smql::ir::{InputSpec, Ty};
use smql::value::Value;

/// Reads `text` (CSV) with `schema`, every value of every row, or the first reject's message.
fn read_csv(schema: &smql::ir::Schema, text: Vec<u8>) -> Result<Vec<Vec<Value>>, String> {
    let input = Input::from_bytes("t.csv", text, Format::Csv).map_err(|e| e.to_string())?;
    let reader = Reader::new(input, schema, ChunkSize::default()).map_err(|e| e.to_string())?;
    let (batches, rejects) = reader.read_all().map_err(|e| e.to_string())?;
    if let Some(r) = rejects.first() {
        return Err(r.describe("t.csv"));
    }
    Ok(batches
        .iter()
        .flat_map(|b| (0..b.len()).map(|r| b.lead(r)).collect::<Vec<_>>())
        .collect())
}

const ZONES: [&str; 6] = [
    "UTC",
    "America/New_York",
    "Europe/Berlin",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "America/Sao_Paulo",
];

/// Date parts, time parts and offsets that layouts are made of; the time part says what
/// precision it keeps (0: days, 1: minutes, 2: seconds, 3: milliseconds).
const DATES: [&str; 8] = [
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%Y%m%d",
    "%b %d, %Y",
    "%d %B %Y",
    "%A, %B %e, %Y",
    "%m/%d/%y",
];
const TIMES: [(&str, u8); 7] = [
    ("", 0),
    (" %H:%M", 1),
    (" %H:%M:%S", 2),
    (" %I:%M %p", 1),
    (" %l:%M:%S %P", 2),
    ("T%H:%M:%S%.f", 3),
    (" %T", 2),
];
const OFFSETS: [&str; 3] = ["", " %z", "%:z"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn timestamps_written_with_a_layout_and_zone_read_back_to_the_same_instant(
        zone in 0..ZONES.len(),
        date in 0..DATES.len(),
        time in 0..TIMES.len(),
        offset in 0..OFFSETS.len(),
        civil in prop::collection::vec(
            (1971i16..2067, 1i8..13, 1i8..29, 0i8..24, 0i8..60, 0i8..60, 0i32..1000),
            1..12,
        ),
    ) {
        let (time_part, precision) = TIMES[time];
        let offset = if precision == 0 { "" } else { OFFSETS[offset] };
        let layout = format!("{}{time_part}{offset}", DATES[date]);
        let tz = jiff::tz::TimeZone::get(ZONES[zone]).expect("bundled zone");
        let mut csv = String::from("at\n");
        let mut expected = Vec::new();
        for &(y, mo, d, h, mi, s, ms) in &civil {
            let keep = |v: i8, level: u8| if precision >= level { v } else { 0 };
            let ms = if precision >= 3 { ms } else { 0 };
            let dt = jiff::civil::date(y, mo, d)
                .at(keep(h, 1), keep(mi, 1), keep(s, 2), ms * 1_000_000);
            // A civil time in a gap moves forward, as the reader's zone does it.
            let zoned = dt.to_zoned_datetime(tz.clone()).expect("a time in range");
            let written = jiff::fmt::strtime::format(&layout, &zoned).expect("jiff writes it");
            csv.push_str(&format!("\"{written}\"\n"));
            expected.push(Value::Timestamp(zoned.timestamp().as_millisecond()));
        }
        let mut s = schema(vec![field("at", Ty::Timestamp)]);
        s.input = InputSpec {
            time_zone: Some(ZONES[zone].to_string()),
            timestamps: vec![layout.clone()],
            ..InputSpec::default()
        };
        let got = read_csv(&s, csv.clone().into_bytes())
            .map_err(|e| TestCaseError::fail(format!("{layout}: {e}\n{csv}")))?;
        let got: Vec<Value> = got.into_iter().map(|mut row| row.remove(0)).collect();
        prop_assert_eq!(got, expected, "{} in {}:\n{}", layout, ZONES[zone], csv);
    }

    #[test]
    fn quoted_cells_keep_their_bytes(
        rows in prop::collection::vec(
            prop::collection::vec(
                prop::collection::vec(
                    prop::sample::select(vec![
                        "a", "b", " ", ",", ";", "\"", "\r\n", "\n", "\r", "é", "\t",
                        "{\"k\": [1, \"x\"]}", "\"\"", "'",
                    ]),
                    0..8,
                ).prop_map(|parts| parts.concat()),
                2,
            ),
            1..20,
        ),
        always in any::<bool>(),
    ) {
        let mut w = csv::WriterBuilder::new()
            .quote_style(if always { csv::QuoteStyle::Always } else { csv::QuoteStyle::Necessary })
            .from_writer(Vec::new());
        w.write_record(["id", "a", "b"]).expect("header");
        for (i, row) in rows.iter().enumerate() {
            w.write_record([format!("r{i}"), row[0].clone(), row[1].clone()]).expect("row");
        }
        let bytes = w.into_inner().expect("written");
        let s = schema(vec![
            field("id", Ty::String),
            field("a", Ty::String),
            field("b", Ty::String),
        ]);
        let got = read_csv(&s, bytes.clone())
            .map_err(|e| TestCaseError::fail(format!("{e}\n{}", String::from_utf8_lossy(&bytes))))?;
        prop_assert_eq!(got.len(), rows.len());
        for (i, (got, row)) in got.iter().zip(&rows).enumerate() {
            prop_assert_eq!(&got[0], &Value::str(&format!("r{i}")));
            prop_assert_eq!(&got[1], &Value::str(&row[0]));
            prop_assert_eq!(&got[2], &Value::str(&row[1]));
        }
    }
}

/// Quoted cells through `smql eval` and back through the `csv` crate: the same bytes.
#[test]
fn eval_writes_cells_as_they_were_read() {
    let dir = std::env::temp_dir().join(format!("smql-bytes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch");
    let cells = [
        "two\r\nlines",
        "two\nlines",
        "a \"quoted\" word",
        "{\"tier\": \"gold\", \"seats\": [1, 2]}",
        "comma, inside",
        "cr\ronly",
    ];
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["id", "note"]).expect("header");
    for (i, c) in cells.iter().enumerate() {
        w.write_record([&format!("r{i}"), *c]).expect("row");
    }
    std::fs::write(dir.join("d.csv"), w.into_inner().expect("csv")).expect("data");
    std::fs::write(
        dir.join("r.smql"),
        "schema {\n  id:   string key\n  note: string\n}\n",
    )
    .expect("rules");
    let out = smql_in(&dir, &["eval", "r.smql", "d.csv", "--select", "id,note"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut rdr = csv::Reader::from_reader(out.stdout.as_slice());
    let notes: Vec<String> = rdr
        .records()
        .map(|r| r.expect("csv")[1].to_string())
        .collect();
    assert_eq!(notes, cells);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `n` NDJSON leads, `bad` of them with a text for `visits`.
fn leads(n: usize, bad: usize) -> String {
    (0..n)
        .map(|i| {
            if i < bad {
                format!("{{\"id\":\"L{i}\",\"visits\":\"many\"}}\n")
            } else {
                format!("{{\"id\":\"L{i}\",\"visits\":{i}}}\n")
            }
        })
        .collect()
}

#[test]
fn max_rejects_bounds_what_skip_leaves_out() {
    let dir = std::env::temp_dir().join(format!("smql-max-rejects-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch");
    std::fs::write(
        dir.join("r.smql"),
        // `visits` is read by a rule, so a bad value in it rejects the record.
        "schema {\n  id:     string key\n  visits: int\n}\nactive when visits >= 3\n",
    )
    .expect("rules");
    let run = |data: &str, extra: &[&str]| {
        std::fs::write(dir.join("d.ndjson"), data).expect("data");
        let _ = std::fs::remove_file(dir.join("out.csv"));
        let mut args = vec![
            "eval",
            "r.smql",
            "d.ndjson",
            "--on-error",
            "skip",
            "-o",
            "out.csv",
        ];
        args.extend_from_slice(extra);
        let out = smql_in(&dir, &args);
        (
            out.status.code(),
            text(&out.stderr),
            dir.join("out.csv").exists(),
        )
    };
    // 1 of 20 (5%) is within the default 10%.
    let (code, err, written) = run(&leads(20, 1), &[]);
    assert_eq!((code, written), (Some(0), true), "{err}");
    // 3 of 20 (15%) is not: exit 2, nothing written, the count and the commonest reason said.
    let (code, err, written) = run(&leads(20, 3), &[]);
    assert_eq!((code, written), (Some(2), false), "{err}");
    assert!(
        err.contains("3 of 20 records rejected (more than `--max-rejects 10%`)")
            && err.contains("the most common reason (3 of them): field `visits`: expected int"),
        "{err}"
    );
    // A count: 3 may be rejected, 4 may not.
    assert_eq!(run(&leads(20, 3), &["--max-rejects", "3"]).0, Some(0));
    let (code, err, written) = run(&leads(20, 4), &["--max-rejects", "3"]);
    assert_eq!((code, written), (Some(2), false), "{err}");
    assert!(err.contains("more than `--max-rejects 3`"), "{err}");
    // Every record rejected fails whatever the bound.
    let (code, err, _) = run(&leads(5, 5), &["--max-rejects", "100%"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("5 of 5 records rejected (every record was rejected)"),
        "{err}"
    );
    // The bound belongs with `--on-error skip`, and is a count or a share.
    std::fs::write(dir.join("d.ndjson"), leads(2, 0)).expect("data");
    let out = smql_in(&dir, &["eval", "r.smql", "d.ndjson", "--max-rejects", "5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("`--max-rejects` needs `--on-error skip`"));
    let out = smql_in(
        &dir,
        &[
            "eval",
            "r.smql",
            "d.ndjson",
            "--on-error",
            "skip",
            "--max-rejects",
            "lots",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_header_of_one_column_holding_separators_names_the_delimiter() {
    let s = schema(vec![field("id", Ty::String), field("visits", Ty::Int)]);
    let input =
        Input::from_bytes("t.csv", b"id|visits\na|1\n".to_vec(), Format::Csv).expect("input");
    let Err(e) = Reader::new(input, &s, ChunkSize::default()) else {
        panic!("a header error");
    };
    let help = e.help().unwrap_or_default();
    assert!(
        help.contains("the header looks like one column holding `|` separators")
            && help.contains("`delimiter \"|\"`")
            && help.contains("--csv-delimiter '|'"),
        "{help}"
    );
    // Told, it reads; and a `;` header is found by itself, with a note.
    let input = Input::from_bytes("t.csv", b"id|visits\na|1\n".to_vec(), Format::Csv)
        .expect("input")
        .with_delimiter(b'|');
    let reader = Reader::new(input, &s, ChunkSize::default()).expect("reads");
    assert!(reader.notes().is_empty());
    let input =
        Input::from_bytes("t.csv", b"id;visits\na;1\n".to_vec(), Format::Csv).expect("input");
    let reader = Reader::new(input, &s, ChunkSize::default()).expect("reads");
    assert_eq!(reader.notes().len(), 1, "{:?}", reader.notes());
    let (batches, rejects) = reader.read_all().expect("reads");
    assert!(rejects.is_empty());
    assert_eq!(batches[0].lead(0), [Value::str("a"), Value::Int(1)]);
}

#[test]
fn a_json_record_has_no_second_column_of_a_name() {
    let mut s = schema(vec![field("id", Ty::String)]);
    s.fields[0].occurrence = Some(2);
    let input =
        Input::from_bytes("t.ndjson", b"{\"id\":\"a\"}\n".to_vec(), Format::Ndjson).expect("input");
    let Err(e) = Reader::new(input, &s, ChunkSize::default()) else {
        panic!("an error");
    };
    assert!(e.to_string().contains("reads column 2 named `id`"), "{e}");
}
