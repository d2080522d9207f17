//! Integration tests: plan.
//!
//! The spec parser lives on another branch, so steps are built with a tiny test-only
//! reader (`step("w-300,h-300,cm-extract")`) that covers just the geometry keys.

use pixform::plan::{
    evaluate_condition, plan_step, resolve_target, shrink_factor, Context, FocusHint, Geometry,
    PlanError, Rect, Size, Target,
};
use pixform::spec::{
    AspectRatio, Background, Clause, Color, CompareOp, CondProperty, CondValue, Condition, Coord,
    Crop, CropMode, Dim, Dpr, Expr, ExprError, Focus, Op, Operand, Position, StepParams, Var,
};
use proptest::prelude::*;

fn size(w: u32, h: u32) -> Size {
    Size::new(w, h).unwrap()
}

fn ctx(w: u32, h: u32) -> Context {
    Context::new(size(w, h))
}

fn position(s: &str) -> Position {
    match s {
        "center" => Position::Center,
        "top" => Position::Top,
        "bottom" => Position::Bottom,
        "left" => Position::Left,
        "right" => Position::Right,
        "top_left" => Position::TopLeft,
        "top_right" => Position::TopRight,
        "bottom_left" => Position::BottomLeft,
        "bottom_right" => Position::BottomRight,
        other => panic!("position {other}"),
    }
}

fn operand(s: &str) -> Operand {
    let var = match s {
        "iw" => Var::Iw,
        "ih" => Var::Ih,
        "iar" => Var::Iar,
        "cw" => Var::Cw,
        "ch" => Var::Ch,
        "car" => Var::Car,
        "bw" => Var::Bw,
        "bh" => Var::Bh,
        "bar" => Var::Bar,
        n => return Operand::Number(n.parse().unwrap()),
    };
    Operand::Var(var)
}

/// `cw_add_100_mul_2` → Expr.
fn expr(s: &str) -> Expr {
    let mut parts = s.split('_');
    let first = operand(parts.next().unwrap());
    let mut rest = Vec::new();
    while let Some(op) = parts.next() {
        let op = match op {
            "add" => Op::Add,
            "sub" => Op::Sub,
            "mul" => Op::Mul,
            "div" => Op::Div,
            "mod" => Op::Mod,
            "pow" => Op::Pow,
            o => panic!("op {o}"),
        };
        rest.push((op, operand(parts.next().unwrap())));
    }
    Expr { first, rest }
}

fn is_expr(v: &str) -> bool {
    v.contains('_') || v.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
}

fn dim(v: &str) -> Dim {
    if v == "auto" {
        Dim::Auto
    } else if is_expr(v) {
        Dim::Expr(expr(v))
    } else if v.contains('.') {
        Dim::Fraction(v.parse().unwrap())
    } else {
        Dim::Px(v.parse().unwrap())
    }
}

fn coord(v: &str) -> Coord {
    if is_expr(v) {
        Coord::Expr(expr(v))
    } else {
        Coord::Px(v.parse().unwrap())
    }
}

/// Test-only reader for the geometry keys of one step.
fn step(s: &str) -> StepParams {
    let mut p = StepParams::default();
    for token in s.split(',').filter(|t| !t.is_empty()) {
        let (k, v) = token.split_once('-').unwrap();
        match k {
            "w" => p.width = Some(dim(v)),
            "h" => p.height = Some(dim(v)),
            "ar" => {
                p.aspect_ratio = Some(if is_expr(v) {
                    AspectRatio::Expr(expr(v))
                } else {
                    let (a, b) = v.split_once('-').unwrap();
                    AspectRatio::Ratio(a.parse().unwrap(), b.parse().unwrap())
                })
            }
            "dpr" => {
                p.dpr = Some(match v {
                    "auto" => Dpr::Auto,
                    v if is_expr(v) => Dpr::Expr(expr(v)),
                    v => Dpr::Value(v.parse().unwrap()),
                })
            }
            "c" => {
                p.crop = Some(match v {
                    "maintain_ratio" => Crop::MaintainRatio,
                    "maintain_ratio_no_enlarge" => Crop::MaintainRatioNoEnlarge,
                    "force" => Crop::Force,
                    "at_max" => Crop::AtMax,
                    "at_max_enlarge" => Crop::AtMaxEnlarge,
                    "at_least" => Crop::AtLeast,
                    o => panic!("c {o}"),
                })
            }
            "cm" => {
                p.crop_mode = Some(match v {
                    "pad_resize" => CropMode::PadResize,
                    "pad_resize_no_enlarge" => CropMode::PadResizeNoEnlarge,
                    "extract" => CropMode::Extract,
                    "pad_extract" => CropMode::PadExtract,
                    "pad_extract_no_shrink" => CropMode::PadExtractNoShrink,
                    o => panic!("cm {o}"),
                })
            }
            "fo" => {
                p.focus = Some(match v {
                    "auto" => Focus::Auto,
                    "face" => Focus::Face,
                    "custom" => Focus::Custom,
                    "car" | "dog" => Focus::Object(v.to_string()),
                    v => Focus::Position(position(v)),
                })
            }
            "x" => p.x = Some(coord(v)),
            "y" => p.y = Some(coord(v)),
            "xc" => p.xc = Some(coord(v)),
            "yc" => p.yc = Some(coord(v)),
            "z" => p.zoom = Some(v.parse().unwrap()),
            "bg" => p.background = Some(Background::Color(Color::Rgba([255, 255, 255], 50))),
            o => panic!("key {o}"),
        }
    }
    p
}

