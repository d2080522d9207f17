//! `ops`: pixel operations on [`Frame`](crate::Frame)s. They take concrete numbers and never
//! read `spec` types.
//!
//! Every op is one file, `src/ops/<name>.rs`, exposing
//! `pub fn <name>(src: &Frame, p: &<Name>Params) -> Result<Frame>`; the params struct has a
//! `Default` and documents each field's range and default. [`CATALOGUE`] lists them all.
//! [`resize`] also comes as [`resize_owned`], taking the frame by value to lower the
//! pipeline's peak memory.
//!
//! # Alpha
//! Frames hold straight alpha. Ops that weight colour by coverage (resize, blur, rotation by
//! an arbitrary angle, gradients, compositing) premultiply internally (resize in 16 bits,
//! so faint pixels keep their colour) and return straight alpha again, so transparent
//! edges never get a dark fringe.
//!
//! # SIMD
//! Only [`resize`] is vectorised (fast_image_resize picks SSE4.1/AVX2/NEON at run time).
//! The kernels written here are plain, linear-time Rust; there is no `Cpu` dispatch yet.
//!
//! # Colours and layouts
//! Colours are [`Rgba`] (straight alpha). Ops that fill new pixels with a colour (pad,
//! border, rotate, flatten, background) choose the result layout with one rule: the result
//! has alpha if the source has alpha or the colour is not opaque, and it is gray only if the
//! source is gray and the colour is gray (r = g = b).

use crate::{luma, Frame, PixelLayout};

mod background;
mod blur;
mod border;
mod colorize;
mod contrast;
mod crop;
pub mod deep;
mod flatten;
mod flip;
mod gradient;
mod grayscale;
mod opacity;
mod orient;
mod pad;
mod radius;
mod resize;
mod rotate;
mod sharpen;
mod trim;
mod unsharp;

pub use background::{background, BackgroundParams};
pub use blur::{blur, sigma_from_imagekit_radius, BlurParams};
pub use border::{border, BorderParams};
pub use colorize::{colorize, ColorizeParams};
pub use contrast::{contrast, ContrastParams};
pub use crop::{crop, CropParams};
pub use flatten::{flatten, FlattenParams};
pub use flip::{flip, flip_in_place, FlipParams};
pub use gradient::{gradient, gradient_length, GradientParams};
pub use grayscale::{grayscale, GrayscaleParams};
pub use opacity::{opacity, OpacityParams};
pub use orient::{orient, orient_owned, OrientParams};
pub use pad::{pad, PadParams};
pub use radius::{radius, RadiusParams};
pub use resize::{resize, resize_owned, Filter, ResizeParams, RowResizer, SourceBox};
pub use rotate::{rotate, rotated_size, RotateParams};
pub use sharpen::{sharpen, SharpenParams};
pub use trim::{trim, trim_box, TrimParams};
pub use unsharp::{unsharp, UnsharpParams};

/// One entry of the op catalogue read by the command-line tool and the docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpInfo {
    /// The op's name, equal to its function and file name.
    pub name: &'static str,
    /// One line saying what it does.
    pub description: &'static str,
}

/// Every op in this module, in alphabetical order.
pub const CATALOGUE: &[OpInfo] = &[
    OpInfo {
        name: "background",
        description:
            "composite a transparent image over a colour (keeps alpha if the colour has it)",
    },
    OpInfo {
        name: "blur",
        description: "Gaussian blur (3-pass box approximation, premultiplied alpha)",
    },
    OpInfo {
        name: "border",
        description: "add a coloured border of a given width on every side",
    },
    OpInfo {
        name: "colorize",
        description: "tint towards a colour, keeping luma, with an intensity 0-100",
    },
    OpInfo {
        name: "contrast",
        description: "auto contrast stretch of each colour channel to the full range",
    },
    OpInfo {
        name: "crop",
        description: "extract a rectangle that lies inside the frame",
    },
    OpInfo {
        name: "flatten",
        description: "composite alpha onto an opaque colour, dropping the alpha channel",
    },
    OpInfo {
        name: "flip",
        description: "mirror horizontally, vertically or both",
    },
    OpInfo {
        name: "gradient",
        description: "draw a linear two-colour gradient over the image",
    },
    OpInfo {
        name: "grayscale",
        description: "convert to gray (Rec.601 luma)",
    },
    OpInfo {
        name: "opacity",
        description: "multiply alpha by a percentage (adds an alpha channel)",
    },
    OpInfo {
        name: "orient",
        description: "apply an EXIF orientation 1-8",
    },
    OpInfo {
        name: "pad",
        description: "place the frame at an offset on a canvas filled with a colour",
    },
    OpInfo {
        name: "radius",
        description: "round the corners (per-corner radii or an ellipse) with anti-aliased edges",
    },
    OpInfo {
        name: "resize",
        description: "resample to an exact size with a filter, optionally from a source box",
    },
    OpInfo {
        name: "rotate",
        description: "rotate clockwise by any angle (exact for multiples of 90)",
    },
    OpInfo {
        name: "sharpen",
        description: "sharpen with a default-sized unsharp mask of a given amount",
    },
    OpInfo {
        name: "trim",
        description: "remove a uniform border coloured like the top-left pixel",
    },
    OpInfo {
        name: "unsharp",
        description: "unsharp mask with radius, sigma, amount and threshold",
    },
];

