//! The differential target: a well-typed rule set and leads drawn from the fuzzer's bytes, and
//! the JIT's values compared with the interpreter's (floats bit for bit, errors equal). The
//! generator follows `tests/it/jit_props.rs` (a tape of choices, so that libFuzzer's mutations
//! of a byte change one choice), over a smaller schema.

use crate::data::{ChunkSize, Format, Input, Reader};
use crate::eval::jit::Jit;
use crate::eval::{eval_lead, LeadValues};
use crate::value::Value;
use crate::RuleSet;

struct Tape<'t> {
    bytes: &'t [u8],
    pos: usize,
}

impl Tape<'_> {
    fn pick(&mut self, n: usize) -> usize {
        let v = self.bytes.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        v as usize % n.max(1)
    }

    fn one<'s>(&mut self, options: &[&'s str]) -> &'s str {
        options[self.pick(options.len())]
    }
}

#[derive(Clone, Copy, PartialEq)]
enum T {
    Int,
    Num,
    Bool,
    Str,
}

const SCHEMA: &str = "schema {
  id: string key
  i: int
  j: int?
  n: number
  s: string
  t: string?
  f: bool
  tags: list of string
}
";

const STRS: &[&str] = &[
    "\"\"",
    "\"a\"",
    "\"Ab\"",
    "\"école\"",
    "\"ÉCOLE\"",
    "\"x@b.io\"",
];

struct Gen<'t> {
    t: Tape<'t>,
    defs: Vec<(String, T)>,
}

