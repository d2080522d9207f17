//! Integration tests: ops. Pixel facts on small images built here.

use pixform::ops::{self, Rgba};
use pixform::{Category, Frame, PixelLayout};

const RED: [u8; 3] = [255, 0, 0];
const GREEN: [u8; 3] = [0, 255, 0];
const BLUE: [u8; 3] = [0, 0, 255];
const WHITE: [u8; 3] = [255, 255, 255];

/// `w × h` RGB: red top-left, green top-right, blue bottom-left, white bottom-right
/// (w and h even).
fn quadrants(w: u32, h: u32) -> Frame {
    let mut data = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let px = match (x < w / 2, y < h / 2) {
                (true, true) => RED,
                (false, true) => GREEN,
                (true, false) => BLUE,
                (false, false) => WHITE,
            };
            data.extend_from_slice(&px);
        }
    }
    Frame::new(w, h, PixelLayout::Rgb8, data).unwrap()
}

/// The colours at the centres of the four quadrants: TL, TR, BL, BR.
fn layout_of(f: &Frame) -> [[u8; 3]; 4] {
    let (w, h) = (f.width(), f.height());
    let at = |x: u32, y: u32| -> [u8; 3] { f.pixel(x, y).unwrap()[..3].try_into().unwrap() };
    [
        at(w / 4, h / 4),
        at(3 * w / 4, h / 4),
        at(w / 4, 3 * h / 4),
        at(3 * w / 4, 3 * h / 4),
    ]
}

/// A frame whose every pixel is distinct (gray, numbered).
fn numbered(w: u32, h: u32) -> Frame {
    Frame::new(
        w,
        h,
        PixelLayout::Gray8,
        (0..w * h).map(|i| i as u8).collect(),
    )
    .unwrap()
}

// Independent reference transforms, pixel by pixel.
fn map(src: &Frame, w: u32, h: u32, f: impl Fn(u32, u32) -> (u32, u32)) -> Frame {
    let mut data = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let (sx, sy) = f(x, y);
            data.extend_from_slice(src.pixel(sx, sy).unwrap());
        }
    }
    Frame::new(w, h, src.layout(), data).unwrap()
}
fn ref_flip_h(f: &Frame) -> Frame {
    let w = f.width();
    map(f, w, f.height(), |x, y| (w - 1 - x, y))
}
fn ref_flip_v(f: &Frame) -> Frame {
    let h = f.height();
    map(f, f.width(), h, |x, y| (x, h - 1 - y))
}
fn ref_transpose(f: &Frame) -> Frame {
    map(f, f.height(), f.width(), |x, y| (y, x))
}
/// 90° clockwise: output (x, y) comes from source (y, H − 1 − x).
fn ref_rot90(f: &Frame) -> Frame {
    let h = f.height();
    map(f, h, f.width(), |x, y| (y, h - 1 - x))
}

#[test]
fn crop_each_quadrant() {
    let q = quadrants(8, 6);
    let cases = [
        ((0, 0), RED),
        ((4, 0), GREEN),
        ((0, 3), BLUE),
        ((4, 3), WHITE),
    ];
    for ((x, y), colour) in cases {
        let c = ops::crop(
            &q,
            &ops::CropParams {
                x,
                y,
                width: 4,
                height: 3,
            },
        )
        .unwrap();
        assert_eq!((c.width(), c.height()), (4, 3));
        assert!(
            c.data().chunks_exact(3).all(|p| p == colour),
            "quadrant at {x},{y}"
        );
    }
    let e = ops::crop(
        &q,
        &ops::CropParams {
            x: 5,
            y: 0,
            width: 4,
            height: 1,
        },
    )
    .unwrap_err();
    assert_eq!(e.category(), Category::BadArgument);
}

