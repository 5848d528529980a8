//! The checker, the evaluators and the SQL compiler recurse on expressions, as deep as the
//! syntax allows (256 levels) or the IR may be (`ir::depth::MAX_DEPTH`): deeper than a default
//! 2 MiB thread holds in a debug build. The checker's and the evaluators' recursive steps go
//! through [`deep`], which moves onto a fresh stack segment when little of the current one is
//! left; the SQL compiler, whose recursion is partly `sqlparser`'s, reserves its stack once
//! with [`with_room`]. So checking, evaluating and compiling are safe on any thread (a test's,
//! a library caller's), not only on the pipeline's big-stack workers.

/// Room that must be left for one step of a recursion (its frames, the calls it
/// makes before recursing again).
const RED_ZONE: usize = 128 * 1024;

/// Size of each new segment, once the red zone is reached.
const SEGMENT: usize = 4 * 1024 * 1024;

/// Runs `f`, on a new stack segment if the current one is nearly used up.
#[inline]
pub(crate) fn deep<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(RED_ZONE, SEGMENT, f)
}

/// Runs `f` with at least `room` bytes of stack, on a new segment if fewer are left: for
/// recursions that [`deep`] cannot step into, such as the derived `Clone`, `Display` and `Drop`
/// of a library's deep tree. The segment is address space; only the pages used are memory.
pub(crate) fn with_room<R>(room: usize, f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(room, room, f)
}
