//! Integration tests: decompression bombs, hostile headers, limits that a transformation
//! string cannot raise, and deadlines. The allocation bounds for the same inputs are
//! checked in `tests/bombs_alloc.rs` (a binary of its own: it counts every allocation).

pub mod craft;

use std::time::{Duration, Instant};

use pixform::engine::{Config, Engine, Request};
use pixform::{Error, Limit};

use super::odd::corpus_bombs;

fn run(engine: &Engine, bytes: &[u8], t: &str) -> Result<pixform::engine::Output, Error> {
    engine.transform_str(bytes, t, &Request::default())
}

fn is_refusal(e: &Error) -> bool {
    matches!(e, Error::LimitExceeded { .. } | Error::Undecodable { .. })
}

#[test]
fn crafted_size_bombs_are_refused_from_the_header() {
    let engine = Engine::default();
    // The limit expected, or `None` where the format's decoder refuses the header itself.
    let cases: Vec<(&str, Vec<u8>, Option<Limit>)> = vec![
        ("png", craft::png_huge(), Some(Limit::Dimension)),
        ("gif", craft::gif_huge(), Some(Limit::InputPixels)),
        (
            "webp vp8x",
            craft::webp_vp8x_huge(),
            Some(Limit::InputPixels),
        ),
        (
            "webp vp8l",
            craft::webp_vp8l_huge(),
            Some(Limit::InputPixels),
        ),
        (
            "jpeg",
            craft::jpeg_sof(65500, 65500),
            Some(Limit::InputPixels),
        ),
        (
            "tiff",
            craft::tiff(100_000, 100_000),
            Some(Limit::Dimension),
        ),
        // image's BMP decoder refuses sides above its own maximum before pixform looks.
        ("bmp", craft::bmp(100_000, 100_000), None),
        ("bmp", craft::bmp(60_000, 60_000), Some(Limit::InputPixels)),
    ];
    for (name, bytes, limit) in cases {
        assert!(bytes.len() < 2048, "{name}: the bomb itself is small");
        let start = Instant::now();
        match (run(&engine, &bytes, "w-300,h-300,f-jpg"), limit) {
            (
                Err(Error::LimitExceeded {
                    limit: l,
                    actual,
                    max,
                }),
                Some(limit),
            ) => {
                assert_eq!(l, limit, "{name}");
                assert!(actual > max, "{name}: {actual} > {max}");
            }
            (Err(Error::Undecodable { format, .. }), None) => assert_eq!(format, name),
            (other, _) => panic!("{name}: expected a refusal ({limit:?}), got {other:?}"),
        }
        println!("{name}: refused in {:.2?}", start.elapsed());
    }
}

#[test]
fn ico_entry_lying_about_its_png_is_refused() {
    let engine = Engine::default();
    let bytes = craft::ico_with_png(&craft::png_huge());
    let e = run(&engine, &bytes, "w-300,h-300,f-jpg").unwrap_err();
    assert!(is_refusal(&e), "{e:?}");
}

#[test]
fn compressed_png_text_is_never_inflated() {
    let engine = Engine::default();
    for (name, bytes) in [
        ("zTXt", craft::png_ztxt_bomb(100 << 20)),
        ("iTXt", craft::png_itxt_bomb(100 << 20)),
    ] {
        // 100 MB of zeros deflate to ~100 KB: the bomb is small, its payload is not.
        assert!(bytes.len() < 200_000, "{name}: {}", bytes.len());
        // Text chunks are kept compressed by the PNG decoder and not asked for unless
        // metadata is kept: the picture itself is fine, so the answer is the picture.
        let out = run(&engine, &bytes, "w-4,f-png").unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((out.width, out.height), (4, 4), "{name}");
    }
    // zTXt is never read as metadata, even with md-true.
    let out = run(
        &engine,
        &craft::png_ztxt_bomb(100 << 20),
        "w-4,f-png,md-true",
    )
    .unwrap();
    assert_eq!((out.width, out.height), (4, 4));
    // An XMP iTXt is inflated for md-true, by the PNG decoder under its own small cap: the
    // bomb is refused (as undecodable), not inflated.
    let e = run(
        &engine,
        &craft::png_itxt_bomb(100 << 20),
        "w-4,f-png,md-true",
    )
    .unwrap_err();
    assert!(
        matches!(e, Error::Undecodable { format: "png", .. }),
        "{e:?}"
    );
}

