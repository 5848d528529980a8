//! Per-batch state of one kernel call: the batch's strings and their extension, memo tables,
//! interned literals, constant lists, output columns, and the environment handed to the kernel.
//!
//! Strings are ids: `0 .. dict.len()` are the batch dictionary's, larger ids are strings made
//! while evaluating (`lower(title)`, `region + " / " + size_band`) or literals of the rules that
//! the batch does not contain. [`Strings::intern`] looks a string up in the dictionary first, so
//! every string has exactly one id and string equality is id equality.
//!
//! Memory: [`Buffers`] owns everything the kernel writes or reads besides the batch. The kernel
//! and the helpers reach it only through raw pointers taken once before the call
//! ([`Buffers::env`]), and `eval_batch` reads it through the buffers only after the call.

use super::plan::{
    memo_len, Kind, OutKind, Plan, Pred, Slot, StrFn, CONCAT_CACHE, CONCAT_EMPTY, PRED_UNKNOWN,
    STRFN_UNKNOWN, UNORDERED,
};
use crate::data::{Batch, Column, StringDict};
use crate::eval::{text, EvalError};
use crate::value::Value;
use hashbrown::{DefaultHashBuilder, HashMap, HashTable};
use std::borrow::Cow;
use std::hash::BuildHasher;

/// The batch dictionary plus the strings made while evaluating it.
pub(super) struct Strings<'b> {
    dict: &'b StringDict,
    dict_len: u32,
    /// The made strings: `ext[i]` has id `dict_len + i`.
    ext: Vec<Box<str>>,
    /// Positions in `ext` by hash of their text, so each made string is stored once.
    ext_index: HashTable<u32>,
    hasher: DefaultHashBuilder,
}

impl<'b> Strings<'b> {
    pub fn new(dict: &'b StringDict) -> Strings<'b> {
        Strings {
            dict,
            dict_len: u32::try_from(dict.len()).unwrap_or(u32::MAX),
            ext: Vec::new(),
            ext_index: HashTable::new(),
            hasher: DefaultHashBuilder::default(),
        }
    }

    pub fn dict_len(&self) -> u32 {
        self.dict_len
    }

    /// The text of `id` when it is a dictionary string.
    pub fn dict_str(&self, id: u32) -> Option<&'b str> {
        let dict: &'b StringDict = self.dict;
        (id < self.dict_len).then(|| dict.get(id))
    }

    /// The text of `id` (empty for an id no one made).
    pub fn get(&self, id: u32) -> &str {
        if id < self.dict_len {
            self.dict.get(id)
        } else {
            self.ext
                .get((id - self.dict_len) as usize)
                .map_or("", |s| s)
        }
    }

    /// The one id of `s`. A batch holds at most 4 GiB of text and each row makes a bounded
    /// number of strings, so ids stay far below the sentinels (`u32::MAX - 1` and up); were
    /// they ever reached, the id saturates (and the string reads as empty).
    pub fn intern(&mut self, s: &str) -> u32 {
        // Made strings first: the same few (domains, labels, concatenations) come back row
        // after row, and their index is small and hot where the dictionary's is large. A
        // string is only ever added to `ext` after the dictionary said it does not have it, so
        // the order of the two lookups does not change the id.
        let hash = self.hasher.hash_one(s);
        let ext = &self.ext;
        let text = |i: u32| ext.get(i as usize).map_or("", |t| t);
        if let Some(&i) = self.ext_index.find(hash, |&i| text(i) == s) {
            return self.dict_len + i;
        }
        if let Some(id) = self.dict.lookup(s) {
            return id;
        }
        let id = u64::from(self.dict_len) + self.ext.len() as u64;
        let Ok(id) = u32::try_from(id) else {
            return u32::MAX - 2;
        };
        if id >= u32::MAX - 2 {
            return u32::MAX - 2;
        }
        let i = id - self.dict_len;
        self.ext.push(Box::from(s));
        let (ext, hasher) = (&self.ext, &self.hasher);
        self.ext_index.insert_unique(hash, i, |&i| {
            hasher.hash_one(ext.get(i as usize).map_or("", |t| t))
        });
        id
    }

