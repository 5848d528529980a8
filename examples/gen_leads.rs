//! Deterministic synthetic leads, shaped like a nightly CRM export.
//!
//! ```text
//! cargo run --release --example gen_leads -- N [--format ndjson|json|csv] [--seed S] [--events] > leads.EXT
//! ```
//!
//! The fields are those of `examples/b2b-saas/schema.smql` (CRM column names such as
//! `"First Name"` included), a superset of the benchmark schema. `--events` adds an `events`
//! list (`type`, `target`, `at`) to JSON output; CSV never carries it (a list of records has no
//! cell form) and joins list fields with `;`. Timestamps are RFC 3339 UTC, the data is "as of"
//! 2026-11-01, absent optional values are `null` (JSON) or empty cells (CSV).
//!
//! Every lead has its own SplitMix64 stream seeded from (seed, index), so lead N is the same in
//! every format and for every count, and the output never changes with crate versions.

use std::io::{self, BufWriter, Write};

/// 2026-11-01T00:00:00Z in epoch milliseconds.
const AS_OF: i64 = 1_793_491_200_000;
const DAY: i64 = 86_400_000;

const SOURCES: [(&str, u32); 7] = [
    ("organic", 30),
    ("paid_search", 20),
    ("referral", 10),
    ("event", 8),
    ("email", 14),
    ("social", 12),
    ("partner", 6),
];
const COUNTRIES: [(&str, u32); 10] = [
    ("US", 34),
    ("GB", 10),
    ("DE", 9),
    ("FR", 7),
    ("CA", 6),
    ("AU", 5),
    ("BR", 6),
    ("IN", 11),
    ("JP", 5),
    ("NL", 7),
];
const INDUSTRIES: [&str; 7] = [
    "software",
    "finance",
    "healthcare",
    "retail",
    "manufacturing",
    "education",
    "media",
];
const TITLES: [(&str, u32); 14] = [
    ("CEO", 4),
    ("CTO", 4),
    ("CFO", 2),
    ("VP Marketing", 5),
    ("VP Sales", 5),
    ("Head of Growth", 5),
    ("Director of IT", 5),
    ("Marketing Manager", 14),
    ("Sales Manager", 10),
    ("Revenue Operations Manager", 6),
    ("Engineer", 16),
    ("Analyst", 12),
    ("Consultant", 6),
    ("Student", 6),
];
const CONTENT: [&str; 8] = [
    "pricing",
    "whitepaper-ai",
    "ebook-smarketing",
    "case-study-retail",
    "case-study-fintech",
    "webinar-q3",
    "roi-calculator",
    "datasheet",
];
const PAGES: [&str; 10] = [
    "/",
    "/pricing",
    "/product",
    "/demo",
    "/blog",
    "/careers",
    "/docs",
    "/docs/api",
    "/contact",
    "/integrations",
];
const TECH: [&str; 9] = [
    "salesforce",
    "hubspot",
    "slack",
    "zendesk",
    "snowflake",
    "segment",
    "pipedrive",
    "marketo",
    "intercom",
];
const COMPANY_DOMAINS: [&str; 10] = [
    "acme.com",
    "initech.com",
    "hooli.com",
    "vandelay.co",
    "stark.industries",
    "wayne.enterprises",
    "umbrella.org",
    "cyberdyne.ai",
    "soylent.co",
    "tyrell.com",
];
const FREE_DOMAINS: [&str; 4] = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com"];
const COMPETITOR_DOMAINS: [&str; 2] = ["globex.io", "massive.dynamic"];
const FIRST_NAMES: [&str; 24] = [
    "Ana", "Ben", "Chloé", "Dev", "Elif", "Farah", "Gus", "Hana", "Ivan", "Jun", "Kofi", "Lena",
    "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tomás", "Uma", "Wei", "Yara", "Zoe",
];
const LAST_NAMES: [&str; 16] = [
    "Silva", "Okafor", "Müller", "Tanaka", "Smith", "Garcia", "Khan", "Novak", "Rossi", "Dubois",
    "Kim", "Ivanova", "Haddad", "Larsen", "Patel", "Brown",
];
const PLANS: [(&str, u32); 4] = [
    ("free", 40),
    ("starter", 30),
    ("team", 20),
    ("enterprise", 10),
];
const FORMS: [&str; 3] = ["contact", "demo", "newsletter"];
const DIAL: [(&str, &str); 10] = [
    ("US", "+1"),
    ("GB", "+44"),
    ("DE", "+49"),
    ("FR", "+33"),
    ("CA", "+1"),
    ("AU", "+61"),
    ("BR", "+55"),
    ("IN", "+91"),
    ("JP", "+81"),
    ("NL", "+31"),
];

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and fixed here forever.
struct Rng(u64);

