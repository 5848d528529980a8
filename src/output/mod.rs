//! Result writers: CSV, NDJSON, JSON.