    /// Whether some string has id `id` (so memo tables of made strings stay as small as the
    /// number of made strings).
    fn exists(&self, id: u32) -> bool {
        u64::from(id) < u64::from(self.dict_len) + self.ext.len() as u64
    }

    /// How many strings were made (ids `dict_len .. dict_len + made()`).
    #[cfg(test)]
    fn made(&self) -> usize {
        self.ext.len()
    }
}

/// A typed buffer.
pub(super) enum Buf {
    U8(Vec<u8>),
    U32(Vec<u32>),
    I64(Vec<i64>),
    F64(Vec<f64>),
}

impl Buf {
    fn zeroed(kind: OutKind, len: usize) -> Buf {
        match kind {
            OutKind::U8 => Buf::U8(vec![0; len]),
            OutKind::U32 => Buf::U32(vec![0; len]),
            OutKind::I64 => Buf::I64(vec![0; len]),
            OutKind::F64 => Buf::F64(vec![0.0; len]),
        }
    }

    fn as_mut_ptr(&mut self) -> *mut u8 {
        match self {
            Buf::U8(v) => v.as_mut_ptr(),
            Buf::U32(v) => v.as_mut_ptr().cast(),
            Buf::I64(v) => v.as_mut_ptr().cast(),
            Buf::F64(v) => v.as_mut_ptr().cast(),
        }
    }

    /// The whole column, if it holds `u32`s (empty otherwise).
    pub fn u32s(&self) -> &[u32] {
        match self {
            Buf::U32(v) => v,
            _ => &[],
        }
    }

    /// The whole column, if it holds `f64`s (empty otherwise).
    pub fn u8s(&self) -> &[u8] {
        match self {
            Buf::U8(v) => v,
            _ => &[],
        }
    }

    pub fn f64s(&self) -> &[f64] {
        match self {
            Buf::F64(v) => v,
            _ => &[],
        }
    }

    pub fn u8(&self, i: usize) -> u8 {
        match self {
            Buf::U8(v) => v.get(i).copied().unwrap_or(0),
            _ => 0,
        }
    }

    pub fn u32(&self, i: usize) -> u32 {
        match self {
            Buf::U32(v) => v.get(i).copied().unwrap_or(0),
            _ => 0,
        }
    }

    pub fn i64(&self, i: usize) -> i64 {
        match self {
            Buf::I64(v) => v.get(i).copied().unwrap_or(0),
            _ => 0,
        }
    }

    pub fn f64(&self, i: usize) -> f64 {
        match self {
            Buf::F64(v) => v.get(i).copied().unwrap_or(0.0),
            _ => 0.0,
        }
    }
}

/// Everything a kernel call reads or writes besides the batch.
pub(super) struct Buffers {
    pred_tables: Vec<Vec<u8>>,
    strfn_tables: Vec<Vec<u32>>,
    const_lists: Vec<Buf>,
    list_bufs: Vec<Buf>,
    concat_caches: Vec<Vec<u64>>,
    pub outputs: Vec<Buf>,
    literal_ids: Vec<u32>,
    /// By row: abandoned at an error ([`Slot::Failed`]).
    failed: Vec<u8>,
}

/// The raw pointers of one call, taken once from the buffers.
pub(super) struct Env {
    pub slots: Vec<u64>,
    pub pred_tables: Vec<*mut u8>,
    pub strfn_tables: Vec<*mut u32>,
    /// The row flags of [`Slot::Failed`] and their number.
    pub failed: (*mut u8, usize),
}

impl Buffers {
    pub fn empty() -> Buffers {
        Buffers {
            pred_tables: Vec::new(),
            strfn_tables: Vec::new(),
            const_lists: Vec::new(),
            list_bufs: Vec::new(),
            concat_caches: Vec::new(),
            outputs: Vec::new(),
            literal_ids: Vec::new(),
            failed: Vec::new(),
        }
    }

