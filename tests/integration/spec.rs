//! Integration tests: spec (parsing, canonical printing, named expansion, signing).

use pixform::spec::{
    parse, sign_url, verify_url, AspectRatio, Background, BlendMode, Border, Clause, Color,
    ColorReplace, Colorize, CompareOp, CondProperty, CondValue, Condition, Coord, Crop, CropMode,
    Dim, Distort, Dpr, Expr, Flip, Focus, Format, Gradient, IfBlock, Layer, LayerInput, LayerKind,
    LayerPosition, Mode, NamedTransforms, Op, Operand, Padding, PageSelect, ParseOptions, Position,
    Quality, Radius, Rotation, Shadow, SignError, SignedCoord, SpecErrorKind, SpecLimits, Step,
    StepParams, StopPoint, TextAlign, TextStyle, Transform, Trim, UnknownParam, Unsharp, Var,
};

fn strict(s: &str) -> Result<Transform, pixform::spec::SpecError> {
    parse(s, &ParseOptions::default())
}

fn lenient(s: &str) -> Result<Transform, pixform::spec::SpecError> {
    parse(s, &ParseOptions::lenient())
}

/// Parses `input`, checks its canonical form, and that the canonical form parses back to the
/// same value (and prints identically).
fn check(input: &str, canonical: &str, opts: &ParseOptions) -> Transform {
    let t = parse(input, opts).unwrap_or_else(|e| panic!("`{input}` failed: {e}"));
    let printed = t.to_string();
    assert_eq!(printed, canonical, "canonical form of `{input}`");
    let again = parse(&printed, opts).unwrap_or_else(|e| panic!("`{printed}` failed: {e}"));
    assert_eq!(again, t, "round trip of `{input}`");
    assert_eq!(again.to_string(), printed);
    t
}

fn only_params(t: &Transform) -> &StepParams {
    match t.steps.as_slice() {
        [Step::Params(p)] => p,
        other => panic!("expected one plain step, got {other:?}"),
    }
}

fn e(first: Operand, rest: &[(Op, Operand)]) -> Expr {
    Expr {
        first,
        rest: rest.to_vec(),
    }
}

/// Every image key: input, canonical output.
const KEY_TABLE: &[(&str, &str)] = &[
    ("w-300", "w-300"),
    ("w-300.0", "w-300"),
    ("w-0.4", "w-0.4"),
    ("w-auto", "w-auto"),
    ("w-ih", "w-ih"),
    ("w-iw_div_2_add_10", "w-iw_div_2_add_10"),
    ("h-300", "h-300"),
    ("h-0.5", "h-0.5"),
    ("h-bh_mul_0.50", "h-bh_mul_0.5"),
    ("ar-4-3", "ar-4-3"),
    ("ar-4_3", "ar-4-3"),
    ("ar-2.5-1", "ar-2.5-1"),
    ("ar-car_mul_0.5", "ar-car_mul_0.5"),
    ("ar-bar", "ar-bar"),
    ("dpr-2", "dpr-2"),
    ("dpr-0.1", "dpr-0.1"),
    ("dpr-auto", "dpr-auto"),
    ("dpr-iw_div_1000", "dpr-iw_div_1000"),
    ("c-maintain_ratio", "c-maintain_ratio"),
    ("c-maintain_ratio_no_enlarge", "c-maintain_ratio_no_enlarge"),
    ("c-force", "c-force"),
    ("c-at_max", "c-at_max"),
    ("c-at_max_enlarge", "c-at_max_enlarge"),
    ("c-at_least", "c-at_least"),
    ("cm-pad_resize", "cm-pad_resize"),
    ("cm-pad_resize_no_enlarge", "cm-pad_resize_no_enlarge"),
    ("cm-extract", "cm-extract"),
    ("cm-pad_extract", "cm-pad_extract"),
    ("cm-pad_extract_no_shrink", "cm-pad_extract_no_shrink"),
    ("fo-center", "fo-center"),
    ("fo-top", "fo-top"),
    ("fo-bottom", "fo-bottom"),
    ("fo-left", "fo-left"),
    ("fo-right", "fo-right"),
    ("fo-top_left", "fo-top_left"),
    ("fo-left_top", "fo-top_left"),
    ("fo-topright", "fo-top_right"),
    ("fo-bottom_left", "fo-bottom_left"),
    ("fo-right_bottom", "fo-bottom_right"),
    ("fo-auto", "fo-auto"),
    ("fo-face", "fo-face"),
    ("fo-custom", "fo-custom"),
    ("fo-car", "fo-car"),
    ("fo-trafficlight", "fo-trafficLight"),
    ("fo-teddyBear", "fo-teddyBear"),
    ("x-10", "x-10"),
    ("y-0", "y-0"),
    ("xc-100", "xc-100"),
    ("yc-ih_div_2", "yc-ih_div_2"),
    ("z-2.0", "z-2"),
    ("z-0.5", "z-0.5"),
    ("q-80", "q-80"),
    ("q-080", "q-80"),
    ("q-1", "q-1"),
    ("q-100", "q-100"),
    ("f-jpg", "f-jpg"),
    ("f-jpeg", "f-jpg"),
    ("f-png", "f-png"),
    ("f-webp", "f-webp"),
    ("f-avif", "f-avif"),
    ("f-gif", "f-gif"),
    ("f-svg", "f-svg"),
    ("f-auto", "f-auto"),
    ("f-orig", "f-orig"),
    ("lo-true", "lo-true"),
    ("pr-false", "pr-false"),
    ("md-true", "md-true"),
    ("cp-true", "cp-true"),
    ("orig-true", "orig-true"),
    ("n-my_thumb2", "n-my_thumb2"),
    ("di-@@path@@to@@image.jpg", "di-path@@to@@image.jpg"),
    ("di-path@@to@@image.jpg", "di-path@@to@@image.jpg"),
    ("di-my%20image.jpg", "di-my%20image.jpg"),
    ("pg-2", "pg-2"),
    ("pg-1_3_5", "pg-1_3_5"),
    ("pg-2-4", "pg-2-4"),
    ("pg-4-", "pg-4-"),
    ("pg-2_3-4", "pg-2_3-4"),
    (
        "pg-name-%22layer-4%22_%22layer-002%22",
        "pg-name-%22layer-4%22_%22layer-002%22",
    ),
    ("bg-F00000", "bg-F00000"),
    ("bg-0f0fac", "bg-0F0FAC"),
    ("bg-AAFF0040", "bg-AAFF0040"),
    ("bg-pink", "bg-pink"),
    ("bg-LightGoldenRodYellow", "bg-lightgoldenrodyellow"),
    ("bg-blurred", "bg-blurred"),
    ("bg-blurred_auto", "bg-blurred"),
    ("bg-blurred_25", "bg-blurred_25"),
    ("bg-blurred_25_N30", "bg-blurred_25_N30"),
    ("bg-blurred_auto_30", "bg-blurred_auto_30"),
    ("bg-dominant", "bg-dominant"),
    ("bg-gradient_dominant", "bg-gradient_dominant"),
    ("bg-gradient_dominant_2", "bg-gradient_dominant"),
    ("bg-gradient_dominant_4", "bg-gradient_dominant_4"),
    ("b-5_FFF000", "b-5_FFF000"),
    ("b-10_red", "b-10_red"),
    ("b-5-A94D34", "b-5_A94D34"),
    ("b-5-red", "b-5_red"),
    ("b-ih_div_20_red", "b-ih_div_20_red"),
    ("b-cw_mul_0.05_FF00FF", "b-cw_mul_0.05_FF00FF"),
    ("r-20", "r-20"),
    ("r-max", "r-max"),
    ("r-10_20_30_40", "r-10_20_30_40"),
    ("rt-90", "rt-90"),
    ("rt-N40", "rt-N40"),
    ("rt-N0", "rt-0"),
    ("rt-22.5", "rt-22.5"),
    ("rt-auto", "rt-auto"),
    ("fl-h", "fl-h"),
    ("fl-v", "fl-v"),
    ("fl-h_v", "fl-h_v"),
    ("fl-v_h", "fl-h_v"),
    ("bl-6", "bl-6"),
    ("bl-5.00", "bl-5"),
    ("bl-4.50", "bl-4.5"),
    ("o-0", "o-0"),
    ("o-50", "o-50"),
    ("t-true", "t-true"),
    ("t-false", "t-false"),
    ("t-10", "t-10"),
    ("e-grayscale", "e-grayscale"),
    ("e-contrast", "e-contrast"),
    ("e-sharpen", "e-sharpen"),
    ("e-sharpen-10", "e-sharpen-10"),
    ("e-sharpen-2000", "e-sharpen-2000"),
    ("e-usm", "e-usm"),
    ("e-usm-2-2-0.8-0.024", "e-usm-2-2-0.8-0.024"),
    ("e-usm-0-5-1-0.05", "e-usm-0-5-1-0.05"),
    ("e-shadow", "e-shadow"),
    (
        "e-shadow-bl-15_st-40_x-10_y-N5",
        "e-shadow-bl-15_st-40_x-10_y-N5",
    ),
    ("e-shadow-y-N5_x-N10", "e-shadow-x-N10_y-N5"),
    ("e-gradient", "e-gradient"),
    (
        "e-gradient-ld-top_from-green_to-00FF0010_sp-1",
        "e-gradient-ld-0_from-green_to-00FF0010_sp-1",
    ),
    (
        "e-gradient-sp-bh_div_2_ld-top_right",
        "e-gradient-ld-45_sp-bh_div_2",
    ),
    ("e-gradient-ld-topleft_sp-0.5", "e-gradient-ld-315_sp-0.5"),
    ("e-colorize", "e-colorize"),
    ("e-colorize-co-red_in-50", "e-colorize-co-red_in-50"),
    ("e-colorize-in-20", "e-colorize-in-20"),
    ("cr-red", "cr-red"),
    ("cr-FF0000_20", "cr-FF0000_20"),
    ("cr-ff0000_20_00ff00", "cr-FF0000_20_00FF00"),
    (
        "e-distort-p-10_10_N5_0_100_100_0_100",
        "e-distort-p-10_10_N5_0_100_100_0_100",
    ),
    ("e-distort-a-N30", "e-distort-a-N30"),
    ("e-distort-a-45.5", "e-distort-a-45.5"),
];

