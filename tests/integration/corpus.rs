//! Integration tests: corpus. Every file of `../shared/corpus/odd` goes through `sniff` and
//! the whole pipeline (`w-300,h-300` to WebP and to JPEG) with a default engine; each run
//! must end in `Ok` or a typed, input-caused error, and never panic.
//!
//! Run it with `cargo test --release --test integration corpus::` to see the summary
//! (counts per outcome, slowest file) with `-- --nocapture`.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use super::odd::{files_under, odd_dir};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use pixform::engine::{Engine, Request};
use pixform::spec::Transform;
use pixform::{Category, Error};

/// The bound for one file (sniff + both transformations), in a release build; a
/// debug build is allowed ten times as long.
const PER_FILE_LIMIT: Duration = if cfg!(debug_assertions) {
    Duration::from_secs(50)
} else {
    Duration::from_secs(5)
};

/// Threads the corpus is split across (the CI machines have two cores).
const THREADS: usize = 2;

/// The categories an input (as opposed to a caller) can cause.
fn input_caused(c: Category) -> bool {
    matches!(
        c,
        Category::UnsupportedMedia
            | Category::Undecodable
            | Category::LimitExceeded
            | Category::InvalidTransform
            | Category::Encode
    )
}

/// What happened to one file in one run.
#[derive(Debug)]
enum Outcome {
    Ok,
    Err(Error),
    Panic(String),
}

fn outcome<T>(r: std::thread::Result<Result<T, Error>>) -> Outcome {
    match r {
        Ok(Ok(_)) => Outcome::Ok,
        Ok(Err(e)) => Outcome::Err(e),
        Err(p) => Outcome::Panic(
            p.downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "non-string panic".into()),
        ),
    }
}

fn label(o: &Outcome) -> String {
    match o {
        Outcome::Ok => "ok".into(),
        Outcome::Err(e) => format!("{:?}", e.category()),
        Outcome::Panic(_) => "PANIC".into(),
    }
}