impl Gen<'_> {
    fn def_or(&mut self, ty: T, fallback: &str) -> String {
        let names: Vec<&String> = self
            .defs
            .iter()
            .filter(|(_, t)| *t == ty)
            .map(|(n, _)| n)
            .collect();
        match names.len() {
            0 => fallback.to_string(),
            n => names[self.t.pick(n)].clone(),
        }
    }

    fn expr(&mut self, ty: T, depth: u32) -> String {
        let d = depth.saturating_sub(1);
        let leaf = depth == 0 || self.t.pick(3) == 0;
        match (ty, leaf) {
            (T::Int, true) => match self.t.pick(5) {
                0 => self
                    .t
                    .one(&[
                        "0",
                        "1",
                        "-7",
                        "9223372036854775807",
                        "-9223372036854775807",
                    ])
                    .into(),
                1 => "i".into(),
                2 => "(j ?? 3)".into(),
                3 => "len(tags)".into(),
                _ => self.def_or(T::Int, "i"),
            },
            (T::Int, false) => match self.t.pick(6) {
                0..=2 => {
                    let op = self.t.one(&["+", "-", "*"]);
                    format!("({} {op} {})", self.expr(T::Int, d), self.expr(T::Int, d))
                }
                3 => format!("-({})", self.expr(T::Int, d)),
                4 => format!("len({})", self.expr(T::Str, d)),
                _ => self.if_of(T::Int, d),
            },
            (T::Num, true) => match self.t.pick(3) {
                0 => self
                    .t
                    .one(&["0.0", "2.5", "-0.1", "95%", "123456789012.5"])
                    .into(),
                1 => "n".into(),
                _ => self.def_or(T::Num, "n"),
            },
            (T::Num, false) => match self.t.pick(4) {
                0 | 1 => {
                    let op = self.t.one(&["+", "-", "*", "/"]);
                    let a = self.num_or_int(d);
                    format!("({a} {op} {})", self.num_or_int(d))
                }
                2 => format!(
                    "{}({})",
                    self.t.one(&["round", "floor", "abs"]),
                    self.num_or_int(d)
                ),
                _ => self.if_of(T::Num, d),
            },
            (T::Bool, true) => match self.t.pick(5) {
                0 => self.t.one(&["true", "false"]).into(),
                1 => "f".into(),
                2 => "(j is missing)".into(),
                3 => "(t is present and t == \"a\")".into(),
                _ => self.def_or(T::Bool, "f"),
            },
            (T::Bool, false) => {
                let cmp = ["==", "!=", "<", "<=", ">", ">="];
                match self.t.pick(9) {
                    0 => {
                        // A chain of one operator, as generated rules write them.
                        let op = self.t.one(&[" and ", " or "]);
                        let terms: Vec<String> = (0..2 + self.t.pick(20))
                            .map(|_| self.expr(T::Bool, d))
                            .collect();
                        format!("({})", terms.join(op))
                    }
                    1 => format!("(not {})", self.expr(T::Bool, d)),
                    2 => {
                        let op = self.t.one(&cmp);
                        format!("({} {op} {})", self.expr(T::Int, d), self.num_or_int(d))
                    }
                    3 => {
                        let op = self.t.one(&cmp);
                        format!("({} {op} {})", self.expr(T::Num, d), self.expr(T::Num, d))
                    }
                    4 => {
                        let op = self.t.one(&cmp);
                        format!("({} {op} {})", self.expr(T::Str, d), self.expr(T::Str, d))
                    }
                    5 => {
                        let op = self.t.one(&["contains", "starts with", "ends with"]);
                        format!("({} {op} {})", self.expr(T::Str, d), self.t.one(STRS))
                    }
                    6 => format!(
                        "({} {} [{}])",
                        self.expr(T::Str, d),
                        self.t.one(&["in", "not in"]),
                        (0..self.t.pick(6))
                            .map(|_| self.t.one(STRS))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    7 => format!("({} matches \"^[a-z]+$\")", self.expr(T::Str, d)),
                    _ => format!("any(tags where it == {})", self.t.one(STRS)),
                }
            }
            (T::Str, true) => match self.t.pick(4) {
                0 => self.t.one(STRS).into(),
                1 => "s".into(),
                2 => "(t ?? \"none\")".into(),
                _ => self.def_or(T::Str, "s"),
            },
            (T::Str, false) => match self.t.pick(3) {
                0 => format!(
                    "{}({})",
                    self.t.one(&["lower", "upper", "trim", "domain"]),
                    self.expr(T::Str, d)
                ),
                1 => format!("({} + {})", self.expr(T::Str, d), self.expr(T::Str, d)),
                _ => self.if_of(T::Str, d),
            },
        }
    }

    fn num_or_int(&mut self, depth: u32) -> String {
        match self.t.pick(3) {
            0 => self.expr(T::Int, depth),
            _ => self.expr(T::Num, depth),
        }
    }

    fn if_of(&mut self, ty: T, d: u32) -> String {
        format!(
            "(if {} then {} else {})",
            self.expr(T::Bool, d),
            self.expr(ty, d),
            self.expr(ty, d)
        )
    }

    fn rules(&mut self) -> String {
        let mut out = String::from(SCHEMA);
        let depth = 1 + self.t.pick(4) as u32;
        for k in 0..1 + self.t.pick(6) {
            let ty = [T::Int, T::Num, T::Bool, T::Str][self.t.pick(4)];
            let e = self.expr(ty, depth);
            out.push_str(&format!("d{k} = {e}\n"));
            self.defs.push((format!("d{k}"), ty));
        }
        out.push_str("score sc {\n");
        for _ in 0..1 + self.t.pick(4) {
            let points = self.t.one(&["+10", "-2.5", "+0.5"]);
            if self.t.pick(2) == 0 {
                let c = self.expr(T::Bool, depth);
                out.push_str(&format!("  {points} when {c}\n"));
            } else {
                let x = self.num_or_int(depth);
                out.push_str(&format!("  {points} per {x} up to 12\n"));
            }
        }
        out.push_str("}\n");
        let (a, b) = (self.expr(T::Bool, depth), self.expr(T::Bool, depth));
        out.push_str(&format!(
            "grade g {{\n  \"A\" when {a}\n  \"B\" when {b}\n  else \"C\"\n}}\n"
        ));
        out
    }

    fn leads(&mut self) -> String {
        let ints = [
            "0",
            "1",
            "-1",
            "7",
            "9223372036854775807",
            "-9223372036854775808",
        ];
        let nums = ["0.0", "-0.0", "2.5", "1e300", "-1e300", "0.1", "5e-324"];
        let strs = [
            "",
            "a",
            "Ab",
            "ÉCOLE",
            "école",
            "straße",
            "x@Gmail.COM",
            " a ",
        ];
        let mut out = String::new();
        for r in 0..1 + self.t.pick(8) {
            let s = |g: &mut Self| serde_json::Value::from(strs[g.t.pick(strs.len())]);
            let mut o = serde_json::Map::new();
            o.insert("id".into(), format!("r{r}").into());
            let i = ints[self.t.pick(ints.len())];
            o.insert("i".into(), serde_json::from_str(i).unwrap_or_default());
            if self.t.pick(2) == 0 {
                let j = ints[self.t.pick(ints.len())];
                o.insert("j".into(), serde_json::from_str(j).unwrap_or_default());
            }
            let n = nums[self.t.pick(nums.len())];
            o.insert("n".into(), serde_json::from_str(n).unwrap_or_default());
            o.insert("s".into(), s(self));
            if self.t.pick(2) == 0 {
                o.insert("t".into(), s(self));
            }
            o.insert("f".into(), (self.t.pick(2) == 0).into());
            let tags: Vec<serde_json::Value> = (0..self.t.pick(4)).map(|_| s(self)).collect();
            o.insert("tags".into(), tags.into());
            out.push_str(&serde_json::Value::Object(o).to_string());
            out.push('\n');
        }
        out
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.to_bits() == y.to_bits(),
        (Value::List(x), Value::List(y)) | (Value::Record(x), Value::Record(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| same(p, q))
        }
        _ => a == b,
    }
}

