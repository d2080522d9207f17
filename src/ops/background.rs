//! [`background`]: composite a transparent image over a colour.

use super::{flatten, in_layout, layout_with_color, to_u8, FlattenParams, Rgba};
use crate::{Frame, Result};

/// Parameters of [`background`].
///
/// | field | range | default |
/// | --- | --- | --- |
/// | `color` | the colour under the picture, straight alpha | opaque black (ImageKit's `bg` default) |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BackgroundParams {
    /// Colour under the picture.
    pub color: Rgba,
}

/// Composites `src` "over" `color` (Porter–Duff, straight alpha in and out).
///
/// With an opaque colour this is [`flatten`] (the alpha channel is dropped); with a
/// translucent one the result keeps alpha: `a = a_s + a_b(1 − a_s)`,
/// `c = (c_s a_s + c_b a_b (1 − a_s)) / a`. Frames without alpha are returned unchanged.
///
/// # Errors
/// None in practice; the `Result` keeps the op shape.
///
/// # Allocations
/// The output frame (plus a converted copy of a gray source on a coloured background).
pub fn background(src: &Frame, p: &BackgroundParams) -> Result<Frame> {
    if !src.layout().has_alpha() {
        return Ok(src.clone());
    }
    if p.color.is_opaque() {
        return flatten(
            src,
            &FlattenParams {
                background: p.color,
            },
        );
    }
    let layout = layout_with_color(src.layout(), p.color);
    let mut out = in_layout(src, layout).into_owned();
    let c = layout.channels();
    let (bgp, _) = p.color.to_pixel(layout);
    let ba = f32::from(p.color.a) / 255.0;
    for px in out.data_mut().chunks_exact_mut(c) {
        let sa = f32::from(px[c - 1]) / 255.0;
        let oa = sa + ba * (1.0 - sa);
        if oa <= 0.0 {
            px.fill(0);
            continue;
        }
        for (v, b) in px.iter_mut().take(c - 1).zip(bgp) {
            *v = to_u8((f32::from(*v) * sa + f32::from(b) * ba * (1.0 - sa)) / oa);
        }
        px[c - 1] = to_u8(oa * 255.0);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PixelLayout;

    #[test]
    fn over_translucent_keeps_alpha() {
        let f = Frame::new(2, 1, PixelLayout::Rgba8, vec![255, 0, 0, 255, 9, 9, 9, 0]).unwrap();
        let out = background(
            &f,
            &BackgroundParams {
                color: Rgba::new(0, 0, 255, 128),
            },
        )
        .unwrap();
        assert_eq!(out.layout(), PixelLayout::Rgba8);
        assert_eq!(out.data(), &[255, 0, 0, 255, 0, 0, 255, 128]);
    }

    #[test]
    fn opaque_color_flattens() {
        let f = Frame::new(1, 1, PixelLayout::GrayAlpha8, vec![0, 0]).unwrap();
        let out = background(
            &f,
            &BackgroundParams {
                color: Rgba::opaque(255, 0, 0),
            },
        )
        .unwrap();
        assert_eq!(out.layout(), PixelLayout::Rgb8);
        assert_eq!(out.data(), &[255, 0, 0]);
    }
}
