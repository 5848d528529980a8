//! `.xlsx` and `.parquet` inputs: fixtures written here (rust_xlsxwriter, the `parquet` crate's
//! Arrow writer) with the same leads as a CSV text, read back to the same values; bad records
//! with the sheet, row and column letter (xlsx) or the record (Parquet); sheets, column types
//! that can never fit, and the reader's batches in order.

use crate::support::data::*;
use smql::data::{ChunkSize, Format, Input, InputError, Reader};
use smql::ir::{FieldId, FieldSet, Schema, Ty};
use smql::value::Value;

fn leads_schema() -> Schema {
    schema(vec![
        field("id", Ty::String),
        field("source", one_of(&SOURCES)),
        field_from("size", "Number of Employees", Ty::Int.optional()),
        field("visits", Ty::Int),
        field("tags", list(Ty::String)),
        field("paid", Ty::Bool),
        field("value", Ty::Number.optional()),
        field("at", Ty::Timestamp),
    ])
}

/// The leads of every fixture here, as CSV (the reference reading).
const CSV: &str = "id,source,Number of Employees,visits,tags,paid,value,at\n\
a,organic,120,3,x; y,true,1.5,2026-11-01 09:30\n\
b,email,,7,,yes,,2026-02-28\n\
c,partner,15,0,,false,2,2026-11-01T09:30:00Z\n";

/// The fields `id` and `visits` of [`leads_schema`].
fn id_and_visits() -> FieldSet {
    let mut set = FieldSet::none(8);
    set.insert(FieldId(0));
    set.insert(FieldId(3));
    set
}

fn from_csv(schema: &Schema) -> Vec<(u64, Vec<Value>)> {
    let (batches, rejects) = read("leads.csv", CSV.as_bytes(), Format::Csv, schema);
    assert!(rejects.is_empty(), "{rejects:?}");
    rows(&batches)
}

