//! The step runner: walks the steps in the order written (if-blocks evaluated on the
//! current size), plans each one, [lowers](super::lower) it to ops and runs them on the
//! frame, collecting the report and the encoding keys.

use std::time::Instant;

use crate::engine::deliver::EncodingKeys;
use crate::engine::lower::{self, Lowered, Op, Planned};
use crate::engine::report::StepReport;
use crate::engine::{Config, Request};
use crate::error::{Error, Result};
use crate::ops;
use crate::plan::{self, Geometry, Resample, Size};
use crate::spec::{Step, StepParams};
use crate::{Frame16, Pixels};

/// The state of one request while its steps run.
pub(crate) struct Runner<'a> {
    config: &'a Config,
    request: &'a Request,
    /// The upright input size (`iw`/`ih`, conditions on the original).
    original: Size,
    /// Encoding keys of the steps that ran (last one wins).
    pub keys: EncodingKeys,
    /// The last opaque solid `bg` seen: what alpha is flattened onto for JPEG output.
    pub flatten_onto: Option<[u8; 4]>,
    /// What each step did.
    pub steps: Vec<StepReport>,
    /// The conversion to sRGB still to run ([`super::color`]): deferred past the first
    /// step's downscale or crop, so it runs on the fewest pixels.
    pub color: Option<crate::color::ToSrgb>,
    /// Why the conversion failed, when it did (the picture then goes on unconverted).
    pub color_failed: Option<String>,
    /// Where 16-bit pixels were reduced to 8, when they were (for the report).
    pub reduced_at: Option<String>,
}

/// A first step planned before decoding (shrink on load), and what the decoder did with it.
pub(crate) struct FirstStep<'t> {
    /// The step.
    pub params: &'t StepParams,
    /// Its plan, for the full upright size.
    pub geometry: Geometry,
    /// When the decoder fed the resize: the (upright) size it was fed.
    pub fed: Option<Size>,
}

impl<'a> Runner<'a> {
    /// A runner for an input whose upright size is `original`.
    pub(crate) fn new(config: &'a Config, request: &'a Request, original: Size) -> Self {
        Runner {
            config,
            request,
            original,
            keys: EncodingKeys::default(),
            flatten_onto: None,
            steps: Vec::new(),
            color: None,
            color_failed: None,
            reduced_at: None,
        }
    }

    /// Runs the pending colour conversion, if any, now.
    fn settle_color(&mut self, frame: Pixels) -> Pixels {
        let Some(t) = self.color.take() else {
            return frame;
        };
        let converted = match &frame {
            Pixels::Eight(f) => t.apply(f).map(Pixels::Eight),
            Pixels::Sixteen(f) => t.apply16(f).map(Pixels::Sixteen),
        };
        match converted {
            Ok(converted) => converted,
            Err(why) => {
                self.color_failed = Some(why);
                frame
            }
        }
    }

    /// Runs one op at the picture's depth where it can, else in 8 bits.
    fn run_any(&mut self, frame: Pixels, op: &Op) -> Result<(Pixels, bool)> {
        let eight = match frame {
            Pixels::Sixteen(deep) => match run_deep(deep, op)? {
                Ok((done, ran)) => return Ok((Pixels::Sixteen(done), ran)),
                Err(deep) => self.eight(Pixels::Sixteen(deep), &OpName(op)),
            },
            Pixels::Eight(f) => f,
        };
        let (out, ran) = run_op(eight, op, self.config.linear_light)?;
        Ok((Pixels::Eight(out), ran))
    }

    /// The picture in 8 bits for `what`, which has no 16-bit version (noted once).
    fn eight(&mut self, frame: Pixels, what: &dyn std::fmt::Display) -> crate::Frame {
        if frame.bits() == 16 && self.reduced_at.is_none() {
            self.reduced_at = Some(format!(
                "reduced to 8 bits at {what}, which has no 16-bit version"
            ));
        }
        frame.into_eight()
    }

    /// The planning context: client hints, the original size, limits.
    pub(crate) fn context(&self) -> plan::Context {
        let mut ctx = plan::Context::new(self.original);
        ctx.width_hint = self.request.width_hint;
        ctx.dpr_hint = self.request.dpr_hint;
        ctx.max_dimension = self.config.limits.max_dimension;
        ctx
    }

