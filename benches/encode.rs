//! Encoder timings on a 1200×900 crop of a corpus photo.
//!
//! `encode/<format>/1200x900` times [`pixform::codec::encode::encode`] with the engine's
//! default options (q80, 4:2:0 baseline JPEG, PNG `Fast`, WebP method 4, AVIF speed 8).
//! `jpeg_settings/<setting>/1200x900` times the mozjpeg settings that were weighed for the
//! JPEG encoder (the sizes are printed once to stderr). `encode/jpeg` runs pixform's own
//! baseline encoder, which writes exactly the bytes of `jpeg_settings/fastest_optimize`
//! (mozjpeg), so those two compare the encoders on equal output. `webp_alpha/threads_N`
//! times a lossy WebP of the crop with a translucent alpha plane, with and without the
//! helper thread that compresses the plane.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use pixform::codec::encode::{encode, EncodeOptions, OutputFormat};
use pixform::{Frame, PixelLayout};
use std::hint::black_box;
use std::time::Duration;

const PHOTO: &str = "../shared/corpus/photos/dragonfly-4224x3168.jpg";
const SIZE: &str = "1200x900";

/// The photo decoded at 3/8 scale (1584×1188) and cropped to its central 1200×900.
fn photo_crop() -> Frame {
    let bytes = std::fs::read(PHOTO).expect("corpus photo (run from the crate root)");
    let mut d = mozjpeg::Decompress::new_mem(&bytes).expect("JPEG header");
    d.scale(3);
    let mut s = d.rgb().expect("decode");
    let (w, h) = (s.width(), s.height());
    let px: Vec<u8> = s.read_scanlines().expect("scanlines");
    s.finish().expect("finish");
    let (cw, ch) = (1200usize, 900usize);
    let (x0, y0) = ((w - cw) / 2, (h - ch) / 2);
    let mut crop = Vec::with_capacity(cw * ch * 3);
    for y in y0..y0 + ch {
        crop.extend_from_slice(&px[(y * w + x0) * 3..(y * w + x0 + cw) * 3]);
    }
    Frame::new(1200, 900, PixelLayout::Rgb8, crop).expect("frame")
}

fn formats(c: &mut Criterion) {
    let frame = photo_crop();
    let mut g = c.benchmark_group("encode");
    let base = |format| EncodeOptions {
        format,
        ..EncodeOptions::default()
    };
    for (name, opts) in [
        ("jpeg", base(OutputFormat::Jpeg)),
        (
            "jpeg_progressive",
            EncodeOptions {
                progressive: true,
                ..base(OutputFormat::Jpeg)
            },
        ),
        ("png", base(OutputFormat::Png)),
        ("webp", base(OutputFormat::Webp)),
        (
            "webp_lossless",
            EncodeOptions {
                lossless: true,
                ..base(OutputFormat::Webp)
            },
        ),
        ("gif", base(OutputFormat::Gif)),
        ("avif", base(OutputFormat::Avif)),
    ] {
        let format = opts.format;
        match encode(&frame, &opts) {
            Ok(b) => eprintln!("encode/{name}/{SIZE}: {} bytes", b.len()),
            Err(e) => {
                eprintln!("encode/{name}/{SIZE}: skipped ({e})");
                continue;
            }
        }
        if format == OutputFormat::Avif {
            g.sample_size(10).measurement_time(Duration::from_secs(20));
        }
        g.bench_with_input(BenchmarkId::new(name, SIZE), &opts, |b, o| {
            b.iter(|| encode(black_box(&frame), o))
        });
    }
    g.finish();
}

/// The photo crop with a translucent alpha plane: opaque in the middle, fading to fully
/// transparent at the edges, with a ramp across it — the kind of plane whose compression
/// libwebp used to spend more time on than on the colour.
fn photo_crop_translucent() -> Frame {
    let rgb = photo_crop();
    let (w, h) = (rgb.width() as f32, rgb.height() as f32);
    let mut data = Vec::with_capacity(rgb.data().len() / 3 * 4);
    for (i, px) in rgb.data().chunks_exact(3).enumerate() {
        let (x, y) = ((i % 1200) as f32, (i / 1200) as f32);
        let edge = (x.min(w - 1.0 - x).min(y).min(h - 1.0 - y) / 150.0).min(1.0);
        let a = 255.0 * edge * (0.35 + 0.65 * x / w);
        data.extend_from_slice(&[px[0], px[1], px[2], a as u8]);
    }
    Frame::new(1200, 900, PixelLayout::Rgba8, data).expect("frame")
}