mod xlsx_files {
    use super::*;
    use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook, Worksheet};

    type Sheet = fn(&mut Worksheet) -> Result<(), rust_xlsxwriter::XlsxError>;

    /// A workbook with a sheet `Notes` first (to be skipped with `--sheet`) and `Leads`.
    fn workbook(leads: Sheet, first_is_leads: bool) -> Vec<u8> {
        let mut wb = Workbook::new();
        if !first_is_leads {
            let notes = wb.add_worksheet();
            notes.set_name("Notes").unwrap();
            notes.write_string(0, 0, "not the leads").unwrap();
        }
        let ws = wb.add_worksheet();
        ws.set_name("Leads").unwrap();
        leads(ws).unwrap();
        wb.save_to_buffer().unwrap()
    }

    fn header(ws: &mut Worksheet) -> Result<(), rust_xlsxwriter::XlsxError> {
        for (c, name) in [
            "id",
            "source",
            "Number of Employees",
            "visits",
            "tags",
            "paid",
            "value",
            "at",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string(0, c as u16, *name)?;
        }
        Ok(())
    }

    /// CSV's leads, with the spreadsheet's own types: numbers, booleans, date cells.
    fn leads(ws: &mut Worksheet) -> Result<(), rust_xlsxwriter::XlsxError> {
        header(ws)?;
        let datetime = CellFormat::new().set_num_format("yyyy-mm-dd hh:mm");
        let date = CellFormat::new().set_num_format("yyyy-mm-dd");
        ws.write_string(1, 0, "a")?;
        ws.write_string(1, 1, "organic")?;
        ws.write_number(1, 2, 120)?;
        ws.write_number(1, 3, 3)?;
        ws.write_string(1, 4, "x; y")?;
        ws.write_boolean(1, 5, true)?;
        ws.write_number(1, 6, 1.5)?;
        let at = ExcelDateTime::from_ymd(2026, 11, 1)?.and_hms(9, 30, 0)?;
        ws.write_datetime_with_format(1, 7, &at, &datetime)?;
        // Row 3 is left blank: skipped, as a blank CSV line is.
        ws.write_string(3, 0, "b")?;
        ws.write_string(3, 1, "email")?;
        ws.write_number(3, 3, 7)?;
        ws.write_string(3, 5, "yes")?;
        ws.write_datetime_with_format(3, 7, &ExcelDateTime::from_ymd(2026, 2, 28)?, &date)?;
        ws.write_string(4, 0, "c")?;
        ws.write_string(4, 1, "partner")?;
        ws.write_number(4, 2, 15)?;
        ws.write_number(4, 3, 0)?;
        ws.write_boolean(4, 5, false)?;
        ws.write_number(4, 6, 2)?;
        ws.write_string(4, 7, "2026-11-01T09:30:00Z")?;
        // A note to the right, under no header: ignored.
        ws.write_string(4, 12, "call back")?;
        Ok(())
    }

    fn open(bytes: Vec<u8>, sheet: Option<&str>, schema: &Schema) -> Result<Reader, InputError> {
        let input = Input::from_bytes("leads.xlsx", bytes, Format::Xlsx)
            .unwrap()
            .with_sheet(sheet.map(str::to_string));
        Reader::new(input, schema, ChunkSize::default())
    }

    #[test]
    fn typed_and_text_cells_read_as_the_csv_does() {
        let schema = leads_schema();
        let reader = open(workbook(leads, true), None, &schema).unwrap();
        assert!(reader.warnings().is_empty(), "{:?}", reader.warnings());
        let (batches, rejects) = reader.read_all().unwrap();
        assert!(rejects.is_empty(), "{rejects:?}");
        let got = rows(&batches);
        assert_eq!(got, from_csv(&schema));
        // Record numbers count records, not sheet rows; lines are the sheet's rows.
        let lines: Vec<u64> = (0..batches[0].len()).map(|r| batches[0].line(r)).collect();
        assert_eq!(lines, [2, 4, 5]);
    }

    /// Date cells are wall-clock times: read in the `input` block's time zone, as CSV's text.
    #[test]
    fn date_cells_read_in_the_time_zone_as_the_csv_does() {
        let schema = leads_schema();
        let zoned = |name: &str, bytes: Vec<u8>, format: Format| {
            let input = Input::from_bytes(name, bytes, format)
                .unwrap()
                .with_time_zone("America/New_York")
                .unwrap();
            let (batches, rejects) = Reader::new(input, &schema, ChunkSize::default())
                .unwrap()
                .read_all()
                .unwrap();
            assert!(rejects.is_empty(), "{rejects:?}");
            rows(&batches)
        };
        let csv = zoned("leads.csv", CSV.as_bytes().to_vec(), Format::Csv);
        assert_eq!(
            zoned("leads.xlsx", workbook(leads, true), Format::Xlsx),
            csv
        );
        // 09:30 in New York on 1 November 2026 (EST) is 14:30 UTC.
        assert_eq!(csv[0].1[7], Value::Timestamp(1_793_543_400_000));
        assert_ne!(csv, from_csv(&schema));
    }

    #[test]
    fn sheet_by_name_and_an_unknown_sheet() {
        let schema = leads_schema();
        let bytes = workbook(leads, false);
        let first = open(bytes.clone(), None, &schema);
        let Err(InputError::MissingColumns { header, .. }) = first else {
            panic!("the first sheet, `Notes`, has no lead columns")
        };
        assert_eq!(header, ["not the leads"]);
        let (batches, _) = open(bytes.clone(), Some("Leads"), &schema)
            .unwrap()
            .read_all()
            .unwrap();
        assert_eq!(rows(&batches), from_csv(&schema));
        let Err(e) = open(bytes, Some("leads"), &schema) else {
            panic!("no sheet `leads`")
        };
        assert_eq!(
            e.to_string(),
            "leads.xlsx: the workbook has no sheet `leads`"
        );
        assert_eq!(
            e.help().as_deref(),
            Some("the workbook's sheets are `Notes`, `Leads`; did you mean `Leads`?")
        );
    }

    #[test]
    fn bad_cells_name_sheet_row_and_column() {
        fn bad(ws: &mut Worksheet) -> Result<(), rust_xlsxwriter::XlsxError> {
            header(ws)?;
            for r in 1..=12u32 {
                ws.write_string(r, 0, format!("L{r}"))?;
                ws.write_string(r, 1, "organic")?;
                ws.write_number(r, 3, 1)?;
                ws.write_boolean(r, 5, true)?;
                ws.write_string(r, 7, "2026-11-01")?;
            }
            ws.write_string(11, 3, "abc")?;
            ws.write_number(12, 3, 1.5)?;
            ws.write_string(5, 1, "Organic")?;
            ws.write_string(6, 7, "soon")?;
            Ok(())
        }
        let schema = leads_schema();
        let (batches, rejects) = open(workbook(bad, true), None, &schema)
            .unwrap()
            .read_all()
            .unwrap();
        let messages: Vec<String> = rejects.iter().map(|r| r.describe("leads.xlsx")).collect();
        assert_eq!(
            messages,
            [
                "leads.xlsx, sheet Leads, row 6, column B: field `source`: expected one of (\"organic\", \"paid_search\", \"referral\", \"event\", \"email\", \"social\", \"partner\"), found `Organic`",
                "leads.xlsx, sheet Leads, row 7, column H: field `at`: expected timestamp, found `soon`",
                "leads.xlsx, sheet Leads, row 12, column D: field `visits`: expected int, found `abc`",
                "leads.xlsx, sheet Leads, row 13, column D: field `visits`: expected int, found `1.5`",
            ]
        );
        assert_eq!(
            (rejects[2].record, rejects[2].line),
            (11, 12),
            "record 11 is on row 12"
        );
        assert_eq!(rejects[2].raw, "L11,organic,,abc,,TRUE,,2026-11-01");
        assert!(rejects[2]
            .to_ndjson()
            .contains("\"place\":\"sheet Leads, row 12, column D\""));
        assert_eq!(batches.iter().map(|b| b.len()).sum::<usize>(), 8);
        // Decoding only `id` and `visits`: the bad `source` and `at` cells are not read.
        let input = Input::from_bytes("leads.xlsx", workbook(bad, true), Format::Xlsx)
            .unwrap()
            .decoding_only(id_and_visits());
        let (batches, rejects) = Reader::new(input, &schema, ChunkSize::default())
            .unwrap()
            .read_all()
            .unwrap();
        let lines: Vec<u64> = rejects.iter().map(|r| r.line).collect();
        assert_eq!(lines, [12, 13]);
        assert_eq!(batches.iter().map(|b| b.len()).sum::<usize>(), 10);
        assert!(!batches[0].decoded(1) && batches[0].decoded(3));
    }

    #[test]
    fn missing_columns_and_a_file_that_is_no_workbook() {
        let schema = leads_schema();
        fn only_ids(ws: &mut Worksheet) -> Result<(), rust_xlsxwriter::XlsxError> {
            ws.write_string(0, 0, "id")?;
            ws.write_string(0, 1, "Vists")?;
            Ok(())
        }
        let Err(e) = open(workbook(only_ids, true), None, &schema) else {
            panic!("columns are missing")
        };
        assert!(
            e.to_string()
                .starts_with("leads.xlsx: the header has no columns for required fields"),
            "{e}"
        );
        assert!(e
            .help()
            .unwrap_or_default()
            .contains("did you mean `Vists` for `visits`?"));
        let Err(e) = open(b"id,visits\n".to_vec(), None, &schema) else {
            panic!("CSV text is no workbook")
        };
        assert!(
            e.to_string()
                .starts_with("leads.xlsx: cannot read the workbook"),
            "{e}"
        );
    }

    #[test]
    fn many_rows_come_in_order_over_several_batches() {
        fn many(ws: &mut Worksheet) -> Result<(), rust_xlsxwriter::XlsxError> {
            header(ws)?;
            for r in 1..=10_000u32 {
                ws.write_string(r, 0, format!("L{r}"))?;
                ws.write_string(r, 1, "event")?;
                ws.write_number(r, 3, f64::from(r))?;
                ws.write_boolean(r, 5, r % 2 == 0)?;
                ws.write_number(r, 7, 1_793_491_200_000.0)?;
            }
            Ok(())
        }
        let schema = leads_schema();
        let (batches, rejects) = open(workbook(many, true), None, &schema)
            .unwrap()
            .read_all()
            .unwrap();
        assert!(rejects.is_empty(), "{:?}", rejects.first());
        assert!(batches.len() >= 3, "{} batches", batches.len());
        let got = rows(&batches);
        assert_eq!(got.len(), 10_000);
        for (i, (record, lead)) in got.iter().enumerate() {
            assert_eq!(*record, i as u64 + 1);
            assert_eq!(lead[3], Value::Int(i as i64 + 1));
            assert_eq!(lead[7], Value::Timestamp(1_793_491_200_000));
        }
    }
}

