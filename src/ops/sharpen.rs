//! [`sharpen`]: ImageKit's `e-sharpen[-N]`.

use super::unsharp::apply;
use crate::{Error, Frame, Result};

/// Parameters of [`sharpen`].
///
/// | field | range | default |
/// | --- | --- | --- |
/// | `amount` | ImageKit's `N`, ≥ 0; values above 500 act as 500 | 50 (the flag alone) |
///
/// `N` becomes an unsharp mask with sigma 1 px, gain `N / 50` and no threshold: the flag
/// alone (50) is gain 1, a clear but not harsh sharpening; `e-sharpen-10` is gain 0.2.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SharpenParams {
    /// Sharpening amount (ImageKit `N`).
    pub amount: f32,
}

impl Default for SharpenParams {
    fn default() -> Self {
        SharpenParams { amount: 50.0 }
    }
}

/// Sharpens `src` with a fixed-size unsharp mask (sigma 1 px) of gain `amount / 50`.
///
/// # Errors
/// [`Error::BadArgument`] for a negative or non-finite amount.
///
/// # Allocations
/// The output frame and the blur's working buffer.
pub fn sharpen(src: &Frame, p: &SharpenParams) -> Result<Frame> {
    if !p.amount.is_finite() || p.amount < 0.0 {
        return Err(Error::BadArgument(format!(
            "sharpen amount {} is not a non-negative number",
            p.amount
        )));
    }
    if p.amount == 0.0 {
        return Ok(src.clone());
    }
    apply(src, 1.0, p.amount.min(500.0) / 50.0, 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PixelLayout;

    #[test]
    fn more_amount_more_overshoot() {
        let mut data = vec![100u8; 12];
        data[6..].fill(150);
        let f = Frame::new(12, 1, PixelLayout::Gray8, data).unwrap();
        let weak = sharpen(&f, &SharpenParams { amount: 10.0 }).unwrap();
        let strong = sharpen(&f, &SharpenParams::default()).unwrap();
        assert!(strong.data()[6] > weak.data()[6] && weak.data()[6] > 150);
        assert!(strong.data()[5] < weak.data()[5] && weak.data()[5] < 100);
        assert_eq!(sharpen(&f, &SharpenParams { amount: 0.0 }).unwrap(), f);
        assert!(sharpen(&f, &SharpenParams { amount: f32::NAN }).is_err());
    }
}
