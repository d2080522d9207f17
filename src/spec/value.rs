//! Parsers for single values. Each returns the reason text on failure; the caller adds the
//! offset and token.

use super::colors;
use super::types::*;

/// Result of a value parser: the reason on failure.
pub(crate) type VResult<T> = Result<T, String>;

/// `[A-Za-z0-9_]+`.
pub(crate) fn is_valid_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `digits[.digits]`, finite.
pub(crate) fn number(s: &str) -> Option<f64> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    if !is_digits(int) || frac.is_some_and(|f| !is_digits(f)) {
        return None;
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// `[N]digits[.digits]`; `N0` is `0`.
pub(crate) fn signed_number(s: &str) -> Option<f64> {
    match s.strip_prefix('N') {
        Some(rest) => number(rest).map(|v| if v == 0.0 { 0.0 } else { -v }),
        None => number(s),
    }
}

/// Whole number in `lo..=hi`.
pub(crate) fn uint(s: &str, lo: u64, hi: u64, what: &str) -> VResult<u64> {
    if !is_digits(s) {
        return Err(format!("expected {what}: a whole number {lo}–{hi}"));
    }
    match s.parse::<u64>() {
        Ok(v) if (lo..=hi).contains(&v) => Ok(v),
        _ => Err(format!("{what} must be a whole number {lo}–{hi}")),
    }
}

pub(crate) fn u8_in(s: &str, lo: u8, hi: u8, what: &str) -> VResult<u8> {
    uint(s, lo.into(), hi.into(), what).map(|v| u8::try_from(v).unwrap_or(hi))
}

pub(crate) fn u32_in(s: &str, lo: u32, hi: u32, what: &str) -> VResult<u32> {
    uint(s, lo.into(), hi.into(), what).map(|v| u32::try_from(v).unwrap_or(hi))
}

/// `[N]digits` as a whole number within ±`max`.
pub(crate) fn signed_int(s: &str, max: i64, what: &str) -> VResult<i64> {
    let (neg, digits) = match s.strip_prefix('N') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let err = || format!("expected {what}: a whole number, `N` for negative, within ±{max}");
    if !is_digits(digits) {
        return Err(err());
    }
    let v = digits.parse::<i64>().map_err(|_| err())?;
    if v > max {
        return Err(err());
    }
    Ok(if neg { -v } else { v })
}

pub(crate) fn boolean(s: &str) -> VResult<bool> {
    match s {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err("expected `true` or `false`".into()),
    }
}

fn var(s: &str) -> Option<Var> {
    Some(match s {
        "iw" => Var::Iw,
        "ih" => Var::Ih,
        "iar" => Var::Iar,
        "cw" => Var::Cw,
        "ch" => Var::Ch,
        "car" => Var::Car,
        "bw" => Var::Bw,
        "bh" => Var::Bh,
        "bar" => Var::Bar,
        _ => return None,
    })
}

fn op(s: &str) -> Option<Op> {
    Some(match s {
        "add" => Op::Add,
        "sub" => Op::Sub,
        "mul" => Op::Mul,
        "div" => Op::Div,
        "mod" => Op::Mod,
        "pow" => Op::Pow,
        _ => return None,
    })
}

fn operand(s: &str) -> Option<Operand> {
    var(s)
        .map(Operand::Var)
        .or_else(|| number(s).map(Operand::Number))
}

/// `operand(_op_operand)*` with at most `max` operands. A bare number is refused (callers
/// handle plain numbers themselves), so every parsed expression has a variable or an
/// operator.
pub(crate) fn expr(s: &str, max: usize) -> VResult<Expr> {
    let bad = || {
        format!(
            "expected a number or an expression `operand_op_operand…` \
             (operands: non-negative numbers or iw ih iar cw ch car bw bh bar; \
             ops: add sub mul div mod pow), got `{s}`"
        )
    };
    let mut parts = s.split('_');
    let first = parts.next().and_then(operand).ok_or_else(bad)?;
    let mut rest = Vec::new();
    while let Some(o) = parts.next() {
        let o = op(o).ok_or_else(bad)?;
        let x = parts.next().and_then(operand).ok_or_else(bad)?;
        if rest.len() + 2 > max {
            return Err(format!("an expression may have at most {max} operands"));
        }
        rest.push((o, x));
    }
    if rest.is_empty() && matches!(first, Operand::Number(_)) {
        return Err(bad());
    }
    Ok(Expr { first, rest })
}

pub(crate) fn dim(s: &str, allow_auto: bool, max_ops: usize) -> VResult<Dim> {
    if s == "auto" {
        return if allow_auto {
            Ok(Dim::Auto)
        } else {
            Err("`auto` is only documented for `w`".into())
        };
    }
    if let Some(v) = number(s) {
        if v > 0.0 && v < 1.0 {
            return Ok(Dim::Fraction(v));
        }
        // Whole and within u32: exact, so the cast below is lossless.
        if v >= 1.0 && v.fract() == 0.0 && v <= f64::from(u32::MAX) {
            return Ok(Dim::Px(v as u32));
        }
        return Err(
            "expected whole pixels ≥ 1, a fraction strictly between 0 and 1, or an expression"
                .into(),
        );
    }
    expr(s, max_ops).map(Dim::Expr)
}

pub(crate) fn coord(s: &str, min: u32, max_ops: usize) -> VResult<Coord> {
    if is_digits(s) {
        return u32_in(s, min, u32::MAX, "pixels").map(Coord::Px);
    }
    if number(s).is_some() {
        return Err("expected whole pixels or an expression".into());
    }
    expr(s, max_ops).map(Coord::Expr)
}

pub(crate) fn signed_coord(s: &str, max_ops: usize) -> VResult<SignedCoord> {
    let digits = s.strip_prefix('N').unwrap_or(s);
    if is_digits(digits) {
        return signed_int(s, i64::from(u32::MAX), "pixels").map(SignedCoord::Px);
    }
    expr(s, max_ops).map(SignedCoord::Expr)
}

pub(crate) fn aspect_ratio(s: &str, max_ops: usize) -> VResult<AspectRatio> {
    if let Some((a, b)) = s.split_once(['-', '_']) {
        if let (Some(w), Some(h)) = (number(a), number(b)) {
            if w > 0.0 && h > 0.0 {
                return Ok(AspectRatio::Ratio(w, h));
            }
            return Err("aspect ratio terms must be positive".into());
        }
    }
    if number(s).is_some() {
        return Err("expected `W-H` (or `W_H`) or an expression".into());
    }
    expr(s, max_ops)
        .map(AspectRatio::Expr)
        .map_err(|e| format!("expected `W-H` (or `W_H`); {e}"))
}

pub(crate) fn dpr(s: &str, max_ops: usize) -> VResult<Dpr> {
    if s == "auto" {
        return Ok(Dpr::Auto);
    }
    if let Some(v) = number(s) {
        return if (0.1..=5.0).contains(&v) {
            Ok(Dpr::Value(v))
        } else {
            Err("dpr must be 0.1–5, `auto` or an expression".into())
        };
    }
    expr(s, max_ops).map(Dpr::Expr)
}

pub(crate) fn crop(s: &str) -> VResult<Crop> {
    Ok(match s {
        "maintain_ratio" => Crop::MaintainRatio,
        "maintain_ratio_no_enlarge" => Crop::MaintainRatioNoEnlarge,
        "force" => Crop::Force,
        "at_max" => Crop::AtMax,
        "at_max_enlarge" => Crop::AtMaxEnlarge,
        "at_least" => Crop::AtLeast,
        "pad_resize"
        | "pad_resize_no_enlarge"
        | "extract"
        | "pad_extract"
        | "pad_extract_no_shrink" => {
            return Err(format!("`{s}` is a crop mode: write `cm-{s}`"));
        }
        _ => {
            return Err(
                "expected maintain_ratio, maintain_ratio_no_enlarge, force, at_max, \
                 at_max_enlarge or at_least"
                    .into(),
            )
        }
    })
}

pub(crate) fn crop_mode(s: &str) -> VResult<CropMode> {
    Ok(match s {
        "pad_resize" => CropMode::PadResize,
        "pad_resize_no_enlarge" => CropMode::PadResizeNoEnlarge,
        "extract" => CropMode::Extract,
        "pad_extract" => CropMode::PadExtract,
        "pad_extract_no_shrink" => CropMode::PadExtractNoShrink,
        _ => {
            return Err(
                "expected pad_resize, pad_resize_no_enlarge, extract, pad_extract or \
                 pad_extract_no_shrink"
                    .into(),
            )
        }
    })
}

/// The nine positions, also written with the corner words swapped or without `_`.
pub(crate) fn position(s: &str) -> Option<Position> {
    Some(match s {
        "center" => Position::Center,
        "top" => Position::Top,
        "bottom" => Position::Bottom,
        "left" => Position::Left,
        "right" => Position::Right,
        "top_left" | "left_top" | "topleft" => Position::TopLeft,
        "top_right" | "right_top" | "topright" => Position::TopRight,
        "bottom_left" | "left_bottom" | "bottomleft" => Position::BottomLeft,
        "bottom_right" | "right_bottom" | "bottomright" => Position::BottomRight,
        _ => return None,
    })
}

const POSITIONS: &str =
    "center, top, bottom, left, right, top_left, top_right, bottom_left or bottom_right";

pub(crate) fn position_value(s: &str) -> VResult<Position> {
    position(s).ok_or_else(|| format!("expected {POSITIONS}"))
}

/// The COCO classes ImageKit's object-aware crop knows (§2.5), in its camelCase spelling.
pub(crate) static COCO: [&str; 80] = [
    "person",
    "bicycle",
    "car",
    "motorcycle",
    "airplane",
    "bus",
    "train",
    "truck",
    "boat",
    "trafficLight",
    "fireHydrant",
    "stopSign",
    "parkingMeter",
    "bench",
    "bird",
    "cat",
    "dog",
    "horse",
    "sheep",
    "cow",
    "elephant",
    "bear",
    "zebra",
    "giraffe",
    "backpack",
    "umbrella",
    "handbag",
    "tie",
    "suitcase",
    "frisbee",
    "skis",
    "snowboard",
    "sportsBall",
    "kite",
    "baseballBat",
    "baseballGlove",
    "skateboard",
    "surfboard",
    "tennisRacket",
    "bottle",
    "wineGlass",
    "cup",
    "fork",
    "knife",
    "spoon",
    "bowl",
    "banana",
    "apple",
    "sandwich",
    "orange",
    "broccoli",
    "carrot",
    "hotDog",
    "pizza",
    "donut",
    "cake",
    "chair",
    "couch",
    "pottedPlant",
    "bed",
    "diningTable",
    "toilet",
    "tv",
    "laptop",
    "mouse",
    "remote",
    "keyboard",
    "cellPhone",
    "microwave",
    "oven",
    "toaster",
    "sink",
    "refrigerator",
    "book",
    "clock",
    "vase",
    "scissors",
    "teddyBear",
    "hairDrier",
    "toothbrush",
];

pub(crate) fn focus(s: &str) -> VResult<Focus> {
    if let Some(p) = position(s) {
        return Ok(Focus::Position(p));
    }
    match s {
        "auto" => return Ok(Focus::Auto),
        "face" => return Ok(Focus::Face),
        "custom" => return Ok(Focus::Custom),
        _ => {}
    }
    if let Some(name) = COCO.iter().find(|n| n.eq_ignore_ascii_case(s)) {
        return Ok(Focus::Object((*name).to_owned()));
    }
    Err(format!(
        "expected {POSITIONS}, auto, face, custom or a COCO object name (person, car, dog, …)"
    ))
}

pub(crate) fn format(s: &str) -> Result<Format, (bool, String)> {
    Ok(match s {
        "auto" => Format::Auto,
        "jpg" | "jpeg" => Format::Jpeg,
        "png" => Format::Png,
        "webp" => Format::Webp,
        "avif" => Format::Avif,
        "gif" => Format::Gif,
        "svg" => Format::Svg,
        "orig" => Format::Orig,
        "mp4" | "webm" => {
            return Err((true, format!("`f-{s}` is a video output format")));
        }
        _ => {
            return Err((
                false,
                "expected auto, jpg, jpeg, png, webp, avif, gif, svg or orig".into(),
            ))
        }
    })
}

fn hex_byte(s: &str) -> Option<u8> {
    if s.len() == 2 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        u8::from_str_radix(s, 16).ok()
    } else {
        None
    }
}

