use super::*;

fn size(w: u32, h: u32) -> Size {
    Size::new(w, h).unwrap()
}

#[test]
fn size_and_rect_constructors_check() {
    assert!(Size::new(0, 1).is_none());
    assert!(Size::new(1, 0).is_none());
    assert_eq!(size(3, 4).pixels(), 12);
    assert!(Rect::new(0, 0, 0, 1).is_none());
    assert!(Rect::new(u32::MAX, 0, 1, 1).is_none());
    assert!(Rect::new(u32::MAX - 1, 0, 1, 1).is_some());
    let r = Rect::new(2, 3, 4, 5).unwrap();
    assert_eq!((r.right(), r.bottom()), (6, 8));
    assert!(r.is_inside(size(6, 8)));
    assert!(!r.is_inside(size(5, 8)));
}

#[test]
fn geometry_new_refuses_outside() {
    let s = size(10, 10);
    assert!(Geometry::new(s, s, Rect::new(5, 5, 6, 5).unwrap(), s, (0, 0)).is_none());
    assert!(Geometry::new(s, s, Rect::new(5, 5, 5, 5).unwrap(), s, (6, 0)).is_none());
    assert!(Geometry::new(s, s, Rect::new(5, 5, 5, 5).unwrap(), s, (5, 5)).is_some());
}

#[test]
fn rounding_is_half_up() {
    assert_eq!(round_half_up(2.5), Some(3));
    assert_eq!(round_half_up(2.4999), Some(2));
    assert_eq!(round_half_up(-0.1), None);
    assert_eq!(round_half_up(f64::NAN), None);
    assert_eq!(round_half_up_signed(-2.5), Some(-2));
    assert_eq!(round_half_up_signed(-2.6), Some(-3));
    // 865 · 300 / 640 = 405.47 → 405; 640 · 200 / 865 = 147.98 → 148.
    assert_eq!(scale_len(865, 300, 640), Ok(405));
    assert_eq!(scale_len(640, 200, 865), Ok(148));
    assert_eq!(scale_len(3, 1, 2), Ok(2));
    assert_eq!(scale_len(1, 1, 10), Ok(1));
}

#[test]
fn anchors_place_items() {
    assert_eq!(anchor_start(1000, 300, Anchor::Middle), 350);
    assert_eq!(anchor_start(1000, 300, Anchor::End), 700);
    assert_eq!(anchor_start(1000, 300, Anchor::Start), 0);
    assert_eq!(anchor_start(1000, 300, Anchor::Point(100.0)), 0);
    assert_eq!(anchor_start(1000, 300, Anchor::Point(990.0)), 700);
    assert_eq!(anchor_start(1000, 300, Anchor::Point(500.0)), 350);
    assert_eq!(anchor_start(301, 300, Anchor::Middle), 0);
}

#[test]
fn rotation_bounding_box() {
    assert_eq!(rotated_size(size(400, 300), 90.0), Ok(size(300, 400)));
    assert_eq!(rotated_size(size(400, 300), -90.0), Ok(size(300, 400)));
    assert_eq!(rotated_size(size(400, 300), 180.0), Ok(size(400, 300)));
    assert_eq!(rotated_size(size(400, 300), 360.0), Ok(size(400, 300)));
    // 100×100 at 45° → 100·√2 = 141.42 → 142.
    assert_eq!(rotated_size(size(100, 100), 45.0), Ok(size(142, 142)));
    // 400×300 at 40°: 400·cos40 + 300·sin40 = 306.42 + 192.84 = 499.26 → 500;
    // 400·sin40 + 300·cos40 = 257.12 + 229.81 = 486.93 → 487.
    assert_eq!(rotated_size(size(400, 300), -40.0), Ok(size(500, 487)));
    assert!(rotated_size(size(1, 1), f64::INFINITY).is_err());
    assert!(matches!(
        rotated_size(size(u32::MAX, u32::MAX), 45.0),
        Err(PlanError::TooLarge { .. })
    ));
}

#[test]
fn border_size_adds_twice_the_width() {
    assert_eq!(border_size(size(100, 50), 5), Ok(size(110, 60)));
    assert_eq!(border_size(size(100, 50), 0), Ok(size(100, 50)));
    assert!(border_size(size(u32::MAX, 1), 1).is_err());
}

#[test]
fn shrink_factor_contract() {
    assert_eq!(shrink_factor(size(4000, 3000), size(300, 225)), 8);
    assert_eq!(shrink_factor(size(4000, 3000), size(600, 450)), 4);
    assert_eq!(shrink_factor(size(4000, 3000), size(1000, 750)), 4);
    assert_eq!(shrink_factor(size(4000, 3000), size(1001, 750)), 2);
    assert_eq!(shrink_factor(size(4000, 3000), size(4000, 3000)), 1);
    assert_eq!(shrink_factor(size(4000, 3000), size(8000, 10)), 1);
    // ceil: 1001 / 8 = 125.1 → 126 ≥ 126.
    assert_eq!(shrink_factor(size(1001, 1001), size(126, 126)), 8);
    assert_eq!(shrink_factor(size(1001, 1001), size(127, 126)), 4);
}

#[test]
fn quarter_turns_tolerate_float_noise_and_nothing_more() {
    assert_eq!(quarter_turns(0.0), Some(0));
    assert_eq!(quarter_turns(90.0), Some(1));
    assert_eq!(quarter_turns(-90.0), Some(3));
    assert_eq!(quarter_turns(450.0), Some(1));
    assert_eq!(quarter_turns(360.0 - 1e-12), Some(0));
    assert_eq!(quarter_turns(90.0 + 1e-12), Some(1));
    assert_eq!(quarter_turns(90.001), None);
    assert_eq!(quarter_turns(f64::NAN), None);
    // The op and the plan size rule agree, right angles and others alike.
    for d in [90.0 + 1e-12, 45.0, 30.0, 270.0, -40.0] {
        let planned = rotated_size(size(400, 300), d).unwrap();
        let op = crate::ops::rotated_size(400, 300, d).unwrap();
        assert_eq!((planned.width(), planned.height()), op, "{d}");
    }
}
