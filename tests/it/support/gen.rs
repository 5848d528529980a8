//! Random well-typed rule sets over a fixed schema (every type, optionals, lists, event
//! records), drawn from a "choice tape" of integers: each choice takes the next integer modulo
//! the number of options, so shrinking the tape toward zeros shrinks the rules toward the
//! simplest options. Shared by the JIT's property test (`jit_props`) and the SQL engines'
//! equivalence test (`sql_engines`), which draw their data with [`leads`] from value pools of
//! their own.

pub struct Tape<'t> {
    pub tape: &'t [u32],
    pub pos: usize,
}

impl Tape<'_> {
    pub fn pick(&mut self, n: usize) -> usize {
        let v = self.tape.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        v as usize % n.max(1)
    }

    fn one<'s>(&mut self, options: &[&'s str]) -> &'s str {
        options[self.pick(options.len())]
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum T {
    Int,
    Num,
    Bool,
    Str,
    Ts,
    Dur,
}

const TYPES: [T; 6] = [T::Int, T::Num, T::Bool, T::Str, T::Ts, T::Dur];

/// The element of the enclosing `where`, if any.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Elem {
    None,
    Event,
    Tag,
    Num,
}

pub const SCHEMA: &str = r#"
schema {
  id:      string key
  s:       string
  t:       string?
  e:       one of ("a", "b", "c")
  i:       int
  j:       int?
  n:       number
  m:       number?
  flag:    bool
  flag2:   bool?
  created: timestamp
  at2:     timestamp?
  d:       duration
  tags:    list of string
  nums:    list of int
  evs:     list of { kind: string, at: timestamp, v: int? }
}

words = ["vp", "É", "", "gmail.com"]
"#;

const STR_LITS: &[&str] = &[
    "\"\"",
    "\"a\"",
    "\"Ab\"",
    "\"école\"",
    "\"ÉCOLE\"",
    "\"x@gmail.com\"",
    "\" sp \"",
    "\"straße\"",
    "\"σ\"",
    // Quotes and backslashes, which compiled SQL literals must keep.
    "\"it's\"",
    "\"a\\\\b\"",
];

pub struct Gen<'t> {
    pub t: Tape<'t>,
    /// Names of usable definitions by type.
    pub defs: Vec<(String, T)>,
    pub scores: Vec<String>,
    pub grades: Vec<String>,
    /// `Some(optional)` once the stage may be used.
    pub stage: Option<bool>,
    pub elem: Elem,
}

