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
//!     ellipse with radii `w/2`, `h/2` ([`corner_radii`]).
//! 18. **Limits**: an output side above [`Context::max_dimension`] is
//!     [`PlanError::TooLarge`]; the pixel budget is the engine's check
//!     ([`Size::pixels`]). `scaled` may exceed `max_dimension` (it is virtual, see above)
//!     but always fits in `u32`.

use crate::spec::{
    AspectRatio, Border, Clause, CompareOp, CondProperty, Condition, Coord, Crop, CropMode, Dim,
    Dpr, Expr, ExprEnv, ExprError, Focus, Position, Radius, StepParams,
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

// ---------------------------------------------------------------------------------------
// Size and Rect
// ---------------------------------------------------------------------------------------

/// A picture size.
///
/// # Guarantees
/// Both sides are at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Size {
    width: u32,
    height: u32,
}

impl Size {
    /// The smallest size, 1×1.
    pub const MIN: Size = Size {
        width: 1,
        height: 1,
    };

    /// A size, or `None` when a side is 0.
    pub fn new(width: u32, height: u32) -> Option<Self> {
        (width > 0 && height > 0).then_some(Size { width, height })
    }

    /// Width in pixels (≥ 1).
    pub fn width(self) -> u32 {
        self.width
    }

    /// Height in pixels (≥ 1).
    pub fn height(self) -> u32 {
        self.height
    }

    /// Width × height, without overflow.
    pub fn pixels(self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }

    /// Width / height.
    pub fn aspect_ratio(self) -> f64 {
        f64::from(self.width) / f64::from(self.height)
    }

    /// The same size with the sides swapped.
    pub fn transposed(self) -> Self {
        Size {
            width: self.height,
            height: self.width,
        }
    }

    /// Whether `other` fits inside this size on both axes.
    pub fn contains(self, other: Size) -> bool {
        other.width <= self.width && other.height <= self.height
    }
}

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}×{}", self.width, self.height)
    }
}

/// A rectangle in pixel coordinates.
///
/// # Guarantees
/// Width and height are at least 1, and `x + width`, `y + height` fit in `u32`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rect {
    x: u32,
    y: u32,
    width: u32,
    height: u32,
}

impl Rect {
    /// A rectangle, or `None` for a zero side or a right/bottom edge beyond `u32::MAX`.
    pub fn new(x: u32, y: u32, width: u32, height: u32) -> Option<Self> {
        if width == 0 || height == 0 {
            return None;
        }
        x.checked_add(width)?;
        y.checked_add(height)?;
        Some(Rect {
            x,
            y,
            width,
            height,
        })
    }

    /// The rectangle at the origin covering `size`.
    pub fn from_size(size: Size) -> Self {
        Rect {
            x: 0,
            y: 0,
            width: size.width,
            height: size.height,
        }
    }

    /// Left edge.
    pub fn x(self) -> u32 {
        self.x
    }

    /// Top edge.
    pub fn y(self) -> u32 {
        self.y
    }

    /// Width (≥ 1).
    pub fn width(self) -> u32 {
        self.width
    }

    /// Height (≥ 1).
    pub fn height(self) -> u32 {
        self.height
    }

    /// Right edge (exclusive), `x + width`.
    pub fn right(self) -> u32 {
        // Guaranteed by the constructor not to overflow.
        self.x.saturating_add(self.width)
    }

    /// Bottom edge (exclusive), `y + height`.
    pub fn bottom(self) -> u32 {
        self.y.saturating_add(self.height)
    }

    /// The rectangle's size.
    pub fn size(self) -> Size {
        Size {
            width: self.width,
            height: self.height,
        }
    }

    /// Whether the rectangle lies inside a picture of `size` (origin at 0,0).
    pub fn is_inside(self, size: Size) -> bool {
        self.right() <= size.width && self.bottom() <= size.height
    }
}

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

// ---------------------------------------------------------------------------------------
// Geometry
// ---------------------------------------------------------------------------------------

/// The planned geometry of one step: resize to `scaled`, cut `crop`, place on `canvas` at
/// `offset`.
///
/// # Guarantees
/// - `crop` lies inside `scaled`;
/// - `offset + crop size` lies inside `canvas`;
/// - every size is non-zero; the canvas sides are at most the `max_dimension` of the
///   context it was planned with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Geometry {
    input: Size,
    scaled: Size,
    crop: Rect,
    canvas: Size,
    offset: (u32, u32),
}

