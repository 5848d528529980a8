//! The value sets of condition reasoning: which values a term may take under some constraints.
//!
//! Every ordered domain (ints, timestamps, durations, bools, enum positions, and numbers through
//! an order-preserving map of floats to integers) is a union of closed integer ranges, so one
//! exact implementation serves them all. Strings are a finite set or the complement of one.

use std::collections::BTreeSet;

/// A sorted union of disjoint, non-adjacent closed ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct IntSet {
    ranges: Vec<(i128, i128)>,
}

impl IntSet {
    pub fn empty() -> IntSet {
        IntSet { ranges: Vec::new() }
    }

    pub fn range(lo: i128, hi: i128) -> IntSet {
        if lo > hi {
            IntSet::empty()
        } else {
            IntSet {
                ranges: vec![(lo, hi)],
            }
        }
    }

    pub fn point(v: i128) -> IntSet {
        IntSet::range(v, v)
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    pub fn intersect(&self, other: &IntSet) -> IntSet {
        let mut out = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < self.ranges.len() && j < other.ranges.len() {
            let (a0, a1) = self.ranges[i];
            let (b0, b1) = other.ranges[j];
            let (lo, hi) = (a0.max(b0), a1.min(b1));
            if lo <= hi {
                out.push((lo, hi));
            }
            if a1 < b1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        IntSet { ranges: out }
    }

    /// The union of many sets at once: one sort, linear after it.
    pub fn union_all(sets: impl IntoIterator<Item = IntSet>) -> IntSet {
        let mut all: Vec<(i128, i128)> = sets.into_iter().flat_map(|s| s.ranges).collect();
        all.sort_unstable();
        let mut out: Vec<(i128, i128)> = Vec::new();
        for (lo, hi) in all {
            match out.last_mut() {
                Some(last) if lo <= last.1 + 1 => last.1 = last.1.max(hi),
                _ => out.push((lo, hi)),
            }
        }
        IntSet { ranges: out }
    }

    /// The values of `lo..=hi` not in the set.
    pub fn complement(&self, lo: i128, hi: i128) -> IntSet {
        let mut out = Vec::new();
        let mut next = lo;
        for &(a, b) in &self.ranges {
            if a > next {
                out.push((next, (a - 1).min(hi)));
            }
            next = next.max(b + 1);
        }
        if next <= hi {
            out.push((next, hi));
        }
        IntSet { ranges: out }.intersect(&IntSet::range(lo, hi))
    }

    /// The member closest to `target` (ties to the smaller), if any member passes `ok`.
    pub fn pick_near(&self, target: i128, ok: impl Fn(i128) -> bool) -> Option<i128> {
        let mut best: Option<i128> = None;
        for &(a, b) in &self.ranges {
            for v in [target.clamp(a, b), a, b] {
                if ok(v) && best.is_none_or(|x| (v - target).abs() < (x - target).abs()) {
                    best = Some(v);
                }
            }
        }
        best
    }
}

/// A set of strings: finitely many, or all but finitely many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum StrSet {
    In(BTreeSet<String>),
    NotIn(BTreeSet<String>),
}

impl StrSet {
    pub fn all() -> StrSet {
        StrSet::NotIn(BTreeSet::new())
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, StrSet::In(s) if s.is_empty())
    }

    pub fn intersect(&self, other: &StrSet) -> StrSet {
        use StrSet::*;
        match (self, other) {
            (In(a), In(b)) => In(a.intersection(b).cloned().collect()),
            (In(a), NotIn(b)) | (NotIn(b), In(a)) => In(a.difference(b).cloned().collect()),
            (NotIn(a), NotIn(b)) => NotIn(a.union(b).cloned().collect()),
        }
    }

    pub fn complement(&self) -> StrSet {
        match self {
            StrSet::In(s) => StrSet::NotIn(s.clone()),
            StrSet::NotIn(s) => StrSet::In(s.clone()),
        }
    }

    /// A member: the first listed one, or a short text that is not excluded.
    pub fn pick(&self) -> Option<String> {
        match self {
            StrSet::In(s) => s.iter().next().cloned(),
            StrSet::NotIn(s) => (0..=s.len())
                .map(|n| "x".repeat(n))
                .find(|c| !s.contains(c)),
        }
    }
}

