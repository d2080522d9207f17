//! [`resize16`]: the resize of 16-bit frames, for 16-bit PNG output.
//!
//! fast_image_resize convolves U16 pixels directly on the frame's samples (no widening
//! copy) and weights by alpha itself, multiplying and dividing in 16 bits, which loses
//! nothing a 16-bit output could show. The source box, region and filter are worked out by
//! the same [`Setup`] as the 8-bit resize, so both depths cut and place identically.

use fast_image_resize as fir;

use super::{fir_err, with_resizer, Region, ResizeParams, Setup};
use crate::frame16::sample_len;
use crate::{Error, Frame16, PixelLayout, Result};

/// Resamples `src` (or its `p.source` box) to exactly `width × height`, same layout, in
/// 16 bits. `p.linear_light` is not applied here: 16-bit samples are resampled as stored.
///
/// # Errors
/// As [`super::resize`].
pub fn resize16(src: &Frame16, p: &ResizeParams) -> Result<Frame16> {
    let layout = src.layout();
    let setup = Setup::new(src.width(), src.height(), layout, p)?;
    let Setup {
        w,
        h,
        region,
        options,
        ..
    } = setup;
    let pixel_type = match layout {
        PixelLayout::Gray8 => fir::PixelType::U16,
        PixelLayout::GrayAlpha8 => fir::PixelType::U16x2,
        PixelLayout::Rgb8 => fir::PixelType::U16x3,
        PixelLayout::Rgba8 => fir::PixelType::U16x4,
    };
    let len = sample_len(w, h, layout)
        .ok_or_else(|| Error::BadArgument(format!("resize target {w}x{h} is too large")))?;
    let src_image = fir::images::ImageRef::new(src.width(), src.height(), src.bytes(), pixel_type)
        .map_err(|e| fir_err(&e))?;
    let Region { cx, cy, cw, ch } = region;
    let view =
        fir::images::CroppedImage::new(&src_image, cx, cy, cw, ch).map_err(|e| fir_err(&e))?;
    let mut out = Frame16::new(w, h, layout, vec![0u16; len])?;
    let mut dst = fir::images::Image::from_slice_u8(w, h, out.bytes_mut(), pixel_type)
        .map_err(|e| fir_err(&e))?;
    let options = options.use_alpha(layout.has_alpha() && src.has_transparency());
    with_resizer(|r| r.resize(&view, &mut dst, &options)).map_err(|e| fir_err(&e))?;
    drop(dst);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{resize, SourceBox};
    use crate::Frame;

    fn params(w: u32, h: u32) -> ResizeParams {
        ResizeParams {
            width: w,
            height: h,
            ..ResizeParams::default()
        }
    }

    #[test]
    fn a_flat_picture_keeps_its_exact_16_bit_value() {
        let f = Frame16::filled(40, 30, PixelLayout::Rgb8, &[0x1234, 0xfedc, 7]).unwrap();
        let out = resize16(&f, &params(7, 5)).unwrap();
        assert_eq!((out.width(), out.height()), (7, 5));
        assert!(out.data().chunks_exact(3).all(|p| p == [0x1234, 0xfedc, 7]));
    }

    #[test]
    fn levels_between_two_8_bit_values_survive() {
        // Columns alternate 1000 and 1001: a 2:1 box-ish shrink lands between them, a value
        // no 8-bit picture holds (both are 8-bit level 4).
        let data = (0..64 * 4).map(|i| 1000 + (i % 2) as u16).collect();
        let f = Frame16::new(64, 4, PixelLayout::Gray8, data).unwrap();
        let out = resize16(
            &f,
            &ResizeParams {
                filter: crate::ops::Filter::Bilinear,
                ..params(32, 4)
            },
        )
        .unwrap();
        assert!(
            out.data()[4..28].iter().all(|&v| v == 1000 || v == 1001),
            "{:?}",
            &out.data()[..8]
        );
        let narrow = out.to_frame();
        assert!(narrow.data().iter().all(|&v| v == 4));
    }

    #[test]
    fn agrees_with_the_8_bit_resize_on_widened_input() {
        // Alpha at least half: 8-bit premultiplied rounding at fainter alpha is the 8-bit
        // path's loss, not a disagreement.
        let data: Vec<u8> = (0..24 * 18 * 4)
            .map(|i| {
                let v = ((i * 37) % 251) as u8;
                if i % 4 == 3 {
                    128 | v
                } else {
                    v
                }
            })
            .collect();
        let eight = Frame::new(24, 18, PixelLayout::Rgba8, data).unwrap();
        let b = SourceBox {
            left: 1.5,
            top: 2.0,
            width: 20.0,
            height: 13.0,
        };
        let p = ResizeParams {
            source: Some(b),
            ..params(9, 6)
        };
        let a = resize(&eight, &p).unwrap();
        let wide = resize16(&Frame16::from_frame(&eight), &p)
            .unwrap()
            .to_frame();
        assert_eq!((wide.width(), wide.height()), (a.width(), a.height()));
        let worst = a
            .data()
            .iter()
            .zip(wide.data())
            .map(|(x, y)| x.abs_diff(*y))
            .max();
        assert!(worst <= Some(2), "{worst:?}");
    }
}