impl Geometry {
    /// A checked geometry, or `None` when a guarantee would not hold.
    pub fn new(
        input: Size,
        scaled: Size,
        crop: Rect,
        canvas: Size,
        offset: (u32, u32),
    ) -> Option<Self> {
        let placed = Rect::new(offset.0, offset.1, crop.width, crop.height)?;
        (crop.is_inside(scaled) && placed.is_inside(canvas)).then_some(Geometry {
            input,
            scaled,
            crop,
            canvas,
            offset,
        })
    }

    /// The geometry that changes nothing.
    pub fn identity(size: Size) -> Self {
        Geometry {
            input: size,
            scaled: size,
            crop: Rect::from_size(size),
            canvas: size,
            offset: (0, 0),
        }
    }

    /// The step's input size.
    pub fn input(&self) -> Size {
        self.input
    }

    /// The size the whole input is resized to (may exceed the output; see module docs).
    pub fn scaled(&self) -> Size {
        self.scaled
    }

    /// The rectangle cut out of the scaled picture.
    pub fn crop(&self) -> Rect {
        self.crop
    }

    /// The output canvas.
    pub fn canvas(&self) -> Size {
        self.canvas
    }

    /// Where the crop's top-left corner sits on the canvas.
    pub fn offset(&self) -> (u32, u32) {
        self.offset
    }

    /// The step's output size (the canvas).
    pub fn output(&self) -> Size {
        self.canvas
    }

    /// Whether the picture is resized.
    pub fn needs_resize(&self) -> bool {
        self.scaled != self.input
    }

    /// Whether something is cut away.
    pub fn needs_crop(&self) -> bool {
        self.crop != Rect::from_size(self.scaled)
    }

    /// Whether the canvas is larger than the crop (padding with `bg`).
    pub fn needs_pad(&self) -> bool {
        self.canvas != self.crop.size()
    }

    /// Whether the step changes no geometry at all.
    pub fn is_identity(&self) -> bool {
        !self.needs_resize() && !self.needs_crop() && !self.needs_pad()
    }

    /// The crop expressed in input pixels: `(left, top, width, height)`, for a resizer that
    /// cuts and scales in one pass (resize that box of the input to `crop().size()`).
    /// The box lies within the input (`left + width ≤ input width`, same vertically).
    pub fn source_crop(&self) -> (f64, f64, f64, f64) {
        let fx = f64::from(self.input.width) / f64::from(self.scaled.width);
        let fy = f64::from(self.input.height) / f64::from(self.scaled.height);
        let left = f64::from(self.crop.x) * fx;
        let top = f64::from(self.crop.y) * fy;
        let right = (f64::from(self.crop.right()) * fx).min(f64::from(self.input.width));
        let bottom = (f64::from(self.crop.bottom()) * fy).min(f64::from(self.input.height));
        (left, top, (right - left).max(0.0), (bottom - top).max(0.0))
    }
}

// ---------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------

/// Rounds half up to a non-negative integer; `None` for NaN, infinities and negatives.
fn round_half_up(v: f64) -> Option<u64> {
    if !v.is_finite() || v < 0.0 {
        return None;
    }
    let r = (v + 0.5).floor();
    // `as` from f64 to u64 saturates at u64::MAX and `r` is finite and ≥ 0: nothing wraps.
    Some(r as u64)
}

/// Rounds half up to a signed integer; `None` for NaN and infinities.
fn round_half_up_signed(v: f64) -> Option<i64> {
    if !v.is_finite() {
        return None;
    }
    // `as` from f64 to i64 saturates at the i64 range and the value is finite.
    Some((v + 0.5).floor() as i64)
}

/// `round_half_up(len · num / den)` in exact integer maths, at least 1.
fn scale_len(len: u32, num: u64, den: u64) -> Result<u32, PlanError> {
    if den == 0 {
        return Err(PlanError::Internal("zero scale denominator"));
    }
    let n = 2 * u128::from(len) * u128::from(num) + u128::from(den);
    let v = (n / (2 * u128::from(den))).max(1);
    u32::try_from(v).map_err(|_| PlanError::TooLarge {
        width: u64::try_from(v).unwrap_or(u64::MAX),
        height: 0,
        max: u64::from(u32::MAX),
    })
}

