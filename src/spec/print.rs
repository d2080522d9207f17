//! Canonical printing (see the module docs of [`crate::spec`] for the rules).

use std::fmt::{self, Write as _};

use super::types::*;

/// Shortest exact decimal; negatives as `N…`; never `-0`.
fn num(out: &mut String, v: f64) {
    if v == 0.0 {
        out.push('0');
    } else if v < 0.0 {
        let _ = write!(out, "N{}", -v);
    } else {
        let _ = write!(out, "{v}");
    }
}

fn int(out: &mut String, v: i64) {
    if v < 0 {
        let _ = write!(out, "N{}", v.unsigned_abs());
    } else {
        let _ = write!(out, "{v}");
    }
}

/// Percent-encodes every byte outside `A-Z a-z 0-9 - . _ ~`.
fn text(out: &mut String, s: &str) {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

/// Like [`text`], with `/` written `@@`.
fn path(out: &mut String, s: &str) {
    let mut parts = s.split('/');
    if let Some(first) = parts.next() {
        text(out, first);
    }
    for p in parts {
        out.push_str("@@");
        text(out, p);
    }
}

fn position(p: Position) -> &'static str {
    match p {
        Position::Center => "center",
        Position::Top => "top",
        Position::Bottom => "bottom",
        Position::Left => "left",
        Position::Right => "right",
        Position::TopLeft => "top_left",
        Position::TopRight => "top_right",
        Position::BottomLeft => "bottom_left",
        Position::BottomRight => "bottom_right",
    }
}

fn color(out: &mut String, c: &Color) {
    match c {
        Color::Rgb([r, g, b]) => {
            let _ = write!(out, "{r:02X}{g:02X}{b:02X}");
        }
        Color::Rgba([r, g, b], a) => {
            let _ = write!(out, "{r:02X}{g:02X}{b:02X}{a:02}");
        }
        Color::Named(n, _) => out.push_str(n),
    }
}

fn expr(out: &mut String, e: &Expr) {
    let operand = |out: &mut String, o: &Operand| match o {
        Operand::Number(n) => num(out, *n),
        Operand::Var(v) => out.push_str(v.name()),
    };
    operand(out, &e.first);
    for (op, o) in &e.rest {
        out.push('_');
        out.push_str(op.name());
        out.push('_');
        operand(out, o);
    }
}

fn coord(out: &mut String, c: &Coord) {
    match c {
        Coord::Px(v) => {
            let _ = write!(out, "{v}");
        }
        Coord::Expr(e) => expr(out, e),
    }
}

fn signed_coord(out: &mut String, c: &SignedCoord) {
    match c {
        SignedCoord::Px(v) => int(out, *v),
        SignedCoord::Expr(e) => expr(out, e),
    }
}

fn dim(out: &mut String, d: &Dim) {
    match d {
        Dim::Px(v) => {
            let _ = write!(out, "{v}");
        }
        Dim::Fraction(f) => num(out, *f),
        Dim::Auto => out.push_str("auto"),
        Dim::Expr(e) => expr(out, e),
    }
}

fn condition(out: &mut String, c: &Condition) {
    for (gi, group) in c.any_of.iter().enumerate() {
        if gi > 0 {
            out.push_str("_or_");
        }
        for (ci, cl) in group.iter().enumerate() {
            if ci > 0 {
                out.push_str("_and_");
            }
            out.push_str(match cl.property {
                CondProperty::W => "w",
                CondProperty::H => "h",
                CondProperty::Ar => "ar",
                CondProperty::Iw => "iw",
                CondProperty::Ih => "ih",
                CondProperty::Iar => "iar",
            });
            out.push('_');
            out.push_str(match cl.op {
                CompareOp::Eq => "eq",
                CompareOp::Ne => "ne",
                CompareOp::Gt => "gt",
                CompareOp::Gte => "gte",
                CompareOp::Lt => "lt",
                CompareOp::Lte => "lte",
            });
            out.push('_');
            match cl.value {
                CondValue::Number(n) => num(out, n),
                CondValue::Ratio(a, b) => {
                    num(out, a);
                    out.push('-');
                    num(out, b);
                }
            }
        }
    }
}

/// Writes `,` before every item but the first.
struct Items<'a> {
    out: &'a mut String,
    first: bool,
}

impl Items<'_> {
    fn next(&mut self) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        self.out
    }

    fn key(&mut self, key: &str) -> &mut String {
        let out = self.next();
        out.push_str(key);
        out
    }
}

