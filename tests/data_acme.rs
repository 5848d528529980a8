//! The reference example's 2,000 leads read the same from NDJSON and CSV (except `events`, which
//! CSV cannot carry). Skipped when `../shared` is not there.

mod data_support;

use data_support::*;
use smql::data::Reader;
use smql::value::Value;
use std::path::Path;

#[test]
fn acme_leads_read_identically_from_ndjson_and_csv() {
    // `../shared` next to the project (or next to a worktree's parent directory).
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(dir) = ["../shared", "../../shared"]
        .iter()
        .map(|p| root.join(p).join("examples/acme"))
        .find(|d| d.join("leads.ndjson").exists() && d.join("leads.csv").exists())
    else {
        eprintln!("skipped: ../shared/examples/acme not found");
        return;
    };
    let schema = acme_schema();
    let nd = Reader::open(&dir.join("leads.ndjson"), None, &schema).expect("opens");
    assert!(nd.warnings().is_empty());
    let (nd_batches, nd_rejects) = nd.read_all().expect("reads");
    let csv = Reader::open(&dir.join("leads.csv"), None, &schema).expect("opens");
    assert_eq!(
        csv.warnings().len(),
        1,
        "only `events` is missing from the CSV: {:?}",
        csv.warnings()
    );
    assert!(csv.warnings()[0].contains("field `events`"));
    let (csv_batches, csv_rejects) = csv.read_all().expect("reads");
    assert!(nd_rejects.is_empty(), "{:?}", nd_rejects.first());
    assert!(csv_rejects.is_empty(), "{:?}", csv_rejects.first());
    let (nd_rows, csv_rows) = (rows(&nd_batches), rows(&csv_batches));
    assert_eq!(nd_rows.len(), 2000);
    assert_eq!(csv_rows.len(), 2000);
    let events = schema.field_named("events").map(|f| f.0 as usize);
    let mut with_events = 0;
    for ((n_rec, n), (c_rec, c)) in nd_rows.iter().zip(&csv_rows) {
        assert_eq!(n_rec, c_rec);
        for (i, (a, b)) in n.iter().zip(c).enumerate() {
            if Some(i) == events {
                assert_eq!(*b, Value::List(vec![].into()));
                if matches!(a, Value::List(l) if !l.is_empty()) {
                    with_events += 1;
                }
            } else {
                assert_eq!(a, b, "record {n_rec}, field `{}`", schema.fields[i].name);
            }
        }
    }
    assert!(
        with_events > 1000,
        "events are read from NDJSON ({with_events})"
    );
    // The CSV line of a record is one more than its NDJSON line (the header).
    assert_eq!(csv_batches[0].line(0), 2);
    assert_eq!(nd_batches[0].line(0), 1);
}
