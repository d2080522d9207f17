//! Linear-light resampling ([`super::ResizeParams::linear_light`]): the filter averages
//! light, not sRGB code values, so a fine black-and-white pattern shrinks to the grey it
//! looks like from afar (sRGB 188) instead of a darker one (128), and bright detail on dark
//! ground keeps its brightness.
//!
//! The region the filter reads is widened to 16-bit linear samples through a 256-entry
//! table, resampled by fast_image_resize in 16 bits (alpha-weighted where the layout has
//! alpha), and narrowed back through a 65 536-entry table. Costs two 16-bit copies of the
//! region, so the engine runs it after shrink-on-load, on the smallest picture it has.

use std::sync::OnceLock;

use fast_image_resize as fir;

use super::{fir_err, with_resizer, Region, Setup};
use crate::{Error, Frame, PixelLayout, Result};

/// sRGB code value → linear light, 0..=65535.
fn to_linear() -> &'static [u16; 256] {
    static TABLE: OnceLock<[u16; 256]> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = [0u16; 256];
        for (v, out) in t.iter_mut().enumerate() {
            let s = v as f64 / 255.0;
            let l = if s <= 0.04045 {
                s / 12.92
            } else {
                ((s + 0.055) / 1.055).powf(2.4)
            };
            // In 0..=1, so the product is in 0..=65535.
            *out = (l * 65535.0).round() as u16;
        }
        t
    })
}

/// Linear light 0..=65535 → the nearest sRGB code value.
fn to_srgb() -> &'static [u8] {
    static TABLE: OnceLock<Box<[u8]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0..=u16::MAX)
            .map(|v| {
                let l = f64::from(v) / 65535.0;
                let s = if l <= 0.003_130_8 {
                    l * 12.92
                } else {
                    1.055 * l.powf(1.0 / 2.4) - 0.055
                };
                (s.clamp(0.0, 1.0) * 255.0).round() as u8
            })
            .collect()
    })
}

/// A 16-bit alpha sample from an 8-bit one, and back.
fn widen_alpha(a: u8) -> u16 {
    u16::from(a) * 257
}

fn narrow_alpha(a: u16) -> u8 {
    // At most 65535 + 128 / 257 = 255.
    ((u32::from(a) + 128) / 257) as u8
}

/// [`super::resize`] in linear light.
pub(super) fn resize(src: &Frame, setup: Setup) -> Result<Frame> {
    let Setup {
        w,
        h,
        len,
        layout,
        region,
        options,
        ..
    } = setup;
    let Region { cx, cy, cw, ch } = region;
    let channels = layout.channels();
    let alpha = layout.has_alpha();
    let pixel_type = match layout {
        PixelLayout::Gray8 => fir::PixelType::U16,
        PixelLayout::GrayAlpha8 => fir::PixelType::U16x2,
        PixelLayout::Rgb8 => fir::PixelType::U16x3,
        PixelLayout::Rgba8 => fir::PixelType::U16x4,
    };
    let lin = to_linear();
    let row_samples = cw as usize * channels;
    let mut wide = alloc(row_samples * ch as usize * 2)?;
    for (y, out) in (cy..cy + ch).zip(wide.chunks_exact_mut(row_samples * 2)) {
        let row = src
            .row(y)
            .and_then(|r| r.get(cx as usize * channels..)?.get(..row_samples))
            .ok_or_else(|| Error::BadArgument("resize: region outside the frame".into()))?;
        // Colour samples through the table; the last sample of an alpha pixel is scaled.
        let colour = if alpha { channels - 1 } else { channels };
        for (px, o) in row
            .chunks_exact(channels)
            .zip(out.chunks_exact_mut(channels * 2))
        {
            for (i, (&v, o)) in px.iter().zip(o.chunks_exact_mut(2)).enumerate() {
                let wide = if i < colour {
                    lin[usize::from(v)]
                } else {
                    widen_alpha(v)
                };
                o.copy_from_slice(&wide.to_ne_bytes());
            }
        }
    }
    let src_image =
        fir::images::Image::from_vec_u8(cw, ch, wide, pixel_type).map_err(|e| fir_err(&e))?;
    let mut dst = fir::images::Image::new(w, h, pixel_type);
    let options = options.use_alpha(alpha);
    with_resizer(|r| r.resize(&src_image, &mut dst, &options)).map_err(|e| fir_err(&e))?;
    drop(src_image);
    let srgb = to_srgb();
    let mut out = alloc(len)?;
    let colour = if alpha { channels - 1 } else { channels };
    for (px, wide) in out
        .chunks_exact_mut(channels)
        .zip(dst.buffer().chunks_exact(channels * 2))
    {
        for (i, (o, s)) in px.iter_mut().zip(wide.chunks_exact(2)).enumerate() {
            let v = u16::from_ne_bytes([s[0], s[1]]);
            *o = if i < colour {
                srgb.get(usize::from(v)).copied().unwrap_or(u8::MAX)
            } else {
                narrow_alpha(v)
            };
        }
    }
    Frame::new(w, h, layout, out)
}