    /// Sizes every buffer for a batch of `rows` rows, reusing the allocations of an earlier
    /// batch. Memo tables are reset; output columns keep stale values, which the kernel
    /// overwrites for every row it finishes (the values of a row with an error are
    /// unspecified, and lists of such rows are never read).
    pub fn prepare(&mut self, plan: &Plan, strings: &mut Strings, rows: usize, explain: bool) {
        let table_len = memo_len(strings.dict_len()) as usize;
        self.literal_ids = plan.literals.iter().map(|s| strings.intern(s)).collect();
        self.const_lists = plan
            .const_lists
            .iter()
            .map(|(kind, values)| const_list(*kind, values, strings))
            .collect();
        self.pred_tables.resize_with(plan.preds.len(), Vec::new);
        for t in &mut self.pred_tables {
            t.clear();
            t.resize(table_len, PRED_UNKNOWN);
        }
        self.strfn_tables.resize_with(plan.strfns.len(), Vec::new);
        for t in &mut self.strfn_tables {
            t.clear();
            t.resize(table_len, STRFN_UNKNOWN);
        }
        let sized = |buf: &mut Buf, kind: OutKind, len: usize| match buf {
            Buf::U8(v) if kind == OutKind::U8 => v.resize(len, 0),
            Buf::U32(v) if kind == OutKind::U32 => v.resize(len, 0),
            Buf::I64(v) if kind == OutKind::I64 => v.resize(len, 0),
            Buf::F64(v) if kind == OutKind::F64 => v.resize(len, 0.0),
            other => *other = Buf::zeroed(kind, len),
        };
        self.concat_caches
            .resize_with(plan.concat_sites as usize, Vec::new);
        for cache in &mut self.concat_caches {
            cache.clear();
            cache.resize(2 * CONCAT_CACHE, CONCAT_EMPTY);
        }
        self.list_bufs
            .resize_with(plan.list_bufs.len(), || Buf::U8(Vec::new()));
        for (buf, (kind, len)) in self.list_bufs.iter_mut().zip(&plan.list_bufs) {
            sized(buf, OutKind::of(*kind), rows.saturating_mul(*len));
        }
        self.failed.clear();
        self.failed.resize(rows, 0);
        self.outputs
            .resize_with(plan.outputs.len(), || Buf::U8(Vec::new()));
        for (buf, col) in self.outputs.iter_mut().zip(&plan.outputs) {
            let len = if col.explain && !explain { 0 } else { rows };
            sized(buf, col.kind, len);
        }
    }

    /// The environment of a kernel planned as `plan` but for its slots, `slots_wanted` (see
    /// [`Slot`]). The batch must have passed [`super::validate::batch_fits`].
    pub fn env(
        &mut self,
        plan: &Plan,
        slots_wanted: &[Slot],
        batch: &Batch,
        now: i64,
        explain: bool,
    ) -> Result<Env, String> {
        let pred_tables: Vec<*mut u8> = self
            .pred_tables
            .iter_mut()
            .map(|t| t.as_mut_ptr())
            .collect();
        let strfn_tables: Vec<*mut u32> = self
            .strfn_tables
            .iter_mut()
            .map(|t| t.as_mut_ptr())
            .collect();
        let mut slots = Vec::with_capacity(slots_wanted.len());
        for slot in slots_wanted {
            let value = match *slot {
                Slot::Values(path) => {
                    let c = super::validate::column(batch, path).ok_or("no such column")?;
                    scalar_values(c).ok_or("not a scalar column")? as u64
                }
                Slot::Present(path) => {
                    let c = super::validate::column(batch, path).ok_or("no such column")?;
                    scalar_present(c).ok_or("not an optional column")? as u64
                }
                Slot::Offsets(path) => match super::validate::column(batch, path) {
                    Some(Column::List(l)) => l.offsets.as_ptr() as u64,
                    Some(Column::Records(r)) => r.offsets.as_ptr() as u64,
                    _ => return Err("not a list column".into()),
                },
                Slot::MemoLen => u64::from(memo_len(
                    u32::try_from(batch.dict.len()).unwrap_or(u32::MAX),
                )),
                Slot::Now => now as u64,
                Slot::Literal(i) => u64::from(*self.literal_ids.get(i as usize).ok_or("literal")?),
                Slot::PredTable(i) => *pred_tables.get(i as usize).ok_or("pred")? as u64,
                Slot::StrFnTable(i) => *strfn_tables.get(i as usize).ok_or("strfn")? as u64,
                Slot::ConstList(i) => self
                    .const_lists
                    .get_mut(i as usize)
                    .ok_or("list")?
                    .as_mut_ptr() as u64,
                Slot::ListBuf(i) => self
                    .list_bufs
                    .get_mut(i as usize)
                    .ok_or("list")?
                    .as_mut_ptr() as u64,
                Slot::ConcatCache(i) => self
                    .concat_caches
                    .get_mut(i as usize)
                    .ok_or("concat")?
                    .as_mut_ptr() as u64,
                Slot::Failed => self.failed.as_mut_ptr() as u64,
                Slot::Output(i) => {
                    let col = plan.outputs.get(i as usize).ok_or("output")?;
                    if col.explain && !explain {
                        // Only the kernel with explanations stores them; its columns are
                        // empty without `explain`.
                        return Err("an explanation column asked for without explanations".into());
                    } else {
                        self.outputs
                            .get_mut(i as usize)
                            .ok_or("output")?
                            .as_mut_ptr() as u64
                    }
                }
            };
            slots.push(value);
        }
        Ok(Env {
            slots,
            pred_tables,
            strfn_tables,
            failed: (self.failed.as_mut_ptr(), self.failed.len()),
        })
    }
}

