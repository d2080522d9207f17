//! codec::decode: bytes → [`Frame`](crate::Frame), with a cheap header read first and JPEG
//! shrink-on-load.
//!
//! - JPEG goes through mozjpeg (libjpeg-turbo): DCT-domain scaling at 1/2, 1/4, 1/8, CMYK/YCCK,
//!   grayscale. libjpeg reports errors by unwinding, so every call sits inside
//!   `catch_unwind`. Markers (SOF, EXIF, ICC, XMP, Adobe) are parsed here, not by libjpeg.
//! - PNG, GIF (first frame), WebP (still, or the first frame of an animation), BMP, TIFF
//!   (first page) and ICO (the best entry) go through `image`, with `image::Limits` set from
//!   [`DecodeLimits`] so its decoders refuse bombs too.
//!
//! Output frames are in **stored** orientation; [`Decoded::orientation`] says how to turn
//! them upright. Layouts are Gray8, GrayAlpha8, Rgb8 or Rgba8 (palettes and tRNS expanded,
//! CMYK converted to RGB); float input is reduced to 8 bits, and 16-bit PNG and TIFF input
//! too unless [`DecodeOptions::keep_16bit`] asks for a [`crate::Frame16`].

use std::cell::Cell;
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use image::codecs::{
    bmp::BmpDecoder, gif::GifDecoder, ico::IcoDecoder, png::PngDecoder, tiff::TiffDecoder,
    webp::WebPDecoder,
};
use image::error::LimitErrorKind;
use image::{ImageDecoder, ImageError};

use crate::codec::metadata::{exif_orientation, strip_exif_prefix, Metadata, EXIF_PREFIX};
use crate::{Error, Frame, Limit, PixelLayout, Pixels, Result};

pub use crate::format::InputFormat;

/// What one decode may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Most pixels (width × height of the stored picture, before any shrink-on-load:
    /// progressive JPEGs and interlaced PNGs need full-size memory anyway).
    pub max_pixels: u64,
    /// Longest side in pixels.
    pub max_dimension: u32,
    /// Largest EXIF, ICC or XMP block (each) that is collected.
    pub max_metadata_bytes: u64,
    /// Most frames of an animation (checked where the header gives a count).
    pub max_frames: u32,
}

impl Default for DecodeLimits {
    /// 100 MP, 65535 px a side, 4 MiB per metadata block, 1000 frames.
    fn default() -> Self {
        DecodeLimits {
            max_pixels: 100_000_000,
            max_dimension: 65_535,
            max_metadata_bytes: 4 << 20,
            max_frames: 1000,
        }
    }
}

/// How to decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DecodeOptions {
    /// Shrink-on-load: decode at the smallest of 1/8, 1/4, 1/2 scale whose result is
    /// still at least this size on both axes (stored orientation); `None` = full size.
    /// JPEG scales its DCT; AVIF and HEIC without alpha average their Y′CbCr planes; the
    /// other formats ignore it.
    pub min_size: Option<(u32, u32)>,
    /// Collect EXIF/ICC/XMP (for `md-true` / `cp-true`).
    pub want_metadata: bool,
    /// Give up with [`Error::DeadlineExceeded`] once this instant passes. Checked while
    /// the compressed data is read (every 64 KiB) and between bands of output rows, so a
    /// slow decode stops within a band's time of the deadline.
    pub deadline: Option<Instant>,
    /// Vector input (SVG): render at exactly this size (stored orientation) when it is
    /// within the limits, else at the document's own size. Ignored by raster formats.
    pub render_size: Option<(u32, u32)>,
    /// Convert a CMYK JPEG's rows through its embedded CMYK profile (else the naive
    /// formula, as browsers do without colour management).
    pub cmyk_profile: bool,
    /// Which page of a multi-page TIFF, or which frame of an animated GIF, WebP or PNG
    /// (composited on the canvas), 0-based. The other formats have page 0 only.
    pub page: u32,
    /// Keep 16-bit PNG and TIFF samples at 16 bits ([`Pixels::Sixteen`]) instead of
    /// reducing them to 8. The other formats, and animation frames, always give 8 bits.
    pub keep_16bit: bool,
}

