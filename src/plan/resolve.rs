//! Numbers, expressions and requested sizes: rounding, `w`/`h`/`ar`/`dpr` resolution.

use super::*;

// ---------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------

/// Rounds half up to a non-negative integer; `None` for NaN, infinities and negatives.
pub(super) fn round_half_up(v: f64) -> Option<u64> {
    if !v.is_finite() || v < 0.0 {
        return None;
    }
    let r = (v + 0.5).floor();
    // `as` from f64 to u64 saturates at u64::MAX and `r` is finite and ≥ 0: nothing wraps.
    Some(r as u64)
}

/// Rounds half up to a signed integer; `None` for NaN and infinities.
pub(super) fn round_half_up_signed(v: f64) -> Option<i64> {
    if !v.is_finite() {
        return None;
    }
    // `as` from f64 to i64 saturates at the i64 range and the value is finite.
    Some((v + 0.5).floor() as i64)
}

/// `round_half_up(len · num / den)` in exact integer maths, at least 1.
pub(super) fn scale_len(len: u32, num: u64, den: u64) -> Result<u32, PlanError> {
    if den == 0 {
        return Err(PlanError::Internal("zero scale denominator"));
    }
    let n = 2 * u128::from(len) * u128::from(num) + u128::from(den);
    let v = (n / (2 * u128::from(den))).max(1);
    u32::try_from(v).map_err(|_| PlanError::TooLarge {
        width: u64::try_from(v).unwrap_or(u64::MAX),
        height: 0,
        max: u64::from(u32::MAX),
    })
}

/// A scale factor `num / den`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Scale {
    num: u64,
    den: u64,
}

impl Scale {
    pub(super) const ONE: Scale = Scale { num: 1, den: 1 };

    pub(super) fn of(target: u32, len: u32) -> Scale {
        Scale {
            num: u64::from(target),
            den: u64::from(len),
        }
    }

    pub(super) fn greater_than(self, other: Scale) -> bool {
        // Cross-multiplied in u128: nothing can overflow.
        u128::from(self.num) * u128::from(other.den) > u128::from(other.num) * u128::from(self.den)
    }

    pub(super) fn max(self, other: Scale) -> Scale {
        if other.greater_than(self) {
            other
        } else {
            self
        }
    }

    pub(super) fn min(self, other: Scale) -> Scale {
        if other.greater_than(self) {
            self
        } else {
            other
        }
    }

    pub(super) fn apply(self, size: Size) -> Result<Size, PlanError> {
        let w = scale_len(size.width, self.num, self.den);
        let h = scale_len(size.height, self.num, self.den);
        match (w, h) {
            (Ok(width), Ok(height)) => Ok(Size { width, height }),
            _ => Err(PlanError::TooLarge {
                width: scale_len_u64(size.width, self.num, self.den),
                height: scale_len_u64(size.height, self.num, self.den),
                max: u64::from(u32::MAX),
            }),
        }
    }
}

pub(super) fn scale_len_u64(len: u32, num: u64, den: u64) -> u64 {
    let den = u128::from(den.max(1));
    let v = (2 * u128::from(len) * u128::from(num) + den) / (2 * den);
    u64::try_from(v).unwrap_or(u64::MAX)
}

// ---------------------------------------------------------------------------------------
// Expressions and dimensions
// ---------------------------------------------------------------------------------------

/// The variables of an expression evaluated in a step whose input is `current`.
pub fn expr_env(current: Size, ctx: &Context) -> ExprEnv {
    let pair = |s: Size| (f64::from(s.width), f64::from(s.height));
    ExprEnv {
        original: pair(ctx.original),
        current: pair(current),
        base: ctx.base.map(pair),
    }
}

pub(super) fn eval(expr: &Expr, env: &ExprEnv, key: &'static str) -> Result<f64, PlanError> {
    expr.eval(env)
        .map_err(|error| PlanError::Expression { key, error })
}

pub(super) fn positive(value: f64, key: &'static str) -> Result<f64, PlanError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(PlanError::InvalidValue { key, value })
    }
}

/// Evaluates a size expression (`w`, `h`, border width…): the value must be finite and
/// positive; it is rounded half up to whole pixels (at least 1, saturating at `u32::MAX`).
///
/// # Errors
/// [`PlanError::Expression`] when evaluation fails, [`PlanError::InvalidValue`] for ≤ 0 or
/// non-finite values.
pub fn eval_size(expr: &Expr, env: &ExprEnv, key: &'static str) -> Result<u32, PlanError> {
    let v = positive(eval(expr, env, key)?, key)?;
    let r = round_half_up(v).unwrap_or(u64::MAX).max(1);
    Ok(u32::try_from(r).unwrap_or(u32::MAX))
}

/// Resolves a coordinate (`x`, `y`, `xc`, `yc`): pixels as written, or an expression
/// rounded half up (may be 0 or negative).
///
/// # Errors
/// [`PlanError::Expression`] when evaluation fails, [`PlanError::InvalidValue`] for a
/// non-finite value.
pub fn resolve_coord(coord: &Coord, env: &ExprEnv, key: &'static str) -> Result<i64, PlanError> {
    match coord {
        Coord::Px(v) => Ok(i64::from(*v)),
        Coord::Expr(e) => {
            let v = eval(e, env, key)?;
            round_half_up_signed(v).ok_or(PlanError::InvalidValue { key, value: v })
        }
    }
}

