//! Two-core decoding of one baseline scan without restart markers, by speculation.
//!
//! A helper thread starts somewhere in the entropy-coded data, at a byte boundary, as if an
//! MCU began there. Its first MCUs are garbage, but Huffman codes resynchronise: after a
//! short distance its symbol boundaries, and then its MCU boundaries, coincide with the true
//! ones. It records the raw bit position at the start of each of its first [`MARKS`] MCUs.
//! A decoder that reaches one of those positions at an MCU start of its own is, from there
//! on, in the same state as the helper (same bits, same place in the MCU), so the helper's
//! blocks from that mark are the true blocks that follow. Only their DC values differ, by
//! the predictor the helper did not know — one constant per component, added when the
//! blocks are copied in place.
//!
//! The scan's bytes are cut into chunks ([`chunk_starts`]): the in-order decoder owns the
//! part before the first cut and walks forward, the helper takes chunks from the end
//! backwards. Each side claims the next chunk on the [`Board`] as it gets there, so the two
//! meet wherever their speeds put them: on a shared VM one core is often a quarter slower
//! than the other for a whole run, and a fixed middle split left the faster side idle for
//! that difference. Each helper chunk is decoded until it meets the marks of the chunk above
//! it (decoded just before), which links the helper's chunks into one run; the in-order
//! decoder, once it reaches the first chunk the helper claimed, meets that chunk's marks and
//! adopts the linked run to its end.
//!
//! Nothing is guessed: where no mark matches (a chunk never resynchronised within its
//! marks, the data is damaged, a marker sits in the way) the decoder that was to meet it
//! goes on alone and the helper's chunk is dropped. The output is identical either way.
//!
//! Helpers run on the process-wide pool ([`crate::pool`], started once by `warm_up`): starting a thread
//! per decode cost 0.2–4 ms before its first instruction on a shared 2-core VM, as much as
//! the helper's whole share of a 2 MP photo. When the pool is busy (other requests use it)
//! the in-order decoder claims every chunk before the helper starts, and the helper, once
//! it does, finds nothing left.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::Mutex;

pub(super) use crate::pool::{pool, Claim};

use super::bits::BitReader;
use super::{seq_block, BlockPlan, SeqBlock, MODE_QUARTER};

/// MCU starts the helper records per chunk (its positions, for the decoder below it to
/// meet). On the shared photos a chunk's first to third MCU is met; past 64 the chunk is
/// given up (its Huffman decoding has not resynchronised, which is then rare).
pub(super) const MARKS: usize = 64;

/// Entropy-coded bytes below which a scan is decoded on one thread (the helper's start-up
/// and the copy cost more than they save).
pub(super) const MIN_SPLIT_BYTES: usize = 96 * 1024;

/// The scan's bytes are cut into this many equal parts; the in-order decoder owns the
/// first [`OWN_PARTS`], the rest are chunks. Small chunks keep the side that arrives first
/// from waiting long: at most one chunk (a 24th of the scan) when the two meet, whenever
/// the helper started — a helper that starts milliseconds late (a sleeping core being
/// woken) takes the last chunk only, not the last half.
const PARTS: usize = 24;

/// Parts at the start that only the in-order decoder decodes.
const OWN_PARTS: usize = 4;

/// Chunks of a split scan (one per part after the in-order decoder's own).
#[cfg(test)]
pub(super) const CHUNKS: usize = PARTS - OWN_PARTS;

/// Where one of the helper's MCUs starts.
#[derive(Clone, Copy)]
pub(super) struct Mark {
    /// Raw bit position (see [`BitReader::raw_bit_pos`]).
    pub(super) at: u64,
    /// The MCU's index in the chunk's decoding order.
    pub(super) mcu: usize,
    /// The chunk's DC predictors there.
    pub(super) preds: [i32; 4],
}

