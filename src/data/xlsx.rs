//! `.xlsx` workbooks, one sheet streamed cell by cell (calamine's cell reader: the sheet is never
//! held whole), on the reading thread of `produce.rs`.
//!
//! The first row with a value is the header; rows with no value at all are skipped, as blank
//! lines of a CSV file are. Cells are read by their type where the spreadsheet's type is the
//! field's (a number for `number` or `int` when whole, a boolean for `bool`, a date for
//! `timestamp`, a time span for `duration`); text cells, and cells of any other type, are read
//! by the rules of CSV cells from the text a CSV export would hold (`12`, `TRUE`,
//! `2024-01-05 10:30:00`). A formula's cached value is its value; an error cell (`#N/A`) is a bad
//! record whatever the field. Dates have no time zone in a workbook: they are wall-clock times,
//! read in the `input` block's time zone (UTC without one), as the same text in a CSV cell is.

use super::batch::{BatchBuilder, Column, RowOrigin};
use super::csv::list_items;
use super::dict::StringDict;
use super::fields::{end_list, push_value, FieldPlan, Got, ScalarTy, Shape, Unfit};
use super::input::Seekable;
use super::produce::Sink;
use super::reject::{Bad, InputError, Reject};
use super::typed::{bind, column_letters, push_duration, push_local_timestamp, SeekReader};
use calamine::{DataRef, ExcelDateTime, Reader as _, Xlsx};

/// Rows per batch, as many as a chunk of CSV records.
const BATCH_ROWS: usize = 4 * 1024;

/// Reads sheet `sheet` (the first without it) of the workbook in `seekable` into batches sent to
/// `sink`, after binding its header to `plan`.
pub(crate) fn read(
    input: &str,
    seekable: Seekable,
    sheet: Option<&str>,
    plan: &[FieldPlan],
    sink: &mut Sink,
) -> Result<(), InputError> {
    let format_error = |message: String, help: Option<String>| InputError::Format {
        input: input.to_string(),
        message,
        help,
    };
    let mut book: Xlsx<SeekReader> = Xlsx::new(SeekReader::new(seekable)).map_err(|e| {
        format_error(
            format!("cannot read the workbook: {e}"),
            Some("is it an Excel `.xlsx` file? (`.xls` and `.ods` are not read)".to_string()),
        )
    })?;
    let names = book.sheet_names();
    let sheet = match sheet {
        Some(wanted) if names.iter().any(|n| n == wanted) => wanted.to_string(),
        Some(wanted) => {
            let listed: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            let mut help = format!("the workbook's sheets are {}", listed.join(", "));
            if let Some(near) = crate::diag::did_you_mean(wanted, names.iter().map(String::as_str))
            {
                help.push_str(&format!("; did you mean `{near}`?"));
            }
            return Err(format_error(
                format!("the workbook has no sheet `{wanted}`"),
                Some(help),
            ));
        }
        None => match names.first() {
            Some(first) => first.clone(),
            None => return Err(format_error("the workbook has no sheets".to_string(), None)),
        },
    };
    let mut cells = book
        .worksheet_cells_reader(&sheet)
        .map_err(|e| format_error(format!("cannot read sheet `{sheet}`: {e}"), None))?;
    let declared_rows = cells.dimensions().end.0;
    let cell_error =
        |e: calamine::XlsxError| format_error(format!("sheet `{sheet}` cannot be read: {e}"), None);

    let mut rows = RowCells::default();
    let mut header: Option<Vec<String>> = None;
    let mut decoder: Option<RowDecoder> = None;
    let mut b = sink.builder(BATCH_ROWS);
    let mut rejects = Vec::new();
    let mut record = 0u64;
    loop {
        let next = cells.next_cell().map_err(cell_error)?;
        let next_row = next.as_ref().map(|c| c.get_position().0);
        if rows.row.is_some() && next_row != rows.row {
            // The row before this cell is complete.
            if rows.has_value {
                match &decoder {
                    None => {
                        let names = rows.texts();
                        let bound = bind(input, &names, plan, "a spreadsheet")?;
                        if !sink.bound(bound.warnings, bound.notes) {
                            return Ok(());
                        }
                        header = Some(names);
                        decoder = Some(RowDecoder {
                            plan,
                            columns: bound.columns,
                            sheet: sheet.clone(),
                        });
                    }
                    Some(d) => {
                        record += 1;
                        d.decode(&rows, record, &mut b, &mut rejects);
                        if b.rows() + rejects.len() >= BATCH_ROWS {
                            let full = std::mem::replace(&mut b, sink.builder(BATCH_ROWS));
                            if !sink.batch(full, std::mem::take(&mut rejects)) {
                                return Ok(());
                            }
                            sink.progress(rows.row.unwrap_or(0).into(), declared_rows.into());
                        }
                    }
                }
            }
            rows.clear();
        }
        let Some(cell) = next else { break };
        rows.push(cell.get_position(), cell.get_value().clone());
    }
    if header.is_none() {
        // An empty sheet: no header, so every required field's column is missing.
        let bound = bind(input, &[], plan, "a spreadsheet")?;
        if !sink.bound(bound.warnings, bound.notes) {
            return Ok(());
        }
    }
    if b.rows() + rejects.len() > 0 {
        sink.batch(b, rejects);
    }
    Ok(())
}