#[test]
fn every_key_parses_and_prints_canonically() {
    for (input, canonical) in KEY_TABLE {
        let t = check(input, canonical, &ParseOptions::default());
        assert!(!only_params(&t).is_empty(), "{input}");
    }
    // Also in path and query form.
    for (input, canonical) in KEY_TABLE {
        check(&format!("tr:{input}"), canonical, &ParseOptions::default());
        check(
            &format!("/tr:{input}/"),
            canonical,
            &ParseOptions::default(),
        );
        let q: String = input
            .bytes()
            .map(|b| format!("%{b:02X}"))
            .collect::<String>();
        // Query form decodes once: a value that needed decoding in path form is left encoded.
        if !input.contains('%') {
            check(&format!("tr={q}"), canonical, &ParseOptions::default());
        }
    }
}

#[test]
fn typed_values_of_keys() {
    let p = |s: &str| only_params(&strict(s).unwrap()).clone();
    assert_eq!(p("w-300").width, Some(Dim::Px(300)));
    assert_eq!(p("w-0.4").width, Some(Dim::Fraction(0.4)));
    assert_eq!(p("w-auto").width, Some(Dim::Auto));
    assert_eq!(
        p("w-iw_div_2").width,
        Some(Dim::Expr(e(
            Operand::Var(Var::Iw),
            &[(Op::Div, Operand::Number(2.0))]
        )))
    );
    assert_eq!(p("ar-4_3").aspect_ratio, Some(AspectRatio::Ratio(4.0, 3.0)));
    assert_eq!(p("dpr-2.5").dpr, Some(Dpr::Value(2.5)));
    assert_eq!(p("c-at_max").crop, Some(Crop::AtMax));
    assert_eq!(p("cm-pad_extract").crop_mode, Some(CropMode::PadExtract));
    assert_eq!(
        p("fo-left_bottom").focus,
        Some(Focus::Position(Position::BottomLeft))
    );
    assert_eq!(p("fo-hotdog").focus, Some(Focus::Object("hotDog".into())));
    assert_eq!(p("x-10").x, Some(Coord::Px(10)));
    assert_eq!(p("z-0.5").zoom, Some(0.5));
    assert_eq!(p("q-75").quality, Quality::new(75));
    assert_eq!(p("f-jpeg").format, Some(Format::Jpeg));
    assert_eq!(p("lo-true").lossless, Some(true));
    assert_eq!(p("orig-false").original, Some(false));
    assert_eq!(p("di-@@a@@b.jpg").default_image.as_deref(), Some("a/b.jpg"));
    assert_eq!(p("pg-3").page, Some(PageSelect::Single(3)));
    assert_eq!(p("pg-2-4").page, Some(PageSelect::Psd("2-4".into())));
    assert_eq!(
        p("bg-AAFF0040").background,
        Some(Background::Color(Color::Rgba([0xAA, 0xFF, 0x00], 40)))
    );
    assert_eq!(
        p("bg-Red").background,
        Some(Background::Color(Color::Named("red", [255, 0, 0])))
    );
    assert_eq!(
        p("bg-blurred_25_N30").background,
        Some(Background::Blurred {
            intensity: Some(25),
            brightness: -30
        })
    );
    assert_eq!(
        p("bg-gradient_dominant_4").background,
        Some(Background::GradientDominant(4))
    );
    assert_eq!(
        p("b-ih_div_20_red").border,
        Some(Border {
            width: Coord::Expr(e(
                Operand::Var(Var::Ih),
                &[(Op::Div, Operand::Number(20.0))]
            )),
            color: Color::Named("red", [255, 0, 0]),
        })
    );
    assert_eq!(p("r-1_2_3_4").radius, Some(Radius::Corners([1, 2, 3, 4])));
    assert_eq!(p("rt-N40").rotate, Some(Rotation::Degrees(-40.0)));
    assert_eq!(p("fl-v_h").flip, Some(Flip::Both));
    assert_eq!(p("bl-4.50").blur, Some(4.5));
    assert_eq!(p("o-0").opacity, Some(0));
    assert_eq!(p("t-false").trim, Some(Trim::Off));
    assert_eq!(p("t-20").trim, Some(Trim::Threshold(20)));
    assert!(p("e-grayscale").grayscale);
    assert!(p("e-contrast").contrast);
    assert_eq!(p("e-sharpen").sharpen, Some(None));
    assert_eq!(p("e-sharpen-10").sharpen, Some(Some(10.0)));
    assert_eq!(p("e-usm").unsharp, Some(None));
    assert_eq!(
        p("e-usm-2-2-0.8-0.024").unsharp,
        Some(Some(Unsharp {
            radius: 2.0,
            sigma: 2.0,
            amount: 0.8,
            threshold: 0.024
        }))
    );
    assert_eq!(
        p("e-shadow-bl-15_st-40_x-10_y-N5").shadow,
        Some(Shadow {
            blur: Some(15),
            saturation: Some(40),
            x: Some(10),
            y: Some(-5)
        })
    );
    assert_eq!(
        p("e-gradient-ld-top_from-green_to-00FF0010_sp-1").gradient,
        Some(Gradient {
            direction: Some(0),
            from: Some(Color::Named("green", [0, 128, 0])),
            to: Some(Color::Rgba([0, 255, 0], 10)),
            stop: Some(StopPoint::Number(1.0)),
        })
    );
    assert_eq!(
        p("e-colorize-co-red_in-50").colorize,
        Some(Colorize {
            color: Some(Color::Named("red", [255, 0, 0])),
            intensity: Some(50)
        })
    );
    assert_eq!(
        p("cr-FF0000_20_00FF00").color_replace,
        Some(ColorReplace {
            to: Color::Rgb([255, 0, 0]),
            tolerance: Some(20),
            from: Some(Color::Rgb([0, 255, 0])),
        })
    );
    assert_eq!(
        p("e-distort-p-1_2_3_4_5_6_7_N8").distort,
        Some(Distort::Perspective([1, 2, 3, 4, 5, 6, 7, -8]))
    );
    assert_eq!(p("e-distort-a-N30").distort, Some(Distort::Arc(-30.0)));
    assert_eq!(p("n-thumb").named.as_deref(), Some("thumb"));
}

