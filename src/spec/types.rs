//! The typed model of ImageKit's transformation language.
//!
//! A [`Transform`] is a chain of [`Step`]s. A plain step is a [`StepParams`]: one optional
//! field per key, so a step cannot hold the same key twice and its canonical order is the
//! order of the fields below (see `Display`). Layers and conditional blocks own their own
//! chains.
//!
//! Values are checked when parsed: a [`Quality`] is always 1–100, a [`Color`]'s alpha is
//! always 0–99, and so on. Nothing downstream re-checks them.

use std::fmt;

/// A whole transformation: steps applied left to right, each on the previous one's output.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Transform {
    /// The chained steps, in the order written.
    pub steps: Vec<Step>,
}

/// One chain step.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Ordinary parameters (and layers) applied together in the fixed intra-step order.
    Params(Box<StepParams>),
    /// `if-…,…,[if-else,…,]if-end`: a conditional block occupying the whole step.
    If(Box<IfBlock>),
}

/// A conditional block: `if-{condition},{then}[,if-else,{else}],if-end`.
#[derive(Debug, Clone, PartialEq)]
pub struct IfBlock {
    /// The condition, evaluated against the current and original sizes.
    pub condition: Condition,
    /// Steps run when the condition holds.
    pub then: Vec<Step>,
    /// Steps run otherwise (`if-else` branch); `None` when absent.
    pub otherwise: Option<Vec<Step>>,
}

/// A condition: clauses joined by `_or_` of clauses joined by `_and_` (`and` binds tighter).
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// Disjunction of conjunctions: `any(all(clause))`.
    pub any_of: Vec<Vec<Clause>>,
}

/// One comparison `{property}_{op}_{value}`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clause {
    /// What is compared.
    pub property: CondProperty,
    /// How.
    pub op: CompareOp,
    /// Against what (for `ar`/`iar`, `4-3` is stored as 4/3 with its spelling kept).
    pub value: CondValue,
}

/// A value on the right of a condition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CondValue {
    /// A plain number (decimals allowed).
    Number(f64),
    /// A ratio written `W-H` (only meaningful for `ar`/`iar`).
    Ratio(f64, f64),
}

impl CondValue {
    /// The numeric value compared.
    pub fn value(self) -> f64 {
        match self {
            CondValue::Number(n) => n,
            CondValue::Ratio(w, h) => {
                if h == 0.0 {
                    f64::INFINITY
                } else {
                    w / h
                }
            }
        }
    }
}

/// Properties a condition may test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CondProperty {
    /// Current width.
    W,
    /// Current height.
    H,
    /// Current aspect ratio.
    Ar,
    /// Original width.
    Iw,
    /// Original height.
    Ih,
    /// Original aspect ratio.
    Iar,
}

/// Comparison operators of conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    /// `eq`
    Eq,
    /// `ne`
    Ne,
    /// `gt`
    Gt,
    /// `gte`
    Gte,
    /// `lt`
    Lt,
    /// `lte`
    Lte,
}

