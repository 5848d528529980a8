//! CSV rows rendered a column at a time, then stitched into rows: each output column's cells
//! are formatted in one loop over the batch, with one dispatch on the column's kind (a score,
//! a grade or stage label, anything else) instead of one per cell, and labels formatted once
//! per batch instead of once per row. DuckDB's CSV writer works the same way: it casts each
//! vector to text, then writes the rows.
//!
//! The bytes are those of [`Layout::write_cells`]'s CSV rows, because the same functions format
//! each cell ([`write_csv_cell`], [`write_number`]); only the order of the work differs, which
//! `rows::tests::columns_render_as_rows_do` checks.

use super::number::write_number;
use super::table::Layout;
use super::value::{write_csv_cell, Cell};
use crate::eval::Cells;

/// Cells of at most this many bytes are copied into their row with one fixed-size copy.
const SHORT: usize = 16;

/// One column's cells for a batch's rows: their bytes end to end, and where each ends.
struct ColumnText {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl ColumnText {
    fn with_rows(rows: usize) -> ColumnText {
        ColumnText {
            bytes: Vec::with_capacity(rows * 8 + SHORT),
            ends: Vec::with_capacity(rows),
        }
    }

    /// Formats the column's cell of each of `rows` (batch-relative indices).
    fn format(cells: &Cells<'_, '_>, rows: &[usize], record_fields: &[String], safe: bool) -> Self {
        let mut text = ColumnText::with_rows(rows.len());
        let mut scratch = Vec::new();
        if let Some(scores) = cells.scores() {
            for &row in rows {
                // As `write_csv_cell` writes `Cell::Number`.
                write_number(&mut text.bytes, scores.get(row).copied().unwrap_or(0.0));
                text.ends.push(text.bytes.len());
            }
        } else if let Some((positions, labels, past)) = cells.labels() {
            let mut format = |cell: &Cell<'_>| {
                let mut bytes = Vec::new();
                write_csv_cell(&mut bytes, cell, record_fields, &mut scratch, safe);
                bytes
            };
            let label_texts: Vec<Vec<u8>> = labels.iter().map(|l| format(&Cell::Str(l))).collect();
            let past_text = format(past);
            for &row in rows {
                let label = positions
                    .get(row)
                    .and_then(|&p| label_texts.get(p as usize))
                    .unwrap_or(&past_text);
                text.bytes.extend_from_slice(label);
                text.ends.push(text.bytes.len());
            }
        } else {
            for &row in rows {
                let cell = cells.cell(row);
                write_csv_cell(&mut text.bytes, &cell, record_fields, &mut scratch, safe);
                text.ends.push(text.bytes.len());
            }
        }
        // Room for the last cells' fixed-size copies (see `copy_cell`).
        text.bytes.extend_from_slice(&[0; SHORT]);
        text
    }

    /// Appends the bytes of cell `i` to `out`.
    #[inline(always)]
    fn copy_cell(&self, i: usize, out: &mut Vec<u8>) {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        let len = self.ends[i] - start;
        if len <= SHORT {
            // A constant-size copy and a shorter length, rather than a call to `memcpy` for
            // a few bytes: most cells are short (labels, scores, keys).
            if let Some(block) = self
                .bytes
                .get(start..)
                .and_then(|b| b.first_chunk::<SHORT>())
            {
                out.extend_from_slice(block);
                out.truncate(out.len() - (SHORT - len));
                return;
            }
        }
        out.extend_from_slice(&self.bytes[start..start + len]);
    }
}

/// The CSV rows of `rows` (batch-relative indices, in order) of `columns`, which follow
/// `layout`'s columns, as [`Layout::write_cells`] writes them without `--explain`.
pub(super) fn render(layout: &Layout, columns: &[Cells<'_, '_>], rows: &[usize]) -> Vec<u8> {
    let safe = layout.is_csv_safe();
    let texts: Vec<ColumnText> = columns
        .iter()
        .zip(layout.columns())
        .map(|(cells, column)| ColumnText::format(cells, rows, &column.record_fields, safe))
        .collect();
    let bytes: usize = texts.iter().map(|t| t.bytes.len()).sum();
    let mut out = Vec::with_capacity(bytes + rows.len() * (texts.len() + 1) + SHORT);
    for i in 0..rows.len() {
        for (c, text) in texts.iter().enumerate() {
            if c > 0 {
                out.push(b',');
            }
            text.copy_cell(i, &mut out);
        }
        out.push(b'\n');
    }
    out
}
