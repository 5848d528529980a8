//! Schema-directed readers: JSON, NDJSON, CSV (optionally gzip), `.xlsx` and `.parquet` into
//! columnar batches.
//!
//! ```text
//!  Input ──Chunker──▶ Chunk (whole records, raw bytes) ──Decoder──▶ Batch + Rejects
//!  (file/stdin,        NDJSON: lines; CSV: records        JSON: a schema-directed scanner, else
//!   gzip sniffed)      outside quotes; JSON array:          serde seeds driven by the schema
//!                      top-level elements                 CSV: cells between commas, else
//!                                                           csv-core cells; header bound once
//! ```
//!
//! Each format has a fast path for the common shape of a record (`json_scan`: no escapes in
//! keys, plain numbers; CSV: no quotes) that never rejects: when a record is not that simple,
//! the columns are rolled back and the general path reads it again, so results and messages are
//! the general path's. The chunk's UTF-8 is checked once, chunk buffers are reused once their
//! batch is done, and short strings are interned through a small cache (see [`dict`]).
//!
//! * [`Input`] opens a file (format from the name, `.gz` or gzip magic), stdin or any reader.
//! * [`Reader`] binds an input to a [`crate::ir::Schema`] (for CSV: reads the header, reports
//!   missing columns as an error or as [`Reader::warnings`]) and hands out chunks.
//! * [`Reader::next_batch`] (or a pipeline worker) turns a chunk into a [`Batch`] (see [`batch`] for
//!   the column layout) and the [`Reject`]s of records that do not fit.
//! * `crate::pipeline` runs decoding and evaluation in parallel, in input order.
//! * `.xlsx` (`xlsx.rs`) and `.parquet` (`parquet.rs`) are read by libraries that seek in a
//!   file and hand out typed values: a reading thread of their own (`produce.rs`) decodes them
//!   straight into batches, which the pipeline then only processes.
//! * [`infer`] guesses a schema from an export's first rows (`smql init`).
//!
//! Conversions follow docs/language.md, "How data is read" and [`convert`]; records that do not fit are rejects, never
//! guessed; nothing here panics or recurses on input.
//!
//! ```
//! use smql::data::{ChunkSize, Format, Input, Reader};
//! # use smql::ir::{Schema, Field, Ty};
//! # let field = |name: &str, ty: Ty| Field::new(name, name, ty, smql::Span::default());
//! let schema = Schema::new(vec![field("id", Ty::String), field("visits", Ty::Int)], None);
//! let text = b"{\"id\": \"a\", \"visits\": 3}\n{\"id\": \"b\", \"visits\": \"x\"}\n".to_vec();
//! let input = Input::from_bytes("leads.ndjson", text, Format::Ndjson).unwrap();
//! let (batches, rejects) = Reader::new(input, &schema, ChunkSize::default()).unwrap().read_all().unwrap();
//! assert_eq!(batches[0].len(), 1);
//! assert_eq!(rejects[0].describe("leads.ndjson"),
//!     "leads.ndjson: record 2 (line 2): field `visits`: expected int, found `\"x\"`");
//! ```

pub mod batch;
pub mod convert;
mod csv;
pub mod dict;
mod fields;
mod header;
pub mod infer;
mod input;
mod json;
mod json_scan;
mod mapped;
#[cfg(feature = "parquet")]
mod parquet;
mod produce;
mod reader;
mod reject;
mod split;
mod text;
mod typed;
mod xlsx;

pub use batch::{Batch, Column, ListColumn, RecordsColumn, RowOrigin, Scalar};
pub use dict::StringDict;
pub use fields::StringSharing;
pub use input::{DataSource, Format, Input, Overrides};
pub(crate) use reader::Work;
pub use reader::{Decoded, Decoder, Reader};
pub use reject::{shorten, InputError, MissingColumn, Reject};
pub use split::ChunkSize;
pub(crate) use split::Parts;
