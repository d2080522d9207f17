//! `plan`: pure geometry. Sizes in, rectangles out; no pixels.

/// Why a step's geometry cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// Placeholder until the geometry lands.
    #[error("geometry error: {0}")]
    Other(String),
}
