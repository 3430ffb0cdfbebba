//! Two independent pieces of work at once, on this thread and one other.

/// Runs `a` on a thread of its own and `b` on this one, and returns both
/// results; a panic in `a` carries on here as if it had happened here.
pub(crate) fn join<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    std::thread::scope(|scope| {
        let a = scope.spawn(a);
        let b = b();
        let a = a
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (a, b)
    })
}
