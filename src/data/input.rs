//! Opening an input: a file (its format from the name, gzip from `.gz` or the gzip magic bytes),
//! standard input with an explicit format, or any reader.

use super::mapped::{MappedFile, MAP_MIN_BYTES};
use super::reject::InputError;
use crate::ir::FieldSet;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// An input format (docs/language.md, "How data is read").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A JSON array of objects, or NDJSON: decided by the first non-space byte.
    Json,
    /// One JSON object per line.
    Ndjson,
    /// RFC 4180 with a header row.
    Csv,
    /// An Excel workbook: one sheet, its first non-empty row the header (needs a file).
    Xlsx,
    /// Apache Parquet: columns by name (needs a file).
    Parquet,
}

impl Format {
    /// `json`, `ndjson`, `jsonl`, `csv`, `xlsx` or `parquet` (as in `--input-format`, or a file
    /// extension).
    pub fn from_name(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "json" => Some(Format::Json),
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            "parquet" => Some(Format::Parquet),
            _ => None,
        }
    }

    /// Whether the format is read by seeking in a file (a zip archive, a footer at the end)
    /// rather than as a stream of text.
    pub fn needs_file(self) -> bool {
        matches!(self, Format::Xlsx | Format::Parquet)
    }

    /// The format a file name implies and whether it is gzip-compressed (`leads.csv.gz`).
    pub fn from_path(path: &Path) -> Option<(Format, bool)> {
        let name = path.file_name()?.to_str()?;
        let lower = name.to_ascii_lowercase();
        let (stem, gzip) = match lower.strip_suffix(".gz") {
            Some(stem) => (stem, true),
            None => (lower.as_str(), false),
        };
        let ext = stem.rsplit_once('.')?.1;
        Format::from_name(ext).map(|f| (f, gzip))
    }
}

/// Where records come from: a file, or standard input (`-` on the command line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataSource {
    Stdin,
    File(std::path::PathBuf),
}

impl DataSource {
    /// `-` is standard input, anything else a file.
    pub fn from_arg(arg: &Path) -> DataSource {
        if arg.as_os_str() == "-" {
            DataSource::Stdin
        } else {
            DataSource::File(arg.to_path_buf())
        }
    }

    /// The name used in messages: the path as given, or `<stdin>`.
    pub fn name(&self) -> String {
        match self {
            DataSource::Stdin => "<stdin>".to_string(),
            DataSource::File(p) => p.display().to_string(),
        }
    }
}

/// An opened input, ready for [`super::Reader::new`].
pub struct Input {
    pub(crate) name: String,
    pub(crate) format: Format,
    pub(crate) reader: Box<dyn Read + Send>,
    /// Bytes taken from the underlying file or stream so far (compressed bytes for gzip).
    pub(crate) bytes_read: Arc<AtomicU64>,
    pub(crate) total_bytes: Option<u64>,
    /// For the formats read by seeking ([`Format::needs_file`]): the file or bytes themselves
    /// (then `reader` is empty).
    pub(crate) seekable: Option<Seekable>,
    /// `.xlsx`: the sheet to read (`--sheet`); the first one without it.
    pub(crate) sheet: Option<String>,
    /// What the command line says of this input over the rules' `input` block.
    pub(crate) overrides: Overrides,
    /// The largest record read (SPEC §13): a larger one is a bad record, and only its first
    /// bytes are kept in memory.
    pub(crate) max_record: usize,
    /// The schema fields to decode (see [`Input::decoding_only`]); `None`: every field.
    pub(crate) decode: Option<FieldSet>,
    /// A plain regular file, mapped into memory (`data/mapped.rs`): read from the mapping
    /// instead of `reader` (see [`Input::without_mmap`]).
    pub(crate) mapped: Option<Arc<MappedFile>>,
}

/// The default of `--max-record-size`: 64 MiB.
pub const MAX_RECORD_BYTES: usize = 64 << 20;

/// A file, or bytes in memory, for the readers that seek.
pub(crate) enum Seekable {
    File(std::fs::File),
    Bytes(Vec<u8>),
}

/// Settings of the `input` block that one run overrides (`--csv-delimiter`, `--time-zone`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    pub delimiter: Option<u8>,
    /// An IANA name (checked by [`Input::with_time_zone`]).
    pub time_zone: Option<String>,
}