fn const_list(kind: Kind, values: &[Value], strings: &mut Strings) -> Buf {
    match kind {
        Kind::I64 => Buf::I64(
            values
                .iter()
                .map(|v| match v {
                    Value::Int(i) | Value::Timestamp(i) | Value::Duration(i) => *i,
                    _ => 0,
                })
                .collect(),
        ),
        Kind::F64 => Buf::F64(
            values
                .iter()
                .map(|v| match v {
                    Value::Number(x) => *x,
                    Value::Int(i) => *i as f64,
                    _ => 0.0,
                })
                .collect(),
        ),
        Kind::Bool => Buf::U8(
            values
                .iter()
                .map(|v| u8::from(matches!(v, Value::Bool(true))))
                .collect(),
        ),
        Kind::Str => Buf::U32(
            values
                .iter()
                .map(|v| match v {
                    Value::Str(s) => strings.intern(s),
                    _ => strings.intern(""),
                })
                .collect(),
        ),
    }
}

fn scalar_values(c: &Column) -> Option<*const u8> {
    Some(match c {
        Column::Int(s) | Column::Timestamp(s) | Column::Duration(s) => s.values.as_ptr().cast(),
        Column::Number(s) => s.values.as_ptr().cast(),
        Column::Bool(s) => s.values.as_ptr().cast(),
        Column::Str(s) => s.values.as_ptr().cast(),
        _ => return None,
    })
}

fn scalar_present(c: &Column) -> Option<*const u8> {
    let p = match c {
        Column::Int(s) | Column::Timestamp(s) | Column::Duration(s) => s.present.as_ref(),
        Column::Number(s) => s.present.as_ref(),
        Column::Bool(s) => s.present.as_ref(),
        Column::Str(s) => s.present.as_ref(),
        _ => None,
    }?;
    Some(p.as_ptr().cast())
}

/// What the helpers see during one kernel call.
pub(super) struct Runtime<'b> {
    pub plan: &'b Plan,
    pub strings: Strings<'b>,
    /// Memo tables (`memo_len` entries each), the same pointers as in the environment.
    pred_tables: Vec<*mut u8>,
    strfn_tables: Vec<*mut u32>,
    memo_len: u32,
    /// Memo of the strings made while evaluating whose ids are beyond the tables.
    /// Indexed by `id - memo_len`, grown on demand, unknown entries as in the tables.
    pred_ext: Vec<Vec<u8>>,
    strfn_ext: Vec<Vec<u32>>,
    concat: HashMap<(u32, u32), u32>,
    /// Rows whose evaluation failed, in the order they failed.
    errors: Vec<(usize, EvalError)>,
    /// The flags of [`Slot::Failed`], the same pointer as in the environment.
    failed: (*mut u8, usize),
}

