//! The container reader's own checks: orientation table, clean aperture, bounds.

use super::*;

#[test]
fn rotation_then_mirror_is_the_exif_orientation() {
    // Composed point maps: R = 90° anticlockwise, then the mirror.
    assert_eq!(orientation(0, None), 1);
    assert_eq!(orientation(1, None), 8);
    assert_eq!(orientation(2, None), 3);
    assert_eq!(orientation(3, None), 6);
    // Pillow's table (Tests/test_file_avif.py, test_rot_mir_exif).
    assert_eq!(orientation(0, Some(0)), 4);
    assert_eq!(orientation(0, Some(1)), 2);
    assert_eq!(orientation(1, Some(0)), 5);
    assert_eq!(orientation(1, Some(1)), 7);
    assert_eq!(orientation(2, Some(0)), 2);
    assert_eq!(orientation(2, Some(1)), 4);
    assert_eq!(orientation(3, Some(0)), 7);
    assert_eq!(orientation(3, Some(1)), 5);
}

#[test]
fn clean_aperture_is_exact_or_ignored() {
    let clap = |w: (u32, u32), h: (u32, u32), ho: (i32, u32), vo: (i32, u32)| Clap {
        width: w,
        height: h,
        horiz_off: ho,
        vert_off: vo,
    };
    // Centred 100x50 in 120x60.
    let c = clap((100, 1), (50, 1), (0, 1), (0, 1));
    assert_eq!(c.rect(120, 60), Some((10, 5, 100, 50)));
    // Offset by -10/+5 pixels.
    let c = clap((100, 1), (50, 1), (-10, 1), (5, 1));
    assert_eq!(c.rect(120, 60), Some((0, 10, 100, 50)));
    // Half-pixel edge: ignored.
    let c = clap((99, 1), (50, 1), (0, 1), (0, 1));
    assert_eq!(c.rect(120, 60), None);
    // Outside the picture, zero denominators: ignored.
    assert_eq!(
        clap((100, 1), (50, 1), (-20, 1), (0, 1)).rect(120, 60),
        None
    );
    assert_eq!(clap((100, 0), (50, 1), (0, 1), (0, 1)).rect(120, 60), None);
}

fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut v = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    v.extend_from_slice(kind);
    v.extend_from_slice(body);
    v
}

#[test]
fn boxes_that_overrun_are_errors_not_panics() {
    let mut b = bx(b"meta", &[0; 4]);
    b[3] = 200; // size beyond the bytes
    assert!(Heif::parse(&b).is_err());
    assert!(Heif::parse(&[0, 0, 0, 4, b'm']).is_err());
    assert!(Heif::parse(&bx(b"meta", &[0; 4])).is_err()); // no pitm
    let mut meta = vec![0; 4];
    meta.extend(bx(b"pitm", &[0, 0, 0, 0, 0, 7]));
    // iloc v0 with an extent past the file.
    let mut iloc = vec![0, 0, 0, 0, 0x44, 0x00, 0, 1, 0, 7, 0, 0, 0, 1];
    iloc.extend_from_slice(&1000u32.to_be_bytes());
    iloc.extend_from_slice(&10u32.to_be_bytes());
    meta.extend(bx(b"iloc", &iloc));
    let mut infe = vec![2, 0, 0, 0, 0, 7, 0, 0];
    infe.extend_from_slice(b"av01");
    let mut iinf = vec![0, 0, 0, 0, 0, 1];
    iinf.extend(bx(b"infe", &infe));
    meta.extend(bx(b"iinf", &iinf));
    let file = bx(b"meta", &meta);
    let heif = Heif::parse(&file).expect("parses");
    let item = heif.primary_item().expect("declared");
    assert_eq!(&item.kind, b"av01");
    assert!(heif.data(item, 1 << 20).unwrap_err().contains("outside"));
}
