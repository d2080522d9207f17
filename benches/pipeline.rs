//! Whole-request timings: [`pixform::engine::Engine::transform`] (sniff, header, decode with
//! shrink-on-load, resize/crop, encode) in-process, on three corpus photos.
//!
//! Ids are `<task>/<input>/<output W×H>`, the tasks being those of `bench/compare.py`:
//! - `thumb300`: `w-300,h-300,c-at_max,q-80,f-jpg` (fit inside 300×300, JPEG q80);
//! - `webp1200`: `w-1200,q-80,f-webp` (1200 px wide, WebP q80);
//! - `crop300`: `w-300,h-300,q-80,f-jpg` (fill 300×300 + centre crop, JPEG q80).
//!
//! Inputs: `storm` (1920×1280 baseline), `wine-portrait` (2560×3837 progressive) and
//! `kleiber-nuthatch` (6028×3391 baseline). Run from the crate root. No assertions.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use pixform::engine::{Engine, Request};
use std::hint::black_box;
use std::time::Duration;

const PHOTOS: &[(&str, &str)] = &[
    ("storm", "../shared/corpus/photos/storm-1920x1280.jpg"),
    (
        "wine-portrait",
        "../shared/corpus/photos/wine-portrait-2560x3837.jpg",
    ),
    (
        "kleiber-nuthatch",
        "../shared/corpus/photos/kleiber-nuthatch-6028x3391.jpg",
    ),
];

const TASKS: &[(&str, &str)] = &[
    ("thumb300", "w-300,h-300,c-at_max,q-80,f-jpg"),
    ("webp1200", "w-1200,q-80,f-webp"),
    ("crop300", "w-300,h-300,q-80,f-jpg"),
];

fn pipeline(c: &mut Criterion) {
    let engine = Engine::default();
    let request = Request::default();
    let inputs: Vec<(&str, Vec<u8>)> = PHOTOS
        .iter()
        .map(|(name, path)| {
            let bytes = std::fs::read(path).expect("corpus photo (run from the crate root)");
            (*name, bytes)
        })
        .collect();
    for (task, transform) in TASKS {
        let t = engine
            .parse(transform)
            .expect("benchmark transformation parses");
        let mut g = c.benchmark_group(*task);
        g.sample_size(10)
            .sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(3));
        for (name, bytes) in &inputs {
            let size = match engine.transform(bytes, &t, &request) {
                Ok(out) => format!("{}x{}", out.width, out.height),
                Err(e) => {
                    eprintln!("{task}/{name}: skipped ({e})");
                    continue;
                }
            };
            g.bench_function(BenchmarkId::new(*name, size), |b| {
                b.iter(|| engine.transform(black_box(bytes), &t, &request))
            });
        }
        g.finish();
    }
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