/// A scale factor `num / den`.
#[derive(Debug, Clone, Copy)]
struct Scale {
    num: u64,
    den: u64,
}

impl Scale {
    const ONE: Scale = Scale { num: 1, den: 1 };

    fn of(target: u32, len: u32) -> Scale {
        Scale {
            num: u64::from(target),
            den: u64::from(len),
        }
    }

    fn greater_than(self, other: Scale) -> bool {
        // Cross-multiplied in u128: nothing can overflow.
        u128::from(self.num) * u128::from(other.den) > u128::from(other.num) * u128::from(self.den)
    }

    fn max(self, other: Scale) -> Scale {
        if other.greater_than(self) {
            other
        } else {
            self
        }
    }

    fn min(self, other: Scale) -> Scale {
        if other.greater_than(self) {
            self
        } else {
            other
        }
    }

    fn apply(self, size: Size) -> Result<Size, PlanError> {
        let w = scale_len(size.width, self.num, self.den);
        let h = scale_len(size.height, self.num, self.den);
        match (w, h) {
            (Ok(width), Ok(height)) => Ok(Size { width, height }),
            _ => Err(PlanError::TooLarge {
                width: scale_len_u64(size.width, self.num, self.den),
                height: scale_len_u64(size.height, self.num, self.den),
                max: u64::from(u32::MAX),
            }),
        }
    }
}

fn scale_len_u64(len: u32, num: u64, den: u64) -> u64 {
    let den = u128::from(den.max(1));
    let v = (2 * u128::from(len) * u128::from(num) + den) / (2 * den);
    u64::try_from(v).unwrap_or(u64::MAX)
}

// ---------------------------------------------------------------------------------------
// Expressions and dimensions
// ---------------------------------------------------------------------------------------

/// The variables of an expression evaluated in a step whose input is `current`.
pub fn expr_env(current: Size, ctx: &Context) -> ExprEnv {
    let pair = |s: Size| (f64::from(s.width), f64::from(s.height));
    ExprEnv {
        original: pair(ctx.original),
        current: pair(current),
        base: ctx.base.map(pair),
    }
}

fn eval(expr: &Expr, env: &ExprEnv, key: &'static str) -> Result<f64, PlanError> {
    expr.eval(env)
        .map_err(|error| PlanError::Expression { key, error })
}

fn positive(value: f64, key: &'static str) -> Result<f64, PlanError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(PlanError::InvalidValue { key, value })
    }
}

/// Evaluates a size expression (`w`, `h`, border width…): the value must be finite and
/// positive; it is rounded half up to whole pixels (at least 1, saturating at `u32::MAX`).
///
/// # Errors
/// [`PlanError::Expression`] when evaluation fails, [`PlanError::InvalidValue`] for ≤ 0 or
/// non-finite values.
pub fn eval_size(expr: &Expr, env: &ExprEnv, key: &'static str) -> Result<u32, PlanError> {
    let v = positive(eval(expr, env, key)?, key)?;
    let r = round_half_up(v).unwrap_or(u64::MAX).max(1);
    Ok(u32::try_from(r).unwrap_or(u32::MAX))
}

/// Resolves a coordinate (`x`, `y`, `xc`, `yc`): pixels as written, or an expression
/// rounded half up (may be 0 or negative).
///
/// # Errors
/// [`PlanError::Expression`] when evaluation fails, [`PlanError::InvalidValue`] for a
/// non-finite value.
pub fn resolve_coord(coord: &Coord, env: &ExprEnv, key: &'static str) -> Result<i64, PlanError> {
    match coord {
        Coord::Px(v) => Ok(i64::from(*v)),
        Coord::Expr(e) => {
            let v = eval(e, env, key)?;
            round_half_up_signed(v).ok_or(PlanError::InvalidValue { key, value: v })
        }
    }
}

/// Resolves an aspect ratio (`ar`) to width / height, kept as a float.
///
/// # Errors
/// [`PlanError::InvalidValue`] for a zero, negative or non-finite ratio, and expression
/// errors.
pub fn resolve_ratio(ar: &AspectRatio, env: &ExprEnv) -> Result<f64, PlanError> {
    match ar {
        AspectRatio::Ratio(w, h) => {
            positive(*w, "ar")?;
            positive(*h, "ar")?;
            positive(w / h, "ar")
        }
        AspectRatio::Expr(e) => positive(eval(e, env, "ar")?, "ar"),
    }
}

