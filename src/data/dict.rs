//! The per-batch string dictionary: every string of a batch (string and enum fields, list items,
//! record fields) is stored once and referred to by a `u32` id. (Except the strings of fields
//! that no evaluation compares by id, such as keys: see [`StringDict::push_unshared`].)
//!
//! Layout (what an evaluator or a JIT kernel loads): `text` holds all strings back to back, and
//! string `id` is `text[offsets[id] .. offsets[id + 1]]`. Ids are dense, `0 .. len()`, in first-seen
//! order. So a string predicate (`contains`, `matches`, `== "pricing"`) is computed once per id
//! into a `Vec<bool>` table and then looked up per row.

use hashbrown::hash_table::Entry;
use hashbrown::{DefaultHashBuilder, HashTable};
use std::hash::BuildHasher;

#[derive(Clone)]
pub struct StringDict {
    text: String,
    /// `len() + 1` entries; `offsets[0] == 0`.
    offsets: Vec<u32>,
    /// Ids, hashed by their text; lookups borrow the text, so interning an existing string never
    /// allocates.
    table: HashTable<u32>,
    hasher: DefaultHashBuilder,
    /// In front of `table`: recent short strings by a cheap hash (see [`ShortCache`]).
    short: ShortCache,
    /// Per adaptive field (see [`StringDict::intern_adaptive`]): how its strings went so far.
    adaptive: Vec<Adaptive>,
}

/// How the strings of one field went in this batch so far.
#[derive(Clone, Copy, Default, Debug)]
struct Adaptive {
    seen: u32,
    new: u32,
    unshared: bool,
}

/// Strings of an adaptive field looked up before deciding, and how many of them may be new for
/// the field to stay shared (three quarters).
const ADAPTIVE_PROBE: u32 = 256;
const ADAPTIVE_MAX_NEW: u32 = ADAPTIVE_PROBE / 4 * 3;

impl Default for StringDict {
    fn default() -> StringDict {
        StringDict::new()
    }
}

/// Strings of up to 16 bytes held as two words (first and last 8 bytes, which together cover
/// the whole string) and their length, in a small direct-mapped cache. Most strings of a batch
/// are short and repeat (countries, sources, titles, list items), and for them a hit costs a few
/// word compares instead of hashing the text, probing the table and comparing bytes. A miss
/// costs a few instructions and falls through to the table; a slot holds the last string that
/// hashed to it.
#[derive(Clone)]
struct ShortCache {
    slots: Box<[ShortSlot]>,
}

#[derive(Clone, Copy, Default)]
struct ShortSlot {
    first: u64,
    last: u64,
    /// Length + 1; 0 marks an empty slot.
    tag: u32,
    id: u32,
}

const SHORT_SLOTS: usize = 512;

/// A short string as `(first, last, tag)`, or `None` if it is longer than 16 bytes. `first`
/// and `last` are built from (possibly overlapping) fixed-size loads that together cover every
/// byte, so with the length they identify the string.
#[inline]
fn short_key(s: &str) -> Option<(u64, u64, u32)> {
    fn load<const N: usize>(b: &[u8]) -> [u8; N] {
        b.get(..N).and_then(|w| w.try_into().ok()).unwrap_or([0; N])
    }
    let b = s.as_bytes();
    let n = b.len();
    let tail = b.get(n.saturating_sub(8)..).unwrap_or_default();
    let (first, last) = match n {
        0 => (0, 0),
        1 => (u64::from(b[0]), 0),
        2..=3 => {
            let a = u16::from_le_bytes(load(b));
            let z = u16::from_le_bytes(load(&b[n - 2..]));
            (u64::from(a) | u64::from(z) << 16, 0)
        }
        4..=7 => {
            let a = u32::from_le_bytes(load(b));
            let z = u32::from_le_bytes(load(&b[n - 4..]));
            (u64::from(a) | u64::from(z) << 32, 0)
        }
        8..=16 => (u64::from_le_bytes(load(b)), u64::from_le_bytes(load(tail))),
        _ => return None,
    };
    Some((first, last, n as u32 + 1))
}

impl ShortCache {
    fn new() -> ShortCache {
        ShortCache {
            slots: vec![ShortSlot::default(); SHORT_SLOTS].into_boxed_slice(),
        }
    }

    #[inline]
    fn slot(first: u64, last: u64, tag: u32) -> usize {
        let h = (first ^ last.rotate_left(29) ^ u64::from(tag)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (h >> (64 - SHORT_SLOTS.trailing_zeros())) as usize
    }

    #[inline]
    fn get(&self, (first, last, tag): (u64, u64, u32)) -> Option<u32> {
        let slot = self.slots.get(ShortCache::slot(first, last, tag))?;
        (slot.tag == tag && slot.first == first && slot.last == last).then_some(slot.id)
    }

    fn put(&mut self, (first, last, tag): (u64, u64, u32), id: u32) {
        if let Some(slot) = self.slots.get_mut(ShortCache::slot(first, last, tag)) {
            *slot = ShortSlot {
                first,
                last,
                tag,
                id,
            };
        }
    }
}

impl std::fmt::Debug for StringDict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries((0..self.len() as u32).map(|id| self.get(id)))
            .finish()
    }
}

