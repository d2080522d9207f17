//! DC-only 1/8-scale decode (`pixform::codec::jpeg_dc`) against mozjpeg's own 1/8 decode,
//! and the baseline 1/4-scale decode against mozjpeg's 1/4, on every JPEG of
//! `../shared/corpus/photos` (the 1/4 pair only on the baseline ones). The `_2t` entries
//! are the same decodes with two threads (`ScaledOptions::threads = 2`: baseline scans are
//! split, a helper decoding the second half speculatively).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use pixform::codec::jpeg_dc::{decode_dc_with, decode_quarter_with, ScaledOptions};

fn photos() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/photos");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
                .filter_map(|p| {
                    let name = p.file_stem()?.to_string_lossy().to_string();
                    Some((name, std::fs::read(&p).ok()?))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn mozjpeg_scaled(bytes: &[u8], eighths: u8) -> usize {
    std::panic::catch_unwind(|| {
        let mut d = mozjpeg::Decompress::new_mem(bytes).ok()?;
        d.scale(eighths);
        let mut s = d.rgb().ok()?;
        let px: Vec<u8> = s.read_scanlines().ok()?;
        Some(px.len())
    })
    .ok()
    .flatten()
    .unwrap_or(0)
}

fn bench(c: &mut Criterion) {
    for (name, bytes) in photos() {
        c.bench_function(&format!("jpeg_dc/{name}"), |b| {
            b.iter(|| {
                let img = pixform::codec::jpeg_dc::decode_dc(black_box(&bytes), u64::MAX);
                black_box(img.map(|i| i.map(|i| i.frame.data().len())).ok())
            })
        });
        c.bench_function(&format!("jpeg_mozjpeg_1_8/{name}"), |b| {
            b.iter(|| black_box(mozjpeg_scaled(black_box(&bytes), 1)))
        });
        let quarter = |bytes: &[u8], threads: usize| {
            let options = ScaledOptions {
                max_pixels: u64::MAX,
                threads,
            };
            decode_quarter_with(bytes, &options)
                .ok()
                .flatten()
                .map(|i| i.frame.data().len())
        };
        if quarter(&bytes, 1).is_some() {
            let two = ScaledOptions {
                max_pixels: u64::MAX,
                threads: 2,
            };
            c.bench_function(&format!("jpeg_dc_2t/{name}"), |b| {
                b.iter(|| {
                    let img = decode_dc_with(black_box(&bytes), &two);
                    black_box(img.map(|i| i.map(|i| i.frame.data().len())).ok())
                })
            });
            c.bench_function(&format!("jpeg_quarter/{name}"), |b| {
                b.iter(|| black_box(quarter(black_box(&bytes), 1)))
            });
            c.bench_function(&format!("jpeg_quarter_2t/{name}"), |b| {
                b.iter(|| black_box(quarter(black_box(&bytes), 2)))
            });
            c.bench_function(&format!("jpeg_mozjpeg_1_4/{name}"), |b| {
                b.iter(|| black_box(mozjpeg_scaled(black_box(&bytes), 2)))
            });
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
