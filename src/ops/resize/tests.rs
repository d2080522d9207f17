use super::*;

fn params(width: u32, height: u32) -> ResizeParams {
    ResizeParams {
        width,
        height,
        ..Default::default()
    }
}

#[test]
fn sizes_and_layouts() {
    for layout in [
        PixelLayout::Gray8,
        PixelLayout::GrayAlpha8,
        PixelLayout::Rgb8,
        PixelLayout::Rgba8,
    ] {
        let px = [100, 150, 200, 250];
        let f = Frame::filled(37, 23, layout, &px[..layout.channels()]).unwrap();
        for (w, h) in [(1, 1), (10, 5), (37, 23), (100, 3), (1, 400)] {
            let out = resize(&f, &params(w, h)).unwrap();
            assert_eq!((out.width(), out.height(), out.layout()), (w, h, layout));
            for p in out.data().chunks_exact(layout.channels()) {
                assert_eq!(p, &px[..layout.channels()], "{layout:?} {w}x{h}");
            }
        }
    }
}

#[test]
fn default_is_copy_and_box_is_checked() {
    let f = Frame::new(3, 2, PixelLayout::Gray8, (0..6).collect()).unwrap();
    assert_eq!(resize(&f, &ResizeParams::default()).unwrap(), f);
    let crop = ResizeParams {
        source: Some(SourceBox {
            left: 1.0,
            top: 1.0,
            width: 2.0,
            height: 1.0,
        }),
        ..Default::default()
    };
    assert_eq!(resize(&f, &crop).unwrap().data(), &[4, 5]);
    for b in [
        SourceBox {
            left: 2.0,
            top: 0.0,
            width: 1.5,
            height: 1.0,
        },
        SourceBox {
            left: -0.1,
            top: 0.0,
            width: 1.0,
            height: 1.0,
        },
        SourceBox {
            left: 0.0,
            top: 0.0,
            width: 0.0,
            height: 1.0,
        },
        SourceBox {
            left: f64::NAN,
            top: 0.0,
            width: 1.0,
            height: 1.0,
        },
    ] {
        let p = ResizeParams {
            source: Some(b),
            ..params(2, 2)
        };
        assert!(resize(&f, &p).is_err(), "{b:?}");
    }
}

