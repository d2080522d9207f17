//! `pixform`: the command-line tool.
//!
//! ```text
//! pixform                                         demo: bundled sample → ./pixform-demo/
//! pixform INPUT TRANSFORM OUTPUT [--accept HDR]   transform a file, print one JSON line
//! pixform sniff INPUT                             what the bytes are, as JSON
//! pixform canon TRANSFORM                         the canonical form of a transformation
//! ```
//!
//! The output format is `f-…` if given (`f-auto` uses `--accept`), else OUTPUT's extension,
//! else the input's format. Exit codes: 0 ok · 1 I/O or other · 2 invalid transformation ·
//! 3 unsupported or undecodable input · 4 limit exceeded · 5 encode failure.
//! `PIXFORM_THREADS=N` sets `Config::threads` (default 0: one per core; 1: one thread).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use pixform::engine::OutputFormat;
use pixform::{Config, Engine, Error, Request, Transform};

/// The bundled CC0 sample (see examples/data/README.md).
const SAMPLE: &[u8] = include_bytes!("data/seeding-cc0-1600x900.jpg");

/// A failure and the exit code it maps to.
struct Failure {
    code: u8,
    message: String,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure {
            code: u8::try_from(e.exit_code()).unwrap_or(1),
            message: e.to_string(),
        }
    }
}

fn io_failure(path: &Path, e: std::io::Error) -> Failure {
    Failure {
        code: 1,
        message: format!("{}: {e}", path.display()),
    }
}

fn usage() -> Failure {
    Failure {
        code: 1,
        message: "usage: pixform [INPUT TRANSFORM OUTPUT [--accept HEADER] | sniff INPUT | canon TRANSFORM]".into(),
    }
}

