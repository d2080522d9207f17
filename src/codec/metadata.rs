//! codec::metadata
