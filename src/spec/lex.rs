//! Input forms, percent-decoding and splitting into items.

use super::{SpecError, SpecErrorKind};

/// The chain text to parse, with a way back to offsets in the caller's input.
pub(crate) struct Source {
    /// The chain (query form: already percent-decoded).
    pub text: String,
    /// Query form: input offset of each byte of `text` (plus one past the end).
    map: Option<Vec<usize>>,
    /// Path/bare form: input offset of `text[0]`.
    base: usize,
    /// Whether free-text values still need percent-decoding (path and bare forms).
    pub decode_values: bool,
}

impl Source {
    /// Input offset of byte `i` of `text`.
    pub fn offset(&self, i: usize) -> usize {
        match &self.map {
            Some(m) => m.get(i).or(m.last()).copied().unwrap_or(0),
            None => self.base + i,
        }
    }
}

/// How a token was introduced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sep {
    /// First token of the chain.
    Start,
    /// After `,`.
    Comma,
    /// After `:`.
    Colon,
}

/// One item of the chain: `text[start..end]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tok {
    pub start: usize,
    pub end: usize,
    pub sep: Sep,
}

/// Recognises the form of `input` and returns the chain to split.
pub(crate) fn source(input: &str) -> Result<Source, SpecError> {
    let (rest, base) = match input.strip_prefix('/') {
        Some(r) if r.starts_with("tr:") => (r, 1),
        _ => (input, 0),
    };
    if let Some(chain) = rest.strip_prefix("tr:") {
        let base = base + 3;
        let chain = match chain.find('/') {
            Some(i) => {
                let after = chain.get(i + 1..).unwrap_or("");
                if !after.is_empty() {
                    return Err(SpecError::new(
                        SpecErrorKind::Syntax,
                        base + i,
                        after,
                        "the path form ends at `/`: pass only the `tr:` segment",
                    ));
                }
                chain.get(..i).unwrap_or("")
            }
            None => chain,
        };
        return Ok(Source {
            text: chain.to_owned(),
            map: None,
            base,
            decode_values: true,
        });
    }
    let query = if let Some(q) = input.strip_prefix("?tr=") {
        Some((q, 4))
    } else {
        input.strip_prefix("tr=").map(|q| (q, 3))
    };
    if let Some((q, base)) = query {
        if let Some(i) = q.find('&') {
            return Err(SpecError::new(
                SpecErrorKind::Syntax,
                base + i,
                q.get(i..).unwrap_or(""),
                "the query form takes the value of `tr` only; a raw `&` ends it",
            ));
        }
        let (bytes, mut map) = decode_bytes(q, base)?;
        map.push(base + q.len());
        let text = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let off = map.get(at).copied().unwrap_or(base);
            SpecError::new(
                SpecErrorKind::Encoding,
                off,
                input.get(off..).unwrap_or(""),
                "percent-decoded bytes are not UTF-8",
            )
        })?;
        return Ok(Source {
            text,
            map: Some(map),
            base,
            decode_values: false,
        });
    }
    Ok(Source {
        text: input.to_owned(),
        map: None,
        base: 0,
        decode_values: true,
    })
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes `s`; returns the bytes and, for each, its offset (`base` + index in `s`).
fn decode_bytes(s: &str, base: usize) -> Result<(Vec<u8>, Vec<usize>), SpecError> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut map = Vec::with_capacity(b.len() + 1);
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let hi = b.get(i + 1).copied().and_then(hex_val);
            let lo = b.get(i + 2).copied().and_then(hex_val);
            match (hi, lo) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    map.push(base + i);
                    i += 3;
                }
                _ => {
                    let end = (i + 3).min(b.len());
                    return Err(SpecError::new(
                        SpecErrorKind::Encoding,
                        base + i,
                        s.get(i..end).unwrap_or("%"),
                        "`%` must be followed by two hex digits",
                    ));
                }
            }
        } else {
            out.push(c);
            map.push(base + i);
            i += 1;
        }
    }
    Ok((out, map))
}

/// Percent-decodes one value; `offset` is the value's input offset (for errors).
pub(crate) fn decode_value(s: &str, offset: usize) -> Result<String, SpecError> {
    if !s.contains('%') {
        return Ok(s.to_owned());
    }
    let (bytes, _) = decode_bytes(s, offset)?;
    String::from_utf8(bytes).map_err(|_| {
        SpecError::new(
            SpecErrorKind::Encoding,
            offset,
            s,
            "percent-decoded bytes are not UTF-8",
        )
    })
}

/// Splits the chain at every `,` and `:` (the structure is rebuilt by the parser).
pub(crate) fn tokens(text: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut start = 0;
    let mut sep = Sep::Start;
    for (i, c) in text.bytes().enumerate() {
        let next = match c {
            b',' => Sep::Comma,
            b':' => Sep::Colon,
            _ => continue,
        };
        toks.push(Tok { start, end: i, sep });
        start = i + 1;
        sep = next;
    }
    toks.push(Tok {
        start,
        end: text.len(),
        sep,
    });
    toks
}
