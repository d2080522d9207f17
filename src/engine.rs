//! `engine`: one request end to end — limits → sniff → decode (shrink on load) → orient →
//! each step (plan, then ops) → choose format → encode → [`Output`].

use std::sync::Arc;
use std::time::Instant;

use crate::codec::decode::{self, DecodeLimits, DecodeOptions, Decoded, InputFormat};
use crate::codec::encode::{self, EncodeOptions};
pub use crate::codec::encode::{ChromaSubsampling, OutputFormat, PngCompression};
use crate::codec::jpeg_dc;
use crate::codec::metadata::{self, Metadata};
use crate::error::{Error, Limit, Result};
use crate::negotiate::{self, Picture, Policy, Wanted};
use crate::ops;
use crate::plan::{self, Geometry, Size};
use crate::sniff::{self, Kind, MediaType};
use crate::spec::{
    self, Background, Color, ExprEnv, Flip, Format, Mode, NamedTransforms, PageSelect,
    ParseOptions, Quality, Radius, Rotation, Step, StepParams, Transform, Trim,
};
use crate::Frame;

/// Hard limits, fixed when the engine is built. Nothing in a transformation string can
/// raise them.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest input accepted, in bytes (ImageKit: 40 MB).
    pub max_input_bytes: u64,
    /// Largest input picture, width × height (ImageKit: 100 MP).
    pub max_input_pixels: u64,
    /// Largest output of any step, width × height (ImageKit: 100 MP).
    pub max_output_pixels: u64,
    /// Largest side of any picture (ImageKit: 65535 px).
    pub max_dimension: u32,
    /// Largest side of a WebP output (the format's limit: 16383 px).
    pub max_webp_dimension: u32,
    /// Most frames read from an animation.
    pub max_frames: u32,
    /// Largest metadata block (EXIF, XMP, ICC) kept or parsed, in bytes.
    pub max_metadata_bytes: u64,
    /// Longest transformation string, in bytes.
    pub max_transform_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 40 * 1024 * 1024,
            max_input_pixels: 100_000_000,
            max_output_pixels: 100_000_000,
            max_dimension: 65_535,
            max_webp_dimension: 16_383,
            max_frames: 1_000,
            max_metadata_bytes: 1024 * 1024,
            max_transform_len: 8 * 1024,
        }
    }
}

/// Engine configuration: ImageKit's dashboard defaults plus encoder settings.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Config {
    /// Hard limits.
    pub limits: Limits,
    /// Quality when `q` is absent (ImageKit: 80).
    pub default_quality: Quality,
    /// Choose the best format for the client when `f` is absent (ImageKit: on).
    pub auto_format: bool,
    /// Let `f-auto` pick AVIF when the client accepts it (ImageKit: off).
    pub auto_avif: bool,
    /// Keep metadata when `md`/`cp` are absent (ImageKit: stripped).
    pub keep_metadata: bool,
    /// JPEG chroma subsampling.
    pub jpeg_subsampling: ChromaSubsampling,
    /// PNG compression effort.
    pub png_compression: PngCompression,
    /// WebP encoder method 0 (fast) – 6 (small).
    pub webp_method: u8,
    /// AVIF encoder speed 1 (slow, small) – 10 (fast).
    pub avif_speed: u8,
    /// Refuse unknown keys (strict, the default) or keep them as unknown items.
    pub strict: bool,
    /// Threads one request may use; 0 = a helper while a core is idle, 1 = only the
    /// caller's. Today a baseline JPEG's entropy decoding on the 1/8 and 1/4 paths
    /// (`codec::jpeg_dc::ScaledOptions`) and a lossy WebP's alpha plane
    /// (`codec::encode::EncodeOptions::threads`) use a second thread from a process-wide
    /// helper pool (one thread per extra core, started by [`Engine::new`] unless this is 1).
    /// A request asks for a helper only while fewer of pixform's threads (requests in
    /// flight, helpers running) are at work than there are cores, so a busy server runs
    /// each request alone without being told; a request whose helper finds the pool busy
    /// does that work itself.
    pub threads: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            limits: Limits::default(),
            default_quality: Quality::new(80).unwrap_or(Quality::DEFAULT),
            auto_format: true,
            auto_avif: false,
            keep_metadata: false,
            jpeg_subsampling: ChromaSubsampling::Yuv420,
            png_compression: PngCompression::Fast,
            webp_method: 4,
            avif_speed: 8,
            strict: true,
            threads: 0,
        }
    }
}

/// Per-request inputs besides the bytes and the transformation.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The client's `Accept` header, for `f-auto`.
    pub accept: Option<String>,
    /// `Sec-CH-Width`, for `w-auto`.
    pub width_hint: Option<u32>,
    /// `Sec-CH-DPR`, for `dpr-auto`.
    pub dpr_hint: Option<f64>,
    /// `Save-Data: on`.
    pub save_data: bool,
    /// Named transformations for `n-…`.
    pub named: Option<Arc<NamedTransforms>>,
    /// Give up with [`Error::DeadlineExceeded`] after this instant.
    pub deadline: Option<Instant>,
}

impl Request {
    /// Sets the `Accept` header.
    pub fn accept(mut self, accept: impl Into<String>) -> Self {
        self.accept = Some(accept.into());
        self
    }
    /// Sets the `Sec-CH-Width` hint.
    pub fn width_hint(mut self, width: u32) -> Self {
        self.width_hint = Some(width);
        self
    }
    /// Sets the `Sec-CH-DPR` hint.
    pub fn dpr_hint(mut self, dpr: f64) -> Self {
        self.dpr_hint = Some(dpr);
        self
    }
    /// Sets `Save-Data`.
    pub fn save_data(mut self, on: bool) -> Self {
        self.save_data = on;
        self
    }
    /// Sets the named-transformation registry.
    pub fn named(mut self, named: Arc<NamedTransforms>) -> Self {
        self.named = Some(named);
        self
    }
    /// Sets the deadline.
    pub fn deadline(mut self, deadline: Instant) -> Self {
        self.deadline = Some(deadline);
        self
    }
}