/// Resolves a border width (`b-{width}_{color}`) in pixels.
///
/// # Errors
/// As [`eval_size`]; a written `0` is accepted (no border).
pub fn border_width(border: &Border, env: &ExprEnv) -> Result<u32, PlanError> {
    match &border.width {
        Coord::Px(v) => Ok(*v),
        Coord::Expr(e) => eval_size(e, env, "b"),
    }
}

/// Resolves one written dimension to a float number of pixels before rounding.
///
/// `axis_len` is the step input's side on that axis (fractions are of it); `auto` uses the
/// width hint rounded up to a multiple of 100 (`h-auto` and a missing hint give `None`).
///
/// # Errors
/// Expression errors and [`PlanError::InvalidValue`] for ≤ 0 or non-finite values.
pub fn resolve_dim(
    dim: &Dim,
    key: &'static str,
    axis_len: u32,
    ctx: &Context,
    env: &ExprEnv,
) -> Result<Option<f64>, PlanError> {
    match dim {
        Dim::Px(0) => Err(PlanError::InvalidValue { key, value: 0.0 }),
        Dim::Px(v) => Ok(Some(f64::from(*v))),
        Dim::Fraction(f) => Ok(Some(positive(*f, key)? * f64::from(axis_len))),
        Dim::Auto => {
            if key != "w" {
                return Ok(None);
            }
            // `as f64`: the rounded hint is below 2^33, exact in f64.
            Ok(ctx
                .width_hint
                .filter(|&hint| hint > 0)
                .map(|hint| (u64::from(hint).div_ceil(100) * 100) as f64))
        }
        Dim::Expr(e) => Ok(Some(f64::from(eval_size(e, env, key)?))),
    }
}

/// The requested box of a step after `ar`, `dpr`, rounding and the maximum-side rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// Requested width, if any.
    pub width: Option<u32>,
    /// Requested height, if any.
    pub height: Option<u32>,
}

fn to_side(v: f64, max: u32) -> Option<u32> {
    let r = round_half_up(v)?.max(1);
    u32::try_from(r).ok().filter(|&r| r <= max)
}

/// Resolves `w`, `h`, `ar` and `dpr` of a step into the requested box (reference §2.6).
///
/// # Errors
/// Expression errors and [`PlanError::InvalidValue`].
pub fn resolve_target(
    current: Size,
    step: &StepParams,
    ctx: &Context,
) -> Result<Target, PlanError> {
    let env = expr_env(current, ctx);
    let mut w = match &step.width {
        Some(d) => resolve_dim(d, "w", current.width, ctx, &env)?,
        None => None,
    };
    let mut h = match &step.height {
        Some(d) => resolve_dim(d, "h", current.height, ctx, &env)?,
        None => None,
    };
    let written = w.is_some() || h.is_some();
    let width_auto = matches!(step.width, Some(Dim::Auto)) && w.is_some();

    if let Some(ar) = &step.aspect_ratio {
        match (w, h) {
            (Some(_), Some(_)) => {}
            (Some(wv), None) => h = Some(wv / resolve_ratio(ar, &env)?),
            (None, Some(hv)) => w = Some(hv * resolve_ratio(ar, &env)?),
            (None, None) => {
                let cw = f64::from(current.width);
                w = Some(cw);
                h = Some(cw / resolve_ratio(ar, &env)?);
            }
        }
    }

    if written && !width_auto {
        let dpr = match &step.dpr {
            None => None,
            Some(Dpr::Value(v)) => Some(positive(*v, "dpr")?),
            Some(Dpr::Auto) => ctx.dpr_hint.filter(|d| d.is_finite() && *d > 0.0),
            Some(Dpr::Expr(e)) => Some(positive(eval(e, &env, "dpr")?, "dpr")?),
        };
        if let Some(d) = dpr {
            let in_range = |v: Option<f64>| {
                v.is_none_or(|v| round_half_up(v * d).is_some_and(|r| DPR_SIDE_RANGE.contains(&r)))
            };
            if in_range(w) && in_range(h) {
                w = w.map(|v| v * d);
                h = h.map(|v| v * d);
            }
        }
    }

    let max = ctx.max_dimension;
    Ok(Target {
        width: w.and_then(|v| to_side(v, max)),
        height: h.and_then(|v| to_side(v, max)),
    })
}

