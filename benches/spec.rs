//! Parse and print of representative transformation strings.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use pixform::spec::{parse, ParseOptions};
use std::hint::black_box;

const CASES: &[(&str, &str)] = &[
    ("resize", "tr:w-300,h-300,c-at_max"),
    ("chain", "w-400,h-300,fo-face,q-80,f-webp:rt-90:bl-5,e-sharpen"),
    (
        "query_text_layer",
        "tr=l-text%2Ci-Imagekit%C3%A9%2Cfs-50%2Cco-FF000080%2Clx-N10%2Cl-end",
    ),
    (
        "nested_layers",
        "l-image,i-women-dress.jpeg,w-bw_div_3,lx-bw_mul_0.6,ly-bh_mul_0.1:l-image,i-logo.png,w-cw_div_4,l-end,l-end",
    ),
    (
        "conditional",
        "if-h_gte_100_and_h_lte_400_or_ar_lt_4-3,w-100:rt-90,if-else,h-50,if-end",
    ),
    (
        "effects",
        "e-shadow-bl-15_st-40_x-10_y-N5,e-gradient-ld-top_from-green_to-00FF0010_sp-1,e-usm-2-2-0.8-0.024,b-ih_div_20_red,bg-blurred_25_N30",
    ),
];

fn bench(c: &mut Criterion) {
    let opts = ParseOptions::default();
    let mut g = c.benchmark_group("spec");
    for (name, s) in CASES {
        g.bench_with_input(BenchmarkId::new("parse", name), s, |b, s| {
            b.iter(|| parse(black_box(s), &opts))
        });
        let t = match parse(s, &opts) {
            Ok(t) => t,
            Err(e) => panic!("bench input `{s}` does not parse: {e}"),
        };
        g.bench_with_input(BenchmarkId::new("print", name), &t, |b, t| {
            b.iter(|| black_box(t).to_string())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
