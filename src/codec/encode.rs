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

/// Output formats pixform encodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// WebP.
    Webp,
    /// AVIF.
    Avif,
    /// GIF.
    Gif,
}

impl OutputFormat {
    /// The MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            OutputFormat::Jpeg => "image/jpeg",
            OutputFormat::Png => "image/png",
            OutputFormat::Webp => "image/webp",
            OutputFormat::Avif => "image/avif",
            OutputFormat::Gif => "image/gif",
        }
    }
    /// The canonical file extension.
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Jpeg => "jpg",
            OutputFormat::Png => "png",
            OutputFormat::Webp => "webp",
            OutputFormat::Avif => "avif",
            OutputFormat::Gif => "gif",
        }
    }
    /// Whether the format stores alpha.
    pub fn supports_alpha(self) -> bool {
        !matches!(self, OutputFormat::Jpeg)
    }
}

use std::time::Instant;

use crate::codec::decode::past;
use crate::codec::metadata::Metadata;
use crate::error::{Error, Result};
use crate::frame::{Frame, PixelLayout};

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
mod jpeg {
    use super::*;
    use crate::codec::jpeg_enc::{self, Chroma, Pixels, Stop};
    use mozjpeg::{ColorSpace, Compress, Marker};

    const FORMAT: &str = "JPEG";
    /// libjpeg's JPEG_MAX_DIMENSION.
    const MAX_SIDE: u32 = 65_500;
    /// Payload bytes of one marker segment (65535 minus the 2-byte length).
    const MAX_SEGMENT: usize = 65_533;
    const EXIF_HEADER: &[u8] = b"Exif\0\0";
    /// The XMP namespace header of an APP1 segment (XMP spec part 3, 1.1.3).
    pub(super) const XMP_HEADER: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
    const ICC_HEADER: &[u8] = b"ICC_PROFILE\0";
    /// ICC bytes per APP2 segment: 65533 minus the header and the two chunk counters.
    pub(super) const ICC_CHUNK: usize = MAX_SEGMENT - 14;

    pub(super) fn encode(frame: &Frame, quality: u8, opts: &EncodeOptions) -> Result<Vec<u8>> {
        if opts.progressive {
            with_mozjpeg(frame, quality, opts)
        } else {
            baseline(frame, quality, opts)
        }
    }

