//! `.parquet` files: the columns the schema names (`from` names matched to the file's top-level
//! columns), decoded a record batch at a time by the Apache `parquet` crate's Arrow reader (pages
//! are read as needed, so memory stays bounded by a batch and a page), then appended to the
//! columns, on the reading thread of `produce.rs`.
//!
//! Types are mapped, not guessed: integers → `int`, `number`, `timestamp` (epoch milliseconds, as
//! a JSON integer), `duration`; floats and decimals → `number`; booleans → `bool`; timestamps
//! (seconds to nanoseconds; UTC-adjusted, or not and then read as wall-clock times in the
//! `input` block's time zone, UTC without one, as a CSV cell's text would be), dates (the same)
//! and INT96 → `timestamp`; text → any scalar, by the rules of JSON strings; `list<…>` → `list of`. A column
//! whose type can never fit its field is an error before any row is read; a value that does not
//! fit (a `null` in a required field, text that is not an `int`) is a bad record. The file's
//! embedded Arrow schema is ignored, so the types are those of the Parquet schema alone.

use super::batch::{BatchBuilder, Column, RowOrigin};
use super::dict::StringDict;
use super::fields::{end_list, push_value, FieldPlan, Got, ScalarTy, Shape, Unfit};
use super::input::Seekable;
use super::produce::Sink;
use super::reject::{Bad, InputError, Reject};
use super::typed::{bind, push_local_timestamp, push_timestamp};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Decimal256Type, Float32Type, Float64Type, Int16Type,
    Int32Type, Int64Type, Int8Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use parquet::arrow::arrow_reader::{ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;
use parquet::errors::ParquetError;
use parquet::file::reader::ChunkReader;

/// What the `parquet` crate's error `e` means for `input`.
pub(crate) fn unreadable(input: &str) -> impl Fn(ParquetError) -> InputError + '_ {
    move |e| InputError::Format {
        input: input.to_string(),
        message: format!("cannot read the Parquet file: {e}"),
        help: None,
    }
}

/// The file's record batch reader, to be configured; the embedded Arrow schema is ignored (see
/// the module's comment).
pub(crate) fn open<T: ChunkReader + 'static>(
    file: T,
    input: &str,
) -> Result<ParquetRecordBatchReaderBuilder<T>, InputError> {
    let options = ArrowReaderOptions::new().with_skip_arrow_metadata(true);
    ParquetRecordBatchReaderBuilder::try_new_with_options(file, options).map_err(unreadable(input))
}

/// Rows per batch, as many as a chunk of CSV records.
const BATCH_ROWS: usize = 4 * 1024;

/// Reads the file in `seekable` into batches sent to `sink`, after binding its columns to `plan`.
pub(crate) fn read(
    input: &str,
    seekable: Seekable,
    plan: &[FieldPlan],
    sink: &mut Sink,
) -> Result<(), InputError> {
    match seekable {
        Seekable::File(file) => read_from(input, file, plan, sink),
        Seekable::Bytes(bytes) => read_from(input, bytes::Bytes::from(bytes), plan, sink),
    }
}

