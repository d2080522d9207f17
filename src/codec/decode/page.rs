//! `pg-N`: one page of a multi-page TIFF, or one frame of an animated GIF, WebP or PNG.
//!
//! A TIFF's pages are a chain of IFDs. [`tiff_pages`] walks the chain (bounded, loops
//! refused) and page N is then read by `image`'s TIFF decoder through a cursor whose first
//! bytes show the header pointing at page N's IFD instead of the first ([`HeaderOverlay`]):
//! no copy of the file, and page N's own size, orientation and profile are what the
//! decoder reports, so the limits are checked against the page actually decoded.
//!
//! An animation's frame N is composited on the full canvas by `image`'s animation
//! decoders (disposal and blending applied), decoding the frames before it in turn; the
//! deadline is checked between frames.

use image::codecs::{gif::GifDecoder, png::PngDecoder, webp::WebPDecoder};
use image::{AnimationDecoder, Frames, ImageDecoder};

use super::{
    check_metadata, cursor::DeadlineCursor, image_limits, map_image_err, past, undecodable,
    DecodeLimits, DecodeOptions, Decoded, Header, InputFormat, GIF_MEMORY_LIMIT,
};
use crate::codec::metadata::{strip_exif_prefix, Metadata};
use crate::{Error, Frame, PixelLayout, Result};

/// The first bytes of a TIFF rewritten so that its first IFD is another page's.
#[derive(Debug, Clone, Copy)]
pub(super) struct HeaderOverlay {
    bytes: [u8; 16],
    len: usize,
}

impl HeaderOverlay {
    /// An overlay of `head` (at most 16 bytes).
    pub(super) fn new(head: &[u8]) -> Option<HeaderOverlay> {
        let mut bytes = [0u8; 16];
        bytes.get_mut(..head.len())?.copy_from_slice(head);
        Some(HeaderOverlay {
            bytes,
            len: head.len(),
        })
    }

    /// The overlay's bytes (the header's first 8, or 16 for BigTIFF).
    pub(super) fn bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }
}

/// Byte order and offset width of a TIFF, from its header.
#[derive(Debug, Clone, Copy)]
struct Layout {
    little: bool,
    big_tiff: bool,
}

impl Layout {
    fn read(b: &[u8]) -> Option<Layout> {
        let little = match b.get(..2)? {
            b"II" => true,
            b"MM" => false,
            _ => return None,
        };
        let l = Layout {
            little,
            big_tiff: false,
        };
        match l.uint(b, 2, 2)? {
            42 => Some(l),
            43 => Some(Layout {
                big_tiff: true,
                ..l
            }),
            _ => None,
        }
    }

    /// The unsigned integer of `n` bytes (2, 4 or 8) at `at`.
    fn uint(self, b: &[u8], at: u64, n: usize) -> Option<u64> {
        let at = usize::try_from(at).ok()?;
        let bytes = b.get(at..at.checked_add(n)?)?;
        let mut v = 0u64;
        for i in 0..n {
            let byte = if self.little {
                bytes.get(n - 1 - i)?
            } else {
                bytes.get(i)?
            };
            v = (v << 8) | u64::from(*byte);
        }
        Some(v)
    }

    /// Where the header stores the first IFD's offset, and the offset's width.
    fn first_offset_field(self) -> (u64, usize) {
        if self.big_tiff {
            (8, 8)
        } else {
            (4, 4)
        }
    }

    /// The offset of the IFD after the one at `ifd` (0 at the end of the chain).
    fn next_ifd(self, b: &[u8], ifd: u64) -> Option<u64> {
        let (count_width, entry, offset_width) = if self.big_tiff {
            (8, 20, 8)
        } else {
            (2, 12, 4)
        };
        let count = self.uint(b, ifd, count_width)?;
        let at = ifd
            .checked_add(count_width as u64)?
            .checked_add(count.checked_mul(entry)?)?;
        self.uint(b, at, offset_width)
    }
}

/// The file offsets of a TIFF's pages in order: at most `cap + 1` of them (so that a
/// caller comparing the count with `cap` sees "more"), stopping at a broken or looping
/// link. `None` when the bytes are not a TIFF header.
pub(super) fn tiff_pages(b: &[u8], cap: u32) -> Option<Vec<u64>> {
    let layout = Layout::read(b)?;
    let (at, width) = layout.first_offset_field();
    let mut next = layout.uint(b, at, width)?;
    let mut pages: Vec<u64> = Vec::new();
    while next != 0 && pages.len() <= cap as usize {
        // A link back to a page already seen would loop for ever; one past the end ends.
        if pages.contains(&next) || next >= b.len() as u64 {
            break;
        }
        pages.push(next);
        match layout.next_ifd(b, next) {
            Some(n) => next = n,
            None => break,
        }
    }
    Some(pages)
}