fn plan(w: u32, h: u32, s: &str) -> Result<Geometry, PlanError> {
    plan_step(size(w, h), &step(s), &ctx(w, h))
}

/// (scaled w, h), crop (x, y, w, h), canvas (w, h), offset (x, y).
type Expect = ((u32, u32), (u32, u32, u32, u32), (u32, u32), (u32, u32));

fn parts(g: &Geometry) -> Expect {
    let (s, c, v) = (g.scaled(), g.crop(), g.canvas());
    (
        (s.width(), s.height()),
        (c.x(), c.y(), c.width(), c.height()),
        (v.width(), v.height()),
        g.offset(),
    )
}

/// Resize only to (w, h).
fn resized(w: u32, h: u32) -> Result<Expect, PlanError> {
    Ok(((w, h), (0, 0, w, h), (w, h), (0, 0)))
}

#[test]
fn reference_worked_example_1000x600() {
    let window_error = PlanError::WindowOutsideImage {
        x: -50,
        y: -50,
        width: 300,
        height: 300,
        image_width: 1000,
        image_height: 600,
    };
    let extract = |x, y| Ok(((1000, 600), (x, y, 300, 300), (300, 300), (0, 0)));
    let table: Vec<(&str, Result<Expect, PlanError>)> = vec![
        // maintain_ratio: 500×300, 100 px cut left and right.
        (
            "w-300,h-300",
            Ok(((500, 300), (100, 0, 300, 300), (300, 300), (0, 0))),
        ),
        ("w-300,h-300,c-force", resized(300, 300)),
        ("w-300,h-300,c-at_max", resized(300, 180)),
        ("w-300,h-300,c-at_max_enlarge", resized(300, 180)),
        ("w-300,h-300,c-at_least", resized(500, 300)),
        // 60 px bars top and bottom.
        (
            "w-300,h-300,cm-pad_resize",
            Ok(((300, 180), (0, 0, 300, 180), (300, 300), (0, 60))),
        ),
        // Image at the top, 120 px bar at the bottom.
        (
            "w-300,h-300,cm-pad_resize,fo-top",
            Ok(((300, 180), (0, 0, 300, 180), (300, 300), (0, 0))),
        ),
        (
            "w-300,h-300,cm-pad_resize,bg-FFFFFF50",
            Ok(((300, 180), (0, 0, 300, 180), (300, 300), (0, 60))),
        ),
        ("w-300,h-300,cm-extract", extract(350, 150)),
        ("w-300,h-300,cm-extract,fo-bottom_right", extract(700, 300)),
        ("w-300,h-300,cm-extract,x-100,y-50", extract(100, 50)),
        ("w-300,h-300,cm-extract,xc-100,yc-100", Err(window_error)),
        ("w-300,h-300,cm-pad_extract", extract(350, 150)),
        // Original centred, 100 px padding on each side.
        (
            "w-1200,h-800,cm-pad_extract",
            Ok(((1000, 600), (0, 0, 1000, 600), (1200, 800), (100, 100))),
        ),
        ("w-2000,h-1200,c-at_max", resized(1000, 600)),
        ("w-2000,h-1200,c-at_max_enlarge", resized(2000, 1200)),
        (
            "w-2000,h-1200",
            Ok(((2000, 1200), (0, 0, 2000, 1200), (2000, 1200), (0, 0))),
        ),
        ("w-300", resized(300, 180)),
        ("h-0.5", resized(500, 300)),
        // 1000·400/600 = 666.67 → 667; (667 − 400) / 2 = 133.
        (
            "w-400,ar-1-1",
            Ok(((667, 400), (133, 0, 400, 400), (400, 400), (0, 0))),
        ),
        ("w-300,dpr-2", resized(600, 360)),
    ];
    for (t, expected) in table {
        let got = plan(1000, 600, t).map(|g| parts(&g));
        assert_eq!(got, expected, "{t}");
    }
    assert!(plan(1000, 600, "w-2000,h-1200,c-at_max")
        .unwrap()
        .is_identity());
    let err =
        pixform::Error::from(plan(1000, 600, "w-300,h-300,cm-extract,xc-100,yc-100").unwrap_err());
    assert_eq!(err.category(), pixform::Category::InvalidTransform);
    assert!(err.to_string().contains("300×300 at (-50, -50)"), "{err}");
}

#[test]
fn documented_plant_numbers_640x865() {
    let out = |t| plan(640, 865, t).unwrap().output();
    assert_eq!(out("w-300,h-200,c-at_max"), size(148, 200));
    assert_eq!(out("w-850,h-1000,c-at_max_enlarge"), size(740, 1000));
    assert_eq!(out("w-300,h-200,c-at_least"), size(300, 405));
}