/// The values, missing included, that one term may take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TermSet {
    pub vals: Vals,
    /// The term may be missing (an absent `T?`).
    pub missing: bool,
    /// The term may be NaN (numbers only).
    pub nan: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Vals {
    Ord(IntSet),
    Str(StrSet),
}

impl TermSet {
    pub fn values(vals: Vals) -> TermSet {
        TermSet {
            vals,
            missing: false,
            nan: false,
        }
    }

    pub fn only_missing(vals_empty: Vals) -> TermSet {
        TermSet {
            vals: vals_empty,
            missing: true,
            nan: false,
        }
    }

    pub fn is_empty(&self) -> bool {
        !self.missing
            && !self.nan
            && match &self.vals {
                Vals::Ord(s) => s.is_empty(),
                Vals::Str(s) => s.is_empty(),
            }
    }

    pub fn intersect(&self, other: &TermSet) -> TermSet {
        let vals = match (&self.vals, &other.vals) {
            (Vals::Ord(a), Vals::Ord(b)) => Vals::Ord(a.intersect(b)),
            (Vals::Str(a), Vals::Str(b)) => Vals::Str(a.intersect(b)),
            // Terms are interned with one domain, so kinds always agree; be safe regardless.
            (a, _) => a.clone(),
        };
        TermSet {
            vals,
            missing: self.missing && other.missing,
            nan: self.nan && other.nan,
        }
    }
}

/// Order-preserving map of non-NaN floats to integers: consecutive floats get consecutive keys
/// and `-0.0` shares `0.0`'s key, so `x > c` is exactly the key range above `key(c)`.
pub(super) fn float_key(f: f64) -> i128 {
    let bits = f.to_bits() as i64;
    if bits >= 0 {
        bits as i128
    } else {
        -((bits & i64::MAX) as i128)
    }
}

pub(super) fn float_of_key(k: i128) -> f64 {
    if k >= 0 {
        f64::from_bits(k as u64)
    } else {
        -f64::from_bits((-k) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_sets_intersect_union_and_complement() {
        let a = IntSet::union_all([IntSet::range(0, 10), IntSet::range(20, 30)]);
        let b = IntSet::range(5, 25);
        assert_eq!(
            a.intersect(&b),
            IntSet::union_all([IntSet::range(5, 10), IntSet::range(20, 25)])
        );
        assert_eq!(a.complement(0, 30), IntSet::range(11, 19));
        assert!(IntSet::range(6, 5).is_empty());
        assert_eq!(
            IntSet::union_all([IntSet::range(0, 3), IntSet::range(4, 9)]),
            IntSet::range(0, 9)
        );
        assert_eq!(IntSet::point(3).complement(0, 3), IntSet::range(0, 2));
        assert_eq!(
            IntSet::range(-100, -5).pick_near(0, |_| true),
            Some(-5),
            "closest to zero"
        );
    }

    #[test]
    fn string_sets() {
        let a = StrSet::In(["a".into(), "b".into()].into());
        let not_a = StrSet::NotIn(["a".into()].into());
        assert_eq!(a.intersect(&not_a), StrSet::In(["b".into()].into()));
        assert!(a.intersect(&a.complement()).is_empty());
        assert_eq!(StrSet::NotIn(["".into()].into()).pick(), Some("x".into()));
        assert!(!StrSet::all().is_empty());
    }

    #[test]
    fn float_keys_keep_order_and_adjacency() {
        let xs = [
            f64::NEG_INFINITY,
            -2.5,
            -0.0,
            0.0,
            1e-300,
            2.5,
            f64::INFINITY,
        ];
        for w in xs.windows(2) {
            assert!(float_key(w[0]) <= float_key(w[1]), "{w:?}");
        }
        assert_eq!(float_key(-0.0), float_key(0.0));
        assert_eq!(float_of_key(float_key(2.5) + 1), 2.5f64.next_up());
        assert_eq!(float_of_key(float_key(-2.5)), -2.5);
    }
}