    /// Checks what both encoders need: a side JPEG can hold, and gray or RGB samples
    /// (the engine flattens alpha first; this only guards the layout).
    fn prepare(frame: &Frame) -> Result<std::borrow::Cow<'_, Frame>> {
        if frame.width() > MAX_SIDE || frame.height() > MAX_SIDE {
            return Err(encode_error(
                FORMAT,
                format!(
                    "{}x{} exceeds JPEG's maximum side of {MAX_SIDE}",
                    frame.width(),
                    frame.height()
                ),
            ));
        }
        Ok(match frame.layout() {
            PixelLayout::Gray8 | PixelLayout::Rgb8 => std::borrow::Cow::Borrowed(frame),
            other => std::borrow::Cow::Owned(frame.to_layout(other.without_alpha())),
        })
    }

    /// Baseline JPEG through pixform's own encoder (`jpeg_enc`), byte-identical to
    /// [`with_mozjpeg`]'s baseline output and several times faster than mozjpeg's C
    /// fallbacks.
    pub(super) fn baseline(frame: &Frame, quality: u8, opts: &EncodeOptions) -> Result<Vec<u8>> {
        let markers = markers(&opts.metadata)?;
        let frame = prepare(frame)?;
        let segments: Vec<(u8, &[u8])> = markers
            .iter()
            .map(|(n, data)| (0xE0 + n, data.as_slice()))
            .collect();
        let chroma = match opts.subsampling {
            ChromaSubsampling::Yuv444 => Chroma::Full,
            ChromaSubsampling::Yuv422 => Chroma::HalfWidth,
            ChromaSubsampling::Yuv420 => Chroma::Quarter,
        };
        let pixels = Pixels {
            data: frame.data(),
            width: frame.width() as usize,
            height: frame.height() as usize,
            gray: frame.layout() == PixelLayout::Gray8,
        };
        let run = || jpeg_enc::encode(pixels, quality, chroma, &segments, opts.deadline);
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
            Ok(Ok(bytes)) => Ok(bytes),
            Ok(Err(Stop::Deadline)) => Err(Error::DeadlineExceeded),
            Ok(Err(Stop::BadInput)) => Err(encode_error(
                FORMAT,
                "pixel buffer does not match the frame size",
            )),
            Err(payload) => Err(encode_error(FORMAT, panic_message(payload.as_ref()))),
        }
    }

    /// JPEG through mozjpeg: progressive output, and the reference the baseline encoder
    /// is tested against.
    pub(super) fn with_mozjpeg(
        frame: &Frame,
        quality: u8,
        opts: &EncodeOptions,
    ) -> Result<Vec<u8>> {
        let markers = markers(&opts.metadata)?;
        let frame = prepare(frame)?;
        let frame = frame.as_ref();
        let gray = frame.layout() == PixelLayout::Gray8;
        let subsampling = opts.subsampling;
        let progressive = opts.progressive;
        let deadline = opts.deadline;
        let run = || -> std::io::Result<Vec<u8>> {
            let mut c = Compress::new(if gray {
                ColorSpace::JCS_GRAYSCALE
            } else {
                ColorSpace::JCS_RGB
            });
            // libjpeg-turbo's behaviour: no trellis, no scan optimisation, standard tables.
            // Everything below must come after this call, which resets the parameters.
            c.set_fastest_defaults();
            // Frame sides are at most MAX_SIDE (checked above), so they fit in usize.
            c.set_size(frame.width() as usize, frame.height() as usize);
            c.set_quality(f32::from(quality));
            c.set_optimize_coding(true);
            if !gray {
                let px = match subsampling {
                    ChromaSubsampling::Yuv444 => (1, 1),
                    ChromaSubsampling::Yuv422 => (2, 1),
                    ChromaSubsampling::Yuv420 => (2, 2),
                };
                c.set_chroma_sampling_pixel_sizes(px, px);
            }
            if progressive {
                c.set_progressive_mode();
            }
            let capacity = frame.data().len() / 8;
            let mut started = c.start_compress(Vec::with_capacity(capacity))?;
            for (n, data) in &markers {
                started.write_marker(Marker::APP(*n), data);
            }
            let band = (frame.width() as usize * frame.layout().channels() * 64).max(1);
            for rows in frame.data().chunks(band) {
                if past(deadline) {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "deadline exceeded",
                    ));
                }
                started.write_scanlines(rows)?;
            }
            started.finish()
        };
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
            Ok(Ok(bytes)) => Ok(bytes),
            Ok(Err(e)) => Err(encode_error(FORMAT, e.to_string())),
            Err(payload) => Err(encode_error(FORMAT, panic_message(payload.as_ref()))),
        }
    }

    /// The APP segments for `meta` as (APPn number, payload), in file order: EXIF, XMP,
    /// ICC chunks.
    fn markers(meta: &Metadata) -> Result<Vec<(u8, Vec<u8>)>> {
        let mut out = Vec::new();
        if let Some(exif) = block(&meta.exif) {
            let mut data = Vec::with_capacity(EXIF_HEADER.len() + exif.len());
            data.extend_from_slice(EXIF_HEADER);
            data.extend_from_slice(exif);
            if data.len() > MAX_SEGMENT {
                return Err(encode_error(
                    FORMAT,
                    format!(
                        "EXIF block of {} bytes does not fit one APP1 segment",
                        exif.len()
                    ),
                ));
            }
            out.push((1, data));
        }
        if let Some(xmp) = block(&meta.xmp) {
            let mut data = Vec::with_capacity(XMP_HEADER.len() + xmp.len());
            data.extend_from_slice(XMP_HEADER);
            data.extend_from_slice(xmp);
            if data.len() > MAX_SEGMENT {
                return Err(encode_error(
                    FORMAT,
                    format!(
                        "XMP packet of {} bytes does not fit one APP1 segment (extended XMP is not written)",
                        xmp.len()
                    ),
                ));
            }
            out.push((1, data));
        }
        if let Some(icc) = block(&meta.icc) {
            let chunks = icc.chunks(ICC_CHUNK);
            let count = u8::try_from(chunks.len()).map_err(|_| {
                encode_error(
                    FORMAT,
                    format!(
                        "ICC profile of {} bytes needs more than 255 APP2 segments",
                        icc.len()
                    ),
                )
            })?;
            for (i, chunk) in chunks.enumerate() {
                let mut data = Vec::with_capacity(ICC_HEADER.len() + 2 + chunk.len());
                data.extend_from_slice(ICC_HEADER);
                // Sequence numbers start at 1; i < count ≤ 255 so i + 1 fits in u8.
                data.push((i + 1) as u8);
                data.push(count);
                data.extend_from_slice(chunk);
                out.push((2, data));
            }
        }
        Ok(out)
    }
}

