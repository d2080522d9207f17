//! codec::encode
