//! One integration-test binary, one module per area.

mod bombs;
mod codec;
mod corpus;
mod encode;
mod engine;
mod ffi;
mod odd;
mod ops;
mod plan;
mod sniff;
mod spec;