/// A rectangle in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RectReport {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

/// What one step did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StepReport {
    /// Size before the step.
    pub input: (u32, u32),
    /// Size the picture was resized to, if it was.
    pub resize: Option<(u32, u32)>,
    /// Rectangle cut from the (resized) picture, if any.
    pub crop: Option<RectReport>,
    /// Canvas size and the picture's position on it, if padded.
    pub pad: Option<((u32, u32), (u32, u32))>,
    /// Other operations, in the order run (`"rotate 90"`, `"blur 5"`…).
    pub ops: Vec<String>,
    /// Size after the step.
    pub output: (u32, u32),
}

/// The decisions taken for one request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    /// MIME type sniffed from the input.
    pub input_mime: String,
    /// Stored size of the input.
    pub input_size: (u32, u32),
    /// EXIF orientation applied (1 = none).
    pub orientation: u8,
    /// DCT shrink-on-load denominator (1, 2, 4 or 8).
    pub shrink_on_load: u8,
    /// Each step, in order.
    pub steps: Vec<StepReport>,
    /// Why the output format was chosen.
    pub format_reason: String,
    /// Quality used (lossy formats).
    pub quality: Option<u8>,
    /// Whether metadata was kept (`"none"`, `"icc"`, `"all"`).
    pub metadata: String,
}

/// The result of a transformation.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// The encoded bytes to deliver.
    pub bytes: Vec<u8>,
    /// Their format.
    pub format: OutputFormat,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The decisions taken.
    pub report: Report,
}

impl Output {
    /// The MIME type of [`Output::bytes`].
    pub fn mime(&self) -> &'static str {
        self.format.mime()
    }

    /// One JSON object describing the output and its report (what the command-line tool
    /// prints): `{"width":W,"height":H,"format":"webp","mime":"image/webp","bytes":N,…}`.
    pub fn to_json(&self) -> String {
        format!(
            "{{\"width\":{},\"height\":{},\"format\":\"{}\",\"mime\":\"{}\",\"bytes\":{},{}}}",
            self.width,
            self.height,
            self.format.extension(),
            self.mime(),
            self.bytes.len(),
            self.report.json_fields()
        )
    }
}

impl Report {
    /// The report as one JSON object.
    pub fn to_json(&self) -> String {
        format!("{{{}}}", self.json_fields())
    }

    fn json_fields(&self) -> String {
        let steps: Vec<String> = self.steps.iter().map(StepReport::to_json).collect();
        let quality = self.quality.map_or("null".to_string(), |q| q.to_string());
        format!(
            "\"input_mime\":{},\"input_size\":[{},{}],\"orientation\":{},\"shrink_on_load\":{},\"format_reason\":{},\"quality\":{},\"metadata\":{},\"steps\":[{}]",
            json_str(&self.input_mime),
            self.input_size.0,
            self.input_size.1,
            self.orientation,
            self.shrink_on_load,
            json_str(&self.format_reason),
            quality,
            json_str(&self.metadata),
            steps.join(",")
        )
    }
}

impl StepReport {
    fn to_json(&self) -> String {
        let pair =
            |p: Option<(u32, u32)>| p.map_or("null".to_string(), |(a, b)| format!("[{a},{b}]"));
        let crop = self.crop.map_or("null".to_string(), |r| {
            format!("[{},{},{},{}]", r.x, r.y, r.width, r.height)
        });
        let pad = self.pad.map_or("null".to_string(), |((w, h), (x, y))| {
            format!("{{\"canvas\":[{w},{h}],\"at\":[{x},{y}]}}")
        });
        let ops: Vec<String> = self.ops.iter().map(|o| json_str(o)).collect();
        format!(
            "{{\"input\":[{},{}],\"resize\":{},\"crop\":{},\"pad\":{},\"ops\":[{}],\"output\":[{},{}]}}",
            self.input.0,
            self.input.1,
            pair(self.resize),
            crop,
            pad,
            ops.join(","),
            self.output.0,
            self.output.1
        )
    }
}

/// A JSON string literal.
pub(crate) fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The transformation engine. Cheap to share: `&Engine` is `Send + Sync`, and one engine
/// serves many threads at once (it holds only its configuration).
#[derive(Debug, Clone, Default)]
pub struct Engine {
    config: Config,
}

/// Encoding keys gathered from the steps that ran (last one wins).
#[derive(Debug, Clone, Copy, Default)]
struct EncodingKeys {
    format: Option<Format>,
    quality: Option<Quality>,
    lossless: Option<bool>,
    progressive: Option<bool>,
    metadata: Option<bool>,
    color_profile: Option<bool>,
    /// `e-usm` anywhere rules AVIF out of `f-auto` (reference §3.1).
    unsharp: bool,
}

impl EncodingKeys {
    fn absorb(&mut self, p: &StepParams) {
        self.format = p.format.or(self.format);
        self.quality = p.quality.or(self.quality);
        self.lossless = p.lossless.or(self.lossless);
        self.progressive = p.progressive.or(self.progressive);
        self.metadata = p.metadata.or(self.metadata);
        self.color_profile = p.color_profile.or(self.color_profile);
        self.unsharp |= p.unsharp.is_some();
    }
}

/// Mutable state of one request while its steps run.
struct Run<'a> {
    engine: &'a Engine,
    request: &'a Request,
    original: Size,
    keys: EncodingKeys,
    /// The last solid `bg` seen: the colour alpha is flattened onto for JPEG output.
    flatten_onto: Option<[u8; 4]>,
    steps: Vec<StepReport>,
}

/// Default colour transparent pixels are flattened onto when the output has no alpha and
/// no `bg` was given: white, as browsers show transparent images on a white page.
pub const DEFAULT_FLATTEN_COLOR: [u8; 4] = [255, 255, 255, 255];

/// Default padding colour for `cm-pad_*` without `bg` (ImageKit: black).
pub const DEFAULT_PAD_COLOR: [u8; 4] = [0, 0, 0, 255];