impl Rng {
    fn for_lead(seed: u64, index: u64) -> Rng {
        let mut r = Rng(seed.wrapping_mul(1_000_003).wrapping_add(index));
        r.next();
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform in [0, n) (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }

    fn exp(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.unit()).ln()
    }

    fn lognormal(&mut self, mu: f64, sigma: f64) -> f64 {
        // Box–Muller; one of the pair is enough.
        let (u1, u2) = (1.0 - self.unit(), self.unit());
        let normal = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
        (mu + sigma * normal).exp()
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    fn weighted<'a>(&mut self, items: &[(&'a str, u32)]) -> &'a str {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut x = self.below(total as u64) as u32;
        for (item, w) in items {
            if x < *w {
                return item;
            }
            x -= w;
        }
        items[items.len() - 1].0
    }

    /// `k` distinct items, in the slice's order.
    fn sample<'a>(&mut self, items: &[&'a str], k: usize) -> Vec<&'a str> {
        let mut idx: Vec<usize> = (0..items.len()).collect();
        let k = k.min(items.len());
        for i in 0..k {
            let j = i + self.below((items.len() - i) as u64) as usize;
            idx.swap(i, j);
        }
        let mut chosen = idx[..k].to_vec();
        chosen.sort_unstable();
        chosen.into_iter().map(|i| items[i]).collect()
    }

    /// An instant uniformly between `from` and `to` (ms, whole seconds).
    fn between(&mut self, from: i64, to: i64) -> i64 {
        let secs = ((to - from) / 1000).max(0) as u64;
        from + self.below(secs + 1) as i64 * 1000
    }
}

