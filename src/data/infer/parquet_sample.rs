//! The first rows of a Parquet file for `smql init`: its schema says each column's type; the
//! values feed the comments and the enum and optional guesses.

use super::sample::{Declared, Sample, Sampled};
use crate::data::reject::InputError;
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::Array;
use arrow_schema::{DataType, TimeUnit};
use parquet::file::reader::ChunkReader;

pub(crate) fn sample<T: ChunkReader + 'static>(
    file: T,
    max_rows: usize,
    input: &str,
) -> Result<Sampled, InputError> {
    let error = crate::data::parquet::unreadable(input);
    let builder = crate::data::parquet::open(file, input)?;
    let fields = builder.schema().fields().clone();
    let mut s = Sampled {
        names: fields.iter().map(|f| f.name().clone()).collect(),
        declared: fields
            .iter()
            .map(|f| Some(declared(f.data_type())))
            .collect(),
        columns: vec![Vec::new(); fields.len()],
        ..Sampled::default()
    };
    let reader = builder
        .with_batch_size(max_rows.max(1))
        .with_limit(max_rows)
        .build()
        .map_err(error)?;
    for batch in reader {
        let batch = batch.map_err(|e| InputError::Format {
            input: input.to_string(),
            message: format!("cannot read the Parquet file: {e}"),
            help: None,
        })?;
        for (column, array) in s.columns.iter_mut().zip(batch.columns()) {
            column.extend((0..batch.num_rows()).map(|r| value(array.as_ref(), r)));
        }
        s.rows += batch.num_rows();
    }
    Ok(s)
}

fn declared(ty: &DataType) -> Declared {
    match ty {
        DataType::Boolean => Declared::Bool,
        t if t.is_integer() => Declared::Int,
        DataType::Float32
        | DataType::Float64
        | DataType::Decimal128(..)
        | DataType::Decimal256(..) => Declared::Number,
        DataType::Timestamp(..) | DataType::Date32 | DataType::Date64 => Declared::Timestamp,
        DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Binary
        | DataType::LargeBinary => Declared::Text,
        DataType::List(f) | DataType::LargeList(f) => {
            Declared::List(Box::new(declared(f.data_type())))
        }
        other => Declared::Other(other.to_string()),
    }
}

/// Value `i` of `array`, for the guesses and comments (not the reader's conversions).
fn value(array: &dyn Array, i: usize) -> Sample {
    if array.is_null(i) {
        return Sample::Missing;
    }
    fn int<T: arrow_array::ArrowPrimitiveType>(a: &dyn Array, i: usize) -> Option<i64>
    where
        T::Native: TryInto<i64>,
    {
        a.as_primitive_opt::<T>()
            .and_then(|p| p.value(i).try_into().ok())
    }
    let v = match array.data_type() {
        DataType::Boolean => array.as_boolean_opt().map(|a| Sample::Bool(a.value(i))),
        DataType::Int8 => int::<Int8Type>(array, i).map(Sample::Int),
        DataType::Int16 => int::<Int16Type>(array, i).map(Sample::Int),
        DataType::Int32 => int::<Int32Type>(array, i).map(Sample::Int),
        DataType::Int64 => int::<Int64Type>(array, i).map(Sample::Int),
        DataType::UInt8 => int::<UInt8Type>(array, i).map(Sample::Int),
        DataType::UInt16 => int::<UInt16Type>(array, i).map(Sample::Int),
        DataType::UInt32 => int::<UInt32Type>(array, i).map(Sample::Int),
        DataType::UInt64 => int::<UInt64Type>(array, i).map(Sample::Int),
        DataType::Float32 => array
            .as_primitive_opt::<Float32Type>()
            .map(|a| Sample::Float(a.value(i).into())),
        DataType::Float64 => array
            .as_primitive_opt::<Float64Type>()
            .map(|a| Sample::Float(a.value(i))),
        DataType::Utf8 => array
            .as_string_opt::<i32>()
            .map(|a| Sample::Text(a.value(i).into())),
        DataType::LargeUtf8 => array
            .as_string_opt::<i64>()
            .map(|a| Sample::Text(a.value(i).into())),
        DataType::Utf8View => array
            .as_string_view_opt()
            .map(|a| Sample::Text(a.value(i).into())),
        DataType::Timestamp(unit, zone) => {
            let ms = match unit {
                TimeUnit::Second => {
                    int::<TimestampSecondType>(array, i).map(|v| v.saturating_mul(1000))
                }
                TimeUnit::Millisecond => int::<TimestampMillisecondType>(array, i),
                TimeUnit::Microsecond => {
                    int::<TimestampMicrosecondType>(array, i).map(|v| v.div_euclid(1000))
                }
                TimeUnit::Nanosecond => {
                    int::<TimestampNanosecondType>(array, i).map(|v| v.div_euclid(1_000_000))
                }
            };
            // Arrow gives a zone exactly to the timestamps Parquet says are adjusted to UTC.
            ms.map(|ms| match zone {
                Some(_) => Sample::Time(ms),
                None => Sample::LocalTime(ms),
            })
        }
        DataType::Date32 => int::<Date32Type>(array, i)
            .map(|d| Sample::LocalTime(d.saturating_mul(crate::time::MS_PER_DAY))),
        DataType::List(_) => array.as_list_opt::<i32>().map(|l| {
            let items = l.value(i);
            Sample::List((0..items.len()).map(|j| value(items.as_ref(), j)).collect())
        }),
        _ => None,
    };
    v.unwrap_or(Sample::Missing)
}
