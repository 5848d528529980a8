//! CSV records into column builders. The header is matched to the schema once. Plain records
//! (no quotes: nearly all of an export) are split at their delimiters with SIMD and gathered into
//! runs whose cells are converted a field at a time ([`CsvDecoder::queue`]); any other record is
//! unescaped by `csv-core` (the engine of the `csv` crate) into a reused buffer and converted on
//! its own, as is every record of a run in which a cell does not fit, so that the bad ones are
//! rejected with their reasons. No allocation per record or per cell.
//!
//! The header is matched to the schema's fields as every header is (`header.rs`).

use super::batch::{BatchBuilder, Column};
use super::fields::{end_list, push_cell, push_cells, FieldPlan, Got, Shape, Unfit};
use super::header::bind_names;
use super::reject::{Bad, InputError};
use csv_core::{ReadRecordResult, Reader, ReaderBuilder};
use wide::u8x16;

/// Which cell feeds each field.
#[derive(Debug, Clone)]
pub(crate) struct CsvBinding {
    /// Per schema field: the cell index, or `None` (the field reads as missing / empty).
    cells: Vec<Option<usize>>,
    header_len: usize,
    delimiter: u8,
}

/// A binding and what the header made worth saying.
pub(crate) struct Bound {
    pub binding: CsvBinding,
    pub warnings: Vec<String>,
    pub notes: Vec<String>,
}

