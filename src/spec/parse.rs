//! The structural parser: steps, items, layers and if-blocks, and the key table.
//!
//! Tokens are consumed left to right exactly once; recursion happens only when a layer or an
//! if-block opens, and both are bounded by [`SpecLimits`](super::SpecLimits), so the depth
//! is bounded whatever the input.

use super::lex::{self, Sep, Source, Tok};
use super::types::*;
use super::value::{self as v, VResult};
use super::{Mode, ParseOptions, SpecError, SpecErrorKind as K};

/// What a chain is nested in (decides which terminators end it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Top,
    Layer,
    Branch,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Term {
    LEnd,
    IfElse,
    IfEnd,
}

impl Ctx {
    fn accepts(self, t: Term) -> bool {
        matches!(
            (self, t),
            (Ctx::Layer, Term::LEnd) | (Ctx::Branch, Term::IfElse | Term::IfEnd)
        )
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Depth {
    layer: usize,
    iff: usize,
}

enum Item<'s> {
    Empty,
    End(Term),
    If(&'s str),
    Layer(LayerKind),
    VideoLayer,
    BadLayer,
    Param(&'s str, Option<&'s str>),
}

/// Splits `key[-value]`; `e-…` keys include their effect name (`e-usm-2-2-1-0` → `e-usm`).
pub(crate) fn split_key(text: &str) -> (&str, Option<&str>) {
    let skip = if text.starts_with("e-") { 2 } else { 0 };
    match text.get(skip..).and_then(|r| r.find('-')) {
        Some(i) => (
            text.get(..skip + i).unwrap_or(text),
            text.get(skip + i + 1..),
        ),
        None => (text, None),
    }
}

fn classify(text: &str) -> Item<'_> {
    match text {
        "" => return Item::Empty,
        "l-end" => return Item::End(Term::LEnd),
        "if-else" => return Item::End(Term::IfElse),
        "if-end" => return Item::End(Term::IfEnd),
        "l-image" => return Item::Layer(LayerKind::Image),
        "l-text" => return Item::Layer(LayerKind::Text),
        "l-video" | "l-subtitles" => return Item::VideoLayer,
        _ => {}
    }
    if let Some(c) = text.strip_prefix("if-") {
        return Item::If(c);
    }
    if text.starts_with("l-") {
        return Item::BadLayer;
    }
    let (k, val) = split_key(text);
    Item::Param(k, val)
}

/// Layer-level keys collected while a layer's chain is parsed.
struct LayerAcc {
    kind: LayerKind,
    plain: Option<String>,
    base64: Option<String>,
    position: LayerPosition,
    text: TextStyle,
}

pub(crate) fn parse(input: &str, opts: &ParseOptions) -> Result<Transform, SpecError> {
    if input.len() > opts.limits.max_len {
        return Err(SpecError::new(
            K::Limit,
            opts.limits.max_len,
            "",
            format!(
                "the transformation is {} bytes long; the limit is {}",
                input.len(),
                opts.limits.max_len
            ),
        ));
    }
    let src = lex::source(input)?;
    if src.text.is_empty() {
        return Err(SpecError::new(
            K::Syntax,
            src.offset(0),
            input,
            "empty transformation",
        ));
    }
    let toks = lex::tokens(&src.text);
    let mut p = Parser {
        src: &src,
        toks,
        pos: 0,
        opts,
        steps: 0,
    };
    let steps = p.chain(Ctx::Top, Depth::default(), None)?;
    Ok(Transform { steps })
}

struct Parser<'s, 'o> {
    src: &'s Source,
    toks: Vec<Tok>,
    pos: usize,
    opts: &'o ParseOptions,
    steps: usize,
}

const KNOWN: &str = "w, h, ar, dpr, c, cm, fo, x, y, xc, yc, z, q, f, lo, pr, md, cp, orig, n, \
    di, pg, bg, b, r, rt, fl, bl, o, t, cr, e-grayscale, e-contrast, e-sharpen, e-usm, \
    e-shadow, e-gradient, e-colorize, e-distort, l-image, l-text, if-…";

fn retired(key: &str) -> Option<&'static str> {
    Some(match key {
        "oi" => "l-image,i-…,l-end",
        "ot" => "l-text,i-…,l-end",
        "ote" => "l-text,ie-…,l-end",
        "obg" => "l-image,i-ik_canvas,bg-…,l-end",
        "ox" => "lx-… inside the layer",
        "oy" => "ly-… inside the layer",
        "ofo" => "lfo-… inside the layer",
        "oh" => "h-… inside the layer",
        "ow" | "otw" => "w-… inside the layer",
        "oiar" => "ar-… inside the layer",
        "oibg" | "otbg" => "bg-… inside the layer",
        "oib" => "b-… inside the layer",
        "oidpr" => "dpr-… inside the layer",
        "oiq" => "q-… inside the layer",
        "oic" => "c-… inside the layer",
        "oicm" => "cm-… inside the layer",
        "oifo" => "fo-… inside the layer",
        "oix" => "x-… inside the layer",
        "oiy" => "y-… inside the layer",
        "oixc" => "xc-… inside the layer",
        "oiyc" => "yc-… inside the layer",
        "oit" => "t-… inside the layer",
        "otp" => "pa-… inside the layer",
        "otia" => "ia-… inside the layer",
        "otc" => "co-… inside the layer",
        "otf" => "ff-… inside the layer",
        "ots" => "fs-… inside the layer",
        "ott" => "tg-… inside the layer",
        "oa" => "al-… inside the layer",
        "or" => "r-… inside the layer",
        _ => return None,
    })
}

