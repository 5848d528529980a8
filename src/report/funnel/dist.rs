//! The distribution of one number over the records (a score, the days between two stages):
//! exact counts per distinct value, from which percentiles, deciles and histograms follow.
//!
//! Exact is what a report wants and what memory allows for the exports it reads: a distinct
//! value costs 24 bytes in a sorted run (value, records, hits), and scores take few distinct
//! values unless they decay (then up to one per lead: 24 MB for a million leads). A batch sorts
//! its values into one run; runs are merged as they arrive, a run with the one before it when
//! they are of about the same length (as a binary counter carries), so merging costs
//! O(n log n) in all. Past [`DEFAULT_CAP`] distinct values the runs are compacted instead of
//! growing without bound: values are rounded to fewer significant bits (4 at a time) until
//! they fit in half the cap, and every result is then within a stated relative error
//! ([`Sorted::relative_error`]; scores between 0 and 100 keep 18 bits, an error below 4e-6).
//! Runs are merged in input order, so the result does not depend on the number of threads.

/// Distinct values kept exactly before compaction: 4 Mi, about 100 MB per number.
pub const DEFAULT_CAP: usize = 1 << 22;

const SIGN: u64 = 1 << 63;
/// Mantissa bits of an `f64`.
const MANTISSA: u32 = 52;

/// One distinct value: its key (see [`key`]), records, and how many had the outcome ("hits").
type Entry = (u64, u64, u64);

/// Records per distinct value, each with how many of them had the outcome.
#[derive(Debug, Clone)]
pub struct Distribution {
    /// Values added and not yet sorted into a run.
    pending: Vec<(u64, bool)>,
    /// Sorted runs of distinct keys, longest first.
    runs: Vec<Vec<Entry>>,
    /// Low mantissa bits rounded away from every value (0: exact).
    dropped: u32,
    cap: usize,
}

impl Default for Distribution {
    fn default() -> Distribution {
        Distribution::with_cap(DEFAULT_CAP)
    }
}

impl Distribution {
    /// An empty distribution compacted past `cap` distinct values.
    pub fn with_cap(cap: usize) -> Distribution {
        Distribution {
            pending: Vec::new(),
            runs: Vec::new(),
            dropped: 0,
            cap: cap.max(2),
        }
    }

    /// One record with value `x` (finite: the caller counts the others apart).
    pub fn add(&mut self, x: f64, hit: bool) {
        self.pending.push((key(x, self.dropped), hit));
        if self.pending.len() >= self.cap {
            self.sort_pending();
        }
    }

    /// Sorts the values added so far into a run: done on the worker that added them (see
    /// [`super::Tally::seal`]), so the thread that merges batches in order only merges runs.
    pub fn seal(&mut self) {
        self.sort_pending();
    }

    /// Sorts the pending values into a run.
    fn sort_pending(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let mut pending = std::mem::take(&mut self.pending);
        // By the integer image of the order: a plain integer sort, no float comparison.
        pending.sort_unstable_by_key(|e| order(e.0));
        let mut run: Vec<Entry> = Vec::with_capacity(pending.len().min(1024));
        for (k, hit) in pending {
            match run.last_mut() {
                Some(e) if e.0 == k => {
                    e.1 += 1;
                    e.2 += u64::from(hit);
                }
                _ => run.push((k, 1, u64::from(hit))),
            }
        }
        self.push_run(run);
    }

    /// Adds a sorted run, merging runs of about equal length, then compacting past the cap.
    fn push_run(&mut self, run: Vec<Entry>) {
        self.runs.push(run);
        while let [.., a, b] = self.runs.as_slice() {
            if a.len() > 2 * b.len() {
                break;
            }
            let (b, a) = (self.runs.pop(), self.runs.pop());
            if let (Some(a), Some(b)) = (a, b) {
                self.runs.push(merge(a, b));
            }
        }
        if self.runs.iter().map(Vec::len).sum::<usize>() > self.cap {
            let all = self.merged();
            self.runs = vec![all];
            if self.runs[0].len() > self.cap {
                self.compact(self.dropped + 4);
            }
        }
    }

    /// Every run merged into one.
    fn merged(&mut self) -> Vec<Entry> {
        let runs = std::mem::take(&mut self.runs);
        runs.into_iter().reduce(merge).unwrap_or_default()
    }

    /// Adds the records of `other`.
    pub fn merge(&mut self, mut other: Distribution) {
        other.sort_pending();
        if other.dropped > self.dropped {
            self.compact(other.dropped);
        } else if other.dropped < self.dropped {
            other.compact(self.dropped);
        }
        for run in std::mem::take(&mut other.runs) {
            self.push_run(run);
        }
    }

