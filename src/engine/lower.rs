//! Lowering: one parsed step plus its [`Geometry`] becomes a list of concrete [`Op`]s —
//! numbers only, the language gone — in the fixed intra-step order (reference §1.9):
//! resize/crop → pad → rotate → flip → grayscale → contrast → colorize → blur → sharpen →
//! unsharp → gradient → radius → border → opacity/background.
//!
//! Every size along the list is derived here by `plan` (rotation canvas, border growth),
//! so limits are checked and expressions evaluated before any pixel moves, and the same
//! list can run on every frame of an animation. Keys the engine does not perform are
//! refused by [`check_supported`] before anything is decoded.

use crate::engine::report::{OpReport, PadReport, StepReport};
use crate::engine::Limits;
use crate::error::{Error, Limit, Result};
use crate::ops::{self, Rgba};
use crate::plan::{self, Context, Geometry, Resample, Size};
use crate::spec::{self, Background, Color, Flip, PageSelect, Radius, Rotation, StepParams, Trim};

/// Default padding colour for `cm-pad_*` without `bg` (ImageKit: black).
pub const DEFAULT_PAD_COLOR: [u8; 4] = [0, 0, 0, 255];

/// One concrete pixel operation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Op {
    /// Resize and/or crop as planned.
    Resample(Resample),
    /// Place on a canvas.
    Pad(ops::PadParams),
    /// Rotate clockwise.
    Rotate(ops::RotateParams),
    /// Mirror.
    Flip(ops::FlipParams),
    /// `e-grayscale`.
    Grayscale,
    /// `e-contrast`.
    Contrast,
    /// `e-colorize`.
    Colorize(ops::ColorizeParams),
    /// `bl-…` (with ImageKit's radius for the report).
    Blur(ops::BlurParams, f64),
    /// `e-sharpen`.
    Sharpen(ops::SharpenParams),
    /// `e-usm`.
    Unsharp(ops::UnsharpParams),
    /// `e-gradient`.
    Gradient(ops::GradientParams),
    /// `r-…`.
    Radius(ops::RadiusParams),
    /// `b-…`.
    Border(ops::BorderParams),
    /// `o-…`.
    Opacity(ops::OpacityParams),
    /// Flatten alpha onto a colour.
    Flatten(ops::FlattenParams),
    /// Fill transparent pixels with a colour; nothing on a layout without alpha.
    Background(ops::BackgroundParams),
}

impl Op {
    /// What the report lists for this op once it ran (resize, crop and pad have fields of
    /// their own).
    pub(crate) fn report(&self) -> Option<OpReport> {
        Some(match self {
            Op::Resample(_) | Op::Pad(_) => return None,
            Op::Rotate(p) => OpReport::Rotate(p.degrees),
            Op::Flip(p) => match (p.horizontal, p.vertical) {
                (true, true) => OpReport::FlipBoth,
                (true, false) => OpReport::FlipHorizontal,
                _ => OpReport::FlipVertical,
            },
            Op::Grayscale => OpReport::Grayscale,
            Op::Contrast => OpReport::Contrast,
            Op::Colorize(p) => OpReport::Colorize(p.intensity),
            Op::Blur(_, radius) => OpReport::Blur(*radius),
            Op::Sharpen(_) => OpReport::Sharpen,
            Op::Unsharp(_) => OpReport::Unsharp,
            Op::Gradient(_) => OpReport::Gradient,
            Op::Radius(_) => OpReport::Radius,
            Op::Border(p) => OpReport::Border(p.width),
            Op::Opacity(p) => OpReport::Opacity(p.percent),
            Op::Flatten(_) => OpReport::Flatten,
            Op::Background(_) => OpReport::Background,
        })
    }
}

/// A step lowered: its ops and the report of its geometry (the runner appends each op's
/// [`Op::report`] as it runs and sets the output size).
#[derive(Debug, Clone)]
pub(crate) struct Lowered {
    /// The ops, in order.
    pub ops: Vec<Op>,
    /// Input size, resize, crop and pad.
    pub report: StepReport,
    /// The step's solid `bg`, when it is opaque: what a later JPEG flattens onto.
    pub opaque_bg: Option<[u8; 4]>,
}

/// The sizes a step's plan was made for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Planned {
    /// The plan.
    pub geometry: Geometry,
    /// The size the plan was made for (the full upright header size for a first step
    /// shrunk on load; otherwise the frame's size).
    pub planned_for: Size,
    /// The frame's actual size.
    pub frame: Size,
    /// When the decoder already ran the resize and crop: the size it was fed.
    pub fed: Option<Size>,
}

/// `t-…`'s threshold, when the step trims (trim runs before the step is planned: the
/// plan needs the trimmed size).
pub(crate) fn trim(p: &StepParams) -> Option<ops::TrimParams> {
    let threshold = match p.trim? {
        Trim::On => ops::TrimParams::default().threshold,
        Trim::Threshold(n) => n,
        Trim::Off => return None,
    };
    Some(ops::TrimParams { threshold })
}

