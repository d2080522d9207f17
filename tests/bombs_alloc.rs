//! Allocation bounds for hostile inputs. A counting global allocator tracks the peak of
//! live heap bytes while each bomb goes through the engine; the peak must stay far below
//! what the bomb claims. This binary holds a single test so nothing else allocates
//! concurrently while a case is measured.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use pixform::engine::{Engine, Request};

#[path = "integration/bombs/craft.rs"]
mod craft;
#[path = "integration/odd.rs"]
mod odd;

/// The system allocator, counting live bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(n: usize) {
    let now = LIVE.fetch_add(n, Ordering::Relaxed) + n;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most a bomb may make pixform allocate (the claimed sizes are GBs).
const BUDGET: usize = 64 << 20;

/// Peak live heap bytes above the starting point while `f` runs.
fn peak_of<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let r = f();
    (PEAK.load(Ordering::Relaxed).saturating_sub(base), r)
}

/// What a file may make pixform allocate beyond one RGBA frame of its stored size.
const CORPUS_OVERHEAD: usize = 48 << 20;

/// The stated bound for one file: one 4-byte-per-pixel frame of the size its header
/// declares (at most `max_input_pixels`, so ≈ 400 MB at the 100 MP default) plus
/// [`CORPUS_OVERHEAD`]; files without a readable header get the overhead alone. AVIF gets
/// 4 bytes a pixel more: rav1d's frame state (the YUV picture and, with the two frame
/// contexts pixform opens to dodge rav1d#1497's abort, the frame threads' coefficient
/// buffers) stands beside the RGB frame while it is made.
fn corpus_bound(bytes: &[u8]) -> usize {
    use pixform::codec::decode::{read_header, DecodeLimits};
    // The format table's decoder for what sniff says, as the engine chooses it.
    let Some(format) = pixform::sniff::sniff(bytes).and_then(|m| pixform::format::decoder(m.kind))
    else {
        return CORPUS_OVERHEAD;
    };
    let pixels = read_header(bytes, format, &DecodeLimits::default())
        .map(|h| h.width as usize * h.height as usize)
        .unwrap_or(0);
    let per_pixel = match format {
        pixform::format::InputFormat::Avif => 8,
        _ => 4,
    };
    per_pixel * pixels + CORPUS_OVERHEAD
}

/// The one test of this binary (see the module comment): bombs first, then the corpus.
#[test]
fn hostile_inputs_stay_within_the_allocation_budget() {
    bombs_stay_within_the_allocation_budget();
    odd_corpus_stays_within_its_budget();
}

/// Every file of the odd corpus, through both corpus-test transformations, one at a time.
fn odd_corpus_stays_within_its_budget() {
    let engine = Engine::default();
    let request = Request::default();
    let dir = odd::odd_dir();
    let files = odd::files_under(&dir);
    assert!(
        files.len() > 100,
        "odd corpus missing under {}",
        dir.display()
    );
    let mut worst = (0usize, String::new());
    let mut over = Vec::new();
    let mut worst_overhead = (0isize, String::new());
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let name = path
            .strip_prefix(&dir)
            .unwrap_or(path)
            .display()
            .to_string();
        let bound = corpus_bound(&bytes);
        for t in ["w-300,h-300,f-webp", "w-300,h-300,f-jpg"] {
            let (peak, _) = peak_of(|| engine.transform_str(&bytes, t, &request));
            if peak > worst.0 {
                worst = (peak, format!("{name} [{t}]"));
            }
            let overhead = peak as isize - (bound - CORPUS_OVERHEAD) as isize;
            if overhead > worst_overhead.0 {
                worst_overhead = (overhead, format!("{name} [{t}]"));
            }
            if peak > bound {
                over.push(format!("{name} [{t}]: {peak} bytes, bound {bound}"));
            }
        }
    }
    println!(
        "odd corpus: {} files, largest peak {:.1} MiB ({}), largest peak beyond one RGBA \
         frame {:.1} MiB ({})",
        files.len(),
        worst.0 as f64 / f64::from(1 << 20),
        worst.1,
        worst_overhead.0 as f64 / f64::from(1 << 20),
        worst_overhead.1
    );
    assert!(
        over.is_empty(),
        "over the per-file bound (4 bytes per declared pixel + {CORPUS_OVERHEAD}):\n{}",
        over.join("\n")
    );
}

fn bombs_stay_within_the_allocation_budget() {
    let engine = Engine::default();
    let request = Request::default();
    let mut cases: Vec<(String, Vec<u8>, &str)> = Vec::new();
    for (name, bytes) in craft::all() {
        cases.push((name.to_string(), bytes.clone(), "w-300,h-300,f-jpg"));
        cases.push((name.to_string(), bytes, "w-4,f-png,md-true"));
    }
    for path in odd::corpus_bombs() {
        let name = path
            .strip_prefix(odd::odd_dir())
            .unwrap_or(&path)
            .display()
            .to_string();
        let bytes = std::fs::read(&path).unwrap();
        cases.push((name, bytes, "w-300,h-300,f-jpg"));
    }
    // Sizes from the transformation string alone, on a 10 × 10 picture.
    let tiny = craft::png(10, 10);
    for t in [
        "w-100000,h-100000",
        "w-65535,h-65535",
        "w-60000,h-60000,cm-pad_resize",
        "w-20000,dpr-5",
        "w-10,b-50000_FF0000",
        "w-60000,h-3,c-force,rt-45",
    ] {
        cases.push((format!("tiny png, {t}"), tiny.clone(), t));
    }

    let mut over = Vec::new();
    for (name, bytes, t) in &cases {
        let (peak, r) = peak_of(|| engine.transform_str(bytes, t, &request));
        let outcome = match &r {
            Ok(o) => format!("Ok {}x{}", o.width, o.height),
            Err(e) => format!("{:?}", e.category()),
        };
        println!(
            "{:>8.1} MiB  {name} [{t}] → {outcome}",
            peak as f64 / (1 << 20) as f64
        );
        if peak > BUDGET {
            over.push(format!("{name} [{t}]: {peak} bytes ({outcome})"));
        }
    }
    assert!(
        over.is_empty(),
        "over the {BUDGET}-byte budget:\n{}",
        over.join("\n")
    );
}
