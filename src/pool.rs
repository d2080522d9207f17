//! The process-wide helper pool: one thread per core beyond the first, which a request in
//! flight borrows to put a second core to work — two-core JPEG entropy decoding
//! (`codec::jpeg_dc`) and a WebP image's alpha plane encoded beside its colour
//! (`codec::encode`).
//!
//! Starting a thread per request cost 0.2–4 ms before its first instruction on a shared
//! 2-core VM, so the pool is started once ([`warm_up`]). Nobody waits for a helper that
//! has not started: work is offered through a [`Claim`] and done by whichever thread gets to
//! it first, so a pool kept busy by other requests costs a request nothing but its own
//! core's time.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};

/// Cores available to the process (asked once).
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, usize::from))
}

/// Whether a second core is there to run a helper on.
fn second_core() -> bool {
    cores() >= 2
}

/// pixform's threads at work now: engine requests in flight and helper jobs running.
static WORKING: AtomicUsize = AtomicUsize::new(0);

/// Counts its thread among those at work ([`WORKING`]) for as long as it lives: held by each
/// engine request and each running helper job.
pub(crate) struct Working(());

impl Working {
    pub(crate) fn start() -> Self {
        WORKING.fetch_add(1, Ordering::Relaxed);
        Working(())
    }
}

impl Drop for Working {
    fn drop(&mut self) {
        WORKING.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Whether a core is free for a helper: fewer of pixform's threads are at work than there
/// are cores. When requests already keep every core busy a helper only adds switching and
/// speculative work (two requests at a time on two cores ran 9 % slower with helpers), so
/// each request then works alone, as with `Config::threads = 1`.
pub(crate) fn core_idle() -> bool {
    second_core() && WORKING.load(Ordering::Relaxed) < cores()
}

/// The helper pool, started on first use. `None` on one core or when threads cannot be
/// started.
pub(crate) fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        if !second_core() {
            return None;
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(cores() - 1)
            .thread_name(|i| format!("pixform-helper-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// Starts the helper pool now (on a machine with a second core), so that the first request
/// that uses it does not wait for its thread to start. Returns at once: the pool is built
/// on a short-lived thread of its own, since asking the core count reads cgroup files and
/// the pool's first allocations touch fresh memory — work the caller (reading its input,
/// say) need not wait for. Idempotent and cheap after the first call.
pub fn warm_up() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        let builder = std::thread::Builder::new().name("pixform-warm-up".into());
        if builder.spawn(|| pool().is_some()).is_err() {
            let _ = pool();
        }
    });
}

/// Work offered to a pool helper that goes to whichever thread claims it first: the helper
/// when it starts in time, else the thread that offered it, once it gets there (and then
/// the helper finds nothing to do). Nobody waits for a helper that has not started.
pub(crate) struct Claim<T>(Mutex<Option<T>>);

impl<T> Claim<T> {
    pub(crate) fn new(work: T) -> Self {
        Claim(Mutex::new(Some(work)))
    }

    /// The work, to the first caller only.
    pub(crate) fn take(&self) -> Option<T> {
        self.0.lock().ok()?.take()
    }
}

/// A job handed to the pool with [`offer`]; [`Offered::join`] gives its result.
pub(crate) struct Offered<F, T> {
    claim: Arc<Claim<F>>,
    /// The helper's result, or the panic that ended the job there.
    done: mpsc::Receiver<std::thread::Result<T>>,
}

/// Offers `job` to a pool helper when `helper` is true, a core is idle ([`core_idle`]) and a
/// pool is running; the caller goes on with its own work and collects the result with
/// [`Offered::join`]. Without a helper the job runs at the join, on the caller's thread.
pub(crate) fn offer<F, T>(job: F, helper: bool) -> Offered<F, T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let claim = Arc::new(Claim::new(job));
    let (tx, done) = mpsc::channel();
    if let Some(pool) = pool().filter(|_| helper && core_idle()) {
        let theirs = Arc::clone(&claim);
        pool.spawn(move || {
            if let Some(job) = theirs.take() {
                let _working = Working::start();
                // A panic is carried back to the caller, not left to rayon (which aborts).
                let _ = tx.send(catch_unwind(AssertUnwindSafe(job)));
            }
        });
    }
    Offered { claim, done }
}

impl<F, T> Offered<F, T>
where
    F: FnOnce() -> T,
{
    /// The job's result: computed here if no helper has started it, else the helper's
    /// (waiting for it to finish). `Err` carries the panic payload of a job that panicked
    /// on the helper.
    pub(crate) fn join(self) -> std::thread::Result<T> {
        if let Some(job) = self.claim.take() {
            return catch_unwind(AssertUnwindSafe(job));
        }
        // The helper took the job: it sends exactly one result before its sender drops.
        self.done
            .recv()
            .unwrap_or_else(|_| Err(Box::new("the helper thread ended without a result")))
    }
}

impl<F, T> Drop for Offered<F, T> {
    /// A job nobody will join (the caller failed first) is withdrawn if no helper has
    /// started it, so that no helper time is spent on a result nobody reads.
    fn drop(&mut self) {
        let _ = self.claim.take();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offered_job_runs_once_and_returns_its_result() {
        for helper in [false, true] {
            let runs = Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let counted = Arc::clone(&runs);
            let offered = offer(
                move || {
                    counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    (1..=10u32).sum::<u32>()
                },
                helper,
            );
            assert_eq!(offered.join().ok(), Some(55));
            assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);
        }
    }

    #[test]
    fn a_dropped_offer_is_withdrawn_before_a_helper_starts_it() {
        let Some(pool) = pool() else {
            return; // One core: nothing is ever queued for a helper.
        };
        // Keep every helper busy so that the offer stays queued.
        let (release, blocked) = mpsc::channel::<()>();
        let blocked = Arc::new(Mutex::new(blocked));
        let (started_tx, started) = mpsc::channel();
        for _ in 0..pool.current_num_threads() {
            let (blocked, started_tx) = (Arc::clone(&blocked), started_tx.clone());
            pool.spawn(move || {
                let _ = started_tx.send(());
                if let Ok(rx) = blocked.lock() {
                    let _ = rx.recv();
                }
            });
        }
        for _ in 0..pool.current_num_threads() {
            started.recv().unwrap();
        }
        let token = Arc::new(());
        let held = Arc::clone(&token);
        drop(offer(move || drop(held), true));
        let holders = Arc::strong_count(&token);
        for _ in 0..pool.current_num_threads() {
            let _ = release.send(());
        }
        // The job (and the token it holds) is gone at once, not left in the helper's queue.
        assert_eq!(holders, 1);
    }

    #[test]
    fn helpers_stand_aside_while_every_core_is_at_work() {
        let held: Vec<Working> = (0..cores()).map(|_| Working::start()).collect();
        assert!(!core_idle());
        // Offered then, a job runs on the caller's thread at the join.
        let here = std::thread::current().id();
        let offered = offer(
            || {
                std::thread::sleep(std::time::Duration::from_millis(20));
                std::thread::current().id()
            },
            true,
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(offered.join().ok(), Some(here));
        drop(held);
    }

    #[test]
    fn a_panicking_job_is_an_error_at_the_join() {
        for helper in [false, true] {
            let offered = offer(|| -> u32 { panic!("boom") }, helper);
            assert!(offered.join().is_err());
        }
    }
}