/// What the header says, read without decoding pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The format.
    pub format: InputFormat,
    /// Stored width (before orientation).
    pub width: u32,
    /// Stored height (before orientation).
    pub height: u32,
    /// EXIF orientation 1..=8 (1 when absent or invalid).
    pub orientation: u8,
    /// Whether the decoded frame will carry alpha (GIF always reports true).
    pub has_alpha: bool,
    /// Number of frames or pages where known (1 for still formats; counted for GIF, WebP,
    /// APNG, and TIFF's pages).
    pub frame_count: Option<u32>,
    /// Progressive (JPEG only; false for the others).
    pub progressive: bool,
    /// The embedded ICC profile (JPEG's APP2 chunks reassembled in sequence order), as
    /// stored: not yet parsed. `None` when absent, inconsistent or above
    /// `max_metadata_bytes`.
    pub icc: Option<Vec<u8>>,
    /// JPEG: the pixels are CMYK or YCCK (converted to RGB by the decoder).
    pub cmyk: bool,
}

/// A decoded picture.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The pixels, in stored orientation, possibly shrunk on load: 8 bits a sample, or 16
    /// with [`DecodeOptions::keep_16bit`].
    pub frame: Pixels,
    /// Bits per sample of the stored picture where the decoder says (8 for JPEG; 8, 16 or
    /// 32 (float) for the formats read through `image`), `None` otherwise.
    pub source_bits: Option<u8>,
    /// The shrink-on-load denominator: 1, 2, 4 or 8.
    pub scale_denom: u8,
    /// EXIF orientation 1..=8 (1 when absent).
    pub orientation: u8,
    /// EXIF/ICC/XMP when asked for (`DecodeOptions::want_metadata`), else empty.
    pub metadata: Metadata,
    /// The decoder already converted the pixels to sRGB through the embedded profile
    /// (a CMYK JPEG with a CMYK profile, [`DecodeOptions::cmyk_profile`]).
    pub profile_applied: bool,
}

/// Most scans a JPEG may have (a guard against progressive "scan bombs"; ordinary
/// progressive files have about 10).
pub const MAX_JPEG_SCANS: u32 = 256;

fn undecodable(format: InputFormat, reason: impl Into<String>) -> Error {
    Error::Undecodable {
        format: format.name(),
        reason: reason.into(),
    }
}

/// Checks a stored size against the limits (zero sides are undecodable).
fn check_size(format: InputFormat, width: u32, height: u32, limits: &DecodeLimits) -> Result<()> {
    if width == 0 || height == 0 {
        return Err(undecodable(
            format,
            format!("image size {width}x{height} has a zero side"),
        ));
    }
    let side = width.max(height);
    if side > limits.max_dimension {
        return Err(Error::LimitExceeded {
            limit: Limit::Dimension,
            actual: u64::from(side),
            max: u64::from(limits.max_dimension),
        });
    }
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits.max_pixels {
        return Err(Error::LimitExceeded {
            limit: Limit::InputPixels,
            actual: pixels,
            max: limits.max_pixels,
        });
    }
    Ok(())
}

fn check_frames(count: Option<u32>, limits: &DecodeLimits) -> Result<()> {
    match count {
        Some(n) if n > limits.max_frames => Err(Error::LimitExceeded {
            limit: Limit::Frames,
            actual: u64::from(n),
            max: u64::from(limits.max_frames),
        }),
        _ => Ok(()),
    }
}

fn check_metadata(block: Option<Vec<u8>>, limits: &DecodeLimits) -> Result<Option<Vec<u8>>> {
    match block {
        Some(b) if b.len() as u64 > limits.max_metadata_bytes => Err(Error::LimitExceeded {
            limit: Limit::MetadataBytes,
            actual: b.len() as u64,
            max: limits.max_metadata_bytes,
        }),
        other => Ok(other),
    }
}

