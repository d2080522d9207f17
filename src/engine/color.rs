//! The colour stage: from the header's profile and what the decoder did, decide what
//! happens to the picture's colours ([`crate::color`]) and what the report says. The
//! conversion itself runs in the step runner, at the smallest size the first step allows.

use crate::codec::decode::{Decoded, Header};
use crate::color::{ColorAction, ColorReport, Profile, ToSrgb};
use crate::engine::report::KeptMetadata;
use crate::engine::Config;

/// What colour management will do for one request.
pub(crate) struct ColorPlan {
    /// For the report (the runner turns `Converted` into `Ignored` if the transform fails).
    pub report: ColorReport,
    /// The conversion still to run on the frame.
    pub pending: Option<ToSrgb>,
}

/// Decides from the embedded profile (`header.icc`), what the decoder already applied,
/// the metadata the output keeps and the decoded layout.
pub(crate) fn plan(
    config: &Config,
    header: &Header,
    decoded: &Decoded,
    keep: KeptMetadata,
) -> ColorPlan {
    let done = |profile: Option<String>, action| ColorPlan {
        report: ColorReport { profile, action },
        pending: None,
    };
    let Some(icc) = header.icc.as_deref() else {
        return done(None, ColorAction::Untagged);
    };
    let profile = match Profile::parse(icc) {
        Ok(p) => p,
        Err(why) => return done(None, ColorAction::Ignored(why)),
    };
    let name = Some(profile.name().to_string());
    if decoded.profile_applied {
        return done(name, ColorAction::Converted);
    }
    if header.cmyk {
        return done(
            name,
            ColorAction::Ignored("no CMYK transform from this profile: naive CMYK to RGB".into()),
        );
    }
    if keep != KeptMetadata::None {
        return done(name, ColorAction::Kept);
    }
    if !config.color_management {
        return done(
            name,
            ColorAction::Ignored("colour management is off".into()),
        );
    }
    if profile.is_srgb() {
        return done(name, ColorAction::AlreadySrgb);
    }
    match ToSrgb::with_bits(&profile, decoded.frame.layout(), decoded.frame.bits()) {
        Ok(t) => ColorPlan {
            report: ColorReport {
                profile: name,
                action: ColorAction::Converted,
            },
            pending: Some(t),
        },
        Err(why) => done(name, ColorAction::Ignored(why)),
    }
}
