//! Batch throughput: many requests through one [`Engine`] on one worker thread against two
//! (the engine is `Sync`; a host runs one request per core). Each request is limited to one
//! thread (`Config::threads = 1`) so the comparison measures scaling across requests, not
//! inside one.
//!
//! The batch: every JPEG of `../shared/corpus/photos` through `thumb300` and `crop300`
//! (14 requests). Ids are `batch/<task>/<workers>`; the throughput ratio is the 1-worker
//! time over the 2-worker time (the target is ≥ 1.8× on two cores). Run from the crate root.
//!
//! `batch_default/<task>/<workers>` runs the same batch with the default `Config::threads`
//! (0: a request may borrow a pool helper): one worker then gains from the helper, and two
//! workers should lose nothing to it — the cores are busy, so helpers must stand aside.

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use criterion::{
    criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use pixform::engine::{Config, Engine, Request};
use pixform::spec::Transform;

const DIR: &str = "../shared/corpus/photos";

/// Runs every `(input, transformation)` job once, spread over `workers` threads pulling
/// from a shared counter.
fn run_batch(engine: &Engine, jobs: &[(&[u8], &Transform)], workers: usize) {
    let next = AtomicUsize::new(0);
    let request = Request::default();
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((bytes, t)) = jobs.get(i) else { break };
                black_box(engine.transform(bytes, t, &request).map(|o| o.bytes.len()))
                    .expect("benchmark photo transforms");
            });
        }
    });
}

fn batch(c: &mut Criterion) {
    for threads in [1usize, 0] {
        run_group(c, threads);
    }
}

/// The batch through an engine whose requests may use `threads` threads.
fn run_group(c: &mut Criterion, threads: usize) {
    let mut config = Config::default();
    config.threads = threads;
    let engine = Engine::new(config);
    let group = if threads == 1 {
        "batch"
    } else {
        "batch_default"
    };
    let mut inputs: Vec<Vec<u8>> = std::fs::read_dir(DIR)
        .expect("corpus photos (run from the crate root)")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jpg"))
        .map(|p| std::fs::read(p).expect("readable photo"))
        .collect();
    inputs.sort();
    let tasks = [
        ("thumb300", "w-300,h-300,c-at_max,q-80,f-jpg"),
        ("crop300", "w-300,h-300,q-80,f-jpg"),
    ];
    for (task, text) in tasks {
        let t = engine.parse(text).expect("benchmark transformation parses");
        // Twice over, so the two workers' last jobs overlap less at the end of a batch.
        let jobs: Vec<(&[u8], &Transform)> = inputs
            .iter()
            .chain(inputs.iter())
            .map(|b| (b.as_slice(), &t))
            .collect();
        let mut g = c.benchmark_group(format!("{group}/{task}"));
        g.sample_size(10)
            .sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(8))
            .throughput(Throughput::Elements(jobs.len() as u64));
        for workers in [1usize, 2] {
            g.bench_function(BenchmarkId::from_parameter(workers), |b| {
                b.iter(|| run_batch(&engine, &jobs, workers))
            });
        }
        g.finish();
    }
}

criterion_group!(benches, batch);
criterion_main!(benches);