/// A zeroed buffer of `len` bytes, or a limit error if memory cannot be reserved.
fn alloc<T: Clone + Default>(len: usize) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| Error::LimitExceeded {
        limit: Limit::DecodedBytes,
        actual: len as u64,
        max: 0,
    })?;
    v.resize(len, T::default());
    Ok(v)
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else {
        "decoder panicked".to_string()
    }
}

/// The decoders' scale for `min_size` (JPEG's DCT scaling, HEIF's averaged planes):
/// [`crate::plan::shrink_factor`] (the one rule), 1 without a minimum.
fn shrink_denom(width: u32, height: u32, min_size: Option<(u32, u32)>) -> u8 {
    let needed = min_size.and_then(|(w, h)| crate::plan::Size::new(w.max(1), h.max(1)));
    match (crate::plan::Size::new(width, height), needed) {
        (Some(source), Some(needed)) => crate::plan::shrink_factor(source, needed),
        _ => 1,
    }
}

/// Reads the header only: size, orientation, alpha, frames. No pixel buffer is allocated
/// (image's decoders may allocate for metadata chunks, bounded by the input size and by
/// `image::Limits`), so the caller can check the budget before [`decode`].
///
/// # Errors
/// [`Error::Undecodable`] when the header is broken or uses an unsupported coding (JPEG:
/// arithmetic, lossless, hierarchical, 12-bit); [`Error::LimitExceeded`] for a side above
/// `max_dimension`, more than `max_pixels` pixels, or more than `max_frames` frames.
pub fn read_header(bytes: &[u8], format: InputFormat, limits: &DecodeLimits) -> Result<Header> {
    read_page_header(bytes, format, limits, 0)
}

/// [`read_header`] of one page (0-based, as [`DecodeOptions::page`]): a TIFF page's own
/// size, orientation and profile; an animation's canvas, the same for every frame.
///
/// # Errors
/// As [`read_header`], plus [`Error::Geometry`] (`PageOutOfRange`) for a page the input
/// does not have.
pub fn read_page_header(
    bytes: &[u8],
    format: InputFormat,
    limits: &DecodeLimits,
    page: u32,
) -> Result<Header> {
    if page > 0 {
        let header = match format {
            InputFormat::Tiff => guarded(format, || {
                // The page count is the whole file's: `open_image` walks the real bytes.
                let overlay = page::tiff_overlay(bytes, page, limits.max_frames)?;
                let (header, _) = open_image(bytes, format, limits, None, Some(overlay))?;
                Ok(header)
            })?,
            _ => read_page_header(bytes, format, limits, 0)?,
        };
        let pages = header.frame_count.unwrap_or(1);
        if page >= pages {
            return Err(page::page_out_of_range(page, pages as usize));
        }
        return Ok(header);
    }
    match format {
        InputFormat::Jpeg => {
            let info = jpeg::walk(bytes, false)?;
            info.check_supported()?;
            check_size(format, info.width, info.height, limits)?;
            Ok(Header {
                format,
                width: info.width,
                height: info.height,
                orientation: info.exif.and_then(exif_orientation).unwrap_or(1),
                has_alpha: false,
                frame_count: Some(1),
                progressive: info.progressive(),
                icc: info.icc_profile(limits).ok().flatten(),
                cmyk: info.components == 4,
            })
        }
        InputFormat::Svg => guarded(format, || svg::read_header(bytes, limits)),
        InputFormat::Avif | InputFormat::Heic => {
            guarded(format, || heif_still::read_header(format, bytes, limits))
        }
        InputFormat::Jxl => guarded(format, || jxl::read_header(bytes, limits)),
        _ => guarded(format, || {
            let (header, _) = open_image(bytes, format, limits, None, None)?;
            Ok(header)
        }),
    }
}

