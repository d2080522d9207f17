//! SVG (and SVGZ) rasterised by resvg under a sandbox.
//!
//! - Nothing outside the bytes is read: `<image>` references (files, URLs and `data:`
//!   alike) resolve to nothing, there is no font database (the build has no text feature,
//!   so `<text>` draws nothing) and no resources directory.
//! - Before usvg sees the document: SVGZ is inflated with a bound, a document declaring
//!   entities is refused (no entity expansion: "billion laughs"), the XML is parsed by
//!   roxmltree with a node limit, and the tree is walked once to bound nesting and the element count
//!   after `<use>` expansion (a chain of `<use>`s multiplies; the weight counts that).
//! - The canvas size comes from the document (`width`/`height`, else the `viewBox`) and is
//!   checked against the pixel limits before any pixmap exists. The picture is rendered
//!   at its own size or straight at the size the first step asks (vector: no upscale blur).

use std::collections::HashMap;
use std::io::Read;

use resvg::{tiny_skia, usvg};
use roxmltree::{Document, Node, NodeId, ParsingOptions};

use super::*;

/// Largest SVG document after SVGZ inflation, in bytes.
pub const MAX_SVG_BYTES: u64 = 16 << 20;
/// Most XML nodes the parser builds.
pub const MAX_SVG_NODES: u32 = 200_000;
/// Most elements once every `<use>` is expanded.
pub const MAX_SVG_WEIGHT: u64 = 500_000;
/// Deepest element nesting (usvg converts recursively).
pub const MAX_SVG_DEPTH: usize = 256;

fn refused(reason: impl Into<String>) -> Error {
    undecodable(InputFormat::Svg, reason)
}

/// The document's text: SVGZ inflated within [`MAX_SVG_BYTES`].
fn text(bytes: &[u8]) -> Result<String> {
    let raw = if bytes.starts_with(&[0x1F, 0x8B]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .take(MAX_SVG_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(|e| refused(format!("SVGZ does not inflate: {e}")))?;
        out
    } else {
        bytes.to_vec()
    };
    if raw.len() as u64 > MAX_SVG_BYTES {
        return Err(Error::LimitExceeded {
            limit: Limit::InputBytes,
            actual: raw.len() as u64,
            max: MAX_SVG_BYTES,
        });
    }
    String::from_utf8(raw).map_err(|_| refused("the document is not UTF-8"))
}

/// Nesting depth and element weight, walked without recursion on the XML tree; `<use>`
/// weights are computed from their targets (memoised; a reference cycle is refused).
fn check_shape(doc: &Document<'_>) -> Result<()> {
    let mut ids: HashMap<&str, Node<'_, '_>> = HashMap::new();
    let mut stack = vec![(doc.root(), 0usize)];
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_SVG_DEPTH {
            return Err(refused(format!(
                "elements nest deeper than {MAX_SVG_DEPTH} levels"
            )));
        }
        if let Some(id) = node.attribute("id") {
            ids.entry(id).or_insert(node);
        }
        stack.extend(
            node.children()
                .filter(|c| c.is_element())
                .map(|c| (c, depth + 1)),
        );
    }
    let mut memo: HashMap<NodeId, u64> = HashMap::new();
    let mut open: Vec<NodeId> = Vec::new();
    let total = weight(doc.root(), &ids, &mut memo, &mut open)?;
    if total > MAX_SVG_WEIGHT {
        return Err(Error::LimitExceeded {
            limit: Limit::VectorElements,
            actual: total,
            max: MAX_SVG_WEIGHT,
        });
    }
    Ok(())
}

