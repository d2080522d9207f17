//! Colour management: the input's embedded ICC profile is read, recognised and applied, so
//! that every later step (and the output, which carries no profile unless `cp`/`md` keep
//! the original) works on sRGB numbers — what browsers assume for untagged images.
//!
//! - RGB profiles (Adobe RGB, Display P3, ProPhoto, camera profiles) are converted to sRGB
//!   by moxcms (pure Rust, already in the tree through `image`), at the smallest size the
//!   pipeline allows: the engine defers the conversion past the first step's downscale or
//!   crop ([`crate::engine`]'s runner), since a per-pixel transform commutes with cropping
//!   and, to the rounding of a resize, with resizing (libvips' thumbnail does the same).
//! - CMYK JPEGs are converted through their CMYK profile while the rows leave libjpeg
//!   ([`CmykToSrgb`]); without a profile the decoder's naive formula is the documented
//!   default (what browsers do).
//! - A profile that does not parse, or that moxcms cannot build a transform for, is
//!   ignored (the numbers are taken as sRGB) with the reason in the report: never a failed
//!   request.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use moxcms::{ColorProfile, DataColorSpace, Layout, ProfileText, TransformOptions};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::frame::{Frame, PixelLayout};

mod cicp;
pub use cicp::Cicp;

/// Longest profile name kept for the report.
const MAX_NAME: usize = 120;

/// What the profile describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ColorSpace {
    /// Three-channel RGB.
    Rgb,
    /// One-channel grey.
    Gray,
    /// Four-ink CMYK.
    Cmyk,
    /// Anything else (Lab, XYZ, multi-ink, …).
    Other,
}

/// A parsed embedded profile.
#[derive(Clone)]
pub struct Profile {
    parsed: Arc<ColorProfile>,
    name: String,
    space: ColorSpace,
    srgb: bool,
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile")
            .field("name", &self.name)
            .field("space", &self.space)
            .field("srgb", &self.srgb)
            .finish()
    }
}

impl Profile {
    /// Parses an ICC profile.
    ///
    /// # Errors
    /// Why it is unusable, as a sentence for the report.
    pub fn parse(icc: &[u8]) -> Result<Profile, String> {
        let parsed = catch_unwind(|| ColorProfile::new_from_slice(icc))
            .map_err(|_| "the profile could not be read".to_string())?
            .map_err(|e| format!("the profile could not be read ({e})"))?;
        let space = match parsed.color_space {
            DataColorSpace::Rgb => ColorSpace::Rgb,
            DataColorSpace::Gray => ColorSpace::Gray,
            DataColorSpace::Cmyk => ColorSpace::Cmyk,
            _ => ColorSpace::Other,
        };
        let name = describe(&parsed);
        let srgb = space == ColorSpace::Rgb && is_srgb(&parsed, &name);
        Ok(Profile {
            parsed: Arc::new(parsed),
            name,
            space,
            srgb,
        })
    }

    /// The profile's description (its `desc` tag), or `"unnamed"`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What it describes.
    pub fn space(&self) -> ColorSpace {
        self.space
    }

    /// Whether it is sRGB already (nothing to convert).
    pub fn is_srgb(&self) -> bool {
        self.srgb
    }
}

/// The profile's description, trimmed and bounded.
fn describe(p: &ColorProfile) -> String {
    let text = match &p.description {
        Some(ProfileText::PlainString(s)) => s.clone(),
        Some(ProfileText::Localizable(list)) => list
            .iter()
            .find(|l| l.language.eq_ignore_ascii_case("en"))
            .or(list.first())
            .map(|l| l.value.clone())
            .unwrap_or_default(),
        Some(ProfileText::Description(d)) => d.ascii_string.clone(),
        None => String::new(),
    };
    let clean: String = text
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME)
        .collect();
    let clean = clean.trim();
    if clean.is_empty() {
        "unnamed".into()
    } else {
        clean.to_string()
    }
}

/// sRGB by name and by primaries: an "sRGB …" profile whose colorants are sRGB's (within
/// the rounding of ICC's s15.16 numbers). Such a profile's transform is the identity to
/// a level, so it is skipped.
fn is_srgb(p: &ColorProfile, name: &str) -> bool {
    let srgb = ColorProfile::new_srgb();
    let close = |a: moxcms::Xyzd, b: moxcms::Xyzd| {
        (a.x - b.x).abs() < 2e-3 && (a.y - b.y).abs() < 2e-3 && (a.z - b.z).abs() < 2e-3
    };
    name.contains("sRGB")
        && close(p.red_colorant, srgb.red_colorant)
        && close(p.green_colorant, srgb.green_colorant)
        && close(p.blue_colorant, srgb.blue_colorant)
}

