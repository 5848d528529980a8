//! Numeric helpers whose exact results both engines must share, bit for bit.
//!
//! The interpreter calls these; the JIT calls the same functions (as `extern "C"` shims or
//! inline code that provably does the same operations in the same order). Anything that involves
//! `powf`, rounding or a NaN rule lives here so there is exactly one definition of it.
//!
//! NaN: `number` arithmetic is IEEE 754 (`x / 0.0` is ±inf, `0.0 / 0.0` is NaN). Comparisons
//! follow IEEE too (NaN is not `==` anything, `!=` everything, and no ordering holds). `min`,
//! `max` and the score clamps *propagate* NaN (unlike `f64::min`, which drops it), so a NaN
//! score reads as NaN rather than silently becoming a bound.

/// `(1 - rate) ^ (max(0, elapsed_ms) / every_ms)`: the factor a score is multiplied by after
/// `decay RATE every EVERY since T`, with `elapsed_ms = age_ms(now, T)` (already clamped at 0).
pub fn decay_factor(rate: f64, elapsed_ms: i64, every_ms: i64) -> f64 {
    let elapsed = elapsed_ms.max(0) as f64;
    (1.0 - rate).powf(elapsed / every_ms as f64)
}

/// `0.5 ^ (max(0, age_ms) / half_life_ms)`: what one matching element counts in `decayed_count`.
pub fn half_life_weight(age_ms: i64, half_life_ms: i64) -> f64 {
    let age = age_ms.max(0) as f64;
    0.5f64.powf(age / half_life_ms as f64)
}

/// `max(0, now - at)` without overflow (saturating: an age beyond `i64::MAX` ms is `i64::MAX`,
/// which every decay turns into the same factor anyway).
pub fn age_ms(now: i64, at: i64) -> i64 {
    now.saturating_sub(at).max(0)
}

/// `min` of two numbers; NaN if either is NaN. On a tie the left operand is returned (so
/// `min(0.0, -0.0)` is `0.0`).
pub fn min_num(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if b < a {
        b
    } else {
        a
    }
}

/// `max` of two numbers; NaN if either is NaN. On a tie the left operand is returned.
pub fn max_num(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if b > a {
        b
    } else {
        a
    }
}

/// A `per … up to N` item's contribution: `min(max(v, -n), n)`. Never panics (unlike
/// `f64::clamp`), whatever `n` is.
pub fn clamp_symmetric(v: f64, n: f64) -> f64 {
    min_num(max_num(v, -n), n)
}

/// `duration * number`, rounded half away from zero to a millisecond; `None` when the result is
/// not finite or does not fit in an `i64` (an overflow error for the caller).
pub fn mul_dur_num(ms: i64, x: f64) -> Option<i64> {
    let r = (ms as f64 * x).round();
    // 2^63 is exactly representable; every f64 in [-2^63, 2^63) converts exactly.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if r.is_finite() && (-LIMIT..LIMIT).contains(&r) {
        Some(r as i64)
    } else {
        None
    }
}

/// A duration in days/hours/minutes as a number (`ms / 86_400_000.0` …).
pub fn duration_in(ms: i64, unit_ms: i64) -> f64 {
    ms as f64 / unit_ms as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::MS_PER_DAY;

    #[test]
    fn decay_factor_matches_the_formula() {
        assert_eq!(decay_factor(0.1, 30 * MS_PER_DAY, 30 * MS_PER_DAY), 0.9);
        assert_eq!(decay_factor(0.5, 60 * MS_PER_DAY, 30 * MS_PER_DAY), 0.25);
        assert_eq!(decay_factor(0.5, 0, 30 * MS_PER_DAY), 1.0);
        // A `since` in the future does not grow the score.
        assert_eq!(decay_factor(0.5, -5 * MS_PER_DAY, 30 * MS_PER_DAY), 1.0);
        assert_eq!(decay_factor(1.0, MS_PER_DAY, 30 * MS_PER_DAY), 0.0);
        assert_eq!(
            decay_factor(0.1, MS_PER_DAY, 30 * MS_PER_DAY),
            0.9f64.powf(1.0 / 30.0)
        );
    }

    #[test]
    fn half_life_weights() {
        assert_eq!(half_life_weight(0, 14 * MS_PER_DAY), 1.0);
        assert_eq!(half_life_weight(14 * MS_PER_DAY, 14 * MS_PER_DAY), 0.5);
        assert_eq!(half_life_weight(28 * MS_PER_DAY, 14 * MS_PER_DAY), 0.25);
        assert_eq!(half_life_weight(-MS_PER_DAY, 14 * MS_PER_DAY), 1.0);
        assert_eq!(age_ms(i64::MAX, i64::MIN), i64::MAX);
        assert_eq!(age_ms(0, 10), 0);
    }

    #[test]
    fn min_max_propagate_nan_and_clamp_never_panics() {
        assert!(min_num(f64::NAN, 1.0).is_nan());
        assert!(max_num(1.0, f64::NAN).is_nan());
        assert_eq!(min_num(2.0, -3.0), -3.0);
        assert_eq!(max_num(2.0, -3.0), 2.0);
        assert_eq!(min_num(0.0, -0.0).to_bits(), 0.0f64.to_bits());
        assert_eq!(clamp_symmetric(40.0, 15.0), 15.0);
        assert_eq!(clamp_symmetric(-40.0, 15.0), -15.0);
        assert_eq!(clamp_symmetric(7.5, 15.0), 7.5);
        assert_eq!(clamp_symmetric(f64::INFINITY, 15.0), 15.0);
        assert!(clamp_symmetric(f64::NAN, 15.0).is_nan());
        // A negative bound would make `f64::clamp` panic; here it is just arithmetic.
        assert_eq!(clamp_symmetric(3.0, -1.0), -1.0);
    }

    #[test]
    fn duration_times_number_rounds_half_away_from_zero() {
        assert_eq!(mul_dur_num(3, 0.5), Some(2)); // 1.5 → 2
        assert_eq!(mul_dur_num(-3, 0.5), Some(-2)); // -1.5 → -2
        assert_eq!(mul_dur_num(10, 0.25), Some(3)); // 2.5 → 3
        assert_eq!(mul_dur_num(MS_PER_DAY, 1.5), Some(MS_PER_DAY * 3 / 2));
        assert_eq!(mul_dur_num(i64::MAX, 2.0), None);
        assert_eq!(mul_dur_num(1, f64::NAN), None);
        assert_eq!(mul_dur_num(1, f64::INFINITY), None);
        assert_eq!(mul_dur_num(i64::MIN, 1.0), Some(i64::MIN));
    }

    #[test]
    fn durations_as_numbers() {
        assert_eq!(duration_in(36 * 3_600_000, MS_PER_DAY), 1.5);
        assert_eq!(duration_in(-MS_PER_DAY, MS_PER_DAY), -1.0);
    }
}