#[cfg(test)]
thread_local! {
    /// Test probe: scans of this thread finished with the helper's blocks.
    pub(super) static ADOPTED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
thread_local! {
    /// Test switch: the in-order decoder lets the helper claim its first chunk before it
    /// claims any, so tests that check the helper's blocks were used do not depend on the
    /// pool being free.
    pub(super) static WAIT_FOR_HELPER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(test)]
thread_local! {
    /// Test switch: the in-order decoder leaves every chunk to the helper (waits at each
    /// chunk start until the helper has claimed it), so the helper's chunks are linked and
    /// adopted as one run.
    pub(super) static HELPER_TAKES_ALL: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(test)]
thread_local! {
    /// Test probe: helper chunks adopted by this thread's decodes.
    pub(super) static CHUNKS_ADOPTED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Test probe: the threads whose decode left its helper nothing.
#[cfg(test)]
pub(super) static CALLED_OFF_BY: std::sync::Mutex<Vec<std::thread::ThreadId>> =
    std::sync::Mutex::new(Vec::new());

/// Counts a scan that used the helper's blocks, and the chunks it took (tests only).
#[inline(always)]
pub(super) fn note_adopted(_chunks: usize) {
    #[cfg(test)]
    {
        ADOPTED.with(|a| a.set(a.get() + 1));
        CHUNKS_ADOPTED.with(|a| a.set(a.get() + _chunks));
    }
}

/// What the helper decoded from one chunk.
pub(super) struct Speculation<'a> {
    /// The starts of its first MCUs, ascending.
    pub(super) marks: Vec<Mark>,
    /// Per block, in MCU order and the scan's block order within an MCU: the DC coefficient
    /// from the chunk's own predictors (zero at its start), and at 1/4 scale the AC part.
    pub(super) dc: Vec<i16>,
    pub(super) ac: Vec<[i16; 4]>,
    /// MCUs decoded from real data.
    pub(super) mcus: usize,
    /// The reader and the predictors after the last of them.
    pub(super) reader: BitReader<'a>,
    pub(super) preds: [i32; 4],
    /// Where the chunk stopped because it met the chunk above it: that chunk's mark index
    /// (its MCUs from that mark on follow this chunk's last one).
    pub(super) link: Option<usize>,
}

impl Speculation<'_> {
    /// The chunk's block `i` (in its decoding order) with its DC moved by `offset`.
    #[inline(always)]
    pub(super) fn block(&self, i: usize, offset: i16) -> SeqBlock {
        SeqBlock {
            dc: self.dc.get(i).copied().unwrap_or(0).wrapping_add(offset),
            ac: self.ac.get(i).copied().unwrap_or_default(),
        }
    }
}

/// How a decoder stands against a chunk's marks.
pub(super) enum Meeting {
    /// Not at a mark yet; the next ones are still ahead.
    NotYet,
    /// At the start of the mark with this index.
    At(usize),
    /// Past every mark (or unable to tell): the chunk cannot be joined.
    Never,
}

/// Progress through one chunk's marks (they ascend, so it only moves forward).
#[derive(Default)]
pub(super) struct Watch {
    next: usize,
}

impl Watch {
    /// Compares `at`, a reader's raw bit position at one of its MCU starts, with `marks`.
    pub(super) fn meet(&mut self, marks: &[Mark], at: Option<u64>) -> Meeting {
        let Some(at) = at else {
            return Meeting::Never;
        };
        while marks.get(self.next).is_some_and(|mark| mark.at < at) {
            self.next += 1;
        }
        match marks.get(self.next) {
            None => Meeting::Never,
            Some(mark) if mark.at == at => Meeting::At(self.next),
            Some(_) => Meeting::NotYet,
        }
    }
}

