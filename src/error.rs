//! The one public error type and its stable categories.
//!
//! Each [`Error`] maps once, here, to a [`Category`]; the category gives the C status
//! (in `ffi`), the HTTP status a host would send and the command-line exit code.

use crate::plan::PlanError;
use crate::spec::SpecError;

/// Everything that can go wrong in pixform.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The transformation string does not parse (carries offset, token, expectation).
    #[error("invalid transformation: {0}")]
    InvalidTransform(#[from] SpecError),
    /// The transformation parses but cannot apply to this image (e.g. an extract window
    /// outside the picture).
    #[error("transformation cannot be applied: {0}")]
    Geometry(#[from] PlanError),
    /// A valid key that this engine does not perform (AI, video, text layers, …).
    #[error("unsupported transformation `{key}`: {reason}")]
    UnsupportedTransform {
        /// The key as written, e.g. `e-bgremove`.
        key: String,
        /// Why it is not performed.
        reason: String,
    },
    /// The bytes are of a kind pixform does not transform (PDF, video, unknown…).
    #[error("unsupported media: {0}")]
    UnsupportedMedia(String),
    /// The bytes claim a supported format but cannot be decoded (truncated, corrupt).
    #[error("cannot decode {format}: {reason}")]
    Undecodable {
        /// The format that was being decoded.
        format: &'static str,
        /// What the decoder said.
        reason: String,
    },
    /// A configured limit would be exceeded.
    #[error("limit exceeded: {limit} is {actual}, the maximum is {max}")]
    LimitExceeded {
        /// Which limit.
        limit: Limit,
        /// The value found (bytes, pixels, px…).
        actual: u64,
        /// The configured maximum.
        max: u64,
    },
    /// The encoder refused or failed.
    #[error("cannot encode {format}: {reason}")]
    Encode {
        /// The output format.
        format: &'static str,
        /// Why.
        reason: String,
    },
    /// The request's deadline passed before the work finished.
    #[error("deadline exceeded")]
    DeadlineExceeded,
    /// A caller passed an invalid argument (null pointer, bad UTF-8, bad config).
    #[error("invalid argument: {0}")]
    BadArgument(String),
}

/// The limits pixform enforces, named in [`Error::LimitExceeded`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Limit {
    /// Input size in bytes.
    InputBytes,
    /// Input pixels (width × height, per frame).
    InputPixels,
    /// Output pixels of a step or of the result.
    OutputPixels,
    /// One side in pixels.
    Dimension,
    /// One side of a WebP output (16383).
    WebpDimension,
    /// Frames of an animation.
    Frames,
    /// Bytes of decoded pixel memory for one request.
    DecodedBytes,
    /// Metadata (EXIF/ICC/XMP) bytes.
    MetadataBytes,
    /// Length of a transformation string in bytes.
    TransformLength,
    /// Elements of a vector picture once every `<use>` is expanded.
    VectorElements,
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Limit::InputBytes => "input size (bytes)",
            Limit::InputPixels => "input pixels",
            Limit::OutputPixels => "output pixels",
            Limit::Dimension => "image side (px)",
            Limit::WebpDimension => "WebP side (px)",
            Limit::Frames => "frame count",
            Limit::DecodedBytes => "decoded pixel memory (bytes)",
            Limit::MetadataBytes => "metadata size (bytes)",
            Limit::TransformLength => "transformation length (bytes)",
            Limit::VectorElements => "vector elements (after <use> expansion)",
        })
    }
}

/// Stable error categories (DESIGN §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// Bad transformation string or a geometry that cannot apply.
    InvalidTransform,
    /// A valid key the engine does not perform.
    UnsupportedTransform,
    /// Input of a kind that is not transformed.
    UnsupportedMedia,
    /// Input that cannot be decoded.
    Undecodable,
    /// A configured limit.
    LimitExceeded,
    /// Encoder failure.
    Encode,
    /// Deadline passed.
    DeadlineExceeded,
    /// Invalid argument from the caller.
    BadArgument,
}

impl Error {
    /// The error's stable category.
    pub fn category(&self) -> Category {
        match self {
            Error::InvalidTransform(_) | Error::Geometry(_) => Category::InvalidTransform,
            Error::UnsupportedTransform { .. } => Category::UnsupportedTransform,
            Error::UnsupportedMedia(_) => Category::UnsupportedMedia,
            Error::Undecodable { .. } => Category::Undecodable,
            Error::LimitExceeded { .. } => Category::LimitExceeded,
            Error::Encode { .. } => Category::Encode,
            Error::DeadlineExceeded => Category::DeadlineExceeded,
            Error::BadArgument(_) => Category::BadArgument,
        }
    }

    /// The HTTP status a host would answer with.
    pub fn http_status(&self) -> u16 {
        match self.category() {
            Category::InvalidTransform | Category::BadArgument => 400,
            Category::UnsupportedTransform => 501,
            Category::UnsupportedMedia => 415,
            Category::Undecodable => 422,
            Category::LimitExceeded => match self {
                Error::LimitExceeded {
                    limit: Limit::InputBytes,
                    ..
                } => 413,
                _ => 400,
            },
            Category::Encode => 500,
            Category::DeadlineExceeded => 503,
        }
    }

    /// The command-line tool's exit code: 2 invalid transformation, 3 unsupported or
    /// undecodable input, 4 limit exceeded, 5 encode failure, 1 anything else.
    pub fn exit_code(&self) -> i32 {
        match self.category() {
            Category::InvalidTransform | Category::UnsupportedTransform => 2,
            Category::UnsupportedMedia | Category::Undecodable => 3,
            Category::LimitExceeded => 4,
            Category::Encode => 5,
            Category::DeadlineExceeded | Category::BadArgument => 1,
        }
    }
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