impl Engine {
    /// An engine with this configuration. Unless `config.threads` is 1, this starts the
    /// process-wide JPEG decode helper pool (once per process), so that the first request
    /// does not wait for a thread to start.
    pub fn new(config: Config) -> Self {
        if config.threads != 1 {
            // Starts the decode helper pool now rather than inside the first request.
            jpeg_dc::warm_up();
        }
        Engine { config }
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

    /// Parses a transformation with this engine's strictness.
    ///
    /// # Errors
    /// [`Error::InvalidTransform`] with the offset and token.
    pub fn parse(&self, transform: &str) -> Result<Transform> {
        if transform.len() > self.config.limits.max_transform_len {
            return Err(Error::LimitExceeded {
                limit: Limit::TransformLength,
                actual: transform.len() as u64,
                max: self.config.limits.max_transform_len as u64,
            });
        }
        if transform.trim().is_empty() {
            return Ok(Transform::default());
        }
        let mode = if self.config.strict {
            Mode::Strict
        } else {
            Mode::Lenient
        };
        let options = ParseOptions {
            mode,
            ..ParseOptions::default()
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
        check_supported(&transform.steps)?;
        check_deadline(request)?;

        let media = sniff::sniff(input).ok_or_else(|| {
            Error::UnsupportedMedia("the bytes are not a known media type".into())
        })?;
        let format = input_format(&media)?;
        if let Some(out) = self.original(input, format, &transform, &media)? {
            return Ok(out);
        }

        let header = decode::read_header(input, format, &self.decode_limits())?;
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
        let swaps = header.orientation >= 5;
        let oriented = if swaps {
            Size::new(header.height, header.width)
        } else {
            Size::new(header.width, header.height)
        }
        .ok_or_else(|| undecodable(format, "zero-sized picture"))?;

        let mut run = Run {
            engine: self,
            request,
            original: oriented,
            keys: EncodingKeys::default(),
            flatten_onto: None,
            steps: Vec::new(),
        };
        // Which metadata the output keeps decides whether the decoder collects it.
        let mut probe = EncodingKeys::default();
        collect_keys(&transform.steps, &mut probe);
        let keep = metadata_policy(&probe, self.config.keep_metadata);

        // Shrink on load: plan the first step on the upright header size and let the JPEG
        // decoder stop at the smallest DCT scale still at least that big.
        let first_plan = match (format, transform.steps.first()) {
            // Trim changes the size before the resize is planned: no shrink-on-load then.
            (InputFormat::Jpeg, Some(Step::Params(p))) if p.trim.is_none() => {
                Some(plan::plan_step(oriented, p, &run.context(None))?)
            }
            _ => None,
        };
        let needed = first_plan.as_ref().map(|g| {
            let s = g.scaled();
            if swaps {
                (s.height(), s.width())
            } else {
                (s.width(), s.height())
            }
        });
        check_deadline(request)?;
        // Where the first step resamples a JPEG down, libjpeg's rows go straight into the
        // resize (the decoded picture never exists whole); `fused` says how, for the
        // decoded size, in stored orientation.
        let fused = |decoded: Size| -> Option<ops::ResizeParams> {
            let g = first_plan.as_ref()?;
            let upright = if swaps { decoded.transposed() } else { decoded };
            match resample(upright, oriented, g) {
                // Only downscales: the resize then holds less than the decoded picture.
                Resample::Resize(p)
                    if u64::from(p.width) * u64::from(p.height) < upright.pixels() =>
                {
                    Some(stored_resize(&p, upright, header.orientation))
                }
                _ => None,
            }
        };
        let (decoded, resampled_from) = self.decode(
            input,
            needed,
            keep != KeepMetadata::None,
            &header,
            request.deadline,
            &fused,
        )?;
        check_deadline(request)?;

        let mut frame = ops::orient_owned(
            decoded.frame,
            &ops::OrientParams {
                orientation: decoded.orientation,
            },
        )?;
        let mut report = Report {
            input_mime: media.mime.to_string(),
            input_size: (header.width, header.height),
            orientation: decoded.orientation,
            shrink_on_load: decoded.scale_denom,
            ..Report::default()
        };

        // Step 1 may have been planned against the full upright size while the frame was
        // decoded smaller: run it with that plan, then plan the rest on real sizes.
        let mut rest: &[Step] = &transform.steps;
        if let (Some(g), Some(Step::Params(p))) = (first_plan, transform.steps.first()) {
            // A resize fed by the decoder reports the size it was fed.
            let fed = resampled_from.map(|s| if swaps { s.transposed() } else { s });
            frame = run.params_step(frame, p, Some((oriented, g, fed)))?;
            rest = transform.steps.get(1..).unwrap_or(&[]);
        }
        frame = run.steps(frame, rest)?;
        report.steps = std::mem::take(&mut run.steps);

        self.finish(
            frame,
            run.keys,
            run.flatten_onto,
            decoded.metadata,
            format,
            request,
            report,
        )
    }

    fn decode_limits(&self) -> DecodeLimits {
        let l = &self.config.limits;
        DecodeLimits {
            max_pixels: l.max_input_pixels,
            max_dimension: l.max_dimension,
            max_metadata_bytes: l.max_metadata_bytes,
            max_frames: l.max_frames,
        }
    }

    /// Decodes, taking pixform's own JPEG paths when 1/8 (DC only) or 1/4 (baseline) scale
    /// is enough. Otherwise, where `fused` gives a resize for the size libjpeg will decode
    /// to (stored orientation), libjpeg's rows feed that resize and the frame returned is
    /// its output, with the decoded size beside it.
    fn decode(
        &self,
        input: &[u8],
        needed: Option<(u32, u32)>,
        want_metadata: bool,
        header: &decode::Header,
        deadline: Option<Instant>,
        fused: &dyn Fn(Size) -> Option<ops::ResizeParams>,
    ) -> Result<(Decoded, Option<Size>)> {
        let format = header.format;
        let stored = Size::new(header.width, header.height);
        let needed = needed.and_then(|(w, h)| Size::new(w, h));
        // Where 1/8 still covers what the first step needs, both 1/8 decoders (the DC path,
        // libjpeg's) average whole blocks; otherwise each scaled decoder keeps its margin.
        let dc_covers = |n: Size| stored.is_some_and(|s| plan::shrink_factor(s, n) == 8);
        if let (InputFormat::Jpeg, Some(n), Some(stored), false) =
            (format, needed, stored, want_metadata)
        {
            let max = self.config.limits.max_input_pixels;
            // Own fast paths: DC-only at 1/8, 2×2 per block at 1/4 (baseline files);
            // `None` falls back to libjpeg's scaled decode.
            let options = jpeg_dc::ScaledOptions {
                max_pixels: max,
                threads: self.config.threads,
            };
            let fast = if dc_covers(n) {
                jpeg_dc::decode_dc_with(input, &options)?.map(|d| (d, 8))
            } else if plan::shrink_factor(stored, Margin::BlockAverage.around(n)) == 4 {
                jpeg_dc::decode_quarter_with(input, &options)?.map(|d| (d, 4))
            } else {
                None
            };
            if let Some((image, scale_denom)) = fast {
                let decoded = Decoded {
                    frame: image.frame,
                    scale_denom,
                    orientation: header.orientation,
                    metadata: Metadata::default(),
                };
                return Ok((decoded, None));
            }
        }
        let min_size = needed.map(|n| {
            if dc_covers(n) {
                n
            } else {
                Margin::ReducedIdct.around(n)
            }
        });
        let options = DecodeOptions {
            min_size: min_size.map(|s| (s.width(), s.height())),
            want_metadata,
            deadline,
        };
        let limits = self.decode_limits();
        let denom = u32::from(decode::jpeg_shrink_denom(
            header.width,
            header.height,
            options.min_size,
        ));
        let shrunk = Size::new(header.width.div_ceil(denom), header.height.div_ceil(denom));
        let resize = match (format, shrunk) {
            (InputFormat::Jpeg, Some(s)) => fused(s).map(|p| (s, p)),
            _ => None,
        };
        let Some((shrunk, resize)) = resize else {
            return Ok((decode::decode(input, format, &options, &limits)?, None));
        };
        let rows = decode::decode_jpeg_rows(input, &options, &limits, |w, h, layout| {
            if Size::new(w, h) != Some(shrunk) {
                return Err(undecodable(
                    format,
                    "libjpeg's scaled size is not the planned one",
                ));
            }
            ops::RowResizer::new(w, h, layout, &resize)?
                .ok_or_else(|| undecodable(format, "no row-fed resize for this layout"))
        })?;
        let decoded = Decoded {
            frame: rows.sink.finish()?,
            scale_denom: rows.scale_denom,
            orientation: rows.orientation,
            metadata: rows.metadata,
        };
        Ok((decoded, Some(shrunk)))
    }

    /// `orig-true`: the stored bytes, untouched.
    fn original(
        &self,
        input: &[u8],
        format: InputFormat,
        transform: &Transform,
        media: &MediaType,
    ) -> Result<Option<Output>> {
        let wants_original = transform
            .steps
            .iter()
            .any(|s| matches!(s, Step::Params(p) if p.original == Some(true)));
        if !wants_original {
            return Ok(None);
        }
        let out = writable(format).ok_or_else(|| Error::UnsupportedTransform {
            key: "orig-true".into(),
            reason: format!("the original {} cannot be delivered as is", media.mime),
        })?;
        let header = decode::read_header(input, format, &self.decode_limits())?;
        Ok(Some(Output {
            bytes: input.to_vec(),
            format: out,
            width: header.width,
            height: header.height,
            report: Report {
                input_mime: media.mime.to_string(),
                input_size: (header.width, header.height),
                orientation: 1,
                shrink_on_load: 1,
                format_reason: "orig-true: original bytes".into(),
                metadata: "all".into(),
                ..Report::default()
            },
        }))
    }

    /// Chooses the format, flattens alpha where needed, encodes.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &self,
        frame: Frame,
        keys: EncodingKeys,
        flatten_onto: Option<[u8; 4]>,
        metadata: Metadata,
        input: InputFormat,
        request: &Request,
        mut report: Report,
    ) -> Result<Output> {
        check_deadline(request)?;
        let wanted = match keys.format {
            Some(Format::Auto) => Wanted::Auto,
            Some(Format::Orig) => Wanted::Original,
            Some(Format::Jpeg) => Wanted::Exact(OutputFormat::Jpeg),
            Some(Format::Png) => Wanted::Exact(OutputFormat::Png),
            Some(Format::Webp) => Wanted::Exact(OutputFormat::Webp),
            Some(Format::Avif) => Wanted::Exact(OutputFormat::Avif),
            Some(Format::Gif) => Wanted::Exact(OutputFormat::Gif),
            Some(Format::Svg) => {
                return Err(Error::UnsupportedTransform {
                    key: "f-svg".into(),
                    reason: "pixform does not vectorise raster pictures".into(),
                })
            }
            None if self.config.auto_format => Wanted::Auto,
            None => Wanted::Original,
        };
        let keep = metadata_policy(&keys, self.config.keep_metadata);
        let picture = Picture {
            has_alpha: frame.has_transparency(),
            input_format: writable(input),
        };
        let policy = Policy {
            auto_avif: self.config.auto_avif,
            avif_excluded: keys.unsharp || keys.color_profile == Some(true),
        };
        let (format, reason) =
            negotiate::choose(wanted, request.accept.as_deref(), picture, policy);
        let limits = &self.config.limits;
        if format == OutputFormat::Webp {
            let side = frame.width().max(frame.height());
            if side > limits.max_webp_dimension {
                return Err(Error::Encode {
                    format: "webp",
                    reason: format!(
                        "WebP sides are limited to {} px, the picture is {}x{}",
                        limits.max_webp_dimension,
                        frame.width(),
                        frame.height()
                    ),
                });
            }
        }
        let frame = if format.supports_alpha() || !frame.layout().has_alpha() {
            frame
        } else {
            ops::flatten(
                &frame,
                &ops::FlattenParams {
                    background: rgba(flatten_onto.unwrap_or(DEFAULT_FLATTEN_COLOR)),
                },
            )?
        };
        let mut kept = match keep {
            KeepMetadata::None => Metadata::default(),
            KeepMetadata::Icc => metadata.icc_only(),
            KeepMetadata::All => metadata,
        };
        if let Some(exif) = kept.exif.as_mut() {
            // The pixels are upright now; a kept orientation tag would rotate them twice.
            metadata::reset_orientation(exif);
        }
        let quality = keys.quality.unwrap_or(self.config.default_quality).get();
        let options = EncodeOptions {
            format,
            quality,
            progressive: keys.progressive.unwrap_or(false),
            lossless: keys.lossless.unwrap_or(false),
            subsampling: self.config.jpeg_subsampling,
            png_compression: self.config.png_compression,
            webp_method: self.config.webp_method,
            avif_speed: self.config.avif_speed,
            threads: self.config.threads,
            metadata: kept,
            deadline: request.deadline,
        };
        let bytes = encode::encode(&frame, &options)?;
        report.format_reason = reason;
        report.quality = match format {
            OutputFormat::Jpeg | OutputFormat::Avif => Some(quality),
            OutputFormat::Webp if !options.lossless => Some(quality),
            _ => None,
        };
        report.metadata = keep.name().to_string();
        Ok(Output {
            bytes,
            format,
            width: frame.width(),
            height: frame.height(),
            report,
        })
    }
}

/// Which metadata blocks the output keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeepMetadata {
    None,
    Icc,
    All,
}