impl<'b> Runtime<'b> {
    pub fn new(plan: &'b Plan, strings: Strings<'b>, env: &Env) -> Runtime<'b> {
        Runtime {
            plan,
            pred_tables: env.pred_tables.clone(),
            strfn_tables: env.strfn_tables.clone(),
            memo_len: memo_len(strings.dict_len()),
            strings,
            pred_ext: vec![Vec::new(); plan.preds.len()],
            strfn_ext: vec![Vec::new(); plan.strfns.len()],
            concat: HashMap::new(),
            errors: Vec::new(),
            failed: env.failed,
        }
    }

    /// Records that `row` failed with `error`: the later functions of the kernel skip it.
    pub fn fail(&mut self, row: usize, error: EvalError) {
        let (flags, rows) = self.failed;
        if row < rows {
            // SAFETY: `flags` points to the `rows` flags in `Buffers`, alive for the whole
            // call, and `row < rows`. Only the kernel (which is not running while a helper
            // runs) and this helper touch them.
            unsafe { *flags.add(row) = 1 };
        }
        self.errors.push((row, error));
    }

    /// The strings (with those made during the call) and the errors, after the call.
    pub fn into_parts(self) -> (Strings<'b>, Vec<(usize, EvalError)>) {
        (self.strings, self.errors)
    }

    /// Predicate `p` of string `id`, computed once per id.
    pub fn pred(&mut self, p: u32, id: u32) -> u8 {
        let Some(pred) = self.plan.preds.get(p as usize) else {
            return 0;
        };
        if id < self.memo_len {
            let Some(&table) = self.pred_tables.get(p as usize) else {
                return 0;
            };
            // SAFETY: `table` points to the `memo_len` bytes of this predicate's memo table in
            // `Buffers`, alive for the whole call, and `id < memo_len`. Only the kernel (which
            // is not running while a helper runs) and this helper touch it.
            let known = unsafe { *table.add(id as usize) };
            if known != PRED_UNKNOWN {
                return known;
            }
            let r = u8::from(eval_pred(pred, self.strings.get(id)));
            // SAFETY: as above.
            unsafe { *table.add(id as usize) = r };
            r
        } else {
            let beyond = (id - self.memo_len) as usize;
            let known = self.pred_ext.get(p as usize).and_then(|m| m.get(beyond));
            if let Some(&r) = known.filter(|&&r| r != PRED_UNKNOWN) {
                return r;
            }
            let r = u8::from(eval_pred(pred, self.strings.get(id)));
            if self.strings.exists(id) {
                if let Some(m) = self.pred_ext.get_mut(p as usize) {
                    remember(m, beyond, r, PRED_UNKNOWN);
                }
            }
            r
        }
    }

    /// String function `f` of string `id`, computed once per id.
    pub fn strfn(&mut self, f: u32, id: u32) -> u32 {
        let Some(func) = self.plan.strfns.get(f as usize) else {
            return 0;
        };
        if id < self.memo_len {
            let Some(&table) = self.strfn_tables.get(f as usize) else {
                return 0;
            };
            // SAFETY: `table` points to the `memo_len` entries of this function's memo table
            // in `Buffers`, alive for the whole call, and `id < memo_len`.
            let known = unsafe { *table.add(id as usize) };
            if known != STRFN_UNKNOWN {
                return known;
            }
            let r = apply_strfn(func, id, &mut self.strings);
            // SAFETY: as above.
            unsafe { *table.add(id as usize) = r };
            r
        } else {
            let beyond = (id - self.memo_len) as usize;
            let known = self.strfn_ext.get(f as usize).and_then(|m| m.get(beyond));
            if let Some(&r) = known.filter(|&&r| r != STRFN_UNKNOWN) {
                return r;
            }
            let r = apply_strfn(func, id, &mut self.strings);
            if self.strings.exists(id) {
                if let Some(m) = self.strfn_ext.get_mut(f as usize) {
                    remember(m, beyond, r, STRFN_UNKNOWN);
                }
            }
            r
        }
    }

    pub fn concat(&mut self, a: u32, b: u32) -> u32 {
        if let Some(&r) = self.concat.get(&(a, b)) {
            return r;
        }
        let (x, y) = (self.strings.get(a), self.strings.get(b));
        let mut s = String::with_capacity(x.len() + y.len());
        s.push_str(x);
        s.push_str(y);
        let r = self.strings.intern(&s);
        self.concat.insert((a, b), r);
        r
    }
}

