//! Colour management end to end: the same picture stored in sRGB, Adobe RGB and Display
//! P3 comes out as the same sRGB; a CMYK JPEG matches libjpeg + Little CMS (`jpgicc`);
//! `cp-true` keeps the profile; a broken profile is a note, not a failure.

use moxcms::{ColorProfile, Layout, TransformOptions};
use pixform::codec::encode::{self, EncodeOptions};
use pixform::codec::metadata::Metadata;
use pixform::format::OutputFormat;
use pixform::{Config, Engine, Frame, PixelLayout, Request};

const W: u32 = 96;
const H: u32 = 64;

/// A smooth sRGB picture with saturated and skin/sky tones.
fn picture() -> Vec<u8> {
    let mut v = Vec::with_capacity((W * H * 3) as usize);
    for y in 0..H {
        for x in 0..W {
            let r = (x * 255 / (W - 1)) as u8;
            let g = (y * 255 / (H - 1)) as u8;
            let b = (((x + y) * 255) / (W + H - 2)) as u8;
            v.extend_from_slice(&[r, g, 255 - b]);
        }
    }
    v
}

/// `srgb` re-expressed in `profile`'s space, 8 bits (what an editor saving there writes).
fn stored_in(profile: &ColorProfile, srgb: &[u8]) -> Vec<u8> {
    let t = ColorProfile::new_srgb()
        .create_transform_8bit(
            Layout::Rgb,
            profile,
            Layout::Rgb,
            TransformOptions::default(),
        )
        .unwrap();
    let mut out = vec![0; srgb.len()];
    t.transform(srgb, &mut out).unwrap();
    out
}

fn encoded(rgb: Vec<u8>, icc: Option<Vec<u8>>, format: OutputFormat) -> Vec<u8> {
    let frame = Frame::new(W, H, PixelLayout::Rgb8, rgb).unwrap();
    let opts = EncodeOptions {
        format,
        quality: 95,
        subsampling: encode::ChromaSubsampling::Yuv444,
        metadata: Metadata {
            icc,
            ..Metadata::default()
        },
        ..EncodeOptions::default()
    };
    encode::encode(&frame, &opts).unwrap()
}

/// Decodes PNG (image) or JPEG (libjpeg through pixform's decoder) to RGB.
fn rgb_of(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    if bytes.starts_with(&[0xFF, 0xD8]) {
        use pixform::codec::decode::{decode, DecodeLimits, DecodeOptions, InputFormat};
        let d = decode(
            bytes,
            InputFormat::Jpeg,
            &DecodeOptions::default(),
            &DecodeLimits::default(),
        )
        .unwrap();
        let f = d.frame.as_eight().unwrap().to_layout(PixelLayout::Rgb8);
        return (f.width(), f.height(), f.data().to_vec());
    }
    let img = image::load_from_memory(bytes).unwrap().to_rgb8();
    (img.width(), img.height(), img.into_raw())
}

