//! Two-core decoding of one baseline scan without restart markers, by speculation.
//!
//! A helper thread starts in the middle of the entropy-coded data, at a byte boundary, as if
//! an MCU began there. Its first MCUs are garbage, but Huffman codes resynchronise: after a
//! short distance its symbol boundaries, and then its MCU boundaries, coincide with the true
//! ones. It records the raw bit position at the start of each of its first [`MARKS`] MCUs.
//! The in-order decoder, once past the split point, compares its own MCU-start positions
//! with those marks; an equal position means both readers are in the same state from there
//! on (same bits, same place in the MCU), so the helper's blocks from that mark are the
//! true blocks that follow. Only their DC values differ, by the predictor the helper did not
//! know — one constant per component, added when the blocks are copied in place.
//!
//! Nothing is guessed: when no mark matches (the helper never resynchronised within its
//! marks, the data is damaged, a marker sits in the way) the in-order decoder just goes on
//! alone and the helper's work is dropped. The output is identical either way.
//!
//! Helpers run on a small process-wide pool started once ([`warm_up`]): starting a thread
//! per decode cost 0.2–4 ms before its first instruction on a shared 2-core VM, as much as
//! the helper's whole share of a 2 MP photo. When the pool is busy (other requests use it)
//! and the in-order decoder reaches the split point before the helper started, the helper
//! is called off ([`Handoff`]) and the in-order decoder finishes alone.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::{Mutex, OnceLock};

use super::bits::BitReader;
use super::{seq_block, BlockPlan, SeqBlock, MODE_QUARTER};

/// MCU starts the helper records (its positions, for the in-order decoder to meet). On the
/// shared photos the two meet at the helper's first to third MCU; past 256 the helper is
/// given up (its Huffman decoding has not resynchronised, which is then rare).
pub(super) const MARKS: usize = 256;

/// Entropy-coded bytes below which a scan is decoded on one thread (the helper's start-up
/// and the copy cost more than they save).
pub(super) const MIN_SPLIT_BYTES: usize = 96 * 1024;

/// Where one of the helper's MCUs starts.
pub(super) struct Mark {
    /// Raw bit position (see [`BitReader::raw_bit_pos`]).
    pub(super) at: u64,
    /// The MCU's index in the helper's decoding order.
    pub(super) mcu: usize,
    /// The helper's DC predictors there.
    pub(super) preds: [i32; 4],
}

#[cfg(test)]
thread_local! {
    /// Test probe: scans of this thread finished with the helper's blocks.
    pub(super) static ADOPTED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
thread_local! {
    /// Test switch: wait for a helper that has not started instead of calling it off, so
    /// tests that check the helper's blocks were used do not depend on the pool being free.
    pub(super) static WAIT_FOR_HELPER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Test probe: the threads whose decode called a helper off.
#[cfg(test)]
pub(super) static CALLED_OFF_BY: std::sync::Mutex<Vec<std::thread::ThreadId>> =
    std::sync::Mutex::new(Vec::new());

/// Counts an adopted helper (tests only).
#[inline(always)]
pub(super) fn note_adopted() {
    #[cfg(test)]
    ADOPTED.with(|a| a.set(a.get() + 1));
}

/// What the helper decoded from the middle of a scan.
pub(super) struct Speculation<'a> {
    /// The starts of its first MCUs, ascending.
    pub(super) marks: Vec<Mark>,
    /// Per block, in MCU order and the scan's block order within an MCU: the DC coefficient
    /// from the helper's own predictors (zero at its start), and at 1/4 scale the AC part.
    pub(super) dc: Vec<i16>,
    pub(super) ac: Vec<[i16; 4]>,
    /// MCUs decoded from real data.
    pub(super) mcus: usize,
    /// The reader and the predictors after the last of them.
    pub(super) reader: BitReader<'a>,
    pub(super) preds: [i32; 4],
}

impl Speculation<'_> {
    /// The helper's block `i` (in its decoding order) with its DC moved by `offset`.
    #[inline(always)]
    pub(super) fn block(&self, i: usize, offset: i16) -> SeqBlock {
        SeqBlock {
            dc: self.dc.get(i).copied().unwrap_or(0).wrapping_add(offset),
            ac: self.ac.get(i).copied().unwrap_or_default(),
        }
    }
}

/// Where the helper starts in `data[start..end]`: the middle, moved on so that it does not
/// sit on the stuffed `00` of an `FF 00` pair. `None` for segments too short to split.
pub(super) fn split_point(data: &[u8], start: usize, end: usize) -> Option<usize> {
    if end.saturating_sub(start) < MIN_SPLIT_BYTES {
        return None;
    }
    let mut mid = start + (end - start) / 2;
    while data.get(mid.checked_sub(1)?) == Some(&0xFF) {
        mid += 1;
    }
    (mid < end).then_some(mid)
}

/// Cores available to the process (asked once).
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, usize::from))
}

