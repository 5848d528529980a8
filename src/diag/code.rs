//! Diagnostic codes and lint names, defined once, so that a misspelt code does not compile.
//!
//! The strings (`smql::type::mismatch`, `smql::lint::stage_skip`) are stable: tools match on
//! them in `--format json|github|sarif` output. The tables in the documentation of
//! `crate::syntax::parser`, `crate::check` and `crate::check::lints` list every code and lint
//! with its meaning; a test below compares them with [`Code::ALL`] and [`Lint::ALL`].

use std::cmp::Ordering;
use std::fmt;

/// Defines [`Lint`]: one variant per lint, with its name.
macro_rules! lints {
    ($($(#[doc = $doc:literal])* $variant:ident = $name:literal,)*) => {
        /// A lint: a warning with a proof, which `# smql: allow(NAME)` silences.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Lint {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Lint {
            /// Every lint, in the order of the documentation's table.
            pub const ALL: [Lint; [$(Lint::$variant),*].len()] = [$(Lint::$variant),*];

            /// The name written in `allow(…)`: `stage_skip`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Lint::$variant => $name,)*
                }
            }

            /// The code of its warnings: `smql::lint::stage_skip`.
            pub const fn code_str(self) -> &'static str {
                match self {
                    $(Lint::$variant => concat!("smql::lint::", $name),)*
                }
            }
        }
    };
}

lints! {
    /// A condition that never holds.
    Unsatisfiable = "unsatisfiable",
    /// A condition that always holds.
    AlwaysTrue = "always_true",
    /// A score item that never adds points.
    DeadItem = "dead_item",
    /// A grade arm that is never chosen.
    UnreachableArm = "unreachable_arm",
    /// Two items of one score (or group) with the same rule.
    DuplicateItem = "duplicate_item",
    /// A stage reachable without the stage before it.
    StageSkip = "stage_skip",
    /// A test without `as of` that reads the current time.
    TestNeedsAsOf = "test_needs_as_of",
}

impl Lint {
    /// The lint called `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Lint> {
        Lint::ALL.into_iter().find(|l| l.name() == name)
    }
}

impl fmt::Display for Lint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Defines [`Code`]: one variant per code that is not a lint's, with its string.
macro_rules! codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $text:literal,)*) => {
        /// The stable code of a diagnostic.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($(#[doc = $doc])* $variant,)*
            /// A lint's warning: `smql::lint::NAME`.
            Lint(Lint),
        }

        /// The codes that are not a lint's, in declaration order.
        const PLAIN: [Code; [$(Code::$variant),*].len()] = [$(Code::$variant),*];

        impl Code {
            /// The stable string: `smql::type::mismatch`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                    Code::Lint(lint) => lint.code_str(),
                }
            }
        }
    };
}

