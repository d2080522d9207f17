//! [`Output`] and its [`Report`]: what a request produced and the decisions taken on the
//! way, with the one JSON schema every front end prints (the CLI, the C ABI's
//! `pxf_output_report_json`, the bindings).
//!
//! # JSON schema
//! [`Output::to_json`] is one object: `width`, `height`, `format` (extension), `mime`,
//! `bytes` (length), then the fields of [`Report::to_json`]:
//!
//! | key | value |
//! | --- | --- |
//! | `input_mime` | sniffed MIME type, e.g. `"image/jpeg"` |
//! | `input_size` | stored size `[width, height]` (of the page decoded) |
//! | `page` | the page or frame decoded, 1-based (`pg-N`; 1 without it) |
//! | `pages` | how many pages or frames the input has, or `null` when unknown |
//! | `orientation` | EXIF orientation applied, 1–8 |
//! | `shrink_on_load` | 1, 2, 4 or 8: the JPEG DCT scale, or the factor AVIF/HEIC planes were averaged by |
//! | `steps` | one object per step run: `input` `[w,h]`, `resize` `[w,h]` or `null`, `crop` `{"x","y","width","height"}` or `null`, `pad` `{"canvas":[w,h],"position":[x,y]}` or `null`, `ops` (strings such as `"rotate 90"`, in the order run), `output` `[w,h]` |
//! | `format_reason` | why the output format was chosen |
//! | `quality` | quality used (lossy formats) or `null` |
//! | `metadata` | `"none"`, `"icc"` or `"all"` |
//! | `save_data` | whether `Save-Data` lowered the quality |
//! | `ignored` | keys dropped by lenient parsing, in order |
//! | `color` | `{"profile": name or null, "action": "untagged" \| "srgb" \| "converted" \| "kept" \| "ignored", "note": why ignored, else null}` |
//! | `depth` | `{"input": bits per sample of the stored picture (8, 16, or 32 for float) or null when the decoder does not say, "output": 8 or 16, "note": where 16-bit pixels were reduced to 8 and why, else null}` |
//!
//! Keys appear in this order; sizes are always `[width, height]` arrays.

use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

use crate::format::OutputFormat;
use crate::plan::{Rect, Size};

/// Which metadata blocks the output keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum KeptMetadata {
    /// Everything stripped (the privacy default).
    #[default]
    None,
    /// Only the ICC colour profile (`cp-true`).
    Icc,
    /// EXIF, ICC and XMP (`md-true`).
    All,
}

impl KeptMetadata {
    /// `"none"`, `"icc"` or `"all"`.
    pub fn name(self) -> &'static str {
        match self {
            KeptMetadata::None => "none",
            KeptMetadata::Icc => "icc",
            KeptMetadata::All => "all",
        }
    }
}

impl PartialEq<&str> for KeptMetadata {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

impl std::fmt::Display for KeptMetadata {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for KeptMetadata {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// One pixel operation a step ran besides its resize, crop and pad.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum OpReport {
    /// `t-…`: uniform borders cut away.
    Trim,
    /// `rt-…`, clockwise degrees.
    Rotate(f64),
    /// `fl-h`.
    FlipHorizontal,
    /// `fl-v`.
    FlipVertical,
    /// `fl-h_v`.
    FlipBoth,
    /// `e-grayscale`.
    Grayscale,
    /// `e-contrast`.
    Contrast,
    /// `e-colorize`, with its intensity.
    Colorize(u8),
    /// `bl-…`, with ImageKit's radius.
    Blur(f64),
    /// `e-sharpen`.
    Sharpen,
    /// `e-usm`.
    Unsharp,
    /// `e-gradient`.
    Gradient,
    /// `r-…`.
    Radius,
    /// `b-…`, with its width in pixels.
    Border(u32),
    /// `o-…`, with its percentage.
    Opacity(u8),
    /// Alpha flattened onto `bg` (with `o-…`).
    Flatten,
    /// `bg` filled in behind transparent pixels.
    Background,
}

impl std::fmt::Display for OpReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpReport::Trim => f.write_str("trim"),
            OpReport::Rotate(d) => write!(f, "rotate {d}"),
            OpReport::FlipHorizontal => f.write_str("flip horizontal"),
            OpReport::FlipVertical => f.write_str("flip vertical"),
            OpReport::FlipBoth => f.write_str("flip both"),
            OpReport::Grayscale => f.write_str("grayscale"),
            OpReport::Contrast => f.write_str("contrast"),
            OpReport::Colorize(i) => write!(f, "colorize {i}"),
            OpReport::Blur(r) => write!(f, "blur {r}"),
            OpReport::Sharpen => f.write_str("sharpen"),
            OpReport::Unsharp => f.write_str("unsharp"),
            OpReport::Gradient => f.write_str("gradient"),
            OpReport::Radius => f.write_str("radius"),
            OpReport::Border(w) => write!(f, "border {w}"),
            OpReport::Opacity(o) => write!(f, "opacity {o}"),
            OpReport::Flatten => f.write_str("flatten"),
            OpReport::Background => f.write_str("background"),
        }
    }
}