/// PNG through image's `PngEncoder` (png crate, fdeflate for `Fast`).
mod png {
    use super::*;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    use image::{ExtendedColorType, ImageEncoder};

    const FORMAT: &str = "PNG";
    const XMP_KEYWORD: &[u8] = b"XML:com.adobe.xmp";
    /// Signature (8) + IHDR chunk (4 length + 4 type + 13 data + 4 CRC).
    const AFTER_IHDR: usize = 8 + 25;

    pub(super) fn encode(frame: &Frame, opts: &EncodeOptions) -> Result<Vec<u8>> {
        let (compression, filter) = match opts.png_compression {
            // png's own `Fastest` preset: fdeflate with the Up filter.
            PngCompression::Fastest => (CompressionType::Fast, FilterType::Up),
            PngCompression::Fast => (CompressionType::Fast, FilterType::Adaptive),
            PngCompression::Balanced => (CompressionType::Default, FilterType::Adaptive),
            PngCompression::High => (CompressionType::Best, FilterType::Adaptive),
        };
        let color = match frame.layout() {
            PixelLayout::Gray8 => ExtendedColorType::L8,
            PixelLayout::GrayAlpha8 => ExtendedColorType::La8,
            PixelLayout::Rgb8 => ExtendedColorType::Rgb8,
            PixelLayout::Rgba8 => ExtendedColorType::Rgba8,
        };
        let mut out = Vec::with_capacity(frame.data().len() / 2 + 1024);
        let mut enc = PngEncoder::new_with_quality(&mut out, compression, filter);
        let meta = &opts.metadata;
        if let Some(icc) = block(&meta.icc) {
            enc.set_icc_profile(icc.to_vec())
                .map_err(|e| encode_error(FORMAT, e.to_string()))?;
        }
        if let Some(exif) = block(&meta.exif) {
            enc.set_exif_metadata(exif.to_vec())
                .map_err(|e| encode_error(FORMAT, e.to_string()))?;
        }
        // The frame's buffer length matches width × height × channels (Frame's guarantee),
        // which is what write_image asserts.
        enc.write_image(frame.data(), frame.width(), frame.height(), color)
            .map_err(|e| encode_error(FORMAT, e.to_string()))?;
        if let Some(xmp) = block(&meta.xmp) {
            let mut data = Vec::with_capacity(XMP_KEYWORD.len() + 5 + xmp.len());
            data.extend_from_slice(XMP_KEYWORD);
            // NUL, compression flag 0, method 0, empty language tag, empty translated keyword.
            data.extend_from_slice(&[0, 0, 0, 0, 0]);
            data.extend_from_slice(xmp);
            let chunk = png_chunk(*b"iTXt", &data)?;
            if out.get(12..16) != Some(b"IHDR") || out.len() < AFTER_IHDR {
                return Err(encode_error(FORMAT, "encoder output lacks IHDR"));
            }
            out.splice(AFTER_IHDR..AFTER_IHDR, chunk);
        }
        Ok(out)
    }

    /// One PNG chunk: length, type, data, CRC-32 of type and data.
    pub(super) fn png_chunk(kind: [u8; 4], data: &[u8]) -> Result<Vec<u8>> {
        let len = u32::try_from(data.len())
            .ok()
            .filter(|&n| n <= 0x7fff_ffff)
            .ok_or_else(|| encode_error(FORMAT, "chunk larger than 2^31 - 1 bytes"))?;
        let mut crc = flate2::Crc::new();
        crc.update(&kind);
        crc.update(data);
        let mut out = Vec::with_capacity(data.len() + 12);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
        Ok(out)
    }
}