fn read_from<T: ChunkReader + 'static>(
    input: &str,
    file: T,
    plan: &[FieldPlan],
    sink: &mut Sink,
) -> Result<(), InputError> {
    let error = unreadable(input);
    let builder = open(file, input)?;
    let fields = builder.schema().fields().clone();
    let names: Vec<String> = fields.iter().map(|f| f.name().clone()).collect();
    let bound = bind(input, &names, plan, "Parquet")?;
    for (field, column) in plan.iter().zip(&bound.columns) {
        if let Some(c) = column {
            let ty = fields[*c].data_type();
            if !fits(ty, &field.shape) {
                return Err(InputError::Format {
                    input: input.to_string(),
                    message: format!(
                        "column `{}` holds {}, which can never be {} (field `{}`)",
                        field.column,
                        type_name(ty),
                        field.expected,
                        field.name
                    ),
                    help: Some(suggest(ty)),
                });
            }
        }
    }
    // The reader returns the projected columns in the file's order.
    let mut roots: Vec<usize> = bound.columns.iter().flatten().copied().collect();
    roots.sort_unstable();
    roots.dedup();
    let columns: Vec<Option<usize>> = bound
        .columns
        .iter()
        .map(|c| c.and_then(|c| roots.binary_search(&c).ok()))
        .collect();
    let total_rows = u64::try_from(builder.metadata().file_metadata().num_rows()).unwrap_or(0);
    let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
    let reader = builder
        .with_projection(mask)
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(error)?;
    if !sink.bound(bound.warnings, bound.notes) {
        return Ok(());
    }
    let mut record = 0u64;
    for batch in reader {
        let batch = batch.map_err(|e| InputError::Format {
            input: input.to_string(),
            message: format!("cannot read the Parquet file: {e}"),
            help: None,
        })?;
        let mut b = sink.builder(batch.num_rows());
        let mut rejects = Vec::new();
        for row in 0..batch.num_rows() {
            record += 1;
            if let Err((field, Bad { error, help })) =
                decode_row(plan, &columns, &batch, row, &mut b)
            {
                b.rollback();
                rejects.push(Reject {
                    record,
                    line: record,
                    error: format!("{}: {error}", plan[field].label("column")),
                    help,
                    raw: raw_row(plan, &columns, &batch, row),
                    place: Some(format!("record {record}")),
                });
                continue;
            }
            b.commit(RowOrigin {
                record,
                line: record,
                raw_start: 0,
                raw_end: 0,
            });
        }
        if !sink.batch(b, rejects) {
            return Ok(());
        }
        sink.progress(record, total_rows);
    }
    Ok(())
}

/// Appends row `row` of `batch`, or says which field (by index) does not fit and why.
fn decode_row(
    plan: &[FieldPlan],
    columns: &[Option<usize>],
    batch: &RecordBatch,
    row: usize,
    b: &mut BatchBuilder,
) -> Result<(), (usize, Bad)> {
    for (i, field) in plan.iter().enumerate() {
        if field.skip {
            // Not bound, so not even projected: its column stays empty.
            continue;
        }
        let col = &mut b.columns[i];
        let Some(array) = columns[i].and_then(|c| batch.columns().get(c)) else {
            col.push_missing_or_empty();
            continue;
        };
        push_item(field, col, item(array.as_ref(), row), &mut b.dict).map_err(|m| (i, m))?;
    }
    Ok(())
}

