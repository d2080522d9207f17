//! `spec`: ImageKit transformation strings ⇄ typed values, and URL signing.
//!
//! Pure: no pixels, no codecs, no I/O.

mod types;

pub use types::*;

/// Where and why a transformation string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at byte {offset}, `{token}`: {reason}")]
pub struct SpecError {
    /// Byte offset of the offending token in the input string.
    pub offset: usize,
    /// The offending token.
    pub token: String,
    /// What was expected, or why the token is refused.
    pub reason: String,
}

/// Host-supplied named transformations (`n-name` → chain).
///
/// Names are case-sensitive and use letters, digits and `_` only.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NamedTransforms {
    entries: std::collections::BTreeMap<String, Transform>,
}

impl NamedTransforms {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Looks a name up.
    pub fn get(&self, name: &str) -> Option<&Transform> {
        self.entries.get(name)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the registry is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