/// Decodes the picture (first frame of an animation) in stored orientation.
///
/// JPEG decodes at 1/`scale_denom` size when `opts.min_size` allows (DCT scaling); the
/// result is `ceil(width/d) × ceil(height/d)`.
///
/// # Errors
/// As [`read_header`], plus [`Error::Undecodable`] for corrupt or truncated data (a JPEG
/// whose data ends before its last scanline or before EOI counts as truncated) and
/// [`Error::LimitExceeded`] (`MetadataBytes`) for an EXIF/ICC/XMP block above
/// `max_metadata_bytes` when metadata is wanted.
pub fn decode(
    bytes: &[u8],
    format: InputFormat,
    opts: &DecodeOptions,
    limits: &DecodeLimits,
) -> Result<Decoded> {
    let paged = matches!(
        format,
        InputFormat::Tiff | InputFormat::Gif | InputFormat::Webp | InputFormat::Png
    );
    if opts.page > 0 && !paged {
        return Err(page::page_out_of_range(opts.page, 1));
    }
    let result = match format {
        InputFormat::Jpeg => jpeg::decode(bytes, opts, limits, WholeFrame::new).and_then(|d| {
            let WholeFrame {
                width,
                height,
                layout,
                data,
                ..
            } = d.sink;
            let frame = Frame::new(width, height, layout, data)
                .map_err(|e| undecodable(InputFormat::Jpeg, e.to_string()))?;
            Ok(Decoded {
                frame: frame.into(),
                source_bits: Some(8),
                scale_denom: d.scale_denom,
                orientation: d.orientation,
                metadata: d.metadata,
                profile_applied: d.profile_applied,
            })
        }),
        InputFormat::Svg => guarded(format, || svg::decode(bytes, opts, limits)),
        InputFormat::Avif | InputFormat::Heic => {
            guarded(format, || heif_still::decode(format, bytes, opts, limits))
        }
        InputFormat::Jxl => guarded(format, || jxl::decode(bytes, opts, limits)),
        _ => guarded(format, || decode_image(bytes, format, opts, limits)),
    };
    match result {
        // A decoder cut short by the deadline reports truncated or unreadable data.
        Err(Error::Undecodable { .. }) if past(opts.deadline) => Err(Error::DeadlineExceeded),
        other => other,
    }
}

/// Takes a decoder's rows top to bottom (stored orientation) as they are produced, so a
/// consumer such as a resize works on them while the whole picture never sits in memory.
pub trait RowSink {
    /// Room for the next rows: a whole number (at least one) of rows of the decoded width
    /// and layout.
    ///
    /// # Errors
    /// Whatever the consumer reports; the decode stops with it.
    fn space(&mut self) -> Result<&mut [u8]>;
    /// The first `rows` rows of the room last given now hold pixels.
    ///
    /// # Errors
    /// Whatever the consumer reports; the decode stops with it.
    fn filled(&mut self, rows: usize) -> Result<()>;
}

/// A JPEG decoded into a [`RowSink`] by [`decode_jpeg_rows`].
#[derive(Debug)]
pub struct DecodedRows<S> {
    /// The sink, every row delivered.
    pub sink: S,
    /// The shrink-on-load denominator: 1, 2, 4 or 8.
    pub scale_denom: u8,
    /// EXIF orientation 1..=8 (1 when absent).
    pub orientation: u8,
    /// EXIF/ICC/XMP when asked for, else empty.
    pub metadata: Metadata,
    /// The rows were converted to sRGB through the embedded CMYK profile.
    pub profile_applied: bool,
}

/// [`decode`] for JPEG, delivering rows to a sink instead of one frame: `make_sink` gets
/// the decoded (shrunk, stored) width, height and layout once libjpeg has read the header,
/// and every row then goes to the sink in order, in bands with the deadline checked
/// between them.
///
/// # Errors
/// As [`decode`], plus whatever `make_sink` or the sink return.
pub fn decode_jpeg_rows<S: RowSink>(
    bytes: &[u8],
    opts: &DecodeOptions,
    limits: &DecodeLimits,
    make_sink: impl FnOnce(u32, u32, PixelLayout) -> Result<S>,
) -> Result<DecodedRows<S>> {
    match jpeg::decode(bytes, opts, limits, make_sink) {
        Err(Error::Undecodable { .. }) if past(opts.deadline) => Err(Error::DeadlineExceeded),
        other => other,
    }
}