impl PartialEq<&str> for OpReport {
    /// Compares the printed form with `other` without allocating.
    fn eq(&self, other: &&str) -> bool {
        /// Consumes `rest` while the written text matches it.
        struct Matches<'s> {
            rest: &'s str,
        }
        impl std::fmt::Write for Matches<'_> {
            fn write_str(&mut self, s: &str) -> std::fmt::Result {
                self.rest = self.rest.strip_prefix(s).ok_or(std::fmt::Error)?;
                Ok(())
            }
        }
        let mut m = Matches { rest: other };
        std::fmt::write(&mut m, format_args!("{self}")).is_ok() && m.rest.is_empty()
    }
}

impl Serialize for OpReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Where a padded picture sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PadReport {
    /// The canvas.
    pub canvas: Size,
    /// The picture's top-left corner on the canvas, `(x, y)`.
    pub position: (u32, u32),
}

impl Serialize for PadReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("PadReport", 2)?;
        st.serialize_field("canvas", &Wh(self.canvas))?;
        st.serialize_field("position", &[self.position.0, self.position.1])?;
        st.end()
    }
}

/// What one step did.
#[derive(Debug, Clone, PartialEq)]
pub struct StepReport {
    /// Size before the step.
    pub input: Size,
    /// Size the picture was resized to, if it was.
    pub resize: Option<Size>,
    /// Rectangle cut from the (resized) picture, if any.
    pub crop: Option<Rect>,
    /// Canvas and the picture's position on it, if padded.
    pub pad: Option<PadReport>,
    /// Other operations, in the order run.
    pub ops: Vec<OpReport>,
    /// Size after the step.
    pub output: Size,
}

impl StepReport {
    /// A report for a step starting at `input` that has done nothing yet.
    pub(crate) fn new(input: Size) -> Self {
        StepReport {
            input,
            resize: None,
            crop: None,
            pad: None,
            ops: Vec::new(),
            output: input,
        }
    }
}

impl Serialize for StepReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("StepReport", 6)?;
        st.serialize_field("input", &Wh(self.input))?;
        st.serialize_field("resize", &self.resize.map(Wh))?;
        st.serialize_field("crop", &self.crop.map(Xywh))?;
        st.serialize_field("pad", &self.pad)?;
        st.serialize_field("ops", &self.ops)?;
        st.serialize_field("output", &Wh(self.output))?;
        st.end()
    }
}

/// Bits per sample in and out, and where 16 bits were given up.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct DepthReport {
    /// Bits per sample of the stored picture, where the decoder says.
    pub input: Option<u8>,
    /// Bits per sample of the output: 16 for a 16-bit PNG, else 8.
    pub output: u8,
    /// Where and why 16-bit pixels were reduced to 8 (an op without a 16-bit version, an
    /// output format of 8 bits).
    pub note: Option<String>,
}

/// The decisions taken for one request.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// MIME type sniffed from the input.
    pub input_mime: &'static str,
    /// Stored size of the input (of the page decoded).
    pub input_size: Size,
    /// The page or frame decoded, 1-based (`pg-N`).
    pub page: u32,
    /// How many pages or frames the input has, where known.
    pub pages: Option<u32>,
    /// EXIF orientation applied (1 = none).
    pub orientation: u8,
    /// Shrink-on-load factor (1, 2, 4 or 8): JPEG's DCT scale, or how many samples per side
    /// AVIF/HEIC Y′CbCr planes were averaged over before the conversion to RGB.
    pub shrink_on_load: u8,
    /// Each step, in order.
    pub steps: Vec<StepReport>,
    /// Why the output format was chosen.
    pub format_reason: String,
    /// Quality used (lossy formats).
    pub quality: Option<u8>,
    /// Which metadata the output kept.
    pub metadata: KeptMetadata,
    /// Whether `Save-Data` lowered the quality ([`crate::Config::save_data_quality`]).
    pub save_data: bool,
    /// Keys lenient parsing kept and the engine ignored, in order of appearance.
    pub ignored: Vec<String>,
    /// The embedded colour profile and what was done with it.
    pub color: crate::color::ColorReport,
    /// Bits per sample in and out.
    pub depth: DepthReport,
}

impl Report {
    /// A report of an input whose header has been read, before anything was decided.
    pub(crate) fn new(input_mime: &'static str, input_size: Size) -> Self {
        Report {
            input_mime,
            input_size,
            page: 1,
            pages: Some(1),
            orientation: 1,
            shrink_on_load: 1,
            steps: Vec::new(),
            format_reason: String::new(),
            quality: None,
            metadata: KeptMetadata::None,
            save_data: false,
            ignored: Vec::new(),
            color: crate::color::ColorReport::default(),
            depth: DepthReport {
                input: None,
                output: 8,
                note: None,
            },
        }
    }

    /// The report as one JSON object (module docs: the schema).
    pub fn to_json(&self) -> String {
        json(self)
    }
}

impl Serialize for Report {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        self.fields(&mut m)?;
        m.end()
    }
}