#[test]
fn params_sort_into_canonical_order() {
    let a = check("h-300,w-400", "w-400,h-300", &ParseOptions::default());
    let b = check("w-400,h-300", "w-400,h-300", &ParseOptions::default());
    assert_eq!(a, b);
    check(
        "q-50,f-jpeg,e-grayscale,rt-90,bl-5.00,w-100,n-base",
        "n-base,w-100,rt-90,e-grayscale,bl-5,f-jpg,q-50",
        &ParseOptions::default(),
    );
    // Steps keep their order.
    check(
        "w-400,h-300:rt-90",
        "w-400,h-300:rt-90",
        &ParseOptions::default(),
    );
    check(
        "rt-90:w-400,h-300",
        "rt-90:w-400,h-300",
        &ParseOptions::default(),
    );
}

#[test]
fn layers_parse_and_print() {
    let t = check(
        "l-image,i-path@@to@@overlay.png,lx-N35,ly-N0,w-100,l-end",
        "l-image,i-path@@to@@overlay.png,lx-N35,ly-0,w-100,l-end",
        &ParseOptions::default(),
    );
    let l = &only_params(&t).layers[0];
    assert_eq!(l.kind, LayerKind::Image);
    assert_eq!(
        l.input,
        Some(LayerInput::Plain("path/to/overlay.png".into()))
    );
    assert_eq!(l.position.lx, Some(SignedCoord::Px(-35)));
    assert_eq!(l.position.ly, Some(SignedCoord::Px(0)));
    assert_eq!(l.steps.len(), 1);

    // Text layer with every styling key, written out of order.
    let t = check(
        "l-text,lh-40,tg-i_b,al-5,pa-10_20,ia-left,co-0000FF,ff-fonts@@Poppins-Regular_Q15GrYWmL.ttf,fs-bh_div_10,i-Hello%20World%2C%20you,lm-multiply,lfo-top_left,lap-center,lxc-bw_div_2,lyc-20,l-end",
        "l-text,i-Hello%20World%2C%20you,fs-bh_div_10,ff-fonts@@Poppins-Regular_Q15GrYWmL.ttf,co-0000FF,ia-left,pa-10_20,al-5,tg-b_i,lh-40,lxc-bw_div_2,lyc-20,lap-center,lfo-top_left,lm-multiply,l-end",
        &ParseOptions::default(),
    );
    let l = &only_params(&t).layers[0];
    assert_eq!(l.input, Some(LayerInput::Plain("Hello World, you".into())));
    assert_eq!(
        l.text,
        TextStyle {
            font_size: Some(Coord::Expr(e(
                Operand::Var(Var::Bh),
                &[(Op::Div, Operand::Number(10.0))]
            ))),
            font_family: Some("fonts/Poppins-Regular_Q15GrYWmL.ttf".into()),
            color: Some(Color::Rgb([0, 0, 255])),
            inner_align: Some(TextAlign::Left),
            padding: Some(Padding::Values(vec![10, 20])),
            alpha: Some(5),
            typography: Some("b_i".into()),
            line_height: Some(Coord::Px(40)),
        }
    );
    assert_eq!(
        l.position,
        LayerPosition {
            lx: None,
            ly: None,
            lxc: Some(SignedCoord::Expr(e(
                Operand::Var(Var::Bw),
                &[(Op::Div, Operand::Number(2.0))]
            ))),
            lyc: Some(SignedCoord::Px(20)),
            anchor: Some(Position::Center),
            focus: Some(Position::TopLeft),
            blend: Some(BlendMode::Multiply),
        }
    );
    assert!(l.steps.is_empty());

    // Layers print after the step's params, in order of appearance.
    check(
        "l-text,i-b,l-end,w-100,l-image,i-a.png,l-end",
        "w-100,l-text,i-b,l-end,l-image,i-a.png,l-end",
        &ParseOptions::default(),
    );
    // Layer keys from later layer steps move to the layer header; emptied steps vanish.
    check(
        "l-image,i-a.png:rt-90,lx-10:ly-5,l-end",
        "l-image,i-a.png,lx-10,ly-5,rt-90,l-end",
        &ParseOptions::default(),
    );
    // `ie` wins over `i` (ImageKit ignores `i` when both are given).
    let t = check(
        "l-text,i-ignored,ie-aGVsbG8%3D,l-end",
        "l-text,ie-aGVsbG8%3D,l-end",
        &ParseOptions::default(),
    );
    assert_eq!(
        only_params(&t).layers[0].input,
        Some(LayerInput::Base64("aGVsbG8=".into()))
    );
}

#[test]
fn nested_layers_from_the_arithmetic_docs() {
    // §1.3 rule 1 (the docs elide parts with `…`; filled in with documented keys).
    let s = "l-image,i-women-dress.jpeg,w-bw_div_3,lx-bw_mul_0.6,ly-bh_mul_0.1:l-image,i-logo.png,w-cw_div_4,l-end,l-end";
    let t = check(
        s,
        "l-image,i-women-dress.jpeg,lx-bw_mul_0.6,ly-bh_mul_0.1,w-bw_div_3:l-image,i-logo.png,w-cw_div_4,l-end,l-end",
        &ParseOptions::default(),
    );
    let outer = &only_params(&t).layers[0];
    assert_eq!(outer.steps.len(), 2);
    let Step::Params(second) = &outer.steps[1] else {
        panic!("expected a plain second layer step")
    };
    assert_eq!(second.layers.len(), 1);
    assert_eq!(
        second.layers[0].input,
        Some(LayerInput::Plain("logo.png".into()))
    );

    // Three levels are fine, four are a limit error.
    let three = "l-image,i-a,l-image,i-b,l-image,i-c,l-end,l-end,l-end";
    check(three, three, &ParseOptions::default());
    let four = "l-image,i-a,l-image,i-b,l-image,i-c,l-image,i-d,l-end,l-end,l-end,l-end";
    let err = strict(four).unwrap_err();
    assert_eq!(err.kind, SpecErrorKind::Limit);
    assert_eq!(err.offset, 36);
    assert_eq!(err.token, "l-image");
}

#[test]
fn conditionals() {
    let s = "if-h_gte_100_and_h_lte_400_or_ar_lt_4-3,w-100:rt-90,if-else,h-50,if-end";
    let t = check(s, s, &ParseOptions::default());
    let [Step::If(b)] = t.steps.as_slice() else {
        panic!("expected one if-step")
    };
    assert_eq!(
        b.condition,
        Condition {
            any_of: vec![
                vec![
                    Clause {
                        property: CondProperty::H,
                        op: CompareOp::Gte,
                        value: CondValue::Number(100.0)
                    },
                    Clause {
                        property: CondProperty::H,
                        op: CompareOp::Lte,
                        value: CondValue::Number(400.0)
                    },
                ],
                vec![Clause {
                    property: CondProperty::Ar,
                    op: CompareOp::Lt,
                    value: CondValue::Ratio(4.0, 3.0)
                }],
            ]
        }
    );
    assert_eq!(b.then.len(), 2);
    assert_eq!(b.otherwise.as_ref().map(Vec::len), Some(1));

    // The documented chained example (with `cm-` for the docs' `c-pad_resize` typo).
    let t = check(
        "h-200,cm-pad_resize:if-h_eq_200,w-100,if-end:rt-90",
        "h-200,cm-pad_resize:if-h_eq_200,w-100,if-end:rt-90",
        &ParseOptions::default(),
    );
    assert_eq!(t.steps.len(), 3);
    let err = strict("h-200,c-pad_resize:if-h_eq_200,w-100,if-end:rt-90").unwrap_err();
    assert_eq!(err.kind, SpecErrorKind::InvalidValue);
    assert!(err.reason.contains("cm-pad_resize"), "{}", err.reason);

    // Nested if-blocks and decimals.
    let s = "if-iw_gt_200.55,if-iar_eq_16-9,w-100,if-end,if-end";
    check(s, s, &ParseOptions::default());
    // An if-block inside a layer, after the layer keys.
    check(
        "l-image,i-a.png,if-w_gt_10,rt-90,if-end,l-end",
        "l-image,i-a.png:if-w_gt_10,rt-90,if-end,l-end",
        &ParseOptions::default(),
    );

    // An if-block must occupy a whole step (§1.6 invalid examples).
    for (bad, off) in [
        ("h-400:rt-90,if-h_gt_1,w-1,if-end:w-2", 12),
        ("if-h_gt_1,w-1,if-end,bl-10:w-2", 21),
        ("h-100,if-h_gt_1,w-1,if-end", 6),
    ] {
        let err = strict(bad).unwrap_err();
        assert_eq!(
            (err.kind, err.offset),
            (SpecErrorKind::Syntax, off),
            "{bad}: {err}"
        );
    }
}