/// Whether a second core is there to run the helper on.
pub(super) fn second_core() -> bool {
    cores() >= 2
}

/// The helper pool: one thread per core beyond the first (each decode uses at most one),
/// started on first use. `None` on one core or when threads cannot be started.
pub(super) fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        if !second_core() {
            return None;
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(cores() - 1)
            .thread_name(|i| format!("pixform-jpeg-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// Starts the helper pool now (on a machine with a second core), so that the first split
/// decode does not wait for its thread to start. Returns at once: the pool is built on a
/// short-lived thread of its own, since asking the core count reads cgroup files and the
/// pool's first allocations touch fresh memory — work the caller (reading its input, say)
/// need not wait for. Idempotent and cheap after the first call.
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
pub(super) struct Claim<T>(Mutex<Option<T>>);

impl<T> Claim<T> {
    pub(super) fn new(work: T) -> Self {
        Claim(Mutex::new(Some(work)))
    }

    /// The work, to the first caller only.
    pub(super) fn take(&self) -> Option<T> {
        self.0.lock().ok()?.take()
    }
}

/// Hands the helper's result to the in-order decoder, or calls the helper off when it
/// has not started by the time its work is needed.
pub(super) struct Handoff {
    /// The right to decode from the split point: the helper claims it to start, the
    /// in-order decoder to call a helper that has not started off.
    start: Claim<()>,
    /// Set once nobody waits for the helper's result any more: a running helper stops.
    stop: AtomicBool,
}

impl Handoff {
    pub(super) fn new() -> Self {
        Handoff {
            start: Claim::new(()),
            stop: AtomicBool::new(false),
        }
    }

    /// Whether the helper should stop (checked by the helper as it goes).
    pub(super) fn called_off(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// In-order side, once its decoding is over: a helper still running stops early.
    pub(super) fn release(&self) {
        self.stop.store(true, Ordering::Release);
    }

    /// Helper side: runs `work` and sends its result unless the helper was called off.
    pub(super) fn run<'a>(
        &self,
        tx: SyncSender<Speculation<'a>>,
        work: impl FnOnce() -> Speculation<'a>,
    ) {
        if self.start.take().is_some() {
            // The receiver only goes away once the in-order decoder stopped waiting.
            let _ = tx.send(work());
        }
    }

    /// In-order side, at the split point: the helper's result (waiting for it if it is
    /// running), or `None` when it had not started — it never will — or failed.
    pub(super) fn take<'a>(&self, rx: &Receiver<Speculation<'a>>) -> Option<Speculation<'a>> {
        #[cfg(test)]
        if WAIT_FOR_HELPER.with(|w| w.get()) {
            return rx.recv().ok();
        }
        if self.start.take().is_some() {
            #[cfg(test)]
            if let Ok(mut by) = CALLED_OFF_BY.lock() {
                by.push(std::thread::current().id());
            }
            return None;
        }
        rx.recv().ok()
    }
}

/// The helper: decodes MCUs from byte `start` of `data` until the data runs out or `total`
/// MCUs were decoded (or `handoff` calls it off), keeping every block and the marks of the
/// first [`MARKS`] MCUs. `blocks_hint` sizes the block buffers (a guess; they grow if it is
/// short).
pub(super) fn speculate<'a, const MODE: u8>(
    data: &'a [u8],
    start: usize,
    plan: &[BlockPlan<'_>],
    weights: &[[[f32; 4]; 64]],
    total: usize,
    blocks_hint: usize,
    handoff: &Handoff,
) -> Speculation<'a> {
    let mut reader = BitReader::new(data, start);
    let mut preds = [0i32; 4];
    let mut marks = Vec::with_capacity(MARKS);
    let mut dc = Vec::with_capacity(blocks_hint);
    let mut ac = Vec::with_capacity(if MODE == MODE_QUARTER { blocks_hint } else { 0 });
    let mut mcus = 0usize;
    let mut good = (reader.clone(), preds);
    while mcus < total {
        if mcus.is_multiple_of(64) && handoff.called_off() {
            break;
        }
        if marks.len() < MARKS {
            if let Some(at) = reader.raw_bit_pos() {
                marks.push(Mark {
                    at,
                    mcu: mcus,
                    preds,
                });
            }
        }
        for b in plan {
            let k = b.k & 3;
            let v = seq_block::<MODE>(&mut reader, b, weights.get(k), &mut preds[k]);
            dc.push(v.dc);
            if MODE == MODE_QUARTER {
                ac.push(v.ac);
            }
        }
        if reader.overrun() {
            // This MCU ran into invented bits: not real data. Leave it to the in-order
            // decoder, which continues from `good`.
            let keep = mcus * plan.len();
            dc.truncate(keep);
            ac.truncate(keep);
            break;
        }
        mcus += 1;
        good = (reader.clone(), preds);
    }
    Speculation {
        marks,
        dc,
        ac,
        mcus,
        reader: good.0,
        preds: good.1,
    }
}
