//! JPEG XL input: lossless files decode bit-exact, lossy ones match libjxl's own decode,
//! the codestream's orientation and colour encoding are honoured, and damage is a typed
//! error. Fixtures and how they were made: `tests/fixtures/jxl/README.md`.

use pixform::{Category, Engine, Request};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/jxl/").to_string() + name)
        .unwrap()
}

fn run(bytes: &[u8], t: &str) -> pixform::Result<pixform::Output> {
    Engine::default().transform_str(bytes, t, &Request::default())
}

fn png_rgba(bytes: &[u8]) -> image::RgbaImage {
    image::load_from_memory(bytes).unwrap().to_rgba8()
}

#[test]
fn lossless_jxl_is_bit_exact() {
    for (jxl, png) in [
        ("grad-lossless.jxl", "grad.png"),
        ("alpha-lossless.jxl", "alpha.png"),
    ] {
        let out = run(&fixture(jxl), "tr:f-png").unwrap();
        assert_eq!(out.report.input_mime, "image/jxl");
        let want = png_rgba(&fixture(png));
        let got = png_rgba(&out.bytes);
        assert_eq!(got.dimensions(), want.dimensions(), "{jxl}");
        assert!(got == want, "{jxl}: pixels differ from the source");
    }
    let out = run(&fixture("grad-lossless.jxl"), "tr:w-32").unwrap();
    assert_eq!((out.width, out.height), (32, 24));
}

#[test]
fn lossy_jxl_matches_libjxl() {
    let out = run(&fixture("photo-lossy.jxl"), "tr:f-png").unwrap();
    assert_eq!((out.width, out.height), (320, 213));
    let got = png_rgba(&out.bytes);
    let want = png_rgba(&fixture("photo-lossy-djxl.png"));
    let rgb = |i: &image::RgbaImage| -> Vec<u8> {
        i.pixels().flat_map(|p| [p.0[0], p.0[1], p.0[2]]).collect()
    };
    let db = super::psnr(&rgb(&got), &rgb(&want));
    assert!(db > 40.0, "jxl-oxide vs libjxl: {db:.1} dB");
}

#[test]
fn the_codestream_orientation_is_applied() {
    let out = run(&fixture("orient6.jxl"), "tr:f-png").unwrap();
    assert_eq!(
        (out.width, out.height),
        (64, 96),
        "96x64 stored, orientation 6"
    );
    let got = png_rgba(&out.bytes);
    let want = image::imageops::rotate90(&png_rgba(&fixture("storm96.png")));
    let rgb = |i: &image::RgbaImage| -> Vec<u8> {
        i.pixels().flat_map(|p| [p.0[0], p.0[1], p.0[2]]).collect()
    };
    let db = super::psnr(&rgb(&got), &rgb(&want));
    assert!(
        db > 30.0,
        "upright vs the source turned clockwise: {db:.1} dB"
    );
    // The planner sees the upright size too.
    let out = run(&fixture("orient6.jxl"), "tr:w-32").unwrap();
    assert_eq!((out.width, out.height), (32, 48));
}

#[test]
fn display_p3_jxl_is_converted_to_srgb() {
    use moxcms::{ColorProfile, Layout, TransformOptions};
    let out = run(&fixture("p3-lossless.jxl"), "tr:f-png").unwrap();
    let got = png_rgba(&out.bytes).get_pixel(8, 8).0;
    let t = ColorProfile::new_display_p3()
        .create_transform_8bit(
            Layout::Rgb,
            &ColorProfile::new_srgb(),
            Layout::Rgb,
            TransformOptions::default(),
        )
        .unwrap();
    let mut want = [0u8; 3];
    t.transform(&[180, 80, 60], &mut want).unwrap();
    for c in 0..3 {
        assert!(
            (i32::from(got[c]) - i32::from(want[c])).abs() <= 2,
            "{got:?} vs {want:?}"
        );
    }
    assert!(
        (i32::from(got[0]) - 180).abs() > 8,
        "P3 red is redder than sRGB's: the numbers must change ({got:?})"
    );
    let report = out.report.to_json();
    assert!(report.contains("converted"), "{report}");
    // Colour management off: the stored numbers.
    let mut config = pixform::Config::default();
    config.color_management = false;
    let out = Engine::new(config)
        .transform_str(&fixture("p3-lossless.jxl"), "tr:f-png", &Request::default())
        .unwrap();
    assert_eq!(&png_rgba(&out.bytes).get_pixel(8, 8).0[..3], &[180, 80, 60]);
}

#[test]
fn damaged_jxl_is_a_typed_error() {
    let good = fixture("photo-lossy.jxl");
    for cut in (0..good.len()).step_by(97) {
        if let Err(e) = run(&good[..cut], "tr:w-50") {
            assert!(
                matches!(
                    e.category(),
                    Category::Undecodable | Category::UnsupportedMedia | Category::LimitExceeded
                ),
                "cut at {cut}: {e}"
            );
        }
    }
    for i in (0..good.len()).step_by(53) {
        let mut bad = good.clone();
        bad[i] ^= 0x41;
        if let Err(e) = run(&bad, "tr:w-50") {
            assert!(
                matches!(
                    e.category(),
                    Category::Undecodable | Category::UnsupportedMedia | Category::LimitExceeded
                ),
                "flip at {i}: {e}"
            );
        }
    }
}