#[test]
fn sdk_wire_strings() {
    // Text layer from the signing vectors (query form after decoding).
    let t = check(
        "l-text,ie-4KS54KS%2F4KSo4KWN4KSm4KWA,co-red,fs-32,ff-sdk-testing-files@@Poppins-Regular_Q15GrYWmL.ttf,l-end",
        "l-text,ie-4KS54KS%2F4KSo4KWN4KSm4KWA,fs-32,ff-sdk-testing-files@@Poppins-Regular_Q15GrYWmL.ttf,co-red,l-end",
        &ParseOptions::default(),
    );
    assert_eq!(
        only_params(&t).layers[0].input,
        Some(LayerInput::Base64("4KS54KS/4KSo4KWN4KSm4KWA".into()))
    );
    // SDK-node-old: query form with percent-encoded separators and UTF-8 text.
    let t = check(
        "tr=l-text%2Ci-Imagekit%C3%A9%2Cfs-50%2Cl-end",
        "l-text,i-Imagekit%C3%A9,fs-50,l-end",
        &ParseOptions::default(),
    );
    assert_eq!(
        only_params(&t).layers[0].input,
        Some(LayerInput::Plain("Imagekité".into()))
    );
    check("tr=w-300%2Ch-300", "w-300,h-300", &ParseOptions::default());
    check(
        "tr:w-300,h-300,c-at_max:rt-90",
        "w-300,h-300,c-at_max:rt-90",
        &ParseOptions::default(),
    );
    check(
        "c-force,cm-extract",
        "c-force,cm-extract",
        &ParseOptions::default(),
    );
    check("fo-car,ar-2_1", "ar-2-1,fo-car", &ParseOptions::default());
    check("w-100,dpr-auto", "w-100,dpr-auto", &ParseOptions::default());
    check(
        "f-jpg,w-200,bg-pink",
        "w-200,bg-pink,f-jpg",
        &ParseOptions::default(),
    );
    check("w-500:e-shadow", "w-500:e-shadow", &ParseOptions::default());
    // Solid-colour block (§5.6): `al` is allowed in image layers too.
    check(
        "l-image,i-ik_canvas,bg-FF000050,w-bw_div_2,h-bh_div_2,al-5,r-max,l-end",
        "l-image,i-ik_canvas,al-5,w-bw_div_2,h-bh_div_2,r-max,bg-FF000050,l-end",
        &ParseOptions::default(),
    );
    // Gradient as underlay (§4.7).
    check(
        "e-gradient-from-red_to-white:l-image,i-same.jpg,t-false,l-end",
        "e-gradient-from-red_to-white:l-image,i-same.jpg,t-false,l-end",
        &ParseOptions::default(),
    );
    check(
        "l-text,i-Hi,ff-Lacquer-Regular_nGqtVsBJT.ttf,l-end",
        "l-text,i-Hi,ff-Lacquer-Regular_nGqtVsBJT.ttf,l-end",
        &ParseOptions::default(),
    );
}

#[test]
fn lenient_mode_keeps_unknown_keys() {
    // SDK tests pass unknown keys through verbatim.
    let t = check(
        "rndm_trnsf-abcd,w-300,undefined-transform-true",
        "w-300,rndm_trnsf-abcd,undefined-transform-true",
        &ParseOptions::lenient(),
    );
    assert_eq!(
        only_params(&t).unknown,
        vec![
            UnknownParam {
                key: "rndm_trnsf".into(),
                value: Some("abcd".into())
            },
            UnknownParam {
                key: "undefined".into(),
                value: Some("transform-true".into())
            },
        ]
    );
    check("e-foo-1,bare", "e-foo-1,bare", &ParseOptions::lenient());
    let err = strict("w-300,rndm_trnsf-abcd").unwrap_err();
    assert_eq!(
        (err.kind, err.offset, err.token.as_str()),
        (SpecErrorKind::UnknownKey, 6, "rndm_trnsf-abcd")
    );
    // Lenient mode does not relax anything else.
    assert_eq!(
        lenient("w-abc").unwrap_err().kind,
        SpecErrorKind::InvalidValue
    );
    assert_eq!(
        lenient("oi-a.png").unwrap_err().kind,
        SpecErrorKind::Retired
    );
    assert_eq!(
        lenient("e-bgremove").unwrap_err().kind,
        SpecErrorKind::AiOnly
    );
    assert_eq!(
        lenient("vc-h264").unwrap_err().kind,
        SpecErrorKind::VideoOnly
    );
    assert_eq!(lenient("tr").unwrap_err().kind, SpecErrorKind::Syntax);
    assert_eq!(lenient("a=b").unwrap_err().kind, SpecErrorKind::Syntax);
}