impl Input {
    /// Opens `path` (`-` is standard input, which needs `format`). `format` overrides the format
    /// the name implies. Gzip is recognised by a `.gz` suffix or by the gzip magic bytes.
    pub fn open(path: &Path, format: Option<Format>) -> Result<Input, InputError> {
        Input::open_source(&DataSource::from_arg(path), format)
    }

    /// Opens a file or standard input (which needs `format`); as [`Input::open`].
    pub fn open_source(source: &DataSource, format: Option<Format>) -> Result<Input, InputError> {
        let path = match source {
            DataSource::Stdin => {
                return match format {
                    Some(f) => Input::from_reader("<stdin>", io::stdin(), f),
                    None => Err(InputError::UnknownFormat {
                        input: "<stdin>".to_string(),
                    }),
                };
            }
            DataSource::File(path) => path,
        };
        let name = path.display().to_string();
        let by_name = Format::from_path(path);
        let format =
            format
                .or(by_name.map(|(f, _)| f))
                .ok_or_else(|| InputError::UnknownFormat {
                    input: name.clone(),
                })?;
        let file = std::fs::File::open(path).map_err(|error| InputError::Io {
            input: name.clone(),
            error,
        })?;
        let meta = file.metadata().ok();
        let total = meta.as_ref().map(|m| m.len());
        if format.needs_file() {
            if by_name.is_some_and(|(_, gzip)| gzip) {
                return Err(InputError::Format {
                    input: name,
                    message: "a gzip-compressed spreadsheet or Parquet file cannot be read"
                        .to_string(),
                    help: Some("decompress it first (`gunzip`)".to_string()),
                });
            }
            let mut input = Input::seekable(&name, Seekable::File(file), format);
            input.total_bytes = total;
            return Ok(input);
        }
        let mapped = match meta {
            Some(m) if m.is_file() && m.len() >= MAP_MIN_BYTES => map_plain(&file, m.len()),
            _ => None,
        };
        let mut input = Input::from_reader(&name, file, format)?;
        input.total_bytes = total;
        input.mapped = mapped;
        Ok(input)
    }

    /// Reads the file with `read`, not from a memory map (`--no-mmap`): for a file that another
    /// program may truncate while it is read (which would end a mapped run with `SIGBUS`).
    pub fn without_mmap(mut self) -> Input {
        self.mapped = None;
        self
    }

    /// As [`Input::open`], mapping the file whatever its size (tests of the mapped reading on
    /// small files).
    #[doc(hidden)]
    pub fn open_mapped(path: &Path, format: Option<Format>) -> Result<Input, InputError> {
        let mut input = Input::open(path, format)?;
        if input.mapped.is_none() && input.seekable.is_none() {
            let file = std::fs::File::open(path).map_err(|error| InputError::Io {
                input: input.name.clone(),
                error,
            })?;
            let len = file.metadata().map_or(0, |m| m.len());
            input.mapped = map_plain(&file, len);
        }
        Ok(input)
    }

    /// Whether the input is read from a memory map.
    pub fn is_mapped(&self) -> bool {
        self.mapped.is_some()
    }

    /// Reads `reader` as `format`, decompressing if it starts with the gzip magic bytes.
    pub fn from_reader(
        name: &str,
        reader: impl Read + Send + 'static,
        format: Format,
    ) -> Result<Input, InputError> {
        if format.needs_file() {
            return Err(InputError::Format {
                input: name.to_string(),
                message: "a spreadsheet or Parquet file cannot be read from a stream".to_string(),
                help: Some("give its path instead of `-` (reading it needs a file)".to_string()),
            });
        }
        let bytes_read = Arc::new(AtomicU64::new(0));
        let counted = CountingReader {
            inner: reader,
            count: bytes_read.clone(),
        };
        let mut buffered = BufReader::with_capacity(1 << 16, counted);
        let head = fill_head(&mut buffered).map_err(|error| InputError::Io {
            input: name.to_string(),
            error,
        })?;
        let reader: Box<dyn Read + Send> = if is_gzip(&head) {
            Box::new(flate2::bufread::MultiGzDecoder::new(buffered))
        } else {
            Box::new(buffered)
        };
        Ok(Input {
            name: name.to_string(),
            format,
            reader,
            bytes_read,
            total_bytes: None,
            seekable: None,
            sheet: None,
            overrides: Overrides::default(),
            max_record: MAX_RECORD_BYTES,
            decode: None,
            mapped: None,
        })
    }

