//! Schema-directed readers: JSON, NDJSON, CSV (optionally gzip) into columnar batches.

pub mod convert;
