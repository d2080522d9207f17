//! Geometry derived from a size: conditions, DCT shrink factors, border and rotation
//! canvases, and how a planned resize applies to a frame of another size.

use super::*;

// ---------------------------------------------------------------------------------------
// Conditions
// ---------------------------------------------------------------------------------------

/// Evaluates an `if-` condition: `and` binds tighter than `or` (the model is an `or` of
/// `and`s). `w`, `h`, `ar` are of `current` (the step's input), `iw`, `ih`, `iar` of
/// `original`. Ratios compare with [`RATIO_EPSILON`]; sides exactly. An empty condition is
/// false.
pub fn evaluate_condition(cond: &Condition, current: Size, original: Size) -> bool {
    cond.any_of
        .iter()
        .any(|all| !all.is_empty() && all.iter().all(|c| clause_holds(c, current, original)))
}

pub(super) fn clause_holds(c: &Clause, current: Size, original: Size) -> bool {
    use std::cmp::Ordering;
    let (value, eps) = match c.property {
        CondProperty::W => (f64::from(current.width), 0.0),
        CondProperty::H => (f64::from(current.height), 0.0),
        CondProperty::Ar => (current.aspect_ratio(), RATIO_EPSILON),
        CondProperty::Iw => (f64::from(original.width), 0.0),
        CondProperty::Ih => (f64::from(original.height), 0.0),
        CondProperty::Iar => (original.aspect_ratio(), RATIO_EPSILON),
    };
    let other = c.value.value();
    if other.is_nan() {
        return c.op == CompareOp::Ne;
    }
    let ord = if (value - other).abs() <= eps {
        Ordering::Equal
    } else if value < other {
        Ordering::Less
    } else {
        Ordering::Greater
    };
    match c.op {
        CompareOp::Eq => ord == Ordering::Equal,
        CompareOp::Ne => ord != Ordering::Equal,
        CompareOp::Gt => ord == Ordering::Greater,
        CompareOp::Gte => ord != Ordering::Less,
        CompareOp::Lt => ord == Ordering::Less,
        CompareOp::Lte => ord != Ordering::Greater,
    }
}

// ---------------------------------------------------------------------------------------
// Other geometry helpers
// ---------------------------------------------------------------------------------------

/// The JPEG shrink-on-load factor: the largest of 8, 4, 2, 1 such that
/// `ceil(source / d) ≥ needed` on both axes (1 when even that fails, i.e. enlarging).
///
/// Pass the first step's [`Geometry::scaled`] in the stored orientation; to keep a margin
/// for quality (DESIGN §2: never below twice the target), pass twice that size.
pub fn shrink_factor(source: Size, needed: Size) -> u8 {
    [8u8, 4, 2]
        .into_iter()
        .find(|&d| {
            source.width.div_ceil(u32::from(d)) >= needed.width
                && source.height.div_ceil(u32::from(d)) >= needed.height
        })
        .unwrap_or(1)
}

/// The size after a border of `width` pixels on every side (`+2·width` per axis).
///
/// # Errors
/// [`PlanError::TooLarge`] when a side would not fit in `u32`.
pub fn border_size(size: Size, width: u32) -> Result<Size, PlanError> {
    let grow = |v: u32| u64::from(v) + 2 * u64::from(width);
    let (w, h) = (grow(size.width), grow(size.height));
    match (u32::try_from(w), u32::try_from(h)) {
        (Ok(width), Ok(height)) => Ok(Size { width, height }),
        _ => Err(PlanError::TooLarge {
            width: w,
            height: h,
            max: u64::from(u32::MAX),
        }),
    }
}

/// A clockwise right angle as quarter turns 0–3, when `degrees` is within 1e-9° of one
/// (so `rt-90` after float arithmetic still is an exact pixel move); `None` for any other
/// angle and for NaN or infinity. The size rule and the rotate op both decide with this.
pub fn quarter_turns(degrees: f64) -> Option<u8> {
    if !degrees.is_finite() {
        return None;
    }
    let d = degrees.rem_euclid(360.0);
    let quarter = (d / 90.0).round();
    // `quarter` is 0..=4 here (4: just under 360°), so the cast is exact.
    ((d - quarter * 90.0).abs() < 1e-9).then_some((quarter as u8) % 4)
}

