//! `ops`: pixel operations on [`Frame`](crate::Frame)s. They take concrete numbers and never
//! read `spec` types.