/// Every key of one plain step. The field order is the canonical print order.
///
/// Encoding keys (`f`, `q`, `lo`, `pr`, `md`, `cp`) apply to the final output whichever
/// step holds them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StepParams {
    /// `n-name` (only before expansion; an expanded transform holds none).
    pub named: Option<String>,
    /// `orig-true|false`.
    pub original: Option<bool>,
    /// `pg-…` page/frame selection.
    pub page: Option<PageSelect>,
    /// `di-path` default image.
    pub default_image: Option<String>,
    /// `t-true|N` trim.
    pub trim: Option<Trim>,
    /// `w-…`
    pub width: Option<Dim>,
    /// `h-…`
    pub height: Option<Dim>,
    /// `ar-…`
    pub aspect_ratio: Option<AspectRatio>,
    /// `dpr-…`
    pub dpr: Option<Dpr>,
    /// `c-…`
    pub crop: Option<Crop>,
    /// `cm-…`
    pub crop_mode: Option<CropMode>,
    /// `fo-…`
    pub focus: Option<Focus>,
    /// `x-…` top-left x of an extract window.
    pub x: Option<Coord>,
    /// `y-…` top-left y of an extract window.
    pub y: Option<Coord>,
    /// `xc-…` centre x of an extract window.
    pub xc: Option<Coord>,
    /// `yc-…` centre y of an extract window.
    pub yc: Option<Coord>,
    /// `z-…` zoom for face/object focus.
    pub zoom: Option<f64>,
    /// `rt-…`
    pub rotate: Option<Rotation>,
    /// `fl-…`
    pub flip: Option<Flip>,
    /// `e-grayscale`
    pub grayscale: bool,
    /// `e-contrast`
    pub contrast: bool,
    /// `e-colorize[-co-…_in-…]`
    pub colorize: Option<Colorize>,
    /// `cr-{to}[_{tolerance}[_{from}]]`
    pub color_replace: Option<ColorReplace>,
    /// `bl-N` Gaussian blur radius (1–100, decimals allowed).
    pub blur: Option<f64>,
    /// `e-sharpen[-N]`: `Some(None)` is the flag form.
    pub sharpen: Option<Option<f64>>,
    /// `e-usm[-r-s-a-t]`: `Some(None)` is the flag form.
    pub unsharp: Option<Option<Unsharp>>,
    /// `e-gradient[-…]`
    pub gradient: Option<Gradient>,
    /// `e-shadow[-…]`
    pub shadow: Option<Shadow>,
    /// `e-distort-…`
    pub distort: Option<Distort>,
    /// `r-…` corner radius.
    pub radius: Option<Radius>,
    /// `b-{width}_{color}` border.
    pub border: Option<Border>,
    /// `o-N` opacity 0–100.
    pub opacity: Option<u8>,
    /// `bg-…` background.
    pub background: Option<Background>,
    /// `f-…`
    pub format: Option<Format>,
    /// `q-N`
    pub quality: Option<Quality>,
    /// `lo-true|false`
    pub lossless: Option<bool>,
    /// `pr-true|false`
    pub progressive: Option<bool>,
    /// `md-true|false`
    pub metadata: Option<bool>,
    /// `cp-true|false`
    pub color_profile: Option<bool>,
    /// Layers, composited after everything above, in order of appearance.
    pub layers: Vec<Layer>,
    /// Keys kept in lenient mode (key, raw value), in order of appearance.
    pub unknown: Vec<UnknownParam>,
}

/// A key that lenient parsing kept without understanding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownParam {
    /// The key as written.
    pub key: String,
    /// The raw value (after the first `-`), `None` for a bare key.
    pub value: Option<String>,
}

/// A width or height.
#[derive(Debug, Clone, PartialEq)]
pub enum Dim {
    /// Whole pixels (≥ 1).
    Px(u32),
    /// Strictly between 0 and 1: a fraction of the input's size on that axis.
    Fraction(f64),
    /// `auto`: from the `Sec-CH-Width` client hint (width only).
    Auto,
    /// An arithmetic expression.
    Expr(Expr),
}

/// An aspect ratio value.
#[derive(Debug, Clone, PartialEq)]
pub enum AspectRatio {
    /// `W-H` (or `W_H`); each term positive, decimals allowed.
    Ratio(f64, f64),
    /// An expression giving width/height directly.
    Expr(Expr),
}

/// A device pixel ratio.
#[derive(Debug, Clone, PartialEq)]
pub enum Dpr {
    /// 0.1–5.
    Value(f64),
    /// `auto`: from the `Sec-CH-DPR` client hint.
    Auto,
    /// An expression.
    Expr(Expr),
}

/// A coordinate for `x`, `y`, `xc`, `yc`.
#[derive(Debug, Clone, PartialEq)]
pub enum Coord {
    /// Whole pixels.
    Px(u32),
    /// An expression.
    Expr(Expr),
}

/// `c-…`: resize strategy when both sides are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Crop {
    /// Cover the box, then crop the overflow around the focus (default).
    MaintainRatio,
    /// Like `MaintainRatio` but never enlarges.
    MaintainRatioNoEnlarge,
    /// Stretch to exactly the box.
    Force,
    /// Fit inside the box, never enlarging.
    AtMax,
    /// Fit inside the box, enlarging when needed.
    AtMaxEnlarge,
    /// Cover the box without cropping.
    AtLeast,
}

/// `cm-…`: crop modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CropMode {
    /// Fit inside, then pad to the box with `bg`.
    PadResize,
    /// Like `PadResize` but never enlarges.
    PadResizeNoEnlarge,
    /// Cut a window of the box's size without resizing.
    Extract,
    /// Extract; pad where the window is larger than the image.
    PadExtract,
    /// Like `PadExtract`, but never shrinks (see `plan`).
    PadExtractNoShrink,
}