impl Gen<'_> {
    fn def_of(&mut self, ty: T) -> Option<String> {
        let names: Vec<&String> = self
            .defs
            .iter()
            .filter(|(_, t)| *t == ty)
            .map(|(n, _)| n)
            .collect();
        if names.is_empty() {
            return None;
        }
        let i = self.t.pick(names.len());
        Some(names[i].clone())
    }

    fn expr(&mut self, ty: T, depth: u32) -> String {
        let leaf = depth == 0 || self.t.pick(3) == 0;
        match ty {
            T::Int => self.int(leaf, depth),
            T::Num => self.num(leaf, depth),
            T::Bool => self.boolean(leaf, depth),
            T::Str => self.string(leaf, depth),
            T::Ts => self.ts(leaf, depth),
            T::Dur => self.dur(leaf, depth),
        }
    }

    fn int(&mut self, leaf: bool, depth: u32) -> String {
        let d = depth.saturating_sub(1);
        if leaf {
            return match self.t.pick(6) {
                0 => self
                    .t
                    .one(&[
                        "0",
                        "1",
                        "-1",
                        "7",
                        "1_000",
                        "9223372036854775807",
                        "-9223372036854775807",
                        "4611686018427387904",
                    ])
                    .to_string(),
                1 => "i".into(),
                2 => "(j ?? 3)".into(),
                3 if self.elem == Elem::Num => "it".into(),
                3 if self.elem == Elem::Event => "(v ?? 0)".into(),
                4 => self.def_of(T::Int).unwrap_or_else(|| "i".into()),
                _ => "len(tags)".into(),
            };
        }
        match self.t.pick(10) {
            0 => format!("({} + {})", self.expr(T::Int, d), self.expr(T::Int, d)),
            1 => format!("({} - {})", self.expr(T::Int, d), self.expr(T::Int, d)),
            2 => format!("({} * {})", self.expr(T::Int, d), self.expr(T::Int, d)),
            3 => format!("-({})", self.expr(T::Int, d)),
            4 => format!("len({})", self.expr(T::Str, d)),
            5 => format!("count(evs where {})", self.in_elem(Elem::Event, d)),
            6 => format!(
                "{}({}, {})",
                self.t.one(&["min", "max"]),
                self.expr(T::Int, d),
                self.expr(T::Int, d)
            ),
            7 => format!("abs({})", self.expr(T::Int, d)),
            8 => format!(
                "(if {} then {} else {})",
                self.expr(T::Bool, d),
                self.expr(T::Int, d),
                self.expr(T::Int, d)
            ),
            _ => format!("count(nums where {})", self.in_elem(Elem::Num, d)),
        }
    }

    fn num(&mut self, leaf: bool, depth: u32) -> String {
        let d = depth.saturating_sub(1);
        if leaf {
            return match self.t.pick(5) {
                0 => self
                    .t
                    .one(&["0.0", "2.5", "0.1", "95%", "123456789012.5", "-3.75"])
                    .to_string(),
                1 => "n".into(),
                2 => "(m ?? 1.5)".into(),
                3 => {
                    if self.scores.is_empty() {
                        "n".into()
                    } else {
                        let i = self.t.pick(self.scores.len());
                        self.scores[i].clone()
                    }
                }
                _ => self.def_of(T::Num).unwrap_or_else(|| "n".into()),
            };
        }
        match self.t.pick(11) {
            0..=3 => {
                let op = self.t.one(&["+", "-", "*", "/"]);
                let a = self.num_or_int(d);
                let b = self.num_or_int(d);
                format!("({a} {op} {b})")
            }
            4 => format!(
                "{}({})",
                self.t.one(&["round", "floor", "ceil", "abs"]),
                self.num_or_int(d)
            ),
            5 => format!(
                "{}({}, {})",
                self.t.one(&["min", "max"]),
                self.expr(T::Num, d),
                self.expr(T::Num, d)
            ),
            6 => format!(
                "{}({})",
                self.t.one(&["days", "hours", "minutes"]),
                self.expr(T::Dur, d)
            ),
            7 => format!(
                "decayed_count(evs where {}, {})",
                self.in_elem(Elem::Event, d),
                self.t.one(&["7d", "1h", "30d"])
            ),
            8 => format!(
                "(if {} then {} else {})",
                self.expr(T::Bool, d),
                self.expr(T::Num, d),
                self.expr(T::Num, d)
            ),
            9 => format!("-({})", self.expr(T::Num, d)),
            _ => format!("(m ?? {})", self.expr(T::Num, d)),
        }
    }

    fn num_or_int(&mut self, depth: u32) -> String {
        if self.t.pick(3) == 0 {
            self.expr(T::Int, depth)
        } else {
            self.expr(T::Num, depth)
        }
    }

    /// A condition evaluated per element of a `where` over `elem`.
    fn in_elem(&mut self, elem: Elem, depth: u32) -> String {
        let outer = self.elem;
        self.elem = elem;
        let c = match (elem, self.t.pick(4)) {
            (Elem::Event, 0) => format!("kind == {}", self.t.one(STR_LITS)),
            (Elem::Event, 1) => format!("at within {}", self.t.one(&["7d", "365d", "0s"])),
            (Elem::Event, 2) => "v is present and v > 2".to_string(),
            (Elem::Tag, 0) => format!("it starts with {}", self.t.one(STR_LITS)),
            (Elem::Num, 0) => "it > 3".to_string(),
            _ => self.expr(T::Bool, depth),
        };
        self.elem = outer;
        c
    }

    fn boolean(&mut self, leaf: bool, depth: u32) -> String {
        let d = depth.saturating_sub(1);
        if leaf {
            return match self.t.pick(7) {
                0 => self.t.one(&["true", "false"]).to_string(),
                1 => "flag".into(),
                2 => "(flag2 ?? false)".into(),
                3 => "(flag2 is present)".into(),
                4 => "(t is missing)".into(),
                5 if self.elem == Elem::Event => "(kind == \"visit\")".into(),
                5 if self.elem == Elem::Tag => "(it == \"a\")".into(),
                _ => self.def_of(T::Bool).unwrap_or_else(|| "flag".into()),
            };
        }
        let cmp = ["==", "!=", "<", "<=", ">", ">="];
        match self.t.pick(24) {
            0 => format!("({} and {})", self.expr(T::Bool, d), self.expr(T::Bool, d)),
            1 => format!("({} or {})", self.expr(T::Bool, d), self.expr(T::Bool, d)),
            2 => format!("(not {})", self.expr(T::Bool, d)),
            3 => {
                let op = self.t.one(&cmp);
                format!("({} {op} {})", self.expr(T::Int, d), self.num_or_int(d))
            }
            4 => {
                let op = self.t.one(&cmp);
                format!("({} {op} {})", self.expr(T::Num, d), self.expr(T::Num, d))
            }
            5 => {
                let op = self.t.one(&cmp);
                format!("({} {op} {})", self.expr(T::Str, d), self.expr(T::Str, d))
            }
            6 => {
                let op = self.t.one(&cmp);
                format!("(e {op} {})", self.t.one(&["\"a\"", "\"b\"", "\"c\"", "e"]))
            }
            7 => {
                let op = self.t.one(&cmp);
                format!("({} {op} {})", self.expr(T::Ts, d), self.expr(T::Ts, d))
            }
            8 => {
                let op = self.t.one(&cmp);
                format!("({} {op} {})", self.expr(T::Dur, d), self.expr(T::Dur, d))
            }
            9 => {
                let op = self.t.one(&["contains", "starts with", "ends with"]);
                let needle = if self.t.pick(3) == 0 {
                    self.expr(T::Str, d)
                } else {
                    self.t.one(STR_LITS).to_string()
                };
                format!("({} {op} {needle})", self.expr(T::Str, d))
            }
            10 => format!(
                "({} matches {})",
                self.expr(T::Str, d),
                self.t
                    .one(&["\"^[a-z]+$\"", "\"(?i)é\"", "\"@\"", "\"^$\""])
            ),
            11 => format!(
                "({} contains {} {})",
                self.expr(T::Str, d),
                self.t.one(&["any", "all"]),
                self.t
                    .one(&["words", "[\"a\", \"B\"]", "tags", "[s, \"x\"]"])
            ),
            12 => format!(
                "({} {} {})",
                self.expr(T::Str, d),
                self.t.one(&["in", "not in"]),
                self.t.one(&[
                    "words",
                    "[\"a\", \"\", \"x@gmail.com\"]",
                    "tags",
                    "[s, \"a\"]"
                ])
            ),
            13 => format!(
                "({} in {})",
                self.expr(T::Int, d),
                self.t.one(&["[1, 2, 7]", "nums", "[i, j ?? 0]"])
            ),
            14 => match self.t.pick(5) {
                0 => format!("(tags {})", self.t.one(&["\"a\"", "\"Ab\""])),
                1 => format!("(tags contains {})", self.t.one(&["\"a\"", "s"])),
                2 => format!(
                    "(tags contains any {})",
                    self.t.one(&["words", "[\"a\", \"\"]", "[s]"])
                ),
                3 => format!(
                    "(tags contains all {})",
                    self.t.one(&["words", "[\"a\", \"\"]", "[s]"])
                ),
                _ => format!("(nums contains {})", self.expr(T::Int, d)),
            },
            15 => format!(
                "{}(evs where {})",
                self.t.one(&["any", "all"]),
                self.in_elem(Elem::Event, d)
            ),
            16 => format!(
                "{}(tags where {})",
                self.t.one(&["any", "all"]),
                self.in_elem(Elem::Tag, d)
            ),
            17 => format!("({} within {})", self.expr(T::Ts, d), self.expr(T::Dur, d)),
            18 => format!(
                "(t is present and t {} \"a\")",
                self.t.one(&["contains", "=="])
            ),
            19 => format!("(j is present and j > {})", self.expr(T::Int, d)),
            20 if !self.grades.is_empty() => {
                let i = self.t.pick(self.grades.len());
                let op = self.t.one(&cmp);
                format!(
                    "({} {op} {})",
                    self.grades[i],
                    self.t.one(&["\"A\"", "\"B\"", "\"C\""])
                )
            }
            21 if self.stage.is_some() => {
                let optional = self.stage == Some(true);
                let op = self.t.one(&cmp);
                let lit = self.t.one(&["\"S1\"", "\"S2\"", "\"S3\""]);
                if optional {
                    format!("(stage is present and stage {op} {lit})")
                } else {
                    format!("(stage {op} {lit})")
                }
            }
            22 => format!("({} == {})", self.expr(T::Bool, d), self.expr(T::Bool, d)),
            _ => "(flag2 is present and flag2)".to_string(),
        }
    }

    fn string(&mut self, leaf: bool, depth: u32) -> String {
        let d = depth.saturating_sub(1);
        if leaf {
            return match self.t.pick(5) {
                0 => self.t.one(STR_LITS).to_string(),
                1 => "s".into(),
                2 => "(t ?? \"none\")".into(),
                3 if self.elem == Elem::Event => "kind".into(),
                3 if self.elem == Elem::Tag => "it".into(),
                _ => self.def_of(T::Str).unwrap_or_else(|| "s".into()),
            };
        }
        match self.t.pick(7) {
            0 => format!(
                "{}({})",
                self.t.one(&["lower", "upper", "trim", "domain"]),
                self.expr(T::Str, d)
            ),
            1 => format!("({} + {})", self.expr(T::Str, d), self.expr(T::Str, d)),
            2 => format!(
                "(if {} then {} else {})",
                self.expr(T::Bool, d),
                self.expr(T::Str, d),
                self.expr(T::Str, d)
            ),
            3 => format!("(e + {})", self.expr(T::Str, d)),
            4 if !self.grades.is_empty() => {
                let i = self.t.pick(self.grades.len());
                let g = self.grades[i].clone();
                format!("({g} + {})", self.expr(T::Str, d))
            }
            5 => format!("(t ?? {})", self.expr(T::Str, d)),
            _ => "(s + \"!\")".into(),
        }
    }

    fn ts(&mut self, leaf: bool, depth: u32) -> String {
        let d = depth.saturating_sub(1);
        if leaf {
            return match self.t.pick(6) {
                0 => "created".into(),
                1 => "(at2 ?? created)".into(),
                2 => self
                    .t
                    .one(&["date(\"2026-01-01\")", "datetime(\"1970-01-01T00:00:01Z\")"])
                    .to_string(),
                3 => "now".into(),
                4 if self.elem == Elem::Event => "at".into(),
                _ => self.def_of(T::Ts).unwrap_or_else(|| "created".into()),
            };
        }
        match self.t.pick(5) {
            0 => format!(
                "({} {} {})",
                self.expr(T::Ts, d),
                self.t.one(&["+", "-"]),
                self.expr(T::Dur, d)
            ),
            1 => format!(
                "({}(evs where {}) ?? {})",
                self.t.one(&["earliest", "latest"]),
                self.in_elem(Elem::Event, d),
                self.expr(T::Ts, d)
            ),
            2 => format!(
                "{}({}, {})",
                self.t.one(&["min", "max"]),
                self.expr(T::Ts, d),
                self.expr(T::Ts, d)
            ),
            3 => format!(
                "(if {} then {} else {})",
                self.expr(T::Bool, d),
                self.expr(T::Ts, d),
                self.expr(T::Ts, d)
            ),
            _ => format!("(at2 ?? {})", self.expr(T::Ts, d)),
        }
    }

    fn dur(&mut self, leaf: bool, depth: u32) -> String {
        let d = depth.saturating_sub(1);
        if leaf {
            return match self.t.pick(3) {
                0 => self.t.one(&["1d", "30m", "2w", "45s"]).to_string(),
                1 => "d".into(),
                _ => self.def_of(T::Dur).unwrap_or_else(|| "d".into()),
            };
        }
        match self.t.pick(6) {
            0 => format!("({} - {})", self.expr(T::Ts, d), self.expr(T::Ts, d)),
            1 => format!(
                "({} {} {})",
                self.expr(T::Dur, d),
                self.t.one(&["+", "-"]),
                self.expr(T::Dur, d)
            ),
            2 => format!("({} * {})", self.expr(T::Dur, d), self.expr(T::Num, d)),
            3 => format!("-({})", self.expr(T::Dur, d)),
            4 => format!("{}({})", self.t.one(&["abs"]), self.expr(T::Dur, d)),
            _ => format!(
                "{}({}, {})",
                self.t.one(&["min", "max"]),
                self.expr(T::Dur, d),
                self.expr(T::Dur, d)
            ),
        }
    }

    fn defs(&mut self, out: &mut String, prefix: &str, count: usize, depth: u32) {
        for k in 0..count {
            let ty = TYPES[self.t.pick(TYPES.len())];
            let name = format!("{prefix}{k}");
            let e = self.expr(ty, depth);
            if ty == T::Bool && self.t.pick(2) == 0 {
                out.push_str(&format!("{name} when {e}\n"));
            } else {
                out.push_str(&format!("{name} = {e}\n"));
            }
            self.defs.push((name, ty));
        }
    }

    fn score(&mut self, out: &mut String, name: &str, depth: u32) {
        out.push_str(&format!("score {name} {{\n"));
        let items = 1 + self.t.pick(4);
        for k in 0..items {
            if k == 2 && self.t.pick(2) == 0 {
                out.push_str(&format!(
                    "  group \"g{k}\" up to {} {{\n",
                    self.t.one(&["5", "12.5"])
                ));
                for _ in 0..1 + self.t.pick(3) {
                    self.item(out, "    ", depth);
                }
                out.push_str("  }\n");
            } else {
                self.item(out, "  ", depth);
            }
        }
        if self.t.pick(2) == 0 {
            out.push_str("  at least 0\n");
        }
        if self.t.pick(2) == 0 {
            out.push_str("  at most 100\n");
        }
        if self.t.pick(2) == 0 {
            out.push_str(&format!(
                "  decay {} every {} since {}\n",
                self.t.one(&["20%", "50%", "100%"]),
                self.t.one(&["30d", "1h"]),
                self.expr(T::Ts, depth)
            ));
        }
        out.push_str("}\n");
    }

    fn item(&mut self, out: &mut String, indent: &str, depth: u32) {
        let points = self.t.one(&["+10", "-2.5", "+0.5", "+3"]);
        let kind = self.t.pick(6);
        if kind == 0 {
            // A bare item: a base score every lead gets.
            out.push_str(&format!("{indent}{points}\n"));
        } else if kind <= 2 {
            let x = self.num_or_int(depth);
            let cap = self.t.one(&["", " up to 12", " up to 0.5"]);
            out.push_str(&format!("{indent}{points} per {x}{cap}\n"));
        } else {
            let c = self.expr(T::Bool, depth);
            out.push_str(&format!("{indent}{points} when {c}\n"));
        }
    }

    /// A whole rule set after the schema.
    pub fn rules(&mut self) -> String {
        let mut out = String::new();
        let depth = 1 + self.t.pick(4) as u32;
        let a = 1 + self.t.pick(8);
        self.defs(&mut out, "a", a, depth);
        out.push_str("tl = tags\nll = [s, \"x\"]\nrecent = count(evs where at within 30d)\n");
        self.defs.push(("recent".into(), T::Int));
        for k in 0..self.t.pick(3) {
            let name = format!("sc{k}");
            self.score(&mut out, &name, depth);
            self.scores.push(name);
        }
        for k in 0..self.t.pick(3) {
            let name = format!("g{k}");
            let (c1, c2) = (self.expr(T::Bool, depth), self.expr(T::Bool, depth));
            out.push_str(&format!(
                "grade {name} {{\n  \"A\" when {c1}\n  \"B\" when {c2}\n  else \"C\"\n}}\n"
            ));
            self.grades.push(name);
        }
        let b = self.t.pick(6);
        self.defs(&mut out, "b", b, depth);
        if self.t.pick(3) != 0 {
            let first_defined = self.t.pick(2) == 0;
            out.push_str("stages S1 -> S2 -> S3\ndetours X1\n");
            let mut steps = vec!["S2", "S3", "X1"];
            if first_defined {
                steps.push("S1");
            }
            for step in steps {
                let c = self.expr(T::Bool, depth);
                out.push_str(&format!("{step} when {c}\n"));
            }
            self.stage = Some(first_defined);
            let c = self.t.pick(3);
            self.defs(&mut out, "c", c, depth);
        }
        out
    }
}