/// Splits one CSV record (without its line break) into unescaped cells.
pub(crate) struct CellSplitter {
    reader: Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl CellSplitter {
    pub fn new(delimiter: u8) -> CellSplitter {
        CellSplitter {
            reader: ReaderBuilder::new().delimiter(delimiter).build(),
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

/// The separator a header uses when it has no `,`: `;` (Excel in a decimal-comma locale) or
/// a tab, whichever it has more of, outside quotes.
pub(crate) fn detect_delimiter(header: &[u8]) -> Option<u8> {
    let (mut commas, mut semicolons, mut tabs, mut quoted) = (0, 0, 0, false);
    for &b in header {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            b'\t' if !quoted => tabs += 1,
            _ => {}
        }
    }
    match (commas, semicolons, tabs) {
        (0, s, t) if s > 0 && s >= t => Some(b';'),
        (0, _, t) if t > 0 => Some(b'\t'),
        _ => None,
    }
}

impl CsvBinding {
    /// Matches the header to the schema (`header.rs`). A required scalar field without a column
    /// is an error; optional and list fields without one, and every `list of {…}` field, read
    /// as missing / empty, with one warning each.
    pub fn bind(
        input: &str,
        header: Option<&[u8]>,
        plan: &[FieldPlan],
        delimiter: u8,
    ) -> Result<Bound, InputError> {
        let mut names = Vec::new();
        if let Some(bytes) = header {
            let mut splitter = CellSplitter::new(delimiter);
            let n = splitter.split(bytes).unwrap_or(0);
            names = (0..n)
                .map(|i| String::from_utf8_lossy(splitter.cell(i)).into_owned())
                .collect();
        }
        let bound = bind_names(input, &names, plan, Some("CSV"))?;
        if !bound.missing.is_empty() {
            let one_column = match names.as_slice() {
                [only] => [';', '\t', '|', ',']
                    .into_iter()
                    .find(|&d| d as u32 != u32::from(delimiter) && only.contains(d)),
                _ => None,
            };
            return Err(InputError::MissingColumns {
                input: input.to_string(),
                missing: bound.missing,
                header: names,
                delimiter: one_column,
            });
        }
        Ok(Bound {
            binding: CsvBinding {
                cells: bound.columns,
                header_len: names.len(),
                delimiter,
            },
            warnings: bound.warnings,
            notes: bound.notes,
        })
    }
}

pub(crate) struct CsvDecoder<'p> {
    plan: &'p [FieldPlan],
    binding: &'p CsvBinding,
    /// For records with quotes; made on the first one (building `csv-core`'s reader costs more
    /// than splitting a chunk of plain records).
    splitter: Option<CellSplitter>,
    /// Where each cell of the current record ends (see [`split_commas`]).
    ends: Vec<usize>,
    /// Plain records waiting to be converted together (see [`CsvDecoder::queue`]).
    run: Run,
}

/// Plain records (UTF-8, without quotes, with as many cells as the header) gathered so that
/// their cells are converted a column at a time: one dispatch on a field's type and column for
/// the run rather than one per cell, and loops the compiler makes tight (DuckDB's vectors).
#[derive(Default)]
struct Run {
    /// Where each record starts in the text of its group.
    starts: Vec<usize>,
    /// Per record, the ends of its `header_len` cells from its start ([`split_commas`]'s).
    ends: Vec<usize>,
}

/// The most records a run holds: enough that a dispatch per field is nothing beside them, few
/// enough that their text and cell ends stay in the core's first-level cache while each
/// column goes over them.
pub(crate) const RUN_RECORDS: usize = 64;

impl<'p> CsvDecoder<'p> {
    pub fn new(plan: &'p [FieldPlan], binding: &'p CsvBinding) -> CsvDecoder<'p> {
        CsvDecoder {
            plan,
            binding,
            splitter: None,
            ends: Vec::new(),
            run: Run::default(),
        }
    }

    /// Adds a record to the run if it is plain: `text` is its text (so UTF-8), which has no `"`
    /// and starts at `at` in the text of its group. The record is not a row until
    /// [`CsvDecoder::convert_run`]. `false` (nothing added) for a record of too many or too few
    /// cells, which [`CsvDecoder::decode`] explains.
    pub fn queue(&mut self, text: &str, at: usize) -> bool {
        let stride = self.binding.header_len;
        let from = self.run.starts.len() * stride;
        let n = split_commas(
            text.as_bytes(),
            &mut self.run.ends,
            from,
            self.binding.delimiter,
        );
        if n != stride {
            return false;
        }
        self.run.starts.push(at);
        true
    }

    /// Appends the run's records to `b`'s columns, a field at a time, and empties the run.
    /// `text` is the text of their group. `false` if a cell does not fit its field: the columns
    /// then hold part of the run, and the caller rolls back and decodes the records one at a
    /// time, which rejects the bad ones with the reasons.
    pub fn convert_run(&mut self, text: &str, b: &mut BatchBuilder) -> bool {
        let fits = self.convert(text, b).is_ok();
        self.run.starts.clear();
        fits
    }

    fn convert(&self, text: &str, b: &mut BatchBuilder) -> Result<(), Unfit> {
        let run = &self.run;
        let stride = self.binding.header_len;
        let rows = run.starts.len();
        for (i, field) in self.plan.iter().enumerate() {
            if field.skip {
                continue;
            }
            let (Some(col), Some(&binding)) = (b.columns.get_mut(i), self.binding.cells.get(i))
            else {
                return Err(Unfit::Type);
            };
            let Some(k) = binding else {
                for _ in 0..rows {
                    col.push_missing_or_empty();
                }
                continue;
            };
            // Cell `k` of each record of the run.
            let cells = run
                .starts
                .iter()
                .zip(run.ends.chunks_exact(stride.max(1)))
                .map(|(&at, ends)| {
                    let cell = cell_bounds(ends, k);
                    text.get(at + cell.start..at + cell.end).unwrap_or("")
                });
            let missing = field.missing.as_deref();
            match (&field.shape, col) {
                (Shape::Scalar { ty, optional }, col) => {
                    push_cells(col, ty, *optional, missing, cells, &mut b.dict)?
                }
                (Shape::List(ty), Column::List(list)) => {
                    for cell in cells {
                        if !field.is_missing_text(cell) {
                            let items = list_items(cell);
                            push_cells(&mut list.items, ty, false, None, items, &mut b.dict)?;
                        }
                        let len = list.items.len();
                        end_list(&mut list.offsets, len)?;
                    }
                }
                // `list of {…}` is never bound to a cell (see `CsvBinding::new`).
                (_, col) => {
                    for _ in 0..rows {
                        col.push_missing_or_empty();
                    }
                }
            }
        }
        Ok(())
    }

    /// Appends one record to `b`'s columns or says why it does not fit (the caller rolls back).
    /// `text` is the record as text if the caller already knows it is UTF-8, and `may_quote`
    /// false if the caller knows it has no `"`.
    pub fn decode(
        &mut self,
        bytes: &[u8],
        text: Option<&str>,
        may_quote: bool,
        truncated: bool,
        b: &mut BatchBuilder,
    ) -> Result<(), Bad> {
        let delimiter = self.binding.delimiter;
        if let (Some(text), false, false) = (text, truncated, may_quote) {
            // No quotes: the cells are the text between delimiters, as they are.
            let n = split_commas(text.as_bytes(), &mut self.ends, 0, delimiter);
            if n == self.binding.header_len {
                let ends = &self.ends;
                let cell = |k: usize| text.get(cell_bounds(ends, k)).unwrap_or("");
                return fill(self.plan, self.binding, cell, b);
            }
        }
        if let Err(e) = std::str::from_utf8(bytes) {
            return Err(format!(
                "invalid UTF-8 at byte {} of the record",
                e.valid_up_to() + 1
            )
            .into());
        }
        if truncated {
            return Err("the input ends inside a quoted cell (a `\"` is not closed)"
                .to_string()
                .into());
        }
        let splitter = self
            .splitter
            .get_or_insert_with(|| CellSplitter::new(delimiter));
        let Some(n) = splitter.split(bytes) else {
            return Err("malformed CSV record".to_string().into());
        };
        if n != self.binding.header_len {
            let error = format!(
                "expected {} cells (as in the header), found {n}",
                self.binding.header_len
            );
            let help = (n == 1 && self.binding.header_len > 1)
                .then(|| footer_help(splitter.cell(0)))
                .flatten();
            return Err(Bad { error, help });
        }
        // Unquoting removes only ASCII, so cell boundaries are character boundaries.
        let Some(text) = splitter.text(n) else {
            return Err("invalid UTF-8 in the record's cells".to_string().into());
        };
        let splitter = &*splitter;
        let cell = |k: usize| text.get(splitter.cell_range(k)).unwrap_or("");
        fill(self.plan, self.binding, cell, b)
    }
}

/// A row of one cell in a file of many columns, such as a report's `Grand Totals (5700
/// records)`: the `footer` line that ends the records there.
fn footer_help(cell: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(cell);
    let words: String = text
        .trim()
        .split(|c: char| c == '(' || c == ':' || c.is_ascii_digit())
        .next()
        .unwrap_or("")
        .trim()
        .chars()
        .take(30)
        .collect();
    (!words.is_empty()).then(|| {
        format!(
            "if the records end here (a report's footer, totals or a notice), add `footer {words:?}` to the rule set's `input` block"
        )
    })
}

/// Splits a record without quotes at its delimiters: afterwards cell `k` is
/// `bytes[ends[from + k - 1] + 1 .. ends[from + k]]` (from 0 for the first; see
/// [`cell_bounds`]), and the number of cells is returned. `ends` past the last cell may be
/// overwritten. 32 bytes at a time (SIMD), the last block overlapping the one before it rather
/// than a byte loop for the tail, with few branches: how many delimiters a block has is as good
/// as random, and a branch on it would mispredict on most blocks.
// The clones differ in the instructions the compiler may use: `popcnt` rather than a dozen
// for the count, `tzcnt` and `blsr` for each end. The dispatch is one test per record.
#[multiversion::multiversion(targets("x86_64+avx2+bmi1+popcnt", "x86_64+popcnt"))]
fn split_commas(bytes: &[u8], ends: &mut Vec<usize>, from: usize, delimiter: u8) -> usize {
    // Room for a cell per byte, plus the slack of the unconditional writes below.
    let room = from + bytes.len() + BLIND_WRITES + 1;
    if ends.len() < room {
        ends.resize(room, 0);
    }
    let ends = &mut ends[from..];
    let mut n = 0;
    let mut i = 0;
    while let Some(block) = bytes.get(i..).and_then(<[u8]>::first_chunk) {
        n += record_ends(ends, n, i, delimiters_in(block, delimiter));
        i += 32;
    }
    if i < bytes.len() {
        let last = bytes.len().saturating_sub(32);
        if let Some(block) = bytes.get(last..).and_then(<[u8]>::first_chunk) {
            // The last 32 bytes, without the delimiters that the block before already had.
            let seen = i - last;
            let commas = delimiters_in(block, delimiter) >> seen << seen;
            n += record_ends(ends, n, last, commas);
        } else {
            // A record shorter than a block.
            for (k, &c) in bytes.iter().enumerate() {
                if c == delimiter {
                    ends[n] = k;
                    n += 1;
                }
            }
        }
    }
    ends[n] = bytes.len();
    n + 1
}

/// Where cell `k` is in its record, by the ends [`split_commas`] stored for the record.
#[inline(always)]
fn cell_bounds(ends: &[usize], k: usize) -> std::ops::Range<usize> {
    let start = if k == 0 { 0 } else { ends[k - 1] + 1 };
    start..ends[k]
}

/// Bit `k` set: byte `k` of the 32-byte `block` is the delimiter.
#[inline(always)]
fn delimiters_in(block: &[u8; 32], delimiter: u8) -> u32 {
    let (lo, hi) = block.split_at(16);
    let half = |h: &[u8]| {
        h.first_chunk::<16>().map_or(0, |b| {
            u8x16::new(*b).simd_eq(u8x16::splat(delimiter)).to_bitmask()
        })
    };
    half(lo) | half(hi) << 16
}

/// How many cell ends [`record_ends`] stores whether or not a block has that many delimiters.
const BLIND_WRITES: usize = 8;

/// Stores the ends of the cells that the delimiters of a block end (bit `k` of `commas`: at
/// `at + k`) from `ends[n]` on, and returns how many they are. Eight writes whatever the
/// count (the unused ones are overwritten later), as simdjson stores its structural indexes: a
/// loop that stopped at the last delimiter would mispredict its exit on most blocks. Only a
/// block of more than eight, a run of empty cells, takes a branch.
#[inline(always)]
fn record_ends(ends: &mut [usize], n: usize, at: usize, mut commas: u32) -> usize {
    let count = commas.count_ones() as usize;
    let Some(blind) = ends.get_mut(n..n + BLIND_WRITES) else {
        // Not reached (`split_commas` makes the room). Were it, the record would count too few
        // cells and go to `csv-core`, which splits it right.
        return 0;
    };
    for end in blind {
        *end = at + commas.trailing_zeros() as usize;
        commas &= commas.wrapping_sub(1);
    }
    let mut k = n + BLIND_WRITES;
    while commas != 0 {
        ends[k] = at + commas.trailing_zeros() as usize;
        commas &= commas - 1;
        k += 1;
    }
    count
}

/// The items of a list cell: its `;`-separated parts, trimmed, without empty ones.
pub(crate) fn list_items(cell: &str) -> impl Iterator<Item = &str> {
    let bytes = cell.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        while start <= bytes.len() {
            let end = bytes[start..]
                .iter()
                .position(|&b| b == b';')
                .map_or(bytes.len(), |p| start + p);
            // `;` is ASCII, so both ends are character boundaries.
            let part = cell.get(start..end).unwrap_or("");
            start = end + 1;
            let part = match (part.as_bytes().first(), part.as_bytes().last()) {
                (Some(&a), Some(&z)) if is_visible_ascii(a) && is_visible_ascii(z) => part,
                _ => part.trim(),
            };
            if !part.is_empty() {
                return Some(part);
            }
        }
        None
    })
}