fn sub(out: &mut String, first: &mut bool, key: &str) {
    out.push(if *first { '-' } else { '_' });
    *first = false;
    out.push_str(key);
    out.push('-');
}

fn params(out: &mut String, p: &StepParams) {
    let mut it = Items { out, first: true };
    if let Some(n) = &p.named {
        it.key("n-").push_str(n);
    }
    if let Some(b) = p.original {
        it.key("orig-").push_str(if b { "true" } else { "false" });
    }
    if let Some(pg) = &p.page {
        let o = it.key("pg-");
        match pg {
            PageSelect::Single(n) => {
                let _ = write!(o, "{n}");
            }
            PageSelect::Psd(s) => text(o, s),
        }
    }
    if let Some(di) = &p.default_image {
        path(it.key("di-"), di);
    }
    if let Some(t) = p.trim {
        let o = it.key("t-");
        match t {
            Trim::On => o.push_str("true"),
            Trim::Off => o.push_str("false"),
            Trim::Threshold(n) => {
                let _ = write!(o, "{n}");
            }
        }
    }
    if let Some(w) = &p.width {
        dim(it.key("w-"), w);
    }
    if let Some(h) = &p.height {
        dim(it.key("h-"), h);
    }
    if let Some(ar) = &p.aspect_ratio {
        let o = it.key("ar-");
        match ar {
            AspectRatio::Ratio(w, h) => {
                num(o, *w);
                o.push('-');
                num(o, *h);
            }
            AspectRatio::Expr(e) => expr(o, e),
        }
    }
    if let Some(d) = &p.dpr {
        let o = it.key("dpr-");
        match d {
            Dpr::Value(v) => num(o, *v),
            Dpr::Auto => o.push_str("auto"),
            Dpr::Expr(e) => expr(o, e),
        }
    }
    if let Some(c) = p.crop {
        it.key("c-").push_str(match c {
            Crop::MaintainRatio => "maintain_ratio",
            Crop::MaintainRatioNoEnlarge => "maintain_ratio_no_enlarge",
            Crop::Force => "force",
            Crop::AtMax => "at_max",
            Crop::AtMaxEnlarge => "at_max_enlarge",
            Crop::AtLeast => "at_least",
        });
    }
    if let Some(cm) = p.crop_mode {
        it.key("cm-").push_str(match cm {
            CropMode::PadResize => "pad_resize",
            CropMode::PadResizeNoEnlarge => "pad_resize_no_enlarge",
            CropMode::Extract => "extract",
            CropMode::PadExtract => "pad_extract",
            CropMode::PadExtractNoShrink => "pad_extract_no_shrink",
        });
    }
    if let Some(fo) = &p.focus {
        let o = it.key("fo-");
        match fo {
            Focus::Position(pos) => o.push_str(position(*pos)),
            Focus::Auto => o.push_str("auto"),
            Focus::Face => o.push_str("face"),
            Focus::Custom => o.push_str("custom"),
            Focus::Object(name) => o.push_str(name),
        }
    }
    for (key, c) in [("x-", &p.x), ("y-", &p.y), ("xc-", &p.xc), ("yc-", &p.yc)] {
        if let Some(c) = c {
            coord(it.key(key), c);
        }
    }
    if let Some(z) = p.zoom {
        num(it.key("z-"), z);
    }
    if let Some(rt) = p.rotate {
        let o = it.key("rt-");
        match rt {
            Rotation::Degrees(d) => num(o, d),
            Rotation::Auto => o.push_str("auto"),
        }
    }
    if let Some(fl) = p.flip {
        it.key("fl-").push_str(match fl {
            Flip::Horizontal => "h",
            Flip::Vertical => "v",
            Flip::Both => "h_v",
        });
    }
    if p.grayscale {
        it.key("e-grayscale");
    }
    if p.contrast {
        it.key("e-contrast");
    }
    if let Some(c) = &p.colorize {
        let o = it.key("e-colorize");
        let mut first = true;
        if let Some(co) = &c.color {
            sub(o, &mut first, "co");
            color(o, co);
        }
        if let Some(i) = c.intensity {
            sub(o, &mut first, "in");
            let _ = write!(o, "{i}");
        }
    }
    if let Some(cr) = &p.color_replace {
        let o = it.key("cr-");
        color(o, &cr.to);
        match (cr.tolerance, &cr.from) {
            (Some(t), from) => {
                let _ = write!(o, "_{t}");
                if let Some(f) = from {
                    o.push('_');
                    color(o, f);
                }
            }
            (None, Some(f)) => {
                // Unreachable from parsing (the grammar has no `from` without a tolerance);
                // print ImageKit's documented maximum tolerance so the output still parses.
                o.push_str("_100_");
                color(o, f);
            }
            (None, None) => {}
        }
    }
    if let Some(bl) = p.blur {
        num(it.key("bl-"), bl);
    }
    if let Some(sh) = p.sharpen {
        let o = it.key("e-sharpen");
        if let Some(v) = sh {
            o.push('-');
            num(o, v);
        }
    }
    if let Some(u) = p.unsharp {
        let o = it.key("e-usm");
        if let Some(u) = u {
            for v in [u.radius, u.sigma, u.amount, u.threshold] {
                o.push('-');
                num(o, v);
            }
        }
    }
    if let Some(g) = &p.gradient {
        let o = it.key("e-gradient");
        let mut first = true;
        if let Some(d) = g.direction {
            sub(o, &mut first, "ld");
            let _ = write!(o, "{d}");
        }
        if let Some(c) = &g.from {
            sub(o, &mut first, "from");
            color(o, c);
        }
        if let Some(c) = &g.to {
            sub(o, &mut first, "to");
            color(o, c);
        }
        if let Some(sp) = &g.stop {
            sub(o, &mut first, "sp");
            match sp {
                StopPoint::Number(n) => num(o, *n),
                StopPoint::Expr(e) => expr(o, e),
            }
        }
    }
    if let Some(s) = p.shadow {
        let o = it.key("e-shadow");
        let mut first = true;
        if let Some(v) = s.blur {
            sub(o, &mut first, "bl");
            let _ = write!(o, "{v}");
        }
        if let Some(v) = s.saturation {
            sub(o, &mut first, "st");
            let _ = write!(o, "{v}");
        }
        if let Some(v) = s.x {
            sub(o, &mut first, "x");
            int(o, v.into());
        }
        if let Some(v) = s.y {
            sub(o, &mut first, "y");
            int(o, v.into());
        }
    }
    if let Some(d) = &p.distort {
        let o = it.key("e-distort-");
        match d {
            Distort::Perspective(pts) => {
                o.push_str("p-");
                for (i, v) in pts.iter().enumerate() {
                    if i > 0 {
                        o.push('_');
                    }
                    int(o, (*v).into());
                }
            }
            Distort::Arc(a) => {
                o.push_str("a-");
                num(o, *a);
            }
        }
    }
    if let Some(r) = p.radius {
        let o = it.key("r-");
        match r {
            Radius::All(v) => {
                let _ = write!(o, "{v}");
            }
            Radius::Max => o.push_str("max"),
            Radius::Corners([a, b, c, d]) => {
                let _ = write!(o, "{a}_{b}_{c}_{d}");
            }
        }
    }
    if let Some(b) = &p.border {
        let o = it.key("b-");
        coord(o, &b.width);
        o.push('_');
        color(o, &b.color);
    }
    if let Some(op) = p.opacity {
        let _ = write!(it.key("o-"), "{op}");
    }
    if let Some(bg) = &p.background {
        let o = it.key("bg-");
        match bg {
            Background::Color(c) => color(o, c),
            Background::Blurred {
                intensity,
                brightness,
            } => {
                o.push_str("blurred");
                match (intensity, brightness) {
                    (None, 0) => {}
                    (Some(i), 0) => {
                        let _ = write!(o, "_{i}");
                    }
                    (i, b) => {
                        match i {
                            Some(i) => {
                                let _ = write!(o, "_{i}");
                            }
                            None => o.push_str("_auto"),
                        }
                        o.push('_');
                        int(o, (*b).into());
                    }
                }
            }
            Background::Dominant => o.push_str("dominant"),
            Background::GradientDominant(2) => o.push_str("gradient_dominant"),
            Background::GradientDominant(n) => {
                let _ = write!(o, "gradient_dominant_{n}");
            }
            Background::GenFill => o.push_str("genfill"),
        }
    }
    if let Some(f) = p.format {
        it.key("f-").push_str(match f {
            Format::Auto => "auto",
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Webp => "webp",
            Format::Avif => "avif",
            Format::Gif => "gif",
            Format::Svg => "svg",
            Format::Orig => "orig",
        });
    }
    if let Some(q) = p.quality {
        let _ = write!(it.key("q-"), "{}", q.get());
    }
    for (key, b) in [
        ("lo-", p.lossless),
        ("pr-", p.progressive),
        ("md-", p.metadata),
        ("cp-", p.color_profile),
    ] {
        if let Some(b) = b {
            it.key(key).push_str(if b { "true" } else { "false" });
        }
    }
    for l in &p.layers {
        layer(it.next(), l);
    }
    for u in &p.unknown {
        let o = it.key(&u.key);
        if let Some(v) = &u.value {
            o.push('-');
            o.push_str(v);
        }
    }
}