/// The values leads are drawn from: each test keeps to what its engines can store.
pub struct Pools<'a> {
    pub strs: &'a [&'a str],
    pub nums: &'a [f64],
    /// As data writes them (RFC 3339 text, or epoch milliseconds).
    pub instants: &'a [String],
}

/// NDJSON leads of [`SCHEMA`] drawn from the tape, their values from `pools`: missing
/// optionals, empty lists, event records, long strings.
pub fn leads(t: &mut Tape, rows: usize, pools: &Pools) -> String {
    let Pools {
        strs,
        nums,
        instants,
    } = *pools;
    let long = "ab".repeat(150);
    let pick_str = |t: &mut Tape| -> String {
        if t.pick(12) == 0 {
            long.clone()
        } else {
            strs[t.pick(strs.len())].to_string()
        }
    };
    let ints = [
        0i64,
        1,
        -1,
        7,
        3,
        i64::MAX,
        i64::MIN,
        i64::MAX / 2 + 1,
        -4_611_686_018_427_387_904,
        1_000_000,
    ];
    let durs = [
        0i64,
        1,
        -1,
        86_400_000,
        i64::MAX,
        i64::MIN,
        3_600_000,
        -604_800_000,
    ];
    let mut out = String::new();
    for r in 0..rows {
        let mut o = serde_json::Map::new();
        let mut put = |k: &str, v: serde_json::Value| {
            o.insert(k.to_string(), v);
        };
        put("id", format!("r{r}").into());
        put("s", pick_str(t).into());
        if t.pick(3) != 0 {
            put("t", pick_str(t).into());
        }
        put("e", ["a", "b", "c"][t.pick(3)].into());
        put("i", ints[t.pick(ints.len())].into());
        if t.pick(3) != 0 {
            put("j", ints[t.pick(ints.len())].into());
        }
        put("n", nums[t.pick(nums.len())].into());
        if t.pick(3) != 0 {
            put("m", nums[t.pick(nums.len())].into());
        }
        put("flag", (t.pick(2) == 0).into());
        if t.pick(3) != 0 {
            put("flag2", (t.pick(2) == 0).into());
        }
        put("created", instants[t.pick(instants.len())].clone().into());
        if t.pick(3) != 0 {
            put("at2", instants[t.pick(instants.len())].clone().into());
        }
        put("d", durs[t.pick(durs.len())].into());
        let tags: Vec<String> = (0..t.pick(4)).map(|_| pick_str(t)).collect();
        put("tags", tags.into());
        let ns: Vec<i64> = (0..t.pick(4)).map(|_| ints[t.pick(ints.len())]).collect();
        put("nums", ns.into());
        let evs: Vec<serde_json::Value> = (0..t.pick(4))
            .map(|_| {
                let mut e = serde_json::Map::new();
                e.insert("kind".into(), pick_str(t).into());
                e.insert("at".into(), instants[t.pick(instants.len())].clone().into());
                if t.pick(2) == 0 {
                    e.insert("v".into(), ints[t.pick(ints.len())].into());
                }
                e.into()
            })
            .collect();
        put("evs", evs.into());
        out.push_str(&serde_json::Value::Object(o).to_string());
        out.push('\n');
    }
    out
}