pub(crate) fn color(s: &str) -> VResult<Color> {
    let rgb = |s: &str| -> Option<[u8; 3]> {
        Some([
            hex_byte(s.get(0..2)?)?,
            hex_byte(s.get(2..4)?)?,
            hex_byte(s.get(4..6)?)?,
        ])
    };
    if s.len() == 6 {
        if let Some(c) = rgb(s) {
            return Ok(Color::Rgb(c));
        }
    }
    if s.len() == 8 {
        if let Some(c) = rgb(s) {
            let a = s.get(6..8).unwrap_or("");
            if is_digits(a) {
                let alpha = a.parse::<u8>().unwrap_or(0);
                return Ok(Color::Rgba(c, alpha));
            }
            return Err(
                "the last two characters of an 8-digit colour are a decimal opacity 00–99".into(),
            );
        }
    }
    if s.len() <= 20 {
        let lower = s.to_ascii_lowercase();
        if let Some((name, rgb)) = colors::lookup(&lower) {
            return Ok(Color::Named(name, rgb));
        }
    }
    Err(format!(
        "expected a colour: RRGGBB, RRGGBBAA (AA decimal 00–99) or a colour name, got `{s}`"
    ))
}

pub(crate) fn background(s: &str) -> Result<Background, (bool, String)> {
    if s == "dominant" {
        return Ok(Background::Dominant);
    }
    if s == "genfill" || s.starts_with("genfill-") || s.starts_with("genfill_") {
        return Err((true, String::new()));
    }
    if let Some(rest) = s.strip_prefix("gradient_dominant") {
        return match rest {
            "" | "_2" => Ok(Background::GradientDominant(2)),
            "_4" => Ok(Background::GradientDominant(4)),
            _ => Err((false, "expected gradient_dominant, _2 or _4".into())),
        };
    }
    if let Some(rest) = s.strip_prefix("blurred") {
        let bad = || {
            (
                false,
                "expected blurred[_{intensity 0–100 or auto}][_{brightness N255–255}]".to_owned(),
            )
        };
        if !rest.is_empty() && !rest.starts_with('_') {
            return Err(bad());
        }
        let mut parts = rest.split('_').skip(1);
        let intensity = match parts.next() {
            None | Some("auto") => None,
            Some(p) => Some(u8_in(p, 0, 100, "blur intensity").map_err(|_| bad())?),
        };
        let brightness = match parts.next() {
            None => 0,
            Some(p) => {
                i16::try_from(signed_int(p, 255, "brightness").map_err(|_| bad())?).unwrap_or(0)
            }
        };
        if parts.next().is_some() {
            return Err(bad());
        }
        return Ok(Background::Blurred {
            intensity,
            brightness,
        });
    }
    color(s).map(Background::Color).map_err(|e| {
        (
            false,
            format!("{e}; or blurred…, dominant, gradient_dominant[_2|_4]"),
        )
    })
}