#[test]
fn dpr_rules() {
    let mut c = ctx(1000, 600);
    let out = |t: &str, c: &Context| plan_step(size(1000, 600), &step(t), c).unwrap().output();
    assert_eq!(out("w-300,dpr-2", &c), size(600, 360));
    // Above 5000 px the DPR is dropped: raw 3000.
    assert_eq!(out("w-3000,dpr-2", &c), size(3000, 1800));
    // One side out of range reverts both.
    assert_eq!(out("w-3000,h-100,dpr-2,c-force", &c), size(3000, 100));
    assert_eq!(out("w-2500,h-100,dpr-2,c-force", &c), size(5000, 200));
    // Below 1 px (0.4 rounds to 0) the DPR is dropped.
    assert_eq!(out("w-4,h-4,dpr-0.1,c-force", &c), size(4, 4));
    assert_eq!(out("w-5,h-5,dpr-0.1,c-force", &c), size(1, 1));
    // dpr-auto without a hint does nothing; with Sec-CH-DPR: 2 it doubles.
    assert_eq!(out("w-100,dpr-auto", &c), size(100, 60));
    c.dpr_hint = Some(2.0);
    assert_eq!(out("w-100,dpr-auto", &c), size(200, 120));
    // w-auto already includes DPR.
    c.width_hint = Some(600);
    assert_eq!(out("w-auto,dpr-auto", &c), size(600, 360));
    // DPR applies after `ar` derivation.
    assert_eq!(out("w-100,ar-2-1,dpr-2", &c), size(200, 100));
    // `ar` alone: no DPR.
    assert_eq!(out("ar-2-1,dpr-2", &c), size(1000, 500));
    // An expression DPR.
    assert_eq!(out("w-100,dpr-1_add_2", &c), size(300, 180));
    assert_eq!(
        plan_step(size(1000, 600), &step("w-100,dpr-cw_sub_cw"), &c),
        Err(PlanError::InvalidValue {
            key: "dpr",
            value: 0.0
        })
    );
}

#[test]
fn width_auto_rounds_up_to_hundreds() {
    let mut c = ctx(1000, 600);
    let w = |c: &Context| {
        plan_step(size(1000, 600), &step("w-auto"), c)
            .unwrap()
            .output()
            .width()
    };
    for (hint, expected) in [(150, 200), (212, 300), (600, 600), (1, 100), (601, 700)] {
        c.width_hint = Some(hint);
        assert_eq!(w(&c), expected, "hint {hint}");
    }
    // No hint: w-auto is absent, nothing changes.
    c.width_hint = None;
    assert!(plan_step(size(1000, 600), &step("w-auto"), &c)
        .unwrap()
        .is_identity());
    // The hint rounded past the maximum is dropped.
    c.width_hint = Some(65_501);
    assert!(plan_step(size(1000, 600), &step("w-auto"), &c)
        .unwrap()
        .is_identity());
}

#[test]
fn fractions_are_of_the_step_input() {
    assert_eq!(plan(1000, 600, "w-0.4").unwrap().output(), size(400, 240));
    assert_eq!(
        plan(1000, 600, "w-0.5,h-0.5,c-force").unwrap().output(),
        size(500, 300)
    );
    // In a chain the original asset was 2000×1200, the step sees 1000×600.
    let g = plan_step(size(1000, 600), &step("w-0.5"), &ctx(2000, 1200)).unwrap();
    assert_eq!(g.output(), size(500, 300));
    // A tiny fraction of a tiny picture is at least 1 px.
    assert_eq!(plan(3, 3, "w-0.1").unwrap().output(), size(1, 1));
}

#[test]
fn dimensions_above_65535_are_dropped() {
    // Width dropped: height alone decides.
    assert_eq!(
        plan(1000, 600, "w-70000,h-300").unwrap().output(),
        size(500, 300)
    );
    assert!(plan(1000, 600, "w-70000").unwrap().is_identity());
    assert_eq!(
        plan(1000, 600, "w-65535").unwrap().output(),
        size(65535, 39321)
    );
    // Derived height above the maximum is dropped too: width alone.
    assert_eq!(
        plan(1000, 600, "w-40000,ar-1-2").unwrap().output(),
        size(40000, 24000)
    );
    // A derived side above the maximum from the picture's own ratio is an error.
    assert_eq!(
        plan(100, 10000, "w-60000"),
        Err(PlanError::TooLarge {
            width: 60000,
            height: 6_000_000,
            max: 65535
        })
    );
    // A smaller configured maximum.
    let mut c = ctx(400, 300);
    c.max_dimension = 500;
    assert!(plan_step(size(400, 300), &step("w-600"), &c)
        .unwrap()
        .is_identity());
    assert_eq!(
        plan_step(size(400, 300), &step("h-500"), &c),
        Err(PlanError::TooLarge {
            width: 667,
            height: 500,
            max: 500
        })
    );
    // The guarantee holds even for a step that changes nothing: an input above the
    // maximum is refused rather than passed on.
    assert_eq!(
        plan_step(size(1000, 300), &step("w-600"), &c),
        Err(PlanError::TooLarge {
            width: 1000,
            height: 300,
            max: 500
        })
    );
}

