//! codec::jpeg_dc