// ---------------------------------------------------------------------------------------
// Placement
// ---------------------------------------------------------------------------------------

/// Where an item sits along one axis of its container.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Anchor {
    Start,
    Middle,
    End,
    /// Centre on this coordinate (in the container's pixels), clamped.
    Point(f64),
}

/// Start of an item of length `item` in a container of length `container`.
fn anchor_start(container: u32, item: u32, anchor: Anchor) -> u32 {
    let free = container.saturating_sub(item);
    match anchor {
        Anchor::Start => 0,
        Anchor::Middle => free / 2,
        Anchor::End => free,
        Anchor::Point(p) => {
            let start = round_half_up((p - f64::from(item) / 2.0).max(0.0)).unwrap_or(0);
            u32::try_from(start.min(u64::from(free))).unwrap_or(free)
        }
    }
}

fn position_anchors(p: Position) -> (Anchor, Anchor) {
    use Anchor::{End, Middle, Start};
    match p {
        Position::Center => (Middle, Middle),
        Position::Top => (Middle, Start),
        Position::Bottom => (Middle, End),
        Position::Left => (Start, Middle),
        Position::Right => (End, Middle),
        Position::TopLeft => (Start, Start),
        Position::TopRight => (End, Start),
        Position::BottomLeft => (Start, End),
        Position::BottomRight => (End, End),
    }
}

/// Anchors for cutting from a picture `space` that is the step input scaled.
fn focus_anchors(
    focus: Option<&Focus>,
    hint: Option<FocusHint>,
    input: Size,
    space: Size,
) -> (Anchor, Anchor) {
    match focus {
        None => (Anchor::Middle, Anchor::Middle),
        Some(Focus::Position(p)) => position_anchors(*p),
        Some(Focus::Auto | Focus::Face | Focus::Custom | Focus::Object(_)) => match hint {
            None => (Anchor::Middle, Anchor::Middle),
            Some(h) => {
                let (x, y) = h.centre();
                let sx = f64::from(space.width) / f64::from(input.width);
                let sy = f64::from(space.height) / f64::from(input.height);
                (Anchor::Point(x * sx), Anchor::Point(y * sy))
            }
        },
    }
}

/// Anchors for placing a picture on a padded canvas (content-aware focus → centre).
fn pad_anchors(focus: Option<&Focus>) -> (Anchor, Anchor) {
    match focus {
        Some(Focus::Position(p)) => position_anchors(*p),
        _ => (Anchor::Middle, Anchor::Middle),
    }
}

// ---------------------------------------------------------------------------------------
// Planning
// ---------------------------------------------------------------------------------------

/// The geometry strategy in force: `cm` wins over `c`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    C(Crop),
    Cm(CropMode),
}

fn mode_of(step: &StepParams) -> Mode {
    match (step.crop_mode, step.crop) {
        (Some(cm), _) => Mode::Cm(cm),
        (None, Some(c)) => Mode::C(c),
        (None, None) => Mode::C(Crop::MaintainRatio),
    }
}

fn never_enlarges(mode: Mode) -> bool {
    matches!(
        mode,
        Mode::C(Crop::AtMax | Crop::MaintainRatioNoEnlarge)
            | Mode::Cm(CropMode::PadResizeNoEnlarge)
    )
}

struct Builder {
    input: Size,
    max: u32,
}

impl Builder {
    fn finish(
        &self,
        scaled: Size,
        crop: (u32, u32, u32, u32),
        canvas: (u32, u32),
        offset: (u32, u32),
    ) -> Result<Geometry, PlanError> {
        if canvas.0 > self.max || canvas.1 > self.max {
            return Err(PlanError::TooLarge {
                width: u64::from(canvas.0),
                height: u64::from(canvas.1),
                max: u64::from(self.max),
            });
        }
        let crop =
            Rect::new(crop.0, crop.1, crop.2, crop.3).ok_or(PlanError::Internal("empty crop"))?;
        let canvas = Size::new(canvas.0, canvas.1).ok_or(PlanError::Internal("empty canvas"))?;
        Geometry::new(self.input, scaled, crop, canvas, offset)
            .ok_or(PlanError::Internal("crop or placement outside its picture"))
    }