impl KeepMetadata {
    fn name(self) -> &'static str {
        match self {
            KeepMetadata::None => "none",
            KeepMetadata::Icc => "icc",
            KeepMetadata::All => "all",
        }
    }
}

fn metadata_policy(keys: &EncodingKeys, keep_by_default: bool) -> KeepMetadata {
    match (keys.metadata, keys.color_profile) {
        (Some(true), _) => KeepMetadata::All,
        (_, Some(true)) => KeepMetadata::Icc,
        (Some(false), _) | (_, Some(false)) => KeepMetadata::None,
        (None, None) if keep_by_default => KeepMetadata::All,
        (None, None) => KeepMetadata::None,
    }
}

/// Encoding keys of every step, branches included (to decide what the decoder collects).
fn collect_keys(steps: &[Step], keys: &mut EncodingKeys) {
    for step in steps {
        match step {
            Step::Params(p) => keys.absorb(p),
            Step::If(b) => {
                collect_keys(&b.then, keys);
                if let Some(o) = &b.otherwise {
                    collect_keys(o, keys);
                }
            }
        }
    }
}

impl Run<'_> {
    fn context(&self, base: Option<Size>) -> plan::Context {
        let mut ctx = plan::Context::new(self.original);
        ctx.base = base;
        ctx.width_hint = self.request.width_hint;
        ctx.dpr_hint = self.request.dpr_hint;
        ctx.max_dimension = self.engine.config.limits.max_dimension;
        ctx
    }

    fn steps(&mut self, mut frame: Frame, steps: &[Step]) -> Result<Frame> {
        for step in steps {
            check_deadline(self.request)?;
            frame = match step {
                Step::Params(p) => self.params_step(frame, p, None)?,
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
                        Some(b) => self.steps(frame, b)?,
                        None => frame,
                    }
                }
            };
        }
        Ok(frame)
    }

    /// Runs one plain step in the fixed intra-step order (reference §1.9): resize/crop/pad
    /// → rotate → flip → grayscale → contrast → colorize → blur → sharpen → unsharp →
    /// gradient → radius → border → opacity/background.
    fn params_step(
        &mut self,
        frame: Frame,
        p: &StepParams,
        planned: Option<(Size, Geometry, Option<Size>)>,
    ) -> Result<Frame> {
        self.keys.absorb(p);
        let limits = &self.engine.config.limits;
        let mut frame = frame;
        let mut trimmed = false;
        if let Some(t) = p.trim {
            let threshold = match t {
                Trim::On => Some(ops::TrimParams::default().threshold),
                Trim::Threshold(n) => Some(n),
                Trim::Off => None,
            };
            if let Some(threshold) = threshold {
                frame = ops::trim(&frame, &ops::TrimParams { threshold })?;
                trimmed = true;
            }
        }
        let (planned_current, g, fed) = match planned {
            Some(x) => x,
            None => {
                let current = frame_size(&frame);
                (
                    current,
                    plan::plan_step(current, p, &self.context(None))?,
                    None,
                )
            }
        };
        let current = fed.unwrap_or_else(|| frame_size(&frame));
        let mut report = StepReport {
            input: (current.width(), current.height()),
            ..StepReport::default()
        };
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
        if let Some(c) = solid_bg {
            if c[3] == 255 {
                self.flatten_onto = Some(c);
            }
        }
        if trimmed {
            report.ops.push("trim".into());
        }
        let mut frame = self.geometry(
            frame,
            planned_current,
            &g,
            fed.is_some(),
            solid_bg,
            &mut report,
        )?;

        if let Some(Rotation::Degrees(deg)) = p.rotate {
            let turn = deg.rem_euclid(360.0);
            if turn != 0.0 {
                let fill = solid_bg.unwrap_or([0, 0, 0, 0]);
                let rotated = plan::rotated_size(frame_size(&frame), deg)?;
                check_max(
                    Limit::OutputPixels,
                    rotated.pixels(),
                    limits.max_output_pixels,
                )?;
                frame = ops::rotate(
                    &frame,
                    &ops::RotateParams {
                        degrees: deg,
                        background: rgba(fill),
                    },
                )?;
                report.ops.push(format!("rotate {deg}"));
            }
        }
        if let Some(flip) = p.flip {
            let (h, v) = match flip {
                Flip::Horizontal => (true, false),
                Flip::Vertical => (false, true),
                Flip::Both => (true, true),
            };
            frame = ops::flip(
                &frame,
                &ops::FlipParams {
                    horizontal: h,
                    vertical: v,
                },
            )?;
            report.ops.push(format!("flip {flip:?}").to_lowercase());
        }
        if p.grayscale {
            frame = ops::grayscale(&frame, &ops::GrayscaleParams::default())?;
            report.ops.push("grayscale".into());
        }
        if p.contrast {
            frame = ops::contrast(&frame, &ops::ContrastParams::default())?;
            report.ops.push("contrast".into());
        }
        if let Some(c) = &p.colorize {
            let color = rgba(c.color.as_ref().map_or([128, 128, 128, 255], Color::rgba8));
            let intensity = c.intensity.unwrap_or(100);
            frame = ops::colorize(&frame, &ops::ColorizeParams { color, intensity })?;
            report.ops.push(format!("colorize {intensity}"));
        }
        if let Some(radius) = p.blur {
            // `bl` is a radius 1–100; ops work in sigma.
            let sigma = ops::sigma_from_imagekit_radius(radius as f32);
            frame = ops::blur(&frame, &ops::BlurParams { sigma })?;
            report.ops.push(format!("blur {radius}"));
        }
        if let Some(amount) = p.sharpen {
            let params = match amount {
                Some(a) => ops::SharpenParams { amount: a as f32 },
                None => ops::SharpenParams::default(),
            };
            frame = ops::sharpen(&frame, &params)?;
            report.ops.push("sharpen".into());
        }
        if let Some(usm) = p.unsharp {
            let params = match usm {
                Some(u) => ops::UnsharpParams {
                    radius: u.radius as f32,
                    sigma: u.sigma as f32,
                    amount: u.amount as f32,
                    threshold: u.threshold as f32,
                },
                None => ops::UnsharpParams::default(),
            };
            frame = ops::unsharp(&frame, &params)?;
            report.ops.push("unsharp".into());
        }
        if let Some(gr) = &p.gradient {
            frame = self.gradient(frame, gr)?;
            report.ops.push("gradient".into());
        }
        if let Some(r) = p.radius {
            let params = match r {
                Radius::All(n) => ops::RadiusParams {
                    corners: [n; 4],
                    max: false,
                },
                Radius::Max => ops::RadiusParams {
                    corners: [0; 4],
                    max: true,
                },
                Radius::Corners(c) => ops::RadiusParams {
                    corners: c,
                    max: false,
                },
            };
            frame = ops::radius(&frame, &params)?;
            report.ops.push("radius".into());
        }
        if let Some(b) = &p.border {
            let width = plan::border_width(b, &self.env(&frame))?;
            let grown = plan::border_size(frame_size(&frame), width)?;
            check_max(
                Limit::OutputPixels,
                grown.pixels(),
                limits.max_output_pixels,
            )?;
            frame = ops::border(
                &frame,
                &ops::BorderParams {
                    width,
                    color: rgba(b.color.rgba8()),
                },
            )?;
            report.ops.push(format!("border {width}"));
        }
        if let Some(o) = p.opacity {
            frame = ops::opacity(&frame, &ops::OpacityParams { percent: o })?;
            report.ops.push(format!("opacity {o}"));
            if let Some([r, g, b, _]) = solid_bg {
                // With `bg`, `o` flattens onto it: opaque output, bg's alpha ignored (§4.14).
                frame = ops::flatten(
                    &frame,
                    &ops::FlattenParams {
                        background: rgba([r, g, b, 255]),
                    },
                )?;
                report.ops.push("flatten".into());
            }
        } else if let (Some(c), true) = (solid_bg, frame.layout().has_alpha()) {
            if !g.needs_pad() {
                // `bg` alone on a transparent picture fills the transparent area.
                frame = ops::background(&frame, &ops::BackgroundParams { color: rgba(c) })?;
                report.ops.push("background".into());
            }
        }
        report.output = (frame.width(), frame.height());
        self.steps.push(report);
        Ok(frame)
    }

    /// Resize, crop and pad as planned. `planned_current` is the size the plan was made
    /// for; the frame may be smaller when the decoder shrank it on load, or already resized
    /// and cropped (`resampled`) when the decoder fed the resize.
    fn geometry(
        &self,
        frame: Frame,
        planned_current: Size,
        g: &Geometry,
        resampled: bool,
        bg: Option<[u8; 4]>,
        report: &mut StepReport,
    ) -> Result<Frame> {
        if g.is_identity() && frame_size(&frame) == planned_current {
            return Ok(frame);
        }
        let crop = g.crop();
        let scaled = g.scaled();
        if g.needs_resize() {
            report.resize = Some((scaled.width(), scaled.height()));
        }
        if g.needs_crop() {
            report.crop = Some(RectReport {
                x: crop.x(),
                y: crop.y(),
                width: crop.width(),
                height: crop.height(),
            });
        }
        let mut frame = if resampled {
            frame
        } else {
            match resample(frame_size(&frame), planned_current, g) {
                Resample::Keep => frame,
                Resample::Window(c) => ops::crop(&frame, &c)?,
                Resample::Resize(p) => ops::resize_owned(frame, &p)?,
            }
        };
        if g.needs_pad() {
            let canvas = g.canvas();
            let (x, y) = g.offset();
            frame = ops::pad(
                &frame,
                &ops::PadParams {
                    width: canvas.width(),
                    height: canvas.height(),
                    x: i64::from(x),
                    y: i64::from(y),
                    background: rgba(bg.unwrap_or(DEFAULT_PAD_COLOR)),
                },
            )?;
            report.pad = Some(((canvas.width(), canvas.height()), (x, y)));
        }
        Ok(frame)
    }

    fn env(&self, frame: &Frame) -> ExprEnv {
        plan::expr_env(frame_size(frame), &self.context(None))
    }

    fn gradient(&self, frame: Frame, gr: &spec::Gradient) -> Result<Frame> {
        let length = ops::gradient_length(
            frame.width(),
            frame.height(),
            f64::from(gr.direction.unwrap_or(180)),
        );
        let stop = match &gr.stop {
            None => 1.0,
            Some(spec::StopPoint::Number(n)) if *n <= 1.0 => *n,
            Some(spec::StopPoint::Number(n)) => (*n / length).min(1.0),
            Some(spec::StopPoint::Expr(e)) => {
                let v = plan::eval_size(e, &self.env(&frame), "e-gradient sp")?;
                let v = f64::from(v);
                if v <= 1.0 {
                    v.max(0.0)
                } else {
                    (v / length).min(1.0)
                }
            }
        };
        let params = ops::GradientParams {
            direction: f64::from(gr.direction.unwrap_or(180)),
            from: rgba(gr.from.as_ref().map_or([255, 255, 255, 255], Color::rgba8)),
            to: rgba(gr.to.as_ref().map_or([0, 0, 0, 0], Color::rgba8)),
            stop,
        };
        ops::gradient(&frame, &params)
    }
}