#[test]
fn iccp_bomb_is_refused_as_metadata() {
    let engine = Engine::default();
    let bytes = craft::png_iccp_bomb(100 << 20);
    assert!(bytes.len() < 200_000);
    // The PNG decoder inflates iCCP while reading the header, whatever the transformation
    // asks for: pixform measures the inflated size first (without holding it) and refuses
    // a profile above the metadata budget.
    let ico = craft::ico_entry(&bytes, 8, 8);
    for (name, bytes) in [("png", bytes), ("ico", ico)] {
        for t in ["w-4,f-png", "w-4,f-png,cp-true"] {
            match run(&engine, &bytes, t) {
                Err(Error::LimitExceeded {
                    limit: Limit::MetadataBytes,
                    actual,
                    max,
                }) => assert!(actual > max && max == 1 << 20, "{name} {t}: {actual}"),
                other => panic!("{name} {t}: expected LimitExceeded(MetadataBytes), got {other:?}"),
            }
        }
    }
    // A profile within the budget (64 KiB of zeros: not a valid profile, so it is not
    // kept) decodes.
    let ok = craft::png_iccp_bomb(64 << 10);
    let out = run(&engine, &ok, "w-4,f-png,cp-true").unwrap();
    assert_eq!((out.width, out.height), (4, 4));
    let out = run(&engine, &craft::ico_entry(&ok, 8, 8), "w-4,f-png").unwrap();
    assert_eq!((out.width, out.height), (4, 4));
}

#[test]
fn gif_frame_larger_than_canvas_is_bounded() {
    let engine = Engine::default();
    for (w, h) in [(65535, 65535), (12000, 12000), (64, 64)] {
        let bytes = craft::gif_frame_beyond_canvas(w, h);
        match run(&engine, &bytes, "f-png") {
            // The frame holds no pixel data: a clean refusal is right …
            Err(e) => assert!(is_refusal(&e), "{w}x{h}: {e:?}"),
            // … and so is the (empty) 16 × 16 canvas.
            Ok(out) => assert_eq!((out.width, out.height), (16, 16), "{w}x{h}"),
        }
    }
}

#[test]
fn animations_over_the_frame_budget_are_refused() {
    let engine = Engine::default();
    let max = u64::from(engine.config().limits.max_frames);
    for (name, bytes, frames) in [
        ("gif", craft::gif_frames(10_000), None),
        ("webp", craft::webp_frames(10_000), Some(10_000)),
        ("apng", craft::apng_frames(10_000), Some(10_000)),
    ] {
        match run(&engine, &bytes, "w-1,f-png") {
            Err(Error::LimitExceeded {
                limit: Limit::Frames,
                actual,
                max: m,
            }) => {
                assert_eq!(m, max, "{name}");
                // GIF counting stops just past the budget; the others read the count.
                assert_eq!(actual, frames.unwrap_or(max + 1), "{name}");
            }
            other => panic!("{name}: expected LimitExceeded(Frames), got {other:?}"),
        }
    }
    // Under the budget, a GIF of many frames is fine (first frame decoded).
    let out = run(&engine, &craft::gif_frames(50), "f-png").unwrap();
    assert_eq!((out.width, out.height), (1, 1));
}

/// A small valid JPEG, made with the engine itself.
fn small_jpeg() -> Vec<u8> {
    run(&Engine::default(), &craft::png(16, 16), "f-jpg")
        .unwrap()
        .bytes
}

#[test]
fn many_exif_segments_are_bounded_with_md_true() {
    let engine = Engine::default();
    // 20 APP1 segments of ~64 KiB: 1.3 MB of EXIF, more than the 1 MiB metadata budget.
    let bytes = craft::jpeg_with_app(&small_jpeg(), 0xE1, 20, |_| craft::exif_payload(65_000));
    assert!(bytes.len() > 1_300_000);
    // Only the first EXIF block counts (later ones are ignored, as readers do), and it
    // fits in one segment: the output is the picture with at most that block kept.
    let out = run(&engine, &bytes, "md-true,f-jpg").unwrap();
    assert_eq!((out.width, out.height), (16, 16));
    assert!(
        out.bytes.len() < 100_000,
        "kept metadata is bounded: {}",
        out.bytes.len()
    );
}

#[test]
fn oversized_icc_profile_is_refused_when_kept() {
    let engine = Engine::default();
    // 20 ICC_PROFILE chunks of ~64 KiB: a 1.3 MB profile, above the 1 MiB budget.
    let bytes = craft::jpeg_with_app(&small_jpeg(), 0xE2, 20, |i| {
        craft::icc_payload(i as u8 + 1, 20, 65_000)
    });
    for t in ["md-true,f-jpg", "cp-true,f-jpg"] {
        match run(&engine, &bytes, t) {
            Err(Error::LimitExceeded {
                limit: Limit::MetadataBytes,
                actual,
                max,
            }) => assert!(actual > max && max == 1 << 20, "{t}: {actual} {max}"),
            other => panic!("{t}: expected LimitExceeded(MetadataBytes), got {other:?}"),
        }
    }
    // Not kept: not collected, and the picture comes out.
    let out = run(&engine, &bytes, "f-jpg").unwrap();
    assert_eq!((out.width, out.height), (16, 16));
}