/// The cells of the row being read.
#[derive(Default)]
struct RowCells<'a> {
    row: Option<u32>,
    /// By column; columns without a cell are `Empty`.
    cells: Vec<DataRef<'a>>,
    has_value: bool,
}

/// Cells per row at most: Excel's 16,384 columns.
const MAX_COLUMNS: u32 = 16_384;

impl<'a> RowCells<'a> {
    fn push(&mut self, (row, col): (u32, u32), value: DataRef<'a>) {
        self.row = Some(row);
        if col >= MAX_COLUMNS || matches!(value, DataRef::Empty) {
            return;
        }
        let col = col as usize;
        if self.cells.len() <= col {
            self.cells.resize(col + 1, DataRef::Empty);
        }
        self.cells[col] = value;
        self.has_value = true;
    }

    fn clear(&mut self) {
        self.row = None;
        self.cells.clear();
        self.has_value = false;
    }

    fn get(&self, col: usize) -> &DataRef<'a> {
        self.cells.get(col).unwrap_or(&DataRef::Empty)
    }

    /// Each cell as the text a CSV export would hold (the header's names).
    fn texts(&self) -> Vec<String> {
        self.cells.iter().map(|c| text_of(c).into_owned()).collect()
    }

    /// The row as one CSV line, for a reject's `raw`.
    fn raw(&self) -> String {
        let cells: Vec<String> = self
            .cells
            .iter()
            .map(|c| {
                let t = text_of(c);
                if t.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", t.replace('"', "\"\""))
                } else {
                    t.into_owned()
                }
            })
            .collect();
        cells.join(",")
    }
}

/// Converts the data rows of one sheet, its header bound.
struct RowDecoder<'p> {
    plan: &'p [FieldPlan],
    /// Per field: the column it reads, if the header has it.
    columns: Vec<Option<usize>>,
    sheet: String,
}

impl RowDecoder<'_> {
    /// Appends the row as record number `record`, or adds it to `rejects`.
    fn decode(
        &self,
        row: &RowCells<'_>,
        record: u64,
        b: &mut BatchBuilder,
        rejects: &mut Vec<Reject>,
    ) {
        let line = u64::from(row.row.unwrap_or(0)) + 1;
        for (i, field) in self.plan.iter().enumerate() {
            if field.skip {
                continue;
            }
            let col = &mut b.columns[i];
            let Some(index) = self.columns[i] else {
                col.push_missing_or_empty();
                continue;
            };
            let cell = row.get(index);
            if let Err(Bad { error, help }) = push_cell(field, col, cell, &mut b.dict) {
                b.rollback();
                rejects.push(Reject {
                    record,
                    line,
                    error: format!("{}: {error}", field.label("column")),
                    help,
                    raw: row.raw(),
                    place: Some(format!(
                        "sheet {}, row {line}, column {}",
                        self.sheet,
                        column_letters(index as u32)
                    )),
                });
                return;
            }
        }
        b.commit(RowOrigin {
            record,
            line,
            raw_start: 0,
            raw_end: 0,
        });
    }
}

