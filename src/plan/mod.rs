//! `plan`: pure geometry. Sizes in, rectangles out; no pixels.
//!
//! [`plan_step`] turns the current picture size and one [`StepParams`] into a [`Geometry`]
//! that the engine executes in a fixed order:
//!
//! 1. **resize** the whole current picture to [`Geometry::scaled`] (equal to the input when
//!    nothing is resized; width and height scale independently for `c-force`);
//! 2. **cut** [`Geometry::crop`] out of the scaled picture (always inside it);
//! 3. **place** the cut picture on a [`Geometry::canvas`] at [`Geometry::offset`], filling the
//!    rest with `bg` (no padding when the canvas equals the crop size).
//!
//! The scaled picture can be much larger than the output (a thin strip covered by a square
//! box); engines should fuse steps 1 and 2 with [`Geometry::source_crop`] (a crop box in
//! source pixels handed to the resizer) and never materialise `scaled`.
//!
//! # Rules implemented (reference §2)
//!
//! - `w`/`h`: pixels; a fraction `0<f<1` is a fraction of the **step's input** on that axis
//!   (ImageKit says "original"; in a chain the step's input is what the step sees);
//!   `w-auto` is `Sec-CH-Width` ([`Context::width_hint`]) rounded **up** to the next multiple
//!   of 100; an expression is evaluated with `iw/ih/iar` = [`Context::original`],
//!   `cw/ch/car` = the step's input, `bw/bh/bar` = [`Context::base`].
//! - `ar` with exactly one of `w`/`h` derives the other (`h = w/ar`, `w = h·ar`); with both
//!   it is ignored.
//! - `dpr` multiplies the written `w`/`h` (after `ar` derivation); when either multiplied
//!   side, rounded, falls outside 1–5000 px the DPR is dropped and the raw sizes are used.
//!   `dpr-auto` reads [`Context::dpr_hint`].
//! - After that, each side is rounded half up to whole pixels; a side above
//!   [`Context::max_dimension`] (65535) is dropped, not an error.
//! - Crop strategies follow §2.2/§2.3; scales are exact rationals (`u128` maths) and every
//!   derived side is rounded half up, which reproduces ImageKit's documented 640×865 numbers
//!   (148×200, 740×1000, 300×405).
//! - Relative positions (`fo-center`, `fo-top_left`, …) place the `maintain_ratio` crop, the
//!   extract window and the padded picture; a centred placement with an odd amount of free
//!   space puts the extra pixel after the picture (`free / 2` before it).
//! - `fo-auto`, `fo-face`, `fo-custom` and `fo-<object>` use [`Context::focus_hint`] (a point
//!   or an area, in the step input's pixels), and the centre when there is none. For padding
//!   they place centrally.
//!
//! # Decisions where the reference says \[UNK\]
//!
//! 1. **Rounding**: every pixel value (derived sides, expression results for sizes and
//!    coordinates) is rounded half up (`floor(v + 0.5)`); ratios (`ar`, `car`, …) stay `f64`.
//!    A non-expression size that rounds to 0 (a tiny fraction of a tiny image) becomes 1.
//! 2. **Expressions**: a size expression (`w`, `h`, `ar`, `dpr`, border width) whose value is
//!    ≤ 0 or not finite is an error ([`PlanError::InvalidValue`]); a coordinate expression may
//!    be 0 or negative (then it is clamped, or for `xc`/`yc` refused as below).
//! 3. **`ar` alone** (neither `w` nor `h`): the width is the step input's width and the
//!    height is derived from it, so the default `maintain_ratio` crops the input to the
//!    ratio (enlarging when the ratio is taller than the picture). `dpr` does not apply then
//!    (the reference: DPR is only meaningful with `w` or `h`).
//! 4. **`w-auto` without a hint** is treated as absent; `h-auto` is always absent (not
//!    documented). With `w-auto` the DPR is ignored for the whole step (the width hint
//!    already includes it).
//! 5. **One dimension** never crops or pads: `c`/`cm` are ignored, except that the
//!    never-enlarge strategies (`c-at_max`, `c-maintain_ratio_no_enlarge`,
//!    `cm-pad_resize_no_enlarge`) keep the input unchanged instead of enlarging.
//! 6. **`c` and `cm` together**: `cm` decides, `c` is ignored.
//! 7. **`c-maintain_ratio_no_enlarge` on a small image** (covering the box would enlarge):
//!    no resize; the output is the largest window with the box's aspect ratio that fits in
//!    the input, placed by `fo`. The output keeps the requested ratio and is smaller than
//!    the box.
//! 8. **`cm-pad_resize_no_enlarge`**: scale `min(sx, sy, 1)`, canvas always the box.
//! 9. **`cm-extract` with a window larger than the picture**: the window is clamped to the
//!    picture on that axis (the output is smaller than requested). Refusing would break
//!    every small upload on a page; `cm-pad_extract` is the way to get the exact box size.
//!    With `xc`/`yc` on that axis the request is refused (the window must leave the image).
//! 10. **`x`/`y` out of range**: clamped so the window lies inside the picture. `xc`/`yc`
//!     whose window leaves the picture: [`PlanError::WindowOutsideImage`] naming the window
//!     (top-left `x = xc − w/2` with `w/2` rounded down) and the image size. When both `x`
//!     and `xc` are given on one axis, `x` wins. `x`/`y`/`xc`/`yc` are used only by the
//!     extract modes and ignored elsewhere.
//! 11. **`cm-pad_extract` with mixed axes**: each axis separately; where the box is smaller
//!     than the picture that axis is extracted (window placed by `fo`/`x`/`xc`), where it is
//!     larger the picture is kept whole and padded (placed by `fo`, centre by default).
//! 12. **`cm-pad_extract_no_shrink`**: never cuts: canvas = `max(box, picture)` per axis, the
//!     whole picture placed on it by `fo`. The output is never smaller than the input.
//! 13. **Tight focus crop**: `fo-<object>`, `fo-face` or `fo-custom` with no `w`/`h` and an
//!     area hint returns that area (zoomed by `1/z` around its centre for face/object),
//!     grown on its short side to `ar` when given (982×301 with `ar-2_1` → 982×491), clamped
//!     to the picture. With `w`/`h`, `z` is ignored.
//! 14. **Conditions**: `eq`/`ne` (and the ordering of `gt`/`lt`/…) treat two ratios
//!     (`ar`, `iar`) as equal when they differ by at most [`RATIO_EPSILON`]; widths and
//!     heights compare exactly. An empty condition is false.
//! 15. **Border** (`b`): adds `2·width` to each side ([`border_size`]).
//! 16. **Rotation**: arbitrary angles give the bounding box of the rotated picture, each side
//!     rounded up after a 1e-6 tolerance; multiples of 90° are exact ([`rotated_size`]).
//! 17. **Radius**: each corner radius is clamped to half the shorter side; `r-max` is the
//!     ellipse with radii `w/2`, `h/2` (pixels only: `ops::radius` does it).
//! 18. **Limits**: an output side above [`Context::max_dimension`] is
//!     [`PlanError::TooLarge`]; the pixel budget is the engine's check
//!     ([`Size::pixels`]). `scaled` may exceed `max_dimension` (it is virtual, see above)
//!     but always fits in `u32`.