    fn seekable(name: &str, seekable: Seekable, format: Format) -> Input {
        Input {
            name: name.to_string(),
            format,
            reader: Box::new(io::empty()),
            bytes_read: Arc::new(AtomicU64::new(0)),
            total_bytes: None,
            seekable: Some(seekable),
            sheet: None,
            overrides: Overrides::default(),
            max_record: MAX_RECORD_BYTES,
            decode: None,
            mapped: None,
        }
    }

    /// Reads the sheet named `sheet` of a workbook (`--sheet`) instead of the first one.
    pub fn with_sheet(mut self, sheet: Option<String>) -> Input {
        self.sheet = sheet;
        self
    }

    /// An input held in memory (tests, embedding).
    pub fn from_bytes(name: &str, bytes: Vec<u8>, format: Format) -> Result<Input, InputError> {
        let total = bytes.len() as u64;
        if format.needs_file() {
            let mut input = Input::seekable(name, Seekable::Bytes(bytes), format);
            input.total_bytes = Some(total);
            return Ok(input);
        }
        let mut input = Input::from_reader(name, io::Cursor::new(bytes), format)?;
        input.total_bytes = Some(total);
        Ok(input)
    }

    /// The name used in messages (the path as given, or `<stdin>`).
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// Reads CSV cells separated by `delimiter`, whatever the rules' `input` block says.
    pub fn with_delimiter(mut self, delimiter: u8) -> Input {
        self.overrides.delimiter = Some(delimiter);
        self
    }

    /// Makes a record larger than `bytes` a bad record (instead of [`MAX_RECORD_BYTES`]).
    /// Decodes only `fields` of the schema the input is read by (`Program::fields_in_use` and
    /// what the command writes): the values of the others are checked as JSON syntax (or split
    /// off as CSV cells) but not converted, so a bad value in them does not make the record
    /// bad, and their columns are left empty (every row reads as missing). Nothing may read
    /// such a column; `Batch::decoded` tells them apart.
    pub fn decoding_only(mut self, fields: FieldSet) -> Input {
        self.decode = Some(fields);
        self
    }

    pub fn with_max_record_size(mut self, bytes: usize) -> Input {
        self.max_record = bytes.max(1);
        self
    }

    /// Reads timestamps without an offset as local time in the IANA zone `name`, whatever the
    /// rules' `input` block says; an error if there is no such zone.
    pub fn with_time_zone(mut self, name: &str) -> Result<Input, String> {
        crate::time::zone::Zone::new(name)?;
        self.overrides.time_zone = Some(name.to_string());
        Ok(self)
    }
}

/// Whether `head` starts with the gzip magic bytes.
fn is_gzip(head: &[u8]) -> bool {
    head.starts_with(&[0x1f, 0x8b])
}

/// `file` (of `len` bytes) mapped into memory, unless it is gzip (decompressed as a stream) or
/// cannot be mapped.
fn map_plain(file: &std::fs::File, len: u64) -> Option<Arc<MappedFile>> {
    MappedFile::open(file, len)
        .filter(|m| !is_gzip(m.bytes()))
        .map(Arc::new)
}

/// The first bytes of the stream, for sniffing gzip (retrying if a read returns only one byte).
fn fill_head<R: Read>(r: &mut BufReader<R>) -> io::Result<Vec<u8>> {
    loop {
        match r.fill_buf() {
            Ok(buf) => return Ok(buf[..buf.len().min(2)].to_vec()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

struct CountingReader<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_names() {
        let f = |p: &str| Format::from_path(Path::new(p));
        assert_eq!(f("leads.csv.gz"), Some((Format::Csv, true)));
        assert_eq!(f("a/b/Leads.JSONL"), Some((Format::Ndjson, false)));
        assert_eq!(f("x.json"), Some((Format::Json, false)));
        assert_eq!(f("x.ndjson.gz"), Some((Format::Ndjson, true)));
        assert_eq!(f("x.txt"), None);
        assert_eq!(f("csv"), None);
        assert_eq!(Format::from_name("NDJSON"), Some(Format::Ndjson));
        assert_eq!(f("Leads.XLSX"), Some((Format::Xlsx, false)));
        assert_eq!(f("x.parquet"), Some((Format::Parquet, false)));
        assert!(Format::Xlsx.needs_file() && !Format::Csv.needs_file());
    }
}