/// Taking the source by value only changes when it is freed, on either path.
#[test]
fn owned_and_borrowed_sources_resize_alike() {
    for layout in [PixelLayout::Rgba8, PixelLayout::Rgb8] {
        let (w, h) = (97u32, 61u32);
        let c = layout.channels();
        let data: Vec<u8> = (0..w * h * c as u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect();
        let f = Frame::new(w, h, layout, data).unwrap();
        let borrowed = resize(&f, &params(40, 23)).unwrap();
        let owned = resize_owned(f, &params(40, 23)).unwrap();
        assert_eq!((owned.width(), owned.height()), (40, 23));
        assert_eq!(borrowed.data(), owned.data(), "{layout:?}");
    }
}

/// A single colour under an alpha ramp from 0 to 255: alpha weighting must leave the
/// colour of every visible output pixel alone (an 8-bit premultiply moved faint ones by
/// up to 25 levels), and never bleed the invisible pixels' colour in.
#[test]
fn faint_pixels_keep_their_colour() {
    for (layout, colour) in [
        (PixelLayout::Rgba8, &[200u8, 100, 37][..]),
        (PixelLayout::GrayAlpha8, &[173u8][..]),
    ] {
        let (w, h) = (256u32, 8u32);
        let mut data = Vec::new();
        for _ in 0..h {
            for x in 0..w {
                // Invisible pixels hold a clashing colour that must not leak.
                if x < 16 {
                    data.extend(std::iter::repeat_n(0u8, colour.len()));
                    data.push(0);
                } else {
                    data.extend_from_slice(colour);
                    data.push(x as u8);
                }
            }
        }
        let f = Frame::new(w, h, layout, data).unwrap();
        let out = resize(&f, &params(100, 3)).unwrap();
        let c = layout.channels();
        let mut visible = 0;
        for px in out.data().chunks_exact(c) {
            let (col, alpha) = px.split_at(c - 1);
            if alpha[0] >= 1 {
                visible += 1;
                for (&got, &want) in col.iter().zip(colour) {
                    assert!(got.abs_diff(want) <= 1, "{layout:?} {px:?}");
                }
            }
        }
        assert!(visible >= 90 * 3, "{visible}");
        // Alpha itself is resampled, not weighted: the ramp stays a ramp.
        let alphas: Vec<u8> = out
            .data()
            .chunks_exact(c)
            .take(100)
            .map(|p| p[c - 1])
            .collect();
        assert!(alphas.windows(2).all(|p| p[1] >= p[0]), "{alphas:?}");
    }
}

#[test]
fn every_filter_runs() {
    let f = Frame::new(4, 4, PixelLayout::Gray8, (0..16).map(|v| v * 16).collect()).unwrap();
    for filter in [
        Filter::Nearest,
        Filter::Bilinear,
        Filter::CatmullRom,
        Filter::Mitchell,
        Filter::Lanczos3,
    ] {
        let out = resize(
            &f,
            &ResizeParams {
                filter,
                ..params(2, 9)
            },
        )
        .unwrap();
        assert_eq!((out.width(), out.height()), (2, 9));
    }
}

/// Feeds `src` to a [`RowResizer`] in chunks of 1, 2, 3, … rows (cycling up to `chunk`).
fn fed(src: &Frame, p: &ResizeParams, chunk: usize) -> Frame {
    let mut r = RowResizer::new(src.width(), src.height(), src.layout(), p)
        .unwrap()
        .expect("streams");
    let stride = src.stride();
    let mut y = 0usize;
    let mut n = 1usize;
    while y < src.height() as usize {
        let room = r.space().unwrap();
        let rows = (room.len() / stride).min(n).min(src.height() as usize - y);
        room[..rows * stride].copy_from_slice(&src.data()[y * stride..(y + rows) * stride]);
        r.filled(rows).unwrap();
        y += rows;
        n = n % chunk + 1;
    }
    assert!(r.space().is_err(), "no room past the last row");
    r.finish().unwrap()
}

#[test]
fn rows_fed_in_order_resize_like_the_whole_frame() {
    let noise = |w: u32, h: u32, layout: PixelLayout| {
        let c = layout.channels() as u32;
        let data: Vec<u8> = (0..w * h * c)
            .map(|i| {
                let (x, y) = ((i / c) % w, (i / c) / w);
                // A gradient with noise: smooth areas and sharp edges both.
                ((x * 3 + y * 2) as u8).wrapping_add((i.wrapping_mul(2_654_435_761) >> 28) as u8)
            })
            .collect();
        Frame::new(w, h, layout, data).unwrap()
    };
    let boxed = |l: f64, t: f64, w: f64, h: f64| SourceBox {
        left: l,
        top: t,
        width: w,
        height: h,
    };
    let cases: Vec<(u32, u32, u32, u32, Option<SourceBox>, Filter)> = vec![
        // Downscales by 3.5, 8, 1.3; one axis only; an upscale; crops with fractional edges.
        (422, 317, 120, 90, None, Filter::Lanczos3),
        (400, 640, 50, 80, None, Filter::Lanczos3),
        (130, 260, 100, 200, None, Filter::CatmullRom),
        (300, 200, 300, 57, None, Filter::Lanczos3),
        (300, 200, 77, 200, None, Filter::Mitchell),
        (60, 40, 150, 100, None, Filter::Lanczos3),
        (
            640,
            480,
            100,
            100,
            Some(boxed(80.0, 0.0, 480.0, 480.0)),
            Filter::Lanczos3,
        ),
        (
            640,
            480,
            90,
            60,
            Some(boxed(13.25, 101.5, 300.5, 200.75)),
            Filter::Bilinear,
        ),
        (
            500,
            900,
            33,
            40,
            Some(boxed(0.0, 850.0, 500.0, 50.0)),
            Filter::Lanczos3,
        ),
        (2000, 3, 100, 1, None, Filter::Lanczos3),
        (3, 2000, 1, 100, None, Filter::Lanczos3),
    ];
    for layout in [PixelLayout::Rgb8, PixelLayout::Gray8] {
        for &(sw, sh, w, h, source, filter) in &cases {
            let src = noise(sw, sh, layout);
            let p = ResizeParams {
                width: w,
                height: h,
                filter,
                source,
                linear_light: false,
            };
            let whole = resize(&src, &p).unwrap();
            for chunk in [1, 7, 64] {
                let streamed = fed(&src, &p, chunk);
                assert_eq!((streamed.width(), streamed.height()), (w, h));
                assert_eq!(streamed.layout(), layout);
                // fast_image_resize picks its fixed-point precision from the largest
                // weight it computes, so a band may round a weight differently from
                // the whole frame: a level at most, on few samples.
                let (mut differ, mut worst) = (0usize, 0u8);
                for (a, b) in streamed.data().iter().zip(whole.data()) {
                    differ += usize::from(a != b);
                    worst = worst.max(a.abs_diff(*b));
                }
                let case = format!("{sw}x{sh} -> {w}x{h} {source:?} {filter:?} {layout:?}");
                assert!(worst <= 1, "{case} chunk {chunk}: off by {worst}");
                assert!(
                    differ * 100 <= whole.data().len(),
                    "{case}: {differ} differ"
                );
            }
        }
    }
}

#[test]
fn row_resizer_refuses_what_it_cannot_stream_and_missing_rows() {
    let p = params(10, 10);
    assert!(RowResizer::new(40, 40, PixelLayout::Rgba8, &p)
        .unwrap()
        .is_none());
    let nearest = ResizeParams {
        filter: Filter::Nearest,
        ..p
    };
    assert!(RowResizer::new(40, 40, PixelLayout::Rgb8, &nearest)
        .unwrap()
        .is_none());
    let mut r = RowResizer::new(40, 40, PixelLayout::Rgb8, &p)
        .unwrap()
        .unwrap();
    let room = r.space().unwrap().len();
    assert_eq!(room % 120, 0);
    assert!(
        r.filled(room / 120 + 1).is_err(),
        "more rows than the room held"
    );
    r.filled(5).unwrap();
    assert!(matches!(r.finish(), Err(Error::BadArgument(_))));
    let outside = ResizeParams {
        source: Some(SourceBox {
            left: 30.0,
            top: 0.0,
            width: 20.0,
            height: 10.0,
        }),
        ..p
    };
    assert!(RowResizer::new(40, 40, PixelLayout::Rgb8, &outside).is_err());
}

/// The alpha path (16 bits, fed to the vertical pass a band at a time) on a nearly
/// opaque picture equals the plain 8-bit resize of its colours to within the 8-bit
/// path's own rounding, for whole frames and boxes, across many bands.
#[test]
fn alpha_path_in_bands_matches_the_colours_resized_alone() {
    let (w, h) = (300u32, 700u32);
    let rgb: Vec<u8> = (0..w * h * 3)
        .map(|i| ((i / 3 % w) as u8 / 2).wrapping_add((i.wrapping_mul(2_654_435_761) >> 29) as u8))
        .collect();
    let mut rgba = Vec::with_capacity((w * h * 4) as usize);
    for px in rgb.chunks_exact(3) {
        rgba.extend_from_slice(px);
        rgba.push(255);
    }
    // One pixel far from the boxes below is not opaque, so the alpha path runs.
    rgba[3] = 254;
    let opaque = Frame::new(w, h, PixelLayout::Rgb8, rgb).unwrap();
    let alpha = Frame::new(w, h, PixelLayout::Rgba8, rgba).unwrap();
    for (ow, oh, source) in [
        (100, 233, None),
        (37, 61, None),
        (
            120,
            90,
            Some(SourceBox {
                left: 40.5,
                top: 300.25,
                width: 240.0,
                height: 180.0,
            }),
        ),
    ] {
        let p = ResizeParams {
            width: ow,
            height: oh,
            source,
            ..Default::default()
        };
        let a = resize(&alpha, &p).unwrap();
        let b = resize(&opaque, &p).unwrap();
        assert_eq!((a.width(), a.height()), (ow, oh));
        for (pa, pb) in a.data().chunks_exact(4).zip(b.data().chunks_exact(3)) {
            for (x, y) in pa[..3].iter().zip(pb) {
                assert!(
                    x.abs_diff(*y) <= 1,
                    "{ow}x{oh} {source:?}: {pa:?} vs {pb:?}"
                );
            }
        }
        if source.is_some() {
            assert!(a.data().chunks_exact(4).all(|px| px[3] == 255));
        }
    }
}