struct FileResult {
    name: String,
    /// What sniff said of `decodable` (None: not recognised or sniff panicked).
    decodable: Option<bool>,
    runs: Vec<(&'static str, Outcome)>,
    time: Duration,
}

fn run_file(engine: &Engine, transforms: &[(&'static str, Transform)], path: &Path) -> FileResult {
    let name = path
        .strip_prefix(odd_dir())
        .unwrap_or(path)
        .display()
        .to_string();
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let start = Instant::now();
    let mut runs = Vec::new();
    let sniffed = catch_unwind(AssertUnwindSafe(|| pixform::sniff::sniff(&bytes)));
    let decodable = sniffed.as_ref().ok().and_then(|m| m.map(|m| m.decodable));
    runs.push((
        "sniff",
        match sniffed {
            Ok(_) => Outcome::Ok,
            Err(_) => Outcome::Panic("sniff panicked".into()),
        },
    ));
    for (what, t) in transforms {
        let r = catch_unwind(AssertUnwindSafe(|| {
            engine.transform(&bytes, t, &Request::default())
        }));
        // An `Ok` must be what was asked for: the format, and at most 300 px a side.
        if let Ok(Ok(out)) = &r {
            let mime = format!("image/{what}");
            assert!(
                out.mime() == mime && out.width <= 300 && out.height <= 300,
                "{name} [{what}]: {}x{} {}",
                out.width,
                out.height,
                out.mime()
            );
        }
        runs.push((what, outcome(r)));
    }
    FileResult {
        name,
        decodable,
        runs,
        time: start.elapsed(),
    }
}

#[test]
fn every_odd_file_transforms_or_fails_typed() {
    let files = files_under(&odd_dir());
    assert!(
        files.len() > 100,
        "the odd corpus is missing or nearly empty ({} files under {})",
        files.len(),
        odd_dir().display()
    );
    let engine = Engine::default();
    let transforms: Vec<(&'static str, Transform)> = [
        ("webp", "w-300,h-300,f-webp"),
        ("jpeg", "w-300,h-300,f-jpg"),
    ]
    .into_iter()
    .map(|(what, s)| (what, engine.parse(s).unwrap()))
    .collect();

    let started = Instant::now();
    let next = Mutex::new(0usize);
    let results = Mutex::new(Vec::with_capacity(files.len()));
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| loop {
                let i = {
                    let mut n = next.lock().unwrap();
                    let i = *n;
                    *n += 1;
                    i
                };
                let Some(path) = files.get(i) else { break };
                let r = run_file(&engine, &transforms, path);
                results.lock().unwrap().push(r);
            });
        }
    });
    let results = results.into_inner().unwrap();
    assert_eq!(results.len(), files.len());

    // Sniff's `decodable` and the engine read one table: a kind sniff calls decodable is
    // never refused as unsupported media, and one it does not is always refused so.
    let disagree: Vec<String> = results
        .iter()
        .flat_map(|r| r.runs.iter().skip(1).map(move |(what, o)| (r, what, o)))
        .filter(|(r, _, o)| {
            let unsupported =
                matches!(o, Outcome::Err(e) if e.category() == Category::UnsupportedMedia);
            match r.decodable {
                Some(true) => unsupported,
                Some(false) | None => !unsupported,
            }
        })
        .map(|(r, what, o)| {
            format!(
                "{} [{what}] decodable={:?}: {}",
                r.name,
                r.decodable,
                label(o)
            )
        })
        .collect();
    assert!(
        disagree.is_empty(),
        "sniff's decodable and the engine disagree on {} run(s):\n{}",
        disagree.len(),
        disagree.join("\n")
    );

    let mut counts: BTreeMap<(&str, String), usize> = BTreeMap::new();
    let mut panics = Vec::new();
    let mut wrong = Vec::new();
    for r in &results {
        for (what, o) in &r.runs {
            *counts.entry((what, label(o))).or_default() += 1;
            match o {
                Outcome::Panic(m) => panics.push(format!("{} [{what}]: {m}", r.name)),
                Outcome::Err(e) if !input_caused(e.category()) => {
                    wrong.push(format!("{} [{what}]: {e:?}", r.name))
                }
                _ => {}
            }
        }
    }
    let mut by_time: Vec<&FileResult> = results.iter().collect();
    by_time.sort_by_key(|r| std::cmp::Reverse(r.time));
    println!(
        "odd corpus: {} files in {:.2?} on {THREADS} threads",
        results.len(),
        started.elapsed()
    );
    for ((what, l), n) in &counts {
        println!("  {what:5} {l:18} {n}");
    }
    for r in by_time.iter().take(5) {
        println!("  slow: {:>9.2?} {}", r.time, r.name);
    }
    // A hang guard, not a benchmark: the slowest file takes tens of milliseconds in release.
    let slow: Vec<String> = results
        .iter()
        .filter(|r| r.time > PER_FILE_LIMIT)
        .map(|r| format!("{}: {:.2?}", r.name, r.time))
        .collect();
    assert!(
        slow.is_empty(),
        "over {PER_FILE_LIMIT:?} per file:\n{}",
        slow.join("\n")
    );
    assert!(
        panics.is_empty(),
        "{} run(s) panicked:\n{}",
        panics.len(),
        panics.join("\n")
    );
    assert!(
        wrong.is_empty(),
        "{} run(s) ended in a category no input may cause:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // A pipeline that refused everything would pass the checks above: in each folder of a
    // format pixform decodes, some file must really come out as both WebP and JPEG.
    for dir in ["png", "jpeg", "gif", "webp", "bmp", "tiff", "ico"] {
        let ok = results
            .iter()
            .filter(|r| r.name.starts_with(&format!("{dir}/")))
            .filter(|r| r.runs.iter().all(|(_, o)| matches!(o, Outcome::Ok)))
            .count();
        assert!(ok > 0, "no file in odd/{dir} transforms");
    }
}