#[cfg(feature = "parquet")]
mod parquet_files {
    use super::*;
    use ::parquet::arrow::ArrowWriter;
    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::{
        ArrayRef, BooleanArray, Date32Array, Float64Array, Int32Array, Int64Array, RecordBatch,
        StringArray, TimestampMicrosecondArray, TimestampMillisecondArray,
        TimestampNanosecondArray,
    };
    use std::sync::Arc;

    fn file(columns: Vec<(&str, ArrayRef)>) -> Vec<u8> {
        let batch = RecordBatch::try_from_iter(columns).unwrap();
        let mut out = Vec::new();
        let mut w = ArrowWriter::try_new(&mut out, batch.schema(), None).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        out
    }

    fn tags() -> ArrayRef {
        let mut b = ListBuilder::new(StringBuilder::new());
        b.values().append_value("x");
        b.values().append_value("y");
        b.append(true);
        b.append(false); // null: an empty list
        b.append(true);
        Arc::new(b.finish())
    }

    /// CSV's leads with Parquet's types; `at` as `at_column`.
    fn leads(at_column: ArrayRef) -> Vec<u8> {
        file(vec![
            (
                "id",
                Arc::new(StringArray::from(vec!["a", "b", "c"])) as ArrayRef,
            ),
            (
                "source",
                Arc::new(StringArray::from(vec!["organic", "email", "partner"])),
            ),
            (
                "Number of Employees",
                Arc::new(Int32Array::from(vec![Some(120), None, Some(15)])),
            ),
            ("visits", Arc::new(Int64Array::from(vec![3, 7, 0]))),
            ("tags", tags()),
            (
                "paid",
                Arc::new(BooleanArray::from(vec![true, true, false])),
            ),
            (
                "value",
                Arc::new(Float64Array::from(vec![Some(1.5), None, Some(2.0)])),
            ),
            ("at", at_column),
            ("ignored", Arc::new(Int64Array::from(vec![1, 2, 3]))),
        ])
    }

