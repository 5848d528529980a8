//! What each SQL dialect can say and how it spells it: one table per dialect, read by the one
//! lowering in `lower`. Adding a dialect is adding a table here (the shape of PRQL's dialect
//! handlers and dbt's dispatch macros): the lowering asks questions ("does `/` by zero give
//! IEEE results?", "how is a list filtered?"), never "which engine is this?".
//!
//! Every entry was checked against the engine's documentation, and for DuckDB, PostgreSQL and
//! Spark on the engine itself by `tests/it/sql_engines`. The reasons are kept beside the entries.

use clap::ValueEnum;

/// A target of `smql compile --dialect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum)]
pub enum Dialect {
    /// DuckDB 1.1 or later (lambdas written `lambda x: …`).
    Duckdb,
    /// PostgreSQL 12 or later.
    Postgres,
    /// Spark SQL 3.4 or later (with or without ANSI mode).
    Spark,
    /// Google BigQuery (GoogleSQL).
    Bigquery,
    /// Snowflake.
    Snowflake,
}

impl Dialect {
    /// Every dialect, in the order the help lists them.
    pub const ALL: [Dialect; 5] = [
        Dialect::Duckdb,
        Dialect::Postgres,
        Dialect::Spark,
        Dialect::Bigquery,
        Dialect::Snowflake,
    ];

    /// The dialect's table.
    pub fn spec(self) -> &'static Spec {
        match self {
            Dialect::Duckdb => &DUCKDB,
            Dialect::Postgres => &POSTGRES,
            Dialect::Spark => &SPARK,
            Dialect::Bigquery => &BIGQUERY,
            Dialect::Snowflake => &SNOWFLAKE,
        }
    }

    /// The engine's name as people write it (`DuckDB`), for messages.
    pub fn name(self) -> &'static str {
        self.spec().name
    }
}

/// How string literals are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strings {
    /// `'…'` with `''` for a quote; a backslash is an ordinary character.
    Standard,
    /// The parser unescapes backslashes (and, in Spark, joins `'a''b'` into `'ab'`): a literal
    /// holding a quote, a backslash or a control character is built from `chr(N)` pieces.
    Backslash {
        /// The function that makes a one-character string from a code point.
        chr: Chr,
    },
}

/// How a code point becomes a one-character string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chr {
    /// `CHR(n)` (Spark, Snowflake).
    Chr,
    /// `CODE_POINTS_TO_STRING([n])` (BigQuery).
    CodePoints,
}

/// How list elements are visited (`count(L where C)`, `any`, `earliest`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lists {
    /// Higher-order functions with lambdas: `filter(l, x -> c)` and friends.
    Lambda(LambdaFns),
    /// Correlated subqueries over `UNNEST`: `(SELECT count(*) FROM unnest(l) AS x(v) WHERE c)`.
    Unnest(UnnestFns),
}

/// The higher-order list functions of a lambda dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LambdaFns {
    /// `lambda x: body` (DuckDB 1.3 and later; the arrow form is deprecated, gone in 2.x).
    pub keyword: bool,
    pub filter: &'static str,
    pub transform: &'static str,
    pub size: &'static str,
    pub min: &'static str,
    pub max: &'static str,
    /// A left fold `aggregate(l, start, (acc, x) -> …)`, which keeps smql's order of
    /// additions; else the dialect's list sum is used.
    pub fold: Option<&'static str>,
    pub sum: &'static str,
}

/// The `UNNEST` form of a subquery dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnnestFns {
    /// PostgreSQL: `unnest(l) AS x(v)`, records from `jsonb_array_elements(l) AS x(v)`.
    Postgres,
    /// BigQuery: `UNNEST(l) AS x`, the element is `x`.
    BigQuery,
}

/// How `list of { … }` columns are stored and their fields read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Records {
    /// An array of structs: `x.field`.
    Struct,
    /// A `jsonb` array (PostgreSQL): `x ->> 'field'`, cast to the field's type.
    Jsonb,
    /// An `ARRAY` of `OBJECT`s (Snowflake): `x:field::TYPE`.
    Variant,
}