    /// Runs `first` (planned before decoding) and then `rest`.
    pub(crate) fn run(
        &mut self,
        frame: Pixels,
        first: Option<FirstStep<'_>>,
        rest: &[Step],
    ) -> Result<Pixels> {
        let mut frame = frame;
        if let Some(first) = first {
            self.keys.absorb(first.params);
            let planned = Planned {
                geometry: first.geometry,
                planned_for: self.original,
                frame: frame_size(&frame),
                fed: first.fed,
            };
            frame = self.lowered(frame, first.params, planned, false)?;
        }
        let frame = self.steps_in(frame, rest)?;
        // No step ran (or none left it pending): convert the result.
        Ok(self.settle_color(frame))
    }

    fn steps_in(&mut self, mut frame: Pixels, steps: &[Step]) -> Result<Pixels> {
        for step in steps {
            check_deadline(self.request.deadline)?;
            frame = match step {
                Step::Params(p) => self.step(frame, p)?,
                Step::If(block) => {
                    let current = frame_size(&frame);
                    let branch =
                        if plan::evaluate_condition(&block.condition, current, self.original) {
                            Some(&block.then)
                        } else {
                            block.otherwise.as_ref()
                        };
                    match branch {
                        // The parser bounds if-nesting, so this recursion is shallow.
                        Some(b) => self.steps_in(frame, b)?,
                        None => frame,
                    }
                }
            };
        }
        Ok(frame)
    }

    /// One plain step: trim, plan on the (trimmed) size, lower, run.
    fn step(&mut self, frame: Pixels, p: &StepParams) -> Result<Pixels> {
        self.keys.absorb(p);
        let (frame, trimmed) = match lower::trim(p) {
            // Trim compares colours: in sRGB, like everything after it.
            Some(t) => {
                let settled = self.settle_color(frame);
                let eight = self.eight(settled, &"trim");
                (Pixels::Eight(ops::trim(&eight, &t)?), true)
            }
            None => (frame, false),
        };
        let current = frame_size(&frame);
        let planned = Planned {
            geometry: plan::plan_step(current, p, &self.context())?,
            planned_for: current,
            frame: current,
            fed: None,
        };
        self.lowered(frame, p, planned, trimmed)
    }

    fn lowered(
        &mut self,
        frame: Pixels,
        p: &StepParams,
        planned: Planned,
        trimmed: bool,
    ) -> Result<Pixels> {
        let Lowered {
            ops,
            mut report,
            opaque_bg,
        } = lower::lower(p, planned, &self.context(), &self.config.limits)?;
        if opaque_bg.is_some() {
            self.flatten_onto = opaque_bg;
        }
        if trimmed {
            report.ops.push(crate::engine::report::OpReport::Trim);
        }
        let mut frame = frame;
        for op in &ops {
            if self.color.is_some() && !shrinks(op, &frame) {
                frame = self.settle_color(frame);
            }
            let ran;
            (frame, ran) = self.run_any(frame, op)?;
            if let (true, Some(r)) = (ran, op.report()) {
                report.ops.push(r);
            }
        }
        // The first step's geometry has run: the frame is as small as it gets here.
        let frame = self.settle_color(frame);
        report.output = frame_size(&frame);
        self.steps.push(report);
        Ok(frame)
    }
}

