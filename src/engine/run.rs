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
use crate::Frame;

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
        }
    }

    /// Runs the pending colour conversion, if any, now.
    fn settle_color(&mut self, frame: Frame) -> Frame {
        let Some(t) = self.color.take() else {
            return frame;
        };
        match t.apply(&frame) {
            Ok(converted) => converted,
            Err(why) => {
                self.color_failed = Some(why);
                frame
            }
        }
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
        frame: Frame,
        first: Option<FirstStep<'_>>,
        rest: &[Step],
    ) -> Result<Frame> {
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

    fn steps_in(&mut self, mut frame: Frame, steps: &[Step]) -> Result<Frame> {
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
    fn step(&mut self, frame: Frame, p: &StepParams) -> Result<Frame> {
        self.keys.absorb(p);
        let (frame, trimmed) = match lower::trim(p) {
            // Trim compares colours: in sRGB, like everything after it.
            Some(t) => (ops::trim(&self.settle_color(frame), &t)?, true),
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
        frame: Frame,
        p: &StepParams,
        planned: Planned,
        trimmed: bool,
    ) -> Result<Frame> {
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
            (frame, ran) = run_op(frame, op, self.config.linear_light)?;
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

/// Runs one op; `false` when it had nothing to do (background on an opaque layout).
pub(crate) fn run_op(frame: Frame, op: &Op, linear_light: bool) -> Result<(Frame, bool)> {
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
fn shrinks(op: &Op, frame: &Frame) -> bool {
    match op {
        Op::Resample(Resample::Keep | Resample::Window(_)) => true,
        Op::Resample(Resample::Resize { size, .. }) => size.pixels() <= frame_size(frame).pixels(),
        _ => false,
    }
}

/// The frame's size. Frames never have a zero side (`Frame`'s guarantee).
pub(crate) fn frame_size(frame: &Frame) -> Size {
    Size::new(frame.width(), frame.height()).unwrap_or(Size::MIN)
}

/// [`Error::DeadlineExceeded`] once `deadline` has passed.
pub(crate) fn check_deadline(deadline: Option<Instant>) -> Result<()> {
    match deadline {
        Some(d) if Instant::now() >= d => Err(Error::DeadlineExceeded),
        _ => Ok(()),
    }
}