    const MS: [i64; 3] = [1_793_525_400_000, 1_772_236_800_000, 1_793_525_400_000];

    fn open(bytes: Vec<u8>, schema: &Schema) -> Result<Reader, InputError> {
        let input = Input::from_bytes("leads.parquet", bytes, Format::Parquet).unwrap();
        Reader::new(input, schema, ChunkSize::default())
    }

    #[test]
    fn every_timestamp_unit_reads_as_the_csv_does() {
        let schema = leads_schema();
        let expected = from_csv(&schema);
        let units: Vec<ArrayRef> = vec![
            Arc::new(TimestampMillisecondArray::from(MS.to_vec()).with_timezone("UTC")),
            Arc::new(TimestampMillisecondArray::from(MS.to_vec())),
            Arc::new(TimestampMicrosecondArray::from(
                MS.iter().map(|m| m * 1000 + 999).collect::<Vec<_>>(),
            )),
            Arc::new(
                TimestampNanosecondArray::from(
                    MS.iter().map(|m| m * 1_000_000).collect::<Vec<_>>(),
                )
                .with_timezone("+02:00"),
            ),
            Arc::new(StringArray::from(vec![
                "2026-11-01 09:30",
                "2026-02-28",
                "2026-11-01T09:30:00Z",
            ])),
        ];
        for at in units {
            let ty = at.data_type().clone();
            let reader = open(leads(at), &schema).unwrap();
            assert!(reader.warnings().is_empty());
            let (batches, rejects) = reader.read_all().unwrap();
            assert!(rejects.is_empty(), "{ty}: {rejects:?}");
            assert_eq!(rows(&batches), expected, "{ty}");
        }
        // A date column: midnight UTC.
        let days = Date32Array::from(vec![20_758, 20_512, 20_758]);
        let (batches, _) = open(leads(Arc::new(days)), &schema)
            .unwrap()
            .read_all()
            .unwrap();
        assert_eq!(batches[0].value(7, 1), Value::Timestamp(MS[1]));
        assert_eq!(batches[0].value(7, 0), Value::Timestamp(1_793_491_200_000));
    }