#[test]
fn aspect_ratio_forms() {
    // h + ar derives w = 600; maintain_ratio covers 600×300 with s = max(0.6, 0.5) = 0.6
    // → 600×360, then crops 600×300 at (0, 30).
    assert_eq!(
        parts(&plan(1000, 600, "h-300,ar-2-1").unwrap()),
        ((600, 360), (0, 30, 600, 300), (600, 300), (0, 0))
    );
    // Both sides given: ar ignored.
    assert_eq!(
        plan(1000, 600, "w-300,h-200,ar-1-1").unwrap().output(),
        size(300, 200)
    );
    // ar alone: width of the input, height derived (1000×1000 box, cover then centre crop).
    assert_eq!(
        parts(&plan(1000, 600, "ar-1-1").unwrap()),
        ((1667, 1000), (333, 0, 1000, 1000), (1000, 1000), (0, 0))
    );
    assert_eq!(plan(1000, 600, "ar-2-1").unwrap().output(), size(1000, 500));
    // Decimal terms and expressions: car·0.5 = 0.8333 → h = 300 / 0.8333 = 360.
    assert_eq!(
        plan(1000, 600, "w-300,ar-2.5-1").unwrap().output(),
        size(300, 120)
    );
    assert_eq!(
        plan(1000, 600, "w-300,ar-car_mul_0.5").unwrap().output(),
        size(300, 360)
    );
    assert_eq!(
        plan(1000, 600, "w-300,ar-car_sub_car"),
        Err(PlanError::InvalidValue {
            key: "ar",
            value: 0.0
        })
    );
}

fn clause(property: CondProperty, op: CompareOp, value: CondValue) -> Clause {
    Clause {
        property,
        op,
        value,
    }
}

#[test]
fn conditions_and_binds_tighter_than_or() {
    use CompareOp::*;
    use CondProperty::*;
    use CondValue::{Number as N, Ratio as R};
    // h_gte_100_and_h_lte_400_or_ar_lt_4-3
    let cond = Condition {
        any_of: vec![
            vec![clause(H, Gte, N(100.0)), clause(H, Lte, N(400.0))],
            vec![clause(Ar, Lt, R(4.0, 3.0))],
        ],
    };
    let orig = size(5000, 5000);
    assert!(!evaluate_condition(&cond, size(1000, 600), orig));
    assert!(evaluate_condition(&cond, size(300, 600), orig));
    assert!(evaluate_condition(&cond, size(1000, 300), orig));
    // w_gt_10_or_w_lt_5_and_h_gt_1000 on 20×20: true (left-to-right would give false).
    let cond = Condition {
        any_of: vec![
            vec![clause(W, Gt, N(10.0))],
            vec![clause(W, Lt, N(5.0)), clause(H, Gt, N(1000.0))],
        ],
    };
    assert!(evaluate_condition(&cond, size(20, 20), orig));
    assert!(!evaluate_condition(&cond, size(8, 20), orig));
    // Original vs current.
    let iw = Condition {
        any_of: vec![vec![clause(Iw, Eq, N(5000.0))]],
    };
    assert!(evaluate_condition(&iw, size(20, 20), orig));
    assert!(!evaluate_condition(&iw, size(20, 20), size(4999, 1)));
    // Sides compare exactly, decimals allowed.
    let one = |p, op, v| Condition {
        any_of: vec![vec![clause(p, op, v)]],
    };
    assert!(!evaluate_condition(
        &one(W, Eq, N(200.55)),
        size(200, 1),
        orig
    ));
    assert!(evaluate_condition(
        &one(W, Lt, N(200.55)),
        size(200, 1),
        orig
    ));
    assert!(evaluate_condition(
        &one(W, Gte, N(200.0)),
        size(200, 1),
        orig
    ));
    assert!(!evaluate_condition(
        &one(W, Gt, N(200.0)),
        size(200, 1),
        orig
    ));
    // Ratios compare with a tolerance of 0.005: 1366×768 is 16:9, 1000×600 is not.
    let sixteen_nine = one(Ar, Eq, R(16.0, 9.0));
    assert!(evaluate_condition(&sixteen_nine, size(1366, 768), orig));
    assert!(evaluate_condition(&sixteen_nine, size(1920, 1081), orig));
    assert!(!evaluate_condition(&sixteen_nine, size(1000, 600), orig));
    assert!(!evaluate_condition(
        &one(Ar, Ne, R(16.0, 9.0)),
        size(1366, 768),
        orig
    ));
    assert!(!evaluate_condition(
        &one(Ar, Gt, R(16.0, 9.0)),
        size(1366, 768),
        orig
    ));
    assert!(evaluate_condition(
        &one(Iar, Gte, N(1.0)),
        size(1, 100),
        orig
    ));
    assert!(!evaluate_condition(
        &Condition { any_of: vec![] },
        size(1, 1),
        orig
    ));
}

#[test]
fn expressions_through_plan() {
    // Original 1000×600, the step sees 800×600.
    let c = ctx(1000, 600);
    let out = |t: &str| plan_step(size(800, 600), &step(t), &c).map(|g| g.output());
    assert_eq!(out("w-iw_div_2"), Ok(size(500, 375)));
    // mul before add: cw + 100·2 = 1000.
    assert_eq!(out("w-cw_add_100_mul_2"), Ok(size(1000, 750)));
    // add before mod: 10 mod (4 + 2) = 4.
    assert_eq!(out("w-10_mod_4_add_2,h-10,c-force"), Ok(size(4, 10)));
    // mul before pow: 2 pow (3·2) = 64.
    assert_eq!(out("w-2_pow_3_mul_2,h-10,c-force"), Ok(size(64, 10)));
    // Rounding half up: 5/2 = 2.5 → 3; 1000/3 = 333.33 → 333.
    assert_eq!(out("w-5_div_2,h-10,c-force"), Ok(size(3, 10)));
    assert_eq!(out("w-iw_div_3,h-10,c-force"), Ok(size(333, 10)));
    assert_eq!(out("h-ch_div_2"), Ok(size(400, 300)));
    // ≤ 0 and evaluation errors.
    assert_eq!(
        out("w-cw_sub_1000"),
        Err(PlanError::InvalidValue {
            key: "w",
            value: -200.0
        })
    );
    assert_eq!(
        out("w-cw_div_0"),
        Err(PlanError::Expression {
            key: "w",
            error: ExprError::DivisionByZero
        })
    );
    assert_eq!(
        out("w-bw"),
        Err(PlanError::Expression {
            key: "w",
            error: ExprError::NoBase("bw")
        })
    );
    let mut layer = c;
    layer.base = Some(size(400, 200));
    assert_eq!(
        plan_step(size(800, 600), &step("w-bw_div_4"), &layer).map(|g| g.output()),
        Ok(size(100, 75))
    );
    // Coordinates as expressions.
    let g = plan_step(
        size(800, 600),
        &step("w-100,h-100,cm-extract,x-cw_div_2,y-ch_sub_150"),
        &c,
    )
    .unwrap();
    assert_eq!((g.crop().x(), g.crop().y()), (400, 450));
    // Resolve target directly.
    assert_eq!(
        resolve_target(size(800, 600), &step("w-cw_div_4,ar-2-1"), &c),
        Ok(Target {
            width: Some(200),
            height: Some(100)
        })
    );
}