/// Appends `cell` to `col`, the column of `field`, or says why it does not fit (the message
/// after the field's name, and what would read it).
fn push_cell(
    field: &FieldPlan,
    col: &mut Column,
    cell: &DataRef<'_>,
    dict: &mut StringDict,
) -> Result<(), Bad> {
    let missing_text = match cell {
        DataRef::String(s) => field.is_missing_text(s),
        DataRef::SharedString(s) => field.is_missing_text(s),
        _ => false,
    };
    match (&field.shape, col) {
        (Shape::Scalar { optional: true, .. }, col) if missing_text => {
            col.push_missing_or_empty();
            Ok(())
        }
        (Shape::Scalar { .. }, _) if missing_text => {
            let text = text_of(cell);
            Err(Bad {
                error: Unfit::MissingText.message(&field.expected, Got::Cell(&text)),
                help: Some(field.missing_text_help()),
            })
        }
        (Shape::Scalar { ty, optional }, col) => {
            push_scalar(col, ty, *optional, cell, &field.expected, dict)
        }
        (Shape::List(_), col) if missing_text => {
            col.push_missing_or_empty();
            Ok(())
        }
        (Shape::List(ty), Column::List(list)) => {
            match cell {
                DataRef::Empty => {}
                DataRef::String(_) | DataRef::SharedString(_) => {
                    let text = text_of(cell);
                    for (k, part) in list_items(&text).enumerate() {
                        push_value(&mut list.items, ty, false, Got::Cell(part), dict).map_err(
                            |u| Bad {
                                error: format!(
                                    "item {}: {}",
                                    k + 1,
                                    u.message(&field.item_expected, Got::Cell(part))
                                ),
                                help: u.help(ty, Got::Cell(part)),
                            },
                        )?;
                    }
                }
                other => push_scalar(
                    &mut list.items,
                    ty,
                    false,
                    other,
                    &field.item_expected,
                    dict,
                )
                .map_err(|bad| Bad {
                    error: format!("item 1: {}", bad.error),
                    help: bad.help,
                })?,
            }
            let len = list.items.len();
            end_list(&mut list.offsets, len)
                .map_err(|u| Bad::from(u.message(&field.expected, Got::Cell(""))))
        }
        // `list of {…}` is never bound to a column (see `bind`).
        (_, col) => {
            col.push_missing_or_empty();
            Ok(())
        }
    }
}

/// One cell into a scalar column of `ty`: by its type where that is the field's, else by its text.
fn push_scalar(
    col: &mut Column,
    ty: &ScalarTy,
    optional: bool,
    cell: &DataRef<'_>,
    expected: &str,
    dict: &mut StringDict,
) -> Result<(), Bad> {
    let typed = match (cell, ty) {
        (DataRef::Error(e), _) => {
            return Err(Bad::from(format!(
                "expected {expected}, found the spreadsheet error `{e}`"
            )))
        }
        (DataRef::Float(f), ScalarTy::Number(_)) => {
            Some(push_value(col, ty, optional, Got::F64(*f), dict))
        }
        (DataRef::Int(i), ScalarTy::Number(_) | ScalarTy::Int(_)) => {
            Some(push_value(col, ty, optional, Got::I64(*i), dict))
        }
        (DataRef::Float(f), ScalarTy::Int(_)) => Some(match whole(*f) {
            Some(i) => push_value(col, ty, optional, Got::I64(i), dict),
            None => Err(Unfit::Type),
        }),
        (DataRef::Bool(v), ScalarTy::Bool) => {
            Some(push_value(col, ty, optional, Got::Bool(*v), dict))
        }
        (DataRef::DateTime(d), ScalarTy::Timestamp(_)) if d.is_datetime() => Some(
            serial_ms(d)
                .ok_or(Unfit::Type)
                .and_then(|ms| push_local_timestamp(col, ty, ms)),
        ),
        (DataRef::DateTime(d), ScalarTy::Duration) if d.is_duration() => Some(
            span_ms(d)
                .ok_or(Unfit::Type)
                .and_then(|ms| push_duration(col, ms)),
        ),
        _ => None,
    };
    // The cell's text is made only when it is read or shown (not for every number).
    match typed {
        Some(r) => r.map_err(|u| Bad::from(u.message(expected, Got::Cell(&text_of(cell))))),
        None => {
            let text = text_of(cell);
            push_value(col, ty, optional, Got::Cell(&text), dict).map_err(|u| Bad {
                error: u.message(expected, Got::Cell(&text)),
                help: u.help(ty, Got::Cell(&text)),
            })
        }
    }
}