use crate::spec::{
    AspectRatio, Border, Clause, CompareOp, CondProperty, Condition, Coord, Crop, CropMode, Dim,
    Dpr, Expr, ExprEnv, ExprError, Focus, Position, StepParams,
};

/// Why a step's geometry cannot be computed.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// An expression of `key` could not be evaluated (base variable outside a layer,
    /// division by zero, non-finite result).
    #[error("cannot evaluate `{key}`: {error}")]
    Expression {
        /// The key holding the expression (`w`, `h`, `ar`, `dpr`, `x`, …).
        key: &'static str,
        /// What went wrong.
        error: ExprError,
    },
    /// A value that must be positive and finite is not (an expression giving ≤ 0, a zero
    /// ratio term, a non-finite angle).
    #[error("`{key}` must be a positive finite number, got {value}")]
    InvalidValue {
        /// The key.
        key: &'static str,
        /// The value found.
        value: f64,
    },
    /// An extract window placed with `xc`/`yc` leaves the picture.
    #[error(
        "extract window {width}×{height} at ({x}, {y}) leaves the {image_width}×{image_height} image"
    )]
    WindowOutsideImage {
        /// Left edge of the window (may be negative).
        x: i64,
        /// Top edge of the window (may be negative).
        y: i64,
        /// Requested window width.
        width: u32,
        /// Requested window height.
        height: u32,
        /// Width of the picture the window is cut from.
        image_width: u32,
        /// Height of the picture the window is cut from.
        image_height: u32,
    },
    /// The result would have a side above the maximum.
    #[error("result {width}×{height} exceeds the maximum side of {max} px")]
    TooLarge {
        /// Width that would result.
        width: u64,
        /// Height that would result.
        height: u64,
        /// The maximum side.
        max: u64,
    },
    /// `pg-N` asks for a page or frame the input does not have.
    #[error("page {page} was asked for but the input has {pages}")]
    PageOutOfRange {
        /// The page asked for, 1-based.
        page: u32,
        /// How many pages or frames the input has.
        pages: u32,
    },
    /// An internal consistency check failed (a bug in `plan`; never expected).
    #[error("internal geometry error: {0}")]
    Internal(&'static str),
}

