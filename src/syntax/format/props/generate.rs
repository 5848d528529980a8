//! Generated rule sets, written out with random spacing, line breaks and comments wherever
//! the grammar allows them.

use proptest::prelude::*;

/// SplitMix64: the layout choices of one generated file, from one seed.
pub(super) struct Rng(pub u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn one_in(&mut self, n: u64) -> bool {
        self.next().is_multiple_of(n)
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

/// An expression, before it is written out.
#[derive(Debug, Clone)]
pub(super) enum E {
    Atom(&'static str),
    /// `t0 op t1 op t2 …`, precedence left to the parser.
    Chain(Vec<E>, Vec<&'static str>),
    Not(Box<E>),
    Neg(Box<E>),
    Paren(Box<E>),
    Call(&'static str, Vec<E>),
    List(Vec<E>),
    If(Box<E>, Box<E>, Box<E>),
    Postfix(Box<E>, &'static str),
    Where(&'static str, Box<E>),
}

const ATOMS: &[&str] = &[
    "visits",
    "a",
    "b",
    "x",
    "score_1",
    "_u",
    "type",
    "target",
    "3",
    "1_000",
    "0",
    "2.5",
    "95%",
    "30d",
    "\"pricing\"",
    "\"q \\\"x\\\"\"",
    "now",
    "true",
    "it.x",
    "lead.visits",
];
const OPS: &[&str] = &[
    "and",
    "or",
    "==",
    "!=",
    "<",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "??",
    "in",
    "not in",
    "contains",
    "contains any",
    "starts with",
    "matches",
    "within",
];

fn term() -> impl Strategy<Value = E> {
    let leaf = prop::sample::select(ATOMS).prop_map(E::Atom);
    leaf.prop_recursive(4, 24, 4, |inner| {
        let chain = (
            prop::collection::vec(inner.clone(), 2..5),
            prop::collection::vec(prop::sample::select(OPS), 4),
        )
            .prop_map(|(terms, ops)| {
                let n = terms.len() - 1;
                E::Chain(terms, ops[..n].to_vec())
            });
        prop_oneof![
            chain.clone().prop_map(|c| E::Paren(Box::new(c))),
            inner
                .clone()
                .prop_map(|e| E::Not(Box::new(E::Paren(Box::new(e))))),
            prop::sample::select(ATOMS).prop_map(|a| E::Neg(Box::new(E::Atom(a)))),
            (
                prop::sample::select(&["lower", "max", "days", "count"][..]),
                prop::collection::vec(chain.clone(), 1..3)
            )
                .prop_map(|(f, args)| E::Call(f, args)),
            prop::collection::vec(inner.clone(), 0..4).prop_map(E::List),
            (chain.clone(), inner.clone(), inner.clone()).prop_map(|(c, t, o)| {
                E::Paren(Box::new(E::If(Box::new(c), Box::new(t), Box::new(o))))
            }),
            (
                inner.clone(),
                prop::sample::select(&[" is present", " is missing", " \"lit\""][..])
            )
                .prop_map(|(e, p)| E::Postfix(Box::new(E::Paren(Box::new(e))), p)),
            (prop::sample::select(&["count", "any", "latest"][..]), chain)
                .prop_map(|(f, c)| E::Where(f, Box::new(c))),
        ]
    })
}

fn expr() -> impl Strategy<Value = E> {
    (
        prop::collection::vec(term(), 1..4),
        prop::collection::vec(prop::sample::select(OPS), 3),
    )
        .prop_map(|(terms, ops)| match terms.len() {
            1 => terms.into_iter().next().unwrap_or(E::Atom("a")),
            n => E::Chain(terms, ops[..n - 1].to_vec()),
        })
}

/// Writes generated code with random layout: spaces, tabs, line breaks where the grammar
/// allows them (after an operator or a comma, anywhere inside `(` and `[`), comments.
struct Writer {
    rng: Rng,
    out: String,
    /// Depth of `(` and `[`: there every line break is whitespace.
    parens: usize,
}

impl Writer {
    fn space(&mut self) {
        let s = self.rng.pick(&[" ", " ", " ", "  ", "\t"]);
        self.out.push_str(s);
    }

    /// A separator where a line may break.
    fn may_break(&mut self) {
        if self.rng.one_in(5) {
            if self.rng.one_in(3) {
                self.out
                    .push_str(self.rng.pick(&[" # c1", "  # c2 ", "#c3"]));
            }
            self.out.push('\n');
            if self.rng.one_in(6) {
                self.out.push_str("  # own line\n");
            }
            self.out.push_str(self.rng.pick(&["", "  ", "    ", "\t"]));
        } else {
            self.space();
        }
    }

    /// A separator inside the current construct: breakable only inside brackets.
    fn sep(&mut self) {
        if self.parens > 0 {
            self.may_break();
        } else {
            self.space();
        }
    }

    fn tight(&mut self) {
        if self.parens > 0 && self.rng.one_in(8) {
            self.may_break();
        }
    }

    fn expr(&mut self, e: &E) {
        match e {
            E::Atom(a) => self.out.push_str(a),
            E::Chain(terms, ops) => {
                for (i, t) in terms.iter().enumerate() {
                    if i > 0 {
                        self.sep();
                        self.out.push_str(ops[i - 1]);
                        self.may_break();
                    }
                    self.expr(t);
                }
            }
            E::Not(x) => {
                self.out.push_str("not");
                self.space();
                self.expr(x);
            }
            E::Neg(x) => {
                self.out.push('-');
                self.expr(x);
            }
            E::Paren(x) => self.bracketed("(", ")", |w| w.expr(x)),
            E::Call(f, args) => {
                self.out.push_str(f);
                self.bracketed("(", ")", |w| w.items(args));
            }
            E::List(items) => self.bracketed("[", "]", |w| w.items(items)),
            E::If(c, t, o) => {
                self.out.push_str("if");
                self.space();
                self.expr(c);
                self.sep();
                self.out.push_str("then");
                self.space();
                self.expr(t);
                self.sep();
                self.out.push_str("else");
                self.space();
                self.expr(o);
            }
            E::Postfix(x, p) => {
                self.expr(x);
                self.out.push_str(p);
            }
            E::Where(f, c) => {
                self.out.push_str(f);
                self.bracketed("(", ")", |w| {
                    w.out.push_str("events");
                    w.sep();
                    w.out.push_str("where");
                    w.space();
                    w.expr(c);
                });
            }
        }
    }

    fn bracketed(&mut self, open: &str, close: &str, inner: impl FnOnce(&mut Writer)) {
        self.out.push_str(open);
        self.parens += 1;
        self.tight();
        inner(self);
        self.tight();
        self.parens -= 1;
        self.out.push_str(close);
    }

    fn items(&mut self, items: &[E]) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
                self.may_break();
            }
            self.expr(item);
        }
        if !items.is_empty() && self.rng.one_in(6) {
            self.out.push(',');
        }
    }

    /// The end of a line of a block or of a declaration: maybe a trailing comment, maybe
    /// blank lines and comment lines after it.
    fn end_line(&mut self) {
        if self.rng.one_in(4) {
            self.out
                .push_str(self.rng.pick(&["  # trailing", " #t", "\t# tab"]));
        }
        self.out.push('\n');
        for _ in 0..(self.rng.next() % 3) {
            self.out.push_str(
                self.rng
                    .pick(&["\n", "  # comment line\n", "## doc?\n", "\n\n"]),
            );
        }
        self.out.push_str(self.rng.pick(&["", "  ", "   ", "\t"]));
    }
}

/// A declaration, before it is written out.
#[derive(Debug, Clone)]
pub(super) enum Decl {
    Def(&'static str, bool, E),
    Score(Vec<(&'static str, E)>, bool),
    Grade(Vec<E>),
    Sla(Vec<(&'static str, E)>),
    Test(E, Vec<E>),
    Schema,
    Stages,
}

pub(super) fn decl() -> impl Strategy<Value = Decl> {
    let points = prop::sample::select(&["+10", "-5", "+ 2.5", "+0"][..]);
    let sla_kw = prop::sample::select(
        &[
            "for", "from", "until", "within", "target", "require", "count", "by", "at least",
            "at most",
        ][..],
    );
    prop_oneof![
        4 => (prop::sample::select(&["MQL", "a_b", "count", "x1"][..]), any::<bool>(), expr())
            .prop_map(|(n, w, e)| Decl::Def(n, w, e)),
        2 => (prop::collection::vec((points, expr()), 0..5), any::<bool>())
            .prop_map(|(items, g)| Decl::Score(items, g)),
        1 => prop::collection::vec(expr(), 0..4).prop_map(Decl::Grade),
        1 => prop::collection::vec((sla_kw, expr()), 0..5).prop_map(Decl::Sla),
        1 => (expr(), prop::collection::vec(expr(), 0..3)).prop_map(|(a, x)| Decl::Test(a, x)),
        1 => Just(Decl::Schema),
        1 => Just(Decl::Stages),
    ]
}

pub(super) fn write_file(decls: &[Decl], seed: u64) -> String {
    let mut w = Writer {
        rng: Rng(seed),
        out: String::new(),
        parens: 0,
    };
    for d in decls {
        if w.rng.one_in(3) {
            w.out.push_str("## Documented.\n");
        }
        if w.rng.one_in(5) {
            w.out.push_str("# smql: allow(dead_item)\n");
        }
        write_decl(&mut w, d);
        w.end_line();
        w.out.push('\n');
    }
    w.out
}

fn write_decl(w: &mut Writer, d: &Decl) {
    match d {
        Decl::Def(name, when, e) => {
            w.out.push_str(name);
            w.space();
            w.out.push_str(if *when { "when" } else { "=" });
            w.space();
            w.expr(e);
        }
        Decl::Score(items, group) => {
            w.out.push_str("score s {");
            w.end_line();
            for (i, (p, e)) in items.iter().enumerate() {
                if *group && i == 1 {
                    w.out.push_str("group \"g\" up to 5 {");
                    w.end_line();
                }
                w.out.push_str(p);
                w.space();
                if i % 2 == 0 {
                    w.out.push_str("when");
                    w.space();
                    w.expr(e);
                } else {
                    w.out.push_str("per");
                    w.space();
                    w.expr(e);
                    w.out.push_str(" up to 10");
                }
                w.end_line();
            }
            if *group && items.len() > 1 {
                w.out.push('}');
                w.end_line();
            }
            w.out.push_str("at least 0");
            w.end_line();
            w.out.push_str("decay 10% every 30d since created_at");
            w.end_line();
            w.out.push('}');
        }
        Decl::Grade(arms) => {
            w.out.push_str("grade g {");
            w.end_line();
            for (i, e) in arms.iter().enumerate() {
                w.out.push_str(["\"A\"", "\"BBB\"", "\"C\""][i % 3]);
                w.space();
                w.out.push_str("when");
                w.space();
                w.expr(e);
                w.end_line();
            }
            w.out.push_str("else \"D\"");
            w.end_line();
            w.out.push('}');
        }
        Decl::Sla(lines) => {
            w.out.push_str("sla \"s\" {");
            w.end_line();
            w.out.push_str("owner sales");
            w.end_line();
            for (kw, e) in lines {
                w.out.push_str(kw);
                w.space();
                w.expr(e);
                w.end_line();
            }
            w.out.push_str("per month");
            w.end_line();
            w.out.push('}');
        }
        Decl::Test(as_of, expects) => {
            w.out.push_str("test \"t\" {");
            w.end_line();
            for x in expects {
                w.out.push_str("expect");
                w.space();
                w.expr(x);
                w.end_line();
            }
            w.out
                .push_str("given { a: 1, b: \"x\", c: [1, 2], d: { e: true } }");
            w.end_line();
            w.out.push_str("given {");
            w.end_line();
            w.out.push_str("f: -2.5, g: missing");
            w.end_line();
            w.out.push_str("h: [");
            w.end_line();
            w.out.push_str("{ i: 1, j: \"k\" },");
            w.end_line();
            w.out.push_str("{ i: 22, j: \"\" }]");
            w.end_line();
            w.out.push('}');
            w.end_line();
            w.out.push_str("as of");
            w.space();
            w.expr(as_of);
            w.end_line();
            w.out.push('}');
        }
        Decl::Schema => {
            w.out.push_str("schema {");
            w.end_line();
            for f in [
                "id: string key",
                "title: string?   from \"Job Title\"",
                "tags: list of string",
                "plan: one of (\"a\", \"b\")",
                "events: list of { type: string, at: timestamp }",
            ] {
                w.out.push_str(f);
                w.end_line();
            }
            w.out.push('}');
        }
        Decl::Stages => {
            w.out.push_str("stages A ->");
            w.may_break();
            w.out.push_str("B -> C");
            w.end_line();
            w.out.push_str("detours D,");
            w.may_break();
            w.out.push('E');
        }
    }
}