/// One of the nine relative positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Position {
    /// `center`
    Center,
    /// `top`
    Top,
    /// `bottom`
    Bottom,
    /// `left`
    Left,
    /// `right`
    Right,
    /// `top_left`
    TopLeft,
    /// `top_right`
    TopRight,
    /// `bottom_left`
    BottomLeft,
    /// `bottom_right`
    BottomRight,
}

/// `fo-…`
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Focus {
    /// A relative position.
    Position(Position),
    /// Content-aware (saliency).
    Auto,
    /// Detected faces.
    Face,
    /// The crop area stored with the asset.
    Custom,
    /// A COCO object class, spelled as ImageKit writes it (camelCase).
    Object(String),
}

/// `rt-…`
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rotation {
    /// Clockwise degrees (negative for `N`-prefixed, i.e. counter-clockwise).
    Degrees(f64),
    /// `auto`: from EXIF orientation.
    Auto,
}

/// `fl-…`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flip {
    /// Mirror left↔right.
    Horizontal,
    /// Mirror top↔bottom.
    Vertical,
    /// Both (`h_v` or `v_h`).
    Both,
}

/// A colour: opaque RGB, RGB with a decimal opacity 0–99, or a CSS/SVG colour name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Color {
    /// `RRGGBB`.
    Rgb([u8; 3]),
    /// `RRGGBBAA` where `AA` is **decimal** 00–99 (opacity 0.00–0.99).
    Rgba([u8; 3], u8),
    /// A lowercase colour keyword, resolved to its RGB value.
    Named(&'static str, [u8; 3]),
}

impl Color {
    /// Straight (non-premultiplied) RGBA8 for this colour.
    pub fn rgba8(&self) -> [u8; 4] {
        match self {
            Color::Rgb([r, g, b]) | Color::Named(_, [r, g, b]) => [*r, *g, *b, 255],
            Color::Rgba([r, g, b], a) => {
                // a is the opacity in hundredths (0.00–0.99, reference §5): round(a/100 × 255).
                let alpha = (u32::from(*a) * 255 + 50) / 100;
                [*r, *g, *b, u8::try_from(alpha).unwrap_or(255)]
            }
        }
    }
}

/// `bg-…`
#[derive(Debug, Clone, PartialEq)]
pub enum Background {
    /// A solid colour.
    Color(Color),
    /// `blurred[_{intensity}][_{brightness}]`.
    Blurred {
        /// Blur intensity 0–100, `None` = `auto`.
        intensity: Option<u8>,
        /// Brightness −255..=255.
        brightness: i16,
    },
    /// `dominant`
    Dominant,
    /// `gradient_dominant[_2|_4]`: the number of colours.
    GradientDominant(u8),
    /// `genfill[...]` (AI; refused by the parser).
    GenFill,
}

/// `b-{width}_{color}`
#[derive(Debug, Clone, PartialEq)]
pub struct Border {
    /// Border width in pixels.
    pub width: Coord,
    /// Border colour.
    pub color: Color,
}

/// `r-…`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Radius {
    /// The same radius on every corner.
    All(u32),
    /// `max`: a circle/ellipse.
    Max,
    /// Top-left, top-right, bottom-right, bottom-left.
    Corners([u32; 4]),
}

/// `t-…`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trim {
    /// `t-true`: default threshold.
    On,
    /// `t-false` (meaningful inside image layers, where trimming is on by default).
    Off,
    /// `t-N`, threshold 1–99.
    Threshold(u8),
}

/// `pg-…`
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PageSelect {
    /// One page/frame/layer, 1-based.
    Single(u32),
    /// The raw PSD selection syntax (lists, ranges, names), kept verbatim.
    Psd(String),
}

/// `f-…`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Best format for the client.
    Auto,
    /// JPEG (`jpg` or `jpeg`).
    Jpeg,
    /// PNG.
    Png,
    /// WebP.
    Webp,
    /// AVIF.
    Avif,
    /// GIF.
    Gif,
    /// SVG (only for SVG input; never rasterised).
    Svg,
    /// The input's own format.
    Orig,
}

/// JPEG/WebP/AVIF quality.
///
/// # Guarantees
/// The value is within 1–100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quality(u8);

impl Quality {
    /// ImageKit's default quality, 80.
    pub const DEFAULT: Quality = Quality(80);
    /// A quality, or `None` outside 1–100.
    pub fn new(q: u8) -> Option<Self> {
        (1..=100).contains(&q).then_some(Quality(q))
    }
    /// The value, 1–100.
    pub fn get(self) -> u8 {
        self.0
    }
}