fn ai_only(key: &str) -> Option<&'static str> {
    Some(match key {
        "e-bgremove" => "ImageKit's AI background removal",
        "e-removedotbg" => "remove.bg background removal",
        "e-changebg" => "AI background replacement",
        "e-edit" => "AI prompt editing",
        "e-dropshadow" => "AI drop shadow",
        "e-retouch" => "AI retouching",
        "e-upscale" => "AI upscaling",
        "e-genvar" => "AI generated variations",
        _ => return None,
    })
}

fn video_only(key: &str) -> Option<&'static str> {
    Some(match key {
        "vc" => "video codec",
        "ac" => "audio codec",
        "so" => "video start offset",
        "eo" => "video end offset",
        "du" => "video duration",
        "sr" => "streaming resolutions",
        "lso" => "layer start offset",
        "leo" => "layer end offset",
        "ldu" => "layer duration",
        "fol" => "subtitle outline",
        "fsh" => "subtitle shadow",
        _ => return None,
    })
}

/// `[A-Za-z0-9_]+`, optionally after `e-`.
fn well_formed_key(key: &str) -> bool {
    let body = key.strip_prefix("e-").unwrap_or(key);
    (key.starts_with("e-") || !body.is_empty())
        && body.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn is_layer_key(key: &str) -> bool {
    matches!(
        key,
        "i" | "ie"
            | "lx"
            | "ly"
            | "lxc"
            | "lyc"
            | "lap"
            | "lfo"
            | "lm"
            | "fs"
            | "ff"
            | "co"
            | "ia"
            | "pa"
            | "al"
            | "tg"
            | "lh"
    )
}

impl<'s> Parser<'s, '_> {
    fn peek(&self) -> Option<Tok> {
        self.toks.get(self.pos).copied()
    }

    fn text(&self, t: Tok) -> &'s str {
        self.src.text.get(t.start..t.end).unwrap_or("")
    }

    fn err(&self, kind: K, t: Tok, reason: impl Into<String>) -> SpecError {
        SpecError::new(kind, self.src.offset(t.start), self.text(t), reason)
    }

    fn max_ops(&self) -> usize {
        self.opts.limits.max_expr_operands
    }

    fn chain(
        &mut self,
        ctx: Ctx,
        depth: Depth,
        mut lacc: Option<&mut LayerAcc>,
    ) -> Result<Vec<Step>, SpecError> {
        let mut steps = Vec::new();
        loop {
            let mut params = StepParams::default();
            let mut items = 0usize;
            let mut count = 0usize;
            let mut first = true;
            let mut if_block = None;
            while let Some(t) = self.peek() {
                if !first && t.sep == Sep::Colon {
                    break;
                }
                count += 1;
                if count > self.opts.limits.max_params_per_step {
                    return Err(self.err(
                        K::Limit,
                        t,
                        format!(
                            "a step may hold at most {} items",
                            self.opts.limits.max_params_per_step
                        ),
                    ));
                }
                match classify(self.text(t)) {
                    Item::Empty => {
                        let what = match t.sep {
                            Sep::Colon => "empty step between `:`",
                            _ => "empty parameter (two separators in a row, or one at an end)",
                        };
                        return Err(self.err(K::Syntax, t, what));
                    }
                    Item::End(term) => {
                        if t.sep == Sep::Colon {
                            return Err(self.err(
                                K::Syntax,
                                t,
                                "empty step: a closing token follows `:` directly",
                            ));
                        }
                        if !ctx.accepts(term) {
                            let why = match term {
                                Term::LEnd => {
                                    "`l-end` without an open l-image/l-text in this chain"
                                }
                                Term::IfElse => "`if-else` outside an if-block",
                                Term::IfEnd => "`if-end` without an open if-block in this chain",
                            };
                            return Err(self.err(K::Syntax, t, why));
                        }
                        break;
                    }
                    Item::If(cond) => {
                        if items > 0 {
                            return Err(self.err(
                                K::Syntax,
                                t,
                                "an if-block must occupy a whole step: put `:` before `if-…`",
                            ));
                        }
                        let b = self.if_block(t, cond, depth)?;
                        if let Some(n) = self.peek() {
                            let closes = n.sep == Sep::Comma
                                && matches!(classify(self.text(n)), Item::End(term) if ctx.accepts(term));
                            if n.sep != Sep::Colon && !closes {
                                return Err(self.err(
                                    K::Syntax,
                                    n,
                                    "an if-block must occupy a whole step: put `:` after `if-end`",
                                ));
                            }
                        }
                        if_block = Some(b);
                        break;
                    }
                    Item::Layer(kind) => {
                        let layer = self.layer(t, kind, depth)?;
                        params.layers.push(layer);
                        items += 1;
                    }
                    Item::VideoLayer => {
                        return Err(self.err(
                            K::VideoOnly,
                            t,
                            "video and subtitle layers only apply to video; on images use \
                             l-image or l-text",
                        ))
                    }
                    Item::BadLayer => {
                        return Err(self.err(K::Syntax, t, "expected `l-image` or `l-text`"))
                    }
                    Item::Param(key, val) => {
                        let layer_key =
                            self.param(t, key, val, &mut params, lacc.as_deref_mut(), depth)?;
                        if !layer_key {
                            items += 1;
                        }
                        self.pos += 1;
                    }
                }
                first = false;
            }
            let step = match if_block {
                Some(b) => Some(Step::If(Box::new(b))),
                None if items > 0 => Some(Step::Params(Box::new(params))),
                None => None,
            };
            if let Some(s) = step {
                self.steps += 1;
                if self.steps > self.opts.limits.max_steps {
                    let t = self.peek().or(self.toks.last().copied());
                    let (off, tok) =
                        t.map_or((0, ""), |t| (self.src.offset(t.start), self.text(t)));
                    return Err(SpecError::new(
                        K::Limit,
                        off,
                        tok,
                        format!(
                            "a transformation may hold at most {} steps",
                            self.opts.limits.max_steps
                        ),
                    ));
                }
                steps.push(s);
            }
            match self.peek() {
                Some(t) if t.sep == Sep::Colon => continue,
                _ => return Ok(steps),
            }
        }
    }

    fn layer(&mut self, open: Tok, kind: LayerKind, depth: Depth) -> Result<Layer, SpecError> {
        let max = self.opts.limits.max_layer_depth;
        if depth.layer + 1 > max {
            return Err(self.err(
                K::Limit,
                open,
                format!("layers nest at most {max} levels deep"),
            ));
        }
        self.pos += 1;
        let mut acc = LayerAcc {
            kind,
            plain: None,
            base64: None,
            position: LayerPosition::default(),
            text: TextStyle::default(),
        };
        let inner = Depth {
            layer: depth.layer + 1,
            iff: depth.iff,
        };
        let steps = self.chain(Ctx::Layer, inner, Some(&mut acc))?;
        match self.peek() {
            Some(t) if self.text(t) == "l-end" => self.pos += 1,
            _ => return Err(self.err(K::Syntax, open, "this layer is not closed by `l-end`")),
        }
        let pos = &acc.position;
        if pos.lx.is_some() && pos.lxc.is_some() {
            return Err(self.err(K::Conflict, open, "`lx` and `lxc` exclude each other"));
        }
        if pos.ly.is_some() && pos.lyc.is_some() {
            return Err(self.err(K::Conflict, open, "`ly` and `lyc` exclude each other"));
        }
        // ImageKit: with both `i` and `ie`, `i` is ignored.
        let input = match (acc.base64, acc.plain) {
            (Some(b), _) => LayerInput::Base64(b),
            (None, Some(p)) => LayerInput::Plain(p),
            (None, None) => {
                return Err(self.err(K::Syntax, open, "a layer needs an input: `i-…` or `ie-…`"))
            }
        };
        Ok(Layer {
            kind,
            input: Some(input),
            position: acc.position,
            text: acc.text,
            steps,
        })
    }

    fn if_block(&mut self, t: Tok, cond: &str, depth: Depth) -> Result<IfBlock, SpecError> {
        let max = self.opts.limits.max_if_depth;
        if depth.iff + 1 > max {
            return Err(self.err(
                K::Limit,
                t,
                format!("if-blocks nest at most {max} levels deep"),
            ));
        }
        let condition = v::condition(cond, self.opts.limits.max_condition_clauses)
            .map_err(|r| self.err(K::InvalidValue, t, r))?;
        self.pos += 1;
        let inner = Depth {
            layer: depth.layer,
            iff: depth.iff + 1,
        };
        let unclosed = |p: &Self| p.err(K::Syntax, t, "this if-block is not closed by `if-end`");
        let branch = |p: &mut Self, after: Tok| -> Result<Vec<Step>, SpecError> {
            match p.peek() {
                None => return Err(unclosed(p)),
                Some(n) if n.sep == Sep::Colon => {
                    return Err(p.err(K::Syntax, n, "expected `,` here, not `:`"))
                }
                _ => {}
            }
            let steps = p.chain(Ctx::Branch, inner, None)?;
            if steps.is_empty() {
                return Err(p.err(K::Syntax, after, "this branch of the if-block is empty"));
            }
            Ok(steps)
        };
        let then = branch(self, t)?;
        let otherwise = match self.peek() {
            None => return Err(unclosed(self)),
            Some(n) if self.text(n) == "if-end" => {
                self.pos += 1;
                None
            }
            Some(n) => {
                // The chain only stops at `if-else` or `if-end` in a branch.
                self.pos += 1;
                let e = branch(self, n)?;
                match self.peek() {
                    Some(m) if self.text(m) == "if-end" => self.pos += 1,
                    Some(m) => {
                        return Err(self.err(K::Syntax, m, "a second `if-else` in one if-block"))
                    }
                    None => return Err(unclosed(self)),
                }
                Some(e)
            }
        };
        Ok(IfBlock {
            condition,
            then,
            otherwise,
        })
    }

    /// Free text: percent-decoded in path/bare form.
    fn text_value(&self, t: Tok, key: &str, val: &str) -> Result<String, SpecError> {
        if self.src.decode_values {
            lex::decode_value(val, self.src.offset(t.start + key.len() + 1)).map_err(|e| {
                SpecError {
                    token: self.text(t).to_owned(),
                    ..e
                }
            })
        } else {
            Ok(val.to_owned())
        }
    }

    /// A path: `@@` → `/`, then percent-decoded in path/bare form.
    fn path_value(&self, t: Tok, key: &str, val: &str) -> Result<String, SpecError> {
        self.text_value(t, key, &v::path(val))
    }

    /// Applies one param; returns whether it was a layer key.
    fn param(
        &self,
        t: Tok,
        key: &str,
        val: Option<&str>,
        p: &mut StepParams,
        lacc: Option<&mut LayerAcc>,
        depth: Depth,
    ) -> Result<bool, SpecError> {
        let inv = |r: String| self.err(K::InvalidValue, t, r);
        let need = || -> Result<&str, SpecError> {
            match val {
                Some(s) if !s.is_empty() => Ok(s),
                _ => Err(self.err(
                    K::InvalidValue,
                    t,
                    format!("`{key}` needs a value: `{key}-…`"),
                )),
            }
        };
        let flag = || -> Result<(), SpecError> {
            match val {
                None => Ok(()),
                Some(_) => Err(self.err(K::InvalidValue, t, format!("`{key}` takes no value"))),
            }
        };
        let dup = || {
            self.err(
                K::DuplicateKey,
                t,
                format!("`{key}` appears twice in one step"),
            )
        };
        macro_rules! set {
            ($slot:expr, $parsed:expr) => {{
                if $slot.is_some() {
                    return Err(dup());
                }
                let x: VResult<_> = $parsed;
                $slot = Some(x.map_err(inv)?);
            }};
        }
        let ops = self.max_ops();
        if is_layer_key(key) {
            let Some(acc) = lacc else {
                let why = if depth.layer > 0 {
                    format!("`{key}` is a layer key; inside a layer it must not sit in an if-block")
                } else {
                    format!("`{key}` is a layer key: only valid inside l-image/l-text … l-end")
                };
                return Err(self.err(K::Misplaced, t, why));
            };
            let text_only = matches!(key, "fs" | "ff" | "co" | "ia" | "pa" | "tg" | "lh");
            if text_only && acc.kind == LayerKind::Image {
                return Err(self.err(
                    K::Misplaced,
                    t,
                    format!("`{key}` styles text: only valid inside l-text … l-end"),
                ));
            }
            let val = need()?;
            let pos = &mut acc.position;
            let tx = &mut acc.text;
            match key {
                "i" => {
                    if acc.plain.is_some() {
                        return Err(dup());
                    }
                    let s = match acc.kind {
                        LayerKind::Image => self.path_value(t, key, val)?,
                        LayerKind::Text => self.text_value(t, key, val)?,
                    };
                    if s.is_empty() {
                        return Err(inv("the layer input is empty".into()));
                    }
                    acc.plain = Some(s);
                }
                "ie" => {
                    if acc.base64.is_some() {
                        return Err(dup());
                    }
                    let s = self.text_value(t, key, val)?;
                    if !v::is_base64(&s) {
                        return Err(inv(
                            "expected URL-encoded base64 (A–Z a–z 0–9 + / = - _)".into()
                        ));
                    }
                    acc.base64 = Some(s);
                }
                "lx" => set!(pos.lx, v::signed_coord(val, ops)),
                "ly" => set!(pos.ly, v::signed_coord(val, ops)),
                "lxc" => set!(pos.lxc, v::signed_coord(val, ops)),
                "lyc" => set!(pos.lyc, v::signed_coord(val, ops)),
                "lap" => set!(pos.anchor, v::position_value(val)),
                "lfo" => set!(pos.focus, v::position_value(val)),
                "lm" => set!(pos.blend, v::blend(val)),
                "fs" => set!(tx.font_size, v::coord(val, 1, ops)),
                "ff" => {
                    if tx.font_family.is_some() {
                        return Err(dup());
                    }
                    tx.font_family = Some(self.path_value(t, key, val)?);
                }
                "co" => set!(tx.color, v::color(val)),
                "ia" => set!(tx.inner_align, v::text_align(val)),
                "pa" => set!(tx.padding, v::padding(val, ops)),
                "al" => set!(tx.alpha, v::u8_in(val, 1, 9, "transparency level")),
                "tg" => set!(tx.typography, v::typography(val)),
                _ => set!(tx.line_height, v::coord(val, 1, ops)),
            }
            return Ok(true);
        }
        match key {
            "w" => set!(p.width, v::dim(need()?, true, ops)),
            "h" => set!(p.height, v::dim(need()?, false, ops)),
            "ar" => set!(p.aspect_ratio, v::aspect_ratio(need()?, ops)),
            "dpr" => set!(p.dpr, v::dpr(need()?, ops)),
            "c" => set!(p.crop, v::crop(need()?)),
            "cm" => set!(p.crop_mode, v::crop_mode(need()?)),
            "fo" => set!(p.focus, v::focus(need()?)),
            "x" => set!(p.x, v::coord(need()?, 0, ops)),
            "y" => set!(p.y, v::coord(need()?, 0, ops)),
            "xc" => set!(p.xc, v::coord(need()?, 0, ops)),
            "yc" => set!(p.yc, v::coord(need()?, 0, ops)),
            "z" => set!(
                p.zoom,
                v::number(need()?)
                    .filter(|z| *z > 0.0)
                    .ok_or_else(|| "expected a positive zoom factor".to_owned())
            ),
            "q" => set!(
                p.quality,
                v::u8_in(need()?, 1, 100, "quality")
                    .map(|q| Quality::new(q).unwrap_or(Quality::DEFAULT))
            ),
            "f" => {
                let val = need()?;
                if p.format.is_some() {
                    return Err(dup());
                }
                p.format = Some(v::format(val).map_err(|(video, r)| {
                    self.err(if video { K::VideoOnly } else { K::InvalidValue }, t, r)
                })?);
            }
            "lo" => set!(p.lossless, v::boolean(need()?)),
            "pr" => set!(p.progressive, v::boolean(need()?)),
            "md" => set!(p.metadata, v::boolean(need()?)),
            "cp" => set!(p.color_profile, v::boolean(need()?)),
            "orig" | "di" if depth.layer > 0 => {
                return Err(self.err(
                    K::Misplaced,
                    t,
                    format!("`{key}` applies to the whole request, not inside a layer"),
                ))
            }
            "orig" => set!(p.original, v::boolean(need()?)),
            "n" => {
                let val = need()?;
                set!(
                    p.named,
                    if v::is_valid_name(val) {
                        Ok(val.to_owned())
                    } else {
                        Err(
                            "a named transformation's name uses letters, digits and `_` only"
                                .into(),
                        )
                    }
                )
            }
            "di" => {
                let val = need()?;
                if p.default_image.is_some() {
                    return Err(dup());
                }
                let s = self.path_value(t, key, val)?;
                let s = s.trim_start_matches('/');
                if s.is_empty() {
                    return Err(inv("the default image path is empty".into()));
                }
                p.default_image = Some(s.to_owned());
            }
            "pg" => {
                if depth.iff > 0 {
                    return Err(self.err(
                        K::Misplaced,
                        t,
                        "`pg` is not supported inside conditional transformations",
                    ));
                }
                let val = need()?;
                if p.page.is_some() {
                    return Err(dup());
                }
                let s = self.text_value(t, key, val)?;
                p.page = Some(v::page(&s).map_err(inv)?);
            }
            "bg" => {
                let val = need()?;
                if p.background.is_some() {
                    return Err(dup());
                }
                p.background = Some(v::background(val).map_err(|(ai, r)| {
                    if ai {
                        self.err(
                            K::AiOnly,
                            t,
                            "`bg-genfill` is an AI transformation (generative fill); pixform \
                             does not perform AI transformations",
                        )
                    } else {
                        inv(r)
                    }
                })?);
            }
            "b" => set!(p.border, v::border(need()?, ops)),
            "r" => set!(p.radius, v::radius(need()?)),
            "rt" => set!(p.rotate, v::rotation(need()?)),
            "fl" => set!(p.flip, v::flip(need()?)),
            "bl" => set!(
                p.blur,
                v::number(need()?)
                    .filter(|b| *b > 0.0 && *b <= 100.0)
                    .ok_or_else(|| "expected a blur radius in (0, 100]".to_owned())
            ),
            "o" => set!(p.opacity, v::u8_in(need()?, 0, 100, "opacity")),
            "t" => set!(p.trim, v::trim(need()?)),
            "cr" => set!(p.color_replace, v::color_replace(need()?)),
            "e-grayscale" | "e-contrast" => {
                flag()?;
                let slot = if key == "e-grayscale" {
                    &mut p.grayscale
                } else {
                    &mut p.contrast
                };
                if *slot {
                    return Err(dup());
                }
                *slot = true;
            }
            "e-sharpen" => set!(
                p.sharpen,
                match val {
                    None => Ok(None),
                    Some(s) => v::number(s)
                        .map(Some)
                        .ok_or_else(|| "expected a non-negative sharpening amount".to_owned()),
                }
            ),
            "e-usm" => set!(p.unsharp, val.map(v::unsharp).transpose()),
            "e-shadow" => set!(p.shadow, val.map_or(Ok(Shadow::default()), v::shadow)),
            "e-gradient" => set!(
                p.gradient,
                val.map_or(Ok(Gradient::default()), |s| v::gradient(s, ops))
            ),
            "e-colorize" => set!(p.colorize, val.map_or(Ok(Colorize::default()), v::colorize)),
            "e-distort" => set!(p.distort, v::distort(need()?)),
            _ => return self.other(t, key, val, p),
        }
        Ok(false)
    }

    /// Retired, AI-only, video-only and unknown keys.
    fn other(
        &self,
        t: Tok,
        key: &str,
        val: Option<&str>,
        p: &mut StepParams,
    ) -> Result<bool, SpecError> {
        if let Some(eq) = retired(key) {
            return Err(self.err(
                K::Retired,
                t,
                format!(
                    "`{key}` is ImageKit's retired overlay syntax (400 since 2023-11-01); use {eq}"
                ),
            ));
        }
        if let Some(what) = ai_only(key) {
            return Err(self.err(
                K::AiOnly,
                t,
                format!(
                    "`{key}` is an AI transformation ({what}); pixform does not perform AI \
                     transformations"
                ),
            ));
        }
        if let Some(what) = video_only(key) {
            return Err(self.err(
                K::VideoOnly,
                t,
                format!("`{key}` is a video-only key ({what}); it does not apply to images"),
            ));
        }
        if key == "tr" {
            return Err(self.err(
                K::Syntax,
                t,
                "`tr` is the transformation prefix (`tr:` or `tr=`), not a key",
            ));
        }
        match self.opts.mode {
            Mode::Lenient if !well_formed_key(key) => Err(self.err(
                K::Syntax,
                t,
                "malformed key: keys use letters, digits and `_` (effects: `e-` and those)",
            )),
            Mode::Strict => Err(self.err(
                K::UnknownKey,
                t,
                format!("unknown key `{key}`; expected one of {KNOWN}"),
            )),
            Mode::Lenient => {
                p.unknown.push(UnknownParam {
                    key: key.to_owned(),
                    value: val.map(str::to_owned),
                });
                Ok(false)
            }
        }
    }
}
