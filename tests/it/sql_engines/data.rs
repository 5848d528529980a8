//! The leads of the random rule sets (`crate::support::gen`) for the SQL engines. They differ
//! from the JIT test's where SQL engines cannot store smql's values: instants stay within the
//! years 1 to 9999, and the text has no capital sigma, whose `lower` the SQL refuses at run time
//! (see `src/sql/text.rs`), but has quotes and backslashes, which literals must keep.

use crate::support::gen::Tape;

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