/// `e-usm-{radius}-{sigma}-{amount}-{threshold}`
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unsharp {
    /// Radius (≥ 0).
    pub radius: f64,
    /// Sigma (> 0).
    pub sigma: f64,
    /// Amount (> 0).
    pub amount: f64,
    /// Threshold (≥ 0).
    pub threshold: f64,
}

/// `e-shadow[-bl-…_st-…_x-…_y-…]`; unset sub-params use the documented defaults.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Shadow {
    /// Blur 0–15 (default 10).
    pub blur: Option<u8>,
    /// Saturation 0–100 (default 30).
    pub saturation: Option<u8>,
    /// Horizontal offset, % of width, −100..=100 (default 2).
    pub x: Option<i8>,
    /// Vertical offset, % of height, −100..=100 (default 2).
    pub y: Option<i8>,
}

/// `e-gradient[-ld-…_from-…_to-…_sp-…]`
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Gradient {
    /// Direction in degrees 0–359 (default 180 = bottom).
    pub direction: Option<u16>,
    /// Start colour (default white).
    pub from: Option<Color>,
    /// End colour (default transparent black).
    pub to: Option<Color>,
    /// Stop point: ≤ 1 a fraction, > 1 pixels, or an expression.
    pub stop: Option<StopPoint>,
}

/// Gradient stop point.
#[derive(Debug, Clone, PartialEq)]
pub enum StopPoint {
    /// A number (fraction when ≤ 1, pixels when > 1).
    Number(f64),
    /// An expression.
    Expr(Expr),
}

/// `e-colorize[-co-{color}][_in-{0..100}]`
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Colorize {
    /// Tint colour (default gray).
    pub color: Option<Color>,
    /// Intensity 0–100 (default 100).
    pub intensity: Option<u8>,
}

/// `cr-{to}[_{tolerance}[_{from}]]`
#[derive(Debug, Clone, PartialEq)]
pub struct ColorReplace {
    /// Replacement colour.
    pub to: Color,
    /// Tolerance 0–100.
    pub tolerance: Option<u8>,
    /// Colour to replace (default: the dominant colour).
    pub from: Option<Color>,
}

/// `e-distort-…`
#[derive(Debug, Clone, PartialEq)]
pub enum Distort {
    /// `p-x1_y1_…_x4_y4`: new corner positions, clockwise from top-left.
    Perspective([i32; 8]),
    /// `a-{deg}`: arc (negative curves down).
    Arc(f64),
}

/// An arithmetic expression: `operand (op operand)*`, evaluated in ImageKit's documented
/// order (all `mul`/`div` left to right, then `add`/`sub`, then `mod`, then `pow`).
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// The first operand.
    pub first: Operand,
    /// The following operator/operand pairs.
    pub rest: Vec<(Op, Operand)>,
}

/// An expression operand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Operand {
    /// A non-negative number.
    Number(f64),
    /// A size variable.
    Var(Var),
}

/// Expression variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Var {
    /// Original width.
    Iw,
    /// Original height.
    Ih,
    /// Original aspect ratio.
    Iar,
    /// Current width.
    Cw,
    /// Current height.
    Ch,
    /// Current aspect ratio.
    Car,
    /// Base (parent) width, inside layers.
    Bw,
    /// Base (parent) height, inside layers.
    Bh,
    /// Base (parent) aspect ratio, inside layers.
    Bar,
}

/// Expression operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// `add`
    Add,
    /// `sub`
    Sub,
    /// `mul`
    Mul,
    /// `div`
    Div,
    /// `mod`
    Mod,
    /// `pow`
    Pow,
}

/// Values for expression variables.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ExprEnv {
    /// Original width and height.
    pub original: (f64, f64),
    /// Current width and height.
    pub current: (f64, f64),
    /// Base (parent) width and height, when inside a layer.
    pub base: Option<(f64, f64)>,
}

/// Why an expression could not be evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ExprError {
    /// `bw`/`bh`/`bar` outside a layer.
    #[error("variable {0} is only defined inside a layer")]
    NoBase(&'static str),
    /// Division or modulo by zero.
    #[error("division by zero")]
    DivisionByZero,
    /// The result is not a finite number.
    #[error("result is not finite")]
    NotFinite,
}

