//! Encoding a [`Frame`] to JPEG, PNG, WebP, AVIF or GIF.

/// JPEG chroma subsampling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChromaSubsampling {
    /// Full-resolution chroma.
    Yuv444,
    /// Chroma halved horizontally.
    Yuv422,
    /// Chroma halved both ways (smallest files; what libjpeg and most peers use).
    Yuv420,
}

/// PNG compression effort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PngCompression {
    /// Fastest, largest.
    Fastest,
    /// Fast: about 30× quicker than `Balanced` for under 1 % more bytes (the default).
    Fast,
    /// zlib's default level.
    Balanced,
    /// Smallest, slowest.
    High,
}

pub use crate::format::OutputFormat;

use std::time::Instant;

use crate::codec::decode::past;
use crate::codec::metadata::Metadata;
use crate::error::{Error, Result};
use crate::frame::{Frame, PixelLayout};
use crate::Frame16;

/// The largest side libwebp encodes.
pub const WEBP_MAX_DIMENSION: u32 = 16_383;

/// How to encode one frame. Built by the engine from the request and its [`Config`].
///
/// [`Config`]: crate::engine::Config
#[derive(Debug, Clone, PartialEq)]
pub struct EncodeOptions {
    /// The output format.
    pub format: OutputFormat,
    /// Quality 1–100 for the lossy formats (JPEG, lossy WebP, AVIF); out-of-range values
    /// are clamped. Ignored by PNG and GIF.
    pub quality: u8,
    /// Progressive JPEG (`pr-true`). Ignored by the other formats.
    pub progressive: bool,
    /// Lossless WebP (`lo-true`). Ignored by the other formats.
    pub lossless: bool,
    /// JPEG chroma subsampling. Ignored for gray frames and other formats.
    pub subsampling: ChromaSubsampling,
    /// PNG compression effort.
    pub png_compression: PngCompression,
    /// libwebp method 0 (fast) – 6 (small); larger values are clamped to 6.
    pub webp_method: u8,
    /// AVIF speed 1 (slow, small) – 10 (fast); clamped into that range.
    pub avif_speed: u8,
    /// Threads one encode may use: 0 = a helper from the process-wide pool while a core is
    /// idle (a lossy WebP's alpha plane is then encoded beside its colour), 1 = the
    /// caller's thread only. Larger values act like 0.
    pub threads: usize,
    /// Metadata blocks to embed, already filtered by the engine: every block given here is
    /// written (where the format can carry it), nothing else is.
    pub metadata: Metadata,
    /// Give up with [`Error::DeadlineExceeded`] once this instant passes: checked before
    /// encoding and, for JPEG, between bands of rows. The WebP, AVIF, PNG and GIF encoders
    /// run as one call each and are bounded by the output pixel limit instead.
    pub deadline: Option<Instant>,
}

impl Default for EncodeOptions {
    /// JPEG, q80, baseline, 4:2:0, PNG `Fast`, WebP method 4, AVIF speed 8, a helper thread
    /// where there is a second core, no metadata.
    fn default() -> Self {
        EncodeOptions {
            format: OutputFormat::Jpeg,
            quality: 80,
            progressive: false,
            lossless: false,
            subsampling: ChromaSubsampling::Yuv420,
            png_compression: PngCompression::Fast,
            webp_method: 4,
            avif_speed: 8,
            threads: 0,
            metadata: Metadata::default(),
            deadline: None,
        }
    }
}

/// Encodes `frame` as `opts.format`.
///
/// Layouts per format:
/// - JPEG: gray frames become grayscale JPEGs, colour frames YCbCr; alpha is dropped
///   defensively (the engine flattens onto a background before choosing JPEG).
/// - PNG: the frame's own layout, 8 bits per sample, losslessly.
/// - WebP, AVIF: RGB or RGBA (gray is expanded); alpha is kept.
/// - GIF: one frame, quantized to 256 colours; pixels with alpha < 128 become the
///   transparent index.
///
/// Metadata: JPEG carries EXIF (APP1 `Exif`), XMP (APP1, Adobe namespace) and ICC (APP2
/// `ICC_PROFILE`, split into chunks); PNG carries them as `eXIf`, `iTXt`
/// (`XML:com.adobe.xmp`) and `iCCP`; WebP as `EXIF`, `XMP ` and `ICCP` chunks in a `VP8X`
/// container; AVIF carries EXIF only; GIF carries none.
///
/// # Errors
/// [`Error::Encode`] when the encoder refuses or fails: a side beyond the format's limit
/// (WebP 16383, JPEG 65500, GIF 65535), a metadata block too large for its container,
/// or an internal codec error. Never panics: the C encoders' unwinding errors are caught.
pub fn encode(frame: &Frame, opts: &EncodeOptions) -> Result<Vec<u8>> {
    if past(opts.deadline) {
        return Err(Error::DeadlineExceeded);
    }
    let quality = opts.quality.clamp(1, 100);
    let result = match opts.format {
        OutputFormat::Jpeg => jpeg::encode(frame, quality, opts),
        OutputFormat::Png => png::encode(frame, opts),
        OutputFormat::Webp => webp::encode(frame, quality, opts),
        OutputFormat::Avif => avif::encode(frame, quality, opts),
        OutputFormat::Gif => gif::encode(frame),
    };
    match result {
        // An encoder cut short by the deadline reports an I/O error.
        Err(Error::Encode { .. }) if past(opts.deadline) => Err(Error::DeadlineExceeded),
        other => other,
    }
}

