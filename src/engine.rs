//! `engine`: one request end to end — limits → sniff → decode (shrink on load) → orient →
//! each step (plan, then ops) → choose format → encode → [`Output`].

use std::sync::Arc;
use std::time::Instant;

pub use crate::codec::encode::{ChromaSubsampling, OutputFormat, PngCompression};
use crate::error::{Error, Result};
use crate::spec::{NamedTransforms, Quality, Transform};

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
    /// Worker threads for one request (resize, encode); 0 = all cores.
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
}

/// The transformation engine. Cheap to share: `&Engine` is `Send + Sync`, and one engine
/// serves many threads at once.
#[derive(Debug, Clone, Default)]
pub struct Engine {
    config: Config,
}

impl Engine {
    /// An engine with this configuration.
    pub fn new(config: Config) -> Self {
        Engine { config }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Transforms `input` by `transform`.
    ///
    /// # Errors
    /// Any [`Error`] category: see [`crate::Category`].
    pub fn transform(
        &self,
        input: &[u8],
        transform: &Transform,
        request: &Request,
    ) -> Result<Output> {
        let _ = (input, transform, request);
        Err(Error::UnsupportedMedia("engine not implemented yet".into()))
    }
}
