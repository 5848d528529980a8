//! The per-batch string dictionary: every string of a batch (string and enum fields, list items,
//! record fields) is stored once and referred to by a `u32` id.
//!
//! Layout (what an evaluator or a JIT kernel loads): `text` holds all strings back to back, and
//! string `id` is `text[offsets[id] .. offsets[id + 1]]`. Ids are dense, `0 .. len()`, in first-seen
//! order. So a string predicate (`contains`, `matches`, `== "pricing"`) is computed once per id
//! into a `Vec<bool>` table and then looked up per row.

use hashbrown::hash_table::Entry;
use hashbrown::{DefaultHashBuilder, HashTable};
use std::hash::BuildHasher;

#[derive(Clone, Default)]
pub struct StringDict {
    text: String,
    /// `len() + 1` entries; `offsets[0] == 0`.
    offsets: Vec<u32>,
    /// Ids, hashed by their text; lookups borrow the text, so interning an existing string never
    /// allocates.
    table: HashTable<u32>,
    hasher: DefaultHashBuilder,
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
        }
    }

    /// A dictionary with room for `strings` distinct strings before it grows.
    pub fn with_capacity(strings: usize) -> StringDict {
        let mut d = StringDict::new();
        d.offsets.reserve(strings);
        d.table.reserve(strings, |_| 0);
        d
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
    pub fn intern(&mut self, s: &str) -> Result<u32, DictFull> {
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
                let end = u32::try_from(self.text.len() + s.len()).map_err(|_| DictFull)?;
                let id = u32::try_from(self.offsets.len() - 1).map_err(|_| DictFull)?;
                self.text.push_str(s);
                self.offsets.push(end);
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