/// (input, kind, offset, token) for every error class.
#[test]
fn every_error_class_with_its_offset() {
    use SpecErrorKind as K;
    let cases: &[(&str, K, usize, &str)] = &[
        // Syntax
        ("w-100,,h-100", K::Syntax, 6, ""),
        ("w-100:", K::Syntax, 6, ""),
        ("", K::Syntax, 0, ""),
        ("tr:", K::Syntax, 3, "tr:"),
        ("l-image,i-a.png", K::Syntax, 0, "l-image"),
        ("w-1,l-end", K::Syntax, 4, "l-end"),
        ("w-1,if-end", K::Syntax, 4, "if-end"),
        ("if-w_gt_1,w-1", K::Syntax, 0, "if-w_gt_1"),
        ("if-w_gt_1,if-end", K::Syntax, 0, "if-w_gt_1"),
        ("if-w_gt_1,w-1,if-else,h-1,if-else,h-2,if-end", K::Syntax, 26, "if-else"),
        ("l-image,w-10,l-end", K::Syntax, 0, "l-image"),
        ("l-foo,i-a,l-end", K::Syntax, 0, "l-foo"),
        ("tr:w-1/path/img.jpg", K::Syntax, 6, "path/img.jpg"),
        // Encoding
        ("l-text,i-bad%zz,l-end", K::Encoding, 12, "i-bad%zz"),
        ("tr=w-1%2", K::Encoding, 6, "%2"),
        ("tr=l-text%2Ci-%FF%2Cl-end", K::Encoding, 14, "%FF%2Cl-end"),
        // Unknown key
        ("w-100,foo-1", K::UnknownKey, 6, "foo-1"),
        ("tr=w-100%2Cfoo-1", K::UnknownKey, 11, "foo-1"),
        ("/tr:w-100,foo-1", K::UnknownKey, 10, "foo-1"),
        ("e-blur-5", K::UnknownKey, 0, "e-blur-5"),
        // Invalid value
        ("w-100,q-101", K::InvalidValue, 6, "q-101"),
        ("w-0", K::InvalidValue, 0, "w-0"),
        ("w-300.5", K::InvalidValue, 0, "w-300.5"),
        ("h-auto", K::InvalidValue, 0, "h-auto"),
        ("ar-4:3", K::InvalidValue, 0, "ar-4"),
        ("dpr-6", K::InvalidValue, 0, "dpr-6"),
        ("fo-unicorn", K::InvalidValue, 0, "fo-unicorn"),
        ("fo-car_dog", K::InvalidValue, 0, "fo-car_dog"),
        ("bg-FFF", K::InvalidValue, 0, "bg-FFF"),
        ("bg-FF0000AA", K::InvalidValue, 0, "bg-FF0000AA"),
        ("bg-blurred_101", K::InvalidValue, 0, "bg-blurred_101"),
        ("b-5", K::InvalidValue, 0, "b-5"),
        ("e-shadow-bl-16", K::InvalidValue, 0, "e-shadow-bl-16"),
        ("e-shadow-bl-1_bl-2", K::InvalidValue, 0, "e-shadow-bl-1_bl-2"),
        ("e-usm-1-2-3", K::InvalidValue, 0, "e-usm-1-2-3"),
        ("e-grayscale-true", K::InvalidValue, 0, "e-grayscale-true"),
        ("w", K::InvalidValue, 0, "w"),
        ("w-", K::InvalidValue, 0, "w-"),
        ("if-x_gt_1,w-1,if-end", K::InvalidValue, 0, "if-x_gt_1"),
        ("if-w_gt_4-3,w-1,if-end", K::InvalidValue, 0, "if-w_gt_4-3"),
        ("n-bad!name", K::InvalidValue, 0, "n-bad!name"),
        ("l-image,ie-a*b,l-end", K::InvalidValue, 8, "ie-a*b"),
        // Duplicate key
        ("w-100,h-1,w-200", K::DuplicateKey, 10, "w-200"),
        ("e-grayscale,e-grayscale", K::DuplicateKey, 12, "e-grayscale"),
        ("l-image,i-a,i-b,l-end", K::DuplicateKey, 12, "i-b"),
        ("f-jpg,f-jpeg", K::DuplicateKey, 6, "f-jpeg"),
        // Misplaced
        ("lx-10", K::Misplaced, 0, "lx-10"),
        ("w-1,fs-10", K::Misplaced, 4, "fs-10"),
        ("l-image,i-a.png,fs-10,l-end", K::Misplaced, 16, "fs-10"),
        ("if-w_gt_1,pg-2,if-end", K::Misplaced, 10, "pg-2"),
        ("l-image,i-a.png,di-b.png,l-end", K::Misplaced, 16, "di-b.png"),
        ("l-image,i-a.png:if-w_gt_1,lx-5,if-end,l-end", K::Misplaced, 26, "lx-5"),
        // Conflict
        ("l-image,i-a.png,lx-1,lxc-2,l-end", K::Conflict, 0, "l-image"),
        // Retired
        ("w-1,oi-logo.png", K::Retired, 4, "oi-logo.png"),
        ("ot-Hello", K::Retired, 0, "ot-Hello"),
        ("ox-10", K::Retired, 0, "ox-10"),
        ("otbg-red", K::Retired, 0, "otbg-red"),
        // AI-only
        ("e-bgremove", K::AiOnly, 0, "e-bgremove"),
        ("w-1,e-dropshadow-az-45", K::AiOnly, 4, "e-dropshadow-az-45"),
        ("e-changebg-prompt-snow", K::AiOnly, 0, "e-changebg-prompt-snow"),
        ("bg-genfill", K::AiOnly, 0, "bg-genfill"),
        ("e-upscale", K::AiOnly, 0, "e-upscale"),
        // Video-only
        ("vc-h264", K::VideoOnly, 0, "vc-h264"),
        ("w-1,so-5", K::VideoOnly, 4, "so-5"),
        ("l-video,i-a.mp4,l-end", K::VideoOnly, 0, "l-video"),
        ("f-mp4", K::VideoOnly, 0, "f-mp4"),
        // Limits
        ("w-iw_add_1_add_1_add_1_add_1_add_1_add_1_add_1_add_1_add_1_add_1_add_1_add_1_add_1_add_1_add_1_add_1", K::InvalidValue, 0, ""),
    ];
    for (input, kind, offset, token) in cases {
        let err = strict(input).expect_err(input);
        assert_eq!(err.kind, *kind, "`{input}`: {err}");
        assert_eq!(err.offset, *offset, "`{input}`: {err}");
        if !token.is_empty() || input.is_empty() {
            assert_eq!(err.token, *token, "`{input}`: {err}");
        }
        assert_eq!(
            err.to_string(),
            format!("at byte {}, `{}`: {}", err.offset, err.token, err.reason)
        );
    }
    let err = strict("w-1,oi-logo.png").unwrap_err();
    assert_eq!(
        err.reason,
        "`oi` is ImageKit's retired overlay syntax (400 since 2023-11-01); use l-image,i-…,l-end"
    );
}

#[test]
fn limits_are_enforced() {
    use SpecErrorKind as K;
    let long = "w-1,".repeat(3000);
    let err = strict(&long).unwrap_err();
    assert_eq!((err.kind, err.offset), (K::Limit, 8192));

    let many_steps = vec!["w-1"; 65].join(":");
    let err = strict(&many_steps).unwrap_err();
    assert_eq!(err.kind, K::Limit);
    assert!(strict(&vec!["w-1"; 64].join(":")).is_ok());

    let many_params = (0..65).map(|_| "zz-1").collect::<Vec<_>>().join(",");
    let err = lenient(&many_params).unwrap_err();
    assert_eq!((err.kind, err.offset), (K::Limit, 64 * 5));

    let mut deep_if = String::new();
    for _ in 0..5 {
        deep_if.push_str("if-w_gt_1,");
    }
    deep_if.push_str("w-1");
    for _ in 0..5 {
        deep_if.push_str(",if-end");
    }
    let err = strict(&deep_if).unwrap_err();
    assert_eq!((err.kind, err.offset), (K::Limit, 40));

    let ops = |n: usize| format!("w-iw{}", "_add_1".repeat(n - 1));
    assert!(strict(&ops(16)).is_ok());
    let err = strict(&ops(17)).unwrap_err();
    assert_eq!(err.kind, K::InvalidValue);
    assert!(err.reason.contains("at most 16 operands"), "{}", err.reason);

    let clauses = |n: usize| format!("if-{},w-1,if-end", vec!["w_gt_1"; n].join("_and_"));
    assert!(strict(&clauses(16)).is_ok());
    assert!(strict(&clauses(17))
        .unwrap_err()
        .reason
        .contains("at most 16 clauses"));

    // Custom limits.
    let opts = ParseOptions {
        mode: Mode::Strict,
        limits: SpecLimits {
            max_len: 5,
            ..SpecLimits::default()
        },
    };
    assert_eq!(parse("w-1000", &opts).unwrap_err().kind, K::Limit);
    assert!(parse("w-100", &opts).is_ok());
}

#[test]
fn named_transformations_expand() {
    let mut reg = NamedTransforms::new();
    reg.insert("thumb", "tr:w-300,h-200,bl-10").unwrap();
    reg.insert("two", "w-300:rt-90").unwrap();
    reg.insert("nested", "n-two:e-grayscale").unwrap();
    reg.insert("cond", "if-w_gt_1,w-1,if-end").unwrap();
    reg.insert("loop_a", "n-loop_b").unwrap();
    reg.insert("loop_b", "n-loop_a").unwrap();
    reg.insert("paged", "pg-2").unwrap();
    assert_eq!(reg.len(), 7);
    assert_eq!(
        reg.insert("bad-name", "w-1").unwrap_err().kind,
        SpecErrorKind::InvalidValue
    );
    assert_eq!(
        reg.insert("ok", "w-abc").unwrap_err().kind,
        SpecErrorKind::InvalidValue
    );

    let x = |s: &str| strict(s).unwrap().expand_named(&reg);
    assert_eq!(x("n-thumb").unwrap().to_string(), "w-300,h-200,bl-10");
    // Multi-step chains splice; other params join the last step.
    assert_eq!(
        x("n-two,q-50:bl-2").unwrap().to_string(),
        "w-300:rt-90,q-50:bl-2"
    );
    assert_eq!(
        x("n-nested").unwrap().to_string(),
        "w-300:rt-90:e-grayscale"
    );
    // Inside layers and if-branches too.
    assert_eq!(
        x("l-image,i-a.png,n-thumb,l-end").unwrap().to_string(),
        "l-image,i-a.png,w-300,h-200,bl-10,l-end"
    );
    assert_eq!(
        x("if-w_gt_1,n-two,if-end").unwrap().to_string(),
        "if-w_gt_1,w-300:rt-90,if-end"
    );
    // The expanded transform holds no `named`.
    let t = x("n-thumb:n-two").unwrap();
    assert!(t
        .steps
        .iter()
        .all(|s| matches!(s, Step::Params(p) if p.named.is_none())));

    let err = x("n-nope").unwrap_err();
    assert_eq!(
        (err.kind, err.token.as_str()),
        (SpecErrorKind::UnknownName, "n-nope")
    );
    assert_eq!(
        x("n-thumb,w-1").unwrap_err().kind,
        SpecErrorKind::DuplicateKey
    );
    assert_eq!(x("n-cond,w-1").unwrap_err().kind, SpecErrorKind::Conflict);
    assert_eq!(x("n-loop_a").unwrap_err().kind, SpecErrorKind::Limit);
    assert_eq!(
        x("if-w_gt_1,n-paged,if-end").unwrap_err().kind,
        SpecErrorKind::Misplaced
    );
}