fn lab(rgb: [u8; 3]) -> [f64; 3] {
    let lin = |v: u8| {
        let c = f64::from(v) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let (r, g, b) = (lin(rgb[0]), lin(rgb[1]), lin(rgb[2]));
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f64| {
        if t > 216.0 / 24389.0 {
            t.cbrt()
        } else {
            (24389.0 / 27.0 * t + 16.0) / 116.0
        }
    };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// CIEDE2000 colour difference of two sRGB pixels.
fn delta_e2000(a: [u8; 3], b: [u8; 3]) -> f64 {
    let ([l1, a1, b1], [l2, a2, b2]) = (lab(a), lab(b));
    let c1 = a1.hypot(b1);
    let c2 = a2.hypot(b2);
    let cm = (c1 + c2) / 2.0;
    let g = 0.5 * (1.0 - (cm.powi(7) / (cm.powi(7) + 25f64.powi(7))).sqrt());
    let (a1p, a2p) = (a1 * (1.0 + g), a2 * (1.0 + g));
    let (c1p, c2p) = (a1p.hypot(b1), a2p.hypot(b2));
    let hue = |b: f64, a: f64| {
        if a == 0.0 && b == 0.0 {
            0.0
        } else {
            b.atan2(a).to_degrees().rem_euclid(360.0)
        }
    };
    let (h1, h2) = (hue(b1, a1p), hue(b2, a2p));
    let dl = l2 - l1;
    let dc = c2p - c1p;
    let dh = if c1p * c2p == 0.0 {
        0.0
    } else if (h2 - h1).abs() <= 180.0 {
        h2 - h1
    } else if h2 - h1 > 180.0 {
        h2 - h1 - 360.0
    } else {
        h2 - h1 + 360.0
    };
    let dhh = 2.0 * (c1p * c2p).sqrt() * (dh.to_radians() / 2.0).sin();
    let lm = (l1 + l2) / 2.0;
    let cmp = (c1p + c2p) / 2.0;
    let hm = if c1p * c2p == 0.0 {
        h1 + h2
    } else if (h1 - h2).abs() <= 180.0 {
        (h1 + h2) / 2.0
    } else if h1 + h2 < 360.0 {
        (h1 + h2 + 360.0) / 2.0
    } else {
        (h1 + h2 - 360.0) / 2.0
    };
    let t = 1.0 - 0.17 * (hm - 30.0).to_radians().cos()
        + 0.24 * (2.0 * hm).to_radians().cos()
        + 0.32 * (3.0 * hm + 6.0).to_radians().cos()
        - 0.20 * (4.0 * hm - 63.0).to_radians().cos();
    let sl = 1.0 + 0.015 * (lm - 50.0).powi(2) / (20.0 + (lm - 50.0).powi(2)).sqrt();
    let sc = 1.0 + 0.045 * cmp;
    let sh = 1.0 + 0.015 * cmp * t;
    let dtheta = 30.0 * (-((hm - 275.0) / 25.0).powi(2)).exp();
    let rc = 2.0 * (cmp.powi(7) / (cmp.powi(7) + 25f64.powi(7))).sqrt();
    let rt = -rc * (2.0 * dtheta).to_radians().sin();
    ((dl / sl).powi(2) + (dc / sc).powi(2) + (dhh / sh).powi(2) + rt * (dc / sc) * (dhh / sh))
        .sqrt()
}

/// (mean, max) ΔE2000 over two RGB buffers.
fn delta_stats(a: &[u8], b: &[u8]) -> (f64, f64) {
    assert_eq!(a.len(), b.len());
    let mut sum = 0.0;
    let mut max = 0.0f64;
    let mut n = 0.0;
    for (p, q) in a.chunks_exact(3).zip(b.chunks_exact(3)) {
        let d = delta_e2000([p[0], p[1], p[2]], [q[0], q[1], q[2]]);
        sum += d;
        max = max.max(d);
        n += 1.0;
    }
    (sum / n, max)
}

fn run(input: &[u8], t: &str) -> pixform::Output {
    Engine::default()
        .transform_str(input, t, &Request::default())
        .unwrap()
}

#[test]
fn srgb_adobe_rgb_and_display_p3_give_the_same_srgb() {
    let srgb = picture();
    for format in [OutputFormat::Png, OutputFormat::Jpeg] {
        let reference = run(&encoded(srgb.clone(), None, format), "f-png");
        let (_, _, want) = rgb_of(&reference.bytes);
        for profile in [
            ColorProfile::new_adobe_rgb(),
            ColorProfile::new_display_p3(),
        ] {
            let stored = stored_in(&profile, &srgb);
            let icc = profile.encode().unwrap();
            let input = encoded(stored.clone(), Some(icc), format);
            let out = run(&input, "f-png");
            let color = &out.report.color;
            assert_eq!(color.action, pixform::color::ColorAction::Converted);
            assert!(color.profile.is_some());
            let (w, h, got) = rgb_of(&out.bytes);
            assert_eq!((w, h), (W, H));
            let (mean, max) = delta_stats(&got, &want);
            // PNG stores the numbers exactly: every pixel within ΔE2000 2. JPEG q95 adds
            // its own, different error to each stored version: within 1 on average.
            let ok = match format {
                OutputFormat::Png => max <= 2.0,
                _ => mean <= 1.0 && max <= 4.0,
            };
            assert!(
                ok,
                "{format:?} {:?}: mean {mean:.2} max {max:.2}",
                color.profile
            );
            // Taken as sRGB, the same numbers are visibly off: the conversion did something.
            let (untagged_mean, _) = delta_stats(&stored, &srgb);
            assert!(untagged_mean > 2.0, "{untagged_mean}");
        }
    }
}

#[test]
fn thumbnails_convert_after_shrink_on_load() {
    // Big enough for the DC-only 1/8 path: the profile must still be applied.
    let (w, h) = (1024u32, 768u32);
    let srgb: Vec<u8> = (0..w * h)
        .flat_map(|i| {
            let (x, y) = (i % w, i / w);
            [(x / 4) as u8, (y / 3) as u8, 180]
        })
        .collect();
    let profile = ColorProfile::new_adobe_rgb();
    let stored = {
        let t = ColorProfile::new_srgb()
            .create_transform_8bit(
                Layout::Rgb,
                &profile,
                Layout::Rgb,
                TransformOptions::default(),
            )
            .unwrap();
        let mut out = vec![0; srgb.len()];
        t.transform(&srgb, &mut out).unwrap();
        out
    };
    let enc = |rgb: Vec<u8>, icc| {
        let frame = Frame::new(w, h, PixelLayout::Rgb8, rgb).unwrap();
        encode::encode(
            &frame,
            &EncodeOptions {
                quality: 95,
                metadata: Metadata {
                    icc,
                    ..Metadata::default()
                },
                ..EncodeOptions::default()
            },
        )
        .unwrap()
    };
    let tagged = run(
        &enc(stored, Some(profile.encode().unwrap())),
        "tr:w-128,f-png",
    );
    let plain = run(&enc(srgb, None), "tr:w-128,f-png");
    assert_eq!(tagged.report.shrink_on_load, 8);
    assert_eq!(
        tagged.report.color.action,
        pixform::color::ColorAction::Converted
    );
    assert_eq!(
        plain.report.color.action,
        pixform::color::ColorAction::Untagged
    );
    let (tw, th, a) = rgb_of(&tagged.bytes);
    let (_, _, b) = rgb_of(&plain.bytes);
    assert_eq!((tw, th), (128, 96));
    let (mean, max) = delta_stats(&a, &b);
    assert!(mean <= 1.0 && max <= 2.5, "mean {mean:.2} max {max:.2}");
}

#[test]
fn a_display_p3_colour_keeps_its_look() {
    // A P3 orange-red inside sRGB's gamut: its sRGB numbers differ from its P3 numbers.
    let p3 = [230u8, 80, 40];
    let profile = ColorProfile::new_display_p3();
    let to_srgb = profile
        .create_transform_f64(
            Layout::Rgb,
            &ColorProfile::new_srgb(),
            Layout::Rgb,
            TransformOptions::default(),
        )
        .unwrap();
    let mut exact = [0f64; 3];
    to_srgb
        .transform(&p3.map(|v| f64::from(v) / 255.0), &mut exact)
        .unwrap();
    let exact = exact.map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8);
    let rgb: Vec<u8> = std::iter::repeat_n(p3, (W * H) as usize)
        .flatten()
        .collect();
    let out = run(
        &encoded(rgb, Some(profile.encode().unwrap()), OutputFormat::Png),
        "f-png",
    );
    let (_, _, got) = rgb_of(&out.bytes);
    let px = [got[0], got[1], got[2]];
    assert!(delta_e2000(px, exact) <= 1.0, "{px:?} vs {exact:?}");
    assert!(delta_e2000(p3, exact) > 3.0, "the test colour must differ");
}

#[test]
fn a_cmyk_jpeg_matches_libjpeg_and_little_cms() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/odd/jpeg/jpeg-decoder--reftest--images--ycck.jpg"
    );
    let Ok(input) = std::fs::read(path) else {
        panic!("the shared corpus is needed: {path}");
    };
    let dir = std::env::temp_dir().join(format!("pixform-cmyk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let reference = dir.join("lcms.jpg");
    // jpgicc (liblcms2-utils): libjpeg's CMYK through the embedded profile to sRGB,
    // perceptual intent, written at q100 4:4:4.
    let status = std::process::Command::new("jpgicc")
        .args(["-q100", "-t0"])
        .arg(path)
        .arg(&reference)
        .status()
        .expect("jpgicc (Debian liblcms2-utils, installed by .ci/run) is needed");
    assert!(status.success());
    let (rw, rh, want) = rgb_of(&std::fs::read(&reference).unwrap());
    std::fs::remove_dir_all(&dir).ok();

    let out = run(&input, "f-png");
    assert_eq!(
        out.report.color.action,
        pixform::color::ColorAction::Converted
    );
    assert_eq!(
        out.report.color.profile.as_deref(),
        Some("U.S. Web Coated (SWOP) v2")
    );
    let (w, h, got) = rgb_of(&out.bytes);
    assert_eq!((w, h), (rw, rh));
    let (mean, max) = delta_stats(&got, &want);
    eprintln!("CMYK vs jpgicc: mean {mean:.2} max {max:.2}");
    assert!(mean <= 2.0, "mean {mean:.2} max {max:.2}");
}

#[test]
fn cp_true_keeps_the_profile_and_the_numbers() {
    let srgb = picture();
    let profile = ColorProfile::new_adobe_rgb();
    let icc = profile.encode().unwrap();
    let stored = stored_in(&profile, &srgb);
    let out = run(
        &encoded(stored.clone(), Some(icc.clone()), OutputFormat::Png),
        "tr:cp-true,f-png",
    );
    assert_eq!(out.report.color.action, pixform::color::ColorAction::Kept);
    let (_, _, got) = rgb_of(&out.bytes);
    assert_eq!(got, stored, "no conversion");
    let dec = image::codecs::png::PngDecoder::new(std::io::Cursor::new(&out.bytes)).unwrap();
    let mut dec = dec;
    use image::ImageDecoder;
    assert_eq!(dec.icc_profile().unwrap(), Some(icc));
}

#[test]
fn a_broken_profile_is_a_note_not_a_failure() {
    let srgb = picture();
    let mut icc = ColorProfile::new_display_p3().encode().unwrap();
    icc.truncate(60);
    let out = run(
        &encoded(srgb.clone(), Some(icc), OutputFormat::Png),
        "f-png",
    );
    match &out.report.color.action {
        pixform::color::ColorAction::Ignored(why) => assert!(!why.is_empty()),
        other => panic!("{other:?}"),
    }
    let json: serde_json::Value = serde_json::from_str(&out.report.to_json()).unwrap();
    assert_eq!(json["color"]["action"], "ignored");
    let (_, _, got) = rgb_of(&out.bytes);
    assert_eq!(got, srgb, "taken as sRGB");
}

#[test]
fn colour_management_can_be_turned_off() {
    let srgb = picture();
    let profile = ColorProfile::new_display_p3();
    let stored = stored_in(&profile, &srgb);
    let input = encoded(
        stored.clone(),
        Some(profile.encode().unwrap()),
        OutputFormat::Png,
    );
    let mut config = Config::default();
    config.color_management = false;
    let engine = Engine::new(config);
    let out = engine
        .transform_str(&input, "f-png", &Request::default())
        .unwrap();
    let (_, _, got) = rgb_of(&out.bytes);
    assert_eq!(got, stored);
}