#[test]
fn corpus_bombs_are_refused_or_bounded() {
    let engine = Engine::default();
    let files = corpus_bombs();
    assert!(files.len() >= 3, "{files:?}");
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let start = Instant::now();
        let r = run(&engine, &bytes, "w-300,h-300,f-jpg");
        println!(
            "{}: {:?} in {:.2?}",
            path.display(),
            r.as_ref().map(|o| (o.width, o.height)),
            start.elapsed()
        );
        match r {
            Ok(out) => assert!(out.width <= 300 && out.height <= 300),
            Err(e) => assert!(
                is_refusal(&e) || matches!(e, Error::UnsupportedMedia(_)),
                "{}: {e:?}",
                path.display()
            ),
        }
    }
}

/// A 10 × 10 PNG: every size below comes from the transformation string alone.
fn tiny() -> Vec<u8> {
    craft::png(10, 10)
}

/// Checks `r` is a refusal for a limit, or an output within `config`'s limits.
fn within(config: &Config, t: &str, r: Result<pixform::engine::Output, Error>) {
    let l = &config.limits;
    match r {
        Ok(out) => {
            assert!(
                out.width.max(out.height) <= l.max_dimension
                    && u64::from(out.width) * u64::from(out.height) <= l.max_output_pixels,
                "{t}: {}x{} is beyond the limits",
                out.width,
                out.height
            );
        }
        Err(Error::LimitExceeded { actual, max, .. }) => assert!(actual > max, "{t}"),
        Err(e) => panic!("{t}: expected Ok within limits or LimitExceeded, got {e:?}"),
    }
}

#[test]
fn transformation_strings_cannot_raise_the_limits() {
    let engine = Engine::default();
    let big = [
        "w-100000",
        "h-100000",
        "w-100000,h-100000",
        "w-65535,h-65535",
        "w-60000,h-60000,cm-pad_resize",
        "w-60000,h-60000,c-force",
        "w-20000,dpr-5",
        "w-10,b-50000_FF0000",
        "w-60000,h-3,c-force,rt-45",
        "w-9000,h-9000,c-force:w-2.0,h-2.0",
    ];
    for t in big {
        let start = Instant::now();
        let r = run(&engine, &tiny(), t);
        println!(
            "{t}: {:?} in {:.2?}",
            r.as_ref().map(|o| (o.width, o.height)),
            start.elapsed()
        );
        within(engine.config(), t, r);
    }
    // The limits are the engine's: a smaller budget holds against the same strings.
    let mut config = Config::default();
    config.limits.max_output_pixels = 1_000_000;
    config.limits.max_dimension = 4000;
    let small = Engine::new(config);
    for t in [
        "w-2000,h-2000",
        "w-5000",
        "w-1000,h-1000,b-10_000000",
        "w-1000,dpr-3",
    ] {
        let r = run(&small, &tiny(), t);
        within(small.config(), t, r);
    }
    match run(&small, &tiny(), "w-2000,h-2000,c-force") {
        Err(Error::LimitExceeded {
            limit: Limit::OutputPixels,
            actual: 4_000_000,
            max: 1_000_000,
        }) => {}
        other => panic!("expected LimitExceeded(OutputPixels), got {other:?}"),
    }
}

#[test]
fn a_past_deadline_stops_before_work() {
    let engine = Engine::default();
    let request = Request::default().deadline(Instant::now());
    let e = engine.transform_str(&tiny(), "w-5", &request).unwrap_err();
    assert_eq!(e, Error::DeadlineExceeded);
    // The same request without a deadline works.
    assert!(engine
        .transform_str(&tiny(), "w-5", &Request::default())
        .is_ok());
}

#[test]
fn a_short_deadline_stops_a_big_transform() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/photos/kleiber-nuthatch-6028x3391.jpg");
    let bytes = std::fs::read(&path).unwrap();
    let engine = Engine::default();
    let start = Instant::now();
    let request = Request::default().deadline(start + Duration::from_millis(1));
    let e = engine
        .transform_str(&bytes, "w-2000,bl-50", &request)
        .unwrap_err();
    assert_eq!(e, Error::DeadlineExceeded);
    // How long the engine ran past its deadline (no assertion: a measure for the report).
    println!(
        "deadline 1 ms: DeadlineExceeded after {:.2?}",
        start.elapsed()
    );
}