/// The sink behind [`decode`]: one buffer for the whole frame.
struct WholeFrame {
    width: u32,
    height: u32,
    layout: PixelLayout,
    data: Vec<u8>,
    /// Bytes filled so far.
    filled: usize,
}

impl WholeFrame {
    fn new(width: u32, height: u32, layout: PixelLayout) -> Result<WholeFrame> {
        let len = crate::byte_len(width, height, layout).ok_or(Error::LimitExceeded {
            limit: Limit::DecodedBytes,
            actual: u64::MAX,
            max: 0,
        })?;
        Ok(WholeFrame {
            width,
            height,
            layout,
            data: alloc(len)?,
            filled: 0,
        })
    }
}

impl RowSink for WholeFrame {
    fn space(&mut self) -> Result<&mut [u8]> {
        Ok(self.data.get_mut(self.filled..).unwrap_or_default())
    }

    fn filled(&mut self, rows: usize) -> Result<()> {
        let row = self.width as usize * self.layout.channels();
        self.filled = self
            .filled
            .saturating_add(rows.saturating_mul(row))
            .min(self.data.len());
        Ok(())
    }
}

/// Whether `deadline` has passed.
pub(crate) fn past(deadline: Option<Instant>) -> bool {
    deadline.is_some_and(|d| Instant::now() >= d)
}

/// Runs `f`, turning a panic inside a decoder into [`Error::Undecodable`].
fn guarded<T>(format: InputFormat, f: impl FnOnce() -> Result<T>) -> Result<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => Err(undecodable(format, panic_message(p.as_ref()))),
    }
}

// ---------------------------------------------------------------------------------------
// JPEG
// ---------------------------------------------------------------------------------------

mod av1;
mod cursor;
mod depth;
use cursor::DeadlineCursor;
mod heif;
mod heif_still;
mod hevc;
mod jpeg;
mod jxl;
mod page;
mod planes;
mod shrink;
mod svg;
mod yuv;
pub use svg::{MAX_SVG_BYTES, MAX_SVG_DEPTH, MAX_SVG_NODES, MAX_SVG_WEIGHT};

// ---------------------------------------------------------------------------------------
// Formats decoded through `image`
// ---------------------------------------------------------------------------------------

/// `image::Limits` from ours. `max_alloc` allows a 16-bit RGBA picture of `max_pixels`
/// plus room for metadata.
fn image_limits(limits: &DecodeLimits, with_dimensions: bool) -> image::Limits {
    let mut l = image::Limits::default();
    if with_dimensions {
        l.max_image_width = Some(limits.max_dimension);
        l.max_image_height = Some(limits.max_dimension);
    }
    l.max_alloc = Some(
        limits
            .max_pixels
            .saturating_mul(8)
            .saturating_add(limits.max_metadata_bytes.saturating_mul(4)),
    );
    l
}

fn map_image_err(format: InputFormat, e: ImageError, limits: &DecodeLimits) -> Error {
    match e {
        ImageError::Limits(l) => match l.kind() {
            LimitErrorKind::DimensionError => Error::LimitExceeded {
                limit: Limit::Dimension,
                // The decoder does not say by how much; report "just above".
                actual: u64::from(limits.max_dimension).saturating_add(1),
                max: u64::from(limits.max_dimension),
            },
            _ => {
                let max = image_limits(limits, false).max_alloc.unwrap_or(u64::MAX);
                Error::LimitExceeded {
                    limit: Limit::DecodedBytes,
                    actual: max.saturating_add(1),
                    max,
                }
            }
        },
        other => undecodable(format, other.to_string()),
    }
}

type BoxedDecoder<'a> = Box<dyn ImageDecoder + 'a>;