    /// Resize only.
    fn resized(&self, scaled: Size) -> Result<Geometry, PlanError> {
        self.finish(
            scaled,
            (0, 0, scaled.width, scaled.height),
            (scaled.width, scaled.height),
            (0, 0),
        )
    }

    /// Cut `crop` out of the unscaled input.
    fn cut(&self, crop: (u32, u32, u32, u32)) -> Result<Geometry, PlanError> {
        self.finish(self.input, crop, (crop.2, crop.3), (0, 0))
    }
}

/// Plans one step's resize/crop/pad geometry from the step input's size.
///
/// See the module documentation for every rule and decision.
///
/// # Errors
/// [`PlanError`]: expression errors, invalid values, an `xc`/`yc` window leaving the
/// picture, or a result with a side above [`Context::max_dimension`].
pub fn plan_step(current: Size, step: &StepParams, ctx: &Context) -> Result<Geometry, PlanError> {
    let b = Builder {
        input: current,
        max: ctx.max_dimension,
    };
    if step.width.is_none() && step.height.is_none() {
        if let Some(g) = tight_focus_crop(current, step, ctx, &b)? {
            return Ok(g);
        }
    }
    let target = resolve_target(current, step, ctx)?;
    let mode = mode_of(step);
    match (target.width, target.height) {
        (None, None) => b.finish(
            current,
            (0, 0, current.width, current.height),
            (current.width, current.height),
            (0, 0),
        ),
        (Some(w), None) => one_dimension(current, Scale::of(w, current.width), mode, &b),
        (None, Some(h)) => one_dimension(current, Scale::of(h, current.height), mode, &b),
        (Some(w), Some(h)) => two_dimensions(current, (w, h), step, ctx, mode, &b),
    }
}

fn one_dimension(current: Size, s: Scale, mode: Mode, b: &Builder) -> Result<Geometry, PlanError> {
    let s = if never_enlarges(mode) {
        s.min(Scale::ONE)
    } else {
        s
    };
    let scaled = s.apply(current)?;
    b.resized(scaled)
}

fn two_dimensions(
    current: Size,
    (tw, th): (u32, u32),
    step: &StepParams,
    ctx: &Context,
    mode: Mode,
    b: &Builder,
) -> Result<Geometry, PlanError> {
    let sx = Scale::of(tw, current.width);
    let sy = Scale::of(th, current.height);
    let focus = step.focus.as_ref();
    match mode {
        Mode::C(Crop::Force) => {
            let scaled = Size::new(tw, th).ok_or(PlanError::Internal("zero target"))?;
            b.resized(scaled)
        }
        Mode::C(Crop::AtMax) => b.resized(sx.min(sy).min(Scale::ONE).apply(current)?),
        Mode::C(Crop::AtMaxEnlarge) => b.resized(sx.min(sy).apply(current)?),
        Mode::C(Crop::AtLeast) => b.resized(sx.max(sy).apply(current)?),
        Mode::C(Crop::MaintainRatio) => cover(current, (tw, th), sx.max(sy), focus, ctx, b),
        Mode::C(Crop::MaintainRatioNoEnlarge) => {
            let s = sx.max(sy);
            if !s.greater_than(Scale::ONE) {
                return cover(current, (tw, th), s, focus, ctx, b);
            }
            // Largest window with the box's ratio inside the input, no scaling.
            let (cw, ch) = (u64::from(current.width), u64::from(current.height));
            let (win_w, win_h) = if u64::from(tw) * ch >= u64::from(th) * cw {
                let h = scale_len(current.width, u64::from(th), u64::from(tw))?;
                (current.width, h.min(current.height))
            } else {
                let w = scale_len(current.height, u64::from(tw), u64::from(th))?;
                (w.min(current.width), current.height)
            };
            let (ax, ay) = focus_anchors(focus, ctx.focus_hint, current, current);
            let x = anchor_start(current.width, win_w, ax);
            let y = anchor_start(current.height, win_h, ay);
            b.cut((x, y, win_w, win_h))
        }
        Mode::Cm(CropMode::PadResize) => pad_resize(current, (tw, th), sx.min(sy), focus, b),
        Mode::Cm(CropMode::PadResizeNoEnlarge) => {
            pad_resize(current, (tw, th), sx.min(sy).min(Scale::ONE), focus, b)
        }
        Mode::Cm(CropMode::Extract) => extract(current, (tw, th), step, ctx, false, b),
        Mode::Cm(CropMode::PadExtract) => extract(current, (tw, th), step, ctx, true, b),
        Mode::Cm(CropMode::PadExtractNoShrink) => {
            let cw = tw.max(current.width);
            let ch = th.max(current.height);
            let (ax, ay) = pad_anchors(focus);
            let ox = anchor_start(cw, current.width, ax);
            let oy = anchor_start(ch, current.height, ay);
            b.finish(
                current,
                (0, 0, current.width, current.height),
                (cw, ch),
                (ox, oy),
            )
        }
    }
}

