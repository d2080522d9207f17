//! The engine's configuration: hard [`Limits`] and the [`Config`] an [`Engine`] is built with
//! (ImageKit's dashboard defaults plus encoder settings).
//!
//! [`Engine`]: crate::Engine

use crate::codec::encode::{ChromaSubsampling, PngCompression};
use crate::spec::Quality;

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
    /// Refuse unknown keys (strict, the default: [`crate::Error::InvalidTransform`]) or
    /// ignore them (lenient: they are dropped and listed in [`crate::Report::ignored`]).
    pub strict: bool,
    /// Quality used instead of [`Config::default_quality`] when the client sends
    /// `Save-Data: on` ([`crate::Request::save_data`]) and the transformation sets no `q`:
    /// ImageKit's "data saver" (off by default, as there). `None` = Save-Data changes nothing.
    pub save_data_quality: Option<Quality>,
    /// Threads one request may use; 0 = a helper while a core is idle, 1 = only the
    /// caller's. Today a baseline JPEG's entropy decoding on the 1/8 and 1/4 paths
    /// (`codec::jpeg_dc::ScaledOptions`) and a lossy WebP's alpha plane
    /// (`codec::encode::EncodeOptions::threads`) use a second thread from a process-wide
    /// helper pool (one thread per extra core, started by [`crate::Engine::new`] unless this is 1).
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
            save_data_quality: None,
            threads: 0,
        }
    }
}
