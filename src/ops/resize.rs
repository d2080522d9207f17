//! [`resize`]: resample to an exact size with fast_image_resize.

use std::cell::RefCell;

use fast_image_resize as fir;

use crate::{byte_len, Error, Frame, PixelLayout, Result};

/// Resampling filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Filter {
    /// Nearest neighbour (no smoothing; for pixel art and masks).
    Nearest,
    /// Bilinear (triangle) convolution.
    Bilinear,
    /// Catmull-Rom bicubic convolution.
    CatmullRom,
    /// Mitchell–Netravali bicubic convolution (softer than Catmull-Rom).
    Mitchell,
    /// Lanczos with a 3-lobe window: the sharpest, the default.
    #[default]
    Lanczos3,
}

impl Filter {
    fn algorithm(self) -> fir::ResizeAlg {
        use fir::{FilterType, ResizeAlg};
        match self {
            Filter::Nearest => ResizeAlg::Nearest,
            Filter::Bilinear => ResizeAlg::Convolution(FilterType::Bilinear),
            Filter::CatmullRom => ResizeAlg::Convolution(FilterType::CatmullRom),
            Filter::Mitchell => ResizeAlg::Convolution(FilterType::Mitchell),
            Filter::Lanczos3 => ResizeAlg::Convolution(FilterType::Lanczos3),
        }
    }
}

/// A source rectangle in (fractional) source pixels, so a crop and a resize run as one pass.
///
/// # Guarantees
/// None by itself; [`resize`] checks that it is finite, non-empty and inside the source.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SourceBox {
    /// Left edge.
    pub left: f64,
    /// Top edge.
    pub top: f64,
    /// Width (> 0).
    pub width: f64,
    /// Height (> 0).
    pub height: f64,
}

/// Parameters of [`resize`].
///
/// | field | range | default |
/// | --- | --- | --- |
/// | `width`, `height` | output size, ≥ 1; **0 means the source box's side rounded** (the source's side without a box) | 0 |
/// | `filter` | [`Filter`] | `Lanczos3` |
/// | `source` | optional [`SourceBox`] inside the source: only that part is resampled, and the filter never reads pixels outside the whole-pixel rectangle around it (a hard cut, as if cropped first) | `None` (whole frame) |
///
/// The default is therefore a copy.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ResizeParams {
    /// Output width (0 = source box width).
    pub width: u32,
    /// Output height (0 = source box height).
    pub height: u32,
    /// Resampling filter.
    pub filter: Filter,
    /// Part of the source to resample.
    pub source: Option<SourceBox>,
}

/// Frees a thread's resizer buffers once they exceed this many bytes after a call, so one huge
/// request does not pin memory in every worker thread.
const KEEP_BUFFERS_BELOW: usize = 64 << 20;

thread_local! {
    static RESIZER: RefCell<fir::Resizer> = RefCell::new(fir::Resizer::new());
}

