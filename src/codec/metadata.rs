//! Metadata blocks carried from input to output (EXIF, ICC, XMP) and EXIF orientation.

/// Raw metadata blocks of a picture. Each is bounded by `Limits::max_metadata_bytes` when read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Metadata {
    /// The EXIF block as a TIFF structure (starting `II*\0` or `MM\0*`, without `Exif\0\0`).
    pub exif: Option<Vec<u8>>,
    /// The ICC profile.
    pub icc: Option<Vec<u8>>,
    /// The XMP packet (XML text).
    pub xmp: Option<Vec<u8>>,
}

impl Metadata {
    /// Whether no block is present.
    pub fn is_empty(&self) -> bool {
        self.exif.is_none() && self.icc.is_none() && self.xmp.is_none()
    }

    /// Only the ICC profile (what `cp-true` keeps).
    pub fn icc_only(&self) -> Metadata {
        Metadata {
            icc: self.icc.clone(),
            ..Metadata::default()
        }
    }
}
