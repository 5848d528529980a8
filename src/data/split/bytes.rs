//! A chunk's bytes: a buffer the input was read into, or a range of the mapped input file
//! (`data/mapped.rs`), which is not copied at all.

use super::BufferPool;
use crate::data::mapped::MappedFile;
use std::sync::Arc;

pub(crate) enum ChunkBytes {
    /// A buffer whose first bytes are the chunk's (see `Chunk::len`); the rest is unused.
    Owned(Vec<u8>),
    /// `file[start..end]`; its pages leave the process's memory when this is dropped.
    Mapped {
        file: Arc<MappedFile>,
        start: usize,
        end: usize,
    },
}

impl ChunkBytes {
    /// Gives a buffer back to `pool` for the next chunks; a mapped range's pages are released.
    pub fn recycle(mut self, pool: &BufferPool) {
        if let ChunkBytes::Owned(buf) = &mut self {
            pool.put(std::mem::take(buf));
        }
    }

    /// Bytes `start..end` as chunk bytes of their own: the same range of a mapping, or a copy
    /// into a buffer from `pool`.
    pub fn part(&self, start: usize, end: usize, pool: &BufferPool) -> ChunkBytes {
        match self {
            ChunkBytes::Mapped {
                file, start: at, ..
            } => ChunkBytes::Mapped {
                file: file.clone(),
                start: at + start,
                end: at + end,
            },
            ChunkBytes::Owned(buf) => {
                let mut part = pool.take(end - start);
                part[..end - start].copy_from_slice(&buf[start..end]);
                ChunkBytes::Owned(part)
            }
        }
    }

    /// Keeps the first `len` bytes: a mapped range shrinks to them (so that only their pages
    /// are released when it is dropped); a buffer keeps its length, for reuse.
    pub fn keep(&mut self, len: usize) {
        if let ChunkBytes::Mapped { start, end, .. } = self {
            *end = (*start + len).min(*end);
        }
    }

    /// The bytes as a buffer of their own (copied from a mapping).
    pub fn into_vec(mut self) -> Vec<u8> {
        match &mut self {
            ChunkBytes::Owned(buf) => std::mem::take(buf),
            ChunkBytes::Mapped { .. } => self.to_vec(),
        }
    }
}

impl Clone for ChunkBytes {
    fn clone(&self) -> ChunkBytes {
        match self {
            ChunkBytes::Owned(buf) => ChunkBytes::Owned(buf.clone()),
            ChunkBytes::Mapped { file, start, end } => ChunkBytes::Mapped {
                file: file.clone(),
                start: *start,
                end: *end,
            },
        }
    }
}

impl Default for ChunkBytes {
    fn default() -> ChunkBytes {
        ChunkBytes::Owned(Vec::new())
    }
}

impl std::ops::Deref for ChunkBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            ChunkBytes::Owned(buf) => buf,
            ChunkBytes::Mapped { file, start, end } => {
                file.bytes().get(*start..*end).unwrap_or_default()
            }
        }
    }
}

impl Drop for ChunkBytes {
    fn drop(&mut self) {
        if let ChunkBytes::Mapped { file, start, end } = self {
            file.release(*start, *end);
        }
    }
}

impl std::fmt::Debug for ChunkBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChunkBytes::Owned(buf) => write!(f, "Owned({} bytes)", buf.len()),
            ChunkBytes::Mapped { start, end, .. } => write!(f, "Mapped({start}..{end})"),
        }
    }
}
