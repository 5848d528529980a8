//! The few Rust functions compiled code calls: what needs `powf`/rounding (the same
//! `crate::eval::math` functions the interpreter uses, so floats agree bit for bit), string work
//! (memoized per distinct string), and recording an evaluation error.
//!
//! Every helper is `extern "C"` and total: no panics (unwinding out of `extern "C"` aborts), only
//! `get`-style lookups. The `rt` argument is the `Runtime` of the running call, passed by the
//! kernel as it received it.

use super::plan::ErrorForm;
use super::runtime::Runtime;
use crate::eval::{math, text, EvalError};
use std::ffi::c_void;

/// Reborrows the runtime a kernel was given.
///
/// # Safety
/// `rt` must be the `*mut Runtime` that `eval_batch` passed to the running kernel: alive, and
/// not borrowed elsewhere while the kernel runs (`eval_batch` holds no reference to it then, and
/// helpers do not nest).
unsafe fn runtime<'r>(rt: *mut c_void) -> &'r mut Runtime<'r> {
    // SAFETY: the caller's contract above.
    unsafe { &mut *rt.cast::<Runtime<'r>>() }
}

/// Memoized string predicate `pred` of string `id` (0 or 1).
///
/// # Safety
/// See [`runtime`].
pub(super) unsafe extern "C" fn pred(rt: *mut c_void, pred: u32, id: u32) -> u8 {
    // SAFETY: forwarded contract.
    unsafe { runtime(rt) }.pred(pred, id)
}

/// Memoized string function `f` of string `id` (a string id, a length or an enum position).
///
/// # Safety
/// See [`runtime`].
pub(super) unsafe extern "C" fn strfn(rt: *mut c_void, f: u32, id: u32) -> u32 {
    // SAFETY: forwarded contract.
    unsafe { runtime(rt) }.strfn(f, id)
}

/// `a + b` for strings, also stored in the cache entry `entry` of its site (two `u64`s: the
/// key `a << 32 | b`, then the id).
///
/// # Safety
/// See [`runtime`]; `entry` points to an entry of a concatenation cache of the running call
/// ([`super::plan::Slot::ConcatCache`]), which nothing else accesses during the call.
pub(super) unsafe extern "C" fn concat_cached(
    rt: *mut c_void,
    a: u32,
    b: u32,
    entry: *mut u64,
) -> u32 {
    // SAFETY: forwarded contract.
    let r = unsafe { runtime(rt) }.concat(a, b);
    // SAFETY: the caller's contract: two writable `u64`s at `entry`.
    unsafe {
        *entry = u64::from(a) << 32 | u64::from(b);
        *entry.add(1) = u64::from(r);
    }
    r
}

/// Byte order of two strings: -1, 0 or 1.
///
/// # Safety
/// See [`runtime`].
pub(super) unsafe extern "C" fn str_cmp(rt: *mut c_void, a: u32, b: u32) -> i32 {
    // SAFETY: forwarded contract.
    let rt = unsafe { runtime(rt) };
    rt.strings
        .get(a)
        .as_bytes()
        .cmp(rt.strings.get(b).as_bytes()) as i32
}

/// `contains` (0), `starts with` (1) or `ends with` (2) with a needle computed per row.
///
/// # Safety
/// See [`runtime`].
pub(super) unsafe extern "C" fn text1(rt: *mut c_void, kind: u32, subject: u32, needle: u32) -> u8 {
    // SAFETY: forwarded contract.
    let rt = unsafe { runtime(rt) };
    let (s, n) = (rt.strings.get(subject), rt.strings.get(needle));
    u8::from(match kind {
        0 => text::contains_ci(s, n),
        1 => text::starts_with_ci(s, n),
        _ => text::ends_with_ci(s, n),
    })
}

/// `contains any` (`all == 0`) or `contains all` with needles computed per row.
///
/// # Safety
/// See [`runtime`]; `needles` points to `len` string ids (a list the kernel holds: a batch
/// column's items or a plan buffer, both alive for the call).
pub(super) unsafe extern "C" fn text_list(
    rt: *mut c_void,
    all: u32,
    subject: u32,
    needles: *const u32,
    len: u64,
) -> u8 {
    // SAFETY: forwarded contract.
    let rt = unsafe { runtime(rt) };
    let ids: &[u32] = if len == 0 || needles.is_null() {
        &[]
    } else {
        // SAFETY: the caller's contract: `len` readable ids at `needles`.
        unsafe { std::slice::from_raw_parts(needles, len as usize) }
    };
    let haystack = text::Haystack::new(rt.strings.get(subject));
    let has = |id: &u32| haystack.contains_any_case(rt.strings.get(*id));
    u8::from(if all == 0 {
        ids.iter().any(has)
    } else {
        ids.iter().all(has)
    })
}

/// Records the evaluation error of `row` at error site `site` (operands `a`, `b`) and flags
/// the row as failed.
///
/// # Safety
/// See [`runtime`].
pub(super) unsafe extern "C" fn error(rt: *mut c_void, site: u32, row: u64, a: i64, b: i64) {
    // SAFETY: forwarded contract.
    let rt = unsafe { runtime(rt) };
    let Some(site) = rt.plan.sites.get(site as usize) else {
        return;
    };
    let ms = |on: bool, v: i64| if on { format!("{v}ms") } else { v.to_string() };
    let message = match site.form {
        ErrorForm::Binary {
            what,
            sym,
            a_ms,
            b_ms,
        } => format!("{what} overflow in `{} {sym} {}`", ms(a_ms, a), ms(b_ms, b)),
        ErrorForm::Neg { what, ms: on } => format!("{what} overflow in `-({})`", ms(on, a)),
        ErrorForm::Abs { what, ms: on } => format!("{what} overflow in `abs({})`", ms(on, a)),
        ErrorForm::MulDurNum => format!(
            "duration overflow in `{a}ms * {}`",
            f64::from_bits(b as u64)
        ),
    };
    rt.fail(row as usize, EvalError::new(site.span, message));
}

/// `decay R every E since T`: the factor, from `now` and `since`.
pub(super) extern "C" fn decay(rate: f64, now: i64, since: i64, every_ms: i64) -> f64 {
    math::decay_factor(rate, math::age_ms(now, since), every_ms)
}

/// What one matching element counts in `decayed_count`.
pub(super) extern "C" fn half_life(now: i64, at: i64, half_life_ms: i64) -> f64 {
    math::half_life_weight(math::age_ms(now, at), half_life_ms)
}

/// `round(x)`: half away from zero (cranelift's `nearest` rounds half to even).
pub(super) extern "C" fn round(x: f64) -> f64 {
    x.round()
}

/// Whether `duration * number` fits; [`mul_dur`] is its value when it does.
pub(super) extern "C" fn mul_dur_ok(ms: i64, x: f64) -> u8 {
    u8::from(math::mul_dur_num(ms, x).is_some())
}

pub(super) extern "C" fn mul_dur(ms: i64, x: f64) -> i64 {
    math::mul_dur_num(ms, x).unwrap_or(0)
}