/// One value of a column, as read.
#[derive(Debug, Clone, Copy)]
enum Item<'a> {
    Null,
    Bool(bool),
    I64(i64),
    U64(u64),
    F64(f64),
    Str(&'a str),
    /// Bytes that are not UTF-8 text.
    Binary,
    /// A timestamp adjusted to UTC, as epoch milliseconds (`None`: out of range).
    Ms(Option<i64>),
    /// A timestamp not adjusted to UTC, or a date: a wall-clock time, as milliseconds since
    /// 1970-01-01T00:00 local (`None`: out of range).
    LocalMs(Option<i64>),
    /// A list: its items are `values[start..end]`.
    List(&'a dyn Array, usize, usize),
    /// A type `fits` refuses (so never met).
    Other,
}

/// Value `i` of `array`.
fn item(array: &dyn Array, i: usize) -> Item<'_> {
    if array.is_null(i) {
        return Item::Null;
    }
    fn prim<T: arrow_array::ArrowPrimitiveType>(a: &dyn Array, i: usize) -> Option<T::Native> {
        a.as_primitive_opt::<T>().map(|p| p.value(i))
    }
    let got = match array.data_type() {
        DataType::Boolean => array.as_boolean_opt().map(|a| Item::Bool(a.value(i))),
        DataType::Int8 => prim::<Int8Type>(array, i).map(|v| Item::I64(v.into())),
        DataType::Int16 => prim::<Int16Type>(array, i).map(|v| Item::I64(v.into())),
        DataType::Int32 => prim::<Int32Type>(array, i).map(|v| Item::I64(v.into())),
        DataType::Int64 => prim::<Int64Type>(array, i).map(Item::I64),
        DataType::UInt8 => prim::<UInt8Type>(array, i).map(|v| Item::U64(v.into())),
        DataType::UInt16 => prim::<UInt16Type>(array, i).map(|v| Item::U64(v.into())),
        DataType::UInt32 => prim::<UInt32Type>(array, i).map(|v| Item::U64(v.into())),
        DataType::UInt64 => prim::<UInt64Type>(array, i).map(Item::U64),
        DataType::Float32 => prim::<Float32Type>(array, i).map(|v| Item::F64(v.into())),
        DataType::Float64 => prim::<Float64Type>(array, i).map(Item::F64),
        // The decimal's text read as a float: correctly rounded, unlike dividing by 10^scale.
        DataType::Decimal128(..) => array
            .as_primitive_opt::<Decimal128Type>()
            .and_then(|a| a.value_as_string(i).parse().ok())
            .map(Item::F64),
        DataType::Decimal256(..) => array
            .as_primitive_opt::<Decimal256Type>()
            .and_then(|a| a.value_as_string(i).parse().ok())
            .map(Item::F64),
        DataType::Utf8 => array.as_string_opt::<i32>().map(|a| Item::Str(a.value(i))),
        DataType::LargeUtf8 => array.as_string_opt::<i64>().map(|a| Item::Str(a.value(i))),
        DataType::Utf8View => array.as_string_view_opt().map(|a| Item::Str(a.value(i))),
        DataType::Binary => array.as_binary_opt::<i32>().map(|a| text(a.value(i))),
        DataType::LargeBinary => array.as_binary_opt::<i64>().map(|a| text(a.value(i))),
        // Whole milliseconds, rounded down (as a timestamp's text is read).
        DataType::Timestamp(unit, zone) => {
            let ms = match unit {
                TimeUnit::Second => {
                    prim::<TimestampSecondType>(array, i).map(|v| v.checked_mul(1000))
                }
                TimeUnit::Millisecond => prim::<TimestampMillisecondType>(array, i).map(Some),
                TimeUnit::Microsecond => {
                    prim::<TimestampMicrosecondType>(array, i).map(|v| Some(v.div_euclid(1000)))
                }
                TimeUnit::Nanosecond => {
                    prim::<TimestampNanosecondType>(array, i).map(|v| Some(v.div_euclid(1_000_000)))
                }
            };
            // Arrow gives a zone exactly to the timestamps Parquet says are adjusted to UTC.
            ms.map(|ms| match zone {
                Some(_) => Item::Ms(ms),
                None => Item::LocalMs(ms),
            })
        }
        DataType::Date32 => prim::<Date32Type>(array, i)
            .map(|d| Item::LocalMs(i64::from(d).checked_mul(crate::time::MS_PER_DAY))),
        DataType::Date64 => prim::<Date64Type>(array, i).map(|ms| Item::LocalMs(Some(ms))),
        DataType::List(_) => array.as_list_opt::<i32>().map(|l| {
            let offsets = l.value_offsets();
            let (a, z) = (offsets[i], offsets[i + 1]);
            Item::List(l.values().as_ref(), a as usize, z as usize)
        }),
        DataType::LargeList(_) => array.as_list_opt::<i64>().map(|l| {
            let offsets = l.value_offsets();
            let (a, z) = (offsets[i], offsets[i + 1]);
            Item::List(l.values().as_ref(), a as usize, z as usize)
        }),
        _ => None,
    };
    got.unwrap_or(Item::Other)
}

fn text(bytes: &[u8]) -> Item<'_> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Item::Str(s),
        Err(_) => Item::Binary,
    }
}

