//! The length of an audio file, from its own headers: no decoding.

/// An M4A's length, from its movie header (`mvhd`): duration / time scale.
pub(super) fn m4a_duration(bytes: &[u8]) -> Option<i64> {
    let at = bytes.windows(4).position(|w| w == b"mvhd")? + 4;
    let be32 = |i: usize| {
        bytes
            .get(i..i + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as u64)
    };
    let be64 = |i: usize| {
        bytes
            .get(i..i + 8)
            .map(|b| u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
    };
    let (scale, duration) = match *bytes.get(at)? {
        0 => (be32(at + 12)?, be32(at + 16)?),
        1 => (be32(at + 20)?, be64(at + 24)?),
        _ => return None,
    };
    (scale > 0).then(|| (duration.saturating_mul(1000) / scale) as i64)
}

/// An MP3's length: from its Xing/Info frame count when it has one (VBR),
/// else from its first frame's bit rate (CBR).
pub(super) fn mp3_duration(bytes: &[u8]) -> Option<i64> {
    let mut at = 0usize;
    if bytes.starts_with(b"ID3") && bytes.len() > 10 {
        let size = bytes[6..10]
            .iter()
            .fold(0usize, |acc, b| (acc << 7) | usize::from(b & 0x7F));
        at = 10 + size;
    }
    // The first frame header: 11 sync bits.
    let start = (at..bytes.len().saturating_sub(4)).find(|&i| bytes[i] == 0xFF && bytes[i + 1] & 0xE0 == 0xE0)?;
    let h = &bytes[start..start + 4];
    let version = (h[1] >> 3) & 0x3; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
    let layer = (h[1] >> 1) & 0x3; // 1: layer III
    if layer != 1 || version == 1 {
        return None;
    }
    let mpeg1 = version == 3;
    const V1: [u32; 16] = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0];
    const V2: [u32; 16] = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0];
    let kbps = if mpeg1 { V1 } else { V2 }[usize::from(h[2] >> 4)];
    let rates: [u32; 3] = match version {
        3 => [44_100, 48_000, 32_000],
        2 => [22_050, 24_000, 16_000],
        _ => [11_025, 12_000, 8_000],
    };
    let rate = *rates.get(usize::from((h[2] >> 2) & 0x3))?;
    let samples_per_frame: u64 = if mpeg1 { 1152 } else { 576 };
    let mono = (h[3] >> 6) == 3;
    let side = match (mpeg1, mono) {
        (true, false) => 32,
        (true, true) | (false, false) => 17,
        (false, true) => 9,
    };
    let xing = start + 4 + side;
    if let Some(tag) = bytes.get(xing..xing + 12) {
        if (&tag[..4] == b"Xing" || &tag[..4] == b"Info") && tag[7] & 1 == 1 {
            let frames = u32::from_be_bytes([tag[8], tag[9], tag[10], tag[11]]) as u64;
            return Some((frames * samples_per_frame * 1000 / u64::from(rate)) as i64);
        }
    }
    if kbps == 0 {
        return None;
    }
    Some(((bytes.len() - start) as u64 * 8 / u64::from(kbps)) as i64)
}
