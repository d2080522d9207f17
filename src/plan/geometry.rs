//! [`Geometry`] and [`plan_step`]: one step's resize, crop and pad, per crop mode.

use super::*;

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
// Placement
// ---------------------------------------------------------------------------------------

/// Where an item sits along one axis of its container.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Anchor {
    Start,
    Middle,
    End,
    /// Centre on this coordinate (in the container's pixels), clamped.
    Point(f64),
}

/// Start of an item of length `item` in a container of length `container`.
pub(super) fn anchor_start(container: u32, item: u32, anchor: Anchor) -> u32 {
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

pub(super) fn position_anchors(p: Position) -> (Anchor, Anchor) {
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
pub(super) fn focus_anchors(
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
pub(super) fn pad_anchors(focus: Option<&Focus>) -> (Anchor, Anchor) {
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
pub(super) enum Mode {
    C(Crop),
    Cm(CropMode),
}

pub(super) fn mode_of(step: &StepParams) -> Mode {
    match (step.crop_mode, step.crop) {
        (Some(cm), _) => Mode::Cm(cm),
        (None, Some(c)) => Mode::C(c),
        (None, None) => Mode::C(Crop::MaintainRatio),
    }
}

pub(super) fn never_enlarges(mode: Mode) -> bool {
    matches!(
        mode,
        Mode::C(Crop::AtMax | Crop::MaintainRatioNoEnlarge)
            | Mode::Cm(CropMode::PadResizeNoEnlarge)
    )
}

pub(super) struct Builder {
    input: Size,
    max: u32,
}

impl Builder {
    pub(super) fn finish(
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
    pub(super) fn resized(&self, scaled: Size) -> Result<Geometry, PlanError> {
        self.finish(
            scaled,
            (0, 0, scaled.width, scaled.height),
            (scaled.width, scaled.height),
            (0, 0),
        )
    }

    /// Cut `crop` out of the unscaled input.
    pub(super) fn cut(&self, crop: (u32, u32, u32, u32)) -> Result<Geometry, PlanError> {
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

pub(super) fn one_dimension(
    current: Size,
    s: Scale,
    mode: Mode,
    b: &Builder,
) -> Result<Geometry, PlanError> {
    let s = if never_enlarges(mode) {
        s.min(Scale::ONE)
    } else {
        s
    };
    let scaled = s.apply(current)?;
    b.resized(scaled)
}

pub(super) fn two_dimensions(
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
pub(super) fn cover(
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
pub(super) fn pad_resize(
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
pub(super) struct AxisCut {
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
pub(super) fn extract_axis(
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

pub(super) fn extract(
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
pub(super) fn tight_focus_crop(
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