/// Tolerance for `eq`/`ne` (and the ordering) of aspect ratios in conditions: about 0.3 %
/// of a 16:9 ratio, enough to absorb one pixel of rounding on sides of a few hundred pixels.
pub const RATIO_EPSILON: f64 = 0.005;

/// The default largest side of a transformation (ImageKit: 65535 px).
pub const DEFAULT_MAX_DIMENSION: u32 = 65_535;

/// The range a DPR-multiplied side must stay in, or the DPR is ignored.
const DPR_SIDE_RANGE: std::ops::RangeInclusive<u64> = 1..=5_000;

mod derived;
mod geometry;
mod resolve;
mod size;
#[cfg(test)]
mod tests;

pub use derived::*;
pub use geometry::*;
pub use resolve::*;
pub use size::*;

/// A content-aware focus supplied by the caller for `fo-auto`, `fo-face`, `fo-custom` and
/// `fo-<object>`, in the step input's pixel coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FocusHint {
    /// A point to centre on.
    Point {
        /// Horizontal position.
        x: f64,
        /// Vertical position.
        y: f64,
    },
    /// An area (face, object box, stored custom crop): centred on, and returned whole by a
    /// tight focus crop.
    Area(Rect),
}

impl FocusHint {
    fn centre(self) -> (f64, f64) {
        match self {
            FocusHint::Point { x, y } => (x, y),
            FocusHint::Area(r) => (
                f64::from(r.x) + f64::from(r.width) / 2.0,
                f64::from(r.y) + f64::from(r.height) / 2.0,
            ),
        }
    }
}

/// Everything outside the step that its geometry depends on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Context {
    /// The asset's size after EXIF orientation (`iw`, `ih`, `iar`).
    pub original: Size,
    /// The parent's size inside a layer (`bw`, `bh`, `bar`); `None` outside layers.
    pub base: Option<Size>,
    /// `Sec-CH-Width`, for `w-auto`.
    pub width_hint: Option<u32>,
    /// `Sec-CH-DPR`, for `dpr-auto`.
    pub dpr_hint: Option<f64>,
    /// Largest side of a requested dimension and of a result (ImageKit: 65535).
    pub max_dimension: u32,
    /// Content-aware focus for `fo-auto|face|custom|<object>`; `None` means the centre.
    pub focus_hint: Option<FocusHint>,
}

impl Context {
    /// A context for an asset of `original` size, no hints, the default 65535 px limit.
    pub fn new(original: Size) -> Self {
        Context {
            original,
            base: None,
            width_hint: None,
            dpr_hint: None,
            max_dimension: DEFAULT_MAX_DIMENSION,
            focus_hint: None,
        }
    }
}
