//! JPEG XL through jxl-oxide (pure Rust, MIT/Apache), single-threaded.
//!
//! - jxl-oxide applies the codestream's own orientation while it writes pixels, so the
//!   frame is upright (orientation 1) and the header reports the upright size.
//! - Colour: pixels come out in the image's own colour encoding (for lossy XYB images, the
//!   encoding the file asks for); unless that is sRGB, the header carries the ICC profile
//!   jxl-oxide describes it with, and the engine converts as for any tagged picture.
//! - Budgets: the size is checked against the pixel limits from the header, before any
//!   pixel, and jxl-oxide's allocation tracker caps what its buffers may take. An animation
//!   gives its first frame. CMYK JPEG XL is refused.

use std::io::Cursor;

use jxl_oxide::{AllocTracker, JxlImage};

use super::*;

fn refused(reason: impl Into<String>) -> Error {
    undecodable(InputFormat::Jxl, reason)
}

/// Bytes jxl-oxide's buffers may take: its planes are `f32`, with room for a few at once.
fn alloc_budget(limits: &DecodeLimits) -> usize {
    usize::try_from(limits.max_pixels.saturating_mul(48)).unwrap_or(usize::MAX)
}

fn open(bytes: &[u8], limits: &DecodeLimits) -> Result<JxlImage> {
    let image = JxlImage::builder()
        .alloc_tracker(AllocTracker::with_limit(alloc_budget(limits)))
        .read(Cursor::new(bytes))
        .map_err(|e| refused(e.to_string()))?;
    check_size(InputFormat::Jxl, image.width(), image.height(), limits)?;
    Ok(image)
}

/// The profile describing the rendered pixels, unless they are sRGB.
fn profile(image: &JxlImage) -> Option<Vec<u8>> {
    match image.rendered_cicp() {
        // Primaries BT.709, transfer sRGB.
        Some([1, 13, ..]) => None,
        _ => Some(image.rendered_icc()),
    }
}

pub(super) fn read_header(bytes: &[u8], limits: &DecodeLimits) -> Result<Header> {
    let image = open(bytes, limits)?;
    let format = image.pixel_format();
    if format.has_black() {
        return Err(refused("CMYK JPEG XL is not supported"));
    }
    let frames = u32::try_from(image.num_loaded_keyframes()).unwrap_or(u32::MAX);
    check_frames(Some(frames), limits)?;
    Ok(Header {
        format: InputFormat::Jxl,
        width: image.width(),
        height: image.height(),
        orientation: 1,
        has_alpha: format.has_alpha(),
        frame_count: Some(frames.max(1)),
        progressive: false,
        icc: check_metadata(profile(&image), limits).ok().flatten(),
        cmyk: false,
    })
}

pub(super) fn decode(bytes: &[u8], opts: &DecodeOptions, limits: &DecodeLimits) -> Result<Decoded> {
    let image = open(bytes, limits)?;
    if image.pixel_format().has_black() {
        return Err(refused("CMYK JPEG XL is not supported"));
    }
    if image.num_loaded_keyframes() == 0 {
        return Err(refused("the codestream holds no frame"));
    }
    if past(opts.deadline) {
        return Err(Error::DeadlineExceeded);
    }
    let render = image.render_frame(0).map_err(|e| refused(e.to_string()))?;
    if past(opts.deadline) {
        return Err(Error::DeadlineExceeded);
    }
    let mut stream = render.stream();
    let (w, h) = (stream.width(), stream.height());
    check_size(InputFormat::Jxl, w, h, limits)?;
    let layout = match stream.channels() {
        1 => PixelLayout::Gray8,
        2 => PixelLayout::GrayAlpha8,
        3 => PixelLayout::Rgb8,
        4 => PixelLayout::Rgba8,
        n => return Err(refused(format!("{n} colour channels are not supported"))),
    };
    let len =
        crate::frame::byte_len(w, h, layout).ok_or_else(|| refused("the picture is too large"))?;
    let mut data = alloc(len)?;
    let written = stream.write_to_buffer::<u8>(&mut data);
    if written != len {
        return Err(refused(format!("{written} of {len} samples rendered")));
    }
    let frame = Frame::new(w, h, layout, data).map_err(|e| refused(e.to_string()))?;
    let metadata = if opts.want_metadata {
        Metadata {
            exif: None,
            icc: check_metadata(image.original_icc().map(<[u8]>::to_vec), limits)?,
            xmp: None,
        }
    } else {
        Metadata::default()
    };
    Ok(Decoded {
        frame: frame.into(),
        source_bits: None,
        scale_denom: 1,
        orientation: 1,
        metadata,
        profile_applied: false,
    })
}