/// Appends `value` to `col`, the column of `field`, or says why it does not fit (and what
/// would read it).
fn push_item(
    field: &FieldPlan,
    col: &mut Column,
    value: Item<'_>,
    dict: &mut StringDict,
) -> Result<(), Bad> {
    let missing_text = matches!(value, Item::Str(s) if field.is_missing_text(s));
    match (&field.shape, col) {
        (Shape::Scalar { optional: true, .. } | Shape::List(_), col) if missing_text => {
            col.push_missing_or_empty();
            Ok(())
        }
        (Shape::Scalar { .. }, _) if missing_text => Err(Bad {
            error: found(Unfit::MissingText, &field.expected, value),
            help: Some(field.missing_text_help()),
        }),
        (Shape::Scalar { ty, optional }, col) => push_scalar(col, ty, *optional, value, dict)
            .map_err(|u| Bad {
                error: found(u, &field.expected, value),
                help: help(u, ty, value),
            }),
        (Shape::List(ty), Column::List(list)) => {
            match value {
                // A list is never missing: `null` reads as `[]`, as in JSON.
                Item::Null => {}
                Item::List(values, start, end) => {
                    for (k, j) in (start..end).enumerate() {
                        let v = item(values, j);
                        push_scalar(&mut list.items, ty, false, v, dict).map_err(|u| Bad {
                            error: format!("item {}: {}", k + 1, found(u, &field.item_expected, v)),
                            help: help(u, ty, v),
                        })?;
                    }
                }
                other => return Err(Bad::from(found(Unfit::Type, &field.expected, other))),
            }
            let len = list.items.len();
            end_list(&mut list.offsets, len)
                .map_err(|u| Bad::from(found(u, &field.expected, value)))
        }
        // `list of {…}` is never bound to a column (see `bind`).
        (_, col) => {
            col.push_missing_or_empty();
            Ok(())
        }
    }
}

fn push_scalar(
    col: &mut Column,
    ty: &ScalarTy,
    optional: bool,
    value: Item<'_>,
    dict: &mut StringDict,
) -> Result<(), Unfit> {
    let got = match value {
        Item::Null => Got::Null,
        Item::Bool(b) => Got::Bool(b),
        Item::I64(v) => Got::I64(v),
        Item::U64(v) => Got::U64(v),
        Item::F64(v) => Got::F64(v),
        Item::Str(s) => Got::Str(s),
        Item::Ms(Some(ms)) => return push_timestamp(col, ms),
        Item::LocalMs(Some(ms)) => return push_local_timestamp(col, ty, ms),
        Item::Ms(None) | Item::LocalMs(None) | Item::Binary | Item::List(..) | Item::Other => {
            return Err(Unfit::Type)
        }
    };
    push_value(col, ty, optional, got, dict)
}

/// The message for a value that does not fit.
fn found(u: Unfit, expected: &str, value: Item<'_>) -> String {
    let shown = match value {
        Item::Null => return u.message(expected, Got::Null),
        Item::Bool(b) => return u.message(expected, Got::Bool(b)),
        Item::I64(v) => return u.message(expected, Got::I64(v)),
        Item::U64(v) => return u.message(expected, Got::U64(v)),
        Item::F64(v) => return u.message(expected, Got::F64(v)),
        Item::Str(s) => return u.message(expected, Got::Str(s)),
        Item::Binary => "bytes that are not UTF-8 text".to_string(),
        Item::Ms(Some(ms)) | Item::LocalMs(Some(ms)) => {
            format!("`{}`", crate::time::format_timestamp(ms))
        }
        Item::Ms(None) | Item::LocalMs(None) => "a timestamp out of range".to_string(),
        Item::List(..) => return u.message(expected, Got::Array),
        Item::Other => "a value of an unsupported type".to_string(),
    };
    match u {
        Unfit::Type | Unfit::EpochSeconds | Unfit::MissingText => {
            format!("expected {expected}, found {shown}")
        }
        Unfit::TooLarge => u.message(expected, Got::Null),
    }
}

/// What would read a text value that did not fit (a `timestamps` layout, `numbers` marks).
fn help(u: Unfit, ty: &ScalarTy, value: Item<'_>) -> Option<String> {
    match value {
        Item::Str(s) => u.help(ty, Got::Str(s)),
        _ => None,
    }
}