fn is_visible_ascii(b: u8) -> bool {
    b > b' ' && b < 0x7f
}

/// Appends the record whose cell `k` is `cell(k)` to `b`'s columns.
fn fill<'t>(
    plan: &[FieldPlan],
    binding: &CsvBinding,
    cell: impl Fn(usize) -> &'t str,
    b: &mut BatchBuilder,
) -> Result<(), Bad> {
    for (i, field) in plan.iter().enumerate() {
        if field.skip {
            // Split off with the others, never converted: its column stays empty.
            continue;
        }
        let col = &mut b.columns[i];
        let Some(cell_index) = binding.cells[i] else {
            col.push_missing_or_empty();
            continue;
        };
        let cell = cell(cell_index);
        match (&field.shape, col) {
            // The run's conversion of a cell (`push_cells`), here of one.
            (Shape::Scalar { ty, optional }, col) => {
                let missing = field.missing.as_deref();
                let once = std::iter::once(cell);
                push_cells(col, ty, *optional, missing, once, &mut b.dict).map_err(|u| Bad {
                    error: format!(
                        "{}: {}",
                        field.label("column"),
                        u.message(&field.expected, Got::Cell(cell))
                    ),
                    help: match u {
                        Unfit::MissingText => Some(field.missing_text_help()),
                        u => u.help(ty, Got::Cell(cell)),
                    },
                })?;
            }
            (Shape::List(_), col) if field.is_missing_text(cell) => col.push_missing_or_empty(),
            (Shape::List(ty), Column::List(list)) => {
                for (k, part) in list_items(cell).enumerate() {
                    push_cell(&mut list.items, ty, false, part, &mut b.dict).map_err(|u| Bad {
                        error: format!(
                            "{}: item {}: {}",
                            field.label("column"),
                            k + 1,
                            u.message(&field.item_expected, Got::Cell(part))
                        ),
                        help: u.help(ty, Got::Cell(part)),
                    })?;
                }
                let len = list.items.len();
                end_list(&mut list.offsets, len).map_err(|u| {
                    Bad::from(format!(
                        "{}: {}",
                        field.label("column"),
                        u.message(&field.expected, Got::Cell(cell))
                    ))
                })?;
            }
            // `list of {…}` is never bound to a cell (see `CsvBinding::new`).
            (_, col) => col.push_missing_or_empty(),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cells `split_commas` finds in `record`, then those `csv-core` finds: the same.
    fn assert_splits_like_csv_core(record: &str, ends: &mut Vec<usize>, core: &mut CellSplitter) {
        let n = split_commas(record.as_bytes(), ends, 0, b',');
        let ours: Vec<&[u8]> = (0..n)
            .map(|k| &record.as_bytes()[cell_bounds(ends, k)])
            .collect();
        if record.is_empty() {
            // `csv-core` reads no record in no bytes.
            assert_eq!(ours, [b""]);
            return;
        }
        let m = core.split(record.as_bytes()).unwrap_or(0);
        let theirs: Vec<&[u8]> = (0..m).map(|i| core.cell(i)).collect();
        assert_eq!(ours, theirs, "{record}");
    }

    #[test]
    fn commas_split_like_csv_core() {
        let mut ends = Vec::new();
        let mut splitter = CellSplitter::new(b',');
        for record in [
            "",
            ",",
            "a",
            "a,b",
            ",,,,,,,,,,,,,,,,,",
            "abcdefgh,ijklmnop,q",
            "1234567,12345678,123456789,x,",
            "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w",
            ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,",
            "0123456789abcde,0123456789abcdef,0123456789abcde,,x",
            "L00000001,yara.tanaka1@gmail.com,Yara,partner,NL,healthcare,CEO,,1303000,",
            "é,ü,日本語,a b ,",
        ] {
            assert_splits_like_csv_core(record, &mut ends, &mut splitter);
        }
    }

    /// Records of every length up to 100 with commas in varied places, so that commas fall at
    /// every position of the 32-byte blocks, at their edges and in the overlapping last one.
    #[test]
    fn commas_split_like_csv_core_at_every_block_position() {
        let mut ends = Vec::new();
        let mut splitter = CellSplitter::new(b',');
        for len in 1..100usize {
            for seed in 0..7usize {
                let record: String = (0..len)
                    .map(|i| {
                        if (i * 7 + seed * 3) % (seed + 2) == 0 {
                            ','
                        } else {
                            'x'
                        }
                    })
                    .collect();
                assert_splits_like_csv_core(&record, &mut ends, &mut splitter);
            }
        }
    }

    #[test]
    fn list_items_split_trim_and_drop_empty_parts() {
        for cell in [
            "",
            ";",
            "a",
            "a;b",
            " a ; b ;",
            ";;x;;",
            "é; ü\u{a0};\u{a0}",
            "/demo;/docs",
        ] {
            let general: Vec<&str> = cell
                .split(';')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            assert_eq!(list_items(cell).collect::<Vec<_>>(), general, "{cell:?}");
        }
    }
}