#[test]
fn focus_positions_for_all_modes() {
    // maintain_ratio on 1000×600 with w-300,h-300: scaled 500×300, crop x per position.
    for (fo, x) in [
        ("left", 0),
        ("center", 100),
        ("right", 200),
        ("top_left", 0),
        ("bottom_right", 200),
    ] {
        let g = plan(1000, 600, &format!("w-300,h-300,fo-{fo}")).unwrap();
        assert_eq!((g.crop().x(), g.crop().y()), (x, 0), "{fo}");
    }
    // Portrait: vertical positions.
    for (fo, y) in [
        ("top", 0),
        ("center", 100),
        ("bottom", 200),
        ("bottom_left", 200),
    ] {
        let g = plan(600, 1000, &format!("w-300,h-300,fo-{fo}")).unwrap();
        assert_eq!((g.crop().x(), g.crop().y()), (0, y), "{fo}");
    }
    // Extract: all nine.
    for (fo, xy) in [
        ("center", (350, 150)),
        ("top", (350, 0)),
        ("bottom", (350, 300)),
        ("left", (0, 150)),
        ("right", (700, 150)),
        ("top_left", (0, 0)),
        ("top_right", (700, 0)),
        ("bottom_left", (0, 300)),
        ("bottom_right", (700, 300)),
    ] {
        let g = plan(1000, 600, &format!("w-300,h-300,cm-extract,fo-{fo}")).unwrap();
        assert_eq!((g.crop().x(), g.crop().y()), xy, "{fo}");
    }
    // Pad placement.
    for (fo, off) in [
        ("bottom", (0, 120)),
        ("left", (0, 60)),
        ("top_right", (0, 0)),
    ] {
        let g = plan(1000, 600, &format!("w-300,h-300,cm-pad_resize,fo-{fo}")).unwrap();
        assert_eq!(g.offset(), off, "{fo}");
    }
    let g = plan(600, 1000, "w-300,h-300,cm-pad_resize,fo-right").unwrap();
    assert_eq!((g.scaled(), g.offset()), (size(180, 300), (120, 0)));
}

#[test]
fn content_aware_focus_uses_the_hint() {
    let mut c = ctx(1000, 600);
    let run = |t: &str, c: &Context| plan_step(size(1000, 600), &step(t), c).unwrap();
    // No hint: centre.
    assert_eq!(run("w-300,h-300,fo-auto", &c).crop().x(), 100);
    assert_eq!(run("w-300,h-300,cm-extract,fo-face", &c).crop().x(), 350);
    // Point hint near the right edge: the crop (in the 500×300 scaled picture) clamps right.
    c.focus_hint = Some(FocusHint::Point { x: 900.0, y: 300.0 });
    assert_eq!(run("w-300,h-300,fo-auto", &c).crop().x(), 200);
    // Point at x=400 in the input = 200 in the scaled picture → crop 50..350.
    c.focus_hint = Some(FocusHint::Point { x: 400.0, y: 300.0 });
    assert_eq!(run("w-300,h-300,fo-face", &c).crop().x(), 50);
    // Extract window centred on an area's centre (200+50, 100+50).
    c.focus_hint = Some(FocusHint::Area(Rect::new(200, 100, 100, 100).unwrap()));
    let g = run("w-300,h-300,cm-extract,fo-dog", &c);
    assert_eq!((g.crop().x(), g.crop().y()), (100, 0));
    // Padding ignores content-aware focus.
    assert_eq!(
        run("w-300,h-300,cm-pad_resize,fo-auto", &c).offset(),
        (0, 60)
    );
}

