//! Decoder timings on the real photos of `../shared/corpus/photos` (run from the crate root).
//!
//! Ids are `<stage>/<input>/<size>`, the size being what the stage produced:
//! - `decode/<photo>/<W×H>`: [`pixform::codec::decode::decode`] at full size, and again with
//!   shrink-on-load to at least 300×300 (`DecodeOptions { min_size: Some((300, 300)) }`; JPEG
//!   only — the PNG has no shrink-on-load and is timed once);
//! - `decode_dc/<photo>/<W×H>`: [`pixform::codec::jpeg_dc::decode_dc`], the DC-only 1/8
//!   image, on each JPEG.
//!
//! - `decode_modern/<file>/<W×H>`: the decoders added for phones and the web, on files of
//!   `../shared/corpus/odd` and `tests/fixtures`: a 3024×4032 phone AVIF (full size, and
//!   shrunk on load for a 300×300 thumbnail: planes averaged by 8), a 320×213 lossy JPEG XL,
//!   the libvips logo SVG rendered at its own 736×552 and at 1600 px wide, and with the
//!   `heic` feature a 1280×854 HEIC (full size and shrunk on load).
//!
//! `sample_size(10)` with flat sampling and a short measurement time keep a full run to a
//! few minutes on 2 cores. No assertions: a photo that fails to decode is reported on stderr
//! and skipped.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use pixform::codec::decode::{decode, DecodeLimits, DecodeOptions, InputFormat};
use pixform::codec::jpeg_dc::decode_dc;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

const CORPUS: &str = "../shared/corpus/photos";

/// (short name, format, bytes) of every JPEG and PNG in the corpus, sorted by name.
fn photos() -> Vec<(String, InputFormat, Vec<u8>)> {
    let mut paths: Vec<_> = std::fs::read_dir(CORPUS)
        .expect("corpus photos (run from the crate root)")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let format = match p.extension()?.to_str()? {
                "jpg" => InputFormat::Jpeg,
                "png" => InputFormat::Png,
                _ => return None,
            };
            let bytes = std::fs::read(&p).ok()?;
            Some((short_name(&p), format, bytes))
        })
        .collect()
}

/// `kleiber-nuthatch-6028x3391.jpg` → `kleiber-nuthatch`.
fn short_name(p: &Path) -> String {
    let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("?");
    match stem.rsplit_once('-') {
        Some((head, dims))
            if dims.contains('x') && dims.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            head.to_string()
        }
        _ => stem.to_string(),
    }
}

fn decoders(c: &mut Criterion) {
    let limits = DecodeLimits::default();
    let mut g = c.benchmark_group("decode");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for (name, format, bytes) in &photos() {
        let full = DecodeOptions::default();
        let shrunk = DecodeOptions {
            min_size: Some((300, 300)),
            ..DecodeOptions::default()
        };
        let variants: &[DecodeOptions] = if *format == InputFormat::Jpeg {
            &[full, shrunk]
        } else {
            &[full]
        };
        for opts in variants {
            let size = match decode(bytes, *format, opts, &limits) {
                Ok(d) => format!("{}x{}", d.frame.width(), d.frame.height()),
                Err(e) => {
                    eprintln!("decode/{name}: skipped ({e})");
                    continue;
                }
            };
            g.bench_with_input(BenchmarkId::new(name.as_str(), size), opts, |b, o| {
                b.iter(|| decode(black_box(bytes), *format, o, &limits))
            });
        }
    }
    g.finish();

    let mut g = c.benchmark_group("decode_dc");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for (name, format, bytes) in &photos() {
        if *format != InputFormat::Jpeg {
            continue;
        }
        let size = match decode_dc(bytes, limits.max_pixels) {
            Ok(Some(d)) => format!("{}x{}", d.frame.width(), d.frame.height()),
            Ok(None) => {
                eprintln!("decode_dc/{name}: not handled by the DC path");
                continue;
            }
            Err(e) => {
                eprintln!("decode_dc/{name}: skipped ({e})");
                continue;
            }
        };
        g.bench_function(BenchmarkId::new(name.as_str(), size), |b| {
            b.iter(|| decode_dc(black_box(bytes), limits.max_pixels))
        });
    }
    g.finish();
}

/// The AVIF, JPEG XL, SVG (and HEIC) decoders, each at the sizes a request meets.
fn modern(c: &mut Criterion) {
    let limits = DecodeLimits::default();
    let odd = Path::new("../shared/corpus/odd");
    let svg_wide = DecodeOptions {
        render_size: Some((1600, 1200)),
        ..DecodeOptions::default()
    };
    let thumbnail = DecodeOptions {
        min_size: Some((300, 300)),
        ..DecodeOptions::default()
    };
    let mut inputs = vec![
        (
            odd.join("avif/libvips--avif-orientation-6.avif"),
            InputFormat::Avif,
            DecodeOptions::default(),
        ),
        (
            odd.join("avif/libvips--avif-orientation-6.avif"),
            InputFormat::Avif,
            thumbnail,
        ),
        (
            Path::new("tests/fixtures/jxl/photo-lossy.jxl").to_path_buf(),
            InputFormat::Jxl,
            DecodeOptions::default(),
        ),
        (
            odd.join("svg/libvips--logo.svg"),
            InputFormat::Svg,
            DecodeOptions::default(),
        ),
        (
            odd.join("svg/libvips--logo.svg"),
            InputFormat::Svg,
            svg_wide,
        ),
    ];
    if cfg!(feature = "heic") {
        inputs.push((
            odd.join("heic/libheif--example.heic"),
            InputFormat::Heic,
            DecodeOptions::default(),
        ));
        inputs.push((
            odd.join("heic/libheif--example.heic"),
            InputFormat::Heic,
            thumbnail,
        ));
    }
    let mut g = c.benchmark_group("decode_modern");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for (path, format, opts) in &inputs {
        let name = short_name(path);
        let Ok(bytes) = std::fs::read(path) else {
            eprintln!("decode_modern/{name}: {} not found", path.display());
            continue;
        };
        let size = match decode(&bytes, *format, opts, &limits) {
            Ok(d) => format!("{}x{}", d.frame.width(), d.frame.height()),
            Err(e) => {
                eprintln!("decode_modern/{name}: skipped ({e})");
                continue;
            }
        };
        g.bench_with_input(BenchmarkId::new(name.as_str(), size), opts, |b, o| {
            b.iter(|| decode(black_box(&bytes), *format, o, &limits))
        });
    }
    g.finish();
}

criterion_group!(benches, decoders, modern);
criterion_main!(benches);