impl Var {
    /// The variable's spelling in the language.
    pub fn name(self) -> &'static str {
        match self {
            Var::Iw => "iw",
            Var::Ih => "ih",
            Var::Iar => "iar",
            Var::Cw => "cw",
            Var::Ch => "ch",
            Var::Car => "car",
            Var::Bw => "bw",
            Var::Bh => "bh",
            Var::Bar => "bar",
        }
    }

    fn value(self, env: &ExprEnv) -> Result<f64, ExprError> {
        let ratio = |(w, h): (f64, f64)| if h == 0.0 { 0.0 } else { w / h };
        let base = || env.base.ok_or(ExprError::NoBase(self.name()));
        Ok(match self {
            Var::Iw => env.original.0,
            Var::Ih => env.original.1,
            Var::Iar => ratio(env.original),
            Var::Cw => env.current.0,
            Var::Ch => env.current.1,
            Var::Car => ratio(env.current),
            Var::Bw => base()?.0,
            Var::Bh => base()?.1,
            Var::Bar => ratio(base()?),
        })
    }
}

impl Op {
    /// The operator's spelling in the language.
    pub fn name(self) -> &'static str {
        match self {
            Op::Add => "add",
            Op::Sub => "sub",
            Op::Mul => "mul",
            Op::Div => "div",
            Op::Mod => "mod",
            Op::Pow => "pow",
        }
    }

    /// The evaluation pass this operator belongs to (0 first).
    fn pass(self) -> u8 {
        match self {
            Op::Mul | Op::Div => 0,
            Op::Add | Op::Sub => 1,
            Op::Mod => 2,
            Op::Pow => 3,
        }
    }

    fn apply(self, a: f64, b: f64) -> Result<f64, ExprError> {
        let r = match self {
            Op::Add => a + b,
            Op::Sub => a - b,
            Op::Mul => a * b,
            Op::Div => {
                if b == 0.0 {
                    return Err(ExprError::DivisionByZero);
                }
                a / b
            }
            Op::Mod => {
                if b == 0.0 {
                    return Err(ExprError::DivisionByZero);
                }
                a % b
            }
            Op::Pow => a.powf(b),
        };
        if r.is_finite() {
            Ok(r)
        } else {
            Err(ExprError::NotFinite)
        }
    }
}

impl Expr {
    /// Evaluates the expression in ImageKit's documented order: every `mul`/`div` left to
    /// right, then `add`/`sub`, then `mod`, then `pow`. Linear in the expression's length
    /// per pass (four passes).
    ///
    /// # Errors
    /// [`ExprError`] for a base variable outside a layer, a division by zero, or a
    /// non-finite result.
    pub fn eval(&self, env: &ExprEnv) -> Result<f64, ExprError> {
        let value = |o: &Operand| match o {
            Operand::Number(n) => Ok(*n),
            Operand::Var(v) => v.value(env),
        };
        let mut values = Vec::with_capacity(self.rest.len() + 1);
        values.push(value(&self.first)?);
        let mut ops = Vec::with_capacity(self.rest.len());
        for (op, operand) in &self.rest {
            values.push(value(operand)?);
            ops.push(*op);
        }
        for pass in 0..4 {
            let mut out_values = Vec::with_capacity(values.len());
            let mut out_ops = Vec::with_capacity(ops.len());
            let mut acc = values.first().copied().unwrap_or(0.0);
            for (i, op) in ops.iter().enumerate() {
                let next = values.get(i + 1).copied().unwrap_or(0.0);
                if op.pass() == pass {
                    acc = op.apply(acc, next)?;
                } else {
                    out_values.push(acc);
                    out_ops.push(*op);
                    acc = next;
                }
            }
            out_values.push(acc);
            values = out_values;
            ops = out_ops;
        }
        values.first().copied().ok_or(ExprError::NotFinite)
    }
}

/// A layer: `l-{kind},…,l-end`.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// Image or text.
    pub kind: LayerKind,
    /// `i-…` / `ie-…` input.
    pub input: Option<LayerInput>,
    /// Positioning and blending (applied last within the layer).
    pub position: LayerPosition,
    /// Text styling (text layers only).
    pub text: TextStyle,
    /// The layer's own chain (its first step holds the params written before any `:`).
    pub steps: Vec<Step>,
}

/// Kinds of layer allowed on images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LayerKind {
    /// `l-image`
    Image,
    /// `l-text`
    Text,
}

/// A layer's input.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LayerInput {
    /// `i-…`: a path (`@@` already turned into `/`) or plain text, percent-decoded.
    Plain(String),
    /// `ie-…`: base64 payload as written (URL-decoded).
    Base64(String),
}

