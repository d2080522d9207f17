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

use pixform::engine::{Config, Engine, Request};
use pixform::spec::{Format, Step, StepParams, Transform};
use pixform::Error;

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

/// Whether any step (branches included) sets `f`.
fn has_format(steps: &[Step]) -> bool {
    steps.iter().any(|s| match s {
        Step::Params(p) => p.format.is_some(),
        Step::If(b) => has_format(&b.then) || b.otherwise.as_deref().is_some_and(has_format),
    })
}

fn format_for_extension(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "jpg" | "jpeg" | "jpe" | "jfif" => Format::Jpeg,
        "png" => Format::Png,
        "webp" => Format::Webp,
        "avif" => Format::Avif,
        "gif" => Format::Gif,
        _ => return None,
    })
}

fn convert(
    input: &Path,
    transform: &str,
    output: &Path,
    accept: Option<&str>,
) -> Result<(), Failure> {
    let bytes = std::fs::read(input).map_err(|e| io_failure(input, e))?;
    let mut config = Config::default();
    if let Some(n) = std::env::var("PIXFORM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        config.threads = n;
    }
    let probe = Engine::new(config.clone());
    let mut t = probe.parse(transform)?;
    if !has_format(&t.steps) {
        match format_for_extension(output) {
            Some(f) => t.steps.push(Step::Params(Box::new(StepParams {
                format: Some(f),
                ..StepParams::default()
            }))),
            // Neither `f` nor a known extension: keep the input's format.
            None => config.auto_format = false,
        }
    }
    let engine = Engine::new(config);
    let mut request = Request::default();
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
