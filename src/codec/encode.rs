//! Encoding a [`Frame`](crate::Frame) to JPEG, PNG, WebP, AVIF or GIF.

/// JPEG chroma subsampling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChromaSubsampling {
    /// Full-resolution chroma.
    Yuv444,
    /// Chroma halved horizontally.
    Yuv422,
    /// Chroma halved both ways (smallest files; what libjpeg and most peers use).
    Yuv420,
}

/// PNG compression effort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PngCompression {
    /// Fastest, largest.
    Fastest,
    /// Fast: about 30× quicker than `Balanced` for under 1 % more bytes (the default).
    Fast,
    /// zlib's default level.
    Balanced,
    /// Smallest, slowest.
    High,
}

/// Output formats pixform encodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// WebP.
    Webp,
    /// AVIF.
    Avif,
    /// GIF.
    Gif,
}

impl OutputFormat {
    /// The MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            OutputFormat::Jpeg => "image/jpeg",
            OutputFormat::Png => "image/png",
            OutputFormat::Webp => "image/webp",
            OutputFormat::Avif => "image/avif",
            OutputFormat::Gif => "image/gif",
        }
    }
    /// The canonical file extension.
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Jpeg => "jpg",
            OutputFormat::Png => "png",
            OutputFormat::Webp => "webp",
            OutputFormat::Avif => "avif",
            OutputFormat::Gif => "gif",
        }
    }
    /// Whether the format stores alpha.
    pub fn supports_alpha(self) -> bool {
        !matches!(self, OutputFormat::Jpeg)
    }
}