/// Lowers `p` planned as `planned`. `ctx` evaluates expressions (border width, gradient
/// stop) against the size the picture has when that op runs.
///
/// # Errors
/// [`Error::LimitExceeded`] when the step's output, its rotation canvas or its border
/// would exceed the limits; [`Error::Geometry`] for an expression that does not evaluate.
pub(crate) fn lower(
    p: &StepParams,
    planned: Planned,
    ctx: &Context,
    limits: &Limits,
) -> Result<Lowered> {
    let g = &planned.geometry;
    let out = g.output();
    check_max(
        Limit::Dimension,
        u64::from(out.width().max(out.height())),
        u64::from(limits.max_dimension),
    )?;
    check_max(Limit::OutputPixels, out.pixels(), limits.max_output_pixels)?;

    let solid_bg = match &p.background {
        Some(Background::Color(c)) => Some(c.rgba8()),
        _ => None,
    };
    let mut ops = Vec::new();
    let mut report = StepReport::new(planned.fed.unwrap_or(planned.frame));
    let mut size = planned.frame;
    if !(g.is_identity() && planned.frame == planned.planned_for) {
        if g.needs_resize() {
            report.resize = Some(g.scaled());
        }
        if g.needs_crop() {
            report.crop = Some(g.crop());
        }
        if planned.fed.is_none() {
            match plan::resample(planned.frame, planned.planned_for, g) {
                Resample::Keep => {}
                r => ops.push(Op::Resample(r)),
            }
        }
        size = g.crop().size();
        if g.needs_pad() {
            let canvas = g.canvas();
            let (x, y) = g.offset();
            ops.push(Op::Pad(ops::PadParams {
                width: canvas.width(),
                height: canvas.height(),
                x: i64::from(x),
                y: i64::from(y),
                background: rgba(solid_bg.unwrap_or(DEFAULT_PAD_COLOR)),
            }));
            report.pad = Some(PadReport {
                canvas,
                position: (x, y),
            });
            size = canvas;
        }
    }

    if let Some(Rotation::Degrees(degrees)) = p.rotate {
        if degrees.rem_euclid(360.0) != 0.0 {
            let rotated = plan::rotated_size(size, degrees)?;
            check_max(
                Limit::OutputPixels,
                rotated.pixels(),
                limits.max_output_pixels,
            )?;
            ops.push(Op::Rotate(ops::RotateParams {
                degrees,
                background: rgba(solid_bg.unwrap_or([0, 0, 0, 0])),
            }));
            size = rotated;
        }
    }
    if let Some(flip) = p.flip {
        let (horizontal, vertical) = match flip {
            Flip::Horizontal => (true, false),
            Flip::Vertical => (false, true),
            Flip::Both => (true, true),
        };
        ops.push(Op::Flip(ops::FlipParams {
            horizontal,
            vertical,
        }));
    }
    if p.grayscale {
        ops.push(Op::Grayscale);
    }
    if p.contrast {
        ops.push(Op::Contrast);
    }
    if let Some(c) = &p.colorize {
        ops.push(Op::Colorize(ops::ColorizeParams {
            color: rgba(c.color.as_ref().map_or([128, 128, 128, 255], Color::rgba8)),
            intensity: c.intensity.unwrap_or(100),
        }));
    }
    if let Some(radius) = p.blur {
        // `bl` is a radius 1–100; ops work in sigma.
        let sigma = ops::sigma_from_imagekit_radius(radius as f32);
        ops.push(Op::Blur(ops::BlurParams { sigma }, radius));
    }
    if let Some(amount) = p.sharpen {
        ops.push(Op::Sharpen(match amount {
            Some(a) => ops::SharpenParams { amount: a as f32 },
            None => ops::SharpenParams::default(),
        }));
    }
    if let Some(usm) = p.unsharp {
        ops.push(Op::Unsharp(match usm {
            Some(u) => ops::UnsharpParams {
                radius: u.radius as f32,
                sigma: u.sigma as f32,
                amount: u.amount as f32,
                threshold: u.threshold as f32,
            },
            None => ops::UnsharpParams::default(),
        }));
    }
    if let Some(gr) = &p.gradient {
        ops.push(Op::Gradient(gradient(gr, size, ctx)?));
    }
    if let Some(r) = p.radius {
        ops.push(Op::Radius(match r {
            Radius::All(n) => ops::RadiusParams {
                corners: [n; 4],
                max: false,
            },
            Radius::Max => ops::RadiusParams {
                corners: [0; 4],
                max: true,
            },
            Radius::Corners(corners) => ops::RadiusParams {
                corners,
                max: false,
            },
        }));
    }
    if let Some(b) = &p.border {
        let width = plan::border_width(b, &plan::expr_env(size, ctx))?;
        let grown = plan::border_size(size, width)?;
        check_max(
            Limit::OutputPixels,
            grown.pixels(),
            limits.max_output_pixels,
        )?;
        ops.push(Op::Border(ops::BorderParams {
            width,
            color: rgba(b.color.rgba8()),
        }));
    }
    if let Some(percent) = p.opacity {
        ops.push(Op::Opacity(ops::OpacityParams { percent }));
        if let Some([r, g, b, _]) = solid_bg {
            // With `bg`, `o` flattens onto it: opaque output, bg's alpha ignored (§4.14).
            ops.push(Op::Flatten(ops::FlattenParams {
                background: rgba([r, g, b, 255]),
            }));
        }
    } else if let (Some(c), false) = (solid_bg, g.needs_pad()) {
        // `bg` alone on a transparent picture fills the transparent area.
        ops.push(Op::Background(ops::BackgroundParams { color: rgba(c) }));
    }
    Ok(Lowered {
        ops,
        report,
        opaque_bg: solid_bg.filter(|c| c[3] == 255),
    })
}