/// What the first part of a step (resize and crop) does to the pixels.
enum Resample {
    /// Nothing: the frame is already the crop.
    Keep,
    /// A whole-pixel window, no resampling.
    Window(ops::CropParams),
    /// A resample of a source box to the crop's size.
    Resize(ops::ResizeParams),
}

/// The resize and crop of plan `g`, made for `planned_current`, applied to a frame of size
/// `frame` (smaller when the decoder shrank it on load).
fn resample(frame: Size, planned_current: Size, g: &Geometry) -> Resample {
    let (left, top, width, height) = g.source_crop();
    let sx = f64::from(frame.width()) / f64::from(planned_current.width());
    let sy = f64::from(frame.height()) / f64::from(planned_current.height());
    let src = ops::SourceBox {
        left: left * sx,
        top: top * sy,
        width: width * sx,
        height: height * sy,
    };
    let crop = g.crop();
    let target = (crop.width(), crop.height());
    let whole = src.left == 0.0
        && src.top == 0.0
        && src.width == f64::from(frame.width())
        && src.height == f64::from(frame.height());
    let integral = [src.left, src.top, src.width, src.height]
        .iter()
        .all(|v| v.fract() == 0.0);
    if whole && target == (frame.width(), frame.height()) {
        Resample::Keep
    } else if integral && (src.width, src.height) == (f64::from(target.0), f64::from(target.1)) {
        // A pure window: no resampling. The values are whole and inside the frame (the
        // plan's guarantee), so the casts are exact.
        Resample::Window(ops::CropParams {
            x: src.left as u32,
            y: src.top as u32,
            width: target.0,
            height: target.1,
        })
    } else {
        Resample::Resize(ops::ResizeParams {
            width: target.0,
            height: target.1,
            source: Some(src),
            ..ops::ResizeParams::default()
        })
    }
}

