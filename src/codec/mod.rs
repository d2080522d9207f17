//! `codec`: decoding (with shrink-on-load), encoding and metadata.

pub mod decode;
pub mod encode;
pub mod jpeg_dc;
mod jpeg_enc;
pub mod metadata;
