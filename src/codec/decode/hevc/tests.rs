use super::*;

/// The `hvcC` of libheif's `hevc32.heif` (a 64x64 4:2:0 8-bit item, `ispe` 64x64, shown
/// as 32x32 through its `clap`): VPS, SPS, PPS.
const HVCC_32: &str = "0103700000000000000000001ef000fcfdf8f800000f03600001001840010c01ffff0370\
    0000030090000003000003001eba0240610001002a42010103700000030090000003000003001ea0208105\
    96eae4a6b9b8086830200000030320000003002162000100064401c173c089";

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// An MSB-first bit writer with Exp-Golomb codes, for made-up parameter sets.
#[derive(Default)]
struct Writer {
    bits: Vec<bool>,
}

impl Writer {
    fn u(&mut self, n: u32, v: u32) -> &mut Self {
        for i in (0..n).rev() {
            self.bits.push((v >> i) & 1 == 1);
        }
        self
    }

    fn ue(&mut self, v: u32) -> &mut Self {
        let code = u64::from(v) + 1;
        let len = 64 - code.leading_zeros();
        for _ in 1..len {
            self.bits.push(false);
        }
        for i in (0..len).rev() {
            self.bits.push((code >> i) & 1 == 1);
        }
        self
    }

    /// The RBSP bytes (zero-padded), with emulation-prevention bytes inserted, behind an
    /// SPS NAL header.
    fn sps_nal(&self) -> Vec<u8> {
        let mut rbsp = vec![0u8; self.bits.len().div_ceil(8)];
        for (i, &b) in self.bits.iter().enumerate() {
            if b {
                rbsp[i / 8] |= 0x80 >> (i % 8);
            }
        }
        let mut nal = vec![SPS << 1, 1];
        let mut zeros = 0;
        for b in rbsp {
            if zeros >= 2 && b <= 3 {
                nal.push(3);
                zeros = 0;
            }
            zeros = if b == 0 { zeros + 1 } else { 0 };
            nal.push(b);
        }
        nal
    }
}

/// A sequence parameter set with the given sub-layers, chroma format, size, window and
/// depths (everything after the depths left out: the parser stops there).
fn sps(sub_layers: u32, chroma: u32, w: u32, h: u32, window: bool, depth: u32) -> Vec<u8> {
    let mut wr = Writer::default();
    wr.u(4, 0).u(3, sub_layers).u(1, 1);
    // General profile/tier/level: all zero bits, so the emulation-prevention path runs.
    wr.u(32, 0).u(32, 0).u(32, 0);
    for _ in 0..sub_layers {
        wr.u(1, 1).u(1, 1); // profile and level present
    }
    if sub_layers > 0 {
        wr.u(2 * (8 - sub_layers), 0);
    }
    for _ in 0..sub_layers {
        wr.u(32, 0).u(32, 0).u(24, 0).u(8, 0); // 88 + 8 bits
    }
    wr.ue(0).ue(chroma);
    if chroma == 3 {
        wr.u(1, 0);
    }
    wr.ue(w).ue(h).u(1, u32::from(window));
    if window {
        wr.ue(1).ue(3).ue(0).ue(2);
    }
    wr.ue(depth - 8).ue(depth - 8);
    wr.u(8, 0xFF);
    wr.sps_nal()
}

#[test]
fn a_real_configuration_and_its_parameter_sets() {
    let config = Config::parse(&hex(HVCC_32)).unwrap();
    assert_eq!(config.length_size, 4);
    let types: Vec<_> = config.nals.iter().map(|n| nal_type(n)).collect();
    assert_eq!(types, [Some(32), Some(33), Some(34)]);
    let sps = Sps::parse(&config.nals[1]).unwrap();
    // One 64x64 coding block, no conformance window (the file crops with `clap`).
    assert_eq!(
        (sps.coded_width, sps.coded_height, sps.width, sps.height),
        (64, 64, 64, 64)
    );
    assert_eq!((sps.chroma, sps.depth), (Chroma::Yuv420, 8));
    assert_eq!(check_parameter_sets(&config, &[], (64, 64)), Ok(sps));
}

#[test]
fn made_up_parameter_sets_read_back() {
    for (sub_layers, chroma, w, h, window, depth, want) in [
        (0, 1, 4032, 3024, false, 8, Chroma::Yuv420),
        (2, 3, 512, 520, true, 10, Chroma::Yuv444),
        (7, 0, 64, 64, false, 12, Chroma::Mono),
        (1, 2, 16, 8, true, 9, Chroma::Yuv422),
    ] {
        let nal = sps(sub_layers, chroma, w, h, window, depth);
        let got = Sps::parse(&nal).unwrap_or_else(|e| panic!("{sub_layers} {chroma}: {e}"));
        // The window takes 1 + 3 chroma columns and 2 chroma rows.
        let (sx, sy) = [(1, 1), (2, 2), (2, 1), (1, 1)][chroma as usize];
        let (vw, vh) = if window {
            (w - 4 * sx, h - 2 * sy)
        } else {
            (w, h)
        };
        assert_eq!(
            got,
            Sps {
                coded_width: w,
                coded_height: h,
                width: vw,
                height: vh,
                chroma: want,
                depth: depth as u8,
                chroma_depth: depth as u8,
            }
        );
    }
}