fn main() -> ExitCode {
    heap::tune_for_one_request();
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Some decoders assert on corrupt data; pixform catches those panics and returns a
    // typed error, but the default hook would still print a backtrace before that. The tool
    // promises one line on stderr, so panics stay quiet (set PIXFORM_PANIC_TRACE to see them).
    if std::env::var_os("PIXFORM_PANIC_TRACE").is_none() {
        std::panic::set_hook(Box::new(|_| {}));
    }
    // The library never panics on input; this is a last line of defence so the tool's
    // exit-code contract holds even for a bug.
    let result = std::panic::catch_unwind(|| run(&args)).unwrap_or_else(|_| {
        Err(Failure {
            code: 1,
            message: "internal error (panic); please report it".into(),
        })
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("pixform: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

fn run(args: &[String]) -> Result<(), Failure> {
    match args {
        [] => demo(),
        [cmd, input] if cmd == "sniff" => sniff(Path::new(input)),
        [cmd, transform] if cmd == "canon" => canon(transform),
        [input, transform, output] => convert(Path::new(input), transform, Path::new(output), None),
        [input, transform, output, flag, accept] if flag == "--accept" => {
            convert(Path::new(input), transform, Path::new(output), Some(accept))
        }
        _ => Err(usage()),
    }
}

fn sniff(input: &Path) -> Result<(), Failure> {
    let bytes = std::fs::read(input).map_err(|e| io_failure(input, e))?;
    match pixform::sniff::sniff(&bytes) {
        Some(m) => println!("{}", m.to_json()),
        None => println!("{}", pixform::sniff::unknown_json()),
    }
    Ok(())
}

fn canon(transform: &str) -> Result<(), Failure> {
    let engine = Engine::default();
    let t = engine.parse(transform)?;
    println!("{t}");
    Ok(())
}

fn format_for_extension(path: &Path) -> Option<OutputFormat> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "jpg" | "jpeg" | "jpe" | "jfif" => OutputFormat::Jpeg,
        "png" => OutputFormat::Png,
        "webp" => OutputFormat::Webp,
        "avif" => OutputFormat::Avif,
        "gif" => OutputFormat::Gif,
        _ => return None,
    })
}

fn convert(
    input: &Path,
    transform: &str,
    output: &Path,
    accept: Option<&str>,
) -> Result<(), Failure> {
    let mut config = Config::default();
    if let Some(n) = std::env::var("PIXFORM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        config.threads = n;
    }
    // The engine first: it starts its helper thread, which gets going while the file is read.
    let probe = Engine::new(config.clone());
    let bytes = std::fs::read(input).map_err(|e| io_failure(input, e))?;
    let t = probe.parse(transform)?;
    let mut request = Request::default();
    // Without `f`, OUTPUT's extension decides; with neither, the input's format is kept.
    match format_for_extension(output) {
        Some(f) => request = request.format(f),
        None => config.auto_format = false,
    }
    let engine = Engine::new(config);
    if let Some(a) = accept {
        request = request.accept(a);
    }
    let out = engine.transform(&bytes, &t, &request)?;
    std::fs::write(output, &out.bytes).map_err(|e| io_failure(output, e))?;
    println!("{}", out.to_json());
    Ok(())
}

/// Representative transformations shown by the demo: (name, transformation, Accept).
const DEMO: &[(&str, &str, Option<&str>)] = &[
    ("thumb-fit", "w-300,h-300,c-at_max", None),
    ("square-crop", "w-400,h-400", None),
    ("pad-resize", "w-500,h-500,cm-pad_resize,bg-F3F0E8", None),
    (
        "extract-corner",
        "w-600,h-300,cm-extract,fo-bottom_right",
        None,
    ),
    (
        "webp-for-chrome",
        "w-800,f-auto",
        Some("image/avif,image/webp,*/*"),
    ),
    ("rotate-grayscale", "w-480:rt-90,e-grayscale", None),
    ("rounded-border", "w-400,h-400,r-max,f-png:b-8_FFFFFF", None),
    ("progressive-q60", "w-1000,q-60,pr-true", None),
    ("blur-lqip", "w-64,bl-6,q-50", None),
];

fn demo() -> Result<(), Failure> {
    let dir = PathBuf::from("pixform-demo");
    std::fs::create_dir_all(&dir).map_err(|e| io_failure(&dir, e))?;
    let engine = Engine::default();
    println!(
        "pixform {} — demo on the bundled 1600x900 CC0 photo",
        env!("CARGO_PKG_VERSION")
    );
    println!(
        "{:<18} {:<40} {:>10} {:>6} {:>9} {:>8}",
        "name", "transformation", "size", "format", "bytes", "ms"
    );
    for (name, transform, accept) in DEMO {
        let t: Transform = engine.parse(transform)?;
        let mut request = Request::default();
        if let Some(a) = accept {
            request = request.accept(*a);
        }
        let start = Instant::now();
        let out = engine.transform(SAMPLE, &t, &request)?;
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let path = dir.join(format!("{name}.{}", out.format.extension()));
        std::fs::write(&path, &out.bytes).map_err(|e| io_failure(&path, e))?;
        println!(
            "{:<18} {:<40} {:>10} {:>6} {:>9} {:>8.1}",
            name,
            t.to_string(),
            format!("{}x{}", out.width, out.height),
            out.format.extension(),
            out.bytes.len(),
            ms
        );
    }
    println!("outputs written to ./{}/", dir.display());
    Ok(())
}

/// Allocator tuning for a process that serves one request and exits.
///
/// glibc's defaults suit long-running servers: every buffer above 128 KiB is a fresh `mmap`
/// returned to the kernel on free, and the heap grows 128 KiB at a time. A thumbnail request
/// allocates a few such buffers in a row (input, scaled decode, resize, encoder), so nearly
/// every page it writes is a first touch — a page fault, ~800 per request on the shared
/// photos, a third of the run time of a small one. Here the large buffers come from the heap
/// instead (freed ones are reused), the heap grows in one step, and that step is marked for
/// transparent huge pages (honoured when the kernel's THP mode is `always` or `madvise`),
/// so a request touches a few 2 MiB pages instead of hundreds of 4 KiB ones. The library
/// itself leaves allocation to its host; this is the command-line tool's choice
/// (`PIXFORM_MALLOC_DEFAULTS` set keeps glibc's defaults, for comparison).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod heap {
    /// Heap growth reserved at once, and the largest allocation served from the heap
    /// (glibc caps the mmap threshold at 32 MiB on 64-bit).
    const POOL: usize = 32 << 20;
    /// Transparent huge page size on x86-64 and aarch64 (4 KiB base pages).
    const HUGE: usize = 2 << 20;

    pub(super) fn tune_for_one_request() {
        if std::env::var_os("PIXFORM_MALLOC_DEFAULTS").is_some() {
            return;
        }
        // SAFETY: mallopt, sbrk(0), malloc/free and madvise are called before any other
        // thread exists; madvise only advises on pages of our own heap mapping (a range
        // inside [start, end) of the program break) and changes no contents.
        unsafe {
            let pool = POOL as libc::c_int;
            libc::mallopt(libc::M_ARENA_MAX, 1);
            libc::mallopt(libc::M_MMAP_THRESHOLD, pool);
            libc::mallopt(libc::M_TRIM_THRESHOLD, 2 * pool);
            libc::mallopt(libc::M_TOP_PAD, pool);
            // The heap grows from the current break; huge pages only fit from the next
            // 2 MiB boundary on. A filler allocation takes the space up to it, so the
            // request's buffers land in the huge-page part. The filler is never freed and
            // never written (malloc writes only its header), so it costs no memory. Being
            // the first allocation past the pool threshold settings, it also grows the heap
            // by the whole pool now, in one piece.
            let start = libc::sbrk(0) as usize;
            // (At least 256 KiB past the break, so the filler alone grows the heap.)
            let from = (start + (256 << 10)).next_multiple_of(HUGE);
            let filler = std::hint::black_box(libc::malloc(from - start));
            let end = libc::sbrk(0) as usize;
            if !filler.is_null() && end > from + HUGE {
                libc::madvise(from as *mut libc::c_void, end - from, libc::MADV_HUGEPAGE);
            }
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod heap {
    /// Other platforms keep their allocator's defaults.
    pub(super) fn tune_for_one_request() {}
}