/// Opens an `image` decoder, reads the header, checks limits, and returns both.
fn open_image<'a>(
    bytes: &'a [u8],
    format: InputFormat,
    limits: &DecodeLimits,
    deadline: Option<Instant>,
    overlay: Option<page::HeaderOverlay>,
) -> Result<(Header, BoxedDecoder<'a>)> {
    let err = |e| map_image_err(format, e, limits);
    // The PNG decoder inflates iCCP while reading the header (inside ICO without any
    // limit): bound it before the decoder sees it.
    match format {
        InputFormat::Png => check_png_iccp(bytes, limits)?,
        InputFormat::Ico => {
            if let Some(png) = ico_best_png(bytes) {
                check_png_iccp(png, limits)?;
            }
        }
        _ => {}
    }
    let cur = DeadlineCursor::new(bytes, deadline, overlay);
    let mut dec: BoxedDecoder<'a> = match format {
        InputFormat::Png => {
            Box::new(PngDecoder::with_limits(cur, image_limits(limits, false)).map_err(err)?)
        }
        InputFormat::Gif => Box::new(GifDecoder::new(cur).map_err(err)?),
        InputFormat::Webp => Box::new(WebPDecoder::new(cur).map_err(err)?),
        InputFormat::Bmp => Box::new(BmpDecoder::new(cur).map_err(err)?),
        InputFormat::Tiff => Box::new(TiffDecoder::new(cur).map_err(err)?),
        InputFormat::Ico => Box::new(IcoDecoder::new(cur).map_err(err)?),
        InputFormat::Jpeg
        | InputFormat::Svg
        | InputFormat::Avif
        | InputFormat::Jxl
        | InputFormat::Heic => return Err(undecodable(format, "not decoded by image")),
    };
    let (width, height) = dec.dimensions();
    check_size(format, width, height, limits)?;
    let frame_count = match format {
        InputFormat::Gif => gif_frame_count(bytes, limits.max_frames),
        InputFormat::Webp => webp_frame_count(bytes),
        InputFormat::Png => png_frame_count(bytes),
        InputFormat::Tiff => tiff_page_count(bytes, limits.max_frames),
        _ => Some(1),
    };
    check_frames(frame_count, limits)?;
    let mut image_limits = image_limits(limits, true);
    if format == InputFormat::Gif {
        // image allocates a frame that does not fit the canvas on its own, up to
        // `max_alloc`; the gif crate refuses frames above its memory limit anyway.
        image_limits.max_alloc = image_limits.max_alloc.map(|m| m.min(GIF_MEMORY_LIMIT));
    }
    dec.set_limits(image_limits).map_err(err)?;
    let orientation = match format {
        InputFormat::Png | InputFormat::Webp => dec
            .exif_metadata()
            .ok()
            .flatten()
            .and_then(|e| exif_orientation(strip_exif_prefix(&e)))
            .unwrap_or(1),
        InputFormat::Tiff => dec.orientation().map(|o| o.to_exif()).unwrap_or(1),
        _ => 1,
    };
    let header = Header {
        format,
        width,
        height,
        orientation,
        has_alpha: dec.color_type().has_alpha(),
        frame_count,
        progressive: false,
        icc: check_metadata(dec.icc_profile().ok().flatten(), limits)
            .ok()
            .flatten(),
        cmyk: false,
    };
    Ok((header, dec))
}