/// The canvas after rotating by `degrees` clockwise: exact swaps for multiples of 90°,
/// else the bounding box of the rotated picture (each side rounded up after a 1e-6
/// tolerance, at least 1).
///
/// # Errors
/// [`PlanError::InvalidValue`] for a non-finite angle, [`PlanError::TooLarge`] when a side
/// would not fit in `u32`.
pub fn rotated_size(size: Size, degrees: f64) -> Result<Size, PlanError> {
    if !degrees.is_finite() {
        return Err(PlanError::InvalidValue {
            key: "rt",
            value: degrees,
        });
    }
    if let Some(q) = quarter_turns(degrees) {
        return Ok(if q % 2 == 1 { size.transposed() } else { size });
    }
    let d = degrees.rem_euclid(360.0);
    let (sin, cos) = d.to_radians().sin_cos();
    let (w, h) = (f64::from(size.width), f64::from(size.height));
    let bw = w * cos.abs() + h * sin.abs();
    let bh = w * sin.abs() + h * cos.abs();
    let side = |v: f64| -> u64 {
        let c = (v - 1e-6).ceil().max(1.0);
        // `as` saturates; `c` is finite and ≥ 1.
        c as u64
    };
    let (bw, bh) = (side(bw), side(bh));
    match (u32::try_from(bw), u32::try_from(bh)) {
        (Ok(width), Ok(height)) => Ok(Size { width, height }),
        _ => Err(PlanError::TooLarge {
            width: bw,
            height: bh,
            max: u64::from(u32::MAX),
        }),
    }
}

/// What the resize-and-crop part of a step does to the pixels of a frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Resample {
    /// Nothing: the frame already is the crop.
    Keep,
    /// A whole-pixel window, no resampling.
    Window(Rect),
    /// A resample of `source` (in the frame's pixels) to exactly `size`.
    Resize {
        /// The output size.
        size: Size,
        /// The part of the frame read.
        source: SourceBox,
    },
}

/// The resize and crop of `g`, planned for a picture of `planned_for`, applied to a frame of
/// size `frame` — smaller when the decoder shrank it on load, so the source box is scaled by
/// `frame / planned_for` on each axis.
pub fn resample(frame: Size, planned_for: Size, g: &Geometry) -> Resample {
    let (left, top, width, height) = g.source_crop();
    let sx = f64::from(frame.width) / f64::from(planned_for.width);
    let sy = f64::from(frame.height) / f64::from(planned_for.height);
    let source = SourceBox {
        left: left * sx,
        top: top * sy,
        width: width * sx,
        height: height * sy,
    };
    let target = g.crop().size();
    let whole = source.left == 0.0
        && source.top == 0.0
        && source.width == f64::from(frame.width)
        && source.height == f64::from(frame.height);
    let integral = [source.left, source.top, source.width, source.height]
        .iter()
        .all(|v| v.fract() == 0.0);
    let same_size =
        (source.width, source.height) == (f64::from(target.width), f64::from(target.height));
    if whole && target == frame {
        return Resample::Keep;
    }
    if integral && same_size {
        // Whole values inside the frame (the geometry's guarantee): the casts are exact.
        if let Some(window) = Rect::new(
            source.left as u32,
            source.top as u32,
            target.width,
            target.height,
        ) {
            return Resample::Window(window);
        }
    }
    Resample::Resize {
        size: target,
        source,
    }
}

/// A resize of an `upright` picture (`source` read, `size` out) expressed on the same
/// picture in its stored orientation (EXIF `orientation` 1–8): orienting the stored result
/// gives the upright one. The box is mirrored and, for 5–8, transposed; so is the size.
pub fn stored_resize(
    size: Size,
    source: SourceBox,
    upright: Size,
    orientation: u8,
) -> (Size, SourceBox) {
    let (ow, oh) = (f64::from(upright.width), f64::from(upright.height));
    let SourceBox {
        left: l,
        top: t,
        width: w,
        height: h,
    } = source;
    // Mirrored edges, clamped at 0 against float noise.
    let right = (ow - l - w).max(0.0);
    let bottom = (oh - t - h).max(0.0);
    let (left, top, transposed) = match orientation {
        2 => (right, t, false),
        3 => (right, bottom, false),
        4 => (l, bottom, false),
        5 => (t, l, true),
        6 => (t, right, true),
        7 => (bottom, right, true),
        8 => (bottom, l, true),
        _ => (l, t, false),
    };
    let (width, height, size) = if transposed {
        (h, w, size.transposed())
    } else {
        (w, h, size)
    };
    (
        size,
        SourceBox {
            left,
            top,
            width,
            height,
        },
    )
}