    /// Rounds every value to `dropped` bits, and more until the values fit in half the cap.
    fn compact(&mut self, dropped: u32) {
        self.sort_pending();
        let mut dropped = dropped.min(MANTISSA);
        let mut all = self.merged();
        loop {
            if dropped > self.dropped {
                // Rounding keeps the order, so equal neighbours are all there is to merge.
                let mut next: Vec<Entry> = Vec::with_capacity(all.len());
                for (k, n, hits) in all {
                    let k = key(f64::from_bits(k), dropped);
                    match next.last_mut() {
                        Some(e) if e.0 == k => {
                            e.1 += n;
                            e.2 += hits;
                        }
                        _ => next.push((k, n, hits)),
                    }
                }
                all = next;
                self.dropped = dropped;
            }
            if all.len() <= self.cap / 2 || self.dropped >= MANTISSA {
                break;
            }
            dropped = (self.dropped + 4).min(MANTISSA);
        }
        self.runs = vec![all];
    }

    /// The values in ascending order, with their counts.
    pub fn finish(mut self) -> Sorted {
        self.sort_pending();
        let merged = self.merged();
        let mut values = Vec::with_capacity(merged.len());
        let mut before = Vec::with_capacity(merged.len());
        let mut total = 0u64;
        for (k, n, hits) in merged {
            values.push((f64::from_bits(k), n, hits));
            before.push(total);
            total += n;
        }
        Sorted {
            values,
            before,
            total,
            relative_error: if self.dropped == 0 {
                0.0
            } else {
                2f64.powi(self.dropped as i32 - MANTISSA as i32)
            },
        }
    }
}

/// The bits of an `f64` as an integer in the order of [`f64::total_cmp`]: negative values
/// have every bit flipped, the others only the sign bit.
fn order(bits: u64) -> u64 {
    if bits & SIGN == 0 {
        bits | SIGN
    } else {
        !bits
    }
}