fn alloc(len: usize) -> Result<Vec<u8>> {
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| Error::BadArgument(format!("resize: cannot allocate {len} bytes")))?;
    v.resize(len, 0);
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_round_trip_every_code_value() {
        let (lin, srgb) = (to_linear(), to_srgb());
        for v in 0..=255u8 {
            assert_eq!(srgb[usize::from(lin[usize::from(v)])], v, "code {v}");
        }
        assert_eq!((lin[0], lin[255]), (0, 65535));
        for a in 0..=255u8 {
            assert_eq!(narrow_alpha(widen_alpha(a)), a);
        }
    }

    fn shrink(f: &Frame, w: u32, h: u32, linear_light: bool) -> Frame {
        let p = crate::ops::ResizeParams {
            width: w,
            height: h,
            linear_light,
            ..crate::ops::ResizeParams::default()
        };
        crate::ops::resize(f, &p).unwrap()
    }

    /// Columns alternating black and white.
    fn stripes(w: u32, h: u32, layout: PixelLayout) -> Frame {
        let c = layout.channels();
        let mut data = Vec::new();
        for _ in 0..h {
            for x in 0..w {
                let v = if x % 2 == 0 { 0 } else { 255 };
                for i in 0..c {
                    let is_alpha = layout.has_alpha() && i == c - 1;
                    data.push(if is_alpha { 255 } else { v });
                }
            }
        }
        Frame::new(w, h, layout, data).unwrap()
    }

    #[test]
    fn stripes_shrink_to_the_grey_they_look_like() {
        for layout in [
            PixelLayout::Gray8,
            PixelLayout::GrayAlpha8,
            PixelLayout::Rgb8,
            PixelLayout::Rgba8,
        ] {
            let f = stripes(16, 4, layout);
            let c = layout.channels();
            // The mean of the colour samples (the two output pixels lean towards their
            // edge columns by the same amount); alpha stays opaque.
            let mean = |f: &Frame| {
                let colour: Vec<f64> = f
                    .data()
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !(layout.has_alpha() && i % c == c - 1))
                    .map(|(_, &v)| f64::from(v))
                    .collect();
                colour.iter().sum::<f64>() / colour.len() as f64
            };
            let lin = shrink(&f, 2, 1, true);
            let gamma = shrink(&f, 2, 1, false);
            // Half the light is sRGB 188; half the code range is 128.
            assert!(
                (mean(&lin) - 188.0).abs() <= 2.0,
                "{layout:?}: {:?}",
                lin.data()
            );
            assert!(
                (mean(&gamma) - 127.5).abs() <= 2.0,
                "{layout:?}: {:?}",
                gamma.data()
            );
            if layout.has_alpha() {
                assert!(lin.data().chunks(c).all(|p| p[c - 1] == 255));
            }
        }
    }

    #[test]
    fn same_size_is_an_exact_copy() {
        let data: Vec<u8> = (0..5 * 3 * 4).map(|i| (i * 37 % 256) as u8).collect();
        let f = Frame::new(5, 3, PixelLayout::Rgba8, data.clone()).unwrap();
        assert_eq!(shrink(&f, 5, 3, true).data(), &data[..]);
    }

    #[test]
    fn transparent_pixels_do_not_bleed_in_linear_light() {
        // Opaque red beside fully transparent green: the shrunk pixel stays red.
        let mut data = Vec::new();
        for x in 0..8 {
            data.extend_from_slice(if x % 2 == 0 {
                &[255, 0, 0, 255]
            } else {
                &[0, 255, 0, 0]
            });
        }
        let f = Frame::new(8, 1, PixelLayout::Rgba8, data).unwrap();
        let out = shrink(&f, 1, 1, true);
        let px = out.data();
        assert!(px[0] >= 250 && px[1] <= 5, "{px:?}");
        assert!(px[3].abs_diff(128) <= 2, "{px:?}");
    }
}