/// Resamples `src` (or its `source` box) to exactly `width × height`, same layout.
///
/// Runs fast_image_resize's SIMD convolution directly on the frame's bytes (U8, U8x2, U8x3,
/// U8x4: no copy, no conversion). Layouts with alpha are premultiplied before the convolution
/// and divided after it (fast_image_resize `mul_div_alpha`), so transparent pixels, whatever
/// colour they hold, never bleed a dark fringe into opaque ones. This 8-bit round trip can move
/// a colour by one level where alpha is low; it is skipped when all pixels share one alpha
/// value (e.g. an opaque RGBA image), where it would change nothing. One `Resizer` per thread is
/// reused so its scratch buffers are too.
///
/// # Errors
/// [`Error::BadArgument`] for a source box that is not finite, empty or not inside the frame,
/// or an output whose byte count overflows.
///
/// # Allocations
/// The output frame. The thread's resizer keeps scratch buffers (a premultiplied copy of the
/// source for alpha layouts, and one intermediate image) between calls, freed when they exceed
/// 64 MiB.
pub fn resize(src: &Frame, p: &ResizeParams) -> Result<Frame> {
    let sb = source_box(src, p.source)?;
    let w = if p.width == 0 {
        rounded_side(sb.width)
    } else {
        p.width
    };
    let h = if p.height == 0 {
        rounded_side(sb.height)
    } else {
        p.height
    };
    let layout = src.layout();
    let len = byte_len(w, h, layout)
        .ok_or_else(|| Error::BadArgument(format!("resize target {w}x{h} is too large")))?;
    let pixel_type = match layout {
        PixelLayout::Gray8 => fir::PixelType::U8,
        PixelLayout::GrayAlpha8 => fir::PixelType::U8x2,
        PixelLayout::Rgb8 => fir::PixelType::U8x3,
        PixelLayout::Rgba8 => fir::PixelType::U8x4,
    };
    let fir_err = |e: &dyn std::fmt::Display| Error::BadArgument(format!("resize: {e}"));
    let src_image = fir::images::ImageRef::new(src.width(), src.height(), src.data(), pixel_type)
        .map_err(|e| fir_err(&e))?;
    // Hard cut to the whole pixels the box touches, so that the filter never reaches pixels
    // outside it (crop + resize gives the same result as crop, then resize).
    let (x0, y0) = (sb.left.floor(), sb.top.floor());
    let (x1, y1) = (
        (sb.left + sb.width).ceil().min(f64::from(src.width())),
        (sb.top + sb.height).ceil().min(f64::from(src.height())),
    );
    // All four lie in 0..=side after `source_box`, so the casts are exact.
    let (cx, cy) = (x0 as u32, y0 as u32);
    let (cw, ch) = ((x1 - x0).max(1.0) as u32, (y1 - y0).max(1.0) as u32);
    let view =
        fir::images::CroppedImage::new(&src_image, cx, cy, cw, ch).map_err(|e| fir_err(&e))?;
    let mut out = vec![0u8; len];
    let mut dst_image =
        fir::images::Image::from_slice_u8(w, h, &mut out, pixel_type).map_err(|e| fir_err(&e))?;
    let (left, top) = (sb.left - x0, sb.top - y0);
    let options = fir::ResizeOptions::new()
        .resize_alg(p.filter.algorithm())
        .crop(
            left,
            top,
            sb.width.min(f64::from(cw) - left),
            sb.height.min(f64::from(ch) - top),
        )
        .use_alpha(layout.has_alpha() && !uniform_alpha(src));

    let mut run = |r: &mut fir::Resizer| {
        let res = r.resize(&view, &mut dst_image, &options);
        if r.size_of_internal_buffers() > KEEP_BUFFERS_BELOW {
            r.reset_internal_buffers();
        }
        res
    };
    let result = RESIZER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut r) => run(&mut r),
        // Only reachable if resize were re-entered on this thread: use a fresh resizer.
        Err(_) => run(&mut fir::Resizer::new()),
    });
    result.map_err(|e| fir_err(&e))?;
    drop(dst_image);
    Frame::new(w, h, layout, out)
}

/// Whether every pixel has the same alpha: then weighting by alpha changes nothing and the
/// premultiply/divide round trip (which costs a pass and can move a colour by one level at low
/// alpha) is skipped. Stops at the first differing pixel.
fn uniform_alpha(src: &Frame) -> bool {
    let c = src.layout().channels();
    let mut alphas = src.data().chunks_exact(c).map(|p| p[c - 1]);
    match alphas.next() {
        Some(first) => alphas.all(|a| a == first),
        None => true,
    }
}

/// A source side rounded to a whole number of output pixels, at least 1.
fn rounded_side(v: f64) -> u32 {
    // `v` is in (0, u32::MAX] after `source_box`; the clamp keeps the cast in range.
    v.round().clamp(1.0, f64::from(u32::MAX)) as u32
}

