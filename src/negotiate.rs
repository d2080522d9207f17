//! `negotiate`: which format to deliver — `f-…` if given, else `f-auto` from the client's
//! `Accept` header and the picture, else the input's own format.
//!
//! `f-auto` (reference §3.2): WebP when `Accept` lists `image/webp`; AVIF before it when
//! `Accept` lists `image/avif` **and** the engine's `auto_avif` is on (and no `e-usm`/`cp-true`
//! asks otherwise); pictures with transparency only go to alpha-capable formats; with neither
//! WebP nor AVIF acceptable (or no `Accept` at all, as in native apps) the result is PNG for
//! pictures with transparency and JPEG otherwise — so an opaque PNG may become JPEG.
//! ImageKit picks "the smallest" among the eligible formats by encoding each; pixform is
//! deterministic and prefers AVIF > WebP > JPEG/PNG, which is what that rule picks for photos.

use crate::format::OutputFormat;

/// What the input was, as far as format choice cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Picture {
    /// Whether any pixel is transparent.
    pub has_alpha: bool,
    /// The input's own format, when it is one pixform can write.
    pub input_format: Option<OutputFormat>,
}

/// The caller's explicit request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// A concrete format (`f-jpg`, …).
    Exact(OutputFormat),
    /// `f-auto`, or no `f` with auto-format on.
    Auto,
    /// `f-orig`, or no `f` with auto-format off.
    Original,
}

/// Settings that shape the automatic choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Policy {
    /// Whether `f-auto` may pick AVIF (ImageKit: off by default).
    pub auto_avif: bool,
    /// Whether the transformation rules AVIF out (`e-usm`, `cp-true`).
    pub avif_excluded: bool,
}

/// Whether an `Accept` header lists `mime` with a non-zero quality.
///
/// Wildcards (`*/*`, `image/*`) do not count: browsers send them to everything, so only
/// an explicit entry proves support (the rule CDNs follow).
pub fn accepts(accept: &str, mime: &str) -> bool {
    accept.split(',').any(|entry| {
        let mut parts = entry.split(';');
        let ty = parts.next().unwrap_or("").trim();
        if !ty.eq_ignore_ascii_case(mime) {
            return false;
        }
        // `q=0` means "not acceptable".
        !parts.any(|p| {
            let p = p.trim();
            p.strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        })
    })
}

/// Picks the output format and says why.
pub fn choose(
    wanted: Wanted,
    accept: Option<&str>,
    picture: Picture,
    policy: Policy,
) -> (OutputFormat, String) {
    match wanted {
        Wanted::Exact(f) => (f, format!("f-{} requested", f.extension())),
        Wanted::Original => match picture.input_format {
            Some(f) => (f, "input format kept".to_string()),
            None => automatic(accept, picture, policy, "input format cannot be written; "),
        },
        Wanted::Auto => automatic(accept, picture, policy, ""),
    }
}

fn automatic(
    accept: Option<&str>,
    picture: Picture,
    policy: Policy,
    prefix: &str,
) -> (OutputFormat, String) {
    let accept_str = accept.unwrap_or("");
    if policy.auto_avif && !policy.avif_excluded && accepts(accept_str, "image/avif") {
        return (
            OutputFormat::Avif,
            format!("{prefix}auto: client accepts image/avif"),
        );
    }
    if accepts(accept_str, "image/webp") {
        return (
            OutputFormat::Webp,
            format!("{prefix}auto: client accepts image/webp"),
        );
    }
    let why = if accept.is_none() {
        "no Accept header"
    } else {
        "client accepts neither WebP nor AVIF"
    };
    if picture.has_alpha {
        (
            OutputFormat::Png,
            format!("{prefix}auto: {why}; transparency needs PNG"),
        )
    } else {
        (
            OutputFormat::Jpeg,
            format!("{prefix}auto: {why}; opaque picture as JPEG"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OutputFormat::*;

    const CHROME: &str = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8";
    const SAFARI_OLD: &str = "image/png,image/svg+xml,image/*;q=0.8,video/*;q=0.8,*/*;q=0.5";
    const WEBP_ONLY: &str = "image/webp,*/*";

    fn pic(has_alpha: bool) -> Picture {
        Picture {
            has_alpha,
            input_format: Some(Png),
        }
    }

    #[test]
    fn accept_times_alpha_table() {
        let off = Policy::default();
        let on = Policy {
            auto_avif: true,
            avif_excluded: false,
        };
        let excluded = Policy {
            auto_avif: true,
            avif_excluded: true,
        };
        let table: &[(Option<&str>, bool, Policy, OutputFormat)] = &[
            (Some(CHROME), false, off, Webp),
            (Some(CHROME), true, off, Webp),
            (Some(CHROME), false, on, Avif),
            (Some(CHROME), true, on, Avif),
            (Some(CHROME), false, excluded, Webp),
            (Some(WEBP_ONLY), false, on, Webp),
            (Some(SAFARI_OLD), false, on, Jpeg),
            (Some(SAFARI_OLD), true, on, Png),
            (None, false, off, Jpeg),
            (None, true, off, Png),
            (Some("image/webp;q=0"), false, off, Jpeg),
        ];
        for &(accept, alpha, policy, expected) in table {
            let (got, why) = choose(Wanted::Auto, accept, pic(alpha), policy);
            assert_eq!(
                got, expected,
                "accept={accept:?} alpha={alpha} policy={policy:?} ({why})"
            );
        }
    }

    #[test]
    fn explicit_and_original() {
        let (f, _) = choose(
            Wanted::Exact(Gif),
            Some(CHROME),
            pic(false),
            Policy::default(),
        );
        assert_eq!(f, Gif);
        let (f, why) = choose(
            Wanted::Original,
            Some(CHROME),
            pic(false),
            Policy::default(),
        );
        assert_eq!((f, why.as_str()), (Png, "input format kept"));
        let bmp = Picture {
            has_alpha: false,
            input_format: None,
        };
        let (f, _) = choose(Wanted::Original, None, bmp, Policy::default());
        assert_eq!(f, Jpeg);
    }

    #[test]
    fn wildcards_do_not_prove_support() {
        assert!(!accepts("*/*", "image/webp"));
        assert!(!accepts("image/*", "image/webp"));
        assert!(accepts("text/html, image/WebP ;q=0.9", "image/webp"));
    }
}