fn same_lead(a: &LeadValues, b: &LeadValues) -> bool {
    a.defs.len() == b.defs.len()
        && a.defs.iter().zip(&b.defs).all(|(x, y)| same(x, y))
        && a.scores.len() == b.scores.len()
        && a.scores
            .iter()
            .zip(&b.scores)
            .all(|(x, y)| x.to_bits() == y.to_bits())
        && a.grades == b.grades
        && same(&a.stage, &b.stage)
}

/// The JIT agrees with the interpreter on every lead, value and error, at several `now`s.
pub fn differential(data: &[u8]) {
    let mut g = Gen {
        t: Tape {
            bytes: data,
            pos: 0,
        },
        defs: Vec::new(),
    };
    let source = g.rules();
    let leads = g.leads();
    let rules = match RuleSet::compile_str("diff.smql", &source) {
        Ok(r) => r,
        Err(e) => panic!("generated rules do not check: {:?}\n{source}", e.messages()),
    };
    let jit = match Jit::compile(&rules.program) {
        Ok(j) => j,
        Err(e) => panic!("the JIT cannot compile generated rules: {e}\n{source}"),
    };
    let input = match Input::from_bytes("leads.ndjson", leads.clone().into_bytes(), Format::Ndjson)
    {
        Ok(i) => i,
        Err(e) => panic!("{e}"),
    };
    let size = ChunkSize {
        records: 1 + g.t.pick(4),
        bytes: 1 << 16,
    };
    let read = Reader::new(input, &rules.program.schema, size).and_then(|r| r.read_all());
    let (batches, rejects) = match read {
        Ok(x) => x,
        Err(e) => panic!("{e}"),
    };
    assert!(
        rejects.is_empty(),
        "generated leads rejected: {rejects:?}\n{leads}"
    );
    let program = &rules.program;
    for now in [1_793_491_200_000i64, 0, i64::MAX] {
        for batch in &batches {
            let result = match jit.eval_batch(batch, now, false) {
                Ok(r) => r,
                Err(e) => panic!("eval_batch: {e}"),
            };
            for row in 0..batch.len() {
                let lead = batch.lead(row);
                let want = eval_lead(program, &lead, now, None);
                let context = || format!("now {now}, row {row}\n{source}\n{leads}");
                match (want, result.error(row)) {
                    (Err(e), Some(j)) => assert_eq!(&e, j, "errors differ: {}", context()),
                    (Ok(v), None) => assert!(
                        same_lead(&v, &result.lead_values(row)),
                        "values differ: interpreter {v:?}, jit {:?}: {}",
                        result.lead_values(row),
                        context()
                    ),
                    (want, got) => panic!("interpreter {want:?}, jit {got:?}: {}", context()),
                }
            }
        }
    }
}