pub(crate) fn border(s: &str, max_ops: usize) -> VResult<Border> {
    let Some(i) = s.rfind(['_', '-']) else {
        return Err("expected `{width}_{colour}`".into());
    };
    let (w, c) = (s.get(..i).unwrap_or(""), s.get(i + 1..).unwrap_or(""));
    if w.is_empty() || c.is_empty() {
        return Err("expected `{width}_{colour}`".into());
    }
    Ok(Border {
        width: coord(w, 1, max_ops)?,
        color: color(c)?,
    })
}

pub(crate) fn radius(s: &str) -> VResult<Radius> {
    if s == "max" {
        return Ok(Radius::Max);
    }
    let parts: Vec<&str> = s.splitn(5, '_').collect();
    match parts.as_slice() {
        [one] => u32_in(one, 1, u32::MAX, "radius").map(Radius::All),
        [a, b, c, d] => Ok(Radius::Corners([
            u32_in(a, 0, u32::MAX, "radius")?,
            u32_in(b, 0, u32::MAX, "radius")?,
            u32_in(c, 0, u32::MAX, "radius")?,
            u32_in(d, 0, u32::MAX, "radius")?,
        ])),
        _ => Err("expected a radius, `max`, or four radii `tl_tr_br_bl`".into()),
    }
}