codes! {
    /// Something other than what the construct expects (the message says what was expected).
    SyntaxUnexpected = "smql::syntax::unexpected",
    /// `(`, `[` or `{` without its closing bracket.
    SyntaxUnclosed = "smql::syntax::unclosed",
    /// A string literal with no closing `"` on its line.
    SyntaxUnterminatedString = "smql::syntax::unterminated_string",
    /// An unknown escape (`\q`) or a bad `\u{…}` in a string.
    SyntaxInvalidEscape = "smql::syntax::invalid_escape",
    /// A reserved word used as a name, where the parser expects a name.
    SyntaxReservedWord = "smql::syntax::reserved_word",
    /// A grade without its `else` line.
    SyntaxMissingElse = "smql::syntax::missing_else",
    /// A score item whose points have no `+` or `-`.
    SyntaxMissingSign = "smql::syntax::missing_sign",
    /// An integer or duration literal that does not fit in 64 bits.
    SyntaxNumberOverflow = "smql::syntax::number_overflow",
    /// A duration with an unknown unit or a fraction (`30x`, `1.5h`).
    SyntaxInvalidDuration = "smql::syntax::invalid_duration",
    /// A schema type that does not exist (`strin`).
    SyntaxUnknownType = "smql::syntax::unknown_type",
    /// Brackets nested deeper than the parser accepts.
    SyntaxTooDeep = "smql::syntax::too_deep",
    /// A `# smql:` comment line that is not `# smql: allow(NAME, …)`.
    SyntaxInvalidAllow = "smql::syntax::invalid_allow",
    /// A name that is not a field, definition, score, grade or `stage`.
    NameUnknown = "smql::name::unknown",
    /// A name (or field, enum value, SLA or test name) declared twice.
    NameDuplicate = "smql::name::duplicate",
    /// Definitions, scores, grades or `stage` that depend on themselves.
    NameCycle = "smql::name::cycle",
    /// Inside `where`, a bare name that is an element field and a lead name.
    NameAmbiguous = "smql::name::ambiguous",
    /// A reserved word used as a declared name.
    NameReserved = "smql::name::reserved",
    /// An operand or argument of the wrong type.
    TypeMismatch = "smql::type::mismatch",
    /// A `T?` used where a `T` is needed, without proof it is present.
    TypeOptional = "smql::type::optional",
    /// (A warning) `??` whose left side can never be missing.
    TypeNotOptional = "smql::type::not_optional",
    /// A string literal that is not a value of the enum it meets.
    TypeEnumValue = "smql::type::enum_value",
    /// A call of a function that does not exist.
    CallUnknownFunction = "smql::call::unknown_function",
    /// A call with the wrong number of arguments.
    CallArity = "smql::call::arity",
    /// A bad literal: date, datetime, regex, duration, percent, period.
    LiteralInvalid = "smql::literal::invalid",
    /// A literal is required (regex pattern, `date` text, half-life, `as of`).
    LiteralRequired = "smql::literal::required",
    /// The rule set has no `schema`.
    SchemaMissing = "smql::schema::missing",
    /// A second `schema`.
    SchemaDuplicate = "smql::schema::duplicate",
    /// A second `key`, or a key that is not a required `string`/`int`.
    SchemaKey = "smql::schema::key",
    /// An invalid `list of` type.
    SchemaList = "smql::schema::list",
    /// Two fields read the same input column, `from` inside a record, or `(0)`.
    SchemaColumn = "smql::schema::column",
    /// `format` on a field that is not a timestamp, or inside a record.
    SchemaFormat = "smql::schema::format",
    /// A second `input` block, or a line of it given twice.
    InputDuplicate = "smql::input::duplicate",
    /// A bad `input` value: delimiter, `numbers` example, `missing`, `currency` or `footer` text.
    InputInvalid = "smql::input::invalid",
    /// A `time zone` that is not in the IANA database.
    InputTimeZone = "smql::input::time_zone",
    /// A timestamp layout that cannot be read.
    InputLayout = "smql::input::layout",
    /// A stage or detour that is not a boolean definition.
    StageNotSegment = "smql::stage::not_segment",
    /// A second `stages`/`detours`, or a name listed twice.
    StageDuplicate = "smql::stage::duplicate",
    /// `detours` without `stages`.
    StageNoPath = "smql::stage::no_path",
    /// A second `at least`, `at most` or `decay` in one score.
    ScoreDuplicateLine = "smql::score::duplicate_line",
    /// A grade without `else` (when the parser did not report it).
    GradeMissingElse = "smql::grade::missing_else",
    /// An SLA lacks a line its kind needs, or its kind cannot be told.
    SlaMissingLine = "smql::sla::missing_line",
    /// An SLA line that does not belong to its kind, or a repeated line.
    SlaUnexpectedLine = "smql::sla::unexpected_line",
    /// A `given` field that is not in the schema, or a value that does not fit.
    TestGiven = "smql::test::given",
    /// `where` outside an aggregate's first argument, or `it` outside `where`.
    WhereMisplaced = "smql::where::misplaced",
    /// An allowance that names no lint.
    UnknownLint = "smql::lint::unknown_lint",
}