/// `p`, a resize of an `upright` frame, as the same resize of that frame in its stored
/// orientation (EXIF `orientation`, see [`ops::orient`]): orienting the result then gives
/// `p`'s output. Its source box is mirrored and, for 5–8, transposed; so is the size.
fn stored_resize(p: &ops::ResizeParams, upright: Size, orientation: u8) -> ops::ResizeParams {
    let (ow, oh) = (f64::from(upright.width()), f64::from(upright.height()));
    let b = p.source.unwrap_or(ops::SourceBox {
        left: 0.0,
        top: 0.0,
        width: ow,
        height: oh,
    });
    let (l, t, w, h) = (b.left, b.top, b.width, b.height);
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
    let (width, height, out_w, out_h) = if transposed {
        (h, w, p.height, p.width)
    } else {
        (w, h, p.width, p.height)
    };
    ops::ResizeParams {
        width: out_w,
        height: out_h,
        source: Some(ops::SourceBox {
            left,
            top,
            width,
            height,
        }),
        ..*p
    }
}

impl decode::RowSink for ops::RowResizer {
    fn space(&mut self) -> Result<&mut [u8]> {
        ops::RowResizer::space(self)
    }

    fn filled(&mut self, rows: usize) -> Result<()> {
        ops::RowResizer::filled(self, rows)
    }
}