/// Stores `r` at `i` of a memo table of made strings, growing it with `unknown` entries (`i`
/// belongs to a made string, so the table stays as small as the number of those).
fn remember<T: Copy>(table: &mut Vec<T>, i: usize, r: T, unknown: T) {
    if table.len() <= i {
        table.resize(i + 1, unknown);
    }
    if let Some(slot) = table.get_mut(i) {
        *slot = r;
    }
}

fn eval_pred(pred: &Pred, s: &str) -> bool {
    match pred {
        Pred::Contains(n) => text::Haystack::new(s).contains(n),
        Pred::StartsWith(n) => text::starts_with_folded(s, n),
        Pred::EndsWith(n) => text::ends_with_folded(s, n),
        Pred::ContainsAny(ns) => {
            let h = text::Haystack::new(s);
            ns.iter().any(|n| h.contains(n))
        }
        Pred::ContainsAll(ns) => {
            let h = text::Haystack::new(s);
            ns.iter().all(|n| h.contains(n))
        }
        Pred::Matches(p) => p.regex.is_match(s),
        Pred::InStrs(list) => list.iter().any(|x| x == s),
    }
}

fn apply_strfn(f: &StrFn, id: u32, strings: &mut Strings) -> u32 {
    // A dictionary string outlives `strings`' borrow, so results that are slices of it (the
    // domain of a lowercase address, a trimmed name) are interned without a copy.
    let copy;
    let s: &str = match strings.dict_str(id) {
        Some(s) => s,
        None => {
            copy = strings.get(id).to_string();
            &copy
        }
    };
    let made: Cow<str> = match f {
        StrFn::Lower => Cow::Owned(s.to_lowercase()),
        StrFn::Upper => Cow::Owned(s.to_uppercase()),
        StrFn::Trim => Cow::Borrowed(s.trim()),
        StrFn::Domain => text::domain_of(s),
        StrFn::LenStr => return u32::try_from(text::char_len(s)).unwrap_or(u32::MAX - 2),
        StrFn::EnumPos(e) => {
            return match e.index_of(s) {
                Some(i) if e.stage_path_len.is_none_or(|n| i < n) => {
                    u32::try_from(i).unwrap_or(UNORDERED)
                }
                _ => UNORDERED,
            }
        }
    };
    strings.intern(&made)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_has_one_id_whether_in_the_dictionary_or_made() {
        let mut dict = StringDict::new();
        let a = dict.intern("a").unwrap_or(u32::MAX);
        let mut strings = Strings::new(&dict);
        assert_eq!(strings.intern("a"), a);
        let x = strings.intern("x.com");
        let y = strings.intern("y.com");
        assert_eq!((x, y), (strings.dict_len(), strings.dict_len() + 1));
        assert_eq!(strings.intern("x.com"), x);
        assert_eq!((strings.get(x), strings.get(y)), ("x.com", "y.com"));
        assert_eq!(strings.made(), 2);
    }

    #[test]
    fn a_memo_of_made_strings_grows_with_unknown_entries() {
        let mut table = Vec::new();
        remember(&mut table, 2, 1u8, PRED_UNKNOWN);
        assert_eq!(table, vec![PRED_UNKNOWN, PRED_UNKNOWN, 1]);
        remember(&mut table, 0, 0u8, PRED_UNKNOWN);
        assert_eq!(table, vec![0, PRED_UNKNOWN, 1]);
    }
}