enum Val {
    Null,
    Str(String),
    Int(i64),
    Num(f64),
    Bool(bool),
    Ts(i64),
    List(Vec<&'static str>),
    Events(Vec<Event>),
}

struct Event {
    kind: &'static str,
    target: &'static str,
    at: i64,
}

fn opt<T>(v: Option<T>, f: impl FnOnce(T) -> Val) -> Val {
    v.map_or(Val::Null, f)
}

/// One lead: (column, value) in output order.
fn lead(i: u64, seed: u64, with_events: bool) -> Vec<(&'static str, Val)> {
    let r = &mut Rng::for_lead(seed, i);
    // Buying intent drives activity, recency and how far the CRM took the lead, so the rules
    // find a funnel in the data rather than noise.
    let intent = r.unit();
    let created = AS_OF - r.below(365 * 86_400) as i64 * 1000;
    // High-intent leads were active recently; the rest went quiet somewhere in between.
    let quiet = r.unit().powf(1.0 + 4.0 * intent);
    let last = AS_OF - ((AS_OF - created) as f64 * quiet) as i64 / 1000 * 1000;

    let first = r.pick(&FIRST_NAMES);
    let last_name = r.pick(&LAST_NAMES);
    let domain = match r.below(100) {
        0..=61 => r.pick(&COMPANY_DOMAINS),
        62..=93 => r.pick(&FREE_DOMAINS),
        _ => r.pick(&COMPETITOR_DOMAINS),
    };
    let local = format!("{}.{}{i}", first.to_lowercase(), last_name.to_lowercase());
    let email = if r.chance(0.006) {
        format!("{local} at {domain}") // a typo the CRM let through
    } else {
        format!("{local}@{domain}")
    };
    let first_name = match r.below(100) {
        0..=3 => String::new(),
        4..=6 => format!("  {} ", first.to_uppercase()),
        _ => first.to_string(),
    };

    let source = r.weighted(&SOURCES);
    let country = r.weighted(&COUNTRIES);
    let industry = r.pick(&INDUSTRIES);
    let title = r.chance(0.8).then(|| r.weighted(&TITLES));
    let company_size = r
        .chance(0.85)
        .then(|| (r.lognormal(4.0, 1.6) as i64 + 1).min(250_000));
    let annual_revenue = r.chance(0.65).then(|| {
        let per_head = r.lognormal(11.5, 0.6);
        let raw = company_size.map_or_else(|| r.lognormal(15.0, 1.5), |s| s as f64 * per_head);
        (raw / 1000.0).round() * 1000.0
    });
    let phone = if r.chance(0.7) {
        if r.chance(0.05) {
            Some(r.pick(&["n/a", "ask assistant", "-"]).to_string())
        } else {
            let dial = DIAL
                .iter()
                .find(|(c, _)| *c == country)
                .map_or("+1", |(_, d)| d);
            Some(format!(
                "{dial} {} {:03} {:04}",
                100 + r.below(900),
                r.below(1000),
                r.below(10_000)
            ))
        }
    } else {
        None
    };
    let plan = if company_size.is_some_and(|s| s >= 1000) && r.chance(0.5) {
        "enterprise"
    } else {
        r.weighted(&PLANS)
    };

    let visits = (r.exp(1.0 + 8.0 * intent) as i64).min(200);
    let form_fills = (r.exp(0.3 + 1.5 * intent) as i64).min(30);
    let email_opens = (r.exp(6.0) as i64).min(500);
    let downloaded = {
        let k = r.exp(0.6 + 1.2 * intent) as usize;
        let mut d = r.sample(&CONTENT[1..], k);
        if r.chance(0.6 * intent) {
            d.insert(0, CONTENT[0]); // "pricing"
        }
        d
    };
    let pages = {
        let k = 1 + r.exp(1.5) as usize;
        let mut p = r.sample(&PAGES, k);
        for (page, p_extra) in [("/pricing", 0.7), ("/demo", 0.5)] {
            if !p.contains(&page) && r.chance(p_extra * intent) {
                p.push(page);
            }
        }
        p.sort_unstable_by_key(|page| PAGES.iter().position(|x| x == page));
        p
    };
    let tech = {
        let k = r.exp(1.3) as usize;
        r.sample(&TECH, k)
    };
    let unsubscribed = r.chance(0.05);

    let (mut mql_at, mut sql_at, mut contact_at, mut closed_at, mut deal) =
        (None, None, None, None, None);
    let senior = title.is_some_and(|t| {
        ["CEO", "CTO", "CFO", "VP", "Head", "Director"]
            .iter()
            .any(|w| t.contains(w))
    });
    if visits >= 3 && r.chance(0.2 + 0.7 * intent) {
        let mql = created + ((last - created) as f64 * r.unit()) as i64 / 1000 * 1000;
        mql_at = Some(mql);
        if r.chance(if senior { 0.7 } else { 0.3 }) {
            let sql = mql + (r.exp(72.0) * 3_600_000.0) as i64 / 1000 * 1000;
            sql_at = Some(sql);
            if r.chance(0.8) {
                contact_at = Some(sql + (r.exp(50.0) * 60_000.0) as i64 / 1000 * 1000);
            }
            if r.chance(0.55) {
                deal = Some((r.lognormal(9.5, 1.0) * 100.0).round() / 100.0);
                if r.chance(0.45) {
                    closed_at = Some(sql + (r.exp(30.0) * DAY as f64) as i64 / 1000 * 1000);
                }
            }
        } else if r.chance(0.5) {
            contact_at = Some(mql + (r.exp(30.0) * 3_600_000.0) as i64 / 1000 * 1000);
        }
    }

    let mut rec = vec![
        ("id", Val::Str(format!("L{i:08}"))),
        ("email", Val::Str(email)),
        ("First Name", Val::Str(first_name)),
        ("source", Val::Str(source.into())),
        ("country", Val::Str(country.into())),
        ("industry", Val::Str(industry.into())),
        ("title", opt(title, |t| Val::Str(t.into()))),
        ("company_size", opt(company_size, Val::Int)),
        ("Annual Revenue", opt(annual_revenue, Val::Num)),
        ("Phone Number", opt(phone, Val::Str)),
        ("Plan Interest", Val::Str(plan.into())),
        ("visits", Val::Int(visits)),
        ("form_fills", Val::Int(form_fills)),
        ("email_opens", Val::Int(email_opens)),
        ("downloaded", Val::List(downloaded.clone())),
        ("pages", Val::List(pages)),
        ("Tech Stack", Val::List(tech)),
        ("unsubscribed", Val::Bool(unsubscribed)),
        ("deal_value", opt(deal, Val::Num)),
        ("created_at", Val::Ts(created)),
        ("last_activity_at", Val::Ts(last)),
        ("mql_at", opt(mql_at, Val::Ts)),
        ("sql_at", opt(sql_at, Val::Ts)),
        ("first_contact_at", opt(contact_at, Val::Ts)),
        ("closed_at", opt(closed_at, Val::Ts)),
    ];
    if with_events {
        let mut events = Vec::new();
        for _ in 0..visits.min(12) {
            events.push(Event {
                kind: "visit",
                target: r.pick(&PAGES),
                at: r.between(created, last),
            });
        }
        for c in &downloaded {
            events.push(Event {
                kind: "download",
                target: c,
                at: r.between(created, last),
            });
        }
        for n in 0..form_fills.min(5) {
            events.push(Event {
                kind: "form",
                // Serious buyers ask for a demo first.
                target: if n == 0 && r.chance(intent) {
                    "demo"
                } else {
                    r.pick(&FORMS)
                },
                at: r.between(created, last),
            });
        }
        events.sort_by_key(|e| e.at);
        rec.push(("events", Val::Events(events)));
    }
    rec
}

// ---------------------------------------------------------------------------------------------
// Output

fn push_digits(out: &mut Vec<u8>, n: i64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut n = n.unsigned_abs();
    let mut i = buf.len();
    while n > 0 || buf.len() - i < width {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out.extend_from_slice(&buf[i..]);
}

/// `YYYY-MM-DDTHH:MM:SSZ`, written digit by digit (this is most of the output).
fn push_ts(out: &mut Vec<u8>, ms: i64) {
    let (y, m, d) = smql::time::civil_from_days(ms.div_euclid(DAY));
    let s = ms.rem_euclid(DAY) / 1000;
    push_digits(out, y, 4);
    out.push(b'-');
    push_digits(out, m as i64, 2);
    out.push(b'-');
    push_digits(out, d as i64, 2);
    out.push(b'T');
    push_digits(out, s / 3600, 2);
    out.push(b':');
    push_digits(out, s / 60 % 60, 2);
    out.push(b':');
    push_digits(out, s % 60, 2);
    out.push(b'Z');
}

fn push_json_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    if !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        out.extend_from_slice(s.as_bytes());
    } else {
        for c in s.chars() {
            match c {
                '"' => out.extend_from_slice(b"\\\""),
                '\\' => out.extend_from_slice(b"\\\\"),
                c if (c as u32) < 0x20 => {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                }
                c => {
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
            }
        }
    }
    out.push(b'"');
}

fn push_json(out: &mut Vec<u8>, rec: &[(&str, Val)]) {
    out.push(b'{');
    for (n, (key, val)) in rec.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        push_json_str(out, key);
        out.push(b':');
        match val {
            Val::Null => out.extend_from_slice(b"null"),
            Val::Str(s) => push_json_str(out, s),
            Val::Int(x) => {
                if *x < 0 {
                    out.push(b'-');
                }
                push_digits(out, *x, 1);
            }
            Val::Num(x) => {
                let _ = write!(out, "{x}");
            }
            Val::Bool(b) => {
                let _ = write!(out, "{b}");
            }
            Val::Ts(ms) => {
                out.push(b'"');
                push_ts(out, *ms);
                out.push(b'"');
            }
            Val::List(items) => {
                out.push(b'[');
                for (k, item) in items.iter().enumerate() {
                    if k > 0 {
                        out.push(b',');
                    }
                    push_json_str(out, item);
                }
                out.push(b']');
            }
            Val::Events(events) => {
                out.push(b'[');
                for (k, e) in events.iter().enumerate() {
                    if k > 0 {
                        out.push(b',');
                    }
                    let _ = write!(out, "{{\"type\":\"{}\",\"target\":", e.kind);
                    push_json_str(out, e.target);
                    out.extend_from_slice(b",\"at\":\"");
                    push_ts(out, e.at);
                    out.extend_from_slice(b"\"}");
                }
                out.push(b']');
            }
        }
    }
    out.push(b'}');
}