/// Scale to cover the box, then cut the box around the focus.
fn cover(
    current: Size,
    (tw, th): (u32, u32),
    s: Scale,
    focus: Option<&Focus>,
    ctx: &Context,
    b: &Builder,
) -> Result<Geometry, PlanError> {
    let scaled = s.apply(current)?;
    // Covering guarantees scaled ≥ box on both axes; min() keeps the rect inside regardless.
    let (cw, ch) = (tw.min(scaled.width), th.min(scaled.height));
    let (ax, ay) = focus_anchors(focus, ctx.focus_hint, current, scaled);
    let x = anchor_start(scaled.width, cw, ax);
    let y = anchor_start(scaled.height, ch, ay);
    b.finish(scaled, (x, y, cw, ch), (cw, ch), (0, 0))
}

/// Scale to fit inside the box, then pad to the box.
fn pad_resize(
    current: Size,
    (tw, th): (u32, u32),
    s: Scale,
    focus: Option<&Focus>,
    b: &Builder,
) -> Result<Geometry, PlanError> {
    let scaled = s.apply(current)?;
    let (ax, ay) = pad_anchors(focus);
    let ox = anchor_start(tw, scaled.width, ax);
    let oy = anchor_start(th, scaled.height, ay);
    b.finish(
        scaled,
        (0, 0, scaled.width, scaled.height),
        (tw, th),
        (ox, oy),
    )
}

/// How one axis of an extract is resolved.
struct AxisCut {
    /// Start of the window in the picture (clamped, or as computed from the centre).
    start: i64,
    /// Length cut from the picture.
    len: u32,
    /// Canvas length on this axis.
    canvas: u32,
    /// Offset of the cut on the canvas.
    offset: u32,
    /// Whether an `xc`/`yc` window leaves the picture.
    outside: bool,
}

#[allow(clippy::too_many_arguments)]
fn extract_axis(
    image: u32,
    window: u32,
    top_left: Option<i64>,
    centre: Option<i64>,
    anchor: Anchor,
    pad_anchor: Anchor,
    pad: bool,
) -> AxisCut {
    if pad && window > image {
        return AxisCut {
            start: 0,
            len: image,
            canvas: window,
            offset: anchor_start(window, image, pad_anchor),
            outside: false,
        };
    }
    let len = window.min(image);
    let free = i64::from(image - len);
    let (start, outside) = if let Some(x) = top_left {
        (x.clamp(0, free), false)
    } else if let Some(c) = centre {
        let start = c.saturating_sub(i64::from(window / 2));
        let end = start.saturating_add(i64::from(window));
        (start, start < 0 || end > i64::from(image))
    } else {
        (i64::from(anchor_start(image, len, anchor)), false)
    };
    AxisCut {
        start,
        len,
        canvas: len,
        offset: 0,
        outside,
    }
}

fn extract(
    current: Size,
    (tw, th): (u32, u32),
    step: &StepParams,
    ctx: &Context,
    pad: bool,
    b: &Builder,
) -> Result<Geometry, PlanError> {
    let env = expr_env(current, ctx);
    let coord =
        |c: &Option<Coord>, key| c.as_ref().map(|c| resolve_coord(c, &env, key)).transpose();
    let (x, y) = (coord(&step.x, "x")?, coord(&step.y, "y")?);
    let (xc, yc) = (coord(&step.xc, "xc")?, coord(&step.yc, "yc")?);
    let focus = step.focus.as_ref();
    let (ax, ay) = focus_anchors(focus, ctx.focus_hint, current, current);
    let (px, py) = pad_anchors(focus);
    let h = extract_axis(current.width, tw, x, xc, ax, px, pad);
    let v = extract_axis(current.height, th, y, yc, ay, py, pad);
    if h.outside || v.outside {
        return Err(PlanError::WindowOutsideImage {
            x: h.start,
            y: v.start,
            width: tw,
            height: th,
            image_width: current.width,
            image_height: current.height,
        });
    }
    let start =
        |a: &AxisCut| u32::try_from(a.start).map_err(|_| PlanError::Internal("window start"));
    b.finish(
        current,
        (start(&h)?, start(&v)?, h.len, v.len),
        (h.canvas, v.canvas),
        (h.offset, v.offset),
    )
}