/// What integer arithmetic does on overflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overflow {
    /// `BIGINT` arithmetic raises an error (DuckDB, PostgreSQL, BigQuery). Negation is
    /// written `0 - x`: DuckDB widens `-x` of the minimum to a HUGEINT instead of failing.
    Native,
    /// Spark: plain `+` wraps around without ANSI mode, so `try_add` (NULL on overflow) is
    /// wrapped in `coalesce(…, raise_error(…))`, whatever the session's mode.
    TryFunctions,
    /// Snowflake's integers are `NUMBER(38, 0)`: results are checked against the `i64` range.
    RangeCheck,
}

/// How the query stops with a message (an integer overflow, a refusal at run time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fail {
    /// A function that raises its argument: `error` (DuckDB), `raise_error` (Spark), `ERROR`
    /// (BigQuery).
    Function(&'static str),
    /// No such function (PostgreSQL, Snowflake): casting the message to an integer fails, and
    /// the engine's error quotes it.
    CastText,
}

/// How ordering comparisons treat NaN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nan {
    /// IEEE 754, as smql: NaN is not equal to, less or greater than anything (BigQuery).
    Ieee,
    /// NaN equals NaN and is greater than every number (DuckDB, PostgreSQL, Spark,
    /// Snowflake): comparisons of numbers are guarded with `isnan`.
    Total,
}

/// The regular expression engine behind `matches`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Regex {
    /// RE2 (DuckDB, BigQuery): the syntax smql's patterns come from.
    Re2,
    /// `java.util.regex` (Spark).
    Java,
    /// PostgreSQL's advanced regular expressions (ARE).
    PostgresAre,
    /// Snowflake: POSIX extended syntax; `REGEXP_LIKE` is anchored, `REGEXP_INSTR` is not.
    Posix,
}

/// The dialect's names of types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Types {
    pub int: &'static str,
    pub number: &'static str,
    pub string: &'static str,
    pub bool: &'static str,
    pub timestamp: &'static str,
    /// An integer type wider than 64 bits, for `within` and decay ages (no overflow).
    pub wide: &'static str,
}

/// How list types and literals are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrays {
    /// `[a, b]`, type `T[]` (DuckDB).
    Brackets,
    /// `ARRAY[a, b]`, type `T[]` (PostgreSQL).
    ArrayBrackets,
    /// `array(a, b)`, type `ARRAY<T>` (Spark).
    ArrayFn,
    /// `[a, b]`, type `ARRAY<T>` (BigQuery).
    BracketsGeneric,
    /// `ARRAY_CONSTRUCT(a, b)`, type `ARRAY` (Snowflake).
    Construct,
}

/// One dialect's table.
#[derive(Debug)]
pub struct Spec {
    /// As people write it, for messages.
    pub name: &'static str,
    /// The identifier quote.
    pub quote: char,
    pub strings: Strings,
    pub lists: Lists,
    pub records: Records,
    pub arrays: Arrays,
    pub overflow: Overflow,
    pub fail: Fail,
    pub nan: Nan,
    pub regex: Regex,
    pub types: Types,
    /// `x / 0.0` gives ±inf or NaN (else it fails or gives NULL, and is emulated).
    pub ieee_division: Option<&'static str>,
    /// `round` rounds half away from zero, as smql (PostgreSQL's rounds half to even).
    pub round_half_away: bool,
    /// `floor`/`ceil` of a double return a double (Spark's return a `BIGINT`).
    pub floor_is_double: bool,
    /// String ordering needs `COLLATE "C"` for byte order (PostgreSQL's default collation is
    /// the database's locale).
    pub collate_c: bool,
    /// `isnan(x)`, or `None` where NaN is tested as `x = 'NaN'`.
    pub isnan: Option<&'static str>,
    /// `contains(s, n)`-like function, else `strpos(s, n) > 0`.
    pub contains: Search,
    pub starts_with: Search,
    pub ends_with: Search,
    /// Characters of a string.
    pub char_length: &'static str,
    /// Elements of an array.
    pub cardinality: &'static str,
    /// `x` in array `l`.
    pub array_contains: ArrayContains,
    /// Timestamp → epoch milliseconds.
    pub to_epoch_ms: EpochMs,
    /// Epoch milliseconds → timestamp.
    pub from_epoch_ms: EpochMs,
    /// The engine's current instant.
    pub current_timestamp: &'static str,
    /// `regexp_matches(s, p)`-like: true when `p` matches somewhere in `s`.
    pub regex_search: Search,
    /// `trim` of a set of characters from both ends.
    pub trim_chars: TrimChars,
    /// The text after the last `@`.
    pub after_last_at: AfterLast,
    /// Largest `{n,m}` bound the regex engine accepts.
    pub max_repeat: u32,
    /// CTEs are written `AS MATERIALIZED`: PostgreSQL otherwise inlines each level into the
    /// next, copying an expression into every reference to it, which grows the query
    /// exponentially with the depth of the rules.
    pub materialized_ctes: bool,
    /// `COALESCE`, `AND` and `OR` evaluate their later operands only for the rows that need
    /// them, as smql's `??`, `and` and `or` do. Where not, an operand that can stop the query
    /// is written as a CASE branch, the one construct every engine evaluates lazily.
    pub lazy_operators: bool,
}

