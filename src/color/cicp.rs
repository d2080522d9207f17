//! Coding-independent code points (H.273, as AVIF's `nclx` colour box carries them) turned
//! into an ICC profile, so a wide-gamut AVIF goes through the same conversion as a tagged
//! JPEG. Pictures that already mean sRGB (BT.709 or unspecified primaries with an
//! sRGB-like transfer) need no profile.

use moxcms::{
    CicpColorPrimaries, CicpProfile, ColorProfile, MatrixCoefficients, ProfileText,
    TransferCharacteristics,
};

/// The code point values, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cicp {
    /// Colour primaries (1 = BT.709/sRGB, 9 = BT.2020, 12 = Display P3).
    pub primaries: u16,
    /// Transfer characteristics (1/6 = BT.709/601, 13 = sRGB, 16 = PQ, 18 = HLG).
    pub transfer: u16,
}

impl Cicp {
    /// Whether the numbers are sRGB already (no conversion needed).
    pub fn is_srgb(self) -> bool {
        matches!(self.primaries, 1 | 2) && matches!(self.transfer, 1 | 2 | 6 | 13 | 14 | 15)
    }

    /// A short name for the report, e.g. `"CICP 12/13 (Display P3)"`.
    pub fn name(self) -> String {
        let known = match (self.primaries, self.transfer) {
            (12, 13) => " (Display P3)",
            (12, 16) => " (Display P3 PQ)",
            (9, 16) => " (BT.2100 PQ)",
            (9, 18) => " (BT.2100 HLG)",
            (9, _) => " (BT.2020)",
            _ => "",
        };
        format!("CICP {}/{}{known}", self.primaries, self.transfer)
    }

    /// An ICC profile describing these primaries and transfer, or `None` when the picture
    /// is sRGB already, the transfer is HDR (PQ, HLG) or the code points are unknown.
    pub fn icc(self) -> Option<Vec<u8>> {
        if self.is_srgb() {
            return None;
        }
        // SDR transfers with a curve moxcms builds; PQ and HLG need tone mapping, which
        // an ICC conversion does not do, so they are left as they are.
        if !matches!(self.transfer, 1 | 4 | 5 | 6 | 7 | 8 | 13 | 14 | 15)
            || !matches!(self.primaries, 1 | 4..=12 | 22)
        {
            return None;
        }
        let primaries = CicpColorPrimaries::try_from(u8::try_from(self.primaries).ok()?).ok()?;
        let transfer = TransferCharacteristics::try_from(u8::try_from(self.transfer).ok()?).ok()?;
        let mut p = ColorProfile::new_from_cicp(CicpProfile {
            color_primaries: primaries,
            transfer_characteristics: transfer,
            matrix_coefficients: MatrixCoefficients::Identity,
            full_range: true,
        });
        // Set only when moxcms knew the primaries.
        p.cicp?;
        p.description = Some(ProfileText::PlainString(self.name()));
        p.encode().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::color::{ColorSpace, Profile};

    #[test]
    fn srgb_needs_no_profile_and_p3_gets_one() {
        assert_eq!(
            Cicp {
                primaries: 1,
                transfer: 13
            }
            .icc(),
            None
        );
        assert_eq!(
            Cicp {
                primaries: 2,
                transfer: 2
            }
            .icc(),
            None
        );
        let icc = Cicp {
            primaries: 12,
            transfer: 13,
        }
        .icc()
        .expect("a P3 profile");
        let p = Profile::parse(&icc).expect("parses back");
        assert_eq!(p.space(), ColorSpace::Rgb);
        assert!(!p.is_srgb());
        assert_eq!(p.name(), "CICP 12/13 (Display P3)");
    }
}