// ---- signing (reference §7.3: every vector, both directions) ----

const DEMO: &str = "https://ik.imagekit.io/demo/";

/// (key, endpoint, rel, expiry, ik-s)
const VECTORS: &[(&str, &str, &str, Option<u64>, &str)] = &[
    ("dummy-key", DEMO, "sdk-testing-files/future-search.png", None, "32dbbbfc5f945c0403c71b54c38e76896ef2d6b0"),
    ("dummy-key", DEMO, "sdk-testing-files/future-search.png?version=1.0&cache=false", None, "f2e5a1b8b6a0b03fd63789dfc6413a94acef9fd8"),
    ("dummy-key", DEMO, "sdk-testing-files/future-search.png?version=2.0&tr=w-300,h-200", None, "601d97a7834b7554f4dabf0d3fc3a219ceeb6b31"),
    ("dummy-key", DEMO, "tr:w-300,h-200/sdk-testing-files/future-search.png?version=2.0", None, "dd1ee8f83d019bc59fd57a5fc4674a11eb8a3496"),
    ("dummy-key", DEMO, "sdk-testing-files/%E0%A4%B9%E0%A4%BF%E0%A4%A8%E0%A5%8D%E0%A4%A6%E0%A5%80.png", None, "3fff2f31da1f45e007adcdbe95f88c8c330e743c"),
    ("dummy-key", DEMO, "sdk-testing-files/%E0%A4%B9%E0%A4%BF%E0%A4%A8%E0%A5%8D%E0%A4%A6%E0%A5%80.png?tr=l-text,ie-4KS54KS%2F4KSo4KWN4KSm4KWA,co-red,fs-32,ff-sdk-testing-files@@Poppins-Regular_Q15GrYWmL.ttf,l-end", None, "ac9f24a03080102555e492185533c1ae6bd93fa7"),
    ("test_private_key", "https://ik.imagekit.io/test_url_endpoint", "test_path_alt.jpg", None, "e26ca157df99b30b2443d7cb6886fc396fb4c87b"),
    ("dummy-key", DEMO, "sdk-testing-files/future-search.png", Some(1_700_000_000), "d1e775e43babba53d584f2ea19aaa14939210f6d"),
    ("dummy-key", DEMO, "tr:w-300,h-200/sdk-testing-files/future-search.png", Some(1_700_000_000), "39b318bcffb31dfc5f079837b1784e964bee2c98"),
];

fn join(endpoint: &str, rel: &str) -> String {
    format!("{}/{rel}", endpoint.trim_end_matches('/'))
}

#[test]
fn signing_vectors_sign() {
    for (key, endpoint, rel, expiry, sig) in VECTORS {
        let url = join(endpoint, rel);
        let signed = sign_url(&url, endpoint, key, *expiry).unwrap();
        let sep = if rel.contains('?') { '&' } else { '?' };
        let expected = match expiry {
            None => format!("{url}{sep}ik-s={sig}"),
            Some(t) => format!("{url}{sep}ik-t={t}&ik-s={sig}"),
        };
        assert_eq!(signed, expected);
    }
}

#[test]
fn signing_vectors_verify() {
    for (key, endpoint, rel, expiry, sig) in VECTORS {
        let url = join(endpoint, rel);
        let sep = if rel.contains('?') { '&' } else { '?' };
        let now = 1_600_000_000;
        let signed = match expiry {
            None => format!("{url}{sep}ik-s={sig}"),
            // Java order: ik-s before ik-t; order must not matter.
            Some(t) => format!("{url}{sep}ik-s={sig}&ik-t={t}"),
        };
        assert_eq!(verify_url(&signed, endpoint, key, now), Ok(()), "{signed}");
        // Upper-case hex verifies too.
        let upper = signed.replace(sig, &sig.to_uppercase());
        assert_eq!(verify_url(&upper, endpoint, key, now), Ok(()));
        // Another key, a changed URL or a flipped digit do not.
        assert_eq!(
            verify_url(&signed, endpoint, "other", now),
            Err(SignError::Mismatch)
        );
        let tampered = signed
            .replacen(".png", ".jpg", 1)
            .replacen("alt.jpg", "alt.png", 1);
        assert_eq!(
            verify_url(&tampered, endpoint, key, now),
            Err(SignError::Mismatch)
        );
        let mut flipped = signed.clone();
        let last = flipped.pop().unwrap();
        flipped.push(if last == '0' { '1' } else { '0' });
        if expiry.is_none() {
            assert_eq!(
                verify_url(&flipped, endpoint, key, now),
                Err(SignError::Mismatch)
            );
        }
        // Expiry.
        if let Some(t) = expiry {
            assert_eq!(verify_url(&signed, endpoint, key, *t), Ok(()));
            assert_eq!(
                verify_url(&signed, endpoint, key, t + 1),
                Err(SignError::Expired(*t))
            );
        }
    }
    assert_eq!(
        verify_url(&format!("{DEMO}a.png"), DEMO, "k", 0),
        Err(SignError::Missing)
    );
    assert!(matches!(
        verify_url(&format!("{DEMO}a.png?ik-t=soon&ik-s=00"), DEMO, "k", 0),
        Err(SignError::Malformed(_))
    ));
    assert!(matches!(
        verify_url("https://elsewhere/a.png?ik-s=00", DEMO, "k", 0),
        Err(SignError::Malformed(_))
    ));
    assert!(matches!(
        sign_url("https://elsewhere/a.png", DEMO, "k", None),
        Err(SignError::Malformed(_))
    ));
}

// ---- property: parse ∘ print is the identity on generated transforms ----

mod prop {
    use super::*;
    use proptest::collection::vec;
    use proptest::option::weighted;
    use proptest::prelude::*;
    use proptest::sample::select;