#[test]
fn tight_object_crop() {
    let mut c = ctx(1920, 1280);
    c.focus_hint = Some(FocusHint::Area(Rect::new(400, 500, 982, 301).unwrap()));
    let run = |t: &str, c: &Context| plan_step(size(1920, 1280), &step(t), c).unwrap();
    let g = run("fo-car", &c);
    assert_eq!(
        parts(&g),
        ((1920, 1280), (400, 500, 982, 301), (982, 301), (0, 0))
    );
    let g = run("fo-car,ar-2-1", &c);
    assert_eq!(g.output(), size(982, 491));
    // Grown around the box centre: 650.5 − 245.5 = 405.
    assert_eq!((g.crop().x(), g.crop().y()), (400, 405));
    // Zoom 2 halves the box around its centre.
    assert_eq!(run("fo-car,z-2", &c).output(), size(491, 151));
    // Custom ignores zoom.
    assert_eq!(run("fo-custom,z-2", &c).output(), size(982, 301));
    let mut d = ctx(1000, 1000);
    d.focus_hint = Some(FocusHint::Area(Rect::new(10, 20, 292, 322).unwrap()));
    let g = plan_step(size(1000, 1000), &step("fo-dog,ar-1-1"), &d).unwrap();
    assert_eq!(g.output(), size(322, 322));
    assert_eq!((g.crop().x(), g.crop().y()), (0, 20));
    // A point hint is no area: fo-car then does nothing without w/h.
    d.focus_hint = Some(FocusHint::Point { x: 1.0, y: 1.0 });
    assert!(plan_step(size(1000, 1000), &step("fo-car"), &d)
        .unwrap()
        .is_identity());
}

#[test]
fn unknown_cases_follow_the_documented_decisions() {
    // One dimension never crops; c/cm are ignored …
    assert_eq!(
        plan(1000, 600, "w-300,cm-extract").unwrap().output(),
        size(300, 180)
    );
    assert_eq!(
        plan(1000, 600, "w-2000,c-force").unwrap().output(),
        size(2000, 1200)
    );
    // … except that never-enlarge strategies keep the input.
    assert!(plan(1000, 600, "w-2000,c-at_max").unwrap().is_identity());
    assert!(plan(1000, 600, "h-2000,c-maintain_ratio_no_enlarge")
        .unwrap()
        .is_identity());
    assert!(plan(1000, 600, "w-2000,cm-pad_resize_no_enlarge")
        .unwrap()
        .is_identity());
    assert_eq!(
        plan(1000, 600, "w-500,c-at_max").unwrap().output(),
        size(500, 300)
    );
    // c + cm: cm wins.
    assert_eq!(
        parts(&plan(1000, 600, "w-300,h-300,c-force,cm-extract").unwrap()),
        ((1000, 600), (350, 150, 300, 300), (300, 300), (0, 0))
    );
    // maintain_ratio_no_enlarge, big image: like maintain_ratio.
    assert_eq!(
        parts(&plan(1000, 600, "w-300,h-300,c-maintain_ratio_no_enlarge").unwrap()),
        ((500, 300), (100, 0, 300, 300), (300, 300), (0, 0))
    );
    // Small image: largest 1:1 window, not enlarged.
    assert_eq!(
        parts(&plan(200, 400, "w-300,h-300,c-maintain_ratio_no_enlarge").unwrap()),
        ((200, 400), (0, 100, 200, 200), (200, 200), (0, 0))
    );
    // 400×250 with a 300×300 box: 250×250 window.
    assert_eq!(
        plan(400, 250, "w-300,h-300,c-maintain_ratio_no_enlarge,fo-left")
            .unwrap()
            .crop(),
        Rect::new(0, 0, 250, 250).unwrap()
    );
    // pad_resize_no_enlarge: small image padded at its size.
    assert_eq!(
        parts(&plan(100, 50, "w-300,h-300,cm-pad_resize_no_enlarge").unwrap()),
        ((100, 50), (0, 0, 100, 50), (300, 300), (100, 125))
    );
    assert_eq!(
        plan(1000, 600, "w-300,h-300,cm-pad_resize_no_enlarge")
            .unwrap()
            .scaled(),
        size(300, 180)
    );
    // Extract larger than the image: window clamped on that axis.
    assert_eq!(
        parts(&plan(200, 400, "w-300,h-300,cm-extract").unwrap()),
        ((200, 400), (0, 50, 200, 300), (200, 300), (0, 0))
    );
    // … and refused with xc on that axis.
    assert_eq!(
        plan(200, 400, "w-300,h-300,cm-extract,xc-100,yc-200"),
        Err(PlanError::WindowOutsideImage {
            x: -50,
            y: 50,
            width: 300,
            height: 300,
            image_width: 200,
            image_height: 400
        })
    );
    // x/y out of range: clamped.
    assert_eq!(
        plan(1000, 600, "w-300,h-300,cm-extract,x-900,y-5000")
            .unwrap()
            .crop(),
        Rect::new(700, 300, 300, 300).unwrap()
    );
    // xc/yc inside: fine; right at the edge: fine; one past: error.
    assert_eq!(
        plan(1000, 600, "w-300,h-300,cm-extract,xc-850,yc-150")
            .unwrap()
            .crop(),
        Rect::new(700, 0, 300, 300).unwrap()
    );
    assert!(matches!(
        plan(1000, 600, "w-300,h-300,cm-extract,xc-851,yc-150"),
        Err(PlanError::WindowOutsideImage { x: 701, y: 0, .. })
    ));
    // x wins over xc on the same axis.
    assert_eq!(
        plan(1000, 600, "w-300,h-300,cm-extract,x-10,xc-5")
            .unwrap()
            .crop()
            .x(),
        10
    );
    // pad_extract, mixed axes: width padded (centred), height extracted (centred).
    assert_eq!(
        parts(&plan(1000, 600, "w-1200,h-300,cm-pad_extract").unwrap()),
        ((1000, 600), (0, 150, 1000, 300), (1200, 300), (100, 0))
    );
    // … with fo-bottom_right: window at the bottom, picture at the right.
    assert_eq!(
        parts(&plan(1000, 600, "w-1200,h-300,cm-pad_extract,fo-bottom_right").unwrap()),
        ((1000, 600), (0, 300, 1000, 300), (1200, 300), (200, 0))
    );
    // pad_extract_no_shrink: never cuts.
    assert_eq!(
        parts(&plan(1000, 600, "w-1200,h-300,cm-pad_extract_no_shrink").unwrap()),
        ((1000, 600), (0, 0, 1000, 600), (1200, 600), (100, 0))
    );
    assert!(plan(1000, 600, "w-300,h-300,cm-pad_extract_no_shrink")
        .unwrap()
        .is_identity());
    // x/y without an extract mode are ignored.
    assert_eq!(plan(1000, 600, "w-300,h-300,x-0").unwrap().crop().x(), 100);
}