#[test]
fn parameter_sets_are_held_to_the_item() {
    let check = |nal: Vec<u8>, size| Sps::parse(&nal).unwrap().check(size);
    // Coded sizes pad the picture to whole blocks.
    assert!(check(sps(0, 1, 4096, 3072, true, 8), (4032, 3024)).is_ok());
    // A tiny item whose stream codes a huge picture: refused before libde265 allocates.
    let err = check(sps(0, 1, 16384, 16384, false, 8), (64, 64)).unwrap_err();
    assert!(
        err.contains("16384x16384") && err.contains("64x64"),
        "{err}"
    );
    assert!(check(sps(0, 1, 0, 64, false, 8), (64, 64)).is_err());
    // A window larger than the picture.
    assert!(Sps::parse(&sps(0, 1, 4, 4, true, 8))
        .unwrap_err()
        .contains("wider"));
    assert!(check(sps(0, 1, 64, 64, false, 14), (64, 64))
        .unwrap_err()
        .contains("14-bit"));
    // An SPS in the item's own data is checked as well as the configuration's.
    let config = Config::parse(&hex(HVCC_32)).unwrap();
    let in_band = sps(0, 1, 8192, 8192, false, 8);
    assert!(check_parameter_sets(&config, &[&in_band], (64, 64)).is_err());
    let none = Config {
        length_size: 4,
        nals: Vec::new(),
    };
    assert!(check_parameter_sets(&none, &[], (32, 32))
        .unwrap_err()
        .contains("no sequence parameter set"));
}

#[test]
fn separate_colour_planes_and_bad_chroma_are_refused() {
    let mut wr = Writer::default();
    wr.u(4, 0).u(3, 0).u(1, 1).u(32, 0).u(32, 0).u(32, 0);
    wr.ue(0).ue(3).u(1, 1).ue(64).ue(64).u(8, 0xFF);
    assert!(Sps::parse(&wr.sps_nal()).unwrap_err().contains("separate"));
    let mut wr = Writer::default();
    wr.u(4, 0).u(3, 0).u(1, 1).u(32, 0).u(32, 0).u(32, 0);
    wr.ue(0).ue(4).ue(64).ue(64).u(8, 0xFF);
    assert!(Sps::parse(&wr.sps_nal())
        .unwrap_err()
        .contains("chroma format 4"));
    // Not an SPS at all, and one with a 33-bit Exp-Golomb code.
    assert!(Sps::parse(&[34 << 1, 1, 0xFF]).is_err());
    let mut wr = Writer::default();
    wr.u(4, 0)
        .u(3, 0)
        .u(1, 1)
        .u(32, 0)
        .u(32, 0)
        .u(32, 0)
        .u(32, 0)
        .u(8, 1);
    assert!(Sps::parse(&wr.sps_nal()).is_err());
}

#[test]
fn nal_units_split_by_their_length_prefix() {
    let data = [0, 0, 0, 2, 0xAA, 0xBB, 0, 0, 0, 1, 0xCC];
    assert_eq!(split(&data, 4).unwrap(), [&[0xAA, 0xBB][..], &[0xCC][..]]);
    assert_eq!(split(&[1, 7, 2, 8, 9], 1).unwrap(), [&[7][..], &[8, 9][..]]);
    assert!(split(&data[..10], 4).unwrap_err().contains("past the end"));
    assert!(split(&[0, 0], 4).unwrap_err().contains("cut off"));
    assert!(split(&[], 4).unwrap().is_empty());
}

#[test]
fn every_cut_of_a_configuration_is_an_error_not_a_panic() {
    let full = hex(HVCC_32);
    for n in 0..full.len() {
        assert!(Config::parse(&full[..n]).is_err(), "a cut at {n} parsed");
    }
    let mut v2 = full.clone();
    v2[0] = 2;
    assert!(Config::parse(&v2).unwrap_err().contains("version"));
    // A configuration claiming 255 arrays of 65535 units is bounded by its bytes.
    let mut many = full[..23].to_vec();
    many[22] = 255;
    many.extend([0x20, 0xFF, 0xFF]);
    assert!(Config::parse(&many).is_err());
}

#[cfg(not(feature = "heic"))]
#[test]
fn without_the_feature_hevc_is_a_clear_refusal() {
    let config = Config::parse(&hex(HVCC_32)).unwrap();
    let err = decode(&config, &[], (64, 64)).unwrap_err();
    assert!(err.contains("`heic` feature"), "{err}");
}