fn decode_image(
    bytes: &[u8],
    format: InputFormat,
    opts: &DecodeOptions,
    limits: &DecodeLimits,
) -> Result<Decoded> {
    let err = |e| map_image_err(format, e, limits);
    let overlay = match (format, opts.page) {
        (_, 0) => None,
        (InputFormat::Tiff, page) => Some(page::tiff_overlay(bytes, page, limits.max_frames)?),
        _ => {
            let (header, _) = open_image(bytes, format, limits, opts.deadline, None)?;
            return page::animation_frame(bytes, &header, opts, limits);
        }
    };
    let (header, mut dec) = open_image(bytes, format, limits, opts.deadline, overlay)?;
    let metadata = if opts.want_metadata {
        let exif = dec.exif_metadata().map_err(err)?.map(|mut e| {
            if e.starts_with(EXIF_PREFIX) {
                e.drain(..EXIF_PREFIX.len());
            }
            e
        });
        Metadata {
            exif: check_metadata(exif, limits)?,
            icc: check_metadata(dec.icc_profile().map_err(err)?, limits)?,
            xmp: check_metadata(dec.xmp_metadata().map_err(err)?, limits)?,
        }
    } else {
        Metadata::default()
    };
    let color = dec.color_type();
    let total = usize::try_from(dec.total_bytes()).map_err(|_| Error::LimitExceeded {
        limit: Limit::DecodedBytes,
        actual: dec.total_bytes(),
        max: usize::MAX as u64,
    })?;
    let size = (header.width, header.height);
    let frame = match depth::layout_of(color) {
        Some((layout, 16)) if opts.keep_16bit => {
            depth::read_16bit(format, layout, size, total, |b| {
                dec.read_image_boxed(b).map_err(err)
            })?
        }
        _ => {
            let mut buf = alloc(total)?;
            dec.read_image_boxed(&mut buf).map_err(err)?;
            depth::to_8bit(color, buf, size)
                .map_err(|why| undecodable(format, why))?
                .into()
        }
    };
    Ok(Decoded {
        frame,
        source_bits: depth::layout_of(color).map(|(_, bits)| bits),
        scale_denom: 1,
        orientation: header.orientation,
        metadata,
        profile_applied: false,
    })
}

/// The gif crate's default memory limit for one frame buffer (`gif::DecodeOptions`).
const GIF_MEMORY_LIMIT: u64 = 50_000_000;

/// Refuses a PNG whose iCCP profile inflates to more than `max_metadata_bytes`, counting
/// the inflated bytes in a small buffer (never holding the profile). Only the first iCCP
/// before IDAT matters: the PNG decoder rejects the others.
fn check_png_iccp(png: &[u8], limits: &DecodeLimits) -> Result<()> {
    let mut pos = 8usize;
    while let (Some(len), Some(kind)) = (
        png.get(pos..).and_then(<[u8]>::first_chunk),
        png.get(pos + 4..pos + 8),
    ) {
        let len = u32::from_be_bytes(*len) as usize;
        match kind {
            b"iCCP" => {
                let data = png.get(pos + 8..).unwrap_or(&[]);
                let data = data.get(..len).unwrap_or(data);
                // Name, NUL, compression method, then a zlib stream: its 2-byte header is
                // skipped so that only the deflate data decides (as fdeflate sees it).
                let deflate = data
                    .iter()
                    .position(|&b| b == 0)
                    .and_then(|nul| data.get(nul + 4..))
                    .unwrap_or(&[]);
                let inflated = inflated_len(deflate, limits.max_metadata_bytes);
                if inflated > limits.max_metadata_bytes {
                    return Err(Error::LimitExceeded {
                        limit: Limit::MetadataBytes,
                        actual: inflated,
                        max: limits.max_metadata_bytes,
                    });
                }
                return Ok(());
            }
            b"IDAT" | b"IEND" => return Ok(()),
            _ => {}
        }
        match pos.checked_add(12).and_then(|p| p.checked_add(len)) {
            Some(p) => pos = p,
            None => return Ok(()),
        }
    }
    Ok(())
}

/// How many bytes raw deflate data inflates to, counting stops just past `max`.
fn inflated_len(deflate: &[u8], max: u64) -> u64 {
    let mut d = flate2::read::DeflateDecoder::new(deflate);
    let mut buf = [0u8; 16 * 1024];
    let mut total = 0u64;
    while total <= max {
        match d.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => total += n as u64,
        }
    }
    total
}