/// Lossy WebP with alpha: the plane compressed on a pool helper beside the colour
/// (`threads_0`) and after it on the caller's thread (`threads_1`).
fn webp_alpha(c: &mut Criterion) {
    let frame = photo_crop_translucent();
    let mut g = c.benchmark_group("webp_alpha");
    for threads in [0usize, 1] {
        let opts = EncodeOptions {
            format: OutputFormat::Webp,
            threads,
            ..EncodeOptions::default()
        };
        if let Ok(b) = encode(&frame, &opts) {
            eprintln!("webp_alpha/threads_{threads}/{SIZE}: {} bytes", b.len());
        }
        g.bench_with_input(
            BenchmarkId::new(format!("threads_{threads}"), SIZE),
            &opts,
            |b, o| b.iter(|| encode(black_box(&frame), o)),
        );
    }
    g.finish();
}

/// A tweak applied to a fresh mozjpeg compressor.
type Setup = fn(&mut mozjpeg::Compress);

/// One mozjpeg encode at q80 4:2:0 with the given tweak.
fn mozjpeg_q80(frame: &Frame, setup: Setup) -> Vec<u8> {
    let mut c = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_RGB);
    setup(&mut c);
    c.set_size(frame.width() as usize, frame.height() as usize);
    c.set_quality(80.0);
    c.set_chroma_sampling_pixel_sizes((2, 2), (2, 2));
    let mut s = c.start_compress(Vec::new()).expect("start");
    s.write_scanlines(frame.data()).expect("scanlines");
    s.finish().expect("finish")
}

fn jpeg_settings(c: &mut Criterion) {
    let frame = photo_crop();
    let settings: [(&str, Setup); 5] = [
        ("fastest", |c| c.set_fastest_defaults()),
        ("fastest_optimize", |c| {
            c.set_fastest_defaults();
            c.set_optimize_coding(true);
        }),
        ("fastest_progressive", |c| {
            c.set_fastest_defaults();
            c.set_progressive_mode();
        }),
        ("mozjpeg_baseline_trellis", |c| {
            c.set_optimize_scans(false);
        }),
        ("mozjpeg_defaults", |_| {}),
    ];
    let mut g = c.benchmark_group("jpeg_settings");
    g.sample_size(20);
    for (name, setup) in settings {
        eprintln!(
            "jpeg_settings/{name}/{SIZE}: {} bytes",
            mozjpeg_q80(&frame, setup).len()
        );
        g.bench_function(BenchmarkId::new(name, SIZE), |b| {
            b.iter(|| mozjpeg_q80(black_box(&frame), setup))
        });
    }
    g.finish();
}

/// GIF quantization effort: NeuQuant sampling factor 1 (best) to 30 (fastest).
fn gif_speed(c: &mut Criterion) {
    use image::codecs::gif::GifEncoder;
    let frame = photo_crop();
    let gif = |speed: i32| {
        let mut out = Vec::new();
        {
            let mut e = GifEncoder::new_with_speed(&mut out, speed);
            e.encode(frame.data(), 1200, 900, image::ExtendedColorType::Rgb8)
                .expect("gif");
        }
        out
    };
    let mut g = c.benchmark_group("gif_speed");
    g.sample_size(10);
    for speed in [1, 10, 30] {
        eprintln!("gif_speed/{speed}/{SIZE}: {} bytes", gif(speed).len());
        g.bench_function(BenchmarkId::new(speed.to_string(), SIZE), |b| {
            b.iter(|| gif(black_box(speed)))
        });
    }
    g.finish();
}

criterion_group!(benches, formats, webp_alpha, jpeg_settings, gif_speed);
criterion_main!(benches);