impl StringDict {
    pub fn new() -> StringDict {
        StringDict {
            text: String::new(),
            offsets: vec![0],
            table: HashTable::new(),
            hasher: DefaultHashBuilder::default(),
            short: ShortCache::new(),
            adaptive: Vec::new(),
        }
    }

    /// A dictionary with room for `strings` distinct strings before it grows.
    pub fn with_capacity(strings: usize) -> StringDict {
        let mut d = StringDict::new();
        d.offsets.reserve(strings);
        d.table.reserve(strings, |_| 0);
        d
    }

    /// Forgets every string, keeping the memory for the next ones.
    pub fn clear(&mut self) {
        self.text.clear();
        self.offsets.truncate(1);
        self.table.clear();
        self.short.slots.fill(ShortSlot::default());
        self.adaptive.clear();
    }

    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The string with id `id`; the empty string for an id that is out of range (ids come from
    /// this dictionary's own columns, so that does not happen).
    pub fn get(&self, id: u32) -> &str {
        let i = id as usize;
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&start), Some(&end)) => self.text.get(start as usize..end as usize).unwrap_or(""),
            _ => "",
        }
    }

    /// The id of `s`, if it occurs in this batch (e.g. a rule's literal `"pricing"`: looked up
    /// once per batch; `None` means no row can equal it).
    pub fn lookup(&self, s: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(s);
        self.table.find(hash, |&id| self.get(id) == s).copied()
    }

    /// The id of `s`, adding it if new. Fails only if the batch's text would exceed 4 GiB.
    // Inlined: most calls end in the short cache, in fewer instructions than a call's own; the
    // table is a call (`intern_in_table`).
    #[inline]
    pub fn intern(&mut self, s: &str) -> Result<u32, DictFull> {
        let key = short_key(s);
        if let Some(id) = key.and_then(|k| self.short.get(k)) {
            return Ok(id);
        }
        let id = self.intern_in_table(s)?;
        if let Some(k) = key {
            self.short.put(k, id);
        }
        Ok(id)
    }

    /// A fresh id for `s`, without looking for it: the dictionary may then hold `s` more than
    /// once, and [`StringDict::lookup`] and [`StringDict::intern`] never return this id. For
    /// strings nothing compares by id (see `FieldPlan::share_strings`).
    pub fn push_unshared(&mut self, s: &str) -> Result<u32, DictFull> {
        append(&mut self.text, &mut self.offsets, s)
    }

    /// The id of `s`, a string of the field with adaptive slot `field`: as
    /// [`StringDict::intern`] while the field's strings repeat, as
    /// [`StringDict::push_unshared`] for the rest of the batch once most of the first
    /// [`ADAPTIVE_PROBE`] were new (keys, emails: looking them up only costs). For strings that
    /// nothing compares by id, but whose ids key memoized predicates (`FieldPlan::share_strings`).
    pub fn intern_adaptive(&mut self, s: &str, field: u16) -> Result<u32, DictFull> {
        let slot = field as usize;
        if slot >= self.adaptive.len() {
            self.adaptive.resize(slot + 1, Adaptive::default());
        }
        let state = self.adaptive[slot];
        if state.unshared {
            return self.push_unshared(s);
        }
        if state.seen >= ADAPTIVE_PROBE {
            return self.intern(s);
        }
        let before = self.len();
        let id = self.intern(s)?;
        let new = self.len() > before;
        let state = &mut self.adaptive[slot];
        state.seen += 1;
        state.new += u32::from(new);
        if state.seen == ADAPTIVE_PROBE {
            state.unshared = state.new > ADAPTIVE_MAX_NEW;
        }
        Ok(id)
    }

    #[inline(never)]
    fn intern_in_table(&mut self, s: &str) -> Result<u32, DictFull> {
        let hash = self.hasher.hash_one(s);
        let (text, offsets, hasher) = (&self.text, &self.offsets, &self.hasher);
        let text_of = |id: u32| {
            let i = id as usize;
            &text[offsets[i] as usize..offsets[i + 1] as usize]
        };
        // One probe: the slot found for a new string is where it goes.
        let entry = self.table.entry(
            hash,
            |&id| text_of(id) == s,
            |&id| hasher.hash_one(text_of(id)),
        );
        match entry {
            Entry::Occupied(found) => Ok(*found.get()),
            Entry::Vacant(slot) => {
                let id = append(&mut self.text, &mut self.offsets, s)?;
                slot.insert(id);
                Ok(id)
            }
        }
    }

    /// All strings back to back (UTF-8).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Byte offsets into [`StringDict::text`]: string `id` spans `offsets[id]..offsets[id + 1]`.
    pub fn offsets(&self) -> &[u32] {
        &self.offsets
    }

    /// Every string with its id, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &str)> {
        (0..self.len() as u32).map(|id| (id, self.get(id)))
    }
}

