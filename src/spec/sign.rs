//! ImageKit signed URLs (reference §7.3): HMAC-SHA1 over `rel + expiry`.

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// The expiry ImageKit signs when a URL never expires.
pub(crate) const NEVER: u64 = 9_999_999_999;

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

fn endpoint_slash(endpoint: &str) -> String {
    let mut e = endpoint.to_owned();
    if !e.ends_with('/') {
        e.push('/');
    }
    e
}

fn mac(key: &str, rel: &str, expiry: u64) -> Result<Hmac<Sha1>, SignError> {
    // HMAC takes keys of any length, so this error cannot happen; it is mapped, not unwrapped.
    let mut m = Hmac::<Sha1>::new_from_slice(key.as_bytes())
        .map_err(|_| SignError::Malformed("the private key is not a valid HMAC key".into()))?;
    m.update(rel.as_bytes());
    m.update(expiry.to_string().as_bytes());
    Ok(m)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    s.as_bytes()
        .chunks(2)
        .map(|c| {
            let d = |b: u8| char::from(b).to_digit(16);
            let hi = d(*c.first()?)?;
            let lo = d(*c.get(1)?)?;
            u8::try_from(hi * 16 + lo).ok()
        })
        .collect()
}

/// Signs `url` (which starts with `endpoint`) ImageKit's way.
///
/// `endpoint` is normalised to end with `/`; the signed message is the rest of the URL
/// (`tr:…/path?query`, exactly as it will be requested, already percent-encoded) followed by
/// the expiry in Unix seconds, or `9999999999` when `expires_at` is `None`. `ik-t` is
/// appended only when the URL expires, then `ik-s` (lowercase hex).
///
/// # Errors
/// [`SignError::Malformed`] when `url` does not start with `endpoint`, or already carries
/// `ik-s`/`ik-t`.
pub fn sign_url(
    url: &str,
    endpoint: &str,
    private_key: &str,
    expires_at: Option<u64>,
) -> Result<String, SignError> {
    let ep = endpoint_slash(endpoint);
    let rel = url
        .strip_prefix(&ep)
        .ok_or_else(|| SignError::Malformed(format!("the URL does not start with `{ep}`")))?;
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    if query
        .split('&')
        .any(|kv| kv.starts_with("ik-s=") || kv.starts_with("ik-t="))
    {
        return Err(SignError::Malformed("the URL is already signed".into()));
    }
    let expiry = expires_at.unwrap_or(NEVER);
    let sig = hex(&mac(private_key, rel, expiry)?.finalize().into_bytes());
    let sep = if url.contains('?') { '&' } else { '?' };
    Ok(if expiry == NEVER {
        format!("{url}{sep}ik-s={sig}")
    } else {
        format!("{url}{sep}ik-t={expiry}&ik-s={sig}")
    })
}

/// Verifies a signed URL at time `now` (Unix seconds).
///
/// `ik-s` and `ik-t` are removed wherever they sit in the query (the SDKs differ in order),
/// the rest is signed as in [`sign_url`] and compared in constant time (hex case-insensitive).
/// The signature is checked before the expiry.
///
/// # Errors
/// [`SignError::Missing`] without `ik-s`; [`SignError::Malformed`] when the URL does not
/// start with the endpoint or `ik-s`/`ik-t` repeat or `ik-t` is not a number;
/// [`SignError::Mismatch`]; [`SignError::Expired`] when `now > ik-t`.
pub fn verify_url(url: &str, endpoint: &str, private_key: &str, now: u64) -> Result<(), SignError> {
    let url = url.split_once('#').map_or(url, |(u, _)| u);
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let mut sig = None;
    let mut t = None;
    let mut kept: Vec<&str> = Vec::new();
    for kv in query.into_iter().flat_map(|q| q.split('&')) {
        if let Some(v) = kv.strip_prefix("ik-s=") {
            if sig.replace(v).is_some() {
                return Err(SignError::Malformed("`ik-s` appears twice".into()));
            }
        } else if let Some(v) = kv.strip_prefix("ik-t=") {
            if t.replace(v).is_some() {
                return Err(SignError::Malformed("`ik-t` appears twice".into()));
            }
        } else {
            kept.push(kv);
        }
    }
    let sig = sig.ok_or(SignError::Missing)?;
    let expiry = match t {
        Some(v) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => v
            .parse::<u64>()
            .map_err(|_| SignError::Malformed("`ik-t` is out of range".into()))?,
        Some(_) => return Err(SignError::Malformed("`ik-t` is not a number".into())),
        None => NEVER,
    };
    let mut signed = base.to_owned();
    if !kept.is_empty() {
        signed.push('?');
        signed.push_str(&kept.join("&"));
    }
    let ep = endpoint_slash(endpoint);
    let rel = signed
        .strip_prefix(&ep)
        .ok_or_else(|| SignError::Malformed(format!("the URL does not start with `{ep}`")))?;
    let given = unhex(sig).ok_or(SignError::Mismatch)?;
    mac(private_key, rel, expiry)?
        .verify_slice(&given)
        .map_err(|_| SignError::Mismatch)?;
    if t.is_some() && now > expiry {
        return Err(SignError::Expired(expiry));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
        assert_eq!(unhex("000FfF"), Some(vec![0, 15, 255]));
        assert_eq!(unhex("0g"), None);
        assert_eq!(unhex("abc"), None);
    }
}
