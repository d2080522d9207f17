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
pub(super) fn with_mozjpeg(frame: &Frame, quality: u8, opts: &EncodeOptions) -> Result<Vec<u8>> {
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
