//! CSV records into column builders. The header is matched to the schema once; each record is
//! unescaped by `csv-core` (the engine of the `csv` crate) into a reused buffer, and its cells are
//! converted in place: no allocation per record or per cell.

use super::batch::{BatchBuilder, Column};
use super::fields::{end_list, push_value, FieldPlan, Got, Shape};
use super::reject::{InputError, MissingColumn};
use csv_core::{ReadRecordResult, Reader};

/// Which cell feeds each field.
#[derive(Debug, Clone)]
pub(crate) struct CsvBinding {
    /// Per schema field: the cell index, or `None` (the field reads as missing / empty).
    cells: Vec<Option<usize>>,
    header_len: usize,
}

/// Splits one CSV record (without its line break) into unescaped cells.
pub(crate) struct CellSplitter {
    reader: Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl CellSplitter {
    pub fn new() -> CellSplitter {
        CellSplitter {
            reader: Reader::new(),
            out: Vec::new(),
            ends: vec![0; 32],
        }
    }

    /// The number of cells (then read with [`CellSplitter::cell`]); `None` if the bytes are
    /// not exactly one record.
    pub fn split(&mut self, bytes: &[u8]) -> Option<usize> {
        self.reader.reset();
        if self.out.len() < bytes.len() + 1 {
            self.out.resize(bytes.len() + 1, 0);
        }
        let (mut input, mut nout, mut nends) = (bytes, 0, 0);
        let mut at_end = false;
        loop {
            let (res, nin, o, e) =
                self.reader
                    .read_record(input, &mut self.out[nout..], &mut self.ends[nends..]);
            input = &input[nin..];
            nout += o;
            nends += e;
            match res {
                ReadRecordResult::InputEmpty if !at_end => at_end = input.is_empty(),
                ReadRecordResult::InputEmpty => return None,
                ReadRecordResult::OutputFull => {
                    let len = self.out.len();
                    self.out.resize(len * 2 + 1, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let len = self.ends.len();
                    self.ends.resize(len * 2, 0);
                }
                ReadRecordResult::Record => {
                    return (input.is_empty()).then_some(nends);
                }
                ReadRecordResult::End => return None,
            }
        }
    }

    /// Cell `i` of the last record split (raw bytes).
    pub fn cell(&self, i: usize) -> &[u8] {
        self.out.get(self.cell_range(i)).unwrap_or(&[])
    }

    fn cell_range(&self, i: usize) -> std::ops::Range<usize> {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        start..self.ends[i]
    }

    /// The text of all `n` cells of the last record, if it is UTF-8 (one check for the whole
    /// record rather than one per cell).
    fn text(&self, n: usize) -> Option<&str> {
        let end = if n == 0 { 0 } else { self.ends[n - 1] };
        std::str::from_utf8(self.out.get(..end)?).ok()
    }
}

impl CsvBinding {
    /// Matches the header to the schema. A required scalar field without a column is an error;
    /// optional and list fields without one, and every `list of {…}` field, read as missing /
    /// empty, with one warning each.
    pub fn new(
        input: &str,
        header: Option<&[u8]>,
        plan: &[FieldPlan],
    ) -> Result<(CsvBinding, Vec<String>), InputError> {
        let mut names = Vec::new();
        if let Some(bytes) = header {
            let mut splitter = CellSplitter::new();
            let n = splitter.split(bytes).unwrap_or(0);
            names = (0..n)
                .map(|i| String::from_utf8_lossy(splitter.cell(i)).into_owned())
                .collect();
        }
        let mut cells = Vec::with_capacity(plan.len());
        let mut warnings = Vec::new();
        let mut missing = Vec::new();
        for field in plan {
            if let Shape::Records(_) = field.shape {
                warnings.push(format!(
                    "{input}: field `{}` ({}) cannot be read from CSV: it reads as an empty list",
                    field.name, field.expected
                ));
                cells.push(None);
                continue;
            }
            let found = names.iter().position(|n| *n == field.column);
            if found.is_none() {
                if field.may_be_absent() {
                    let reads_as = if let Shape::List(_) = field.shape {
                        "an empty list"
                    } else {
                        "missing"
                    };
                    warnings.push(format!(
                        "{input}: the header has no column `{}`: field `{}` reads as {reads_as}",
                        field.column, field.name
                    ));
                } else {
                    missing.push(MissingColumn {
                        field: field.name.clone(),
                        column: field.column.clone(),
                        nearest: crate::diag::did_you_mean(
                            &field.column,
                            names.iter().map(String::as_str),
                        )
                        .map(str::to_string),
                    });
                }
            }
            cells.push(found);
        }
        if !missing.is_empty() {
            return Err(InputError::MissingColumns {
                input: input.to_string(),
                missing,
                header: names,
            });
        }
        Ok((
            CsvBinding {
                cells,
                header_len: names.len(),
            },
            warnings,
        ))
    }
}

pub(crate) struct CsvDecoder<'p> {
    plan: &'p [FieldPlan],
    binding: &'p CsvBinding,
    splitter: CellSplitter,
}

impl<'p> CsvDecoder<'p> {
    pub fn new(plan: &'p [FieldPlan], binding: &'p CsvBinding) -> CsvDecoder<'p> {
        CsvDecoder {
            plan,
            binding,
            splitter: CellSplitter::new(),
        }
    }