/// The checked source box (the whole frame when `None`).
fn source_box(src: &Frame, b: Option<SourceBox>) -> Result<SourceBox> {
    let (sw, sh) = (f64::from(src.width()), f64::from(src.height()));
    let Some(b) = b else {
        return Ok(SourceBox {
            left: 0.0,
            top: 0.0,
            width: sw,
            height: sh,
        });
    };
    let finite = [b.left, b.top, b.width, b.height]
        .iter()
        .all(|v| v.is_finite());
    // A tolerance of 1e-9 px absorbs float noise from the caller's arithmetic.
    const EPS: f64 = 1e-9;
    if !finite
        || b.left < 0.0
        || b.top < 0.0
        || b.width <= 0.0
        || b.height <= 0.0
        || b.left + b.width > sw + EPS
        || b.top + b.height > sh + EPS
    {
        return Err(Error::BadArgument(format!(
            "source box {b:?} is not inside the {}x{} frame",
            src.width(),
            src.height()
        )));
    }
    let (width, height) = (b.width.min(sw - b.left), b.height.min(sh - b.top));
    if width <= 0.0 || height <= 0.0 {
        return Err(Error::BadArgument(format!(
            "source box {b:?} is empty inside the frame"
        )));
    }
    Ok(SourceBox {
        left: b.left,
        top: b.top,
        width,
        height,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(width: u32, height: u32) -> ResizeParams {
        ResizeParams {
            width,
            height,
            ..Default::default()
        }
    }

    #[test]
    fn sizes_and_layouts() {
        for layout in [
            PixelLayout::Gray8,
            PixelLayout::GrayAlpha8,
            PixelLayout::Rgb8,
            PixelLayout::Rgba8,
        ] {
            let px = [100, 150, 200, 250];
            let f = Frame::filled(37, 23, layout, &px[..layout.channels()]).unwrap();
            for (w, h) in [(1, 1), (10, 5), (37, 23), (100, 3), (1, 400)] {
                let out = resize(&f, &params(w, h)).unwrap();
                assert_eq!((out.width(), out.height(), out.layout()), (w, h, layout));
                for p in out.data().chunks_exact(layout.channels()) {
                    assert_eq!(p, &px[..layout.channels()], "{layout:?} {w}x{h}");
                }
            }
        }
    }

    #[test]
    fn default_is_copy_and_box_is_checked() {
        let f = Frame::new(3, 2, PixelLayout::Gray8, (0..6).collect()).unwrap();
        assert_eq!(resize(&f, &ResizeParams::default()).unwrap(), f);
        let crop = ResizeParams {
            source: Some(SourceBox {
                left: 1.0,
                top: 1.0,
                width: 2.0,
                height: 1.0,
            }),
            ..Default::default()
        };
        assert_eq!(resize(&f, &crop).unwrap().data(), &[4, 5]);
        for b in [
            SourceBox {
                left: 2.0,
                top: 0.0,
                width: 1.5,
                height: 1.0,
            },
            SourceBox {
                left: -0.1,
                top: 0.0,
                width: 1.0,
                height: 1.0,
            },
            SourceBox {
                left: 0.0,
                top: 0.0,
                width: 0.0,
                height: 1.0,
            },
            SourceBox {
                left: f64::NAN,
                top: 0.0,
                width: 1.0,
                height: 1.0,
            },
        ] {
            let p = ResizeParams {
                source: Some(b),
                ..params(2, 2)
            };
            assert!(resize(&f, &p).is_err(), "{b:?}");
        }
    }

    #[test]
    fn every_filter_runs() {
        let f = Frame::new(4, 4, PixelLayout::Gray8, (0..16).map(|v| v * 16).collect()).unwrap();
        for filter in [
            Filter::Nearest,
            Filter::Bilinear,
            Filter::CatmullRom,
            Filter::Mitchell,
            Filter::Lanczos3,
        ] {
            let out = resize(
                &f,
                &ResizeParams {
                    filter,
                    ..params(2, 9)
                },
            )
            .unwrap();
            assert_eq!((out.width(), out.height()), (2, 9));
        }
    }
}