#[test]
fn source_crop_maps_back_to_input_pixels() {
    let g = plan(1000, 600, "w-300,h-300").unwrap();
    // Scaled 500×300 (factor 2), crop 100..400 → source 200..800.
    assert_eq!(g.source_crop(), (200.0, 0.0, 600.0, 600.0));
    let g = plan(1000, 600, "w-300,h-300,cm-extract").unwrap();
    assert_eq!(g.source_crop(), (350.0, 150.0, 300.0, 300.0));
    let g = plan(1000, 600, "w-300,h-300,c-force").unwrap();
    assert_eq!(g.source_crop(), (0.0, 0.0, 1000.0, 600.0));
    assert!(g.needs_resize() && !g.needs_crop() && !g.needs_pad());
    let g = plan(1000, 600, "w-300,h-300,cm-pad_resize").unwrap();
    assert!(g.needs_resize() && !g.needs_crop() && g.needs_pad());
}

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

fn arb_operand() -> impl Strategy<Value = Operand> {
    prop_oneof![
        (0.0f64..5000.0).prop_map(Operand::Number),
        prop::sample::select(vec![
            Var::Iw,
            Var::Ih,
            Var::Iar,
            Var::Cw,
            Var::Ch,
            Var::Car,
            Var::Bw
        ])
        .prop_map(Operand::Var),
    ]
}

fn arb_expr() -> impl Strategy<Value = Expr> {
    let op = prop::sample::select(vec![Op::Add, Op::Sub, Op::Mul, Op::Div, Op::Mod, Op::Pow]);
    (
        arb_operand(),
        prop::collection::vec((op, arb_operand()), 0..3),
    )
        .prop_map(|(first, rest)| Expr { first, rest })
}

fn arb_dim() -> impl Strategy<Value = Dim> {
    prop_oneof![
        4 => (1u32..=100_000).prop_map(Dim::Px),
        2 => (0.0001f64..0.9999).prop_map(Dim::Fraction),
        1 => Just(Dim::Auto),
        1 => arb_expr().prop_map(Dim::Expr),
    ]
}

fn arb_coord() -> impl Strategy<Value = Coord> {
    prop_oneof![
        (0u32..=30_000).prop_map(Coord::Px),
        arb_expr().prop_map(Coord::Expr)
    ]
}