fn push_csv_cell(out: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        out.extend_from_slice(s.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

fn push_csv(out: &mut Vec<u8>, rec: &[(&str, Val)]) {
    let mut first = true;
    for (_, val) in rec {
        if matches!(val, Val::Events(_)) {
            continue;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        match val {
            Val::Null | Val::Events(_) => {}
            Val::Str(s) => push_csv_cell(out, s),
            Val::Int(x) => {
                if *x < 0 {
                    out.push(b'-');
                }
                push_digits(out, *x, 1);
            }
            Val::Num(x) => {
                let _ = write!(out, "{x}");
            }
            Val::Bool(b) => {
                let _ = write!(out, "{b}");
            }
            Val::Ts(ms) => push_ts(out, *ms),
            Val::List(items) => push_csv_cell(out, &items.join(";")),
        }
    }
    out.push(b'\n');
}

// `pub(crate)`: the benchmarks include this file as a module to generate their data.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Format {
    Ndjson,
    Json,
    Csv,
}

pub(crate) struct Options {
    pub(crate) n: u64,
    pub(crate) format: Format,
    pub(crate) seed: u64,
    pub(crate) events: bool,
}

const USAGE: &str = "usage: gen_leads N [--format ndjson|json|csv] [--seed S] [--events]";

fn parse_args() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let (mut n, mut format, mut seed, mut events) = (None, Format::Ndjson, 7, false);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--format" => {
                format = match args.next().as_deref() {
                    Some("ndjson") => Format::Ndjson,
                    Some("json") => Format::Json,
                    Some("csv") => Format::Csv,
                    other => return Err(format!("unknown format `{}`", other.unwrap_or(""))),
                }
            }
            "--seed" => {
                seed = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or("`--seed` needs a non-negative integer")?
            }
            "--events" => events = true,
            "-h" | "--help" => return Err(String::new()),
            other => {
                n = Some(
                    other
                        .replace('_', "")
                        .parse::<u64>()
                        .map_err(|_| format!("`{other}` is not a count"))?,
                )
            }
        }
    }
    Ok(Options {
        n: n.ok_or("the number of leads is required")?,
        format,
        seed,
        events,
    })
}