    /// Timestamps not adjusted to UTC, and dates, are wall-clock times: read in the `input`
    /// block's time zone; UTC-adjusted ones are instants, whatever the zone.
    #[test]
    fn local_timestamps_read_in_the_time_zone() {
        let schema = leads_schema();
        const EST: i64 = 5 * 3_600_000;
        let at = |column: ArrayRef| {
            let input = Input::from_bytes("leads.parquet", leads(column), Format::Parquet)
                .unwrap()
                .with_time_zone("America/New_York")
                .unwrap();
            let (batches, rejects) = Reader::new(input, &schema, ChunkSize::default())
                .unwrap()
                .read_all()
                .unwrap();
            assert!(rejects.is_empty(), "{rejects:?}");
            (0..3).map(|r| batches[0].value(7, r)).collect::<Vec<_>>()
        };
        let ts = |v: &[i64]| v.iter().map(|&ms| Value::Timestamp(ms)).collect::<Vec<_>>();
        let shifted: Vec<i64> = MS.iter().map(|m| m + EST).collect();
        assert_eq!(
            at(Arc::new(TimestampMillisecondArray::from(MS.to_vec()))),
            ts(&shifted)
        );
        assert_eq!(
            at(Arc::new(
                TimestampMillisecondArray::from(MS.to_vec()).with_timezone("UTC")
            )),
            ts(&MS)
        );
        let days = Date32Array::from(vec![20_758, 20_512, 20_758]);
        assert_eq!(at(Arc::new(days))[1], Value::Timestamp(MS[1] + EST));
    }

