//! `spec`: ImageKit transformation strings ⇄ typed values, and URL signing.
//!
//! Pure: no pixels, no codecs, no I/O.
//!
//! ```
//! use pixform::spec::{parse, ParseOptions, Transform};
//! let t: Transform = "tr:h-300,w-400:rt-90".parse().unwrap();
//! assert_eq!(t.to_string(), "w-400,h-300:rt-90");
//! assert_eq!(parse("tr=w-400%2Ch-300", &ParseOptions::default()).unwrap().to_string(), "w-400,h-300");
//! ```
//!
//! # Input forms
//! * path form: `tr:{chain}`, optionally with one leading `/` and one trailing `/` (only the
//!   `tr:` segment, not a whole URL path). The chain is split on the raw text, then free-text
//!   values (`i`, `ie`, `ff`, `di`, `pg`) are percent-decoded one by one;
//! * query form: `tr={chain}` (optionally `?tr=`): the whole value is percent-decoded first,
//!   then split, and values are *not* decoded a second time. `+` is kept as `+` (the SDKs
//!   encode spaces as `%20`). A raw `&` ends the parameter and is refused;
//! * bare chain: anything else, read like the path form.
//!
//! Error offsets always refer to bytes of the string given to [`parse`].
//!
//! # Canonical form ([`Transform`]'s `Display`)
//! Bare chain, no `tr:` prefix. Within a step, params print in the field order of
//! [`StepParams`], then the layers in order of appearance, then unknown params (lenient mode)
//! in order of appearance. Steps keep their order. Numbers print in their shortest exact
//! decimal form (`bl-5.00` → `bl-5`, `z-2.0` → `z-2`), negatives with `N`. Hex colours print
//! in UPPERCASE (`ff0000` → `FF0000`); colour names lowercase. `f-jpeg` → `f-jpg`,
//! `ar-4_3` → `ar-4-3`, `b-5-red` → `b-5_red`, `fl-v_h` → `fl-h_v`, corner spellings of the
//! nine positions (`left_top`, `topleft`) → `top_left`, COCO names in ImageKit's camelCase
//! (`fo-trafficlight` → `fo-trafficLight`), `e-gradient` directions → degrees (`ld-top` →
//! `ld-0`), `bg-gradient_dominant_2` → `bg-gradient_dominant`, `tg-i_b` → `tg-b_i`,
//! `di-@@a@@b.jpg` → `di-a@@b.jpg`. Free text is percent-encoded: every byte outside
//! `A-Z a-z 0-9 - . _ ~` becomes `%XX` (uppercase), and in paths (`i` of image layers, `ff`,
//! `di`) `/` prints as `@@`. For every value `x` that [`parse`] returns,
//! `parse(x.to_string()) == x`.
//!
//! Inside a layer the canonical order is: `l-{kind}`, input (`i`/`ie`), text styling (`fs ff co
//! ia pa al tg lh`), position (`lx ly lxc lyc lap lfo lm`), then the layer's own steps (a first
//! step that is an if-block is introduced with `:`), then `l-end`. Layer keys may be written in
//! any step of the layer; they describe the whole layer (text is set before the chain runs,
//! position is applied after it, as ImageKit documents for `lx`/`ly`). Layer steps left empty
//! once the layer keys are taken out (`l-image,i-a.png:rt-90`) are dropped: an empty step is
//! the identity.
//!
//! # Decisions where the reference says \[UNK\] or leaves a choice (\[INF\])
//! * Unknown keys (§1.3 rule 5, §6.1): strict mode (default) refuses them
//!   ([`SpecErrorKind::UnknownKey`]); lenient mode keeps them verbatim in
//!   [`StepParams::unknown`]. Lenient mode does not relax anything else: malformed values of
//!   known keys, retired, AI-only and video-only keys are errors in both modes.
//! * A key written twice in one step is an error ([`SpecErrorKind::DuplicateKey`]);
//!   unknown keys (lenient) may repeat.
//! * Mixing `n-` with other params in one step (§1.5 \[UNK\]): see
//!   [`Transform::expand_named`] — the other params join the expansion's *last* step
//!   (as if the canonical text `n-x,w-1` were substituted textually); a key present in both is
//!   a [`SpecErrorKind::DuplicateKey`]; an expansion ending with an if-block cannot take
//!   params ([`SpecErrorKind::Conflict`]). Depth is bounded (8 by default).
//! * Both path and query `tr` in one URL (§1.1 \[UNK\]): not this module's business; [`parse`]
//!   reads one form at a time.
//! * `w`/`h`: whole numbers ≥ 1 are pixels (`300.0` is accepted as 300), numbers strictly
//!   between 0 and 1 are fractions, other decimals ≥ 1 (`300.5`) are refused; `0` is refused.
//!   `auto` is accepted for `w` only. Values above 65535 parse (the engine ignores them, §2.1).
//! * `ar`: `W-H` or `W_H` with positive decimal terms, or an expression with at least one
//!   variable or operator; a single number (`ar-1.5`) and `ar-4:3` are refused.
//! * `dpr`: 0.1–5, `auto`, or an expression.
//! * `c-pad_resize` (a typo in ImageKit's own docs, §1.6) is refused with a hint to `cm-`.
//! * `fo`: the nine positions, `auto`, `face`, `custom`, the 80 COCO names of §2.5
//!   (matched case-insensitively, printed camelCase); the 3P-only `<obj1>_<obj2>` and
//!   `auto-custom_override` are refused.
//! * Colours: 6-digit hex, or 8-digit hex whose last two characters are *decimal* 00–99;
//!   3-digit hex is refused (only ImageKit's rewriter expands it); names are the 147 SVG
//!   keywords, matched case-insensitively and stored lowercase (`gray` and `grey` are kept as
//!   written); `transparent` is not a name.
//! * `b`: the separator before the colour is the last `_` or `-` (`b-5-red`, `b-5_red`,
//!   `b-ih_div_20_red`); width ≥ 1 or an expression.
//! * `bl`: any decimal in (0, 100] (the rewriter emits `bl-4.50`).
//! * `r`: one value ≥ 1, `max`, or exactly four values ≥ 0 (`tl_tr_br_bl`); four equal values
//!   are *not* folded into one.
//! * `rt`: any finite decimal, `N` for counter-clockwise, or `auto`.
//! * `e-sharpen-N`: any non-negative decimal (rewriters emit 2000). `e-usm`: radius ≥ 0,
//!   sigma > 0, amount > 0, threshold ≥ 0, separated by `-`.
//! * `e-shadow`, `e-gradient`, `e-colorize`: sub-params joined by `_` in any order, each at
//!   most once; a piece that does not start a new sub-param (`sp-bh_div_2`,
//!   `ld-top_right`) continues the previous one. `e-gradient` `ld` accepts 0–359 and the eight
//!   direction names (also written without `_`, `topleft`), stored as degrees; `sp` is a
//!   positive decimal or an expression.
//! * `e-distort-p-…` takes 8 whole numbers (`N` for negative); `e-distort-a-…` a decimal.
//! * `pg-N` (N ≥ 1) is [`PageSelect::Single`]; PSD selections (`1_3_5`, `2-4`, `4-`, `2_3-4`,
//!   `name-"a"_"b"`) are validated and kept as [`PageSelect::Psd`]. `pg` inside an if-block is
//!   refused ([`SpecErrorKind::Misplaced`], §1.6).
//! * `di`: `@@` → `/`, then percent-decoding, then leading `/` removed.
//! * Layers: `l-image`/`l-text` must carry `i-` or `ie-`; if both are given, `i` is ignored as
//!   ImageKit documents (§5.2) and dropped from the canonical form. Image-layer `i` is a path
//!   (`@@` → `/`), text-layer `i` is text (`@@` kept). Text-only keys (`fs ff co ia pa al tg
//!   lh`) inside an image layer, layer keys outside a layer or inside an if-block within a
//!   layer, and `orig`/`di` inside a layer are [`SpecErrorKind::Misplaced`]. `lx` with `lxc`
//!   (or `ly` with `lyc`) is a [`SpecErrorKind::Conflict`] (SDK: "excludes").
//! * If-blocks: a layer's first step may start with layer keys followed by the if-block
//!   (`l-image,i-a.png,if-…`); branches must not be empty; conditions compare `w h ar iw ih
//!   iar`; `W-H` values only for `ar`/`iar`.
//! * Expressions: operands are non-negative decimals or the nine variables; operator count is
//!   bounded by [`SpecLimits::max_expr_operands`].
//! * An empty transformation (`tr:`) is refused (§1.1).