impl Code {
    /// Every code: the plain ones, then the lints'.
    pub const ALL: [Code; PLAIN.len() + Lint::ALL.len()] = {
        let mut all = [Code::SyntaxUnexpected; PLAIN.len() + Lint::ALL.len()];
        let mut i = 0;
        while i < PLAIN.len() {
            all[i] = PLAIN[i];
            i += 1;
        }
        let mut j = 0;
        while j < Lint::ALL.len() {
            all[i + j] = Code::Lint(Lint::ALL[j]);
            j += 1;
        }
        all
    };

    /// The lint whose warning this is.
    pub fn lint(self) -> Option<Lint> {
        match self {
            Code::Lint(lint) => Some(lint),
            _ => None,
        }
    }

    /// The part after `smql::lint::` for lint codes (`unknown_lint` included).
    pub fn lint_name(self) -> Option<&'static str> {
        self.as_str().strip_prefix("smql::lint::")
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Codes order as their strings do, so diagnostics at one span sort as they always have.
impl Ord for Code {
    fn cmp(&self, other: &Code) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Code) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The first backticked cell of each row of the markdown tables in `//!` lines.
    fn table_keys(source: &str) -> Vec<&str> {
        source
            .lines()
            .filter_map(|l| l.strip_prefix("//! | `"))
            .filter_map(|l| l.split_once('`'))
            .map(|(key, _)| key)
            .collect()
    }

    fn set<'a>(items: impl IntoIterator<Item = &'a str>) -> BTreeSet<&'a str> {
        items.into_iter().collect()
    }

    #[test]
    fn strings_are_unique_and_well_formed() {
        let strings = set(Code::ALL.iter().map(|c| c.as_str()));
        assert_eq!(
            strings.len(),
            Code::ALL.len(),
            "a code string is used twice"
        );
        for code in Code::ALL {
            let parts: Vec<&str> = code.as_str().split("::").collect();
            assert!(
                parts.len() == 3
                    && parts[0] == "smql"
                    && parts[1..]
                        .iter()
                        .all(|p| !p.is_empty()
                            && p.chars().all(|c| c.is_ascii_lowercase() || c == '_')),
                "{code}"
            );
        }
        assert_eq!(
            Code::Lint(Lint::StageSkip).as_str(),
            "smql::lint::stage_skip"
        );
        assert_eq!(Code::Lint(Lint::StageSkip).lint_name(), Some("stage_skip"));
        assert_eq!(Code::UnknownLint.lint_name(), Some("unknown_lint"));
        assert_eq!(Code::TypeMismatch.lint_name(), None);
        assert_eq!(Lint::from_name("dead_item"), Some(Lint::DeadItem));
        assert_eq!(Lint::from_name("dead_items"), None);
    }

    #[test]
    fn the_documented_tables_list_every_code_once() {
        let syntax = table_keys(include_str!("../syntax/parser/mod.rs"));
        let checker = table_keys(include_str!("../check/mod.rs"));
        let documented: Vec<&str> = syntax.iter().chain(&checker).copied().collect();
        assert_eq!(
            set(documented.iter().copied()).len(),
            documented.len(),
            "a code is documented twice"
        );
        let plain = Code::ALL.iter().filter(|c| c.lint().is_none());
        assert_eq!(set(documented), set(plain.map(|c| c.as_str())));
        assert!(syntax.iter().all(|c| c.starts_with("smql::syntax::")));
        assert!(checker.iter().all(|c| !c.starts_with("smql::syntax::")));
    }

    #[test]
    fn the_lint_table_lists_every_lint_in_order() {
        let documented = table_keys(include_str!("../check/lints/mod.rs"));
        let names: Vec<&str> = Lint::ALL.iter().map(|l| l.name()).collect();
        assert_eq!(documented, names);
    }
}