    #[test]
    fn values_that_do_not_fit_are_bad_records() {
        let schema = leads_schema();
        let bytes = file(vec![
            (
                "id",
                Arc::new(StringArray::from(vec!["a", "b", "c"])) as ArrayRef,
            ),
            (
                "source",
                Arc::new(StringArray::from(vec!["organic", "email", "Email"])),
            ),
            (
                "visits",
                Arc::new(StringArray::from(vec![Some("3"), Some("x"), None])),
            ),
            (
                "paid",
                Arc::new(BooleanArray::from(vec![Some(true), None, Some(false)])),
            ),
            ("at", Arc::new(Int64Array::from(MS.to_vec()))),
        ]);
        let reader = open(bytes.clone(), &schema).unwrap();
        assert_eq!(
            reader.warnings(),
            [
                "leads.parquet: the header has no column `Number of Employees`: field `size` reads as missing",
                "leads.parquet: the header has no column `tags`: field `tags` reads as an empty list",
                "leads.parquet: the header has no column `value`: field `value` reads as missing",
            ]
        );
        let (batches, rejects) = reader.read_all().unwrap();
        let messages: Vec<String> = rejects
            .iter()
            .map(|r| r.describe("leads.parquet"))
            .collect();
        assert_eq!(
            messages,
            [
                "leads.parquet, record 2: field `visits`: expected int, found `\"x\"`",
                "leads.parquet, record 3: field `source`: expected one of (\"organic\", \"paid_search\", \"referral\", \"event\", \"email\", \"social\", \"partner\"), found `\"Email\"`",
            ]
        );
        assert_eq!(
            rejects[0].raw,
            r#"{"at":1772236800000,"id":"b","paid":null,"source":"email","visits":"x"}"#
        );
        assert_eq!(rows(&batches)[0].1[3], Value::Int(3));
        // Decoding only `id` and `visits`: `source` is not projected, so record 3 is bad for
        // its `null` visits, which the reader now meets first.
        let input = Input::from_bytes("leads.parquet", bytes, Format::Parquet)
            .unwrap()
            .decoding_only(id_and_visits());
        let reader = Reader::new(input, &schema, ChunkSize::default()).unwrap();
        assert!(reader.warnings().is_empty(), "{:?}", reader.warnings());
        let (batches, rejects) = reader.read_all().unwrap();
        let messages: Vec<String> = rejects
            .iter()
            .map(|r| r.describe("leads.parquet"))
            .collect();
        assert_eq!(
            messages,
            [
                "leads.parquet, record 2: field `visits`: expected int, found `\"x\"`",
                "leads.parquet, record 3: field `visits`: expected int, found `null`",
            ]
        );
        assert_eq!(rejects[0].raw, r#"{"id":"b","visits":"x"}"#);
        assert_eq!(batches.iter().map(|b| b.len()).sum::<usize>(), 1);
        let nulls = file(vec![
            (
                "id",
                Arc::new(StringArray::from(vec![Some("a"), None])) as ArrayRef,
            ),
            (
                "source",
                Arc::new(StringArray::from(vec!["event", "event"])),
            ),
            ("visits", Arc::new(Int64Array::from(vec![Some(1), None]))),
            ("paid", Arc::new(BooleanArray::from(vec![true, false]))),
            ("at", Arc::new(Int64Array::from(vec![MS[0], MS[1]]))),
        ]);
        let (_, rejects) = open(nulls, &schema).unwrap().read_all().unwrap();
        assert_eq!(
            rejects[0].describe("leads.parquet"),
            "leads.parquet, record 2: field `id`: expected string, found `null`"
        );
    }

    #[test]
    fn a_column_type_that_never_fits_is_an_error_before_reading() {
        let schema = leads_schema();
        let bytes = file(vec![
            ("id", Arc::new(Int64Array::from(vec![1])) as ArrayRef),
            ("source", Arc::new(StringArray::from(vec!["event"]))),
            ("visits", Arc::new(Int64Array::from(vec![1]))),
            ("paid", Arc::new(BooleanArray::from(vec![true]))),
            ("at", Arc::new(Int64Array::from(vec![0]))),
        ]);
        let Err(e) = open(bytes, &schema) else {
            panic!("an int64 column cannot be a string field")
        };
        assert_eq!(
            e.to_string(),
            "leads.parquet: column `id` holds int64 values, which can never be string (field `id`)"
        );
        assert_eq!(
            e.help().as_deref(),
            Some("declare the field as `int` (or `number`), or read another column with `from \"…\"`")
        );
        let Err(e) = open(b"not parquet".to_vec(), &schema) else {
            panic!("not a Parquet file")
        };
        assert!(
            e.to_string()
                .starts_with("leads.parquet: cannot read the Parquet file"),
            "{e}"
        );
    }

    #[test]
    fn many_rows_come_in_order_over_several_batches() {
        let n = 10_000;
        let ids: Vec<String> = (1..=n).map(|i| format!("L{i}")).collect();
        let bytes = file(vec![
            ("id", Arc::new(StringArray::from(ids)) as ArrayRef),
            ("source", Arc::new(StringArray::from(vec!["event"; n]))),
            (
                "visits",
                Arc::new(Int64Array::from((1..=n as i64).collect::<Vec<_>>())),
            ),
            ("paid", Arc::new(BooleanArray::from(vec![true; n]))),
            ("at", Arc::new(Int64Array::from(vec![MS[0]; n]))),
        ]);
        let schema = leads_schema();
        let (batches, rejects) = open(bytes, &schema).unwrap().read_all().unwrap();
        assert!(rejects.is_empty());
        assert!(batches.len() >= 3);
        let got = rows(&batches);
        assert_eq!(got.len(), n);
        for (i, (record, lead)) in got.iter().enumerate() {
            assert_eq!(*record, i as u64 + 1);
            assert_eq!(lead[0], s(&format!("L{}", i + 1)));
            assert_eq!(lead[3], Value::Int(i as i64 + 1));
        }
    }
}