pub(crate) fn rotation(s: &str) -> VResult<Rotation> {
    if s == "auto" {
        return Ok(Rotation::Auto);
    }
    signed_number(s)
        .map(Rotation::Degrees)
        .ok_or_else(|| "expected degrees (`N` for counter-clockwise) or `auto`".into())
}

pub(crate) fn flip(s: &str) -> VResult<Flip> {
    Ok(match s {
        "h" => Flip::Horizontal,
        "v" => Flip::Vertical,
        "h_v" | "v_h" => Flip::Both,
        _ => return Err("expected h, v, h_v or v_h".into()),
    })
}

pub(crate) fn trim(s: &str) -> VResult<Trim> {
    match s {
        "true" => Ok(Trim::On),
        "false" => Ok(Trim::Off),
        _ => u8_in(s, 1, 99, "trim threshold")
            .map(Trim::Threshold)
            .map_err(|_| "expected `true`, `false` or a threshold 1–99".into()),
    }
}

/// `pg-…` after percent-decoding.
pub(crate) fn page(s: &str) -> VResult<PageSelect> {
    if is_digits(s) {
        return u32_in(s, 1, u32::MAX, "page").map(PageSelect::Single);
    }
    let bad = || {
        "expected a page number ≥ 1 or a PSD selection (1_3_5, 2-4, 4-, name-\"a\"_\"b\")"
            .to_owned()
    };
    if let Some(names) = s.strip_prefix("name-") {
        // "a"_"b"_…: quoted names without `"` inside.
        let mut rest = names;
        loop {
            let inner = rest.strip_prefix('"').ok_or_else(bad)?;
            let close = inner.find('"').ok_or_else(bad)?;
            rest = inner.get(close + 1..).unwrap_or("");
            if rest.is_empty() {
                return Ok(PageSelect::Psd(s.to_owned()));
            }
            rest = rest.strip_prefix('_').ok_or_else(bad)?;
        }
    }
    for item in s.split('_') {
        let ok = match item.split_once('-') {
            None => is_digits(item),
            Some((a, b)) => is_digits(a) && (b.is_empty() || is_digits(b)),
        };
        if !ok {
            return Err(bad());
        }
    }
    Ok(PageSelect::Psd(s.to_owned()))
}