/// A prepared RGB(A) → sRGB transform for one frame layout, at 8 or 16 bits a sample.
pub struct ToSrgb {
    profile: Arc<ColorProfile>,
    layout: PixelLayout,
    executor: Executor,
}

/// The moxcms transform for one depth.
enum Executor {
    Eight(Arc<moxcms::Transform8BitExecutor>),
    Sixteen(Arc<moxcms::Transform16BitExecutor>),
}

impl std::fmt::Debug for ToSrgb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bits = match self.executor {
            Executor::Eight(_) => 8,
            Executor::Sixteen(_) => 16,
        };
        f.debug_struct("ToSrgb")
            .field("layout", &self.layout)
            .field("bits", &bits)
            .finish()
    }
}

impl ToSrgb {
    /// The transform from `profile` to sRGB for 8-bit frames of `layout` (Rgb8 or Rgba8).
    ///
    /// # Errors
    /// Why no transform exists (another colour space, a grey frame, a profile moxcms
    /// cannot use), as a sentence for the report.
    pub fn new(profile: &Profile, layout: PixelLayout) -> Result<ToSrgb, String> {
        ToSrgb::with_bits(profile, layout, 8)
    }

    /// [`ToSrgb::new`] for frames of `bits` (8 or 16) a sample: 16-bit frames are converted
    /// in 16 bits ([`crate::Frame16`]).
    ///
    /// # Errors
    /// As [`ToSrgb::new`].
    pub fn with_bits(profile: &Profile, layout: PixelLayout, bits: u8) -> Result<ToSrgb, String> {
        if profile.space != ColorSpace::Rgb {
            return Err(format!(
                "a {:?} profile on an RGB picture does not apply",
                profile.space
            ));
        }
        let executor = build(&profile.parsed, layout, bits)?;
        Ok(ToSrgb {
            profile: Arc::clone(&profile.parsed),
            layout,
            executor,
        })
    }

    /// `frame` in sRGB (alpha untouched).
    ///
    /// # Errors
    /// Why the transform failed (the frame is then returned unchanged by the caller).
    pub fn apply(&self, frame: &Frame) -> Result<Frame, String> {
        self.check_layout(frame.layout())?;
        let rebuilt;
        let t = match &self.executor {
            Executor::Eight(t) => t,
            Executor::Sixteen(_) => match build(&self.profile, self.layout, 8)? {
                Executor::Eight(t) => {
                    rebuilt = t;
                    &rebuilt
                }
                Executor::Sixteen(_) => return Err("no 8-bit transform".into()),
            },
        };
        let out = run(frame.data(), |src, out| t.transform(src, out))?;
        Frame::new(frame.width(), frame.height(), self.layout, out).map_err(|e| e.to_string())
    }

    /// A 16-bit `frame` in sRGB, in 16 bits (alpha untouched).
    ///
    /// # Errors
    /// As [`ToSrgb::apply`].
    pub fn apply16(&self, frame: &crate::Frame16) -> Result<crate::Frame16, String> {
        self.check_layout(frame.layout())?;
        let rebuilt;
        let t = match &self.executor {
            Executor::Sixteen(t) => t,
            Executor::Eight(_) => match build(&self.profile, self.layout, 16)? {
                Executor::Sixteen(t) => {
                    rebuilt = t;
                    &rebuilt
                }
                Executor::Eight(_) => return Err("no 16-bit transform".into()),
            },
        };
        let out = run(frame.data(), |src, out| t.transform(src, out))?;
        crate::Frame16::new(frame.width(), frame.height(), self.layout, out)
            .map_err(|e| e.to_string())
    }

    fn check_layout(&self, layout: PixelLayout) -> Result<(), String> {
        if layout == self.layout {
            Ok(())
        } else {
            Err("the frame's layout changed after the transform was built".into())
        }
    }
}

/// moxcms' transform from `parsed` to sRGB for `layout` at `bits` a sample.
fn build(parsed: &ColorProfile, layout: PixelLayout, bits: u8) -> Result<Executor, String> {
    let mox = match layout {
        PixelLayout::Rgb8 => Layout::Rgb,
        PixelLayout::Rgba8 => Layout::Rgba,
        _ => return Err("an RGB profile on a grey picture does not apply".into()),
    };
    let srgb = ColorProfile::new_srgb();
    let options = TransformOptions::default();
    let built = catch_unwind(AssertUnwindSafe(|| {
        if bits == 16 {
            parsed
                .create_transform_16bit(mox, &srgb, mox, options)
                .map(Executor::Sixteen)
        } else {
            parsed
                .create_transform_8bit(mox, &srgb, mox, options)
                .map(Executor::Eight)
        }
    }));
    built
        .map_err(|_| "no transform could be built from the profile".to_string())?
        .map_err(|e| format!("no transform could be built from the profile ({e})"))
}

