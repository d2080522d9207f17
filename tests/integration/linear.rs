//! `Config::linear_light`: resizes average light, and shrink-on-load still applies.

use pixform::engine::{Config, Engine, Request};

fn engine(linear_light: bool) -> Engine {
    let mut config = Config::default();
    config.linear_light = linear_light;
    Engine::new(config)
}

/// A PNG of one-pixel black and white columns.
fn stripes(w: u32, h: u32) -> Vec<u8> {
    let img =
        image::GrayImage::from_fn(w, h, |x, _| image::Luma([if x % 2 == 0 { 0 } else { 255 }]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn mean_grey(bytes: &[u8]) -> f64 {
    let img = image::load_from_memory(bytes).unwrap().to_luma8();
    let sum: f64 = img.pixels().map(|p| f64::from(p.0[0])).sum();
    sum / f64::from(img.width() * img.height())
}

#[test]
fn stripes_shrink_to_their_light() {
    let png = stripes(64, 16);
    let t = "w-8,f-png";
    let lin = engine(true)
        .transform_str(&png, t, &Request::default())
        .unwrap();
    let gamma = engine(false)
        .transform_str(&png, t, &Request::default())
        .unwrap();
    assert_eq!((lin.width, lin.height), (8, 2));
    // Half the light is sRGB 188; averaging code values gives 128.
    assert!(
        (mean_grey(&lin.bytes) - 188.0).abs() <= 2.0,
        "{}",
        mean_grey(&lin.bytes)
    );
    assert!(
        (mean_grey(&gamma.bytes) - 127.5).abs() <= 2.0,
        "{}",
        mean_grey(&gamma.bytes)
    );
}

#[test]
fn jpeg_thumbnails_keep_shrink_on_load() {
    let jpg = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/photos/storm-1920x1280.jpg"
    ))
    .unwrap();
    for t in ["w-200,f-png", "w-400,f-png"] {
        let lin = engine(true)
            .transform_str(&jpg, t, &Request::default())
            .unwrap();
        let gamma = engine(false)
            .transform_str(&jpg, t, &Request::default())
            .unwrap();
        assert_eq!((lin.width, lin.height), (gamma.width, gamma.height), "{t}");
        assert!(
            lin.report.shrink_on_load > 1,
            "{t}: {}",
            lin.report.shrink_on_load
        );
        assert_eq!(
            lin.report.shrink_on_load, gamma.report.shrink_on_load,
            "{t}"
        );
        // A photo barely changes: the two are close, yet not the same.
        let a = image::load_from_memory(&lin.bytes).unwrap().to_rgb8();
        let b = image::load_from_memory(&gamma.bytes).unwrap().to_rgb8();
        assert_ne!(a.as_raw(), b.as_raw(), "{t}");
        assert!(crate::psnr(a.as_raw(), b.as_raw()) > 30.0, "{t}");
    }
}