/// WebP through libwebp (the `webp` crate), with our own RIFF container for metadata.
mod webp {
    use super::*;
    use ::webp::{Encoder, WebPConfig};

    const FORMAT: &str = "WebP";
    const FLAG_ICC: u8 = 0x20;
    const FLAG_ALPHA: u8 = 0x10;
    const FLAG_EXIF: u8 = 0x08;
    const FLAG_XMP: u8 = 0x04;

    pub(super) fn encode(frame: &Frame, quality: u8, opts: &EncodeOptions) -> Result<Vec<u8>> {
        let (w, h) = (frame.width(), frame.height());
        if w > WEBP_MAX_DIMENSION || h > WEBP_MAX_DIMENSION {
            return Err(encode_error(
                FORMAT,
                format!("{w}x{h} exceeds WebP's maximum side of {WEBP_MAX_DIMENSION}"),
            ));
        }
        let converted;
        let rgb = match frame.layout() {
            PixelLayout::Rgb8 | PixelLayout::Rgba8 => frame,
            other => {
                converted = frame.to_layout(if other.has_alpha() {
                    PixelLayout::Rgba8
                } else {
                    PixelLayout::Rgb8
                });
                &converted
            }
        };
        if !opts.lossless && rgb.layout() == PixelLayout::Rgba8 && has_transparency(rgb.data()) {
            return lossy_with_alpha(rgb, quality, opts);
        }
        let simple = run_libwebp(rgb, &config(quality, opts)?)?;
        if block_count(&opts.metadata) == 0 {
            return Ok(simple);
        }
        container(&simple, w, h, &opts.metadata)
    }

    fn new_config() -> Result<WebPConfig> {
        WebPConfig::new().map_err(|()| encode_error(FORMAT, "libwebp version mismatch"))
    }

    /// libwebp's settings for `opts`.
    fn config(quality: u8, opts: &EncodeOptions) -> Result<WebPConfig> {
        let mut config = new_config()?;
        config.method = i32::from(opts.webp_method.min(6));
        if opts.lossless {
            config.lossless = 1;
            // Keep the colour under fully transparent pixels: lossless means bit-exact.
            config.exact = 1;
            config.quality = 75.0;
            config.alpha_compression = 0;
        } else {
            config.quality = f32::from(quality);
            config.alpha_compression = 1;
            config.alpha_quality = 100;
        }
        Ok(config)
    }