impl Report {
    fn fields<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        m.serialize_entry("input_mime", self.input_mime)?;
        m.serialize_entry("input_size", &Wh(self.input_size))?;
        m.serialize_entry("page", &self.page)?;
        m.serialize_entry("pages", &self.pages)?;
        m.serialize_entry("orientation", &self.orientation)?;
        m.serialize_entry("shrink_on_load", &self.shrink_on_load)?;
        m.serialize_entry("steps", &self.steps)?;
        m.serialize_entry("format_reason", &self.format_reason)?;
        m.serialize_entry("quality", &self.quality)?;
        m.serialize_entry("metadata", &self.metadata)?;
        m.serialize_entry("save_data", &self.save_data)?;
        m.serialize_entry("ignored", &self.ignored)?;
        m.serialize_entry("color", &self.color)?;
        m.serialize_entry("depth", &self.depth)
    }
}

/// The result of a transformation.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// The encoded bytes to deliver.
    pub bytes: Vec<u8>,
    /// Their format.
    pub format: OutputFormat,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The decisions taken.
    pub report: Report,
}

impl Output {
    /// The MIME type of [`Output::bytes`].
    pub fn mime(&self) -> &'static str {
        self.format.mime()
    }

    /// One JSON object describing the output and its report (module docs: the schema):
    /// `{"width":W,"height":H,"format":"webp","mime":"image/webp","bytes":N,…}`.
    pub fn to_json(&self) -> String {
        json(self)
    }
}

impl Serialize for Output {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("width", &self.width)?;
        m.serialize_entry("height", &self.height)?;
        m.serialize_entry("format", self.format.extension())?;
        m.serialize_entry("mime", self.mime())?;
        m.serialize_entry("bytes", &self.bytes.len())?;
        self.report.fields(&mut m)?;
        m.end()
    }
}

/// Serializes to a JSON string. The types above hold only numbers, strings and lists, so
/// serde_json cannot fail on them; an empty object stands in should it ever.
fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "{}".to_string())
}

/// A size as `[width, height]`.
struct Wh(Size);

impl Serialize for Wh {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        [self.0.width(), self.0.height()].serialize(s)
    }
}

/// A rectangle as `{"x","y","width","height"}`.
struct Xywh(Rect);

impl Serialize for Xywh {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut st = s.serialize_struct("Rect", 4)?;
        st.serialize_field("x", &r.x())?;
        st.serialize_field("y", &r.y())?;
        st.serialize_field("width", &r.width())?;
        st.serialize_field("height", &r.height())?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(w: u32, h: u32) -> Size {
        Size::new(w, h).unwrap()
    }

    #[test]
    fn full_report_with_escapes() {
        let mut report = Report::new("image/jpeg", size(1920, 1280));
        report.orientation = 6;
        report.shrink_on_load = 4;
        report.steps = vec![
            StepReport {
                input: size(1280, 1920),
                resize: Some(size(300, 450)),
                crop: Rect::new(0, 75, 300, 300),
                pad: None,
                ops: vec![OpReport::Rotate(90.0), OpReport::FlipBoth],
                output: size(300, 300),
            },
            StepReport {
                input: size(300, 300),
                resize: None,
                crop: None,
                pad: Some(PadReport {
                    canvas: size(400, 300),
                    position: (50, 0),
                }),
                ops: vec![],
                output: size(400, 300),
            },
        ];
        report.format_reason = "say \"hi\"\\\n\u{1}".into();
        report.quality = Some(80);
        report.ignored = vec!["rndm_trnsf".into()];
        assert_eq!(
            report.to_json(),
            concat!(
                r#"{"input_mime":"image/jpeg","input_size":[1920,1280],"page":1,"pages":1,"#,
                r#""orientation":6,"#,
                r#""shrink_on_load":4,"steps":[{"input":[1280,1920],"resize":[300,450],"#,
                r#""crop":{"x":0,"y":75,"width":300,"height":300},"pad":null,"#,
                r#""ops":["rotate 90","flip both"],"output":[300,300]},"#,
                r#"{"input":[300,300],"resize":null,"crop":null,"#,
                r#""pad":{"canvas":[400,300],"position":[50,0]},"ops":[],"output":[400,300]}],"#,
                r#""format_reason":"say \"hi\"\\\n\u0001","quality":80,"metadata":"none","#,
                r#""save_data":false,"ignored":["rndm_trnsf"],"#,
                r#""color":{"profile":null,"action":"untagged","note":null},"#,
                r#""depth":{"input":null,"output":8,"note":null}}"#
            )
        );
    }

    #[test]
    fn output_json_leads_with_the_output() {
        let out = Output {
            bytes: vec![0; 7],
            format: OutputFormat::Webp,
            width: 3,
            height: 2,
            report: Report::new("image/png", size(3, 2)),
        };
        let json = out.to_json();
        assert!(
            json.starts_with(
                r#"{"width":3,"height":2,"format":"webp","mime":"image/webp","bytes":7,"input_mime":"image/png","#
            ),
            "{json}"
        );
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed["report"], serde_json::Value::Null);
        assert_eq!(parsed["steps"], serde_json::json!([]));
    }
}
