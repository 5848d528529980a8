//! Where results go: stdout, or `-o FILE` written atomically (a temporary file beside it, renamed
//! over the target when the run succeeded), so a failed run leaves no file and an existing file
//! untouched; devices and pipes are written in place (see [`AtomicFile`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::error::Failure;

/// An output file (`-o FILE`, `--rejects FILE`, a file `fmt` rewrites).
///
/// A regular file (or one that does not exist yet) is written atomically: to a temporary file
/// beside it, renamed over it on [`AtomicFile::commit`] with the old file's permissions; dropped
/// without commit, the temporary file is removed and an existing file is left untouched. A
/// symbolic link is followed, and its target replaced the same way in the target's directory
/// (the link stays a link). A character device, FIFO or socket (`/dev/null`, a named pipe) is
/// written directly: renaming a file over `/dev/null` would replace the device for every
/// program on the machine. A directory or a read-only file is an error before anything is
/// written.
pub(crate) struct AtomicFile {
    /// The path as given, for messages.
    path: PathBuf,
    /// Where the bytes end up: `path`, or the target of the links it names.
    target: PathBuf,
    /// The temporary file renamed over `target` on commit; `None` when writing `target` directly.
    temp: Option<PathBuf>,
    permissions: Option<std::fs::Permissions>,
    file: Option<std::io::BufWriter<std::fs::File>>,
}

impl AtomicFile {
    pub(crate) fn create(path: &Path) -> Result<AtomicFile, String> {
        let cannot = |e: std::io::Error| format!("cannot write `{}`: {e}", path.display());
        let target = follow_links(path)?;
        let existing = match std::fs::metadata(&target) {
            Ok(m) => Some(m),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(cannot(e)),
        };
        if let Some(m) = &existing {
            if m.is_dir() {
                return Err(format!(
                    "`{}` is a directory; give the name of a file to write",
                    path.display()
                ));
            }
            if !m.is_file() {
                // A device, FIFO or socket: written in place, never replaced.
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&target)
                    .map_err(cannot)?;
                return Ok(AtomicFile {
                    path: path.to_path_buf(),
                    target,
                    temp: None,
                    permissions: None,
                    file: Some(std::io::BufWriter::with_capacity(1 << 20, file)),
                });
            }
            if m.permissions().readonly() {
                return Err(format!(
                    "cannot write `{}`: the file is read-only; make it writable or write elsewhere",
                    path.display()
                ));
            }
        }
        let name = target
            .file_name()
            .map_or_else(|| "out".into(), |n| n.to_string_lossy());
        let temp = target.with_file_name(format!(".{name}.smql-{}.tmp", std::process::id()));
        let file = std::fs::File::create(&temp).map_err(cannot)?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            target,
            temp: Some(temp),
            permissions: existing.map(|m| m.permissions()),
            file: Some(std::io::BufWriter::with_capacity(1 << 20, file)),
        })
    }

    /// The file this will become, as given.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn commit(mut self) -> Result<(), String> {
        let file = self.file.take();
        let flushed = file.map_or(Ok(()), |f| {
            f.into_inner().map(drop).map_err(|e| e.into_error())
        });
        let temp = self.temp.take();
        let done = flushed.and_then(|()| match &temp {
            None => Ok(()),
            Some(temp) => {
                let kept = match &self.permissions {
                    Some(p) => std::fs::set_permissions(temp, p.clone()),
                    None => Ok(()),
                };
                kept.and_then(|()| std::fs::rename(temp, &self.target))
            }
        });
        if let (Err(_), Some(temp)) = (&done, &temp) {
            // A failed flush (a full disk) or rename: nothing half-written stays behind.
            let _ = std::fs::remove_file(temp);
        }
        done.map_err(|e| format!("cannot write `{}`: {e}", self.path.display()))
    }
}

/// The path a chain of symbolic links leads to (the path itself when it is no link); the last
/// target need not exist yet.
fn follow_links(path: &Path) -> Result<PathBuf, String> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let next = std::fs::read_link(&current)
                    .map_err(|e| format!("cannot read the link `{}`: {e}", current.display()))?;
                current = match current.parent() {
                    Some(dir) if next.is_relative() => dir.join(next),
                    _ => next,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(format!(
        "cannot write `{}`: too many levels of symbolic links",
        path.display()
    ))
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
        // Not committed: the temporary file goes, the target stays as it was.
        if let (Some(_), Some(temp)) = (self.file.take(), &self.temp) {
            let _ = std::fs::remove_file(temp);
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
