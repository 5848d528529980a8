//! Opening an input: a file (its format from the name, gzip from `.gz` or the gzip magic bytes),
//! standard input with an explicit format, or any reader.

use super::reject::InputError;
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
}

impl Format {
    /// `json`, `ndjson`, `jsonl` or `csv` (as in `--input-format`, or a file extension).
    pub fn from_name(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "json" => Some(Format::Json),
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            "csv" => Some(Format::Csv),
            _ => None,
        }
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
    /// What the command line says of this input over the rules' `input` block.
    pub(crate) overrides: Overrides,
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
        let total = file.metadata().ok().map(|m| m.len());
        let mut input = Input::from_reader(&name, file, format)?;
        input.total_bytes = total;
        Ok(input)
    }

    /// Reads `reader` as `format`, decompressing if it starts with the gzip magic bytes.
    pub fn from_reader(
        name: &str,
        reader: impl Read + Send + 'static,
        format: Format,
    ) -> Result<Input, InputError> {
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
        let reader: Box<dyn Read + Send> = if head.starts_with(&[0x1f, 0x8b]) {
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
            overrides: Overrides::default(),
        })
    }

    /// An input held in memory (tests, embedding).
    pub fn from_bytes(name: &str, bytes: Vec<u8>, format: Format) -> Result<Input, InputError> {
        let total = bytes.len() as u64;
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

    /// Reads timestamps without an offset as local time in the IANA zone `name`, whatever the
    /// rules' `input` block says; an error if there is no such zone.
    pub fn with_time_zone(mut self, name: &str) -> Result<Input, String> {
        crate::time::zone::Zone::new(name)?;
        self.overrides.time_zone = Some(name.to_string());
        Ok(self)
    }
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
    }
}