    fn pos_dec() -> impl Strategy<Value = f64> {
        (1u32..200_000).prop_map(|n| f64::from(n) / 100.0)
    }
    fn dec0() -> impl Strategy<Value = f64> {
        (0u32..200_000).prop_map(|n| f64::from(n) / 100.0)
    }
    fn signed_dec() -> impl Strategy<Value = f64> {
        (-100_000i32..100_000).prop_map(|n| f64::from(n) / 100.0)
    }
    fn var() -> impl Strategy<Value = Var> {
        select(vec![
            Var::Iw,
            Var::Ih,
            Var::Iar,
            Var::Cw,
            Var::Ch,
            Var::Car,
            Var::Bw,
            Var::Bh,
            Var::Bar,
        ])
    }
    fn operand() -> impl Strategy<Value = Operand> {
        prop_oneof![
            var().prop_map(Operand::Var),
            dec0().prop_map(Operand::Number)
        ]
    }
    fn op() -> impl Strategy<Value = Op> {
        select(vec![Op::Add, Op::Sub, Op::Mul, Op::Div, Op::Mod, Op::Pow])
    }
    /// Expressions as the parser produces them: a variable or at least one operator.
    fn expr() -> impl Strategy<Value = Expr> {
        (operand(), vec((op(), operand()), 0..4)).prop_map(|(first, rest)| {
            let first = if rest.is_empty() {
                Operand::Var(Var::Iw)
            } else {
                first
            };
            Expr { first, rest }
        })
    }
    fn color() -> impl Strategy<Value = Color> {
        prop_oneof![
            any::<[u8; 3]>().prop_map(Color::Rgb),
            (any::<[u8; 3]>(), 0u8..=99).prop_map(|(c, a)| Color::Rgba(c, a)),
            select(vec![
                Color::Named("red", [255, 0, 0]),
                Color::Named("grey", [128, 128, 128]),
                Color::Named("lightgoldenrodyellow", [250, 250, 210]),
                Color::Named("aliceblue", [240, 248, 255]),
                Color::Named("yellowgreen", [154, 205, 50]),
            ]),
        ]
    }
    fn position() -> impl Strategy<Value = Position> {
        select(vec![
            Position::Center,
            Position::Top,
            Position::Bottom,
            Position::Left,
            Position::Right,
            Position::TopLeft,
            Position::TopRight,
            Position::BottomLeft,
            Position::BottomRight,
        ])
    }
    fn dim(auto: bool) -> BoxedStrategy<Dim> {
        let base = prop_oneof![
            (1u32..100_000).prop_map(Dim::Px),
            (1u32..1000).prop_map(|n| Dim::Fraction(f64::from(n) / 1000.0)),
            expr().prop_map(Dim::Expr),
        ];
        if auto {
            prop_oneof![base, Just(Dim::Auto)].boxed()
        } else {
            base.boxed()
        }
    }
    fn coord(min: u32) -> impl Strategy<Value = Coord> {
        prop_oneof![
            (min..100_000).prop_map(Coord::Px),
            expr().prop_map(Coord::Expr)
        ]
    }
    fn signed_coord() -> impl Strategy<Value = SignedCoord> {
        prop_oneof![
            (-100_000i64..100_000).prop_map(SignedCoord::Px),
            expr().prop_map(SignedCoord::Expr)
        ]
    }
    fn some<T: std::fmt::Debug>(s: impl Strategy<Value = T>) -> impl Strategy<Value = Option<T>> {
        weighted(0.12, s)
    }

    #[derive(Clone, Copy)]
    struct Ctx {
        depth: u32,
        layer_depth: u32,
        in_layer: bool,
        in_if: bool,
    }

    fn params(ctx: Ctx) -> BoxedStrategy<StepParams> {
        let g1 = (
            some("[A-Za-z0-9_]{1,8}"),
            some(any::<bool>()),
            some(prop_oneof![
                (1u32..1000).prop_map(PageSelect::Single),
                select(vec![
                    "1_3_5",
                    "2-4",
                    "4-",
                    "2_3-4",
                    "name-\"layer-4\"_\"a,b:c %\""
                ])
                .prop_map(|s| PageSelect::Psd(s.to_owned())),
            ]),
            some("[a-z0-9]{1,5}(/[a-z0-9 é%@,:]{1,5}){0,2}"),
            some(prop_oneof![
                Just(Trim::On),
                Just(Trim::Off),
                (1u8..=99).prop_map(Trim::Threshold)
            ]),
            some(dim(true)),
            some(dim(false)),
            some(prop_oneof![
                (pos_dec(), pos_dec()).prop_map(|(w, h)| AspectRatio::Ratio(w, h)),
                expr().prop_map(AspectRatio::Expr)
            ]),
            some(prop_oneof![
                (1u32..=50).prop_map(|n| Dpr::Value(f64::from(n) / 10.0)),
                Just(Dpr::Auto),
                expr().prop_map(Dpr::Expr)
            ]),
            some(select(vec![
                Crop::MaintainRatio,
                Crop::MaintainRatioNoEnlarge,
                Crop::Force,
                Crop::AtMax,
                Crop::AtMaxEnlarge,
                Crop::AtLeast,
            ])),
            some(select(vec![
                CropMode::PadResize,
                CropMode::PadResizeNoEnlarge,
                CropMode::Extract,
                CropMode::PadExtract,
                CropMode::PadExtractNoShrink,
            ])),
            some(prop_oneof![
                position().prop_map(Focus::Position),
                Just(Focus::Auto),
                Just(Focus::Face),
                Just(Focus::Custom),
                select(vec!["car", "trafficLight", "teddyBear", "person"])
                    .prop_map(|s| Focus::Object(s.to_owned())),
            ]),
        );
        let g2 = (
            some(coord(0)),
            some(coord(0)),
            some(coord(0)),
            some(coord(0)),
            some(pos_dec()),
            some(prop_oneof![
                signed_dec().prop_map(Rotation::Degrees),
                Just(Rotation::Auto)
            ]),
            some(select(vec![Flip::Horizontal, Flip::Vertical, Flip::Both])),
            weighted(0.1, Just(())).prop_map(|o| o.is_some()),
            weighted(0.1, Just(())).prop_map(|o| o.is_some()),
            some(
                (some(color()), some(0u8..=100))
                    .prop_map(|(color, intensity)| Colorize { color, intensity }),
            ),
            some(
                (color(), some((0u8..=100, some(color())))).prop_map(|(to, rest)| ColorReplace {
                    to,
                    tolerance: rest.as_ref().map(|r| r.0),
                    from: rest.and_then(|r| r.1),
                }),
            ),
            some((1u32..=10_000).prop_map(|n| f64::from(n) / 100.0)),
        );
        let g3 = (
            some(proptest::option::of(dec0())),
            some(proptest::option::of(
                (dec0(), pos_dec(), pos_dec(), dec0()).prop_map(
                    |(radius, sigma, amount, threshold)| Unsharp {
                        radius,
                        sigma,
                        amount,
                        threshold,
                    },
                ),
            )),
            some(
                (
                    some(0u16..360),
                    some(color()),
                    some(color()),
                    some(prop_oneof![
                        pos_dec().prop_map(StopPoint::Number),
                        expr().prop_map(StopPoint::Expr)
                    ]),
                )
                    .prop_map(|(direction, from, to, stop)| Gradient {
                        direction,
                        from,
                        to,
                        stop,
                    }),
            ),
            some(
                (
                    some(0u8..=15),
                    some(0u8..=100),
                    some(-100i8..=100),
                    some(-100i8..=100),
                )
                    .prop_map(|(blur, saturation, x, y)| Shadow {
                        blur,
                        saturation,
                        x,
                        y,
                    }),
            ),
            some(prop_oneof![
                any::<[i16; 8]>().prop_map(|a| Distort::Perspective(a.map(i32::from))),
                signed_dec().prop_map(Distort::Arc)
            ]),
            some(prop_oneof![
                (1u32..10_000).prop_map(Radius::All),
                Just(Radius::Max),
                any::<[u16; 4]>().prop_map(|a| Radius::Corners(a.map(u32::from)))
            ]),
            some((coord(1), color()).prop_map(|(width, color)| Border { width, color })),
            some(0u8..=100),
            some(prop_oneof![
                color().prop_map(Background::Color),
                (some(0u8..=100), -255i16..=255).prop_map(|(intensity, brightness)| {
                    Background::Blurred {
                        intensity,
                        brightness,
                    }
                }),
                Just(Background::Dominant),
                Just(Background::GradientDominant(2)),
                Just(Background::GradientDominant(4)),
            ]),
        );
        let g4 = (
            some(select(vec![
                Format::Auto,
                Format::Jpeg,
                Format::Png,
                Format::Webp,
                Format::Avif,
                Format::Gif,
                Format::Svg,
                Format::Orig,
            ])),
            some((1u8..=100).prop_map(|q| Quality::new(q).unwrap())),
            some(any::<bool>()),
            some(any::<bool>()),
            some(any::<bool>()),
            some(any::<bool>()),
            if ctx.depth > 0 && ctx.layer_depth < 3 {
                vec(layer(ctx), 0..=1).boxed()
            } else {
                Just(Vec::new()).boxed()
            },
            vec(
                ("zz[a-z_]{0,4}", proptest::option::of("[a-z0-9%=-]{0,5}"))
                    .prop_map(|(key, value)| UnknownParam { key, value }),
                0..=1,
            ),
        );
        (g1, g2, g3, g4)
            .prop_map(move |(g1, g2, g3, g4)| {
                let (
                    named,
                    original,
                    page,
                    default_image,
                    trim,
                    width,
                    height,
                    aspect_ratio,
                    dpr,
                    crop,
                    crop_mode,
                    focus,
                ) = g1;
                let (
                    x,
                    y,
                    xc,
                    yc,
                    zoom,
                    rotate,
                    flip,
                    grayscale,
                    contrast,
                    colorize,
                    color_replace,
                    blur,
                ) = g2;
                let (
                    sharpen,
                    unsharp,
                    gradient,
                    shadow,
                    distort,
                    radius,
                    border,
                    opacity,
                    background,
                ) = g3;
                let (
                    format,
                    quality,
                    lossless,
                    progressive,
                    metadata,
                    color_profile,
                    layers,
                    unknown,
                ) = g4;
                StepParams {
                    named,
                    original: if ctx.in_layer { None } else { original },
                    page: if ctx.in_if { None } else { page },
                    default_image: if ctx.in_layer { None } else { default_image },
                    trim,
                    width,
                    height,
                    aspect_ratio,
                    dpr,
                    crop,
                    crop_mode,
                    focus,
                    x,
                    y,
                    xc,
                    yc,
                    zoom,
                    rotate,
                    flip,
                    grayscale,
                    contrast,
                    colorize,
                    color_replace,
                    blur,
                    sharpen,
                    unsharp,
                    gradient,
                    shadow,
                    distort,
                    radius,
                    border,
                    opacity,
                    background,
                    format,
                    quality,
                    lossless,
                    progressive,
                    metadata,
                    color_profile,
                    layers,
                    unknown,
                }
            })
            .prop_filter("a step is never empty", |p| !p.is_empty())
            .boxed()
    }

