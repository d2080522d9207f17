//! The drift bugs of the "house" issue: one behaviour where there were two.

use pixform::engine::{Config, Engine, OutputFormat, Request};
use pixform::{Category, Report};

use super::odd::odd_dir;

fn storm() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/photos/storm-1920x1280.jpg"
    ))
    .unwrap()
}

fn save_data_config(quality: u8) -> Config {
    let mut config = Config::default();
    config.save_data_quality = pixform::spec::Quality::new(quality);
    config
}

fn with(config: Config) -> Engine {
    Engine::try_new(config).unwrap()
}

#[test]
fn bigtiff_and_cursors_decode_as_sniff_claims() {
    let engine = Engine::default();
    for (path, kind) in [
        (
            "tiff/pillow--hopper_bigtiff.tif",
            pixform::sniff::Kind::BigTiff,
        ),
        ("ico/libvips--sample.cur", pixform::sniff::Kind::Cur),
        ("ico/pillow--deerstalker.cur", pixform::sniff::Kind::Cur),
    ] {
        let bytes = std::fs::read(odd_dir().join(path)).unwrap();
        let media = pixform::sniff::sniff(&bytes).unwrap();
        assert_eq!((media.kind, media.decodable), (kind, true), "{path}");
        let out = engine
            .transform_str(&bytes, "w-16,f-png", &Request::default())
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(out.width, 16, "{path}");
        assert_eq!(out.format, OutputFormat::Png, "{path}");
        let decoded = image::load_from_memory(&out.bytes).unwrap();
        assert_eq!(decoded.width(), 16, "{path}");
    }
    // A kind the table knows but does not decode is refused as unsupported media.
    let qoi = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/odd/other/pillow--hopper.qoi"
    ))
    .unwrap();
    let e = engine
        .transform_str(&qoi, "w-2", &Request::default())
        .unwrap_err();
    assert_eq!(e.category(), Category::UnsupportedMedia);
    assert!(
        e.to_string().contains("not a format pixform decodes"),
        "{e}"
    );
}

#[test]
fn lenient_mode_ignores_unknown_keys_and_reports_them() {
    let input = storm();
    let strict = Engine::default();
    let e = strict
        .transform_str(&input, "w-100,zz-3", &Request::default())
        .unwrap_err();
    assert_eq!(e.category(), Category::InvalidTransform, "{e}");

    let mut config = Config::default();
    config.strict = false;
    let lenient = with(config);
    let out = lenient
        .transform_str(&input, "w-100,zz-3:foo-bar,h-40", &Request::default())
        .unwrap();
    assert_eq!(out.report.ignored, ["zz", "foo"]);
    assert_eq!((out.width, out.height), (60, 40));
    let plain = lenient
        .transform_str(&input, "w-100:h-40", &Request::default())
        .unwrap();
    assert_eq!(out.bytes, plain.bytes, "ignored keys change nothing");
    assert!(plain.report.ignored.is_empty());
    let json: serde_json::Value = serde_json::from_str(&out.report.to_json()).unwrap();
    assert_eq!(json["ignored"], serde_json::json!(["zz", "foo"]));
    // Keys that are known but not performed stay refused in lenient mode too.
    let e = lenient
        .transform_str(&input, "w-100,e-shadow", &Request::default())
        .unwrap_err();
    assert_eq!(e.category(), Category::UnsupportedTransform, "{e}");
}

#[test]
fn save_data_lowers_the_default_quality_only() {
    let input = storm();
    let quality = |engine: &Engine, t: &str, save: bool| {
        let out = engine
            .transform_str(&input, t, &Request::default().save_data(save))
            .unwrap();
        (out.report.quality, out.report.save_data, out.bytes.len())
    };
    let off = Engine::default();
    assert_eq!(
        quality(&off, "w-300,f-jpg", true).0,
        Some(80),
        "off unless configured"
    );
    assert!(!quality(&off, "w-300,f-jpg", true).1);

    let saver = with(save_data_config(50));
    let (q, used, small) = quality(&saver, "w-300,f-jpg", true);
    assert_eq!((q, used), (Some(50), true));
    let (q, used, normal) = quality(&saver, "w-300,f-jpg", false);
    assert_eq!((q, used), (Some(80), false));
    assert!(small < normal, "q50 {small} B is not below q80 {normal} B");
    // An explicit q wins.
    assert_eq!(quality(&saver, "w-300,f-jpg,q-90", true).0, Some(90));
    assert!(!quality(&saver, "w-300,f-jpg,q-90", true).1);
    // A Save-Data quality above the default never raises it.
    let higher = with(save_data_config(95));
    assert_eq!(quality(&higher, "w-300,f-jpg", true).0, Some(80));
}

#[test]
fn the_format_hint_replaces_the_extension_step() {
    let input = storm();
    let engine = Engine::default();
    let hinted = engine
        .transform_str(
            &input,
            "w-320",
            &Request::default().format(OutputFormat::Webp),
        )
        .unwrap();
    assert_eq!(hinted.format, OutputFormat::Webp);
    assert_eq!(
        hinted.report.format_reason,
        "webp from the request's format hint"
    );
    let stepped = engine
        .transform_str(&input, "w-320:f-webp", &Request::default())
        .unwrap();
    assert_eq!(hinted.bytes, stepped.bytes);
    assert_eq!(hinted.report.steps.len(), 1, "no step was added");
    // An f- in the transformation wins over the hint.
    let explicit = engine
        .transform_str(
            &input,
            "w-320,f-png",
            &Request::default().format(OutputFormat::Webp),
        )
        .unwrap();
    assert_eq!(explicit.format, OutputFormat::Png);
}

#[test]
fn the_report_has_one_json_schema() {
    let input = storm();
    let out = Engine::default()
        .transform_str(
            &input,
            "w-300,h-300,cm-pad_resize,bg-FF0000:w-200,h-100",
            &Request::default(),
        )
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&out.report.to_json()).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = [
        "input_mime",
        "input_size",
        "page",
        "pages",
        "orientation",
        "shrink_on_load",
        "steps",
        "format_reason",
        "quality",
        "metadata",
        "save_data",
        "ignored",
        "color",
        "depth",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(json["input_size"], serde_json::json!([1920, 1280]));
    let pad = &json["steps"][0]["pad"];
    assert_eq!(pad["canvas"], serde_json::json!([300, 300]));
    assert_eq!(pad["position"], serde_json::json!([0, 50]));
    let crop = &json["steps"][1]["crop"];
    assert_eq!(
        crop,
        &serde_json::json!({"x": 0, "y": 50, "width": 200, "height": 100}),
        "crop is an object"
    );
    // Output::to_json is the report behind the output's own fields, in one object.
    let whole: serde_json::Value = serde_json::from_str(&out.to_json()).unwrap();
    assert_eq!(whole["width"], 200);
    assert_eq!(whole["steps"], json["steps"]);
    let _: &Report = &out.report;
}