/// Elements `node` stands for once drawn (itself, its children, a `<use>`'s target).
fn weight<'a, 'i>(
    node: Node<'a, 'i>,
    ids: &HashMap<&str, Node<'a, 'i>>,
    memo: &mut HashMap<NodeId, u64>,
    open: &mut Vec<NodeId>,
) -> Result<u64> {
    if let Some(&w) = memo.get(&node.id()) {
        return Ok(w);
    }
    if open.contains(&node.id()) {
        return Err(refused("a <use> refers to itself"));
    }
    // Element depth is bounded above; `<use>` chains add at most one frame per element.
    if open.len() > MAX_SVG_DEPTH * 4 {
        return Err(refused("<use> references chain too deep"));
    }
    open.push(node.id());
    let mut w: u64 = 1;
    for child in node.children().filter(|c| c.is_element()) {
        w = w.saturating_add(weight(child, ids, memo, open)?);
        if w > MAX_SVG_WEIGHT {
            break;
        }
    }
    if node.tag_name().name() == "use" {
        let href = node
            .attributes()
            .find(|a| a.name() == "href")
            .map(|a| a.value());
        if let Some(target) = href
            .and_then(|h| h.strip_prefix('#'))
            .and_then(|id| ids.get(id))
        {
            w = w.saturating_add(weight(*target, ids, memo, open)?);
        }
    }
    open.pop();
    memo.insert(node.id(), w);
    Ok(w)
}

/// usvg's options with every way out of the bytes closed.
fn sandboxed() -> usvg::Options<'static> {
    usvg::Options {
        resources_dir: None,
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    }
}

/// Parses and checks a document into usvg's tree.
fn tree(bytes: &[u8]) -> Result<usvg::Tree> {
    let text = text(bytes)?;
    // A DOCTYPE line is common in exported SVGs and harmless; entity declarations are
    // what "billion laughs" is made of, and no real SVG needs them.
    if text.contains("<!ENTITY") {
        return Err(refused(
            "entity declarations are refused (entity expansion)",
        ));
    }
    let xml = ParsingOptions {
        allow_dtd: true,
        nodes_limit: MAX_SVG_NODES,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(&text, xml)
        .map_err(|e| refused(format!("not well-formed XML: {e}")))?;
    check_shape(&doc)?;
    usvg::Tree::from_xmltree(&doc, &sandboxed()).map_err(|e| refused(e.to_string()))
}

/// The document's own size in whole pixels (at least 1×1).
fn own_size(tree: &usvg::Tree) -> (u32, u32) {
    let s = tree.size();
    let side = |v: f32| {
        if v.is_finite() && v >= 1.0 {
            v.ceil().min(u32::MAX as f32) as u32
        } else {
            1
        }
    };
    (side(s.width()), side(s.height()))
}

pub(super) fn read_header(bytes: &[u8], limits: &DecodeLimits) -> Result<Header> {
    let tree = tree(bytes)?;
    let (width, height) = own_size(&tree);
    check_size(InputFormat::Svg, width, height, limits)?;
    Ok(Header {
        format: InputFormat::Svg,
        width,
        height,
        orientation: 1,
        has_alpha: true,
        frame_count: Some(1),
        progressive: false,
        icc: None,
        cmyk: false,
    })
}

/// Renders at `opts.render_size` when given and within the limits, else at the
/// document's own size; RGBA, straight alpha.
pub(super) fn decode(bytes: &[u8], opts: &DecodeOptions, limits: &DecodeLimits) -> Result<Decoded> {
    let tree = tree(bytes)?;
    let (w0, h0) = own_size(&tree);
    check_size(InputFormat::Svg, w0, h0, limits)?;
    let (w, h) = match opts.render_size {
        Some((w, h)) if check_size(InputFormat::Svg, w, h, limits).is_ok() => (w, h),
        _ => (w0, h0),
    };
    if past(opts.deadline) {
        return Err(Error::DeadlineExceeded);
    }
    let mut pixmap =
        tiny_skia::Pixmap::new(w, h).ok_or_else(|| refused(format!("no {w}x{h} canvas")))?;
    let s = tree.size();
    let transform = tiny_skia::Transform::from_scale(w as f32 / s.width(), h as f32 / s.height());
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    let frame = Frame::new(w, h, PixelLayout::Rgba8, pixmap.take_demultiplied())
        .map_err(|e| refused(e.to_string()))?;
    Ok(Decoded {
        frame: frame.into(),
        source_bits: None,
        scale_denom: 1,
        orientation: 1,
        metadata: Metadata::default(),
        profile_applied: false,
    })
}