mod colors;
mod lex;
mod named;
mod parse;
mod print;
mod sign;
mod types;
mod value;
mod walk;

pub use sign::{sign_url, verify_url, SignError};
pub use types::*;
pub use walk::AllParams;

/// Which rule a transformation string broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SpecErrorKind {
    /// Structure: empty item or step, unbalanced `l-…`/`l-end` or `if-…`/`if-end`, an if-block
    /// sharing its step, a missing layer input.
    Syntax,
    /// Bad percent-encoding or bytes that are not UTF-8.
    Encoding,
    /// A key this parser does not know (strict mode).
    UnknownKey,
    /// A known key with a malformed or out-of-range value.
    InvalidValue,
    /// The same key twice in one step (or layer).
    DuplicateKey,
    /// A valid key in the wrong place (layer key outside a layer, `pg` inside an if-block…).
    Misplaced,
    /// Two keys that exclude each other.
    Conflict,
    /// ImageKit's retired overlay syntax (`oi`, `ot`, `ox`…), answered 400 since 2023-11-01.
    Retired,
    /// An AI-only transformation (`e-bgremove`, `bg-genfill`…), which pixform does not perform.
    AiOnly,
    /// A video-only key (`vc`, `l-video`, `f-mp4`…) on an image transformation.
    VideoOnly,
    /// A [`SpecLimits`] bound was exceeded.
    Limit,
    /// `n-name` with a name the registry does not hold.
    UnknownName,
}