/// Two sorted runs as one, equal keys added up.
fn merge(a: Vec<Entry>, b: Vec<Entry>) -> Vec<Entry> {
    if a.is_empty() {
        return b;
    }
    if b.is_empty() {
        return a;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match order(x.0).cmp(&order(y.0)) {
            std::cmp::Ordering::Less => {
                out.push(*x);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(*y);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push((x.0, x.1 + y.1, x.2 + y.2));
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// `x` as a key: its bits, rounded to `dropped` fewer mantissa bits (to nearest), `-0` as `0`.
fn key(x: f64, dropped: u32) -> u64 {
    let x = if x == 0.0 { 0.0 } else { x };
    let bits = x.to_bits();
    if dropped == 0 {
        return bits;
    }
    let (sign, magnitude) = (bits & SIGN, bits & !SIGN);
    let mask = (1u64 << dropped) - 1;
    let rounded = (magnitude + (1u64 << (dropped - 1))) & !mask;
    // Rounding the largest finite values up would make them infinite: round those down.
    let rounded = if f64::from_bits(rounded).is_finite() {
        rounded
    } else {
        magnitude & !mask
    };
    sign | rounded
}

/// A finished distribution: distinct values ascending, each with its records and hits.
#[derive(Debug, Clone, PartialEq)]
pub struct Sorted {
    values: Vec<(f64, u64, u64)>,
    /// Records before each value.
    before: Vec<u64>,
    total: u64,
    /// Every value is within this relative error of a value of the data (0: exact).
    pub relative_error: f64,
}

/// One bin of a histogram: `from` inclusive, `to` exclusive (inclusive for the last bin).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bin {
    pub from: f64,
    pub to: f64,
    pub count: u64,
}

/// The records of one decile, and how many of them had the outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DecileGroup {
    /// 1 to 10, 10 the highest values.
    pub decile: u8,
    pub from: f64,
    pub to: f64,
    pub records: u64,
    pub hits: u64,
}

impl Sorted {
    /// Records counted.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The value at rank `r` (0-based, in ascending order).
    fn at_rank(&self, r: u64) -> f64 {
        let i = self.before.partition_point(|&b| b <= r).saturating_sub(1);
        self.values.get(i).map_or(f64::NAN, |v| v.0)
    }

    /// The `p` quantile (0 to 1), interpolated linearly between the closest ranks as NumPy's
    /// default method does; `None` without records.
    pub fn percentile(&self, p: f64) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let h = (self.total - 1) as f64 * p;
        let lo = h.floor();
        let t = h - lo;
        let a = self.at_rank(lo as u64);
        let b = self.at_rank((lo as u64 + 1).min(self.total - 1));
        // NumPy's `_lerp`: from the nearer end, so that t = 1 gives `b` exactly.
        let diff = b - a;
        Some(if t >= 0.5 {
            b - diff * (1.0 - t)
        } else {
            a + diff * t
        })
    }

    /// Ten bins of one width: a round step (1, 2, 2.5 or 5 times a power of ten) starting at a
    /// multiple of itself, the smallest whose ten bins cover every value. Empty without records.
    pub fn histogram(&self) -> Vec<Bin> {
        let (Some(&(min, ..)), Some(&(max, ..))) = (self.values.first(), self.values.last()) else {
            return Vec::new();
        };
        let edges = round_edges(min, max).unwrap_or_else(|| {
            let w = (max - min) / 10.0;
            (0..=10).map(|i| min + w * i as f64).collect()
        });
        let mut bins: Vec<Bin> = edges
            .windows(2)
            .map(|w| Bin {
                from: w[0],
                to: w[1],
                count: 0,
            })
            .collect();
        for &(x, n, _) in &self.values {
            // The number of inner edges at or below x is the bin's index.
            let i = edges[1..edges.len() - 1].partition_point(|&e| e <= x);
            if let Some(bin) = bins.get_mut(i) {
                bin.count += n;
            }
        }
        bins
    }

    /// The records split into ten groups by value, of sizes as equal as ties allow: a run of
    /// equal values is never split, and goes to the decile its middle record falls in. Deciles
    /// left empty by a long run are not listed.
    pub fn deciles(&self) -> Vec<DecileGroup> {
        let mut out: Vec<DecileGroup> = Vec::new();
        if self.total == 0 {
            return out;
        }
        let n = self.total as f64;
        for (&(x, records, hits), &before) in self.values.iter().zip(&self.before) {
            let middle = before as f64 + records as f64 / 2.0;
            let decile = ((10.0 * middle / n).floor() as u8 + 1).min(10);
            match out.last_mut() {
                Some(d) if d.decile == decile => {
                    d.to = x;
                    d.records += records;
                    d.hits += hits;
                }
                _ => out.push(DecileGroup {
                    decile,
                    from: x,
                    to: x,
                    records,
                    hits,
                }),
            }
        }
        out
    }
}

/// Steps of round bins: 1, 2, 2.5 and 5 as tenths (10, 20, 25, 50) of a power of ten.
const STEPS: [i64; 4] = [10, 20, 25, 50];

/// The eleven edges of round bins covering `min..=max`, if the numbers allow exact steps.
fn round_edges(min: f64, max: f64) -> Option<Vec<f64>> {
    let range = max - min;
    if !range.is_finite() {
        return None;
    }
    // Equal values: bins one unit wide from the value's floor (step 1 = 10 tenths of 10^0).
    let candidates: Vec<(i32, i64)> = if range > 0.0 {
        let exp = (range / 10.0).log10().floor() as i32;
        (exp - 1..=exp + 1)
            .flat_map(|e| STEPS.map(|t| (e, t)))
            .collect()
    } else {
        vec![(0, 10)]
    };
    for (e, tenths) in candidates {
        // step = tenths × 10^(e-1); edge k = k × step, computed as one correctly rounded
        // product or quotient of integers so that 0.3 is the double nearest to 0.3.
        let scale = e - 1;
        let edge = |k: i64| -> Option<f64> {
            let units = k.checked_mul(tenths)?;
            if units.unsigned_abs() > 1 << 53 {
                return None;
            }
            Some(if scale >= 0 {
                units as f64 * 10f64.powi(scale)
            } else {
                units as f64 / 10f64.powi(-scale)
            })
        };
        let step = edge(1)?;
        let first = (min / step).floor();
        if !first.is_finite() || first.abs() > (1u64 << 53) as f64 {
            return None;
        }
        let first = first as i64;
        let edges: Option<Vec<f64>> = (0..=10).map(|i| edge(first + i)).collect();
        let edges = edges?;
        // A value exactly on the last edge belongs to the last bin.
        if edges[0] <= min && edges[10] >= max {
            return Some(edges);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(values: &[f64]) -> Sorted {
        let mut d = Distribution::default();
        for &v in values {
            d.add(v, v > 2.0);
        }
        d.finish()
    }

    /// The quantile of NumPy's default method, from a sorted copy.
    fn numpy(values: &[f64], p: f64) -> f64 {
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let h = (v.len() - 1) as f64 * p;
        let lo = h.floor() as usize;
        let t = h - lo as f64;
        let (a, b) = (v[lo], v[(lo + 1).min(v.len() - 1)]);
        if t >= 0.5 {
            b - (b - a) * (1.0 - t)
        } else {
            a + (b - a) * t
        }
    }

    #[test]
    fn percentiles_interpolate_as_numpy() {
        // numpy.percentile([1, 2, 3, 4], [10, 50, 90]) == [1.3, 2.5, 3.7]
        let d = dist(&[4.0, 1.0, 3.0, 2.0]);
        assert_eq!(d.percentile(0.1), Some(1.3));
        assert_eq!(d.percentile(0.5), Some(2.5));
        assert_eq!(d.percentile(0.9), Some(3.7));
        assert_eq!(dist(&[7.0]).percentile(0.9), Some(7.0));
        assert_eq!(dist(&[]).percentile(0.5), None);
        // Ties and a long tail, against a sort of every value.
        let values: Vec<f64> = (0..1000)
            .map(|i| ((i * 7919) % 101) as f64 * 0.5 - 10.0)
            .collect();
        let d = dist(&values);
        for p in [0.0, 0.1, 0.25, 0.5, 0.9, 1.0] {
            assert_eq!(d.percentile(p), Some(numpy(&values, p)), "p{p}");
        }
    }

    #[test]
    fn histograms_have_ten_round_bins_covering_every_value() {
        let d = dist(&[0.0, 10.0, 55.0, 100.0]);
        let bins = d.histogram();
        assert_eq!(bins.len(), 10);
        assert_eq!((bins[0].from, bins[9].to), (0.0, 100.0));
        assert_eq!(
            bins.iter().map(|b| b.count).collect::<Vec<_>>(),
            [1, 1, 0, 0, 0, 1, 0, 0, 0, 1]
        );
        let bins = dist(&[-30.0, 73.0]).histogram();
        assert_eq!((bins[0].from, bins[9].to), (-40.0, 160.0));
        // Decimal steps land on the decimal edges: 0.3 is in the bin starting at 0.3.
        let bins = dist(&[0.0, 0.3, 0.95]).histogram();
        assert_eq!(bins[3].from, 0.3);
        assert_eq!(bins[3].count, 1);
        assert_eq!(bins.iter().map(|b| b.count).sum::<u64>(), 3);
        // One value: unit bins from its floor.
        let bins = dist(&[42.5, 42.5]).histogram();
        assert_eq!((bins[0].from, bins[0].to, bins[0].count), (42.0, 43.0, 2));
        assert!(dist(&[]).histogram().is_empty());
    }

    #[test]
    fn deciles_keep_ties_together() {
        let values: Vec<f64> = (0..20).map(f64::from).collect();
        let d = dist(&values).deciles();
        assert_eq!(d.len(), 10);
        assert!(d.iter().all(|g| g.records == 2));
        assert_eq!((d[9].decile, d[9].from, d[9].to), (10, 18.0, 19.0));
        // Half the records at 0: one group whose middle is at 25%, in decile 3.
        let mut v = vec![0.0; 10];
        v.extend((1..=10).map(f64::from));
        let d = dist(&v).deciles();
        assert_eq!((d[0].decile, d[0].records, d[0].to), (3, 10, 0.0));
        assert_eq!(d.iter().map(|g| g.records).sum::<u64>(), 20);
        assert_eq!(d.iter().map(|g| g.hits).sum::<u64>(), 8);
        assert_eq!(d.last().map(|g| g.decile), Some(10));
    }

    #[test]
    fn merging_equals_adding_and_compaction_bounds_the_error() {
        let values: Vec<f64> = (0..5000).map(|i| (i as f64).sqrt() * 1.37).collect();
        let whole = dist(&values);
        let mut a = Distribution::default();
        let mut b = Distribution::default();
        for (i, &v) in values.iter().enumerate() {
            if i % 3 == 0 { &mut a } else { &mut b }.add(v, v > 2.0);
        }
        a.merge(b);
        assert_eq!(a.finish(), whole);

        let mut small = Distribution::with_cap(1024);
        for &v in &values {
            small.add(v, false);
        }
        let mut other = Distribution::with_cap(1024);
        other.add(1.0, true);
        small.merge(other);
        let s = small.finish();
        assert!(s.relative_error > 0.0 && s.relative_error < 0.1);
        assert!(s.values.len() <= 1024);
        assert_eq!(s.total(), 5001);
        for p in [0.1, 0.5, 0.9] {
            let (got, want) = (s.percentile(p).unwrap(), numpy(&values, p));
            assert!(
                (got - want).abs() <= 2.0 * s.relative_error * want.abs() + 1e-9,
                "p{p}: {got} vs {want}"
            );
        }
        assert_eq!(key(-0.0, 0), key(0.0, 0));
    }

    #[test]
    fn the_integer_order_is_the_order_of_the_values() {
        let xs = [
            f64::NEG_INFINITY,
            -1e300,
            -2.5,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            f64::MIN_POSITIVE,
            1.0,
            2.5,
            1e300,
            f64::INFINITY,
        ];
        for a in xs {
            for b in xs {
                let want = a.total_cmp(&b);
                assert_eq!(order(a.to_bits()).cmp(&order(b.to_bits())), want, "{a} {b}");
            }
        }
    }
}
