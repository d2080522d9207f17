//! The [`Report`] as JSON, for C hosts (and, once moved into `engine`, the CLI).
//!
//! Hand-written to avoid a serde dependency; the shape is documented on
//! `pxf_output_report_json`.

use std::fmt::Write;

use crate::engine::{Report, StepReport};

/// Writes `s` as a JSON string literal.
fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn pair(out: &mut String, (a, b): (u32, u32)) {
    let _ = write!(out, "[{a},{b}]");
}

fn step(out: &mut String, s: &StepReport) {
    out.push_str("{\"input\":");
    pair(out, s.input);
    out.push_str(",\"resize\":");
    match s.resize {
        Some(p) => pair(out, p),
        None => out.push_str("null"),
    }
    out.push_str(",\"crop\":");
    match s.crop {
        Some(r) => {
            let _ = write!(
                out,
                "{{\"x\":{},\"y\":{},\"width\":{},\"height\":{}}}",
                r.x, r.y, r.width, r.height
            );
        }
        None => out.push_str("null"),
    }
    out.push_str(",\"pad\":");
    match s.pad {
        Some((canvas, position)) => {
            out.push_str("{\"canvas\":");
            pair(out, canvas);
            out.push_str(",\"position\":");
            pair(out, position);
            out.push('}');
        }
        None => out.push_str("null"),
    }
    out.push_str(",\"ops\":[");
    for (i, op) in s.ops.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(out, op);
    }
    out.push_str("],\"output\":");
    pair(out, s.output);
    out.push('}');
}

/// The report as one line of JSON (keys in a fixed order, sizes as `[width,height]`).
pub(crate) fn report_json(report: &Report) -> String {
    let mut out = String::with_capacity(256);
    out.push_str("{\"input_mime\":");
    string(&mut out, &report.input_mime);
    out.push_str(",\"input_size\":");
    pair(&mut out, report.input_size);
    let _ = write!(
        out,
        ",\"orientation\":{},\"shrink_on_load\":{},\"steps\":[",
        report.orientation, report.shrink_on_load
    );
    for (i, s) in report.steps.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        step(&mut out, s);
    }
    out.push_str("],\"format_reason\":");
    string(&mut out, &report.format_reason);
    out.push_str(",\"quality\":");
    match report.quality {
        Some(q) => {
            let _ = write!(out, "{q}");
        }
        None => out.push_str("null"),
    }
    out.push_str(",\"metadata\":");
    string(&mut out, &report.metadata);
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RectReport;

    #[test]
    fn default_report() {
        assert_eq!(
            report_json(&Report::default()),
            r#"{"input_mime":"","input_size":[0,0],"orientation":0,"shrink_on_load":0,"steps":[],"format_reason":"","quality":null,"metadata":""}"#
        );
    }

    #[test]
    fn full_report_with_escapes() {
        let report = Report {
            input_mime: "image/jpeg".into(),
            input_size: (1920, 1280),
            orientation: 6,
            shrink_on_load: 4,
            steps: vec![
                StepReport {
                    input: (1280, 1920),
                    resize: Some((300, 450)),
                    crop: Some(RectReport {
                        x: 0,
                        y: 75,
                        width: 300,
                        height: 300,
                    }),
                    pad: None,
                    ops: vec!["rotate 90".into(), "say \"hi\"\\\n\u{1}".into()],
                    output: (300, 300),
                },
                StepReport {
                    input: (300, 300),
                    resize: None,
                    crop: None,
                    pad: Some(((400, 300), (50, 0))),
                    ops: vec![],
                    output: (400, 300),
                },
            ],
            format_reason: "f-auto: Accept has image/webp".into(),
            quality: Some(80),
            metadata: "none".into(),
        };
        assert_eq!(
            report_json(&report),
            concat!(
                r#"{"input_mime":"image/jpeg","input_size":[1920,1280],"orientation":6,"#,
                r#""shrink_on_load":4,"steps":[{"input":[1280,1920],"resize":[300,450],"#,
                r#""crop":{"x":0,"y":75,"width":300,"height":300},"pad":null,"#,
                r#""ops":["rotate 90","say \"hi\"\\\n\u0001"],"output":[300,300]},"#,
                r#"{"input":[300,300],"resize":null,"crop":null,"#,
                r#""pad":{"canvas":[400,300],"position":[50,0]},"ops":[],"output":[400,300]}],"#,
                r#""format_reason":"f-auto: Accept has image/webp","quality":80,"metadata":"none"}"#
            )
        );
    }
}
