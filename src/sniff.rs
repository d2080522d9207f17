//! `sniff`: what a byte string really is, from its bytes alone.

/// Broad families of media.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// Raster images.
    Image,
    /// Vector images (SVG).
    Vector,
    /// Video.
    Video,
    /// Audio.
    Audio,
    /// Documents (PDF, office files).
    Document,
    /// Archives.
    Archive,
    /// Anything else.
    Other,
}

/// What the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MediaType {
    /// MIME type, e.g. `image/png`.
    pub mime: &'static str,
    /// Canonical extension without a dot, e.g. `png`.
    pub extension: &'static str,
    /// Family.
    pub family: Family,
    /// Whether the file is animated, when cheap to tell (`None`: not known).
    pub animated: Option<bool>,
    /// Whether pixform can decode it.
    pub decodable: bool,
}

/// Sniffs `bytes` (stub until the sniffer lands).
pub fn sniff(bytes: &[u8]) -> Option<MediaType> {
    let _ = bytes;
    None
}