/// Positioning keys of a layer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LayerPosition {
    /// `lx-…` (negative = from the right edge).
    pub lx: Option<SignedCoord>,
    /// `ly-…` (negative = from the bottom edge).
    pub ly: Option<SignedCoord>,
    /// `lxc-…`
    pub lxc: Option<SignedCoord>,
    /// `lyc-…`
    pub lyc: Option<SignedCoord>,
    /// `lap-…` anchor.
    pub anchor: Option<Position>,
    /// `lfo-…` relative placement.
    pub focus: Option<Position>,
    /// `lm-…` blend mode.
    pub blend: Option<BlendMode>,
}

/// A coordinate that may be negative (`N` prefix) or an expression.
#[derive(Debug, Clone, PartialEq)]
pub enum SignedCoord {
    /// Pixels; negative when written with `N`.
    Px(i64),
    /// An expression.
    Expr(Expr),
}

/// `lm-…`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlendMode {
    /// `multiply`
    Multiply,
    /// `displace`
    Displace,
    /// `cutout`
    Cutout,
    /// `cutter`
    Cutter,
}

/// Text styling keys of a text layer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TextStyle {
    /// `fs-…` font size.
    pub font_size: Option<Coord>,
    /// `ff-…` font name or path.
    pub font_family: Option<String>,
    /// `co-…` text colour.
    pub color: Option<Color>,
    /// `ia-left|right|center`
    pub inner_align: Option<TextAlign>,
    /// `pa-…` padding (1–4 values, CSS order) or an expression.
    pub padding: Option<Padding>,
    /// `al-1..9` transparency level.
    pub alpha: Option<u8>,
    /// `tg-…` typography (`b`, `i`, `strikethrough` combined with `_`), kept normalised.
    pub typography: Option<String>,
    /// `lh-…` line height.
    pub line_height: Option<Coord>,
}

/// Text alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextAlign {
    /// `left`
    Left,
    /// `right`
    Right,
    /// `center`
    Center,
}

/// Text padding.
#[derive(Debug, Clone, PartialEq)]
pub enum Padding {
    /// 1–4 pixel values in CSS shorthand order.
    Values(Vec<u32>),
    /// A uniform expression.
    Expr(Expr),
}

impl fmt::Display for Var {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(first: Operand, rest: &[(Op, Operand)]) -> Expr {
        Expr {
            first,
            rest: rest.to_vec(),
        }
    }

    #[test]
    fn documented_evaluation_order() {
        use Operand::Number as N;
        let env = ExprEnv::default();
        // 2 add 3 mul 4 = 2 + 12 = 14 (mul first)
        let e = expr(N(2.0), &[(Op::Add, N(3.0)), (Op::Mul, N(4.0))]);
        assert_eq!(e.eval(&env), Ok(14.0));
        // 10 mod 4 add 2 = 10 mod 6 = 4 (add before mod)
        let e = expr(N(10.0), &[(Op::Mod, N(4.0)), (Op::Add, N(2.0))]);
        assert_eq!(e.eval(&env), Ok(4.0));
        // 2 pow 3 mul 2 = 2 pow 6 = 64 (mul before pow)
        let e = expr(N(2.0), &[(Op::Pow, N(3.0)), (Op::Mul, N(2.0))]);
        assert_eq!(e.eval(&env), Ok(64.0));
        // 100 sub 10 sub 5 = 85 (left to right)
        let e = expr(N(100.0), &[(Op::Sub, N(10.0)), (Op::Sub, N(5.0))]);
        assert_eq!(e.eval(&env), Ok(85.0));
    }

    #[test]
    fn variables_and_errors() {
        let env = ExprEnv {
            original: (1000.0, 600.0),
            current: (500.0, 300.0),
            base: None,
        };
        let e = expr(Operand::Var(Var::Iw), &[(Op::Div, Operand::Number(2.0))]);
        assert_eq!(e.eval(&env), Ok(500.0));
        let e = expr(Operand::Var(Var::Bw), &[]);
        assert_eq!(e.eval(&env), Err(ExprError::NoBase("bw")));
        let e = expr(Operand::Var(Var::Cw), &[(Op::Div, Operand::Number(0.0))]);
        assert_eq!(e.eval(&env), Err(ExprError::DivisionByZero));
    }

    #[test]
    fn decimal_alpha_maps_to_8_bit() {
        assert_eq!(Color::Rgba([1, 2, 3], 0).rgba8(), [1, 2, 3, 0]);
        assert_eq!(Color::Rgba([1, 2, 3], 99).rgba8(), [1, 2, 3, 252]);
        assert_eq!(Color::Rgba([1, 2, 3], 50).rgba8()[3], 128);
    }
}
