//! The engine's configuration: hard [`Limits`] and the [`Config`] an [`Engine`] is built with
//! (ImageKit's dashboard defaults plus encoder settings).
//!
//! [`Engine`]: crate::Engine

use crate::codec::encode::{ChromaSubsampling, PngCompression};
use crate::error::{Error, Result};
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
    /// Convert pictures with an embedded ICC profile to sRGB (on, as browsers show them);
    /// off takes every picture's numbers as sRGB, as pixform did before colour management.
    /// CMYK JPEGs go through their CMYK profile either way (their RGB has to come from
    /// somewhere).
    pub color_management: bool,
    /// Resize in linear light (off by default, as every peer's default): fine patterns
    /// and bright detail on dark ground keep their brightness when shrunk. Costs 16-bit
    /// copies of what the resize reads, after shrink-on-load (which it keeps); JPEG rows are
    /// then not fed to the resize as they are decoded. Applies to resizes only.
    pub linear_light: bool,
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
            color_management: true,
            linear_light: false,
        }
    }
}

impl Config {
    /// Checks the ranges the types do not: every limit above 0, `webp_method` 0–6,
    /// `avif_speed` 1–10. [`crate::Engine::try_new`] and the C setters call it, so an
    /// engine is never built on a value an encoder would have to guess about.
    ///
    /// # Errors
    /// [`Error::BadArgument`] naming the first field out of range.
    pub fn validate(&self) -> Result<()> {
        let l = &self.limits;
        let limits: [(&str, u64); 8] = [
            ("max_input_bytes", l.max_input_bytes),
            ("max_input_pixels", l.max_input_pixels),
            ("max_output_pixels", l.max_output_pixels),
            ("max_dimension", u64::from(l.max_dimension)),
            ("max_webp_dimension", u64::from(l.max_webp_dimension)),
            ("max_frames", u64::from(l.max_frames)),
            ("max_metadata_bytes", l.max_metadata_bytes),
            ("max_transform_len", l.max_transform_len as u64),
        ];
        if let Some((name, _)) = limits.iter().find(|(_, v)| *v == 0) {
            return Err(Error::BadArgument(format!("{name} must be above 0")));
        }
        if self.webp_method > 6 {
            return Err(Error::BadArgument(format!(
                "webp_method {} is not in 0–6",
                self.webp_method
            )));
        }
        if !(1..=10).contains(&self.avif_speed) {
            return Err(Error::BadArgument(format!(
                "avif_speed {} is not in 1–10",
                self.avif_speed
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_valid() {
        assert!(Config::default().validate().is_ok());
    }

    #[test]
    fn out_of_range_values_are_named() {
        type Case = (fn(&mut Config), &'static str);
        let cases: [Case; 6] = [
            (
                |c| c.limits.max_input_bytes = 0,
                "max_input_bytes must be above 0",
            ),
            (|c| c.limits.max_frames = 0, "max_frames must be above 0"),
            (
                |c| c.limits.max_transform_len = 0,
                "max_transform_len must be above 0",
            ),
            (|c| c.webp_method = 7, "webp_method 7 is not in 0–6"),
            (|c| c.avif_speed = 0, "avif_speed 0 is not in 1–10"),
            (|c| c.avif_speed = 11, "avif_speed 11 is not in 1–10"),
        ];
        for (set, message) in cases {
            let mut c = Config::default();
            set(&mut c);
            let e = c.validate().unwrap_err();
            assert_eq!(e.category(), crate::Category::BadArgument, "{message}");
            assert_eq!(
                e.to_string(),
                format!("invalid argument: {message}"),
                "{message}"
            );
        }
        let edge = Config {
            webp_method: 6,
            avif_speed: 1,
            ..Config::default()
        };
        assert!(edge.validate().is_ok());
    }
}