fn main() -> std::process::ExitCode {
    let opts = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}");
            }
            eprintln!("{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    match generate(
        &opts,
        &mut BufWriter::with_capacity(1 << 20, io::stdout().lock()),
    ) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        // A closed pipe (`| head`) is a normal way to stop.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::from(1)
        }
    }
}

pub(crate) fn generate(opts: &Options, w: &mut impl Write) -> io::Result<()> {
    let mut buf = Vec::with_capacity(1 << 16);
    let with_events = opts.events && opts.format != Format::Csv;
    if opts.format == Format::Csv {
        let header: Vec<String> = lead(0, opts.seed, false)
            .iter()
            .map(|(k, _)| k.to_string())
            .collect();
        for (n, h) in header.iter().enumerate() {
            if n > 0 {
                buf.push(b',');
            }
            push_csv_cell(&mut buf, h);
        }
        buf.push(b'\n');
    } else if opts.format == Format::Json {
        buf.push(b'[');
    }
    for i in 0..opts.n {
        let rec = lead(i, opts.seed, with_events);
        match opts.format {
            Format::Ndjson => {
                push_json(&mut buf, &rec);
                buf.push(b'\n');
            }
            Format::Json => {
                buf.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
                push_json(&mut buf, &rec);
            }
            Format::Csv => push_csv(&mut buf, &rec),
        }
        if buf.len() > 1 << 15 {
            w.write_all(&buf)?;
            buf.clear();
        }
    }
    if opts.format == Format::Json {
        buf.extend_from_slice(if opts.n == 0 { b"]\n" } else { b"\n]\n" });
    }
    w.write_all(&buf)?;
    w.flush()
}