/// The embedded PNG of the ICO entry `image` will decode (its `best_entry`: highest
/// bit depth, then area; the last entry wins ties), if that entry is a PNG.
fn ico_best_png(b: &[u8]) -> Option<&[u8]> {
    let count = usize::from(u16::from_le_bytes([*b.get(4)?, *b.get(5)?]));
    let entry = |i: usize| -> Option<&[u8; 16]> { b.get(6 + 16 * i..)?.first_chunk() };
    let score = |e: &[u8; 16]| {
        let side = |v: u8| if v == 0 { 256u32 } else { u32::from(v) };
        (u16::from_le_bytes([e[6], e[7]]), side(e[0]) * side(e[1]))
    };
    let mut best = entry(count.checked_sub(1)?)?;
    for i in 0..count - 1 {
        let e = entry(i)?;
        if score(e) > score(best) {
            best = e;
        }
    }
    let offset = u32::from_le_bytes([best[12], best[13], best[14], best[15]]) as usize;
    b.get(offset..)
        .filter(|p| p.starts_with(b"\x89PNG\r\n\x1a\n"))
}

/// Skips GIF data sub-blocks starting at `pos`; returns the position after the terminator.
fn skip_sub_blocks(b: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        let len = usize::from(*b.get(pos)?);
        pos = pos.checked_add(1 + len)?;
        if len == 0 {
            return Some(pos);
        }
    }
}

/// Counts GIF image descriptors without decoding (stops counting past `cap`). A truncated
/// file gives the frames seen so far; `None` if there is none or the header is broken.
fn gif_frame_count(b: &[u8], cap: u32) -> Option<u32> {
    let flags = *b.get(10)?;
    let mut pos = 13usize;
    if flags & 0x80 != 0 {
        pos += 3usize << ((flags & 7) + 1);
    }
    let mut n = 0u32;
    while n <= cap {
        match b.get(pos) {
            Some(0x21) => match skip_sub_blocks(b, pos + 2) {
                Some(p) => pos = p,
                None => break,
            },
            Some(0x2C) => {
                n += 1;
                let Some(&f) = b.get(pos + 9) else { break };
                pos += 10;
                if f & 0x80 != 0 {
                    pos += 3usize << ((f & 7) + 1);
                }
                match skip_sub_blocks(b, pos + 1) {
                    Some(p) => pos = p,
                    None => break,
                }
            }
            _ => break,
        }
    }
    (n > 0).then_some(n)
}

/// Counts ANMF chunks of a WebP (1 for a still picture).
fn webp_frame_count(b: &[u8]) -> Option<u32> {
    if b.get(0..4)? != b"RIFF" || b.get(8..12)? != b"WEBP" {
        return None;
    }
    let mut pos = 12usize;
    let mut n = 0u32;
    while let (Some(fourcc), Some(size)) = (b.get(pos..pos + 4), b.get(pos + 4..pos + 8)) {
        let size = u32::from_le_bytes(size.try_into().ok()?) as usize;
        if fourcc == b"ANMF" {
            n = n.saturating_add(1);
        }
        pos = pos
            .checked_add(8)?
            .checked_add(size)?
            .checked_add(size & 1)?;
    }
    Some(n.max(1))
}

/// A TIFF's page count (past `cap` counted as `cap + 1`); `None` when the chain cannot be
/// walked from the header (the decoder then reports what is wrong).
fn tiff_page_count(b: &[u8], cap: u32) -> Option<u32> {
    page::tiff_pages(b, cap)
        .filter(|p| !p.is_empty())
        .map(|p| u32::try_from(p.len()).unwrap_or(u32::MAX))
}

/// The APNG frame count from `acTL` (1 for a plain PNG).
fn png_frame_count(b: &[u8]) -> Option<u32> {
    let mut pos = 8usize;
    while let (Some(len), Some(kind)) = (b.get(pos..pos + 4), b.get(pos + 4..pos + 8)) {
        let len = u32::from_be_bytes(len.try_into().ok()?) as usize;
        match kind {
            b"acTL" => {
                let n = b.get(pos + 8..pos + 12)?;
                return Some(u32::from_be_bytes(n.try_into().ok()?));
            }
            b"IDAT" | b"IEND" => break,
            _ => {}
        }
        pos = pos.checked_add(12)?.checked_add(len)?;
    }
    Some(1)
}

#[cfg(test)]
mod tests;
