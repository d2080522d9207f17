//! Criterion bench of `ops::resize` (Lanczos3) on the hot path of every thumbnail.
//!
//! Ids: `resize/<input>/<width>`. Inputs: `gulp-alpha` (the corpus PNG, 1920×1200 RGBA, so the
//! premultiplied path runs) and `gradient-rgb` (synthetic 4000×3000 RGB). Each goes to 300 px
//! and 1200 px wide, height by aspect ratio.
//!
//! `resize_rows/gradient-rgb/<width>`: the same RGB resizes through `ops::RowResizer`, fed 64
//! rows at a time as the JPEG decoder feeds it (the copy into its window is part of the time).
//!
//! `resize_linear/<input>/<width>`: the `resize` cases with `linear_light` (16-bit linear
//! intermediate, `Config::linear_light`), to read against `resize/…` of the same id.
//!
//! `resize_16bit/<input>/<width>`: the `resize` cases on the same pictures widened to 16
//! bits (`ops::deep::resize`, what a 16-bit PNG to 16-bit PNG request runs).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use pixform::ops::{resize, Filter, ResizeParams, RowResizer};
use pixform::{Frame, Frame16, PixelLayout};

fn corpus_png() -> Option<Frame> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/photos/gulp-alpha-1920x1200.png"
    );
    let bytes = std::fs::read(path).ok()?;
    let img = image::load_from_memory(&bytes).ok()?.to_rgba8();
    let (w, h) = img.dimensions();
    Frame::new(w, h, PixelLayout::Rgba8, img.into_raw()).ok()
}

fn gradient_rgb(w: u32, h: u32) -> Frame {
    let mut data = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            data.extend_from_slice(&[
                (x * 255 / w) as u8,
                (y * 255 / h) as u8,
                ((x + y) % 256) as u8,
            ]);
        }
    }
    Frame::new(w, h, PixelLayout::Rgb8, data).expect("gradient frame")
}

fn bench(c: &mut Criterion) {
    // The last one is what a 1/4-scale decode of a 1920x1280 photo hands a thumbnail.
    let mut inputs = vec![
        ("gradient-rgb", gradient_rgb(4000, 3000)),
        ("quarter-rgb", gradient_rgb(480, 320)),
    ];
    match corpus_png() {
        Some(f) => inputs.insert(0, ("gulp-alpha", f)),
        None => eprintln!("corpus PNG not found: skipping resize/gulp-alpha"),
    }
    let mut group = c.benchmark_group("resize");
    group.sample_size(20);
    for (name, frame) in &inputs {
        for p in downscales(frame) {
            group.bench_with_input(BenchmarkId::new(*name, p.width), frame, |b, f| {
                b.iter(|| resize(std::hint::black_box(f), &p).expect("resize"))
            });
        }
    }
    group.finish();

    let mut group = c.benchmark_group("resize_linear");
    group.sample_size(10);
    for (name, frame) in &inputs {
        for p in downscales(frame) {
            let p = ResizeParams {
                linear_light: true,
                ..p
            };
            group.bench_with_input(BenchmarkId::new(*name, p.width), frame, |b, f| {
                b.iter(|| resize(std::hint::black_box(f), &p).expect("resize"))
            });
        }
    }
    group.finish();

    let mut group = c.benchmark_group("resize_16bit");
    group.sample_size(10);
    for (name, frame) in &inputs {
        let deep = Frame16::from_frame(frame);
        for p in downscales(frame) {
            group.bench_with_input(BenchmarkId::new(*name, p.width), &deep, |b, f| {
                b.iter(|| pixform::ops::deep::resize(std::hint::black_box(f), &p).expect("resize"))
            });
        }
    }
    group.finish();

    let (name, frame) = ("gradient-rgb", gradient_rgb(4000, 3000));
    let mut group = c.benchmark_group("resize_rows");
    group.sample_size(20);
    for width in [300u32, 1200] {
        let p = ResizeParams {
            width,
            height: width * 3 / 4,
            filter: Filter::Lanczos3,
            source: None,
            linear_light: false,
        };
        group.bench_with_input(BenchmarkId::new(name, width), &frame, |b, f| {
            b.iter(|| fed(std::hint::black_box(f), &p))
        });
    }
    group.finish();
}

/// The height that keeps `frame`'s aspect ratio at `width` (rounded, at least 1).
/// The `resize` cases of `frame`: Lanczos3 to 300 and 1200 px wide, height by aspect
/// ratio, downscales only.
fn downscales(frame: &Frame) -> impl Iterator<Item = ResizeParams> + '_ {
    [300u32, 1200]
        .into_iter()
        .filter(|&width| width < frame.width())
        .map(|width| ResizeParams {
            width,
            height: height_for(frame, width),
            filter: Filter::Lanczos3,
            ..ResizeParams::default()
        })
}

fn height_for(frame: &Frame, width: u32) -> u32 {
    let (w, h) = (u64::from(frame.width()), u64::from(frame.height()));
    ((h * u64::from(width) + w / 2) / w).max(1) as u32
}

/// `f` through a [`RowResizer`], at most 64 rows per call.
fn fed(f: &Frame, p: &ResizeParams) -> Frame {
    let mut r = RowResizer::new(f.width(), f.height(), f.layout(), p)
        .expect("params")
        .expect("RGB streams");
    let stride = f.stride();
    for rows in f.data().chunks(stride * 64) {
        let mut rows = rows;
        while !rows.is_empty() {
            let room = r.space().expect("room");
            let n = room.len().min(rows.len());
            room[..n].copy_from_slice(&rows[..n]);
            r.filled(n / stride).expect("filled");
            rows = &rows[n..];
        }
    }
    r.finish().expect("finish")
}

criterion_group!(benches, bench);
criterion_main!(benches);