/// `f` as an `i64` if it is a whole number in range.
fn whole(f: f64) -> Option<i64> {
    // 2^63 is exactly representable; anything at or past it does not fit.
    (f.fract() == 0.0 && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f))
        .then_some(f as i64)
}

const MS_PER_DAY: f64 = 86_400_000.0;

/// An Excel serial date (days, the time as a fraction) as milliseconds since 1970-01-01 local, by calamine's
/// calendar reading (which knows the workbook's 1900 or 1904 date system, and Excel's 29 February
/// 1900 that never was).
fn serial_ms(d: &ExcelDateTime) -> Option<i64> {
    let (y, mo, day, h, mi, s, ms) = d.to_ymd_hms_milli();
    let days = crate::time::days_from_civil(i64::from(y), u32::from(mo), u32::from(day));
    let time = i64::from(h) * 3_600_000 + i64::from(mi) * 60_000 + i64::from(s) * 1000;
    days.checked_mul(crate::time::MS_PER_DAY)?
        .checked_add(time + i64::from(ms))
}

/// An Excel time span (days as a fraction) in milliseconds.
fn span_ms(d: &ExcelDateTime) -> Option<i64> {
    let ms = (d.as_f64() * MS_PER_DAY).round();
    ms.is_finite().then_some(ms as i64)
}