/// `fo-<object>|face|custom` with no `w`/`h` and an area hint: that area, zoomed and grown
/// to `ar`. `None` when the rule does not apply.
fn tight_focus_crop(
    current: Size,
    step: &StepParams,
    ctx: &Context,
    b: &Builder,
) -> Result<Option<Geometry>, PlanError> {
    let zoomable = match step.focus {
        Some(Focus::Object(_) | Focus::Face) => true,
        Some(Focus::Custom) => false,
        _ => return Ok(None),
    };
    let Some(FocusHint::Area(area)) = ctx.focus_hint else {
        return Ok(None);
    };
    let (cx, cy) = FocusHint::Area(area).centre();
    let mut w = f64::from(area.width);
    let mut h = f64::from(area.height);
    if zoomable {
        if let Some(z) = step.zoom.filter(|z| z.is_finite() && *z > 0.0) {
            w /= z;
            h /= z;
        }
    }
    if let Some(ar) = &step.aspect_ratio {
        let ratio = resolve_ratio(ar, &expr_env(current, ctx))?;
        if w / h < ratio {
            w = h * ratio;
        } else {
            h = w / ratio;
        }
    }
    let side = |v: f64, limit: u32| -> u32 {
        let r = round_half_up(v)
            .unwrap_or(u64::MAX)
            .clamp(1, u64::from(limit));
        u32::try_from(r).unwrap_or(limit)
    };
    let (cw, ch) = (side(w, current.width), side(h, current.height));
    let x = anchor_start(current.width, cw, Anchor::Point(cx));
    let y = anchor_start(current.height, ch, Anchor::Point(cy));
    b.cut((x, y, cw, ch)).map(Some)
}

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

fn clause_holds(c: &Clause, current: Size, original: Size) -> bool {
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
    let d = degrees.rem_euclid(360.0);
    let quarter = (d / 90.0).round();
    if (d - quarter * 90.0).abs() < 1e-9 {
        // `quarter` is 0..=4 here.
        return Ok(if quarter == 1.0 || quarter == 3.0 {
            size.transposed()
        } else {
            size
        });
    }
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

/// Corner radii `(rx, ry)` in order top-left, top-right, bottom-right, bottom-left, each
/// clamped to half the shorter side; `r-max` gives the ellipse `(w/2, h/2)` on every corner.
pub fn corner_radii(radius: &Radius, size: Size) -> [(f64, f64); 4] {
    let half = f64::from(size.width.min(size.height)) / 2.0;
    let clamp = |r: u32| {
        let r = f64::from(r).min(half);
        (r, r)
    };
    match radius {
        Radius::All(r) => [clamp(*r); 4],
        Radius::Corners([a, b, c, d]) => [clamp(*a), clamp(*b), clamp(*c), clamp(*d)],
        Radius::Max => {
            let e = (f64::from(size.width) / 2.0, f64::from(size.height) / 2.0);
            [e; 4]
        }
    }
}

#[cfg(test)]
mod tests {
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
    fn border_and_radius() {
        assert_eq!(border_size(size(100, 50), 5), Ok(size(110, 60)));
        assert_eq!(border_size(size(100, 50), 0), Ok(size(100, 50)));
        assert!(border_size(size(u32::MAX, 1), 1).is_err());
        assert_eq!(
            corner_radii(&Radius::All(80), size(100, 50)),
            [(25.0, 25.0); 4]
        );
        assert_eq!(
            corner_radii(&Radius::All(10), size(100, 50)),
            [(10.0, 10.0); 4]
        );
        assert_eq!(
            corner_radii(&Radius::Corners([1, 2, 30, 40]), size(100, 51)),
            [(1.0, 1.0), (2.0, 2.0), (25.5, 25.5), (25.5, 25.5)]
        );
        assert_eq!(corner_radii(&Radius::Max, size(100, 51)), [(50.0, 25.5); 4]);
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
}
