//! pixform: an embeddable image-transformation engine speaking ImageKit's URL
//! transformation language (`tr:w-300,h-300,c-at_max:rt-90`).
//!
//! Modules (dependencies point one way: `ffi` → `engine` → {`codec`, `ops`, `negotiate`} →
//! {`format`, `plan`, `sniff`, `spec`}; docs/ARCHITECTURE.md draws it):
//! - [`spec`]: transformation strings ⇄ typed values, canonical printing, URL signing;
//! - [`sniff`]: what bytes really are;
//! - [`format`]: the format table (what decodes, what each kind maps to);
//! - [`plan`]: pure geometry;
//! - [`codec`]: decode (with shrink-on-load) and encode;
//! - [`ops`]: pixel operations on [`Frame`]s;
//! - [`engine`]: one request end to end;
//! - `ffi`: the C ABI (`include/pixform.h`), behind the default-on `ffi` feature.
#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod codec;
pub mod color;
pub mod engine;
mod error;
#[cfg(feature = "ffi")]
pub mod ffi;
pub mod format;
mod frame;
mod frame16;
pub mod negotiate;
pub mod ops;
pub mod plan;
mod pool;
pub mod sniff;
pub mod spec;

pub use engine::{Config, Engine, Limits, Output, Report, Request};
pub use error::{Category, Error, Limit, Result};
pub use frame::{byte_len, luma, Frame, PixelLayout};
pub use frame16::{Frame16, Pixels};
pub use spec::Transform;