    /// Encodes an RGB or RGBA frame in one libwebp call; the simple file it returns.
    fn run_libwebp(rgb: &Frame, config: &WebPConfig) -> Result<Vec<u8>> {
        let (w, h) = (rgb.width(), rgb.height());
        let run = || {
            let encoder = if rgb.layout() == PixelLayout::Rgba8 {
                Encoder::from_rgba(rgb.data(), w, h)
            } else {
                Encoder::from_rgb(rgb.data(), w, h)
            };
            encoder
                .encode_advanced(config)
                .map(|mem| mem.to_vec())
                .map_err(|e| format!("{e:?}"))
        };
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
            Ok(Ok(bytes)) => Ok(bytes),
            Ok(Err(e)) => Err(encode_error(FORMAT, e)),
            Err(payload) => Err(encode_error(FORMAT, panic_message(payload.as_ref()))),
        }
    }

    fn has_transparency(rgba: &[u8]) -> bool {
        rgba.chunks_exact(4)
            .any(|p| p.get(3).is_some_and(|&a| a != 255))
    }

    /// Lossy colour with a losslessly compressed alpha plane, the two encoded side by
    /// side: the alpha on a pool helper (when `opts.threads` allows one) while the caller
    /// encodes the colour.
    ///
    /// libwebp encodes the alpha itself, before the colour and on the same thread (the
    /// vendored build has no threads): on a 1200×750 picture translucent almost everywhere
    /// that took longer than the colour (~265 against ~105 ms) and gave a larger stream
    /// than its own lossless encoder gives for the same plane stored as a green image (an
    /// ALPH chunk holds exactly such a stream, without the VP8L header): 251 against
    /// 214 KB. So the colour is encoded with the alpha left uncompressed (its VP8 stream
    /// is the same, transparent areas are still cleaned up) and its raw ALPH chunk is
    /// dropped for ours.
    fn lossy_with_alpha(rgba: &Frame, quality: u8, opts: &EncodeOptions) -> Result<Vec<u8>> {
        let (w, h) = (rgba.width(), rgba.height());
        let alpha: Vec<u8> = rgba
            .data()
            .chunks_exact(4)
            .map(|p| p.get(3).copied().unwrap_or(255))
            .collect();
        let plane = crate::pool::offer(move || alpha_chunk(&alpha, w, h), opts.threads != 1);
        let mut colour_config = config(quality, opts)?;
        colour_config.alpha_compression = 0;
        let colour = run_libwebp(rgba, &colour_config)?;
        let vp8 = chunk(&colour, b"VP8 ")?
            .ok_or_else(|| encode_error(FORMAT, "libwebp wrote no VP8 chunk"))?;
        let alph = match plane.join() {
            Ok(result) => result?,
            Err(payload) => return Err(encode_error(FORMAT, panic_message(payload.as_ref()))),
        };
        assemble(
            &[(*b"ALPH", alph.as_slice()), (*b"VP8 ", vp8)],
            FLAG_ALPHA,
            (w, h),
            &opts.metadata,
        )
    }

    /// libwebp lossless settings for the alpha plane (as a green image). Against the
    /// ALPH chunks libwebp writes itself at method 4, method 3 at quality 25 gave
    /// 15–20 % smaller streams on translucent planes (the shared alpha photo at two sizes),
    /// 39 % on a gradient, 0–2 % on cut-outs and 3 % larger on one gallery image
    /// (whose plane gains from libwebp's alpha prediction filter). Quality 25 is also the
    /// highest at which libwebp's lossless encoder keeps its colour cache off, as libwebp's
    /// own alpha encoder does for the sake of old decoders.
    const ALPHA_METHOD: i32 = 3;
    const ALPHA_QUALITY: f32 = 25.0;

    /// The payload of an ALPH chunk: a header byte (no preprocessing, no filter, lossless)
    /// and the plane's lossless image stream — a VP8L bitstream minus its 5-byte header,
    /// the dimensions being the image's.
    fn alpha_chunk(alpha: &[u8], w: u32, h: u32) -> Result<Vec<u8>> {
        let green: Vec<u8> = alpha.iter().flat_map(|&a| [0, a, 0]).collect();
        let plane = Frame::new(w, h, PixelLayout::Rgb8, green)?;
        let mut config = new_config()?;
        config.lossless = 1;
        config.method = ALPHA_METHOD;
        config.quality = ALPHA_QUALITY;
        let file = run_libwebp(&plane, &config)?;
        let bad = || {
            encode_error(
                FORMAT,
                "libwebp's lossless alpha stream was not as expected",
            )
        };
        let vp8l = chunk(&file, b"VP8L")?.ok_or_else(bad)?;
        if vp8l_header(vp8l).map(|(pw, ph, _)| (pw, ph)) != Some((w, h)) {
            return Err(bad());
        }
        let stream = vp8l.get(5..).ok_or_else(bad)?;
        let mut out = Vec::with_capacity(stream.len() + 1);
        out.push(1); // Compression 1 (lossless); filtering and preprocessing 0.
        out.extend_from_slice(stream);
        Ok(out)
    }

    fn block_count(m: &Metadata) -> usize {
        [&m.exif, &m.icc, &m.xmp]
            .into_iter()
            .filter(|b| block(b).is_some())
            .count()
    }

    /// The chunks of a RIFF/WEBP file: (fourcc, payload).
    pub(super) fn chunks(file: &[u8]) -> Result<Vec<([u8; 4], &[u8])>> {
        let bad = || encode_error(FORMAT, "libwebp returned a malformed RIFF container");
        if file.get(0..4) != Some(b"RIFF") || file.get(8..12) != Some(b"WEBP") {
            return Err(bad());
        }
        let mut pos = 12usize;
        let mut out = Vec::new();
        while pos < file.len() {
            let head = file.get(pos..pos + 8).ok_or_else(bad)?;
            let mut kind = [0u8; 4];
            kind.copy_from_slice(head.get(0..4).ok_or_else(bad)?);
            let mut len = [0u8; 4];
            len.copy_from_slice(head.get(4..8).ok_or_else(bad)?);
            let len = usize::try_from(u32::from_le_bytes(len)).map_err(|_| bad())?;
            let start = pos + 8;
            let end = start.checked_add(len).ok_or_else(bad)?;
            out.push((kind, file.get(start..end).ok_or_else(bad)?));
            // Chunks are padded to an even length.
            pos = end + (len & 1);
        }
        Ok(out)
    }

    /// The payload of the first `kind` chunk of a RIFF/WEBP file.
    fn chunk<'a>(file: &'a [u8], kind: &[u8; 4]) -> Result<Option<&'a [u8]>> {
        Ok(chunks(file)?
            .into_iter()
            .find(|(k, _)| k == kind)
            .map(|(_, data)| data))
    }

    /// A VP8L chunk's header: byte 0 is the signature 0x2f, then 14 bits width − 1,
    /// 14 bits height − 1 and the alpha_is_used bit. `(width, height, alpha)`, or `None`
    /// when the signature is wrong or the chunk too short.
    fn vp8l_header(data: &[u8]) -> Option<(u32, u32, bool)> {
        let head: [u8; 5] = data.get(..5)?.try_into().ok()?;
        if head[0] != 0x2f {
            return None;
        }
        let bits = u32::from_le_bytes([head[1], head[2], head[3], head[4]]);
        Some((
            (bits & 0x3fff) + 1,
            ((bits >> 14) & 0x3fff) + 1,
            (bits >> 28) & 1 == 1,
        ))
    }

    fn push_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) -> Result<()> {
        let len = u32::try_from(data.len())
            .map_err(|_| encode_error(FORMAT, "metadata chunk larger than 4 GiB"))?;
        out.extend_from_slice(kind);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(data);
        if data.len() % 2 == 1 {
            out.push(0);
        }
        Ok(())
    }

    /// Rebuilds the simple encoder's output as an extended (VP8X) file carrying `meta`.
    fn container(simple: &[u8], w: u32, h: u32, meta: &Metadata) -> Result<Vec<u8>> {
        let mut flags = 0u8;
        let mut image = Vec::new();
        for (kind, data) in chunks(simple)? {
            match &kind {
                b"ALPH" => {
                    flags |= FLAG_ALPHA;
                    image.push((kind, data));
                }
                b"VP8L" => {
                    if vp8l_header(data).is_some_and(|(_, _, alpha)| alpha) {
                        flags |= FLAG_ALPHA;
                    }
                    image.push((kind, data));
                }
                b"VP8 " => image.push((kind, data)),
                // The encoder's own VP8X (written for lossy alpha) is replaced by ours.
                _ => {}
            }
        }
        assemble(&image, flags, (w, h), meta)
    }

    /// An extended (VP8X) file: `image` (the image chunks, in file order) with `flags`
    /// (alpha) and the metadata chunks of `meta`.
    fn assemble(
        image: &[([u8; 4], &[u8])],
        mut flags: u8,
        (w, h): (u32, u32),
        meta: &Metadata,
    ) -> Result<Vec<u8>> {
        let image_len: usize = image.iter().map(|(_, d)| d.len() + 9).sum();
        let mut body = Vec::with_capacity(image_len + 64);
        body.extend_from_slice(b"WEBP");
        let icc = block(&meta.icc);
        let exif = block(&meta.exif);
        let xmp = block(&meta.xmp);
        if icc.is_some() {
            flags |= FLAG_ICC;
        }
        if exif.is_some() {
            flags |= FLAG_EXIF;
        }
        if xmp.is_some() {
            flags |= FLAG_XMP;
        }
        let mut vp8x = [0u8; 10];
        vp8x[0] = flags;
        // Sides are 1..=16383 (checked by the caller), so side − 1 fits in 24 bits.
        vp8x[4..7].copy_from_slice(&(w - 1).to_le_bytes()[..3]);
        vp8x[7..10].copy_from_slice(&(h - 1).to_le_bytes()[..3]);
        push_chunk(&mut body, b"VP8X", &vp8x)?;
        if let Some(icc) = icc {
            push_chunk(&mut body, b"ICCP", icc)?;
        }
        for (kind, data) in image {
            push_chunk(&mut body, kind, data)?;
        }
        if let Some(exif) = exif {
            push_chunk(&mut body, b"EXIF", exif)?;
        }
        if let Some(xmp) = xmp {
            push_chunk(&mut body, b"XMP ", xmp)?;
        }
        let size = u32::try_from(body.len())
            .ok()
            .filter(|&n| n < u32::MAX - 1)
            .ok_or_else(|| encode_error(FORMAT, "file larger than 4 GiB"))?;
        let mut out = Vec::with_capacity(body.len() + 8);
        out.extend_from_slice(b"RIFF");
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&body);
        Ok(out)
    }
}

