//! `pg-N`: one page of a multi-page TIFF, one frame of an animated GIF, WebP or PNG.

use image::RgbaImage;
use pixform::engine::{Engine, Output, Request};
use pixform::{Category, Error};

use crate::odd::odd_dir;

fn run(bytes: &[u8], t: &str) -> pixform::Result<Output> {
    Engine::default().transform_str(bytes, t, &Request::default())
}

fn rgba(out: &Output) -> RgbaImage {
    image::load_from_memory(&out.bytes).unwrap().to_rgba8()
}

/// One page of a crafted TIFF: 8-bit grey, uncompressed, one strip.
struct Page {
    width: u32,
    height: u32,
    orientation: Option<u16>,
}

/// The grey level of page `page`'s stored pixel (x, y): distinct across pages and pixels.
fn level(page: usize, x: u32, y: u32) -> u8 {
    (page as u32 * 60 + x * 3 + y * 17) as u8
}

/// A classic TIFF of `pages` (little- or big-endian); `next_of_last` is the last IFD's
/// link (0 ends the chain; another IFD's offset makes a loop).
fn tiff(pages: &[Page], little: bool, loop_to_first: bool) -> Vec<u8> {
    let u16b = |v: u16| {
        if little {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        }
    };
    let u32b = |v: u32| {
        if little {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        }
    };
    let mut b = Vec::new();
    b.extend_from_slice(if little { b"II" } else { b"MM" });
    b.extend_from_slice(&u16b(42));
    b.extend_from_slice(&u32b(0)); // patched below
    let mut link_at = 4usize;
    let mut first_ifd = 0u32;
    for (i, p) in pages.iter().enumerate() {
        let data_at = b.len() as u32;
        for y in 0..p.height {
            for x in 0..p.width {
                b.push(level(i, x, y));
            }
        }
        if b.len() % 2 == 1 {
            b.push(0);
        }
        let ifd_at = b.len() as u32;
        if i == 0 {
            first_ifd = ifd_at;
        }
        b[link_at..link_at + 4].copy_from_slice(&u32b(ifd_at));
        // (tag, type, value): SHORT = 3 (left-justified in the field), LONG = 4.
        let mut entries: Vec<(u16, u16, u32)> = vec![
            (256, 4, p.width),
            (257, 4, p.height),
            (258, 3, 8),
            (259, 3, 1),
            (262, 3, 1),
            (273, 4, data_at),
            (277, 3, 1),
            (278, 4, p.height),
            (279, 4, p.width * p.height),
        ];
        if let Some(o) = p.orientation {
            entries.push((274, 3, u32::from(o)));
            entries.sort_by_key(|e| e.0);
        }
        b.extend_from_slice(&u16b(entries.len() as u16));
        for (tag, ty, v) in entries {
            b.extend_from_slice(&u16b(tag));
            b.extend_from_slice(&u16b(ty));
            b.extend_from_slice(&u32b(1));
            if ty == 3 {
                b.extend_from_slice(&u16b(v as u16));
                b.extend_from_slice(&[0, 0]);
            } else {
                b.extend_from_slice(&u32b(v));
            }
        }
        link_at = b.len();
        b.extend_from_slice(&u32b(0));
    }
    if loop_to_first {
        b[link_at..link_at + 4].copy_from_slice(&u32b(first_ifd));
    }
    b
}

fn three_pages() -> Vec<Page> {
    vec![
        Page {
            width: 4,
            height: 3,
            orientation: None,
        },
        Page {
            width: 5,
            height: 2,
            orientation: None,
        },
        Page {
            width: 3,
            height: 6,
            orientation: Some(6),
        },
    ]
}

fn grey(out: &Output) -> image::GrayImage {
    image::load_from_memory(&out.bytes).unwrap().to_luma8()
}