fn arb_focus() -> impl Strategy<Value = Focus> {
    prop_oneof![
        prop::sample::select(vec![
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
        .prop_map(Focus::Position),
        Just(Focus::Auto),
        Just(Focus::Face),
        Just(Focus::Custom),
        Just(Focus::Object("car".into())),
    ]
}

fn arb_step() -> impl Strategy<Value = StepParams> {
    let dims = (
        prop::option::of(arb_dim()),
        prop::option::of(arb_dim()),
        prop::option::of(prop_oneof![
            (0.01f64..100.0, 0.01f64..100.0).prop_map(|(a, b)| AspectRatio::Ratio(a, b)),
            arb_expr().prop_map(AspectRatio::Expr),
        ]),
        prop::option::of(prop_oneof![
            (0.1f64..=5.0).prop_map(Dpr::Value),
            Just(Dpr::Auto),
            arb_expr().prop_map(Dpr::Expr),
        ]),
    );
    let modes = (
        prop::option::of(prop::sample::select(vec![
            Crop::MaintainRatio,
            Crop::MaintainRatioNoEnlarge,
            Crop::Force,
            Crop::AtMax,
            Crop::AtMaxEnlarge,
            Crop::AtLeast,
        ])),
        prop::option::of(prop::sample::select(vec![
            CropMode::PadResize,
            CropMode::PadResizeNoEnlarge,
            CropMode::Extract,
            CropMode::PadExtract,
            CropMode::PadExtractNoShrink,
        ])),
        prop::option::of(arb_focus()),
        prop::option::of(0.1f64..5.0),
    );
    let coords = (
        prop::option::of(arb_coord()),
        prop::option::of(arb_coord()),
        prop::option::of(arb_coord()),
        prop::option::of(arb_coord()),
    );
    (dims, modes, coords).prop_map(
        |((w, h, ar, dpr), (c, cm, fo, z), (x, y, xc, yc))| StepParams {
            width: w,
            height: h,
            aspect_ratio: ar,
            dpr,
            crop: c,
            crop_mode: cm,
            focus: fo,
            zoom: z,
            x,
            y,
            xc,
            yc,
            ..StepParams::default()
        },
    )
}

fn arb_context(current: Size) -> impl Strategy<Value = Context> {
    (
        prop::option::of((1u32..=20_000, 1u32..=20_000)),
        prop::option::of(1u32..=20_000),
        prop::option::of(0.1f64..5.0),
        prop::sample::select(vec![65_535u32, 16_383, 5_000]),
        prop::option::of(prop_oneof![
            (0.0f64..30_000.0, 0.0f64..30_000.0).prop_map(|(x, y)| FocusHint::Point { x, y }),
            (0u32..20_000, 0u32..20_000, 1u32..20_000, 1u32..20_000)
                .prop_map(|(x, y, w, h)| FocusHint::Area(Rect::new(x, y, w, h).unwrap())),
        ]),
    )
        .prop_map(
            move |(original, width_hint, dpr_hint, max_dimension, focus_hint)| Context {
                // Half the time the step is the first one (original = current).
                original: original.map_or(current, |(w, h)| size(w, h)),
                base: None,
                width_hint,
                dpr_hint,
                max_dimension,
                focus_hint,
            },
        )
}

fn arb_case() -> impl Strategy<Value = (Size, StepParams, Context)> {
    (1u32..=20_000, 1u32..=20_000)
        .prop_map(|(w, h)| size(w, h))
        .prop_flat_map(|s| (Just(s), arb_step(), arb_context(s)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn plan_keeps_its_guarantees((current, step, c) in arb_case()) {
        match plan_step(current, &step, &c) {
            Ok(g) => {
                prop_assert_eq!(g.input(), current);
                let (s, r, v, (ox, oy)) = (g.scaled(), g.crop(), g.canvas(), g.offset());
                prop_assert!(s.width() >= 1 && s.height() >= 1 && v.width() >= 1 && v.height() >= 1);
                prop_assert!(u64::from(r.x()) + u64::from(r.width()) <= u64::from(s.width()));
                prop_assert!(u64::from(r.y()) + u64::from(r.height()) <= u64::from(s.height()));
                prop_assert!(u64::from(ox) + u64::from(r.width()) <= u64::from(v.width()));
                prop_assert!(u64::from(oy) + u64::from(r.height()) <= u64::from(v.height()));
                prop_assert!(v.width() <= c.max_dimension && v.height() <= c.max_dimension);
                let (l, t, w, h) = g.source_crop();
                prop_assert!(l >= 0.0 && t >= 0.0 && w > 0.0 && h > 0.0);
                prop_assert!(l + w <= f64::from(current.width()) + 1e-6);
                prop_assert!(t + h <= f64::from(current.height()) + 1e-6);
            }
            Err(PlanError::Internal(why)) => prop_assert!(false, "internal error {}", why),
            Err(PlanError::TooLarge { width, height, max }) => {
                prop_assert!(width > max || height > max);
            }
            Err(_) => {}
        }
    }

    /// With plain pixel sizes in range, the box-filling modes give exactly the box.
    #[test]
    fn exact_box_modes_give_the_box(
        (w0, h0) in (1u32..=20_000, 1u32..=20_000),
        (tw, th) in (1u32..=5_000, 1u32..=5_000),
        mode in 0usize..5,
        fo in prop::option::of(arb_focus()),
    ) {
        let mut p = StepParams {
            width: Some(Dim::Px(tw)),
            height: Some(Dim::Px(th)),
            focus: fo,
            ..StepParams::default()
        };
        match mode {
            0 => p.crop = Some(Crop::MaintainRatio),
            1 => p.crop = Some(Crop::Force),
            2 => p.crop_mode = Some(CropMode::PadResize),
            3 => p.crop_mode = Some(CropMode::PadResizeNoEnlarge),
            _ => p.crop_mode = Some(CropMode::PadExtract),
        }
        let g = plan_step(size(w0, h0), &p, &ctx(w0, h0));
        // A 1×20000 picture covering 5000×5000 needs a 5000×1e8 intermediate: still fits u32.
        let g = g.map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(g.output(), size(tw, th));
    }

    /// Fit modes keep the aspect ratio within rounding and stay inside the box.
    #[test]
    fn at_max_fits_inside_the_box(
        (w0, h0) in (1u32..=20_000, 1u32..=20_000),
        (tw, th) in (1u32..=20_000, 1u32..=20_000),
    ) {
        let p = StepParams {
            width: Some(Dim::Px(tw)),
            height: Some(Dim::Px(th)),
            crop: Some(Crop::AtMax),
            ..StepParams::default()
        };
        let out = plan_step(size(w0, h0), &p, &ctx(w0, h0)).unwrap().output();
        prop_assert!(out.width() <= tw.min(w0) && out.height() <= th.min(h0));
        prop_assert!(out.width() == tw.min(w0) || out.height() == th.min(h0));
    }

    #[test]
    fn shrink_factor_contract(
        (sw, sh) in (1u32..=20_000, 1u32..=20_000),
        (nw, nh) in (1u32..=20_000, 1u32..=20_000),
    ) {
        let d = shrink_factor(size(sw, sh), size(nw, nh));
        prop_assert!([1u8, 2, 4, 8].contains(&d));
        let fits = |d: u32| sw.div_ceil(d) >= nw && sh.div_ceil(d) >= nh;
        if d > 1 {
            prop_assert!(fits(u32::from(d)));
        }
        if d < 8 {
            // The next larger factor would be too small.
            prop_assert!(!fits(u32::from(d) * 2));
        }
    }
}