/// A cell as the text a CSV export of the sheet would hold: text as it is, numbers in their
/// shortest form, `TRUE`/`FALSE`, dates as `2024-01-05` or `2024-01-05 10:30:00`.
fn text_of<'c>(cell: &'c DataRef<'_>) -> std::borrow::Cow<'c, str> {
    use std::borrow::Cow;
    match cell {
        DataRef::Empty => Cow::Borrowed(""),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            Cow::Borrowed(s.as_str())
        }
        DataRef::SharedString(s) => Cow::Borrowed(s),
        DataRef::Int(i) => Cow::Owned(i.to_string()),
        DataRef::Float(f) => Cow::Owned(f.to_string()),
        DataRef::Bool(true) => Cow::Borrowed("TRUE"),
        DataRef::Bool(false) => Cow::Borrowed("FALSE"),
        DataRef::Error(e) => Cow::Owned(e.to_string()),
        DataRef::DateTime(d) if d.is_duration() => {
            let ms = span_ms(d).unwrap_or(0);
            let (h, rest) = (ms / 3_600_000, ms % 3_600_000);
            Cow::Owned(format!(
                "{h}:{:02}:{:02}",
                rest / 60_000,
                rest % 60_000 / 1000
            ))
        }
        DataRef::DateTime(d) => {
            let (y, mo, day, h, mi, s, ms) = d.to_ymd_hms_milli();
            Cow::Owned(match (h, mi, s, ms) {
                (0, 0, 0, 0) => format!("{y:04}-{mo:02}-{day:02}"),
                (_, _, _, 0) => format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}"),
                _ => format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}.{ms:03}"),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::ExcelDateTimeType::{DateTime, TimeDelta};

    #[test]
    fn serial_dates_are_utc_milliseconds() {
        let at = |v: f64, is_1904: bool| serial_ms(&ExcelDateTime::new(v, DateTime, is_1904));
        assert_eq!(at(25_569.0, false), Some(0));
        // 2025-10-13 12:59:02.400, calamine's own example.
        assert_eq!(at(45_943.541, false), Some(1_760_360_342_400));
        // 1900-01-01 is serial 1; serial 61 is 1900-03-01 (60 is Excel's 29 February).
        assert_eq!(at(1.0, false), Some(-2_208_988_800_000));
        assert_eq!(at(61.0, false), Some(-2_203_891_200_000));
        // The 1904 system counts from 1904-01-01.
        assert_eq!(at(0.0, true), Some(-2_082_844_800_000));
        assert_eq!(at(24_107.0, true), Some(0));
        assert_eq!(
            span_ms(&ExcelDateTime::new(1.5, TimeDelta, false)),
            Some(129_600_000)
        );
    }

    /// One cell into a fresh column of `ty`: its value, or the message.
    fn one(ty: &crate::ir::Ty, cell: DataRef<'_>) -> Result<crate::value::Value, String> {
        let mut col = Column::for_type(ty);
        let mut dict = StringDict::new();
        let plan_ty = match ty.base() {
            crate::ir::Ty::Int => ScalarTy::Int(None),
            crate::ir::Ty::Number => ScalarTy::Number(None),
            crate::ir::Ty::Bool => ScalarTy::Bool,
            crate::ir::Ty::Timestamp => ScalarTy::Timestamp(None),
            crate::ir::Ty::Duration => ScalarTy::Duration,
            _ => ScalarTy::Str,
        };
        push_scalar(
            &mut col,
            &plan_ty,
            ty.is_optional(),
            &cell,
            &ty.to_string(),
            &mut dict,
        )
        .map_err(|bad| bad.error)?;
        Ok(col.value(0, &dict))
    }

    #[test]
    fn cells_by_their_type_or_by_their_text() {
        use crate::ir::Ty;
        use crate::value::Value as V;
        assert_eq!(one(&Ty::Int, DataRef::Float(12.0)), Ok(V::Int(12)));
        assert_eq!(one(&Ty::Int, DataRef::SharedString(" 12 ")), Ok(V::Int(12)));
        assert_eq!(one(&Ty::Number, DataRef::Int(3)), Ok(V::Number(3.0)));
        assert_eq!(
            one(&Ty::String, DataRef::Float(12345.0)),
            Ok(V::str("12345"))
        );
        assert_eq!(one(&Ty::String, DataRef::Bool(true)), Ok(V::str("TRUE")));
        assert_eq!(one(&Ty::Bool, DataRef::Float(1.0)), Ok(V::Bool(true)));
        assert_eq!(one(&Ty::Bool.optional(), DataRef::Empty), Ok(V::Missing));
        assert_eq!(one(&Ty::String, DataRef::Empty), Ok(V::str("")));
        let date = DataRef::DateTime(ExcelDateTime::new(45_296.437_5, DateTime, false));
        assert_eq!(
            one(&Ty::Timestamp, date.clone()),
            Ok(V::Timestamp(1_704_450_600_000))
        );
        assert_eq!(one(&Ty::String, date), Ok(V::str("2024-01-05 10:30:00")));
        let span = DataRef::DateTime(ExcelDateTime::new(0.5, TimeDelta, false));
        assert_eq!(one(&Ty::Duration, span), Ok(V::Duration(43_200_000)));
        assert_eq!(
            one(&Ty::Int, DataRef::Empty),
            Err("expected int, found an empty cell".to_string())
        );
        for ty in [Ty::String, Ty::Int.optional()] {
            assert_eq!(
                one(&ty, DataRef::Error(calamine::CellErrorType::NA)),
                Err(format!("expected {ty}, found the spreadsheet error `#N/A`"))
            );
        }
    }

    #[test]
    fn cells_as_a_csv_export_writes_them() {
        assert_eq!(text_of(&DataRef::Float(12.0)), "12");
        assert_eq!(text_of(&DataRef::Float(12.5)), "12.5");
        assert_eq!(text_of(&DataRef::Bool(true)), "TRUE");
        assert_eq!(
            text_of(&DataRef::DateTime(ExcelDateTime::new(
                45_296.0, DateTime, false
            ))),
            "2024-01-05"
        );
        assert_eq!(
            text_of(&DataRef::DateTime(ExcelDateTime::new(
                45_296.437_5,
                DateTime,
                false
            ))),
            "2024-01-05 10:30:00"
        );
        assert_eq!(
            text_of(&DataRef::DateTime(ExcelDateTime::new(
                1.5, TimeDelta, false
            ))),
            "36:00:00"
        );
        assert_eq!(whole(3.0), Some(3));
        assert_eq!(whole(3.5), None);
        assert_eq!(whole(9.3e18), None);
    }
}