/// Runs one op on a 16-bit picture where it has a 16-bit version ([`ops::deep`]); gives the
/// picture back (`Err`) where it has none.
/// (`false` with it: nothing to do, as [`run_op`] says.)
fn run_deep(frame: Frame16, op: &Op) -> Result<std::result::Result<(Frame16, bool), Frame16>> {
    let out = match op {
        Op::Resample(Resample::Keep) => frame,
        Op::Resample(Resample::Window(r)) => ops::deep::crop(
            &frame,
            &ops::CropParams {
                x: r.x(),
                y: r.y(),
                width: r.width(),
                height: r.height(),
            },
        )?,
        Op::Resample(Resample::Resize { size, source }) => ops::deep::resize(
            &frame,
            &ops::ResizeParams {
                width: size.width(),
                height: size.height(),
                source: Some(*source),
                ..ops::ResizeParams::default()
            },
        )?,
        Op::Pad(p) => ops::deep::pad(&frame, p)?,
        Op::Flip(p) => ops::deep::flip(&frame, p)?,
        Op::Rotate(p) => match ops::deep::rotate(&frame, p) {
            Some(turned) => turned?,
            None => return Ok(Err(frame)),
        },
        // Nothing to fill behind on an opaque layout, at any depth.
        Op::Background(_) if !frame.layout().has_alpha() => return Ok(Ok((frame, false))),
        _ => return Ok(Err(frame)),
    };
    Ok(Ok((out, true)))
}

/// An op's name for the report's depth note.
struct OpName<'a>(&'a Op);

impl std::fmt::Display for OpName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.0, self.0.report()) {
            (_, Some(r)) => write!(f, "{r}"),
            (Op::Pad(_), None) => f.write_str("pad"),
            _ => f.write_str("resize"),
        }
    }
}

/// Runs one op; `false` when it had nothing to do (background on an opaque layout).
pub(crate) fn run_op(
    frame: crate::Frame,
    op: &Op,
    linear_light: bool,
) -> Result<(crate::Frame, bool)> {
    let out = match op {
        Op::Resample(Resample::Keep) => frame,
        Op::Resample(Resample::Window(r)) => ops::crop(
            &frame,
            &ops::CropParams {
                x: r.x(),
                y: r.y(),
                width: r.width(),
                height: r.height(),
            },
        )?,
        Op::Resample(Resample::Resize { size, source }) => ops::resize_owned(
            frame,
            &ops::ResizeParams {
                width: size.width(),
                height: size.height(),
                source: Some(*source),
                linear_light,
                ..ops::ResizeParams::default()
            },
        )?,
        Op::Pad(p) => ops::pad(&frame, p)?,
        Op::Rotate(p) => ops::rotate(&frame, p)?,
        Op::Flip(p) => ops::flip(&frame, p)?,
        Op::Grayscale => ops::grayscale(&frame, &ops::GrayscaleParams::default())?,
        Op::Contrast => ops::contrast(&frame, &ops::ContrastParams::default())?,
        Op::Colorize(p) => ops::colorize(&frame, p)?,
        Op::Blur(p, _) => ops::blur(&frame, p)?,
        Op::Sharpen(p) => ops::sharpen(&frame, p)?,
        Op::Unsharp(p) => ops::unsharp(&frame, p)?,
        Op::Gradient(p) => ops::gradient(&frame, p)?,
        Op::Radius(p) => ops::radius(&frame, p)?,
        Op::Border(p) => ops::border(&frame, p)?,
        Op::Opacity(p) => ops::opacity(&frame, p)?,
        Op::Flatten(p) => ops::flatten(&frame, p)?,
        Op::Background(p) => {
            if !frame.layout().has_alpha() {
                return Ok((frame, false));
            }
            ops::background(&frame, p)?
        }
    };
    Ok((out, true))
}

/// Whether `op` only moves pixels and leaves no more of them than `frame` has: a colour
/// conversion may wait until after it (a per-pixel transform commutes with a crop, and
/// with a resize to its rounding).
fn shrinks(op: &Op, frame: &Pixels) -> bool {
    match op {
        Op::Resample(Resample::Keep | Resample::Window(_)) => true,
        Op::Resample(Resample::Resize { size, .. }) => size.pixels() <= frame_size(frame).pixels(),
        _ => false,
    }
}

/// The frame's size. Frames never have a zero side (`Frame`'s guarantee).
pub(crate) fn frame_size(frame: &Pixels) -> Size {
    Size::new(frame.width(), frame.height()).unwrap_or(Size::MIN)
}

/// [`Error::DeadlineExceeded`] once `deadline` has passed.
pub(crate) fn check_deadline(deadline: Option<Instant>) -> Result<()> {
    match deadline {
        Some(d) if Instant::now() >= d => Err(Error::DeadlineExceeded),
        _ => Ok(()),
    }
}
