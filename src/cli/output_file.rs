//! Where results go: stdout, or `-o FILE` written atomically (a temporary file beside it, renamed
//! over the target when the run succeeded), so a failed run leaves no file and an existing file
//! untouched.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::error::Failure;

/// A file written atomically: to a temporary file beside it, renamed over the target on
/// [`AtomicFile::commit`]. Dropped without commit, the temporary file is removed and an existing
/// target is left untouched (docs/language.md, "How data is read").
pub(crate) struct AtomicFile {
    path: PathBuf,
    temp: PathBuf,
    file: Option<std::io::BufWriter<std::fs::File>>,
}

impl AtomicFile {
    pub(crate) fn create(path: &Path) -> Result<AtomicFile, String> {
        let name = path
            .file_name()
            .map_or_else(|| "out".into(), |n| n.to_string_lossy());
        let temp = path.with_file_name(format!(".{name}.smql-{}.tmp", std::process::id()));
        let file = std::fs::File::create(&temp)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            temp,
            file: Some(std::io::BufWriter::with_capacity(1 << 20, file)),
        })
    }

    /// The file this will become.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn commit(mut self) -> Result<(), String> {
        let file = self.file.take();
        let done = file
            .map_or(Ok(()), |f| {
                f.into_inner().map(drop).map_err(|e| e.into_error())
            })
            .and_then(|()| std::fs::rename(&self.temp, &self.path));
        done.map_err(|e| format!("cannot write `{}`: {e}", self.path.display()))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(std::io::Error::other("file already committed")),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.write_all(buf),
            None => Err(std::io::Error::other("file already committed")),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.as_mut().map_or(Ok(()), |f| f.flush())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// Where results go: stdout, or `-o FILE` written atomically.
pub(crate) enum Sink {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    File(AtomicFile),
}

impl Sink {
    pub(crate) fn open(output: Option<&Path>) -> Result<Sink, Failure> {
        match output {
            None => Ok(Sink::Stdout(std::io::BufWriter::with_capacity(
                1 << 20,
                std::io::stdout(),
            ))),
            Some(p) => AtomicFile::create(p)
                .map(Sink::File)
                .map_err(Failure::usage),
        }
    }

    /// Flushes stdout, or renames the file into place.
    pub(crate) fn commit(self) -> Result<(), Failure> {
        match self {
            Sink::Stdout(mut w) => w.flush().map_err(Failure::from),
            Sink::File(f) => f.commit().map_err(Failure::usage),
        }
    }

    /// Writes `text` and commits.
    pub(crate) fn write_text(output: Option<&Path>, text: &str) -> Result<(), Failure> {
        let mut sink = Sink::open(output)?;
        sink.write_all(text.as_bytes())?;
        sink.commit()
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Stdout(w) => w.write(buf),
            Sink::File(f) => f.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::Stdout(w) => w.write_all(buf),
            Sink::File(f) => f.write_all(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Stdout(w) => w.flush(),
            Sink::File(f) => f.flush(),
        }
    }
}
