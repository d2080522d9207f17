//! `engine`: one request end to end, in stages, each a room of its own:
//!
//! ```text
//! Engine::transform
//!   │ limits on the bytes, named expansion, check_supported (lower)
//!   ├─ sniff → codec header → limits from the header
//!   ├─ plan the first step on the upright header size
//!   ├─ load      decode with shrink on load (own JPEG 1/8 and 1/4 paths, row-fed resize)
//!   ├─ orient    EXIF orientation, before any step
//!   ├─ run       each step: plan → lower (to concrete ops) → run the ops
//!   └─ deliver   choose the format (negotiate), flatten, keep metadata, encode → Output
//! ```
//!
//! [`Config`] and [`Limits`] live in `config`, [`Request`] in `request`, [`Output`] and
//! its [`Report`] (with the one JSON schema) in `report`.

use crate::codec::decode::{self, InputFormat};
use crate::error::{Error, Limit, Result};
use crate::format;
use crate::ops;
use crate::plan::{self, Size};
use crate::sniff::{self, MediaType};
use crate::spec::{self, Mode, NamedTransforms, ParseOptions, SpecLimits, Step, Transform};
use crate::Pixels;

mod color;
mod config;
mod deliver;
mod load;
mod lower;
mod report;
mod request;
mod run;

pub use crate::codec::encode::{ChromaSubsampling, PngCompression};
pub use crate::format::OutputFormat;
pub use config::{Config, Limits};
pub use deliver::DEFAULT_FLATTEN_COLOR;
pub use lower::DEFAULT_PAD_COLOR;
pub use report::{DepthReport, KeptMetadata, OpReport, Output, PadReport, Report, StepReport};
pub use request::Request;

use deliver::Finished;
use load::Load;
use lower::check_max;
use run::{check_deadline, FirstStep, Runner};

/// The transformation engine. Cheap to share: `&Engine` is `Send + Sync`, and one engine
/// serves many threads at once (it holds only its configuration).
#[derive(Debug, Clone)]
pub struct Engine {
    config: Config,
}

impl Default for Engine {
    /// [`Engine::new`] with the default [`Config`] (the helper pool started as there).
    fn default() -> Self {
        Engine::new(Config::default())
    }
}

impl Engine {
    /// An engine with this configuration, taken as given (see [`Engine::try_new`] for a
    /// checked one; an out-of-range encoder setting is clamped by the encoder). Unless `config.threads` is 1, this starts the
    /// process-wide helper pool (once per process), so that the first request does not
    /// wait for a thread to start.
    pub fn new(config: Config) -> Self {
        if config.threads != 1 {
            crate::codec::jpeg_dc::warm_up();
        }
        Engine { config }
    }