/// Runs a transform from `src` into a new buffer of the same length, catching panics.
fn run<T: Copy + Default>(
    src: &[T],
    transform: impl FnOnce(&[T], &mut [T]) -> Result<(), moxcms::CmsError>,
) -> Result<Vec<T>, String> {
    let mut out = Vec::new();
    out.try_reserve_exact(src.len())
        .map_err(|_| "no memory for the converted picture".to_string())?;
    out.resize(src.len(), T::default());
    catch_unwind(AssertUnwindSafe(|| transform(src, &mut out)))
        .map_err(|_| "the colour transform failed".to_string())?
        .map_err(|e| format!("the colour transform failed ({e})"))?;
    Ok(out)
}

/// A prepared CMYK → sRGB transform, applied to rows as they leave the JPEG decoder.
pub struct CmykToSrgb {
    transform: Arc<moxcms::Transform8BitExecutor>,
}

impl std::fmt::Debug for CmykToSrgb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CmykToSrgb")
    }
}

impl CmykToSrgb {
    /// The transform from a CMYK `profile` to sRGB.
    ///
    /// # Errors
    /// Why none exists, as a sentence for the report.
    pub fn new(profile: &Profile) -> Result<CmykToSrgb, String> {
        if profile.space != ColorSpace::Cmyk {
            return Err(format!(
                "a {:?} profile on a CMYK picture does not apply",
                profile.space
            ));
        }
        let srgb = ColorProfile::new_srgb();
        let parsed = &profile.parsed;
        let transform = catch_unwind(AssertUnwindSafe(|| {
            parsed.create_transform_8bit(
                Layout::Rgba,
                &srgb,
                Layout::Rgb,
                TransformOptions::default(),
            )
        }))
        .map_err(|_| "no transform could be built from the profile".to_string())?
        .map_err(|e| format!("no transform could be built from the profile ({e})"))?;
        Ok(CmykToSrgb { transform })
    }

    /// Converts CMYK rows (4 bytes a pixel, 0 = no ink) into RGB rows (3 bytes a pixel).
    /// `inverted` says the rows are Adobe-inverted (255 = no ink), as libjpeg returns the
    /// CMYK of files with an Adobe marker; they are flipped in place first.
    ///
    /// # Errors
    /// Why the transform failed.
    pub fn rows(&self, cmyk: &mut [u8], rgb: &mut [u8], inverted: bool) -> Result<(), String> {
        if inverted {
            cmyk.iter_mut().for_each(|v| *v = 255 - *v);
        }
        let t = &self.transform;
        catch_unwind(AssertUnwindSafe(|| t.transform(cmyk, rgb)))
            .map_err(|_| "the colour transform failed".to_string())?
            .map_err(|e| format!("the colour transform failed ({e})"))
    }
}

/// What colour management did, for the report.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ColorAction {
    /// No profile: the numbers are taken as sRGB.
    #[default]
    Untagged,
    /// The profile is sRGB: nothing to do.
    AlreadySrgb,
    /// Converted to sRGB through the profile.
    Converted,
    /// `cp-true` / `md-true`: the pixels and the original profile kept as they are.
    Kept,
    /// The profile was unusable and ignored (the numbers taken as sRGB); why.
    Ignored(String),
}

/// The report's colour entry: the profile found and what was done with it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ColorReport {
    /// The embedded profile's name (`None` when there was none).
    pub profile: Option<String>,
    /// What was done.
    pub action: ColorAction,
}

impl Serialize for ColorReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("ColorReport", 3)?;
        st.serialize_field("profile", &self.profile)?;
        let (action, note) = match &self.action {
            ColorAction::Untagged => ("untagged", None),
            ColorAction::AlreadySrgb => ("srgb", None),
            ColorAction::Converted => ("converted", None),
            ColorAction::Kept => ("kept", None),
            ColorAction::Ignored(why) => ("ignored", Some(why.as_str())),
        };
        st.serialize_field("action", action)?;
        st.serialize_field("note", &note)?;
        st.end()
    }
}

#[cfg(test)]
mod tests;