#[test]
fn rotate_and_flip_move_quadrants() {
    let q = quadrants(8, 6);
    let r90 = ops::rotate(
        &q,
        &ops::RotateParams {
            degrees: 90.0,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!((r90.width(), r90.height()), (6, 8));
    assert_eq!(layout_of(&r90), [BLUE, RED, WHITE, GREEN]);
    assert_eq!(r90, ref_rot90(&q));
    let r270 = ops::rotate(
        &q,
        &ops::RotateParams {
            degrees: -90.0,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(layout_of(&r270), [GREEN, WHITE, RED, BLUE]);
    let r180 = ops::rotate(
        &q,
        &ops::RotateParams {
            degrees: 180.0,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(layout_of(&r180), [WHITE, BLUE, GREEN, RED]);

    let h = ops::flip(
        &q,
        &ops::FlipParams {
            horizontal: true,
            vertical: false,
        },
    )
    .unwrap();
    assert_eq!(layout_of(&h), [GREEN, RED, WHITE, BLUE]);
    let v = ops::flip(
        &q,
        &ops::FlipParams {
            horizontal: false,
            vertical: true,
        },
    )
    .unwrap();
    assert_eq!(layout_of(&v), [BLUE, WHITE, RED, GREEN]);
}

#[test]
fn orient_all_eight_match_independent_composition() {
    for src in [numbered(5, 3), quadrants(8, 6)] {
        let expected = [
            src.clone(),
            ref_flip_h(&src),
            ref_flip_v(&ref_flip_h(&src)),
            ref_flip_v(&src),
            ref_transpose(&src),
            ref_rot90(&src),
            ref_flip_v(&ref_flip_h(&ref_transpose(&src))),
            ref_rot90(&ref_rot90(&ref_rot90(&src))),
        ];
        for (i, want) in expected.iter().enumerate() {
            let o = i as u8 + 1;
            let got = ops::orient(&src, &ops::OrientParams { orientation: o }).unwrap();
            assert_eq!(&got, want, "orientation {o}");
            let owned =
                ops::orient_owned(src.clone(), &ops::OrientParams { orientation: o }).unwrap();
            assert_eq!(&owned, want, "orientation {o} (owned)");
        }
    }
    // The quadrant picture as a person sees it after each orientation.
    let q = quadrants(8, 6);
    let seen: Vec<_> = (1..=8)
        .map(|o| layout_of(&ops::orient(&q, &ops::OrientParams { orientation: o }).unwrap()))
        .collect();
    assert_eq!(
        seen,
        vec![
            [RED, GREEN, BLUE, WHITE],
            [GREEN, RED, WHITE, BLUE],
            [WHITE, BLUE, GREEN, RED],
            [BLUE, WHITE, RED, GREEN],
            [RED, BLUE, GREEN, WHITE],
            [BLUE, RED, WHITE, GREEN],
            [WHITE, GREEN, BLUE, RED],
            [GREEN, WHITE, RED, BLUE],
        ]
    );
    let e = ops::orient(&q, &ops::OrientParams { orientation: 9 }).unwrap_err();
    assert_eq!(e.category(), Category::BadArgument);
}

#[test]
fn pad_places_picture_at_offset() {
    let q = quadrants(4, 4);
    let bg = Rgba::opaque(10, 20, 30);
    let p = ops::PadParams {
        width: 10,
        height: 7,
        x: 3,
        y: 2,
        background: bg,
    };
    let out = ops::pad(&q, &p).unwrap();
    assert_eq!(
        (out.width(), out.height(), out.layout()),
        (10, 7, PixelLayout::Rgb8)
    );
    for (x, y) in [
        (0, 0),
        (9, 0),
        (0, 6),
        (9, 6),
        (2, 2),
        (7, 2),
        (3, 1),
        (3, 6),
    ] {
        assert_eq!(out.pixel(x, y), Some(&[10, 20, 30][..]), "({x},{y})");
    }
    assert_eq!(out.pixel(3, 2), Some(&RED[..]));
    assert_eq!(out.pixel(6, 2), Some(&GREEN[..]));
    assert_eq!(out.pixel(3, 5), Some(&BLUE[..]));
    assert_eq!(out.pixel(6, 5), Some(&WHITE[..]));
    // Gray source on a coloured canvas becomes RGB; a translucent canvas adds alpha.
    let g = Frame::filled(2, 2, PixelLayout::Gray8, &[7]).unwrap();
    assert_eq!(ops::pad(&g, &p).unwrap().layout(), PixelLayout::Rgb8);
    let t = ops::PadParams {
        background: Rgba::new(0, 0, 0, 10),
        ..p
    };
    assert_eq!(ops::pad(&g, &t).unwrap().layout(), PixelLayout::GrayAlpha8);
}

/// Opaque red on the left half, fully transparent *black* on the right half.
fn red_next_to_transparent_black(w: u32, h: u32) -> Frame {
    let mut data = Vec::new();
    for _ in 0..h {
        for x in 0..w {
            data.extend_from_slice(if x < w / 2 {
                &[255, 0, 0, 255]
            } else {
                &[0, 0, 0, 0]
            });
        }
    }
    Frame::new(w, h, PixelLayout::Rgba8, data).unwrap()
}

#[test]
fn resize_has_no_dark_fringe() {
    let src = red_next_to_transparent_black(40, 10);
    for filter in [
        ops::Filter::Lanczos3,
        ops::Filter::CatmullRom,
        ops::Filter::Bilinear,
        ops::Filter::Mitchell,
    ] {
        for (w, h) in [(13, 5), (7, 3), (97, 23)] {
            let out = ops::resize(
                &src,
                &ops::ResizeParams {
                    width: w,
                    height: h,
                    filter,
                    source: None,
                    linear_light: false,
                },
            )
            .unwrap();
            let mut partial = 0;
            for px in out.data().chunks_exact(4) {
                if px[3] > 0 {
                    assert!(
                        px[0] >= 250 && px[1] <= 5 && px[2] <= 5,
                        "{filter:?} {w}x{h}: {px:?}"
                    );
                    if px[3] < 255 {
                        partial += 1;
                    }
                }
            }
            // The edge really is blended (otherwise the test would prove nothing).
            assert!(partial > 0, "{filter:?} {w}x{h}");
        }
    }
    // Same for gray + alpha.
    let ga = Frame::new(
        4,
        1,
        PixelLayout::GrayAlpha8,
        vec![200, 255, 200, 255, 0, 0, 0, 0],
    )
    .unwrap();
    let out = ops::resize(
        &ga,
        &ops::ResizeParams {
            width: 9,
            height: 1,
            ..Default::default()
        },
    )
    .unwrap();
    for px in out.data().chunks_exact(2) {
        // Lanczos rings (colour may overshoot), but nothing darkens towards black. Below
        // alpha 32 an 8-bit premultiplied value has too few levels to say more.
        if px[1] >= 32 {
            assert!(px[0] >= 195, "{px:?}");
        }
    }
}

#[test]
fn resize_constant_and_fused_crop() {
    for (layout, px) in [
        (PixelLayout::Gray8, &[77u8][..]),
        (PixelLayout::GrayAlpha8, &[77, 140][..]),
        (PixelLayout::Rgb8, &[10, 120, 240][..]),
        (PixelLayout::Rgba8, &[10, 120, 240, 33][..]),
    ] {
        let f = Frame::filled(50, 31, layout, px).unwrap();
        for (w, h) in [(1, 1), (17, 9), (120, 80), (50, 1)] {
            let out = ops::resize(
                &f,
                &ops::ResizeParams {
                    width: w,
                    height: h,
                    ..Default::default()
                },
            )
            .unwrap();
            assert_eq!((out.width(), out.height(), out.layout()), (w, h, layout));
            assert!(
                out.data().chunks_exact(px.len()).all(|p| p == px),
                "{layout:?} {w}x{h} {:?}",
                &out.data()[..px.len()]
            );
        }
    }
    // Crop + resize in one call: the green quadrant stays green.
    let q = quadrants(80, 60);
    let p = ops::ResizeParams {
        width: 10,
        height: 10,
        source: Some(ops::SourceBox {
            left: 45.0,
            top: 2.5,
            width: 30.0,
            height: 25.0,
        }),
        ..Default::default()
    };
    let out = ops::resize(&q, &p).unwrap();
    assert!(out.data().chunks_exact(3).all(|p| p == GREEN));
    let outside = ops::ResizeParams {
        source: Some(ops::SourceBox {
            left: 60.0,
            top: 0.0,
            width: 30.0,
            height: 10.0,
        }),
        ..p
    };
    assert_eq!(
        ops::resize(&q, &outside).unwrap_err().category(),
        Category::BadArgument
    );
}

#[test]
fn blur_constant_and_edge() {
    let f = Frame::filled(30, 20, PixelLayout::Rgb8, &[40, 90, 200]).unwrap();
    let sigma = ops::sigma_from_imagekit_radius(10.0);
    assert_eq!(ops::blur(&f, &ops::BlurParams { sigma }).unwrap(), f);
    let q = quadrants(40, 40);
    let b = ops::blur(&q, &ops::BlurParams { sigma: 3.0 }).unwrap();
    assert_eq!((b.width(), b.height()), (40, 40));
    // Far from the edges the colours stay; at the red/green edge they mix.
    assert_eq!(b.pixel(2, 2), Some(&RED[..]));
    let edge = b.pixel(19, 5).unwrap();
    assert!(
        edge[0] > 100 && edge[0] < 250 && edge[1] > 5 && edge[1] < 200,
        "{edge:?}"
    );
    // Premultiplied: red next to transparent black keeps its colour.
    let rt = ops::blur(
        &red_next_to_transparent_black(20, 4),
        &ops::BlurParams { sigma: 2.0 },
    )
    .unwrap();
    for px in rt.data().chunks_exact(4) {
        if px[3] > 0 {
            assert!(px[0] >= 250 && px[1] <= 5, "{px:?}");
        }
    }
}

#[test]
fn radius_border_trim_flatten_grayscale() {
    let q = quadrants(30, 20);
    let r = ops::radius(
        &q,
        &ops::RadiusParams {
            corners: [6; 4],
            max: false,
        },
    )
    .unwrap();
    assert_eq!(r.layout(), PixelLayout::Rgba8);
    for (x, y) in [(0, 0), (29, 0), (0, 19), (29, 19)] {
        assert_eq!(r.pixel(x, y).unwrap()[3], 0, "corner {x},{y}");
    }
    assert_eq!(r.pixel(15, 10).unwrap()[3], 255);

    let b = ops::border(
        &q,
        &ops::BorderParams {
            width: 3,
            color: Rgba::opaque(1, 2, 3),
        },
    )
    .unwrap();
    assert_eq!((b.width(), b.height()), (36, 26));
    assert_eq!(b.pixel(0, 0), Some(&[1, 2, 3][..]));
    assert_eq!(b.pixel(2, 13), Some(&[1, 2, 3][..]));
    assert_eq!(b.pixel(33, 25), Some(&[1, 2, 3][..]));
    assert_eq!(b.pixel(3, 3), Some(&RED[..]));
    assert_eq!(b.pixel(32, 22), Some(&WHITE[..]));

    // A 10×6 picture on a white margin of 7 / 5 / 13 / 9.
    let inner = quadrants(10, 6);
    let framed = ops::pad(
        &inner,
        &ops::PadParams {
            width: 30,
            height: 20,
            x: 7,
            y: 5,
            background: Rgba::WHITE,
        },
    )
    .unwrap();
    let framed = {
        // Make the picture's own white corner not touch the margin.
        let mut f = framed;
        for y in 8..11 {
            for x in 12..17 {
                let i = (y * 30 + x) * 3;
                f.data_mut()[i..i + 3].copy_from_slice(&BLUE);
            }
        }
        f
    };
    let t = ops::trim(&framed, &ops::TrimParams::default()).unwrap();
    assert_eq!((t.width(), t.height()), (10, 6));
    assert_eq!(
        ops::trim_box(&framed, &ops::TrimParams::default()).unwrap(),
        (7, 5, 10, 6)
    );

    let half_black = Frame::filled(2, 2, PixelLayout::Rgba8, &[0, 0, 0, 128]).unwrap();
    let flat = ops::flatten(
        &half_black,
        &ops::FlattenParams {
            background: Rgba::WHITE,
        },
    )
    .unwrap();
    assert_eq!(flat.layout(), PixelLayout::Rgb8);
    assert!(
        flat.data().iter().all(|v| (126..=129).contains(v)),
        "{:?}",
        flat.data()
    );

    let g = ops::grayscale(
        &q,
        &ops::GrayscaleParams {
            keep_channels: true,
        },
    )
    .unwrap();
    assert!(g
        .data()
        .chunks_exact(3)
        .all(|p| p[0] == p[1] && p[1] == p[2]));
    assert_eq!(g.pixel(0, 0), Some(&[76, 76, 76][..]));
    let g1 = ops::grayscale(&q, &ops::GrayscaleParams::default()).unwrap();
    assert_eq!(
        (g1.layout(), g1.pixel(29, 19)),
        (PixelLayout::Gray8, Some(&[255][..]))
    );
}

/// Every op on every layout and on tiny and thin frames: no panic, the documented size.
#[test]
fn every_op_every_size() {
    let layouts = [
        PixelLayout::Gray8,
        PixelLayout::GrayAlpha8,
        PixelLayout::Rgb8,
        PixelLayout::Rgba8,
    ];
    let sizes = [(1, 1), (1, 9), (9, 1), (13, 7), (2, 300)];
    for layout in layouts {
        for (w, h) in sizes {
            let px = [90u8, 160, 30, 200];
            let mut f = Frame::filled(w, h, layout, &px[..layout.channels()]).unwrap();
            if let Some(v) = f.data_mut().first_mut() {
                *v = 250;
            }
            let same = (w, h);
            let size = |r: pixform::Result<Frame>| -> (u32, u32) {
                let r = r.unwrap_or_else(|e| panic!("{layout:?} {w}x{h}: {e}"));
                (r.width(), r.height())
            };
            assert_eq!(
                size(ops::resize(
                    &f,
                    &ops::ResizeParams {
                        width: 5,
                        height: 3,
                        ..Default::default()
                    }
                )),
                (5, 3)
            );
            assert_eq!(
                size(ops::crop(
                    &f,
                    &ops::CropParams {
                        x: w / 2,
                        y: h / 2,
                        width: 1,
                        height: 1
                    }
                )),
                (1, 1)
            );
            assert_eq!(
                size(ops::pad(
                    &f,
                    &ops::PadParams {
                        width: w + 4,
                        height: h + 1,
                        x: 2,
                        y: 1,
                        background: Rgba::TRANSPARENT
                    }
                )),
                (w + 4, h + 1)
            );
            assert_eq!(
                size(ops::rotate(
                    &f,
                    &ops::RotateParams {
                        degrees: 90.0,
                        ..Default::default()
                    }
                )),
                (h, w)
            );
            assert_eq!(
                size(ops::rotate(
                    &f,
                    &ops::RotateParams {
                        degrees: 30.0,
                        ..Default::default()
                    }
                )),
                ops::rotated_size(w, h, 30.0).unwrap()
            );
            assert_eq!(
                size(ops::flip(
                    &f,
                    &ops::FlipParams {
                        horizontal: true,
                        vertical: true
                    }
                )),
                same
            );
            for o in 1..=8 {
                let want = if o >= 5 { (h, w) } else { same };
                assert_eq!(
                    size(ops::orient(&f, &ops::OrientParams { orientation: o })),
                    want
                );
            }
            assert_eq!(size(ops::flatten(&f, &ops::FlattenParams::default())), same);
            assert_eq!(
                size(ops::background(
                    &f,
                    &ops::BackgroundParams {
                        color: Rgba::new(1, 2, 3, 4)
                    }
                )),
                same
            );
            assert_eq!(size(ops::blur(&f, &ops::BlurParams { sigma: 51.0 })), same);
            assert_eq!(size(ops::sharpen(&f, &ops::SharpenParams::default())), same);
            assert_eq!(size(ops::unsharp(&f, &ops::UnsharpParams::default())), same);
            assert_eq!(
                size(ops::grayscale(&f, &ops::GrayscaleParams::default())),
                same
            );
            assert_eq!(
                size(ops::contrast(&f, &ops::ContrastParams::default())),
                same
            );
            assert_eq!(
                size(ops::opacity(&f, &ops::OpacityParams { percent: 40 })),
                same
            );
            assert_eq!(
                size(ops::border(
                    &f,
                    &ops::BorderParams {
                        width: 2,
                        color: Rgba::WHITE
                    }
                )),
                (w + 4, h + 4)
            );
            assert_eq!(
                size(ops::radius(
                    &f,
                    &ops::RadiusParams {
                        corners: [3, 1, 0, 9],
                        max: false
                    }
                )),
                same
            );
            assert_eq!(
                size(ops::radius(
                    &f,
                    &ops::RadiusParams {
                        max: true,
                        ..Default::default()
                    }
                )),
                same
            );
            let t = size(ops::trim(&f, &ops::TrimParams::default()));
            assert!(t.0 >= 1 && t.1 >= 1 && t.0 <= w && t.1 <= h);
            assert_eq!(
                size(ops::colorize(
                    &f,
                    &ops::ColorizeParams {
                        color: Rgba::opaque(200, 10, 10),
                        intensity: 60
                    }
                )),
                same
            );
            assert_eq!(
                size(ops::gradient(&f, &ops::GradientParams::default())),
                same
            );
        }
    }
}

#[test]
fn opacity_and_background_alpha() {
    let q = quadrants(4, 4);
    let o = ops::opacity(&q, &ops::OpacityParams { percent: 50 }).unwrap();
    assert_eq!(o.layout(), PixelLayout::Rgba8);
    assert_eq!(o.pixel(0, 0), Some(&[255, 0, 0, 128][..]));
    let over = ops::background(
        &o,
        &ops::BackgroundParams {
            color: Rgba::opaque(0, 0, 255),
        },
    )
    .unwrap();
    assert_eq!(over.layout(), PixelLayout::Rgb8);
    assert_eq!(over.pixel(0, 0), Some(&[128, 0, 127][..]));
    let e = ops::opacity(&q, &ops::OpacityParams { percent: 200 }).unwrap_err();
    assert_eq!(e.category(), Category::BadArgument);
}

#[test]
fn catalogue_names_every_op() {
    let names: Vec<_> = ops::CATALOGUE.iter().map(|o| o.name).collect();
    for n in [
        "resize",
        "crop",
        "pad",
        "rotate",
        "flip",
        "orient",
        "flatten",
        "background",
        "blur",
        "sharpen",
        "unsharp",
        "grayscale",
        "contrast",
        "opacity",
        "border",
        "radius",
        "trim",
        "colorize",
        "gradient",
    ] {
        assert!(names.contains(&n), "{n}");
    }
    assert!(ops::CATALOGUE.iter().all(|o| !o.description.is_empty()));
}
