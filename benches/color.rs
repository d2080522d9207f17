//! Colour management costs:
//! - `icc_to_srgb/<profile>/1MP`: [`pixform::color::ToSrgb::apply`] on a 1200×900 RGB frame
//!   (Adobe RGB and Display P3, moxcms's 8-bit matrix-shaper path);
//! - `thumb300_tagged/storm/<untagged|adobe-rgb>`: the whole `thumb300` request on the
//!   corpus's storm photo as it is and with an Adobe RGB profile spliced in (APP2), so the
//!   difference is what colour management costs the thumbnail path (the conversion runs
//!   after shrink-on-load and the resize, on 300×200 pixels).
//!
//! Run from the crate root. No assertions.

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use moxcms::ColorProfile;
use pixform::color::{Profile, ToSrgb};
use pixform::engine::{Engine, Request};
use pixform::{Frame, PixelLayout};
use std::hint::black_box;
use std::time::Duration;

/// `jpeg` with `icc` inserted as one APP2 ICC_PROFILE segment after SOI.
fn tagged(jpeg: &[u8], icc: &[u8]) -> Vec<u8> {
    let mut seg = b"ICC_PROFILE\0\x01\x01".to_vec();
    seg.extend_from_slice(icc);
    let len = u16::try_from(seg.len() + 2).expect("profile fits one segment");
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE2]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&seg);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn color(c: &mut Criterion) {
    let mut g = c.benchmark_group("icc_to_srgb");
    g.sample_size(20)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    let (w, h) = (1200u32, 900u32);
    let data: Vec<u8> = (0..w * h * 3).map(|i| (i * 7 % 251) as u8).collect();
    let frame = Frame::new(w, h, PixelLayout::Rgb8, data).expect("frame");
    for (name, profile) in [
        ("adobe-rgb", ColorProfile::new_adobe_rgb()),
        ("display-p3", ColorProfile::new_display_p3()),
    ] {
        let icc = profile.encode().expect("profile encodes");
        let p = Profile::parse(&icc).expect("profile parses");
        let t = ToSrgb::new(&p, PixelLayout::Rgb8).expect("transform");
        g.bench_function(format!("{name}/1MP"), |b| {
            b.iter(|| black_box(t.apply(black_box(&frame))))
        });
    }
    g.finish();

    let storm = std::fs::read("../shared/corpus/photos/storm-1920x1280.jpg")
        .expect("corpus photo (run from the crate root)");
    let adobe = tagged(
        &storm,
        &ColorProfile::new_adobe_rgb().encode().expect("profile"),
    );
    let engine = Engine::default();
    let request = Request::default();
    let t = engine
        .parse("w-300,h-300,c-at_max,q-80,f-jpg")
        .expect("transformation parses");
    let mut g = c.benchmark_group("thumb300_tagged");
    g.sample_size(20)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    for (name, bytes) in [("untagged", &storm), ("adobe-rgb", &adobe)] {
        g.bench_function(format!("storm/{name}"), |b| {
            b.iter(|| black_box(engine.transform(black_box(bytes), &t, &request)))
        });
    }
    g.finish();
}

criterion_group!(benches, color);
criterion_main!(benches);