/// Whether values of Parquet column type `ty` can ever fit a field of `shape` (if not, the
/// file is refused before any row is read).
fn fits(ty: &DataType, shape: &Shape) -> bool {
    match shape {
        Shape::Scalar { ty: field, .. } => scalar_fits(ty, field),
        Shape::List(item) => match ty {
            DataType::List(f) | DataType::LargeList(f) => scalar_fits(f.data_type(), item),
            DataType::Null => true,
            _ => false,
        },
        Shape::Records(_) => true,
    }
}

fn scalar_fits(ty: &DataType, field: &ScalarTy) -> bool {
    use ScalarTy as S;
    let text = matches!(
        ty,
        DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Utf8View
            | DataType::Binary
            | DataType::LargeBinary
    );
    let int = ty.is_integer();
    let float = matches!(
        ty,
        DataType::Float32 | DataType::Float64 | DataType::Decimal128(..) | DataType::Decimal256(..)
    );
    let time = matches!(
        ty,
        DataType::Timestamp(..) | DataType::Date32 | DataType::Date64
    );
    text || matches!(ty, DataType::Null)
        || match field {
            S::Int(_) | S::Duration => int,
            S::Number(_) => int || float,
            S::Timestamp(_) => int || time,
            S::Bool => matches!(ty, DataType::Boolean),
            S::Str | S::UnsharedStr | S::AdaptiveStr(_) | S::Enum(_) => false,
        }
}

/// A column type as the user knows it from Parquet tools.
fn type_name(ty: &DataType) -> String {
    match ty {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => "strings".to_string(),
        DataType::Boolean => "booleans".to_string(),
        DataType::Int8 | DataType::Int16 | DataType::Int32 => "int32 values".to_string(),
        DataType::Int64 => "int64 values".to_string(),
        DataType::Float32 => "floats".to_string(),
        DataType::Float64 => "doubles".to_string(),
        DataType::Timestamp(..) | DataType::Date32 | DataType::Date64 => "timestamps".to_string(),
        DataType::List(f) | DataType::LargeList(f) => {
            format!("lists of {}", type_name(f.data_type()))
        }
        other => format!("`{other}` values"),
    }
}

/// What to declare the field as instead.
fn suggest(ty: &DataType) -> String {
    let as_type = match ty {
        t if t.is_integer() => "`int` (or `number`)",
        DataType::Float32
        | DataType::Float64
        | DataType::Decimal128(..)
        | DataType::Decimal256(..) => "`number`",
        DataType::Boolean => "`bool`",
        DataType::Timestamp(..) | DataType::Date32 | DataType::Date64 => "`timestamp`",
        DataType::List(_) | DataType::LargeList(_) => "a `list of …` of its item type",
        _ => {
            return "this column type cannot be read; leave the field out, or convert the column"
                .to_string()
        }
    };
    format!("declare the field as {as_type}, or read another column with `from \"…\"`")
}

/// The row's bound columns as a JSON object, for a reject's `raw`.
fn raw_row(
    plan: &[FieldPlan],
    columns: &[Option<usize>],
    batch: &RecordBatch,
    row: usize,
) -> String {
    let mut object = serde_json::Map::new();
    for (field, column) in plan.iter().zip(columns) {
        if let Some(array) = column.and_then(|c| batch.columns().get(c)) {
            object.insert(field.column.clone(), json_of(item(array.as_ref(), row)));
        }
    }
    serde_json::Value::Object(object).to_string()
}

fn json_of(value: Item<'_>) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Item::Null | Item::Other | Item::Ms(None) | Item::LocalMs(None) => J::Null,
        Item::Bool(b) => J::Bool(b),
        Item::I64(v) => J::from(v),
        Item::U64(v) => J::from(v),
        Item::F64(v) => J::from(v),
        Item::Str(s) => J::from(s),
        Item::Binary => J::from("<bytes>"),
        Item::Ms(Some(ms)) | Item::LocalMs(Some(ms)) => J::from(crate::time::format_timestamp(ms)),
        Item::List(values, start, end) => {
            J::Array((start..end).map(|j| json_of(item(values, j))).collect())
        }
    }
}
