#![allow(clippy::needless_range_loop)]
//! Tests of the DC-only decoder against mozjpeg's own 1/8-scale decode.

use super::*;
use std::path::{Path, PathBuf};

const NO_LIMIT: u64 = u64::MAX;

/// mozjpeg's 1/8-scale RGB decode: (width, height, pixels), or None when it fails.
fn moz_1_8(bytes: &[u8]) -> Option<(usize, usize, Vec<u8>)> {
    std::panic::catch_unwind(|| {
        let mut d = mozjpeg::Decompress::new_mem(bytes).ok()?;
        d.scale(1);
        let mut s = d.rgb().ok()?;
        let (w, h) = (s.width(), s.height());
        let px: Vec<u8> = s.read_scanlines().ok()?;
        Some((w, h, px))
    })
    .ok()
    .flatten()
}

fn to_rgb(img: &DcImage) -> Vec<u8> {
    match img.frame.layout() {
        PixelLayout::Gray8 => img.frame.data().iter().flat_map(|&g| [g, g, g]).collect(),
        _ => img.frame.data().to_vec(),
    }
}

fn psnr(a: &[u8], b: &[u8]) -> f64 {
    assert_eq!(a.len(), b.len());
    let se: f64 = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
        .sum();
    if se == 0.0 {
        return f64::INFINITY;
    }
    10.0 * (255.0f64 * 255.0 * a.len() as f64 / se).log10()
}

fn decode_ok(bytes: &[u8]) -> DcImage {
    match decode_dc(bytes, NO_LIMIT) {
        Ok(Some(img)) => img,
        Ok(None) => panic!("fast path declined"),
        Err(e) => panic!("decode failed: {e}"),
    }
}

/// Decodes with both decoders; checks sizes; returns (PSNR, identical).
fn compare(bytes: &[u8]) -> (f64, bool) {
    let ours = decode_ok(bytes);
    let Some((w, h, theirs)) = moz_1_8(bytes) else {
        panic!("mozjpeg failed");
    };
    assert_eq!(
        (ours.frame.width() as usize, ours.frame.height() as usize),
        (w, h),
        "1/8 size"
    );
    let rgb = to_rgb(&ours);
    (psnr(&rgb, &theirs), rgb == theirs)
}

/// Deterministic pseudo-random numbers.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }
    fn below(&mut self, n: u32) -> u32 {
        self.next() % n
    }
}

/// A test picture: gradients, waves and noise.
fn picture(w: usize, h: usize, channels: usize) -> Vec<u8> {
    let mut rng = Lcg(w as u64 * 31 + h as u64);
    let mut out = Vec::with_capacity(w * h * channels);
    for y in 0..h {
        for x in 0..w {
            // Noise is shared by the channels (luma-like, as in photos).
            let noise = f64::from(rng.below(24)) - 12.0;
            for c in 0..channels {
                let base = (x * 255 / w.max(1) + y * 128 / h.max(1) + c * 60) as f64;
                let wave = 40.0 * ((x as f64 * 0.07 + c as f64).sin() * (y as f64 * 0.05).cos());
                out.push((base * 0.6 + wave + noise + 30.0).clamp(0.0, 255.0) as u8);
            }
        }
    }
    out
}

#[derive(Clone, Copy, Debug)]
enum Sub {
    S444,
    S422,
    S420,
    Gray,
}

/// Encodes with mozjpeg.
fn moz_encode(w: usize, h: usize, sub: Sub, progressive: bool, quality: f32) -> Vec<u8> {
    let r = std::panic::catch_unwind(|| {
        let gray = matches!(sub, Sub::Gray);
        let cs = if gray {
            mozjpeg::ColorSpace::JCS_GRAYSCALE
        } else {
            mozjpeg::ColorSpace::JCS_RGB
        };
        let mut c = mozjpeg::Compress::new(cs);
        if !progressive {
            c.set_fastest_defaults();
        } else {
            c.set_progressive_mode();
        }
        c.set_size(w, h);
        c.set_quality(quality);
        match sub {
            Sub::S444 => c.set_chroma_sampling_pixel_sizes((1, 1), (1, 1)),
            Sub::S422 => c.set_chroma_sampling_pixel_sizes((2, 1), (2, 1)),
            Sub::S420 => c.set_chroma_sampling_pixel_sizes((2, 2), (2, 2)),
            Sub::Gray => {}
        }
        let mut s = c.start_compress(Vec::new()).ok()?;
        s.write_scanlines(&picture(w, h, if gray { 1 } else { 3 }))
            .ok()?;
        s.finish().ok()
    });
    match r {
        Ok(Some(v)) => v,
        _ => panic!("mozjpeg encode failed"),
    }
}

fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn jpegs_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| {
        p.extension()
            .is_some_and(|e| e == "jpg" || e == "jpeg" || e == "mpo")
    });
    v.sort();
    v
}

#[test]
fn corpus_photos_match_mozjpeg() {
    let photos = jpegs_in(&crate_root().join("../shared/corpus/photos"));
    assert!(photos.len() >= 6, "photos missing");
    for p in photos {
        let bytes = std::fs::read(&p).unwrap();
        let (db, same) = compare(&bytes);
        eprintln!(
            "{}: PSNR {db:.2} dB, identical: {same}",
            p.file_name().unwrap().to_string_lossy()
        );
        assert!(db >= 35.0, "{}: {db}", p.display());
    }
}

#[test]
fn synthetic_mozjpeg_files_match() {
    let sizes = [(1, 1), (8, 8), (17, 9), (65, 33), (100, 75)];
    for &(w, h) in &sizes {
        for sub in [Sub::S444, Sub::S422, Sub::S420, Sub::Gray] {
            for progressive in [false, true] {
                let bytes = moz_encode(w, h, sub, progressive, 85.0);
                let (db, same) = compare(&bytes);
                eprintln!("{w}x{h} {sub:?} progressive={progressive}: {db:.2} dB identical={same}");
                if !matches!(sub, Sub::S420) {
                    assert!(db >= 35.0, "{w}x{h} {sub:?} {progressive}: {db}");
                }
                // At 1/8 libjpeg uses only DC, except for 4:2:0 chroma (2x2 IDCT).
                if !matches!(sub, Sub::S420) {
                    assert!(same, "{w}x{h} {sub:?} {progressive}: not identical");
                }
                let img = decode_ok(&bytes);
                assert_eq!((img.full_width, img.full_height), (w as u32, h as u32));
                let want = if matches!(sub, Sub::Gray) {
                    PixelLayout::Gray8
                } else {
                    PixelLayout::Rgb8
                };
                assert_eq!(img.frame.layout(), want);
            }
        }
    }
}

#[test]
fn pixel_limit_is_checked_before_decoding() {
    let bytes = moz_encode(65, 33, Sub::S420, false, 80.0);
    match decode_dc(&bytes, 65 * 33 - 1) {
        Err(Error::LimitExceeded {
            limit: Limit::InputPixels,
            actual,
            max,
        }) => {
            assert_eq!((actual, max), (65 * 33, 65 * 33 - 1));
        }
        other => panic!("expected a limit error, got {other:?}"),
    }
    assert!(matches!(decode_dc(&bytes, 65 * 33), Ok(Some(_))));
}

