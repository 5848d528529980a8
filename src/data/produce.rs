//! Batches decoded on a reading thread of their own, for the formats whose libraries read a
//! file by seeking and hand out typed values (`.xlsx`, `.parquet`) rather than bytes to split.
//!
//! ```text
//!  producer thread                          calling thread (Reader::next_chunk)
//!  open, bind the header ──Bound(warnings)──▶ Reader::new returns (or its InputError)
//!  rows → BatchBuilder ─────Batch(Decoded)──▶ Work::Decoded ─▶ pipeline workers: process only
//! ```
//!
//! Why a thread: calamine's streaming cell reader borrows the workbook, so the two cannot be kept
//! in a `Reader` between calls; a thread owns both for as long as the sheet is read. Parquet uses
//! the same path so that both formats behave alike, and decoding overlaps with evaluation and
//! writing. The channel holds at most [`AHEAD`] batches, so memory stays bounded by a few
//! batches; when the reader is dropped (a run that stopped early), the next send fails and the
//! thread ends. Record numbers and sequence numbers are given here, in order, so the pipeline's
//! ordering and reject accounting are those of the other formats.

use super::batch::{BatchBuilder, BatchParts};
use super::reader::Decoded;
use super::reject::InputError;
use crate::ir::Schema;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

/// Batches decoded ahead of the pipeline, waiting in the channel.
const AHEAD: usize = 2;

enum Message {
    /// The header was bound to the schema: these warnings and notes, or why it could not be.
    Bound(Result<(Vec<String>, Vec<String>), InputError>),
    Batch(Decoded),
    /// Reading failed after the batches already sent.
    Failed(InputError),
}

/// The receiving end, held by the `Reader`.
pub(crate) struct Produced {
    rx: Receiver<Message>,
    done: bool,
}

/// What a producer body gets: where to send, and what it needs to build batches.
pub(crate) struct Sink {
    tx: SyncSender<Message>,
    bound: bool,
    schema: Schema,
    /// Emptied batches handed back by the pipeline (the decoder's pool).
    parts: Arc<Mutex<Vec<BatchParts>>>,
    next_seq: u64,
    /// Progress: the input's size, and how much of it counts as read.
    total_bytes: Option<u64>,
    bytes_read: Arc<AtomicU64>,
}

impl Sink {
    /// Reports the header bound, with its warnings and notes; call once, before the first
    /// batch.
    pub fn bound(&mut self, warnings: Vec<String>, notes: Vec<String>) -> bool {
        self.bound = true;
        self.tx.send(Message::Bound(Ok((warnings, notes)))).is_ok()
    }

    /// A builder for the next batch, reusing a finished batch's buffers when there is one.
    pub fn builder(&self, capacity: usize) -> BatchBuilder {
        let recycled = self.parts.lock().ok().and_then(|mut free| free.pop());
        match recycled {
            Some(parts) => BatchBuilder::reusing(parts),
            None => BatchBuilder::new(&self.schema, capacity),
        }
    }

    /// Sends a finished batch; false once nobody is listening (stop reading).
    pub fn batch(&mut self, b: BatchBuilder, rejects: Vec<super::Reject>) -> bool {
        let batch = b.finish(crate::data::split::ChunkBytes::default(), self.next_seq);
        self.next_seq += 1;
        self.tx
            .send(Message::Batch(Decoded { batch, rejects }))
            .is_ok()
    }

    /// Progress for the user: `done` of `of` units (rows) read, counted as that share of the
    /// file's bytes.
    pub fn progress(&self, done: u64, of: u64) {
        if let (Some(total), true) = (self.total_bytes, of > 0) {
            let share = (u128::from(total) * u128::from(done.min(of)) / u128::from(of)) as u64;
            self.bytes_read.store(share, Ordering::Relaxed);
        }
    }
}

/// Starts `body` on a thread of its own and waits until it has bound the header (its warnings
/// and notes) or failed to.
pub(crate) fn spawn<F>(
    name: &str,
    schema: &Schema,
    parts: Arc<Mutex<Vec<BatchParts>>>,
    (bytes_read, total_bytes): (Arc<AtomicU64>, Option<u64>),
    body: F,
) -> Result<(Produced, Vec<String>, Vec<String>), InputError>
where
    F: FnOnce(&mut Sink) -> Result<(), InputError> + Send + 'static,
{
    let (tx, rx) = sync_channel(AHEAD);
    let mut sink = Sink {
        tx,
        bound: false,
        schema: schema.clone(),
        parts,
        next_seq: 0,
        total_bytes,
        bytes_read,
    };
    let input = name.to_string();
    let thread_input = input.clone();
    let spawned = std::thread::Builder::new()
        .name("smql-reader".to_string())
        .spawn(move || {
            let outcome = catch_unwind(AssertUnwindSafe(|| body(&mut sink)));
            let error = match outcome {
                Ok(Ok(())) => return,
                Ok(Err(e)) => e,
                Err(_) => InputError::Format {
                    input: thread_input,
                    message: "internal error: the reading thread panicked".to_string(),
                    help: None,
                },
            };
            let message = if sink.bound {
                Message::Failed(error)
            } else {
                Message::Bound(Err(error))
            };
            // Nobody listening any more is fine: the run has ended.
            let _ = sink.tx.send(message);
        });
    if let Err(error) = spawned {
        return Err(InputError::Io { input, error });
    }
    match rx.recv() {
        Ok(Message::Bound(Ok((warnings, notes)))) => {
            Ok((Produced { rx, done: false }, warnings, notes))
        }
        Ok(Message::Bound(Err(e)) | Message::Failed(e)) => Err(e),
        // A body that sends a batch before binding, or ends without a word, is a bug here.
        Ok(Message::Batch(_)) | Err(_) => Err(InputError::Format {
            input,
            message: "internal error: the reading thread ended before reading the header"
                .to_string(),
            help: None,
        }),
    }
}

impl Produced {
    /// The next batch, `None` at the end of the input.
    pub fn next(&mut self) -> Result<Option<Decoded>, InputError> {
        if self.done {
            return Ok(None);
        }
        match self.rx.recv() {
            Ok(Message::Batch(d)) => Ok(Some(d)),
            Ok(Message::Failed(e) | Message::Bound(Err(e))) => {
                self.done = true;
                Err(e)
            }
            Ok(Message::Bound(Ok(_))) | Err(_) => {
                // The body returned: every batch was sent.
                self.done = true;
                Ok(None)
            }
        }
    }
}