#[test]
fn tiff_page_n_is_that_page_exactly() {
    for little in [true, false] {
        let t = tiff(&three_pages(), little, false);
        let first = run(&t, "f-png").unwrap();
        assert_eq!((first.width, first.height), (4, 3));
        assert_eq!(first.report.pages, Some(3));
        assert_eq!(first.report.page, 1);

        let out = run(&t, "pg-2,f-png").unwrap();
        assert_eq!((out.width, out.height), (5, 2), "little-endian {little}");
        assert_eq!(out.report.page, 2);
        assert_eq!(out.report.pages, Some(3));
        let img = grey(&out);
        for y in 0..2 {
            for x in 0..5 {
                assert_eq!(img.get_pixel(x, y).0[0], level(1, x, y), "({x}, {y})");
            }
        }
        let json = out.to_json();
        assert!(
            json.contains(r#""input_size":[5,2],"page":2,"pages":3,"#),
            "{json}"
        );
    }
}

#[test]
fn tiff_page_keeps_its_own_orientation() {
    // Page 3 is stored 3×6 with orientation 6 (rotate 90° clockwise): upright 6×3.
    let t = tiff(&three_pages(), true, false);
    let out = run(&t, "pg-3,f-png").unwrap();
    assert_eq!((out.width, out.height), (6, 3));
    assert_eq!(out.report.orientation, 6);
    let img = grey(&out);
    for y in 0..3 {
        for x in 0..6 {
            // Upright (x, y) is stored (y, height - 1 - x).
            assert_eq!(img.get_pixel(x, y).0[0], level(2, y, 5 - x), "({x}, {y})");
        }
    }
    // The first step is planned on the page's size.
    let small = run(&t, "pg-3,w-3,f-png").unwrap();
    assert_eq!((small.width, small.height), (3, 2));
}

#[test]
fn a_page_past_the_last_is_an_invalid_transform() {
    let t = tiff(&three_pages(), true, false);
    let e = run(&t, "pg-4,f-png").unwrap_err();
    assert_eq!(e.category(), Category::InvalidTransform, "{e}");
    assert!(
        e.to_string().contains("page 4") && e.to_string().contains('3'),
        "{e}"
    );
    // A still format has one page.
    let png = run(&t, "f-png").unwrap().bytes;
    let e = run(&png, "pg-2").unwrap_err();
    assert_eq!(e.category(), Category::InvalidTransform, "{e}");
    let jpg = run(&t, "f-jpg").unwrap().bytes;
    assert!(matches!(run(&jpg, "pg-2"), Err(Error::Geometry(_))));
    assert_eq!(run(&jpg, "pg-1,f-png").unwrap().report.pages, Some(1));
}

#[test]
fn a_looping_page_chain_counts_each_page_once() {
    let t = tiff(&three_pages()[..2], true, true);
    let out = run(&t, "pg-2,f-png").unwrap();
    assert_eq!((out.width, out.height), (5, 2));
    assert_eq!(out.report.pages, Some(2));
    let e = run(&t, "pg-3").unwrap_err();
    assert_eq!(e.category(), Category::InvalidTransform);
}

#[test]
fn two_different_pages_are_refused() {
    let t = tiff(&three_pages(), true, false);
    let e = run(&t, "pg-2:w-3,pg-3").unwrap_err();
    assert_eq!(e.category(), Category::UnsupportedTransform, "{e}");
    // The same page twice is one choice.
    let out = run(&t, "pg-2:w-3,pg-2,f-png").unwrap();
    assert_eq!(out.report.page, 2);
}

#[test]
fn corpus_tiff_pages_match_libvips() {
    // image-tiff's three 16×16 grey pages; libvips 8.14 `vips getpoint file[page=N] x y`.
    let b = std::fs::read(
        odd_dir().join("tiff/image-tiff--images--seq--seq-1c-8b-multipage-adeefdcc.tiff"),
    )
    .unwrap();
    for (page, at33, at99) in [(1, 51, 153), (2, 101, 203), (3, 151, 253)] {
        let out = run(&b, &format!("pg-{page},f-png")).unwrap();
        assert_eq!((out.width, out.height), (16, 16), "page {page}");
        assert_eq!(out.report.pages, Some(3));
        let img = grey(&out);
        assert_eq!(img.get_pixel(3, 3).0[0], at33, "page {page}");
        assert_eq!(img.get_pixel(9, 9).0[0], at99, "page {page}");
    }
    // Pillow's pages are 1-bit palette, which image's TIFF decoder refuses: a typed error.
    let p = std::fs::read(odd_dir().join("tiff/pillow--multipage_out_of_order.tiff")).unwrap();
    assert!(matches!(run(&p, "pg-2"), Err(Error::Undecodable { .. })));
}

/// An animated GIF: a red 8×8 canvas, then a blue 4×4 patch at (2, 2) over it (frame 1
/// kept, disposal 1). Written by hand: `image`'s encoder places every frame at (0, 0).
fn two_frame_gif() -> Vec<u8> {
    // LZW with 2-bit colour indices: a clear code before every two pixels keeps the code
    // width at 3 bits, so no real compression is needed.
    fn lzw(pixels: &[u8]) -> Vec<u8> {
        let (clear, end) = (4u32, 5u32);
        let mut codes = Vec::new();
        for pair in pixels.chunks(2) {
            codes.push(clear);
            codes.extend(pair.iter().map(|&p| u32::from(p)));
        }
        codes.push(end);
        let (mut out, mut acc, mut bits) = (Vec::new(), 0u32, 0);
        for c in codes {
            acc |= c << bits;
            bits += 3;
            while bits >= 8 {
                out.push(acc as u8);
                acc >>= 8;
                bits -= 8;
            }
        }
        if bits > 0 {
            out.push(acc as u8);
        }
        out
    }
    fn frame(b: &mut Vec<u8>, left: u16, top: u16, side: u16, index: u8) {
        // Graphic control: disposal 1 (keep), 10 ms.
        b.extend_from_slice(&[0x21, 0xF9, 4, 0x04, 1, 0, 0, 0]);
        b.push(0x2C);
        for v in [left, top, side, side] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.push(0);
        b.push(2); // minimum code size
        let data = lzw(&vec![index; usize::from(side) * usize::from(side)]);
        for block in data.chunks(255) {
            b.push(block.len() as u8);
            b.extend_from_slice(block);
        }
        b.push(0);
    }
    let mut b = b"GIF89a".to_vec();
    b.extend_from_slice(&8u16.to_le_bytes());
    b.extend_from_slice(&8u16.to_le_bytes());
    b.extend_from_slice(&[0x81, 0, 0]); // global table of 4 colours
    b.extend_from_slice(&[255, 0, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255]);
    frame(&mut b, 0, 0, 8, 0);
    frame(&mut b, 2, 2, 4, 1);
    b.push(0x3B);
    b
}

#[test]
fn gif_frame_n_is_composited_on_the_canvas() {
    let gif = two_frame_gif();
    let first = rgba(&run(&gif, "f-png").unwrap());
    assert_eq!(first.get_pixel(4, 4).0, [255, 0, 0, 255]);
    let out = run(&gif, "pg-2,f-png").unwrap();
    assert_eq!((out.width, out.height), (8, 8));
    assert_eq!(out.report.pages, Some(2));
    let img = rgba(&out);
    for (x, y) in [(2, 2), (5, 5), (4, 3)] {
        assert_eq!(
            img.get_pixel(x, y).0,
            [0, 0, 255, 255],
            "the patch at ({x}, {y})"
        );
    }
    for (x, y) in [(0, 0), (1, 4), (6, 6), (7, 0)] {
        assert_eq!(
            img.get_pixel(x, y).0,
            [255, 0, 0, 255],
            "frame 1 at ({x}, {y})"
        );
    }
    // Steps run on the chosen frame.
    let half = rgba(&run(&gif, "pg-2,w-4,f-png").unwrap());
    assert_eq!(half.dimensions(), (4, 4));
    // The patch's middle stays blue; the filter's tails mix in a little red.
    let [r, _, b, _] = half.get_pixel(2, 2).0;
    assert!(b > 200 && r < 60, "{:?}", half.get_pixel(2, 2));
    let [r, _, b, _] = half.get_pixel(0, 0).0;
    assert!(r > 200 && b < 60, "{:?}", half.get_pixel(0, 0));
    assert!(matches!(run(&gif, "pg-3"), Err(Error::Geometry(_))));
}

#[test]
fn webp_frames_match_libvips() {
    // libvips 8.14 `vips getpoint file[page=N] x y`. The file is lossless, but later frames
    // are alpha-blended over earlier ones and libwebp's blend rounds differently from
    // image-webp's: a level at most.
    let b =
        std::fs::read(odd_dir().join("webp/image-webp--animated--random_lossless.webp")).unwrap();
    let want = [
        ([42, 79, 149], [223, 33, 220]),
        ([241, 78, 150], [57, 66, 10]),
        ([141, 81, 203], [12, 102, 104]),
    ];
    for (i, (a, c)) in want.iter().enumerate() {
        let out = run(&b, &format!("pg-{},f-png", i + 1)).unwrap();
        assert_eq!((out.width, out.height), (64, 63));
        assert_eq!(out.report.pages, Some(3));
        let img = rgba(&out);
        for (x, y, want) in [(3, 4, a), (40, 50, c)] {
            let got = &img.get_pixel(x, y).0[..3];
            let off = got.iter().zip(want).map(|(g, w)| g.abs_diff(*w)).max();
            assert!(
                off <= Some(1),
                "frame {} ({x}, {y}): {got:?} vs {want:?}",
                i + 1
            );
        }
        // Frame 1 is not blended with anything: exact.
        if i == 0 {
            assert_eq!(&img.get_pixel(3, 4).0[..3], a);
        }
    }
}

#[test]
fn apng_frame_two_differs_from_frame_one() {
    let b = std::fs::read(odd_dir().join("png/wuffs--animated-red-blue.apng")).unwrap();
    let one = run(&b, "pg-1,f-png").unwrap();
    let two = run(&b, "pg-2,f-png").unwrap();
    assert_eq!((two.width, two.height), (64, 48));
    assert_eq!(two.report.page, 2);
    assert!(two.report.pages.is_some_and(|p| p >= 2));
    assert_ne!(rgba(&one).into_raw(), rgba(&two).into_raw());
}