/// Stores `s` as the next id.
fn append(text: &mut String, offsets: &mut Vec<u32>, s: &str) -> Result<u32, DictFull> {
    let end = u32::try_from(text.len() + s.len()).map_err(|_| DictFull)?;
    let id = u32::try_from(offsets.len() - 1).map_err(|_| DictFull)?;
    text.push_str(s);
    offsets.push(end);
    Ok(id)
}

/// A batch's strings exceeded 4 GiB of text (ids and offsets are `u32`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DictFull;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_once_and_looks_up() {
        let mut d = StringDict::new();
        let a = d.intern("pricing").unwrap();
        let b = d.intern("").unwrap();
        let c = d.intern("pricing").unwrap();
        let e = d.intern("démo").unwrap();
        assert_eq!((a, b, c, e), (0, 1, 0, 2));
        assert_eq!(d.len(), 3);
        assert_eq!(d.get(2), "démo");
        assert_eq!(d.get(1), "");
        assert_eq!(d.get(99), "");
        assert_eq!(d.lookup("démo"), Some(2));
        assert_eq!(d.lookup("pricing!"), None);
        assert_eq!(d.offsets(), &[0, 7, 7, 12]);
        assert_eq!(d.text(), "pricingdémo");
    }

    /// Short strings that share their first or last 8 bytes, or differ only in length (with
    /// zero bytes), are told apart by the cache in front of the table.
    #[test]
    fn short_strings_that_look_alike_keep_their_ids() {
        let strings = [
            "",
            "\0",
            "\0\0",
            "a",
            "a\0",
            "abcdefgh",
            "abcdefgh\0",
            "abcdefghi",
            "Xbcdefghi",
            "abcdefgXi",
            "0123456789abcdef",
            "0123456789abcdeF",
            "0123456789abcdefg",
            "0123456789abcdefg!",
            "é",
            "éé",
        ];
        let mut d = StringDict::new();
        let ids: Vec<u32> = strings.iter().map(|s| d.intern(s).unwrap()).collect();
        assert_eq!(ids, (0..strings.len() as u32).collect::<Vec<_>>());
        for _ in 0..3 {
            for (s, id) in strings.iter().zip(&ids) {
                assert_eq!(d.intern(s).unwrap(), *id, "{s:?}");
                assert_eq!(d.get(*id), *s);
            }
        }
        assert_eq!(d.len(), strings.len());
        assert!(StringDict::default().is_empty());
    }

    #[test]
    fn a_cleared_dictionary_starts_over() {
        let mut d = StringDict::new();
        for s in ["pricing", "a-long-string-past-the-short-cache", "x"] {
            d.intern(s).unwrap();
        }
        d.push_unshared("pricing").unwrap();
        d.clear();
        assert!(d.is_empty());
        assert_eq!(d.lookup("pricing"), None);
        assert_eq!(d.intern("x").unwrap(), 0);
        assert_eq!(d.intern("a-long-string-past-the-short-cache").unwrap(), 1);
        assert_eq!(d.intern("x").unwrap(), 0);
        assert_eq!(d.offsets(), &[0, 1, 35]);
    }

    /// A field whose strings are mostly new stops sharing them after the probe; one whose
    /// strings repeat keeps sharing; each batch (after `clear`) decides again.
    #[test]
    fn adaptive_fields_share_while_their_strings_repeat() {
        let mut d = StringDict::new();
        for round in 0..2 {
            for i in 0..ADAPTIVE_PROBE + 10 {
                let unique = format!("lead{i}@example.com");
                d.intern_adaptive(&unique, 0).unwrap();
                let title = ["CEO", "CTO", "VP Sales"][i as usize % 3];
                d.intern_adaptive(title, 1).unwrap();
            }
            let again = d.intern_adaptive("lead0@example.com", 0).unwrap();
            assert_ne!(
                again,
                d.lookup("lead0@example.com").unwrap(),
                "round {round}"
            );
            assert_eq!(d.get(again), "lead0@example.com");
            let ceo = d.intern_adaptive("CEO", 1).unwrap();
            assert_eq!(Some(ceo), d.lookup("CEO"));
            // Strings interned before the switch keep their ids.
            assert_eq!(d.intern("lead1@example.com").unwrap(), 2);
            d.clear();
            assert_eq!(d.intern_adaptive("lead0@example.com", 0).unwrap(), 0);
            assert_eq!(d.intern_adaptive("lead0@example.com", 0).unwrap(), 0);
            d.clear();
        }
    }

    #[test]
    fn many_strings_survive_rehashing() {
        let mut d = StringDict::new();
        for i in 0..10_000 {
            assert_eq!(d.intern(&format!("s{i}")).unwrap(), i);
        }
        for i in (0..10_000).rev() {
            assert_eq!(d.lookup(&format!("s{i}")), Some(i));
        }
    }
}
