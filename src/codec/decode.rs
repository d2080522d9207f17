//! codec::decode