/// How a two-argument text test is spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Search {
    /// `f(s, n)`.
    Call(&'static str),
    /// `f(s, n) > 0` (a position, 0 when absent).
    PositionOf(&'static str),
    /// `s OP p` (PostgreSQL's `~`).
    Operator(&'static str),
    /// A prefix or suffix compared: `left(s, length(n)) = n` / `right(…)`.
    Slice,
}

/// How `x in l` (an array) is spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrayContains {
    /// `f(l, x)`.
    Call(&'static str),
    /// `x = ANY(l)` (PostgreSQL).
    Any,
    /// `x IN UNNEST(l)` (BigQuery).
    InUnnest,
    /// `ARRAY_CONTAINS(x::VARIANT, l)` (Snowflake).
    Variant,
}

/// A conversion between timestamps and epoch milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EpochMs {
    /// `f(x)`.
    Call(&'static str),
    /// PostgreSQL: `floor(extract(epoch FROM t) * 1000)`, and back
    /// `TIMESTAMPTZ 'epoch' + ms * INTERVAL '1 millisecond'`.
    Postgres,
    /// Snowflake: `DATE_PART(EPOCH_MILLISECOND, t)`, and back `TO_TIMESTAMP_TZ(ms, 3)`.
    Snowflake,
}

/// How a set of characters is trimmed from both ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrimChars {
    /// `f(s, chars)`.
    Call(&'static str),
    /// `TRIM(BOTH chars FROM s)` (Spark).
    Both,
}

/// How the text after the last `@` is taken (all of it when there is none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterLast {
    /// `split_part(s, '@', -1)`.
    SplitPart(&'static str),
    /// `substring_index(s, '@', -1)` (Spark).
    SubstringIndex,
    /// `ARRAY_REVERSE(SPLIT(s, '@'))[OFFSET(0)]` (BigQuery).
    ReverseSplit,
}

/// DuckDB: lambdas, RE2, IEEE division; NaN compares as the largest number.
pub static DUCKDB: Spec = Spec {
    name: "DuckDB",
    quote: '"',
    strings: Strings::Standard,
    lists: Lists::Lambda(LambdaFns {
        keyword: true,
        filter: "list_filter",
        transform: "list_transform",
        size: "len",
        min: "list_min",
        max: "list_max",
        fold: None,
        sum: "list_sum",
    }),
    records: Records::Struct,
    arrays: Arrays::Brackets,
    overflow: Overflow::Native,
    fail: Fail::Function("error"),
    nan: Nan::Total,
    regex: Regex::Re2,
    types: Types {
        int: "BIGINT",
        number: "DOUBLE",
        string: "VARCHAR",
        bool: "BOOLEAN",
        timestamp: "TIMESTAMPTZ",
        wide: "HUGEINT",
    },
    ieee_division: None,
    round_half_away: true,
    floor_is_double: true,
    collate_c: false,
    isnan: Some("isnan"),
    contains: Search::Call("contains"),
    starts_with: Search::Call("starts_with"),
    ends_with: Search::Call("ends_with"),
    char_length: "length",
    cardinality: "len",
    array_contains: ArrayContains::Call("list_contains"),
    to_epoch_ms: EpochMs::Call("epoch_ms"),
    from_epoch_ms: EpochMs::Call("epoch_ms"),
    current_timestamp: "current_timestamp",
    regex_search: Search::Call("regexp_matches"),
    trim_chars: TrimChars::Call("trim"),
    after_last_at: AfterLast::SplitPart("split_part"),
    max_repeat: 1000,
    materialized_ctes: false,
    // Checked on DuckDB: `false AND (x + y > 0)` fails when `x + y` overflows.
    lazy_operators: false,
};

/// PostgreSQL: subqueries over `unnest`, POSIX ARE, errors on float division by zero,
/// half-even `round`, locale collation.
pub static POSTGRES: Spec = Spec {
    name: "PostgreSQL",
    quote: '"',
    strings: Strings::Standard,
    lists: Lists::Unnest(UnnestFns::Postgres),
    records: Records::Jsonb,
    arrays: Arrays::ArrayBrackets,
    overflow: Overflow::Native,
    fail: Fail::CastText,
    nan: Nan::Total,
    regex: Regex::PostgresAre,
    types: Types {
        int: "BIGINT",
        number: "DOUBLE PRECISION",
        string: "TEXT",
        bool: "BOOLEAN",
        timestamp: "TIMESTAMPTZ",
        wide: "NUMERIC",
    },
    ieee_division: None,
    round_half_away: false,
    floor_is_double: true,
    collate_c: true,
    isnan: None,
    contains: Search::PositionOf("strpos"),
    starts_with: Search::Call("starts_with"),
    ends_with: Search::Slice,
    char_length: "char_length",
    cardinality: "cardinality",
    array_contains: ArrayContains::Any,
    to_epoch_ms: EpochMs::Postgres,
    from_epoch_ms: EpochMs::Postgres,
    current_timestamp: "current_timestamp",
    regex_search: Search::Operator("~"),
    trim_chars: TrimChars::Call("btrim"),
    after_last_at: AfterLast::SplitPart("split_part"),
    max_repeat: 255,
    materialized_ctes: true,
    // PostgreSQL documents COALESCE as lazy, and stops AND/OR at the deciding operand.
    lazy_operators: true,
};

/// Spark SQL: arrow lambdas, Java regex, backslash-escaped literals, `floor` returning
/// `BIGINT`, and arithmetic that depends on ANSI mode (so it is written not to).
pub static SPARK: Spec = Spec {
    name: "Spark",
    quote: '`',
    strings: Strings::Backslash { chr: Chr::Chr },
    lists: Lists::Lambda(LambdaFns {
        keyword: false,
        filter: "filter",
        transform: "transform",
        size: "size",
        min: "array_min",
        max: "array_max",
        fold: Some("aggregate"),
        sum: "aggregate",
    }),
    records: Records::Struct,
    arrays: Arrays::ArrayFn,
    overflow: Overflow::TryFunctions,
    fail: Fail::Function("raise_error"),
    nan: Nan::Total,
    regex: Regex::Java,
    types: Types {
        int: "BIGINT",
        number: "DOUBLE",
        string: "STRING",
        bool: "BOOLEAN",
        timestamp: "TIMESTAMP",
        wide: "DECIMAL(21, 0)",
    },
    ieee_division: None,
    round_half_away: true,
    floor_is_double: false,
    collate_c: false,
    isnan: Some("isnan"),
    contains: Search::PositionOf("instr"),
    starts_with: Search::Call("startswith"),
    ends_with: Search::Call("endswith"),
    char_length: "char_length",
    cardinality: "size",
    array_contains: ArrayContains::Call("array_contains"),
    to_epoch_ms: EpochMs::Call("unix_millis"),
    from_epoch_ms: EpochMs::Call("timestamp_millis"),
    current_timestamp: "current_timestamp",
    regex_search: Search::Call("regexp_like"),
    trim_chars: TrimChars::Both,
    after_last_at: AfterLast::SubstringIndex,
    max_repeat: 1000,
    materialized_ctes: false,
    // Spark short-circuits `coalesce`, `and` and `or`.
    lazy_operators: true,
};

/// BigQuery: subqueries over `UNNEST`, RE2, IEEE comparisons, `IEEE_DIVIDE`.
pub static BIGQUERY: Spec = Spec {
    name: "BigQuery",
    quote: '`',
    strings: Strings::Backslash {
        chr: Chr::CodePoints,
    },
    lists: Lists::Unnest(UnnestFns::BigQuery),
    records: Records::Struct,
    arrays: Arrays::BracketsGeneric,
    overflow: Overflow::Native,
    fail: Fail::Function("ERROR"),
    nan: Nan::Ieee,
    regex: Regex::Re2,
    types: Types {
        int: "INT64",
        number: "FLOAT64",
        string: "STRING",
        bool: "BOOL",
        timestamp: "TIMESTAMP",
        wide: "BIGNUMERIC",
    },
    ieee_division: Some("IEEE_DIVIDE"),
    round_half_away: true,
    floor_is_double: true,
    collate_c: false,
    isnan: Some("IS_NAN"),
    contains: Search::PositionOf("STRPOS"),
    starts_with: Search::Call("STARTS_WITH"),
    ends_with: Search::Call("ENDS_WITH"),
    char_length: "CHAR_LENGTH",
    cardinality: "ARRAY_LENGTH",
    array_contains: ArrayContains::InUnnest,
    to_epoch_ms: EpochMs::Call("UNIX_MILLIS"),
    from_epoch_ms: EpochMs::Call("TIMESTAMP_MILLIS"),
    current_timestamp: "CURRENT_TIMESTAMP",
    regex_search: Search::Call("REGEXP_CONTAINS"),
    trim_chars: TrimChars::Call("TRIM"),
    after_last_at: AfterLast::ReverseSplit,
    max_repeat: 1000,
    materialized_ctes: false,
    // BigQuery's documentation promises it for CASE only.
    lazy_operators: false,
};

/// Snowflake: arrow lambdas over `ARRAY`s of `OBJECT`s, `NUMBER(38, 0)` integers, POSIX
/// regexes, backslash-escaped literals.
pub static SNOWFLAKE: Spec = Spec {
    name: "Snowflake",
    quote: '"',
    strings: Strings::Backslash { chr: Chr::Chr },
    lists: Lists::Lambda(LambdaFns {
        keyword: false,
        filter: "FILTER",
        transform: "TRANSFORM",
        size: "ARRAY_SIZE",
        min: "ARRAY_MIN",
        max: "ARRAY_MAX",
        fold: Some("REDUCE"),
        sum: "REDUCE",
    }),
    records: Records::Variant,
    arrays: Arrays::Construct,
    overflow: Overflow::RangeCheck,
    fail: Fail::CastText,
    nan: Nan::Total,
    regex: Regex::Posix,
    types: Types {
        int: "NUMBER(38, 0)",
        number: "FLOAT",
        string: "VARCHAR",
        bool: "BOOLEAN",
        timestamp: "TIMESTAMP_TZ",
        wide: "NUMBER(38, 0)",
    },
    ieee_division: None,
    round_half_away: true,
    floor_is_double: true,
    collate_c: false,
    isnan: None,
    contains: Search::Call("CONTAINS"),
    starts_with: Search::Call("STARTSWITH"),
    ends_with: Search::Call("ENDSWITH"),
    char_length: "LENGTH",
    cardinality: "ARRAY_SIZE",
    array_contains: ArrayContains::Variant,
    to_epoch_ms: EpochMs::Snowflake,
    from_epoch_ms: EpochMs::Snowflake,
    current_timestamp: "CURRENT_TIMESTAMP",
    regex_search: Search::PositionOf("REGEXP_INSTR"),
    trim_chars: TrimChars::Call("TRIM"),
    after_last_at: AfterLast::SplitPart("SPLIT_PART"),
    max_repeat: 255,
    materialized_ctes: false,
    // Snowflake's documentation promises it for CASE only.
    lazy_operators: false,
};
