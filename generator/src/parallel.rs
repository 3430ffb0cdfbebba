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

/// Frees `value` on a thread of its own. A large schema is hundreds of
/// thousands of small allocations, and freeing them took milliseconds at
/// the end of every run; a command about to exit need not wait for that.
/// Where no thread can be started, `value` is freed here.
pub(crate) fn drop_later<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("schemac-free".into())
        .spawn(move || drop(value));
}