/// The overlay that makes page `index` (0-based) the TIFF's first, or why there is none.
pub(super) fn tiff_overlay(b: &[u8], index: u32, cap: u32) -> Result<HeaderOverlay> {
    let bad = || undecodable(InputFormat::Tiff, "the header is not a TIFF header");
    let layout = Layout::read(b).ok_or_else(bad)?;
    let pages = tiff_pages(b, cap).ok_or_else(bad)?;
    let offset = *pages
        .get(index as usize)
        .ok_or_else(|| page_out_of_range(index, pages.len()))?;
    let (at, width) = layout.first_offset_field();
    let at = at as usize;
    let mut overlay = b
        .get(..at + width)
        .and_then(HeaderOverlay::new)
        .ok_or_else(bad)?;
    let field = overlay.bytes.get_mut(at..at + width).ok_or_else(bad)?;
    for (i, byte) in field.iter_mut().enumerate() {
        let shift = if layout.little { i } else { width - 1 - i } * 8;
        *byte = (offset >> shift) as u8;
    }
    Ok(overlay)
}

/// The error for a page beyond the input's last (`index` 0-based).
pub(super) fn page_out_of_range(index: u32, pages: usize) -> Error {
    Error::Geometry(crate::plan::PlanError::PageOutOfRange {
        page: index.saturating_add(1),
        pages: u32::try_from(pages).unwrap_or(u32::MAX),
    })
}

/// Frame `opts.page` (0-based) of an animated GIF, WebP or PNG, composited on the canvas,
/// whose header (`header`, page-independent) has been read and checked.
pub(super) fn animation_frame(
    bytes: &[u8],
    header: &Header,
    opts: &DecodeOptions,
    limits: &DecodeLimits,
) -> Result<Decoded> {
    let format = header.format;
    let index = opts.page;
    let pages = header.frame_count.unwrap_or(1);
    if index >= pages {
        return Err(page_out_of_range(index, pages as usize));
    }
    let err = |e| map_image_err(format, e, limits);
    let cur = || DeadlineCursor::new(bytes, opts.deadline, None);
    let mut image_limits = image_limits(limits, true);
    let mut metadata = Metadata::default();
    let mut keep = |icc: Option<Vec<u8>>, exif: Option<Vec<u8>>| -> Result<()> {
        if opts.want_metadata {
            metadata.icc = check_metadata(icc, limits)?;
            metadata.exif = check_metadata(exif.map(|e| strip_exif_prefix(&e).to_vec()), limits)?;
        }
        Ok(())
    };
    let frames: Frames<'_> = match format {
        InputFormat::Gif => {
            image_limits.max_alloc = image_limits.max_alloc.map(|m| m.min(GIF_MEMORY_LIMIT));
            let mut dec = GifDecoder::new(cur()).map_err(err)?;
            dec.set_limits(image_limits).map_err(err)?;
            dec.into_frames()
        }
        InputFormat::Webp => {
            let mut dec = WebPDecoder::new(cur()).map_err(err)?;
            dec.set_limits(image_limits).map_err(err)?;
            keep(
                dec.icc_profile().map_err(err)?,
                dec.exif_metadata().map_err(err)?,
            )?;
            dec.into_frames()
        }
        InputFormat::Png => {
            let mut dec = PngDecoder::with_limits(cur(), image_limits).map_err(err)?;
            keep(
                dec.icc_profile().map_err(err)?,
                dec.exif_metadata().map_err(err)?,
            )?;
            dec.apng().map_err(err)?.into_frames()
        }
        _ => return Err(page_out_of_range(index, 1)),
    };
    for (i, frame) in frames.enumerate() {
        if past(opts.deadline) {
            return Err(Error::DeadlineExceeded);
        }
        let frame = frame.map_err(err)?;
        if i as u32 == index {
            let canvas = frame.into_buffer();
            let (w, h) = canvas.dimensions();
            let frame = Frame::new(w, h, PixelLayout::Rgba8, canvas.into_raw())
                .map_err(|e| undecodable(format, e.to_string()))?;
            return Ok(Decoded {
                frame: frame.into(),
                source_bits: None,
                scale_denom: 1,
                orientation: header.orientation,
                metadata,
                profile_applied: false,
            });
        }
    }
    // The header counted more frames than the decoder found.
    Err(undecodable(
        format,
        format!("frame {} is missing from the stream", index + 1),
    ))
}