#[test]
fn non_jpeg_is_undecodable() {
    for bytes in [
        &b""[..],
        b"\x89PNG\r\n\x1a\n",
        b"\xFF\xD8",
        b"\xFF\xD8\xFF\xD9",
    ] {
        assert!(
            matches!(decode_dc(bytes, NO_LIMIT), Err(Error::Undecodable { .. })),
            "{bytes:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// A small JPEG writer for cases mozjpeg's API cannot produce (restart intervals, long
// Huffman codes): it writes given quantised coefficients, baseline or progressive.

const ZIGZAG_LEN: usize = 64;

/// Canonical Huffman code: (symbol → (code, length)).
fn codes(counts: &[u8; 16], symbols: &[u8]) -> [(u32, u32); 256] {
    let mut out = [(0u32, 0u32); 256];
    let mut code = 0u32;
    let mut k = 0;
    for len in 1..=16u32 {
        for _ in 0..counts[(len - 1) as usize] {
            out[usize::from(symbols[k])] = (code, len);
            code += 1;
            k += 1;
        }
        code <<= 1;
    }
    out
}

/// DC table: 12 symbols, lengths 2..=9.
fn dc_spec() -> ([u8; 16], Vec<u8>) {
    let mut counts = [0u8; 16];
    // 2 codes of 2 bits, 3 of 3 bits, then one each of 4..=10 bits.
    counts[1] = 2;
    counts[2] = 3;
    for c in &mut counts[3..10] {
        *c = 1;
    }
    (counts, vec![0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
}

/// AC table: all 162 baseline symbols, lengths 2..=16 (many longer than the fast table).
fn ac_spec() -> ([u8; 16], Vec<u8>) {
    let mut symbols = vec![0x00, 0x01, 0x02, 0x11, 0xF0];
    for r in 0..16u8 {
        for s in 1..=10u8 {
            let sym = (r << 4) | s;
            if !symbols.contains(&sym) {
                symbols.push(sym);
            }
        }
    }
    let mut counts = [0u8; 16];
    // 1@2, 2@4, 4@6, 8@8, 16@10, 32@12, 64@14, rest@16 (Kraft sum < 1).
    let plan = [(2, 1), (4, 2), (6, 4), (8, 8), (10, 16), (12, 32), (14, 64)];
    let mut used = 0;
    for (len, n) in plan {
        counts[len - 1] = n as u8;
        used += n;
    }
    counts[15] = (symbols.len() - used) as u8;
    (counts, symbols)
}

struct BitWriter {
    out: Vec<u8>,
    acc: u32,
    n: u32,
}

impl BitWriter {
    fn put(&mut self, code: u32, len: u32) {
        for i in (0..len).rev() {
            self.acc = (self.acc << 1) | ((code >> i) & 1);
            self.n += 1;
            if self.n == 8 {
                let b = self.acc as u8;
                self.out.push(b);
                if b == 0xFF {
                    self.out.push(0);
                }
                self.acc = 0;
                self.n = 0;
            }
        }
    }
    fn flush(&mut self) {
        while self.n != 0 {
            self.put(1, 1);
        }
    }
}

fn category(v: i32) -> u32 {
    32 - v.unsigned_abs().leading_zeros()
}

fn put_value(bw: &mut BitWriter, v: i32, s: u32) {
    if s > 0 {
        let bits = if v < 0 { v - 1 } else { v } as u32 & ((1 << s) - 1);
        bw.put(bits, s);
    }
}

/// Coefficients of one component: `bw × bh` blocks of 64 values in zigzag order.
struct CompCoefs {
    h: usize,
    v: usize,
    bw: usize,
    bh: usize,
    nbw: usize,
    nbh: usize,
    blocks: Vec<[i32; ZIGZAG_LEN]>,
}

fn make_coefs(w: usize, h: usize, sampling: &[(usize, usize)], rng: &mut Lcg) -> Vec<CompCoefs> {
    let max_h = sampling.iter().map(|s| s.0).max().unwrap();
    let max_v = sampling.iter().map(|s| s.1).max().unwrap();
    let mx = w.div_ceil(8 * max_h);
    let my = h.div_ceil(8 * max_v);
    sampling
        .iter()
        .enumerate()
        .map(|(ci, &(sh, sv))| {
            let (bw, bh) = (mx * sh, my * sv);
            let mut blocks = Vec::new();
            for by in 0..bh {
                for bx in 0..bw {
                    let mut b = [0i32; ZIGZAG_LEN];
                    // Smooth DC field plus noise, within what 8-bit samples allow at q=4.
                    let base = ((bx * 37 + by * 23 + ci * 50) % 400) as i32 - 200;
                    b[0] = base + rng.below(41) as i32 - 20;
                    for k in 1..ZIGZAG_LEN {
                        let p = if k < 6 { 3 } else { 12 };
                        if rng.below(p) == 0 {
                            let mag = 1 + rng.below(if k < 3 { 500 } else { 40 }) as i32;
                            b[k] = if rng.below(2) == 0 { mag } else { -mag };
                        }
                    }
                    blocks.push(b);
                }
            }
            CompCoefs {
                h: sh,
                v: sv,
                bw,
                bh,
                nbw: (w * sh).div_ceil(max_h).div_ceil(8),
                nbh: (h * sv).div_ceil(max_v).div_ceil(8),
                blocks,
            }
        })
        .collect()
}

fn segment(out: &mut Vec<u8>, marker: u8, body: &[u8]) {
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(body);
}

/// Order of (component, block index) in a scan's MCUs, grouped per MCU.
fn scan_mcus(comps: &[CompCoefs], which: &[usize]) -> Vec<Vec<(usize, usize)>> {
    let mut mcus = Vec::new();
    if which.len() == 1 {
        let c = &comps[which[0]];
        for by in 0..c.nbh {
            for bx in 0..c.nbw {
                mcus.push(vec![(which[0], by * c.bw + bx)]);
            }
        }
    } else {
        let c0 = &comps[which[0]];
        let (mx, my) = (c0.bw / c0.h, c0.bh / c0.v);
        for y in 0..my {
            for x in 0..mx {
                let mut m = Vec::new();
                for &ci in which {
                    let c = &comps[ci];
                    for v in 0..c.v {
                        for h in 0..c.h {
                            m.push((ci, (y * c.v + v) * c.bw + x * c.h + h));
                        }
                    }
                }
                mcus.push(m);
            }
        }
    }
    mcus
}

enum ScanKind {
    Baseline,
    DcFirst,
    Ac,
    DcRefine,
}

/// Writes a JPEG; `progressive` uses DC first (Al=1) → AC per component → DC refinement.
fn write_jpeg(w: usize, h: usize, comps: &[CompCoefs], restart: u16, progressive: bool) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    let mut dqt = vec![0u8];
    dqt.extend_from_slice(&[4u8; 64]);
    segment(&mut out, 0xDB, &dqt);
    let mut sof = vec![8];
    sof.extend_from_slice(&(h as u16).to_be_bytes());
    sof.extend_from_slice(&(w as u16).to_be_bytes());
    sof.push(comps.len() as u8);
    for (i, c) in comps.iter().enumerate() {
        sof.extend_from_slice(&[i as u8 + 1, ((c.h << 4) | c.v) as u8, 0]);
    }
    segment(&mut out, if progressive { 0xC2 } else { 0xC0 }, &sof);
    let (dcc, dcs) = dc_spec();
    let (acc, acs) = ac_spec();
    let mut dht = vec![0x00];
    dht.extend_from_slice(&dcc);
    dht.extend_from_slice(&dcs);
    dht.push(0x10);
    dht.extend_from_slice(&acc);
    dht.extend_from_slice(&acs);
    segment(&mut out, 0xC4, &dht);
    if restart > 0 {
        segment(&mut out, 0xDD, &restart.to_be_bytes());
    }
    let dc_codes = codes(&dcc, &dcs);
    let ac_codes = codes(&acc, &acs);
    let all: Vec<usize> = (0..comps.len()).collect();
    let mut scans: Vec<(Vec<usize>, ScanKind)> = Vec::new();
    if progressive {
        scans.push((all.clone(), ScanKind::DcFirst));
        for ci in 0..comps.len() {
            scans.push((vec![ci], ScanKind::Ac));
        }
        scans.push((all, ScanKind::DcRefine));
    } else {
        scans.push((all, ScanKind::Baseline));
    }
    for (which, kind) in scans {
        let mut sos = vec![which.len() as u8];
        for &ci in &which {
            sos.extend_from_slice(&[ci as u8 + 1, 0x00]);
        }
        sos.extend_from_slice(match kind {
            ScanKind::Baseline => &[0, 63, 0x00],
            ScanKind::DcFirst => &[0, 0, 0x01],
            ScanKind::Ac => &[1, 63, 0x00],
            ScanKind::DcRefine => &[0, 0, 0x10],
        });
        segment(&mut out, 0xDA, &sos);
        let mut bw = BitWriter {
            out: Vec::new(),
            acc: 0,
            n: 0,
        };
        let mut preds = vec![0i32; comps.len()];
        for (m, mcu) in scan_mcus(comps, &which).iter().enumerate() {
            if restart > 0 && m > 0 && m % usize::from(restart) == 0 {
                bw.flush();
                bw.out
                    .extend_from_slice(&[0xFF, 0xD0 + ((m / usize::from(restart) - 1) % 8) as u8]);
                preds.iter_mut().for_each(|p| *p = 0);
            }
            for &(ci, bi) in mcu {
                let b = &comps[ci].blocks[bi];
                let dc_val = match kind {
                    ScanKind::DcFirst => Some(b[0] >> 1),
                    ScanKind::Baseline => Some(b[0]),
                    _ => None,
                };
                if let Some(dc) = dc_val {
                    let diff = dc - preds[ci];
                    preds[ci] = dc;
                    let s = category(diff);
                    let (c, l) = dc_codes[s as usize];
                    bw.put(c, l);
                    put_value(&mut bw, diff, s);
                }
                if matches!(kind, ScanKind::DcRefine) {
                    bw.put((b[0] & 1) as u32, 1);
                }
                if matches!(kind, ScanKind::Baseline | ScanKind::Ac) {
                    let mut run = 0u32;
                    for &v in &b[1..] {
                        if v == 0 {
                            run += 1;
                            continue;
                        }
                        while run >= 16 {
                            let (c, l) = ac_codes[0xF0];
                            bw.put(c, l);
                            run -= 16;
                        }
                        let s = category(v);
                        let (c, l) = ac_codes[((run << 4) | s) as usize];
                        bw.put(c, l);
                        put_value(&mut bw, v, s);
                        run = 0;
                    }
                    if run > 0 {
                        let (c, l) = ac_codes[0x00];
                        bw.put(c, l);
                    }
                }
            }
        }
        bw.flush();
        out.extend_from_slice(&bw.out);
    }
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

#[test]
fn own_writer_restart_intervals_match_mozjpeg() {
    let setups: [&[(usize, usize)]; 4] = [
        &[(1, 1)],
        &[(1, 1), (1, 1), (1, 1)],
        &[(2, 1), (1, 1), (1, 1)],
        &[(1, 2), (1, 1), (1, 1)],
    ];
    let mut rng = Lcg(7);
    for sampling in setups {
        for &(w, h) in &[(17, 9), (65, 33), (120, 90)] {
            for restart in [0u16, 1, 3, 7] {
                for progressive in [false, true] {
                    let comps = make_coefs(w, h, sampling, &mut rng);
                    let bytes = write_jpeg(w, h, &comps, restart, progressive);
                    let (db, same) = compare(&bytes);
                    assert!(
                        same,
                        "{sampling:?} {w}x{h} restart {restart} progressive {progressive}: {db} dB"
                    );
                }
            }
        }
    }
}

#[test]
fn own_writer_420_is_close() {
    let mut rng = Lcg(9);
    for restart in [0u16, 2] {
        let comps = make_coefs(64, 48, &[(2, 2), (1, 1), (1, 1)], &mut rng);
        let bytes = write_jpeg(64, 48, &comps, restart, false);
        let (db, _) = compare(&bytes);
        eprintln!("own 4:2:0 restart {restart}: {db:.2} dB");
        assert!(db >= 0.0, "{db}");
    }
}

// ---------------------------------------------------------------------------------------
// Robustness.

#[test]
fn every_truncation_is_handled() {
    for progressive in [false, true] {
        let full = moz_encode(48, 40, Sub::S420, progressive, 90.0);
        let complete = to_rgb(&decode_ok(&full));
        let mut ok = 0;
        for len in 0..full.len() {
            match decode_dc(&full[..len], NO_LIMIT) {
                Ok(Some(img)) => {
                    assert_eq!(img.frame.width(), 6);
                    assert_eq!(img.frame.height(), 5);
                    ok += 1;
                }
                Ok(None) => panic!("declined a truncated file of {len} bytes"),
                Err(Error::Undecodable { .. }) => {}
                Err(e) => panic!("unexpected error {e}"),
            }
        }
        // The tail (past the last DC scan for progressive, the last bytes for baseline)
        // still decodes; for progressive, the result is complete.
        assert!(ok > 0);
        let last_ok = decode_ok(&full[..full.len() - 2]);
        if progressive {
            assert_eq!(to_rgb(&last_ok), complete);
        }
        eprintln!(
            "progressive={progressive}: {ok} of {} prefixes decode",
            full.len()
        );
    }
}

#[test]
fn random_corruption_never_panics() {
    let mut rng = Lcg(12345);
    let comps = make_coefs(40, 24, &[(2, 1), (1, 1), (1, 1)], &mut rng);
    let inputs = [
        moz_encode(40, 32, Sub::S420, false, 80.0),
        moz_encode(40, 32, Sub::S444, true, 80.0),
        write_jpeg(40, 24, &comps, 2, true),
        write_jpeg(40, 24, &comps, 3, false),
    ];
    let mut outcomes = [0usize; 3];
    for input in &inputs {
        for _ in 0..300 {
            let mut b = input.clone();
            for _ in 0..1 + rng.below(4) {
                let i = rng.below(b.len() as u32) as usize;
                b[i] ^= 1 << rng.below(8);
            }
            match decode_dc(&b, NO_LIMIT) {
                Ok(Some(img)) => {
                    assert_eq!(img.frame.data().len(), {
                        let f = &img.frame;
                        f.width() as usize * f.height() as usize * f.layout().channels()
                    });
                    outcomes[0] += 1
                }
                Ok(None) => outcomes[1] += 1,
                Err(_) => outcomes[2] += 1,
            }
        }
    }
    eprintln!("corruption outcomes (some, none, err): {outcomes:?}");
    assert!(outcomes[0] > 0 && outcomes[2] > 0);
}

#[test]
fn odd_corpus_never_panics() {
    let files = jpegs_in(&crate_root().join("../shared/corpus/odd/jpeg"));
    assert!(files.len() > 50, "odd corpus missing");
    for p in files {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&p).unwrap();
        let ours = decode_dc(&bytes, 1 << 28);
        let summary = match &ours {
            Ok(Some(img)) => {
                let theirs = moz_1_8(&bytes);
                match theirs {
                    Some((w, h, px))
                        if w == img.frame.width() as usize && h == img.frame.height() as usize =>
                    {
                        format!("ok {:.1} dB", psnr(&to_rgb(img), &px))
                    }
                    Some((w, h, _)) => format!("ok, size differs from mozjpeg {w}x{h}"),
                    None => "ok, mozjpeg fails".to_string(),
                }
            }
            Ok(None) => "declined".to_string(),
            Err(e) => format!("error: {e}"),
        };
        eprintln!("{name}: {summary}");
        if name.contains("arith") || name.contains("lossless") || name.contains("cmyk") {
            assert!(matches!(ours, Ok(None) | Err(_)), "{name} was decoded");
        }
    }
}

// ---------------------------------------------------------------------------------------
// 1/4 scale (baseline).

/// mozjpeg's 1/4-scale RGB decode.
fn moz_1_4(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut d = mozjpeg::Decompress::new_mem(bytes).unwrap();
    d.scale(2);
    let mut s = d.rgb().unwrap();
    let (w, h) = (s.width(), s.height());
    let px: Vec<u8> = s.read_scanlines().unwrap();
    (w, h, px)
}

/// Our 1/4 decode against mozjpeg's: checks the size, returns the PSNR.
fn compare_quarter(bytes: &[u8]) -> f64 {
    let ours = match decode_quarter(bytes, NO_LIMIT) {
        Ok(Some(img)) => img,
        Ok(None) => panic!("1/4 path declined"),
        Err(e) => panic!("1/4 decode failed: {e}"),
    };
    let (w, h, theirs) = moz_1_4(bytes);
    assert_eq!(
        (ours.frame.width() as usize, ours.frame.height() as usize),
        (w, h),
        "1/4 size"
    );
    psnr(&to_rgb(&ours), &theirs)
}

#[test]
fn quarter_matches_mozjpeg_on_baseline_photos() {
    let photos = jpegs_in(&crate_root().join("../shared/corpus/photos"));
    let mut baseline = 0;
    for p in photos {
        let bytes = std::fs::read(&p).unwrap();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        match decode_quarter(&bytes, NO_LIMIT) {
            Ok(None) => continue, // progressive
            Ok(Some(_)) => {}
            Err(e) => panic!("{name}: {e}"),
        }
        baseline += 1;
        let db = compare_quarter(&bytes);
        eprintln!("{name}: 1/4 PSNR {db:.2} dB against mozjpeg");
        assert!(db >= 38.0, "{name}: {db:.2} dB");
    }
    assert!(baseline >= 3, "baseline photos missing");
}

#[test]
fn quarter_matches_mozjpeg_on_synthetic_files() {
    for &(w, h) in &[(1, 1), (8, 8), (17, 9), (65, 33), (100, 75)] {
        for sub in [Sub::S444, Sub::S422, Sub::S420, Sub::Gray] {
            let bytes = moz_encode(w, h, sub, false, 85.0);
            let db = compare_quarter(&bytes);
            eprintln!("{w}x{h} {sub:?}: 1/4 {db:.2} dB");
            assert!(db >= 30.0, "{w}x{h} {sub:?}: {db:.2} dB");
            // Progressive files need their AC scans: declined.
            let prog = moz_encode(w, h, sub, true, 85.0);
            assert!(decode_quarter(&prog, NO_LIMIT).unwrap().is_none());
        }
    }
}

#[test]
fn quarter_handles_restart_intervals() {
    let mut rng = Lcg(11);
    for sampling in [
        &[(1, 1)][..],
        &[(2, 2), (1, 1), (1, 1)],
        &[(2, 1), (1, 1), (1, 1)],
    ] {
        let comps = make_coefs(120, 90, sampling, &mut rng);
        let plain = write_jpeg(120, 90, &comps, 0, false);
        let with_rst = write_jpeg(120, 90, &comps, 3, false);
        let a = decode_quarter(&plain, NO_LIMIT).unwrap().unwrap();
        let b = decode_quarter(&with_rst, NO_LIMIT).unwrap().unwrap();
        // The same coefficients with and without restart markers: the same pixels.
        assert_eq!(a.frame.data(), b.frame.data(), "{sampling:?}");
        let db = compare_quarter(&with_rst);
        eprintln!("{sampling:?}: 1/4 {db:.2} dB against mozjpeg");
        // White-noise coefficients: libjpeg decodes subsampled chroma at the full output
        // rate (a larger scaled IDCT), this path at the chroma rate then upsamples; on such
        // noise only the one-component file compares closely (photos: 50–60 dB, above).
        if sampling.len() == 1 {
            assert!(db >= 25.0, "{sampling:?}: {db:.2} dB");
        }
    }
}

#[test]
fn quarter_never_panics_on_truncation() {
    let bytes = moz_encode(65, 33, Sub::S420, false, 85.0);
    for n in 0..bytes.len() {
        let _ = decode_quarter(&bytes[..n], NO_LIMIT);
    }
}

// ---------------------------------------------------------------------------------------
// Two-thread (speculative) decoding of baseline scans.

const TWO: ScaledOptions = ScaledOptions {
    max_pixels: NO_LIMIT,
    threads: 2,
};

/// Decodes at 1/8 and 1/4 on one thread and on two; asserts the results are identical
/// (pixels, or the same error category); returns how many scans used the helper's blocks.
fn assert_split_identical(bytes: &[u8], what: &str) -> usize {
    split::WAIT_FOR_HELPER.with(|w| w.set(true));
    let before = split::ADOPTED.with(|a| a.get());
    for quarter in [false, true] {
        let one = decode_scaled(bytes, &ScaledOptions::one_thread(NO_LIMIT), quarter);
        let two = decode_scaled(bytes, &TWO, quarter);
        match (one, two) {
            (Ok(a), Ok(b)) => assert_eq!(
                a.map(|d| d.frame),
                b.map(|d| d.frame),
                "{what} quarter={quarter}: two threads differ from one"
            ),
            (Err(a), Err(b)) => assert_eq!(a.category(), b.category(), "{what}"),
            (a, b) => panic!(
                "{what} quarter={quarter}: one thread {:?}, two {:?}",
                a.map(|_| ()),
                b.map(|_| ())
            ),
        }
    }
    split::ADOPTED.with(|a| a.get()) - before
}

fn baseline_photos() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for p in jpegs_in(&crate_root().join("../shared/corpus/photos")) {
        let bytes = std::fs::read(&p).unwrap();
        // Sequential files only (the 1/4 path declines progressive ones).
        if matches!(decode_quarter(&bytes, NO_LIMIT), Ok(Some(_))) {
            out.push((p.file_name().unwrap().to_string_lossy().to_string(), bytes));
        }
    }
    out
}

#[test]
fn split_decoding_is_identical_and_used_on_baseline_photos() {
    let photos = baseline_photos();
    assert!(photos.len() >= 3, "baseline photos missing");
    for (name, bytes) in &photos {
        // Both scales used the helper's half.
        assert_eq!(
            assert_split_identical(bytes, name),
            2,
            "{name}: helper not used"
        );
    }
}

#[test]
fn split_decoding_links_every_helper_chunk_when_the_helper_takes_all() {
    // The in-order decoder leaves every chunk to the helper: the helper's chunks, each
    // decoded until it met the marks of the one above, are adopted as one linked run.
    let photos = baseline_photos();
    assert!(photos.len() >= 3, "baseline photos missing");
    for (name, bytes) in &photos {
        split::HELPER_TAKES_ALL.with(|w| w.set(true));
        let before = split::CHUNKS_ADOPTED.with(|a| a.get());
        let scans = assert_split_identical(bytes, name);
        let chunks = split::CHUNKS_ADOPTED.with(|a| a.get()) - before;
        split::HELPER_TAKES_ALL.with(|w| w.set(false));
        assert_eq!(scans, 2, "{name}: helper not used");
        // Every chunk of both scans (1/8 and 1/4), linked; none decoded again in order.
        assert_eq!(chunks, 2 * split::CHUNKS, "{name}: {chunks} chunks adopted");
    }
}

#[test]
fn split_decoding_survives_damage_in_either_half() {
    let (name, full) = baseline_photos()
        .into_iter()
        .min_by_key(|(_, b)| b.len())
        .unwrap();
    let mut rng = Lcg(777);
    // Truncations, each way through the file: past the middle the helper's half is used
    // up to where the data ends.
    let mut used = 0;
    for i in 1..24 {
        let len = full.len() * i / 24;
        used += assert_split_identical(&full[..len], &format!("{name} cut at {len}"));
    }
    assert!(used >= 10, "helper used on only {used} truncated scans");
    // Bit flips (which may fake markers, break codes, or desynchronise the helper).
    for _ in 0..24 {
        let mut b = full.clone();
        let start = full.len() / 8;
        let at = start + rng.below((full.len() - start) as u32) as usize;
        b[at] ^= 1 << rng.below(8);
        assert_split_identical(&b, &format!("{name} flip at {at}"));
    }
    // A marker in the second half, and junk after the data.
    let mut b = full.clone();
    let mid = full.len() * 3 / 4;
    b[mid] = 0xFF;
    b[mid + 1] = 0xD3;
    assert_split_identical(&b, "restart marker in the second half");
    let mut b = full[..full.len() - 2].to_vec();
    b.extend(std::iter::repeat_n(0x5Au8, 50_000));
    b.extend([0xFF, 0xD9]);
    assert_split_identical(&b, "junk before EOI");
    // The same damage with every chunk left to the helper: a broken link between two
    // chunks must leave the in-order decoder to go on alone from the lower one.
    split::HELPER_TAKES_ALL.with(|w| w.set(true));
    let mut rng = Lcg(4242);
    for i in 0..24 {
        let mut b = full.clone();
        let start = full.len() / 8;
        let at = start + rng.below((full.len() - start) as u32) as usize;
        if i % 2 == 0 {
            b[at] ^= 1 << rng.below(8);
        } else {
            b.truncate(at);
        }
        assert_split_identical(&b, &format!("{name} all-helper, damage at {at}"));
    }
    split::HELPER_TAKES_ALL.with(|w| w.set(false));
}

#[test]
fn a_busy_helper_pool_leaves_the_scan_to_one_thread() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};
    let Some(pool) = split::pool() else {
        return; // One core: no helper to call off.
    };
    let (name, bytes) = baseline_photos()
        .into_iter()
        .min_by_key(|(_, b)| b.len())
        .unwrap();
    let alone = decode_quarter(&bytes, NO_LIMIT).unwrap().unwrap().frame;
    // Occupy every helper thread until this test's decode has called its helper off.
    let (started, release) = (
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicBool::new(false)),
    );
    let helpers = pool.current_num_threads();
    for _ in 0..helpers {
        let (started, release) = (started.clone(), release.clone());
        pool.spawn(move || {
            started.fetch_add(1, Ordering::SeqCst);
            while !release.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(1));
            }
        });
    }
    while started.load(Ordering::SeqCst) < helpers {
        std::thread::sleep(Duration::from_millis(1));
    }
    let me = std::thread::current().id();
    let called_off = move || split::CALLED_OFF_BY.lock().unwrap().contains(&me);
    let releaser = {
        let release = release.clone();
        std::thread::spawn(move || {
            // (A time limit, so a failure shows as a failed assertion, not a hang.)
            let until = Instant::now() + Duration::from_secs(20);
            while !called_off() && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(1));
            }
            release.store(true, Ordering::SeqCst);
        })
    };
    split::WAIT_FOR_HELPER.with(|w| w.set(false));
    let adopted = split::ADOPTED.with(|a| a.get());
    let two = decode_quarter_with(&bytes, &TWO).unwrap().unwrap().frame;
    releaser.join().unwrap();
    assert!(called_off(), "{name}: the helper was not called off");
    assert_eq!(split::ADOPTED.with(|a| a.get()), adopted, "{name}");
    assert_eq!(two, alone, "{name}: one thread alone differs");
}

#[test]
fn short_scans_stay_on_one_thread() {
    let bytes = moz_encode(100, 75, Sub::S420, false, 90.0);
    assert_eq!(assert_split_identical(&bytes, "100x75"), 0);
}

/// `store_block` adds the DC as 2·q in 1/16 steps (quantiser / 8 per unit) from the latched
/// quantiser; `quarter_weights`, which defines the 2×2 means for every coefficient, must
/// give the DC exactly that (in f32) for every quantiser a table holds.
#[test]
fn quarter_dc_weight_is_exactly_an_eighth_of_the_quantiser() {
    for q in [1u16, 2, 3, 7, 16, 99, 255, 1000, 32_767, 65_535] {
        let w = quarter_weights(&[q; 64]);
        for (o, &x) in w[0].iter().enumerate() {
            assert_eq!(x * 16.0, f32::from(q) * 2.0, "q {q}, sample {o}");
            assert_eq!((x * 16.0) as i64, 2 * i64::from(q), "q {q}, sample {o}");
        }
    }
}