/// A colour with straight alpha, 8 bits per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgba {
    /// Red.
    pub r: u8,
    /// Green.
    pub g: u8,
    /// Blue.
    pub b: u8,
    /// Alpha (255 = opaque).
    pub a: u8,
}

impl Default for Rgba {
    /// Opaque black, ImageKit's default background.
    fn default() -> Self {
        Rgba::BLACK
    }
}

impl Rgba {
    /// Opaque black.
    pub const BLACK: Rgba = Rgba::new(0, 0, 0, 255);
    /// Opaque white.
    pub const WHITE: Rgba = Rgba::new(255, 255, 255, 255);
    /// Fully transparent black.
    pub const TRANSPARENT: Rgba = Rgba::new(0, 0, 0, 0);

    /// A colour from its four channels.
    pub const fn new(r: u8, g: u8, b: u8, a: u8) -> Rgba {
        Rgba { r, g, b, a }
    }

    /// An opaque colour.
    pub const fn opaque(r: u8, g: u8, b: u8) -> Rgba {
        Rgba { r, g, b, a: 255 }
    }

    /// Whether alpha is 255.
    pub fn is_opaque(self) -> bool {
        self.a == 255
    }

    /// Whether r = g = b.
    pub fn is_gray(self) -> bool {
        self.r == self.g && self.g == self.b
    }

    /// This colour's bytes in `layout` (gray layouts take the Rec.601 luma; layouts without
    /// alpha drop it). Returns the bytes and how many of them are used.
    pub(crate) fn to_pixel(self, layout: PixelLayout) -> ([u8; 4], usize) {
        let y = luma(self.r, self.g, self.b);
        match layout {
            PixelLayout::Gray8 => ([y, 0, 0, 0], 1),
            PixelLayout::GrayAlpha8 => ([y, self.a, 0, 0], 2),
            PixelLayout::Rgb8 => ([self.r, self.g, self.b, 0], 3),
            PixelLayout::Rgba8 => ([self.r, self.g, self.b, self.a], 4),
        }
    }
}

/// The layout of a frame of `src` layout drawn together with colour `c` (see the module doc).
pub(crate) fn layout_with_color(src: PixelLayout, c: Rgba) -> PixelLayout {
    let base = if src.is_gray() && c.is_gray() {
        PixelLayout::Gray8
    } else {
        PixelLayout::Rgb8
    };
    if src.has_alpha() || !c.is_opaque() {
        base.with_alpha()
    } else {
        base
    }
}

/// `src` converted to `layout`, borrowing when it already has it.
pub(crate) fn in_layout(src: &Frame, layout: PixelLayout) -> std::borrow::Cow<'_, Frame> {
    if src.layout() == layout {
        std::borrow::Cow::Borrowed(src)
    } else {
        std::borrow::Cow::Owned(src.to_layout(layout))
    }
}

/// `x · y / 255`, rounded, for bytes.
#[inline]
pub(crate) fn mul255(x: u32, y: u32) -> u32 {
    let t = x * y + 128;
    (t + (t >> 8)) >> 8
}

/// Rounds and clamps a float to a byte.
#[inline]
pub(crate) fn to_u8(v: f32) -> u8 {
    // Clamped to 0..=255 first, so the cast cannot truncate.
    v.round().clamp(0.0, 255.0) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mul255_is_exact_rounding() {
        for x in 0..=255u32 {
            for y in 0..=255u32 {
                let exact = ((x * y) as f64 / 255.0).round() as u32;
                assert_eq!(mul255(x, y), exact, "{x}*{y}");
            }
        }
    }

    #[test]
    fn catalogue_is_sorted_and_unique() {
        let names: Vec<_> = CATALOGUE.iter().map(|o| o.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
        assert_eq!(names.len(), 19);
    }

    #[test]
    fn color_layout_rule() {
        use PixelLayout::*;
        assert_eq!(layout_with_color(Gray8, Rgba::WHITE), Gray8);
        assert_eq!(layout_with_color(Gray8, Rgba::opaque(255, 0, 0)), Rgb8);
        assert_eq!(layout_with_color(Gray8, Rgba::TRANSPARENT), GrayAlpha8);
        assert_eq!(layout_with_color(Rgb8, Rgba::WHITE), Rgb8);
        assert_eq!(layout_with_color(Rgba8, Rgba::WHITE), Rgba8);
        assert_eq!(layout_with_color(GrayAlpha8, Rgba::opaque(1, 2, 3)), Rgba8);
    }
}
