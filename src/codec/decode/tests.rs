use super::*;
use image::ColorType;

#[test]
fn shrink_denom_picks_largest_fitting() {
    assert_eq!(shrink_denom(4000, 3000, None), 1);
    assert_eq!(shrink_denom(4000, 3000, Some((300, 200))), 8);
    assert_eq!(shrink_denom(4000, 3000, Some((500, 375))), 8);
    assert_eq!(shrink_denom(4000, 3000, Some((501, 375))), 4);
    assert_eq!(shrink_denom(4000, 3000, Some((1000, 751))), 2);
    assert_eq!(shrink_denom(4000, 3000, Some((2001, 10))), 1);
    // ceil: 17 / 8 = 3 (2.125 rounded up).
    assert_eq!(shrink_denom(17, 17, Some((3, 3))), 8);
    assert_eq!(shrink_denom(17, 17, Some((4, 4))), 4);
}

#[test]
fn jpeg_walk_survives_every_truncation() {
    let mut j = vec![0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10];
    j.extend_from_slice(b"Exif\0\0II*\0\x08\0\0\0");
    j.extend_from_slice(&[0xFF, 0xC0, 0, 11, 8, 0, 16, 0, 32, 1, 1, 0x11, 0]);
    j.extend_from_slice(&[0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0, 0x12, 0x34, 0xFF, 0xD9]);
    let info = jpeg::walk(&j, true).unwrap();
    assert_eq!((info.width, info.height, info.scans), (32, 16, 1));
    assert_eq!(info.exif, Some(&b"II*\0\x08\0\0\0"[..]));
    for n in 0..j.len() {
        let _ = jpeg::walk(&j[..n], true);
        let _ = jpeg::walk(&j[..n], false);
    }
}

#[test]
fn frame_counters_are_bounded() {
    assert_eq!(
        webp_frame_count(b"RIFF\0\0\0\0WEBPANMF\xff\xff\xff\xff"),
        Some(1)
    );
    assert_eq!(
        png_frame_count(b"\x89PNG\r\n\x1a\n\0\0\0\x08acTL\0\0\0\x05"),
        Some(5)
    );
    assert_eq!(gif_frame_count(b"GIF89a", 10), None);
}

#[test]
fn sixteen_bit_reduces_with_rounding() {
    let mut b = Vec::new();
    for v in [0u16, 257, 65535, 32896] {
        b.extend_from_slice(&v.to_ne_bytes());
    }
    let f = depth::to_8bit(ColorType::L16, b, (4, 1)).unwrap();
    assert_eq!(f.layout(), PixelLayout::Gray8);
    assert_eq!(f.data(), &[0, 1, 255, 128]);
}
