//! Chunk buffers, reused.

use std::sync::{Arc, Mutex};

/// Chunk buffers handed back once their batch is done, so that the next chunks reuse memory that
/// is already mapped and initialized: allocating a fresh buffer for every chunk costs a page fault
/// per 4 KiB and a `memset`, a large share of the reading thread's time.
#[derive(Debug, Clone, Default)]
pub(crate) struct BufferPool {
    free: Arc<Mutex<Vec<Vec<u8>>>>,
}

/// Buffers kept for reuse; more than the pipeline has in flight are dropped.
const POOL_MAX: usize = 8;

impl BufferPool {
    /// Gives a chunk's buffer back for reuse.
    pub fn put(&self, buf: Vec<u8>) {
        if buf.capacity() == 0 {
            return;
        }
        if let Ok(mut free) = self.free.lock() {
            if free.len() < POOL_MAX {
                free.push(buf);
            }
        }
    }

    /// A buffer of at least `len` initialized bytes (their values are unspecified).
    pub(super) fn take(&self, len: usize) -> Vec<u8> {
        match self.free.lock().ok().and_then(|mut free| free.pop()) {
            Some(mut buf) => {
                if buf.len() < len {
                    buf.resize(len, 0);
                }
                buf
            }
            // Zeroed by the allocator: fresh pages cost nothing until they are touched.
            None => vec![0; len],
        }
    }
}