    /// [`Engine::new`] after [`Config::validate`]: the constructor to use when the
    /// configuration comes from outside (a file, flags, a binding).
    ///
    /// # Errors
    /// [`Error::BadArgument`] naming the first field out of range.
    pub fn try_new(config: Config) -> Result<Self> {
        config.validate()?;
        Ok(Engine::new(config))
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Parses `transform` (path, query or bare form; `""` for none) with the engine's
    /// strictness and limits, then runs [`Engine::transform`].
    ///
    /// # Errors
    /// As [`Engine::transform`], plus [`Error::InvalidTransform`] for a string that does
    /// not parse.
    pub fn transform_str(
        &self,
        input: &[u8],
        transform: &str,
        request: &Request,
    ) -> Result<Output> {
        let t = self.parse(transform)?;
        self.transform(input, &t, request)
    }

    /// Parses a transformation with this engine's strictness; an empty (or blank) string
    /// is the identity. The one parse every front end (the C ABI, the CLI) calls.
    ///
    /// # Errors
    /// [`Error::LimitExceeded`] ([`Limit::TransformLength`]) for a string longer than
    /// [`Limits::max_transform_len`] — the parser's own length bound is set to the same
    /// number; [`Error::InvalidTransform`] with the offset and token.
    pub fn parse(&self, transform: &str) -> Result<Transform> {
        let max_len = self.config.limits.max_transform_len;
        check_max(
            Limit::TransformLength,
            transform.len() as u64,
            max_len as u64,
        )?;
        if transform.trim().is_empty() {
            return Ok(Transform::default());
        }
        let options = ParseOptions {
            mode: if self.config.strict {
                Mode::Strict
            } else {
                Mode::Lenient
            },
            limits: SpecLimits {
                max_len,
                ..SpecLimits::default()
            },
        };
        Ok(spec::parse(transform, &options)?)
    }

    /// Transforms `input` by `transform`: sniff → check limits from the header → decode
    /// (shrinking JPEGs on load) → orient → run each step → choose the format → encode.
    ///
    /// # Errors
    /// Any [`Error`] category: see [`crate::Category`]. Limits are checked from the header
    /// before any pixel buffer is allocated, and again for every step's output.
    pub fn transform(
        &self,
        input: &[u8],
        transform: &Transform,
        request: &Request,
    ) -> Result<Output> {
        // Counted among the threads at work, so that helpers stand aside while requests
        // already keep every core busy.
        let _working = crate::pool::Working::start();
        let limits = &self.config.limits;
        check_max(
            Limit::InputBytes,
            input.len() as u64,
            limits.max_input_bytes,
        )?;
        let empty = NamedTransforms::new();
        let registry = request.named.as_deref().unwrap_or(&empty);
        let transform = transform.expand_named(registry)?;
        let mut ignored = Vec::new();
        for p in transform.all_params() {
            lower::check_supported(p)?;
            ignored.extend(p.unknown.iter().map(|u| u.key.clone()));
        }
        check_deadline(request.deadline)?;

        let media = sniff::sniff(input).ok_or_else(|| {
            Error::UnsupportedMedia("the bytes are not a known media type".into())
        })?;
        let format = input_format(&media)?;
        let page = lower::input_page(&transform.steps)?;
        let header =
            decode::read_page_header(input, format, &load::decode_limits(&self.config), page)?;
        if transform.all_params().any(|p| p.original == Some(true)) {
            return original(input, &header, &media);
        }
        check_max(
            Limit::Dimension,
            u64::from(header.width.max(header.height)),
            u64::from(limits.max_dimension),
        )?;
        check_max(
            Limit::InputPixels,
            u64::from(header.width) * u64::from(header.height),
            limits.max_input_pixels,
        )?;
        let stored = Size::new(header.width, header.height)
            .ok_or_else(|| load::undecodable(format, "zero-sized picture"))?;
        let upright = if header.orientation >= 5 {
            stored.transposed()
        } else {
            stored
        };
        let mut runner = Runner::new(&self.config, request, upright);

        // Which metadata the output keeps decides whether the decoder collects it.
        let mut probe = deliver::EncodingKeys::default();
        transform.all_params().for_each(|p| probe.absorb(p));
        let keep = probe.kept_metadata(self.config.keep_metadata);
        let input_format = format::output(media.kind);
        let keep_16bit = deliver::keeps_16bit(
            &self.config,
            request,
            &probe,
            input_format,
            header.has_alpha,
        );

        // Shrink on load: plan the first step on the upright header size and let the JPEG
        // decoder stop at the smallest DCT scale still at least that big (AVIF and HEIC
        // average their Y'CbCr planes by the same factor). Trim changes the size before
        // the resize is planned: no shrink-on-load then.
        // An SVG is rendered straight at the first step's resize.
        let first = match (format, transform.steps.first()) {
            (
                InputFormat::Jpeg | InputFormat::Svg | InputFormat::Avif | InputFormat::Heic,
                Some(Step::Params(p)),
            ) if p.trim.is_none() => Some((p, plan::plan_step(upright, p, &runner.context())?)),
            _ => None,
        };
        check_deadline(request.deadline)?;
        let (decoded, fed) = load::load(
            &self.config,
            &Load {
                input,
                header: &header,
                first: first.as_ref().map(|(_, g)| g),
                upright,
                want_metadata: keep != KeptMetadata::None,
                deadline: request.deadline,
                page,
                keep_16bit,
            },
        )?;
        check_deadline(request.deadline)?;
        let mut decoded = decoded;
        let colour = color::plan(&self.config, &header, &decoded, keep);
        if decoded.profile_applied {
            // The pixels are sRGB now: the CMYK profile must not travel with them.
            decoded.metadata.icc = None;
        }
        runner.color = colour.pending;

        let upright_by = ops::OrientParams {
            orientation: decoded.orientation,
        };
        let frame = match decoded.frame {
            Pixels::Eight(f) => Pixels::Eight(ops::orient_owned(f, &upright_by)?),
            Pixels::Sixteen(f) => Pixels::Sixteen(ops::deep::orient(f, &upright_by)?),
        };
        let mut report = Report::new(media.mime, stored);
        report.orientation = decoded.orientation;
        report.shrink_on_load = decoded.scale_denom;
        report.page = page.saturating_add(1);
        report.pages = header.frame_count;
        report.ignored = ignored;
        report.depth.input = decoded.source_bits;

        // Step 1 may have been planned against the full upright size while the frame was
        // decoded smaller: it runs with that plan; the rest are planned on real sizes.
        let rest = match first {
            Some(_) => transform.steps.get(1..).unwrap_or(&[]),
            None => &transform.steps[..],
        };
        let first = first.map(|(params, geometry)| FirstStep {
            params,
            geometry,
            fed,
        });
        let frame = runner.run(frame, first, rest)?;
        report.steps = std::mem::take(&mut runner.steps);
        report.color = colour.report;
        if let Some(why) = runner.color_failed.take() {
            report.color.action = crate::color::ColorAction::Ignored(why);
        }
        report.depth.note = runner.reduced_at.take();

        deliver::deliver(
            &self.config,
            request,
            Finished {
                frame,
                keys: runner.keys,
                flatten_onto: runner.flatten_onto,
                metadata: decoded.metadata,
                input_format,
            },
            report,
        )
    }
}

/// `orig-true`: the stored bytes, untouched.
fn original(input: &[u8], header: &decode::Header, media: &MediaType) -> Result<Output> {
    let format = format::output(media.kind).ok_or_else(|| Error::UnsupportedTransform {
        key: "orig-true".into(),
        reason: format!("the original {} cannot be delivered as is", media.mime),
    })?;
    let stored = Size::new(header.width, header.height)
        .ok_or_else(|| load::undecodable(header.format, "zero-sized picture"))?;
    let mut report = Report::new(media.mime, stored);
    report.format_reason = "orig-true: original bytes".into();
    report.metadata = KeptMetadata::All;
    Ok(Output {
        bytes: input.to_vec(),
        format,
        width: header.width,
        height: header.height,
        report,
    })
}

/// The decoder for a sniffed media type (the format table's row), or why there is none.
fn input_format(media: &MediaType) -> Result<InputFormat> {
    match format::lookup(media.kind).map(|row| row.input) {
        Some(format::Input::Decodes(f)) => Ok(f),
        Some(format::Input::Refused(reason)) => Err(Error::UnsupportedMedia(reason.into())),
        Some(format::Input::NotYet) | None => Err(Error::UnsupportedMedia(format!(
            "{} ({}) is not a format pixform decodes",
            media.mime, media.extension
        ))),
    }
}
