//! `include/pixform.h` must be what cbindgen generates from `src/ffi/` now.
//!
//! Fails when the committed header is stale; `PIXFORM_UPDATE_HEADER=1 cargo test --test
//! header` rewrites it.

use std::path::Path;

/// The header as cbindgen generates it from the current sources.
fn generate() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("cbindgen.toml");
    let version = env!("CARGO_PKG_VERSION");
    let number = |i: usize| {
        version
            .split(['.', '-', '+'])
            .nth(i)
            .and_then(|n| n.parse::<u32>().ok())
            .expect("numeric version part")
    };
    let defines = format!(
        "\n#define PIXFORM_VERSION \"{version}\"\n#define PIXFORM_VERSION_MAJOR {}\n\
         #define PIXFORM_VERSION_MINOR {}\n#define PIXFORM_VERSION_PATCH {}",
        number(0),
        number(1),
        number(2)
    );
    let bindings = cbindgen::Builder::new()
        .with_crate(dir)
        .with_config(config)
        .with_after_include(defines)
        .generate()
        .expect("cbindgen generates the header");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("UTF-8 header")
}

#[test]
fn header_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("include/pixform.h");
    let fresh = generate();
    if std::env::var_os("PIXFORM_UPDATE_HEADER").is_some() {
        std::fs::create_dir_all(path.parent().expect("include/")).expect("mkdir include");
        std::fs::write(&path, &fresh).expect("write include/pixform.h");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "include/pixform.h is stale; rerun with PIXFORM_UPDATE_HEADER=1 cargo test --test header"
    );
}

#[test]
fn header_has_the_contract() {
    let h = generate();
    for needle in [
        "#ifndef PIXFORM_H",
        "extern \"C\" {",
        "typedef enum pxf_status {",
        "PXF_OK = 0,",
        "PXF_PANIC = 8,",
        "PXF_UNSUPPORTED_TRANSFORM = 9,",
        "PXF_SIGNATURE_INVALID = 10,",
        "typedef struct pxf_engine pxf_engine;",
        "typedef struct pxf_output pxf_output;",
        "const char *pxf_status_name(pxf_status status);",
        "size_t pxf_last_error_message(char *buf, size_t buf_len);",
        "enum pxf_status pxf_engine_new(struct pxf_engine **engine_out);",
        "void pxf_engine_free(struct pxf_engine *engine);",
        "const uint8_t *pxf_output_data(const struct pxf_output *output, size_t *len_out);",
        "enum pxf_status pxf_canonicalize(const char *transform, char **canonical_out);",
        &format!("#define PIXFORM_VERSION \"{}\"", env!("CARGO_PKG_VERSION")),
    ] {
        assert!(h.contains(needle), "header lacks `{needle}`:\n{h}");
    }
    for unwanted in ["Quality", "pxf_status_code", "pxf_status_ALL"] {
        assert!(!h.contains(unwanted), "header leaks `{unwanted}`");
    }
}