fn layer(out: &mut String, l: &Layer) {
    out.push_str(match l.kind {
        LayerKind::Image => "l-image",
        LayerKind::Text => "l-text",
    });
    let mut it = Items { out, first: false };
    match &l.input {
        Some(LayerInput::Plain(s)) => {
            let o = it.key("i-");
            match l.kind {
                LayerKind::Image => path(o, s),
                LayerKind::Text => text(o, s),
            }
        }
        Some(LayerInput::Base64(s)) => text(it.key("ie-"), s),
        None => {}
    }
    let t = &l.text;
    if let Some(c) = &t.font_size {
        coord(it.key("fs-"), c);
    }
    if let Some(ff) = &t.font_family {
        path(it.key("ff-"), ff);
    }
    if let Some(c) = &t.color {
        color(it.key("co-"), c);
    }
    if let Some(a) = t.inner_align {
        it.key("ia-").push_str(match a {
            TextAlign::Left => "left",
            TextAlign::Right => "right",
            TextAlign::Center => "center",
        });
    }
    if let Some(pa) = &t.padding {
        let o = it.key("pa-");
        match pa {
            Padding::Values(vs) => {
                for (i, v) in vs.iter().enumerate() {
                    if i > 0 {
                        o.push('_');
                    }
                    let _ = write!(o, "{v}");
                }
            }
            Padding::Expr(e) => expr(o, e),
        }
    }
    if let Some(a) = t.alpha {
        let _ = write!(it.key("al-"), "{a}");
    }
    if let Some(tg) = &t.typography {
        it.key("tg-").push_str(tg);
    }
    if let Some(c) = &t.line_height {
        coord(it.key("lh-"), c);
    }
    let p = &l.position;
    for (key, c) in [
        ("lx-", &p.lx),
        ("ly-", &p.ly),
        ("lxc-", &p.lxc),
        ("lyc-", &p.lyc),
    ] {
        if let Some(c) = c {
            signed_coord(it.key(key), c);
        }
    }
    if let Some(a) = p.anchor {
        it.key("lap-").push_str(position(a));
    }
    if let Some(a) = p.focus {
        it.key("lfo-").push_str(position(a));
    }
    if let Some(m) = p.blend {
        it.key("lm-").push_str(match m {
            BlendMode::Multiply => "multiply",
            BlendMode::Displace => "displace",
            BlendMode::Cutout => "cutout",
            BlendMode::Cutter => "cutter",
        });
    }
    for (i, s) in l.steps.iter().enumerate() {
        match s {
            Step::Params(p) if i == 0 => {
                out.push(',');
                params(out, p);
            }
            _ => {
                out.push(':');
                step(out, s);
            }
        }
    }
    out.push_str(",l-end");
}

