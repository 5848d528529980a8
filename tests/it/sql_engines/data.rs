//! The leads of the random rule sets (`crate::support::gen`) for the SQL engines. They differ
//! from the JIT test's where SQL engines cannot store smql's values: instants stay within the
//! years 1 to 9999, and the text has no capital sigma, whose `lower` the SQL refuses at run time
//! (see `src/sql/text.rs`), but has quotes and backslashes, which literals must keep.

use crate::support::gen::{leads, Pools, Tape};

/// NDJSON leads drawn from the tape. With `moderate`, no number is so large or small that
/// PostgreSQL's double arithmetic stops with "value out of range" (it checks overflow and
/// underflow where IEEE gives infinities and zeros), and no -0.0, which a JSON number loses
/// on its way into PostgreSQL (`numeric` has no negative zero).
pub fn data(t: &mut Tape, rows: usize, moderate: bool) -> String {
    let strs = [
        "",
        "a",
        "A",
        "Ab c",
        "ÉCOLE",
        "école",
        "straße",
        "STRASSE",
        "İstanbul",
        "x@Gmail.COM",
        "VP Marketing",
        "  padded  ",
        "σας",
        "it's",
        "a\\b",
        "visit",
        "gmail.com",
    ];
    let nums = if moderate {
        [0.0, -1.0, 2.5, -1e15, 1e15, 0.1, 123.456, -7.0, 1e-15, 1e16]
    } else {
        [
            0.0, -0.0, 2.5, -1e300, 1e300, 0.1, 123.456, -7.0, 5e-324, 1e16,
        ]
    };
    let instants = [
        0i64,
        -1,
        1,
        86_400_000,
        1_790_000_000_000,
        1_793_491_200_000,
        -62_135_596_800_000,
        253_402_300_799_999,
        -62_135_596_799_999,
        253_402_300_000_000,
        1_793_400_000_000,
    ]
    // As RFC 3339 text: a JSON integer is epoch milliseconds only with 11 to 13 digits.
    .map(smql::time::format_timestamp);
    let pools = Pools {
        strs: &strs,
        nums: &nums,
        instants: &instants,
    };
    leads(t, rows, &pools)
}