/// Splits `k1-v1_k2-v2…` into sub-params. A piece that does not start with a known
/// `key-` continues the previous value (`sp-bh_div_2`, `ld-top_right`).
pub(crate) fn subparams<'a>(
    s: &'a str,
    keys: &[&'static str],
) -> VResult<Vec<(&'static str, &'a str)>> {
    let mut out: Vec<(&'static str, usize, usize)> = Vec::new();
    let mut pos = 0;
    for piece in s.split('_') {
        let start = pos;
        pos += piece.len() + 1;
        let key = keys
            .iter()
            .find(|k| piece.strip_prefix(**k).is_some_and(|r| r.starts_with('-')));
        match (key, out.last_mut()) {
            (Some(k), _) => {
                if out.iter().any(|(o, _, _)| o == k) {
                    return Err(format!("sub-parameter `{k}` given twice"));
                }
                out.push((k, start + k.len() + 1, start + piece.len()));
            }
            (None, Some(last)) => last.2 = start + piece.len(),
            (None, None) => {
                return Err(format!(
                    "expected sub-parameters `{}` joined by `_`",
                    keys.iter()
                        .map(|k| format!("{k}-…"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }
        }
    }
    out.into_iter()
        .map(|(k, a, b)| {
            let v = s.get(a..b).unwrap_or("");
            if v.is_empty() {
                Err(format!("sub-parameter `{k}` needs a value"))
            } else {
                Ok((k, v))
            }
        })
        .collect()
}

pub(crate) fn shadow(s: &str) -> VResult<Shadow> {
    let mut sh = Shadow::default();
    for (k, v) in subparams(s, &["bl", "st", "x", "y"])? {
        match k {
            "bl" => sh.blur = Some(u8_in(v, 0, 15, "shadow blur")?),
            "st" => sh.saturation = Some(u8_in(v, 0, 100, "shadow saturation")?),
            "x" => sh.x = Some(i8::try_from(signed_int(v, 100, "shadow x offset")?).unwrap_or(0)),
            _ => sh.y = Some(i8::try_from(signed_int(v, 100, "shadow y offset")?).unwrap_or(0)),
        }
    }
    Ok(sh)
}

fn direction(s: &str) -> VResult<u16> {
    let named = match s {
        "top" => Some(0),
        "top_right" | "topright" => Some(45),
        "right" => Some(90),
        "bottom_right" | "bottomright" => Some(135),
        "bottom" => Some(180),
        "bottom_left" | "bottomleft" => Some(225),
        "left" => Some(270),
        "top_left" | "topleft" => Some(315),
        _ => None,
    };
    match named {
        Some(d) => Ok(d),
        None => uint(s, 0, 359, "gradient direction")
            .map(|v| u16::try_from(v).unwrap_or(0))
            .map_err(|_| "expected a direction 0–359 or top, top_right, right, …".into()),
    }
}

pub(crate) fn gradient(s: &str, max_ops: usize) -> VResult<Gradient> {
    let mut g = Gradient::default();
    for (k, v) in subparams(s, &["ld", "from", "to", "sp"])? {
        match k {
            "ld" => g.direction = Some(direction(v)?),
            "from" => g.from = Some(color(v)?),
            "to" => g.to = Some(color(v)?),
            _ => {
                g.stop = Some(match number(v) {
                    Some(n) if n > 0.0 => StopPoint::Number(n),
                    Some(_) => return Err("the stop point must be positive".into()),
                    None => StopPoint::Expr(expr(v, max_ops)?),
                })
            }
        }
    }
    Ok(g)
}

pub(crate) fn colorize(s: &str) -> VResult<Colorize> {
    let mut c = Colorize::default();
    for (k, v) in subparams(s, &["co", "in"])? {
        match k {
            "co" => c.color = Some(color(v)?),
            _ => c.intensity = Some(u8_in(v, 0, 100, "colorize intensity")?),
        }
    }
    Ok(c)
}

pub(crate) fn color_replace(s: &str) -> VResult<ColorReplace> {
    let parts: Vec<&str> = s.splitn(4, '_').collect();
    let (to, tol, from) = match parts.as_slice() {
        [to] => (to, None, None),
        [to, tol] => (to, Some(tol), None),
        [to, tol, from] => (to, Some(tol), Some(from)),
        _ => return Err("expected `{to}[_{tolerance}[_{from}]]`".into()),
    };
    Ok(ColorReplace {
        to: color(to)?,
        tolerance: tol.map(|t| u8_in(t, 0, 100, "tolerance")).transpose()?,
        from: from.map(|f| color(f)).transpose()?,
    })
}

pub(crate) fn unsharp(s: &str) -> VResult<Unsharp> {
    let bad = || "expected `{radius}-{sigma}-{amount}-{threshold}` (decimals)".to_owned();
    let parts: Vec<&str> = s.splitn(5, '-').collect();
    let [r, si, a, t] = parts.as_slice() else {
        return Err(bad());
    };
    let n = |x: &str| number(x).ok_or_else(bad);
    let u = Unsharp {
        radius: n(r)?,
        sigma: n(si)?,
        amount: n(a)?,
        threshold: n(t)?,
    };
    if u.sigma <= 0.0 || u.amount <= 0.0 {
        return Err("unsharp sigma and amount must be positive".into());
    }
    Ok(u)
}

pub(crate) fn distort(s: &str) -> VResult<Distort> {
    if let Some(p) = s.strip_prefix("p-") {
        let parts: Vec<&str> = p.splitn(9, '_').collect();
        if parts.len() != 8 {
            return Err("perspective distortion takes 8 coordinates x1_y1_…_x4_y4".into());
        }
        let mut out = [0i32; 8];
        for (o, part) in out.iter_mut().zip(parts) {
            *o = i32::try_from(signed_int(part, i64::from(i32::MAX), "coordinate")?).unwrap_or(0);
        }
        return Ok(Distort::Perspective(out));
    }
    if let Some(a) = s.strip_prefix("a-") {
        return signed_number(a)
            .map(Distort::Arc)
            .ok_or_else(|| "expected arc degrees (`N` for negative)".into());
    }
    Err("expected `p-x1_y1_…_x4_y4` or `a-{degrees}`".into())
}

pub(crate) fn padding(s: &str, max_ops: usize) -> VResult<Padding> {
    let parts: Vec<&str> = s.split('_').collect();
    if parts.len() <= 4 && parts.iter().all(|p| is_digits(p)) {
        return parts
            .iter()
            .map(|p| u32_in(p, 0, u32::MAX, "padding"))
            .collect::<VResult<Vec<u32>>>()
            .map(Padding::Values);
    }
    expr(s, max_ops)
        .map(Padding::Expr)
        .map_err(|e| format!("expected 1–4 paddings `a_b_c_d` or {e}"))
}

pub(crate) fn typography(s: &str) -> VResult<String> {
    let (mut b, mut i, mut st) = (false, false, false);
    for part in s.split('_') {
        let flag = match part {
            "b" => &mut b,
            "i" => &mut i,
            "strikethrough" => &mut st,
            _ => return Err("expected b, i, strikethrough, joined by `_`".into()),
        };
        if *flag {
            return Err(format!("`{part}` given twice"));
        }
        *flag = true;
    }
    let mut out: Vec<&str> = Vec::new();
    if b {
        out.push("b");
    }
    if i {
        out.push("i");
    }
    if st {
        out.push("strikethrough");
    }
    Ok(out.join("_"))
}

pub(crate) fn text_align(s: &str) -> VResult<TextAlign> {
    Ok(match s {
        "left" => TextAlign::Left,
        "right" => TextAlign::Right,
        "center" => TextAlign::Center,
        _ => return Err("expected left, right or center".into()),
    })
}

pub(crate) fn blend(s: &str) -> VResult<BlendMode> {
    Ok(match s {
        "multiply" => BlendMode::Multiply,
        "displace" => BlendMode::Displace,
        "cutout" => BlendMode::Cutout,
        "cutter" => BlendMode::Cutter,
        _ => return Err("expected multiply, displace, cutout or cutter".into()),
    })
}

/// `@@` → `/` (left to right), then percent-decoding when asked.
pub(crate) fn path(s: &str) -> String {
    s.replace("@@", "/")
}

pub(crate) fn is_base64(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_'))
}

fn cond_property(s: &str) -> Option<CondProperty> {
    Some(match s {
        "w" => CondProperty::W,
        "h" => CondProperty::H,
        "ar" => CondProperty::Ar,
        "iw" => CondProperty::Iw,
        "ih" => CondProperty::Ih,
        "iar" => CondProperty::Iar,
        _ => return None,
    })
}

fn compare_op(s: &str) -> Option<CompareOp> {
    Some(match s {
        "eq" => CompareOp::Eq,
        "ne" => CompareOp::Ne,
        "gt" => CompareOp::Gt,
        "gte" => CompareOp::Gte,
        "lt" => CompareOp::Lt,
        "lte" => CompareOp::Lte,
        _ => return None,
    })
}

/// `{prop}_{op}_{value}` joined by `_and_` / `_or_` (`and` binds tighter).
pub(crate) fn condition(s: &str, max_clauses: usize) -> VResult<Condition> {
    let bad = |what: &str| {
        format!(
            "expected a condition `{{w|h|ar|iw|ih|iar}}_{{eq|ne|gt|gte|lt|lte}}_{{value}}` \
             joined by `_and_`/`_or_`; {what}"
        )
    };
    let mut any_of: Vec<Vec<Clause>> = vec![Vec::new()];
    let mut clauses = 0usize;
    let mut parts = s.split('_');
    loop {
        let prop = parts.next().ok_or_else(|| bad("missing property"))?;
        let property =
            cond_property(prop).ok_or_else(|| bad(&format!("`{prop}` is not a property")))?;
        let o = parts.next().ok_or_else(|| bad("missing operator"))?;
        let op = compare_op(o).ok_or_else(|| bad(&format!("`{o}` is not an operator")))?;
        let v = parts.next().ok_or_else(|| bad("missing value"))?;
        let value = match v.split_once('-') {
            Some((a, b)) if matches!(property, CondProperty::Ar | CondProperty::Iar) => {
                match (number(a), number(b)) {
                    (Some(a), Some(b)) if b > 0.0 => CondValue::Ratio(a, b),
                    _ => return Err(bad(&format!("`{v}` is not a ratio W-H"))),
                }
            }
            _ => {
                CondValue::Number(number(v).ok_or_else(|| bad(&format!("`{v}` is not a number")))?)
            }
        };
        clauses += 1;
        if clauses > max_clauses {
            return Err(format!(
                "a condition may have at most {max_clauses} clauses"
            ));
        }
        let clause = Clause {
            property,
            op,
            value,
        };
        if let Some(group) = any_of.last_mut() {
            group.push(clause);
        }
        match parts.next() {
            None => break,
            Some("and") => {}
            Some("or") => any_of.push(Vec::new()),
            Some(x) => return Err(bad(&format!("`{x}` is neither `and` nor `or`"))),
        }
    }
    Ok(Condition { any_of })
}
