//! One integration-test binary, one module per area.

mod avif;
mod bombs;
mod codec;
mod color;
mod corpus;
mod depth;
mod encode;
mod engine;
mod ffi;
mod heic;
mod house;
mod jxl;
mod linear;
mod odd;
mod ops;
mod page;
mod plan;
mod sniff;
mod spec;
mod svg;

/// PSNR in dB of two equally long 8-bit sample buffers (infinite when identical).
pub(crate) fn psnr(a: &[u8], b: &[u8]) -> f64 {
    assert_eq!(a.len(), b.len());
    let mse: f64 = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
        .sum::<f64>()
        / a.len() as f64;
    if mse == 0.0 {
        f64::INFINITY
    } else {
        10.0 * (255.0f64 * 255.0 / mse).log10()
    }
}