/// Where and why a transformation string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at byte {offset}, `{token}`: {reason}")]
pub struct SpecError {
    /// Byte offset of the offending token in the input string (0 for errors found while
    /// expanding named transformations, which have no input text).
    pub offset: usize,
    /// The offending token (cut to 80 characters).
    pub token: String,
    /// What was expected, or why the token is refused.
    pub reason: String,
    /// The class of error.
    pub kind: SpecErrorKind,
}

impl SpecError {
    /// An error of `kind` at byte `offset`; `token` is cut to 80 characters.
    pub fn new(kind: SpecErrorKind, offset: usize, token: &str, reason: impl Into<String>) -> Self {
        const MAX: usize = 80;
        let token = if token.chars().count() > MAX {
            let mut t: String = token.chars().take(MAX).collect();
            t.push('…');
            t
        } else {
            token.to_owned()
        };
        SpecError {
            offset,
            token,
            reason: reason.into(),
            kind,
        }
    }
}

/// Host-supplied named transformations (`n-name` → chain).
///
/// Names are case-sensitive and use letters, digits and `_` only.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NamedTransforms {
    entries: std::collections::BTreeMap<String, Transform>,
}

impl NamedTransforms {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Looks a name up.
    pub fn get(&self, name: &str) -> Option<&Transform> {
        self.entries.get(name)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the registry is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Stores `chain` (path, query or bare form, parsed strictly) under `name`, replacing any
    /// previous entry. The chain may itself use `n-…`; it is expanded when used.
    ///
    /// # Errors
    /// [`SpecErrorKind::InvalidValue`] when `name` is empty or uses characters other than
    /// `A-Z a-z 0-9 _`; any parse error of `chain`.
    pub fn insert(&mut self, name: &str, chain: &str) -> Result<(), SpecError> {
        if !value::is_valid_name(name) {
            return Err(SpecError::new(
                SpecErrorKind::InvalidValue,
                0,
                name,
                "a named transformation's name uses letters, digits and `_` only",
            ));
        }
        let t = parse(chain, &ParseOptions::default())?;
        self.entries.insert(name.to_owned(), t);
        Ok(())
    }
}

/// Strict or lenient handling of unknown keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// Unknown keys are errors (default).
    #[default]
    Strict,
    /// Unknown keys are kept as [`UnknownParam`]s.
    Lenient,
}

/// Bounds on the transformation string itself. Exceeding one is a
/// [`SpecErrorKind::Limit`] error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SpecLimits {
    /// Length of the input in bytes (default 8192).
    pub max_len: usize,
    /// Steps in the whole transformation, counting those inside layers and if-blocks
    /// (default 64).
    pub max_steps: usize,
    /// Items (params, layer keys, layers) in one step (default 64).
    pub max_params_per_step: usize,
    /// Layer nesting (default 3, ImageKit's documented maximum).
    pub max_layer_depth: usize,
    /// If-block nesting (default 4).
    pub max_if_depth: usize,
    /// Operands of one expression (default 16).
    pub max_expr_operands: usize,
    /// Clauses of one condition (default 16).
    pub max_condition_clauses: usize,
    /// Nesting of named transformations during [`Transform::expand_named`] (default 8).
    pub max_named_depth: usize,
    /// Steps in a transformation after named expansion (default 256).
    pub max_expanded_steps: usize,
}

impl Default for SpecLimits {
    fn default() -> Self {
        SpecLimits {
            max_len: 8192,
            max_steps: 64,
            max_params_per_step: 64,
            max_layer_depth: 3,
            max_if_depth: 4,
            max_expr_operands: 16,
            max_condition_clauses: 16,
            max_named_depth: 8,
            max_expanded_steps: 256,
        }
    }
}

/// Options for [`parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ParseOptions {
    /// Strict or lenient.
    pub mode: Mode,
    /// Bounds on the string.
    pub limits: SpecLimits,
}

impl ParseOptions {
    /// Lenient parsing with default limits.
    pub fn lenient() -> Self {
        ParseOptions {
            mode: Mode::Lenient,
            ..Self::default()
        }
    }
}

/// Parses a transformation in path (`tr:…`), query (`tr=…`) or bare form.
///
/// Runs in time linear in the input's length; nesting is bounded by `options.limits`.
///
/// # Errors
/// [`SpecError`] with the byte offset, the token and the reason; its
/// [`kind`](SpecError::kind) tells the classes apart.
pub fn parse(input: &str, options: &ParseOptions) -> Result<Transform, SpecError> {
    parse::parse(input, options)
}

impl std::str::FromStr for Transform {
    type Err = SpecError;
    /// Strict parsing with default limits.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s, &ParseOptions::default())
    }
}