    fn layer(ctx: Ctx) -> BoxedStrategy<Layer> {
        let inner = Ctx {
            depth: ctx.depth - 1,
            layer_depth: ctx.layer_depth + 1,
            in_layer: true,
            in_if: ctx.in_if,
        };
        let kind = select(vec![LayerKind::Image, LayerKind::Text]);
        (
            kind,
            prop_oneof![
                "\\PC{1,10}".prop_map(LayerInput::Plain),
                "[A-Za-z0-9+/=_-]{1,12}".prop_map(LayerInput::Base64),
            ],
            (
                some(signed_coord()),
                some(signed_coord()),
                some(position()),
                some(position()),
                some(select(vec![
                    BlendMode::Multiply,
                    BlendMode::Displace,
                    BlendMode::Cutout,
                    BlendMode::Cutter,
                ])),
                any::<bool>(),
            ),
            (
                some(coord(1)),
                some("\\PC{1,10}"),
                some(color()),
                some(select(vec![
                    TextAlign::Left,
                    TextAlign::Right,
                    TextAlign::Center,
                ])),
                some(prop_oneof![
                    vec(0u32..500, 1..=4).prop_map(Padding::Values),
                    expr().prop_map(Padding::Expr)
                ]),
                some(1u8..=9),
                some(select(vec![
                    "b",
                    "i",
                    "strikethrough",
                    "b_i",
                    "i_strikethrough",
                    "b_i_strikethrough",
                ])),
                some(coord(1)),
            ),
            vec(step(inner), 0..=2),
        )
            .prop_map(
                |(kind, input, (a, b, anchor, focus, blend, centre), t, steps)| {
                    let (
                        font_size,
                        font_family,
                        color,
                        inner_align,
                        padding,
                        alpha,
                        typography,
                        line_height,
                    ) = t;
                    let text_layer = kind == LayerKind::Text;
                    let position = if centre {
                        LayerPosition {
                            lx: None,
                            ly: None,
                            lxc: a,
                            lyc: b,
                            anchor,
                            focus,
                            blend,
                        }
                    } else {
                        LayerPosition {
                            lx: a,
                            ly: b,
                            lxc: None,
                            lyc: None,
                            anchor,
                            focus,
                            blend,
                        }
                    };
                    Layer {
                        kind,
                        input: Some(input),
                        position,
                        text: TextStyle {
                            font_size: keep(text_layer, font_size),
                            font_family: keep(text_layer, font_family),
                            color: keep(text_layer, color),
                            inner_align: keep(text_layer, inner_align),
                            padding: keep(text_layer, padding),
                            alpha,
                            typography: keep(text_layer, typography.map(str::to_owned)),
                            line_height: keep(text_layer, line_height),
                        },
                        steps,
                    }
                },
            )
            .boxed()
    }

    fn keep<T>(on: bool, x: Option<T>) -> Option<T> {
        if on {
            x
        } else {
            None
        }
    }

    fn condition() -> impl Strategy<Value = Condition> {
        let prop = select(vec![
            CondProperty::W,
            CondProperty::H,
            CondProperty::Ar,
            CondProperty::Iw,
            CondProperty::Ih,
            CondProperty::Iar,
        ]);
        let cop = select(vec![
            CompareOp::Eq,
            CompareOp::Ne,
            CompareOp::Gt,
            CompareOp::Gte,
            CompareOp::Lt,
            CompareOp::Lte,
        ]);
        let clause = (prop, cop, dec0(), pos_dec(), any::<bool>()).prop_map(
            |(property, op, a, b, ratio)| {
                let value = if ratio && matches!(property, CondProperty::Ar | CondProperty::Iar) {
                    CondValue::Ratio(a, b)
                } else {
                    CondValue::Number(a)
                };
                Clause {
                    property,
                    op,
                    value,
                }
            },
        );
        vec(vec(clause, 1..3), 1..3).prop_map(|any_of| Condition { any_of })
    }

    fn step(ctx: Ctx) -> BoxedStrategy<Step> {
        let plain = params(ctx).prop_map(|p| Step::Params(Box::new(p)));
        if ctx.depth == 0 {
            return plain.boxed();
        }
        let inner = Ctx {
            depth: ctx.depth - 1,
            in_if: true,
            ..ctx
        };
        let branch = vec(step(inner), 1..=2);
        let iff = (condition(), branch.clone(), proptest::option::of(branch)).prop_map(
            |(condition, then, otherwise)| {
                Step::If(Box::new(IfBlock {
                    condition,
                    then,
                    otherwise,
                }))
            },
        );
        prop_oneof![3 => plain, 1 => iff].boxed()
    }

    pub(super) fn transform() -> impl Strategy<Value = Transform> {
        let ctx = Ctx {
            depth: 2,
            layer_depth: 0,
            in_layer: false,
            in_if: false,
        };
        vec(step(ctx), 1..=3).prop_map(|steps| Transform { steps })
    }
}

/// Runs `f` on a thread with a large stack: the generated transforms' strategy trees are deep.
fn with_big_stack(f: impl FnOnce() + Send + 'static) {
    let handle = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(f)
        .unwrap();
    if let Err(panic) = handle.join() {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn parse_print_round_trip() {
    use proptest::test_runner::{Config, TestRunner};
    with_big_stack(|| {
        let mut runner = TestRunner::new(Config::with_cases(300));
        let opts = ParseOptions {
            mode: Mode::Lenient,
            limits: SpecLimits {
                max_len: usize::MAX,
                max_steps: 10_000,
                ..SpecLimits::default()
            },
        };
        runner
            .run(&prop::transform(), |t| {
                let printed = t.to_string();
                let parsed = parse(&printed, &opts);
                proptest::prop_assert_eq!(parsed.as_ref(), Ok(&t), "printed: {}", printed);
                proptest::prop_assert_eq!(parsed.map(|p| p.to_string()).ok(), Some(printed));
                Ok(())
            })
            .unwrap();
    });
}

proptest::proptest! {
    #[test]
    fn arbitrary_strings_never_panic_and_round_trip(s in "[a-z0-9_:,@%.-]{0,40}") {
        if let Ok(t) = parse(&s, &ParseOptions::lenient()) {
            let printed = t.to_string();
            proptest::prop_assert_eq!(parse(&printed, &ParseOptions::lenient()), Ok(t));
        }
    }
}
