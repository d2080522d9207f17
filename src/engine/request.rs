//! [`Request`]: what one call brings besides the bytes and the transformation — the
//! client's headers (`Accept`, client hints, `Save-Data`), named transformations, a deadline
//! and an output-format hint.

use std::sync::Arc;
use std::time::Instant;

use crate::format::OutputFormat;
use crate::spec::NamedTransforms;

/// Per-request inputs besides the bytes and the transformation.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The client's `Accept` header, for `f-auto`.
    pub accept: Option<String>,
    /// `Sec-CH-Width`, for `w-auto`.
    pub width_hint: Option<u32>,
    /// `Sec-CH-DPR`, for `dpr-auto`.
    pub dpr_hint: Option<f64>,
    /// `Save-Data: on`: with [`crate::Config::save_data_quality`] set, a transformation
    /// without `q` is encoded at that quality (ImageKit's data saver).
    pub save_data: bool,
    /// Named transformations for `n-…`.
    pub named: Option<Arc<NamedTransforms>>,
    /// Give up with [`crate::Error::DeadlineExceeded`] after this instant.
    pub deadline: Option<Instant>,
    /// The format to write when the transformation has no `f` (e.g. from the output
    /// file's extension); an `f-…` in the transformation still wins. `None`: `f-auto` or
    /// the input's format, as [`crate::Config::auto_format`] says.
    pub format: Option<OutputFormat>,
}

impl Request {
    /// Sets the `Accept` header.
    pub fn accept(mut self, accept: impl Into<String>) -> Self {
        self.accept = Some(accept.into());
        self
    }
    /// Sets the `Sec-CH-Width` hint.
    pub fn width_hint(mut self, width: u32) -> Self {
        self.width_hint = Some(width);
        self
    }
    /// Sets the `Sec-CH-DPR` hint.
    pub fn dpr_hint(mut self, dpr: f64) -> Self {
        self.dpr_hint = Some(dpr);
        self
    }
    /// Sets `Save-Data`.
    pub fn save_data(mut self, on: bool) -> Self {
        self.save_data = on;
        self
    }
    /// Sets the named-transformation registry.
    pub fn named(mut self, named: Arc<NamedTransforms>) -> Self {
        self.named = Some(named);
        self
    }
    /// Sets the output-format hint (used when the transformation has no `f`).
    pub fn format(mut self, format: OutputFormat) -> Self {
        self.format = Some(format);
        self
    }
    /// Sets the deadline.
    pub fn deadline(mut self, deadline: Instant) -> Self {
        self.deadline = Some(deadline);
        self
    }
}