fn rgba([r, g, b, a]: [u8; 4]) -> ops::Rgba {
    ops::Rgba { r, g, b, a }
}

fn frame_size(frame: &Frame) -> Size {
    // Frames never have a zero side (Frame's guarantee), so this is always Some.
    Size::new(frame.width(), frame.height()).unwrap_or(Size::MIN)
}

fn check_max(limit: Limit, actual: u64, max: u64) -> Result<()> {
    if actual > max {
        Err(Error::LimitExceeded { limit, actual, max })
    } else {
        Ok(())
    }
}

fn check_deadline(request: &Request) -> Result<()> {
    match request.deadline {
        Some(d) if Instant::now() >= d => Err(Error::DeadlineExceeded),
        _ => Ok(()),
    }
}

fn undecodable(format: InputFormat, reason: &str) -> Error {
    Error::Undecodable {
        format: format.name(),
        reason: reason.to_string(),
    }
}

/// The decoder for a sniffed media type, or why there is none.
fn input_format(media: &MediaType) -> Result<InputFormat> {
    Ok(match media.kind {
        Kind::Jpeg => InputFormat::Jpeg,
        Kind::Png | Kind::Apng => InputFormat::Png,
        Kind::Gif => InputFormat::Gif,
        Kind::Webp => InputFormat::Webp,
        Kind::Bmp => InputFormat::Bmp,
        Kind::Tiff => InputFormat::Tiff,
        Kind::Ico => InputFormat::Ico,
        Kind::Svg | Kind::Svgz => {
            return Err(Error::UnsupportedMedia(
                "SVG input is not rasterised by this build (untrusted SVG stays out)".into(),
            ))
        }
        _ => {
            return Err(Error::UnsupportedMedia(format!(
                "{} ({}) is not a format pixform decodes",
                media.mime, media.extension
            )))
        }
    })
}