    /// Appends one record to `b`'s columns or says why it does not fit (the caller rolls back).
    pub fn decode(
        &mut self,
        bytes: &[u8],
        truncated: bool,
        b: &mut BatchBuilder,
    ) -> Result<(), String> {
        if let Err(e) = std::str::from_utf8(bytes) {
            return Err(format!(
                "invalid UTF-8 at byte {} of the record",
                e.valid_up_to() + 1
            ));
        }
        if truncated {
            return Err("the input ends inside a quoted cell (a `\"` is not closed)".to_string());
        }
        let Some(n) = self.splitter.split(bytes) else {
            return Err("malformed CSV record".to_string());
        };
        if n != self.binding.header_len {
            return Err(format!(
                "expected {} cells (as in the header), found {n}",
                self.binding.header_len
            ));
        }
        // Unquoting removes only ASCII, so cell boundaries are character boundaries.
        let Some(text) = self.splitter.text(n) else {
            return Err("invalid UTF-8 in the record's cells".to_string());
        };
        for (i, field) in self.plan.iter().enumerate() {
            let col = &mut b.columns[i];
            let Some(cell_index) = self.binding.cells[i] else {
                col.push_missing_or_empty();
                continue;
            };
            let cell = text.get(self.splitter.cell_range(cell_index)).unwrap_or("");
            match (&field.shape, col) {
                (Shape::Scalar { ty, optional }, col) => {
                    push_value(col, ty, *optional, Got::Cell(cell), &mut b.dict).map_err(|u| {
                        format!(
                            "{}: {}",
                            field.label("column"),
                            u.message(&field.expected, Got::Cell(cell))
                        )
                    })?;
                }
                (Shape::List(ty), Column::List(list)) => {
                    let parts = cell.split(';').map(str::trim).filter(|p| !p.is_empty());
                    for (k, part) in parts.enumerate() {
                        push_value(&mut list.items, ty, false, Got::Cell(part), &mut b.dict)
                            .map_err(|u| {
                                format!(
                                    "{}: item {}: {}",
                                    field.label("column"),
                                    k + 1,
                                    u.message(&field.item_expected, Got::Cell(part))
                                )
                            })?;
                    }
                    let len = list.items.len();
                    end_list(&mut list.offsets, len).map_err(|u| {
                        format!(
                            "{}: {}",
                            field.label("column"),
                            u.message(&field.expected, Got::Cell(cell))
                        )
                    })?;
                }
                // `list of {…}` is never bound to a cell (see `CsvBinding::new`).
                (_, col) => col.push_missing_or_empty(),
            }
        }
        Ok(())
    }
}
