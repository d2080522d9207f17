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

/// Strict or lenient handling of unknown keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// Unknown keys are errors (default).
    #[default]
    Strict,
    /// Unknown keys are kept as [`UnknownParam`]s.
    Lenient,
}

/// Options for [`parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ParseOptions {
    /// Strict or lenient.
    pub mode: Mode,
}

/// Parses a transformation in path (`tr:…`), query (`tr=…`) or bare form (stub).
///
/// # Errors
/// [`SpecError`] with the offset and token.
pub fn parse(input: &str, options: &ParseOptions) -> Result<Transform, SpecError> {
    let _ = options;
    Err(SpecError {
        offset: 0,
        token: input.chars().take(16).collect(),
        reason: "parser not implemented yet".into(),
    })
}

impl std::str::FromStr for Transform {
    type Err = SpecError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s, &ParseOptions::default())
    }
}

impl std::fmt::Display for Transform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let _ = &self.steps;
        f.write_str("")
    }
}

/// Why a signed URL does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// No `ik-s` parameter.
    #[error("the URL carries no signature")]
    Missing,
    /// The signature does not match.
    #[error("the signature does not match")]
    Mismatch,
    /// `ik-t` is in the past.
    #[error("the URL expired at {0}")]
    Expired(u64),
    /// The URL does not start with the endpoint, or `ik-t` is not a number.
    #[error("malformed signed URL: {0}")]
    Malformed(String),
}

/// Signs `url` (which starts with `endpoint`) ImageKit's way (stub).
///
/// `expires_at` is Unix seconds; `None` means never (9999999999).
///
/// # Errors
/// [`SignError::Malformed`] when `url` does not start with `endpoint`.
pub fn sign_url(
    url: &str,
    endpoint: &str,
    private_key: &str,
    expires_at: Option<u64>,
) -> Result<String, SignError> {
    let _ = (url, endpoint, private_key, expires_at);
    Err(SignError::Malformed("signing not implemented yet".into()))
}

/// Verifies a signed URL at time `now` (Unix seconds) (stub).
///
/// # Errors
/// [`SignError`] saying why it does not verify.
pub fn verify_url(url: &str, endpoint: &str, private_key: &str, now: u64) -> Result<(), SignError> {
    let _ = (url, endpoint, private_key, now);
    Err(SignError::Malformed(
        "verification not implemented yet".into(),
    ))
}