/// Where the chunks of `data[start..end]` start ([`PARTS`]), each moved on so that it does
/// not sit on the stuffed `00` of an `FF 00` pair; ascending, all inside the range. `None`
/// for segments too short to split.
pub(super) fn chunk_starts(data: &[u8], start: usize, end: usize) -> Option<Vec<usize>> {
    let len = end.checked_sub(start)?;
    if len < MIN_SPLIT_BYTES {
        return None;
    }
    let mut out: Vec<usize> = Vec::with_capacity(PARTS);
    for part in OWN_PARTS..PARTS {
        let mut at = start + len / PARTS * part;
        while data.get(at.checked_sub(1)?) == Some(&0xFF) {
            at += 1;
        }
        if at < end && out.last().is_none_or(|&last| at > last) {
            out.push(at);
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Who decodes which chunk: the in-order decoder claims chunks upwards from the first, the
/// helper downwards from the last; each chunk goes to whoever claims it first.
pub(super) struct Board {
    /// (chunks the in-order decoder claimed — all those below this index; the lowest chunk
    /// the helper claimed — it has all from there up).
    claims: Mutex<(usize, usize)>,
    /// How many chunks there are.
    #[cfg_attr(not(test), allow(dead_code))]
    chunks: usize,
    /// Set once nobody waits for the helper's results any more: a running helper stops.
    stop: AtomicBool,
}

impl Board {
    pub(super) fn new(chunks: usize) -> Self {
        Board {
            claims: Mutex::new((0, chunks)),
            chunks,
            stop: AtomicBool::new(false),
        }
    }

    /// Helper side: the next chunk down, unless the in-order decoder has reached it.
    fn helper_claim(&self) -> Option<usize> {
        let mut claims = self.claims.lock().ok()?;
        let (below, lowest) = *claims;
        (lowest > below).then(|| {
            claims.1 = lowest - 1;
            claims.1
        })
    }

    /// In-order side, reaching the start of chunk `c` (the chunks are reached in order):
    /// whether the in-order decoder goes on with it itself; `false` when the helper has it.
    pub(super) fn in_order_claim(&self, c: usize) -> bool {
        #[cfg(test)]
        {
            // Wait until the helper has claimed chunk `c`, or its first chunk.
            let wait_below = if HELPER_TAKES_ALL.with(|w| w.get()) {
                Some(c + 1)
            } else if WAIT_FOR_HELPER.with(|w| w.get()) {
                Some(self.chunks)
            } else {
                None
            };
            while let Some(below) = wait_below {
                if self.claims.lock().is_ok_and(|claims| claims.1 < below) {
                    break;
                }
                std::thread::yield_now();
            }
        }
        let Ok(mut claims) = self.claims.lock() else {
            return true; // (Never poisoned: nothing panics under the lock.)
        };
        if c >= claims.1 {
            return false;
        }
        claims.0 = c + 1;
        #[cfg(test)]
        if claims.1 == c + 1 {
            if let Ok(mut by) = CALLED_OFF_BY.lock() {
                by.push(std::thread::current().id());
            }
        }
        true
    }

    /// Whether the helper should stop (checked by the helper as it goes).
    fn called_off(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// In-order side, once its decoding is over: a helper still running stops early.
    pub(super) fn release(&self) {
        self.stop.store(true, Ordering::Release);
    }
}

/// What the helper works from: the scan's data, its chunk starts and how it is decoded.
pub(super) struct HelperJob<'a, 'p, 't> {
    pub(super) data: &'a [u8],
    /// Where the scan's entropy-coded data starts and ends.
    pub(super) span: (usize, usize),
    pub(super) starts: &'p [usize],
    pub(super) plan: &'p [BlockPlan<'t>],
    pub(super) weights: &'p [[[f32; 4]; 64]],
    /// The scan's MCUs (no chunk decodes more).
    pub(super) total: usize,
}

/// The helper: claims chunks from the last down and decodes each until it meets the chunk
/// above it (the last one until the data ends), sending each as it is done, with its index.
/// Stops when the in-order decoder has claimed the next chunk down, or calls it off.
pub(super) fn help<'a, const MODE: u8>(
    job: &HelperJob<'a, '_, '_>,
    board: &Board,
    tx: Sender<(usize, Speculation<'a>)>,
) {
    let (first, end) = job.span;
    let blocks = (job.total * job.plan.len()) as f64;
    let mut above: Vec<Mark> = Vec::new();
    // MCUs the chunks may still decode between them: never more than the scan has.
    let mut budget = job.total;
    while let Some(c) = board.helper_claim() {
        let Some(&start) = job.starts.get(c) else {
            return;
        };
        let top = job.starts.get(c + 1).copied().unwrap_or(end);
        // The chunk's share of the blocks if the bytes spread evenly, + 1/8.
        let share = (top - start) as f64 / (end - first).max(1) as f64;
        let hint = (blocks * (share * 1.125).min(1.0)) as usize + 64;
        let meet = (c + 1 < job.starts.len()).then_some((top, &above[..]));
        let sp = speculate::<MODE>(job, start, (budget, hint), meet, board);
        budget -= sp.mcus.min(budget);
        above.clear();
        above.extend_from_slice(&sp.marks);
        if tx.send((c, sp)).is_err() {
            return;
        }
    }
}

/// Decodes MCUs from byte `start` of the data until the data runs out, `limit` MCUs were
/// decoded, an MCU starts at one of the marks of the chunk above (`above`: where it starts
/// and its marks) or passes them all, or `board` calls the helper off; keeps every block and
/// the marks of the first [`MARKS`] MCUs. `blocks_hint` sizes the block buffers (a guess;
/// they grow if it is short).
fn speculate<'a, const MODE: u8>(
    job: &HelperJob<'a, '_, '_>,
    start: usize,
    (limit, blocks_hint): (usize, usize),
    above: Option<(usize, &[Mark])>,
    board: &Board,
) -> Speculation<'a> {
    let mut reader = BitReader::new(job.data, start);
    let mut preds = [0i32; 4];
    let mut marks = Vec::with_capacity(MARKS);
    let mut dc = Vec::with_capacity(blocks_hint);
    let mut ac = Vec::with_capacity(if MODE == MODE_QUARTER { blocks_hint } else { 0 });
    let mut mcus = 0usize;
    let mut link = None;
    // The byte where the chunk above starts: before it, no mark of its can be met.
    let watch_from = above.map_or(usize::MAX, |(top, _)| top);
    let mut watch = Watch::default();
    let mut good = (reader.clone(), preds);
    while mcus < limit {
        if mcus.is_multiple_of(64) && board.called_off() {
            break;
        }
        let raw = if marks.len() < MARKS || reader.pos() >= watch_from {
            reader.raw_bit_pos()
        } else {
            None
        };
        if marks.len() < MARKS {
            if let Some(at) = raw {
                marks.push(Mark {
                    at,
                    mcu: mcus,
                    preds,
                });
            }
        }
        if let (Some((_, above)), true) = (above, reader.pos() >= watch_from) {
            match watch.meet(above, raw) {
                Meeting::NotYet => {}
                Meeting::At(j) => {
                    link = Some(j);
                    break;
                }
                // Cannot join the chunk above: stop here; the in-order decoder goes on
                // from this chunk's end itself.
                Meeting::Never => break,
            }
        }
        for b in job.plan {
            let k = b.k & 3;
            let v = seq_block::<MODE>(&mut reader, b, job.weights.get(k), &mut preds[k]);
            dc.push(v.dc);
            if MODE == MODE_QUARTER {
                ac.push(v.ac);
            }
        }
        if reader.overrun() {
            // This MCU ran into invented bits: not real data. Leave it to the in-order
            // decoder, which continues from `good`.
            let keep = mcus * job.plan.len();
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
        link,
    }
}

/// Receives the helper's chunks into `got` (by index) until chunk `c` is there or the
/// helper is done. The helper sends chunks from the last down, so every chunk above `c`
/// has arrived by then too.
pub(super) fn collect<'a>(
    rx: &Receiver<(usize, Speculation<'a>)>,
    got: &mut [Option<Speculation<'a>>],
    c: usize,
) {
    while got.get(c).is_some_and(Option::is_none) {
        match rx.recv() {
            Ok((i, sp)) => {
                if let Some(slot) = got.get_mut(i) {
                    *slot = Some(sp);
                }
            }
            Err(_) => return,
        }
    }
}