/// Resolves an aspect ratio (`ar`) to width / height, kept as a float.
///
/// # Errors
/// [`PlanError::InvalidValue`] for a zero, negative or non-finite ratio, and expression
/// errors.
pub fn resolve_ratio(ar: &AspectRatio, env: &ExprEnv) -> Result<f64, PlanError> {
    match ar {
        AspectRatio::Ratio(w, h) => {
            positive(*w, "ar")?;
            positive(*h, "ar")?;
            positive(w / h, "ar")
        }
        AspectRatio::Expr(e) => positive(eval(e, env, "ar")?, "ar"),
    }
}

/// Resolves a border width (`b-{width}_{color}`) in pixels.
///
/// # Errors
/// As [`eval_size`]; a written `0` is accepted (no border).
pub fn border_width(border: &Border, env: &ExprEnv) -> Result<u32, PlanError> {
    match &border.width {
        Coord::Px(v) => Ok(*v),
        Coord::Expr(e) => eval_size(e, env, "b"),
    }
}

/// Resolves one written dimension to a float number of pixels before rounding.
///
/// `axis_len` is the step input's side on that axis (fractions are of it); `auto` uses the
/// width hint rounded up to a multiple of 100 (`h-auto` and a missing hint give `None`).
///
/// # Errors
/// Expression errors and [`PlanError::InvalidValue`] for ≤ 0 or non-finite values.
pub fn resolve_dim(
    dim: &Dim,
    key: &'static str,
    axis_len: u32,
    ctx: &Context,
    env: &ExprEnv,
) -> Result<Option<f64>, PlanError> {
    match dim {
        Dim::Px(0) => Err(PlanError::InvalidValue { key, value: 0.0 }),
        Dim::Px(v) => Ok(Some(f64::from(*v))),
        Dim::Fraction(f) => Ok(Some(positive(*f, key)? * f64::from(axis_len))),
        Dim::Auto => {
            if key != "w" {
                return Ok(None);
            }
            // `as f64`: the rounded hint is below 2^33, exact in f64.
            Ok(ctx
                .width_hint
                .filter(|&hint| hint > 0)
                .map(|hint| (u64::from(hint).div_ceil(100) * 100) as f64))
        }
        Dim::Expr(e) => Ok(Some(f64::from(eval_size(e, env, key)?))),
    }
}

/// The requested box of a step after `ar`, `dpr`, rounding and the maximum-side rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// Requested width, if any.
    pub width: Option<u32>,
    /// Requested height, if any.
    pub height: Option<u32>,
}

pub(super) fn to_side(v: f64, max: u32) -> Option<u32> {
    let r = round_half_up(v)?.max(1);
    u32::try_from(r).ok().filter(|&r| r <= max)
}

/// Resolves `w`, `h`, `ar` and `dpr` of a step into the requested box (reference §2.6).
///
/// # Errors
/// Expression errors and [`PlanError::InvalidValue`].
pub fn resolve_target(
    current: Size,
    step: &StepParams,
    ctx: &Context,
) -> Result<Target, PlanError> {
    let env = expr_env(current, ctx);
    let mut w = match &step.width {
        Some(d) => resolve_dim(d, "w", current.width, ctx, &env)?,
        None => None,
    };
    let mut h = match &step.height {
        Some(d) => resolve_dim(d, "h", current.height, ctx, &env)?,
        None => None,
    };
    let written = w.is_some() || h.is_some();
    let width_auto = matches!(step.width, Some(Dim::Auto)) && w.is_some();

    if let Some(ar) = &step.aspect_ratio {
        match (w, h) {
            (Some(_), Some(_)) => {}
            (Some(wv), None) => h = Some(wv / resolve_ratio(ar, &env)?),
            (None, Some(hv)) => w = Some(hv * resolve_ratio(ar, &env)?),
            (None, None) => {
                let cw = f64::from(current.width);
                w = Some(cw);
                h = Some(cw / resolve_ratio(ar, &env)?);
            }
        }
    }

    if written && !width_auto {
        let dpr = match &step.dpr {
            None => None,
            Some(Dpr::Value(v)) => Some(positive(*v, "dpr")?),
            Some(Dpr::Auto) => ctx.dpr_hint.filter(|d| d.is_finite() && *d > 0.0),
            Some(Dpr::Expr(e)) => Some(positive(eval(e, &env, "dpr")?, "dpr")?),
        };
        if let Some(d) = dpr {
            let in_range = |v: Option<f64>| {
                v.is_none_or(|v| round_half_up(v * d).is_some_and(|r| DPR_SIDE_RANGE.contains(&r)))
            };
            if in_range(w) && in_range(h) {
                w = w.map(|v| v * d);
                h = h.map(|v| v * d);
            }
        }
    }

    let max = ctx.max_dimension;
    Ok(Target {
        width: w.and_then(|v| to_side(v, max)),
        height: h.and_then(|v| to_side(v, max)),
    })
}
