//! An input file mapped into memory, so that its chunks are handed to the workers as ranges of
//! the mapping rather than copied out of the kernel by `read` (about a tenth of the CPU of a
//! run over NDJSON: `benches/duckdb_compare.sh`, see the README's performance section).
//!
//! The price, as for ripgrep's memory maps: a file truncated by another process while smql maps
//! it ends the run with `SIGBUS`. `--no-mmap` reads with `read` instead; inputs that are not
//! regular files (standard input, pipes), gzip files and small files are always read that way.
//!
//! Memory stays flat: the pages of a chunk are dropped from the mapping once its batch is done
//! ([`MappedFile::release`]), so the resident size is that of the chunks in flight, as with
//! buffers, not that of the file.

use std::fs::File;
use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Files smaller than this are read: mapping them saves nothing measurable.
pub(crate) const MAP_MIN_BYTES: u64 = 1 << 20;

/// The page size the releases round to. Releasing whole pages only; a larger real page size
/// makes `madvise` round the range out to its pages, which is still correct (see `release`).
const PAGE: usize = 4096;

pub(crate) struct MappedFile {
    map: memmap2::Mmap,
}

impl std::fmt::Debug for MappedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MappedFile({} bytes)", self.map.len())
    }
}

impl MappedFile {
    /// Maps `file`, a regular file of `len` bytes; `None` when it cannot be mapped (then it is
    /// read instead).
    pub fn open(file: &File, len: u64) -> Option<MappedFile> {
        if len == 0 || usize::try_from(len).is_err() {
            return None;
        }
        // SAFETY: a read-only shared mapping of a regular file, which smql never writes
        // through. Another process may change the file while it is mapped: its bytes then
        // change under us, which no byte value can make unsound (every reader checks what it
        // reads, as it would after a `read` that raced with the writer); if it truncates the
        // file, touching the lost pages raises SIGBUS and ends the run (the documented cost of
        // mapping, as in ripgrep; `--no-mmap` avoids it).
        let map = unsafe { memmap2::Mmap::map(file) }.ok()?;
        // Only a hint (read-ahead); failing to give it changes nothing.
        #[cfg(unix)]
        let _ = map.advise(memmap2::Advice::Sequential);
        Some(MappedFile { map })
    }

    pub fn bytes(&self) -> &[u8] {
        &self.map
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Elsewhere the pages stay mapped until the whole map is dropped.
    #[cfg(not(unix))]
    pub fn release(&self, _start: usize, _end: usize) {}

    /// Drops the whole pages of `start..end` from the mapping: the bytes stay in the file and
    /// the page cache, and a later access would read them again, but they no longer count in
    /// this process's memory. Called when a chunk's batch is done.
    #[cfg(unix)]
    pub fn release(&self, start: usize, end: usize) {
        let start = start.next_multiple_of(PAGE);
        let end = end.min(self.map.len()) / PAGE * PAGE;
        if end <= start {
            return;
        }
        // SAFETY: `MADV_DONTNEED` on a shared read-only file mapping only unmaps the pages: the
        // next access to one maps it again from the page cache with the same bytes (the file's),
        // so no slice of the mapping, including one still held by another chunk on a shared
        // boundary page, ever sees different contents than the file's. The range is within
        // the mapping.
        let _ = unsafe {
            self.map
                .unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, start, end - start)
        };
    }
}

/// Reads the mapped file from `pos` on, as a stream: the chunker's fallback when it must change
/// bytes it holds (an oversized record's middle is dropped in place), which a mapping forbids.
pub(crate) struct MapReader {
    pub file: Arc<MappedFile>,
    pub pos: usize,
    /// The input's progress counter (bytes of the file handed on).
    pub progress: Arc<AtomicU64>,
}

impl Read for MapReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let rest = self.file.bytes().get(self.pos..).unwrap_or_default();
        let n = rest.len().min(out.len());
        out[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        self.progress.store(self.pos as u64, Ordering::Relaxed);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A file of `bytes` (removed when the test's process ends its use of it) and its map.
    fn mapped(name: &str, bytes: &[u8]) -> MappedFile {
        let path = std::env::temp_dir().join(format!("smql-map-{name}-{}", std::process::id()));
        std::fs::File::create(&path)
            .and_then(|mut f| f.write_all(bytes))
            .expect("writes a temporary file");
        let file = File::open(&path).expect("opens it");
        let map = MappedFile::open(&file, bytes.len() as u64);
        let _ = std::fs::remove_file(&path);
        map.expect("maps it")
    }

    #[test]
    fn released_pages_read_the_same_bytes_again() {
        let bytes: Vec<u8> = (0..5 * PAGE + 123).map(|i| (i % 251) as u8).collect();
        let map = mapped("release", &bytes);
        assert_eq!(map.bytes(), &bytes[..]);
        // Ranges of every alignment, including past the end and empty ones.
        for (start, end) in [(0, 10), (1, 3 * PAGE + 7), (PAGE, 2 * PAGE), (7, 9 * PAGE)] {
            map.release(start, end);
            assert_eq!(map.bytes(), &bytes[..]);
        }
    }

    #[test]
    fn an_empty_file_is_not_mapped() {
        let path = std::env::temp_dir().join(format!("smql-map-empty-{}", std::process::id()));
        let file = File::create(&path).expect("creates a temporary file");
        assert!(MappedFile::open(&file, 0).is_none());
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn the_reader_streams_the_rest() {
        let map = mapped("reader", b"hello, world");
        let progress = Arc::new(AtomicU64::new(0));
        let mut r = MapReader {
            file: Arc::new(map),
            pos: 7,
            progress: progress.clone(),
        };
        let mut out = String::new();
        r.read_to_string(&mut out).expect("reads");
        assert_eq!(out, "world");
        assert_eq!(progress.load(Ordering::Relaxed), 12);
    }
}