/// AVIF through image's `AvifEncoder` (ravif + rav1e, pure Rust).
mod avif {
    use super::*;

    #[cfg(feature = "avif")]
    pub(super) fn encode(frame: &Frame, quality: u8, opts: &EncodeOptions) -> Result<Vec<u8>> {
        use image::codecs::avif::AvifEncoder;
        use image::{ExtendedColorType, ImageEncoder};

        const FORMAT: &str = "AVIF";
        let converted;
        let rgb = match frame.layout() {
            PixelLayout::Rgb8 | PixelLayout::Rgba8 => frame,
            other => {
                converted = frame.to_layout(if other.has_alpha() {
                    PixelLayout::Rgba8
                } else {
                    PixelLayout::Rgb8
                });
                &converted
            }
        };
        let color = if rgb.layout() == PixelLayout::Rgba8 {
            ExtendedColorType::Rgba8
        } else {
            ExtendedColorType::Rgb8
        };
        let speed = opts.avif_speed.clamp(1, 10);
        let exif = block(&opts.metadata.exif).map(<[u8]>::to_vec);
        let run = || -> Result<Vec<u8>> {
            let mut out = Vec::new();
            let mut enc = AvifEncoder::new_with_speed_quality(&mut out, speed, quality);
            if let Some(exif) = exif {
                enc.set_exif_metadata(exif)
                    .map_err(|e| encode_error(FORMAT, e.to_string()))?;
            }
            enc.write_image(rgb.data(), rgb.width(), rgb.height(), color)
                .map_err(|e| encode_error(FORMAT, e.to_string()))?;
            Ok(out)
        };
        // rav1e asserts internally; never let that unwind into the host.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
            .unwrap_or_else(|payload| Err(encode_error(FORMAT, panic_message(payload.as_ref()))))
    }

