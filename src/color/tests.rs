use super::*;

/// sRGB pixels stored in `profile`'s space (what a camera or editor saving in that space
/// writes), with the profile's bytes.
fn stored_in(profile: &ColorProfile, srgb: &[u8]) -> (Vec<u8>, Vec<u8>) {
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
    (out, profile.encode().unwrap())
}

fn ramp() -> Vec<u8> {
    // Every corner of the cube, mid-greys and skin/sky tones.
    let mut v = Vec::new();
    for r in [0u8, 64, 128, 200, 255] {
        for g in [0u8, 90, 180, 255] {
            for b in [0u8, 50, 150, 255] {
                v.extend_from_slice(&[r, g, b]);
            }
        }
    }
    v.extend_from_slice(&[224, 172, 142, 120, 170, 230]);
    v
}

#[test]
fn wide_gamut_profiles_come_back_to_the_same_srgb() {
    let srgb = ramp();
    let n = (srgb.len() / 3) as u32;
    for profile in [
        ColorProfile::new_adobe_rgb(),
        ColorProfile::new_display_p3(),
    ] {
        let (stored, icc) = stored_in(&profile, &srgb);
        assert_ne!(stored, srgb, "the stored numbers differ from sRGB's");
        let p = Profile::parse(&icc).unwrap();
        assert_eq!(p.space(), ColorSpace::Rgb);
        assert!(!p.is_srgb(), "{}", p.name());
        let frame = Frame::new(n, 1, PixelLayout::Rgb8, stored).unwrap();
        let back = ToSrgb::new(&p, PixelLayout::Rgb8)
            .unwrap()
            .apply(&frame)
            .unwrap();
        let worst = back
            .data()
            .iter()
            .zip(&srgb)
            .map(|(a, b)| a.abs_diff(*b))
            .max()
            .unwrap();
        // Two 8-bit trips through moxcms's fixed-point path: a few levels at most (the
        // integration test measures the same in ΔE2000, where it stays under 2).
        assert!(worst <= 6, "{}: off by {worst}", p.name());
    }
}

#[test]
fn alpha_is_kept_through_the_conversion() {
    let (stored, icc) = stored_in(&ColorProfile::new_adobe_rgb(), &[200, 30, 40]);
    let p = Profile::parse(&icc).unwrap();
    let rgba = [stored[0], stored[1], stored[2], 77];
    let frame = Frame::new(1, 1, PixelLayout::Rgba8, rgba.to_vec()).unwrap();
    let back = ToSrgb::new(&p, PixelLayout::Rgba8)
        .unwrap()
        .apply(&frame)
        .unwrap();
    assert_eq!(back.data()[3], 77);
    assert!(back.data()[0].abs_diff(200) <= 2, "{:?}", back.data());
}

#[test]
fn srgb_profiles_are_recognised() {
    let icc = ColorProfile::new_srgb().encode().unwrap();
    let p = Profile::parse(&icc).unwrap();
    assert!(p.is_srgb(), "{}", p.name());
    assert!(p.name().contains("sRGB"));
}

#[test]
fn broken_profiles_are_errors_not_panics() {
    let good = ColorProfile::new_display_p3().encode().unwrap();
    assert!(Profile::parse(&[]).is_err());
    assert!(Profile::parse(b"not a profile at all, just words").is_err());
    // Truncated at every length below the header and tag table, and bytes flipped.
    for cut in [10, 100, 127, 128, 140, good.len() / 2] {
        let _ = Profile::parse(&good[..cut.min(good.len())]);
    }
    let mut flipped = good.clone();
    for i in (128..flipped.len()).step_by(7) {
        flipped[i] ^= 0x5A;
    }
    if let Ok(p) = Profile::parse(&flipped) {
        let _ = ToSrgb::new(&p, PixelLayout::Rgb8).map(|t| {
            let f = Frame::new(2, 1, PixelLayout::Rgb8, vec![1, 2, 3, 250, 251, 252]).unwrap();
            t.apply(&f)
        });
    }
}

#[test]
fn profiles_that_do_not_fit_the_picture_are_refused() {
    let icc = ColorProfile::new_adobe_rgb().encode().unwrap();
    let p = Profile::parse(&icc).unwrap();
    let e = ToSrgb::new(&p, PixelLayout::Gray8).unwrap_err();
    assert!(e.contains("grey"), "{e}");
    let e = CmykToSrgb::new(&p).unwrap_err();
    assert!(e.contains("Rgb"), "{e}");
}

#[test]
fn the_report_entry_serialises_with_a_note_only_when_ignored() {
    let r = ColorReport {
        profile: Some("Display P3".into()),
        action: ColorAction::Converted,
    };
    assert_eq!(
        serde_json::to_string(&r).unwrap(),
        r#"{"profile":"Display P3","action":"converted","note":null}"#
    );
    let r = ColorReport {
        profile: Some("x".into()),
        action: ColorAction::Ignored("bad".into()),
    };
    assert_eq!(
        serde_json::to_string(&r).unwrap(),
        r#"{"profile":"x","action":"ignored","note":"bad"}"#
    );
}