fn step(out: &mut String, s: &Step) {
    match s {
        Step::Params(p) => params(out, p),
        Step::If(b) => {
            out.push_str("if-");
            condition(out, &b.condition);
            out.push(',');
            chain(out, &b.then);
            if let Some(e) = &b.otherwise {
                out.push_str(",if-else,");
                chain(out, e);
            }
            out.push_str(",if-end");
        }
    }
}

fn chain(out: &mut String, steps: &[Step]) {
    for (i, s) in steps.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        step(out, s);
    }
}

impl fmt::Display for Transform {
    /// The canonical bare chain (no `tr:` prefix).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        chain(&mut out, &self.steps);
        f.write_str(&out)
    }
}

impl fmt::Display for Color {
    /// `RRGGBB`, `RRGGBBAA` (AA decimal) or the colour name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        color(&mut out, self);
        f.write_str(&out)
    }
}

impl fmt::Display for Expr {
    /// `operand_op_operand…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        expr(&mut out, self);
        f.write_str(&out)
    }
}

impl fmt::Display for Condition {
    /// `prop_op_value` joined by `_and_`/`_or_`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        condition(&mut out, self);
        f.write_str(&out)
    }
}

impl StepParams {
    /// Whether the step holds nothing at all.
    pub fn is_empty(&self) -> bool {
        self == &StepParams::default()
    }
}