/// The output format matching an input format, when pixform can write it.
fn writable(format: InputFormat) -> Option<OutputFormat> {
    match format {
        InputFormat::Jpeg => Some(OutputFormat::Jpeg),
        InputFormat::Png => Some(OutputFormat::Png),
        InputFormat::Gif => Some(OutputFormat::Gif),
        InputFormat::Webp => Some(OutputFormat::Webp),
        InputFormat::Bmp | InputFormat::Tiff | InputFormat::Ico => None,
    }
}

/// Refuses, before any decoding, keys this engine does not perform — never silently
/// ignored.
fn check_supported(steps: &[Step]) -> Result<()> {
    let refuse = |key: &str, reason: &str| {
        Err(Error::UnsupportedTransform {
            key: key.to_string(),
            reason: reason.to_string(),
        })
    };
    for step in steps {
        let p = match step {
            Step::Params(p) => p,
            Step::If(b) => {
                check_supported(&b.then)?;
                if let Some(o) = &b.otherwise {
                    check_supported(o)?;
                }
                continue;
            }
        };
        if !p.layers.is_empty() {
            return refuse(
                "l-image/l-text",
                "layers need the host's asset store and fonts; not performed yet",
            );
        }
        if let Some(u) = p.unknown.first() {
            return refuse(
                &u.key,
                "unknown key kept by lenient parsing; the engine cannot perform it",
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
        if let Some(PageSelect::Psd(_)) = &p.page {
            return refuse("pg", "PSD layer selection is not performed");
        }
        if let Some(PageSelect::Single(n)) = p.page {
            if n != 1 {
                return refuse("pg", "only the first page/frame is decoded yet");
            }
        }
        if let Some(Rotation::Auto) = p.rotate {
            // Orientation is always applied before the first step; nothing more to do.
        }
    }
    Ok(())
}

/// How much larger than the first step's need a DCT-scaled decode at 1/2 or 1/4 must stay.
///
/// Those scales drop detail in a way the following resize cannot undo when little resizing
/// is left, so each keeps a margin, measured per decoder (webp1200 and crop300 SSIM against
/// a float Lanczos of the full image). The 1/8 decoders need none: they serve thumbnails,
/// where they are the whole speed advantage, and a block's average is a box filter.
#[derive(Clone, Copy)]
enum Margin {
    /// 1.5×, pixform's 1/4 path, whose samples are means of 4×4 pixels (a box filter).
    /// kleiber 6028→1200 via 1/4 at 1.26× scored 0.9851 against 0.9859 from the full image;
    /// at 1.5–1.7× it costs 0.0003–0.0007 (storm 300 px, wood's 300×300 crop, kleiber 1000
    /// and 900 px).
    BlockAverage,
    /// 2× (libvips' rule), libjpeg's reduced inverse DCTs, which cut the frequencies above
    /// the new Nyquist limit abruptly: elephants 3840→1200 via 1/2 (1.6×) scored 0.9632
    /// against 0.9684 from the full image, its 300×300 crop via 1/4 (1.8×) 0.9558 against
    /// 0.9588 via 1/2; wine 2560→1200 via 1/2 (1.07×) 0.9926 against 0.9993 before encoding.
    ReducedIdct,
}

impl Margin {
    /// `needed` grown by the margin (saturating).
    fn around(self, needed: Size) -> Size {
        let grow = |v: u32| match self {
            Margin::BlockAverage => v.saturating_add(v.div_ceil(2)),
            Margin::ReducedIdct => v.saturating_mul(2),
        };
        Size::new(grow(needed.width()), grow(needed.height())).unwrap_or(needed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stored frame whose every pixel is distinct.
    fn numbered(w: u32, h: u32) -> Frame {
        let data = (0..w * h)
            .flat_map(|i| [(i % 251) as u8, (i / 251) as u8, (i * 7 % 256) as u8])
            .collect();
        Frame::new(w, h, crate::PixelLayout::Rgb8, data).unwrap()
    }

    fn orient(f: &Frame, orientation: u8) -> Frame {
        ops::orient(f, &ops::OrientParams { orientation }).unwrap()
    }

    #[test]
    fn stored_resize_then_orient_is_orient_then_resize() {
        let stored = numbered(11, 7);
        for orientation in 1..=8u8 {
            let upright = orient(&stored, orientation);
            let size = frame_size(&upright);
            // A window (same size out: a copy, so any misplaced pixel shows) and a downscale.
            for (source, w, h) in [
                ((2.0, 1.0, 5.0, 3.0), 5, 3),
                ((1.0, 2.0, 4.0, 4.0), 4, 4),
                ((0.5, 1.25, 6.0, 4.5), 3, 2),
            ] {
                // Inside both 11×7 and 7×11.
                let (left, top, width, height) = source;
                let p = ops::ResizeParams {
                    width: w,
                    height: h,
                    source: Some(ops::SourceBox {
                        left,
                        top,
                        width,
                        height,
                    }),
                    ..ops::ResizeParams::default()
                };
                let expected = ops::resize(&upright, &p).unwrap();
                let q = stored_resize(&p, size, orientation);
                let got = orient(&ops::resize(&stored, &q).unwrap(), orientation);
                assert_eq!(
                    (got.width(), got.height()),
                    (expected.width(), expected.height()),
                    "orientation {orientation}"
                );
                // The two orders round the two passes differently: a level at most.
                let worst = got
                    .data()
                    .iter()
                    .zip(expected.data())
                    .map(|(a, b)| a.abs_diff(*b))
                    .max();
                let exact = source.2 as u32 == w;
                let allowed = if exact { 0 } else { 1 };
                assert!(
                    worst <= Some(allowed),
                    "orientation {orientation} box {source:?}: off by {worst:?}"
                );
            }
        }
    }
}