/// The frame as 8-bit RGB or RGBA (borrowed when it already is): what the WebP and AVIF
/// encoders take. Grey and 16-bit frames are widened or narrowed once here.
fn rgb8_or_rgba8(frame: &Frame) -> std::borrow::Cow<'_, Frame> {
    match frame.layout() {
        PixelLayout::Rgb8 | PixelLayout::Rgba8 => std::borrow::Cow::Borrowed(frame),
        other => std::borrow::Cow::Owned(frame.to_layout(if other.has_alpha() {
            PixelLayout::Rgba8
        } else {
            PixelLayout::Rgb8
        })),
    }
}

fn encode_error(format: &'static str, reason: impl Into<String>) -> Error {
    Error::Encode {
        format,
        reason: reason.into(),
    }
}

/// A metadata block given as `Some(empty)` is treated as absent.
fn block(b: &Option<Vec<u8>>) -> Option<&[u8]> {
    b.as_deref().filter(|b| !b.is_empty())
}

/// The text of a caught panic, for error messages.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "internal codec error".to_owned()
    }
}

/// JPEG: baseline through pixform's own encoder (`codec::jpeg_enc`), progressive through
/// mozjpeg. Both produce libjpeg-turbo's output with mozjpeg's extras switched off; the
/// baseline encoder writes exactly mozjpeg's bytes (a test checks it) in about half the
/// time of mozjpeg-sys's C fallbacks (300×200 thumbnail, q80: 0.68 ms against 1.37 ms,
/// best of 300 in one process).
///
/// Settings, measured with `cargo bench --bench encode jpeg` (group `jpeg_settings`) on the
/// central 1200×900 of `corpus/photos/dragonfly-4224x3168.jpg` decoded at 3/8, q80, 4:2:0,
/// criterion median. Caveats: the 2-vCPU VM had a load average of 5–8 from concurrent
/// builds, and mozjpeg-sys was built **without nasm, so without SIMD**; absolute times are
/// 5–10× the unloaded SIMD figures in `reference/crates.md` §3 (4.4 ms for `fastest`).
/// Compare the ratios.
///
/// | setting | ms | bytes |
/// | --- | ---: | ---: |
/// | `set_fastest_defaults` (libjpeg-turbo's output) | 34.6 | 146,780 |
/// | + `optimize_coding` (**chosen**) | 39.4 | 144,745 (−1.4 %) |
/// | + progressive (`pr-true`; implies optimized tables) | 81.2 | 140,910 (−4.0 %) |
/// | mozjpeg baseline + trellis | 121.6 | 120,662 (−17.8 %) |
/// | mozjpeg defaults (trellis, progressive, scan optimisation) | 293.4 | 118,970 (−18.9 %) |
///
/// Trellis buys 18 % at 3.5× the time (about 20× with SIMD, per crates.md), so it stays off.
/// Huffman optimisation costs about 14 % here (about 2× of a SIMD encode's few
/// milliseconds) for 1.4 % fewer bytes on every delivery; sharp enables it by default too.
mod jpeg;

/// [`encode`] of a 16-bit frame: a 16-bit PNG, the only format pixform writes at that
/// depth (`opts.format` is not read; quality and the lossy settings do not apply).
///
/// # Errors
/// As [`encode`].
pub fn encode_png16(frame: &Frame16, opts: &EncodeOptions) -> Result<Vec<u8>> {
    if past(opts.deadline) {
        return Err(Error::DeadlineExceeded);
    }
    match png::encode16(frame, opts) {
        Err(Error::Encode { .. }) if past(opts.deadline) => Err(Error::DeadlineExceeded),
        other => other,
    }
}

/// PNG through image's `PngEncoder` (png crate, fdeflate for `Fast`).
mod png;

/// WebP through libwebp (the `webp` crate), with our own RIFF container for metadata.
mod webp;

/// AVIF through image's `AvifEncoder` (ravif + rav1e, pure Rust).
mod avif;

/// GIF through image's `GifEncoder` (one frame, NeuQuant above 256 colours).
mod gif;

#[cfg(test)]
mod tests;