fn gradient(gr: &spec::Gradient, size: Size, ctx: &Context) -> Result<ops::GradientParams> {
    let direction = f64::from(gr.direction.unwrap_or(180));
    let length = ops::gradient_length(size.width(), size.height(), direction);
    let stop = match &gr.stop {
        None => 1.0,
        Some(spec::StopPoint::Number(n)) if *n <= 1.0 => *n,
        Some(spec::StopPoint::Number(n)) => (*n / length).min(1.0),
        Some(spec::StopPoint::Expr(e)) => {
            let v = plan::eval_size(e, &plan::expr_env(size, ctx), "e-gradient sp")?;
            let v = f64::from(v);
            if v <= 1.0 {
                v.max(0.0)
            } else {
                (v / length).min(1.0)
            }
        }
    };
    Ok(ops::GradientParams {
        direction,
        from: rgba(gr.from.as_ref().map_or([255, 255, 255, 255], Color::rgba8)),
        to: rgba(gr.to.as_ref().map_or([0, 0, 0, 0], Color::rgba8)),
        stop,
    })
}

/// Refuses, before any decoding, a step with keys this engine does not perform — never
/// silently ignored. Unknown keys kept by lenient parsing are not refused here: the engine
/// ignores them and lists them in the report.
pub(crate) fn check_supported(p: &StepParams) -> Result<()> {
    let refuse = |key: &str, reason: &str| {
        Err(Error::UnsupportedTransform {
            key: key.to_string(),
            reason: reason.to_string(),
        })
    };
    if !p.layers.is_empty() {
        return refuse(
            "l-image/l-text",
            "layers need the host's asset store and fonts; not performed yet",
        );
    }
    if p.shadow.is_some() {
        return refuse("e-shadow", "drop shadows are not performed yet");
    }
    if p.distort.is_some() {
        return refuse(
            "e-distort",
            "perspective and arc distortion are not performed yet",
        );
    }
    if p.color_replace.is_some() {
        return refuse("cr", "colour replacement is not performed yet");
    }
    match &p.background {
        Some(Background::Blurred { .. }) => {
            return refuse("bg-blurred", "blurred backgrounds are not performed yet")
        }
        Some(Background::Dominant) => {
            return refuse(
                "bg-dominant",
                "dominant-colour backgrounds are not performed yet",
            )
        }
        Some(Background::GradientDominant(_)) => {
            return refuse(
                "bg-gradient_dominant",
                "dominant-colour gradients are not performed yet",
            )
        }
        Some(Background::GenFill) => {
            return refuse("bg-genfill", "AI outpainting is not performed")
        }
        _ => {}
    }
    match &p.page {
        Some(PageSelect::Psd(_)) => refuse("pg", "PSD layer selection is not performed"),
        _ => Ok(()),
    }
}

/// The page or frame `pg-N` selects from the input, 0-based (0 without `pg`). The page is
/// chosen before anything is decoded, so it comes from the unconditional steps (the parser
/// refuses `pg` inside a conditional); two different pages in one transformation are
/// refused rather than one silently winning.
pub(crate) fn input_page(steps: &[spec::Step]) -> Result<u32> {
    let mut chosen: Option<u32> = None;
    for step in steps {
        let spec::Step::Params(p) = step else {
            continue;
        };
        if let Some(PageSelect::Single(n)) = p.page {
            if let Some(c) = chosen.filter(|&c| c != n) {
                return Err(Error::UnsupportedTransform {
                    key: "pg".into(),
                    reason: format!("pages {c} and {n} asked for in one request"),
                });
            }
            chosen = Some(n);
        }
    }
    Ok(chosen.map_or(0, |n| n.saturating_sub(1)))
}

pub(crate) fn rgba([r, g, b, a]: [u8; 4]) -> Rgba {
    Rgba { r, g, b, a }
}

/// `actual ≤ max`, or the limit error.
pub(crate) fn check_max(limit: Limit, actual: u64, max: u64) -> Result<()> {
    if actual > max {
        Err(Error::LimitExceeded { limit, actual, max })
    } else {
        Ok(())
    }
}