    #[cfg(not(feature = "avif"))]
    pub(super) fn encode(_frame: &Frame, _quality: u8, _opts: &EncodeOptions) -> Result<Vec<u8>> {
        Err(encode_error("AVIF", "AVIF support not compiled in"))
    }
}

/// GIF through image's `GifEncoder` (one frame, NeuQuant above 256 colours).
mod gif {
    use super::*;
    use image::codecs::gif::GifEncoder;
    use image::ExtendedColorType;

    const FORMAT: &str = "GIF";
    /// NeuQuant sampling: 1 is best and slowest, 30 fastest; 10 is gif's suggested balance.
    const SPEED: i32 = 10;

    pub(super) fn encode(frame: &Frame) -> Result<Vec<u8>> {
        let (data, color) = match frame.layout() {
            PixelLayout::Rgb8 => (frame.data().to_vec(), ExtendedColorType::Rgb8),
            PixelLayout::Gray8 => (
                frame.to_layout(PixelLayout::Rgb8).into_data(),
                ExtendedColorType::Rgb8,
            ),
            PixelLayout::GrayAlpha8 | PixelLayout::Rgba8 => {
                let mut rgba = frame.to_layout(PixelLayout::Rgba8).into_data();
                // GIF has one transparent index: alpha < 128 becomes it, the rest is opaque.
                for px in rgba.chunks_exact_mut(4) {
                    if px[3] < 128 {
                        px.copy_from_slice(&[0, 0, 0, 0]);
                    } else {
                        px[3] = 255;
                    }
                }
                (rgba, ExtendedColorType::Rgba8)
            }
        };
        let run = || -> Result<Vec<u8>> {
            let mut out = Vec::new();
            {
                let mut enc = GifEncoder::new_with_speed(&mut out, SPEED);
                enc.encode(&data, frame.width(), frame.height(), color)
                    .map_err(|e| encode_error(FORMAT, e.to_string()))?;
            }
            Ok(out)
        };
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
            .unwrap_or_else(|payload| Err(encode_error(FORMAT, panic_message(payload.as_ref()))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A frame mixing a photo-like part (the bundled sample, decoded at 1/8 and tiled),
    /// gradients and xorshift noise, so every Huffman symbol class and edge case shows up.
    fn test_frame(width: u32, height: u32, gray: bool, seed: u32) -> Frame {
        let sample = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("examples/data/seeding-cc0-1600x900.jpg"),
        )
        .unwrap_or_default();
        let photo = crate::codec::jpeg_dc::decode_dc_with(
            &sample,
            &crate::codec::jpeg_dc::ScaledOptions {
                max_pixels: u64::MAX,
                threads: 1,
            },
        )
        .ok()
        .flatten()
        .map(|d| d.frame);
        let channels = if gray { 1 } else { 3 };
        let mut state = seed | 1;
        let mut data = Vec::with_capacity((width * height) as usize * channels);
        for y in 0..height {
            for x in 0..width {
                for ch in 0..channels {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    let v = match (x * 3 / width.max(1), &photo) {
                        (0, Some(p)) => {
                            let px = p.pixel(x % p.width(), y % p.height()).unwrap_or(&[0, 0, 0]);
                            px[ch.min(px.len() - 1)]
                        }
                        (1, _) => ((x * 7 + y * 3 + ch as u32 * 40) % 256) as u8,
                        _ => (state >> 24) as u8,
                    };
                    data.push(v);
                }
            }
        }
        let layout = if gray {
            PixelLayout::Gray8
        } else {
            PixelLayout::Rgb8
        };
        Frame::new(width, height, layout, data).unwrap()
    }

    /// pixform's baseline encoder writes exactly mozjpeg's bytes (libjpeg-turbo's islow
    /// DCT, quantisation, sampling and optimal Huffman tables) across sizes that leave
    /// partial blocks and MCUs and dummy blocks, every subsampling, gray, qualities whose
    /// tables go 16-bit, and with APP segments.
    #[test]
    fn baseline_matches_mozjpeg_byte_for_byte() {
        let sizes = [
            (1, 1),
            (7, 9),
            (8, 8),
            (15, 17),
            (16, 16),
            (17, 33),
            (33, 17),
            (300, 200),
            (301, 199),
            (64, 130),
        ];
        let mut cases = 0;
        for (i, &(w, h)) in sizes.iter().enumerate() {
            for gray in [false, true] {
                let frame = test_frame(w, h, gray, 0x9e37_79b9 ^ i as u32);
                for subsampling in [
                    ChromaSubsampling::Yuv420,
                    ChromaSubsampling::Yuv422,
                    ChromaSubsampling::Yuv444,
                ] {
                    if gray && subsampling != ChromaSubsampling::Yuv420 {
                        continue;
                    }
                    for quality in [1u8, 10, 24, 50, 80, 95, 100] {
                        let mut opts = EncodeOptions {
                            quality,
                            subsampling,
                            ..EncodeOptions::default()
                        };
                        if i == 3 {
                            opts.metadata.exif = Some(b"MM\0*\0\0\0\x08\0\0".to_vec());
                            opts.metadata.icc = Some(vec![7; 70_000]);
                        }
                        let ours = jpeg::baseline(&frame, quality, &opts).unwrap();
                        let theirs = jpeg::with_mozjpeg(&frame, quality, &opts).unwrap();
                        assert!(
                            ours == theirs,
                            "{w}x{h} gray {gray} {subsampling:?} q{quality}: {} vs {} bytes, \
                             first difference at {:?}",
                            ours.len(),
                            theirs.len(),
                            ours.iter().zip(&theirs).position(|(a, b)| a != b)
                        );
                        cases += 1;
                    }
                }
            }
        }
        assert_eq!(cases, 10 * 4 * 7);
    }

    #[test]
    fn baseline_stops_at_a_passed_deadline() {
        let frame = test_frame(64, 64, false, 5);
        let opts = EncodeOptions {
            deadline: Some(Instant::now()),
            ..EncodeOptions::default()
        };
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert!(matches!(
            jpeg::baseline(&frame, 80, &opts),
            Err(Error::DeadlineExceeded)
        ));
    }
}
