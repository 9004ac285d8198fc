//! What an upload is, whatever its name or `Content-Type` claim: the type is
//! read from the bytes and checked against an allow-list, then each kind is
//! made safe to serve. A photo is decoded (within a pixel limit), turned
//! upright, stripped of its metadata (EXIF, GPS) by re-encoding, and made
//! into the sizes apps choose from; a song or a document is kept as sent
//! once its structure is checked.

use std::io::Cursor;

use image::{DynamicImage, GenericImageView, ImageDecoder, ImageFormat, ImageReader};

use super::model::{Kind, NewMedia, Variant};

/// How long a song is, read from its own headers.
mod audio;

/// The widths made of every photo (never wider than the photo itself).
pub const WIDTHS: [u32; 4] = [320, 640, 1280, 1920];
const JPEG_QUALITY: u8 = 82;
const ORIGINAL_JPEG_QUALITY: u8 = 90;
const WEBP_QUALITY: f32 = 80.0;
const ORIGINAL_WEBP_QUALITY: f32 = 90.0;

/// Why an upload is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not one of the allowed types (what it looked like, if anything).
    Unsupported,
    /// An allowed type, but broken (a truncated JPEG, a ZIP that is not a
    /// document): the reason, in English.
    Invalid(String),
    /// A photo with more pixels than allowed (a decompression bomb, or just
    /// too big to resize here).
    TooManyPixels { width: u32, height: u32, limit: u64 },
}

/// What the bytes are: one of the allowed formats, by content.
pub fn sniff(bytes: &[u8]) -> Option<(Kind, &'static str)> {
    let format = match infer::get(bytes)?.extension() {
        "jpg" => "jpeg",
        "png" => "png",
        "webp" => "webp",
        "gif" => "gif",
        "mp3" => "mp3",
        // An M4A may call itself plain MP4: sound and no picture is a song.
        "m4a" | "mp4" if contains(bytes, b"soun") && !contains(bytes, b"vide") => "m4a",
        "pdf" => "pdf",
        "docx" => "docx",
        "xlsx" => "xlsx",
        // Office files whose first entries are not `word/` or `xl/`: the
        // central directory names every part.
        "zip" if contains(bytes, b"word/document.xml") => "docx",
        "zip" if contains(bytes, b"xl/workbook.xml") => "xlsx",
        "odt" => "odt",
        _ => return None,
    };
    let kind = match format {
        "jpeg" | "png" | "webp" | "gif" => Kind::Image,
        "mp3" | "m4a" => Kind::Audio,
        _ => Kind::Document,
    };
    Some((kind, format))
}

/// An upload made ready to store: the files to write and what was learnt.
#[derive(Debug)]
pub struct Processed {
    pub kind: Kind,
    pub format: &'static str,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub duration_ms: Option<i64>,
    pub placeholder: Option<String>,
    pub color: Option<String>,
    pub files: Vec<(Variant, Vec<u8>)>,
}

impl Processed {
    /// The row describing what was made from `size` bytes hashing to
    /// `sha256`, with the editor's words (alt, caption, credit).
    pub fn row(
        &self,
        sha256: String,
        size: usize,
        original_name: Option<String>,
        [alt, caption, credit]: [Option<String>; 3],
        stamp: &crate::changes::Stamp,
    ) -> NewMedia {
        let variants: Vec<&Variant> = self.files.iter().map(|(v, _)| v).collect();
        NewMedia {
            kind: self.kind.as_str().into(),
            mime_type: super::model::mime_of(self.format).into(),
            extension: variants.last().map(|v| v.extension().to_string()).unwrap_or_default(),
            sha256,
            size: size as i64,
            original_name,
            width: self.width.map(|w| w as i32),
            height: self.height.map(|h| h as i32),
            duration_ms: self.duration_ms,
            placeholder: self.placeholder.clone(),
            color: self.color.clone(),
            variants: serde_json::to_string(&variants).unwrap_or_else(|_| "[]".into()),
            alt,
            caption,
            credit,
            uploaded_by: stamp.by.user_id(),
            created_at: stamp.at,
            updated_at: stamp.at,
        }
    }
}

/// Checks and prepares an upload of the type [`sniff`] found. CPU-bound:
/// run it off the async workers.
pub fn process(bytes: &[u8], (kind, format): (Kind, &'static str), max_pixels: u64) -> Result<Processed, Refusal> {
    match kind {
        Kind::Image => image(bytes, format, max_pixels),
        Kind::Audio | Kind::Document => {
            check_structure(bytes, format)?;
            let duration_ms = match format {
                "m4a" => audio::m4a_duration(bytes),
                "mp3" => audio::mp3_duration(bytes),
                _ => None,
            };
            Ok(Processed {
                kind,
                format,
                width: None,
                height: None,
                duration_ms,
                placeholder: None,
                color: None,
                files: vec![(variant("original", format, None, bytes.len()), bytes.to_vec())],
            })
        }
    }
}

fn variant(name: &str, format: &str, size: Option<(u32, u32)>, bytes: usize) -> Variant {
    Variant {
        name: name.into(),
        format: format.into(),
        width: size.map(|s| s.0),
        height: size.map(|s| s.1),
        size: bytes as u64,
    }
}

/// The end of a file that says it is whole: a JPEG's end-of-image marker,
/// a ZIP's end of central directory, a PDF's `%%EOF`.
fn check_structure(bytes: &[u8], format: &str) -> Result<(), Refusal> {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    let whole = match format {
        "jpeg" => {
            let trimmed = trim_end(bytes, |b| b == 0 || b == b'\n' || b == b'\r');
            trimmed.ends_with(&[0xFF, 0xD9])
        }
        "pdf" => contains(tail, b"%%EOF"),
        "docx" | "xlsx" | "odt" => {
            // The end-of-central-directory record sits in the last 64 KiB + 22 bytes.
            let eocd = &bytes[bytes.len().saturating_sub(65_557)..];
            contains(eocd, b"PK\x05\x06")
        }
        _ => true,
    };
    if whole {
        Ok(())
    } else {
        Err(Refusal::Invalid(format!("the {format} file is truncated")))
    }
}

fn trim_end(bytes: &[u8], strip: impl Fn(u8) -> bool) -> &[u8] {
    let end = bytes.iter().rposition(|b| !strip(*b)).map_or(0, |i| i + 1);
    &bytes[..end]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn image_format(format: &str) -> ImageFormat {
    match format {
        "png" => ImageFormat::Png,
        "webp" => ImageFormat::WebP,
        "gif" => ImageFormat::Gif,
        _ => ImageFormat::Jpeg,
    }
}

fn image(bytes: &[u8], format: &'static str, max_pixels: u64) -> Result<Processed, Refusal> {
    check_structure(bytes, format)?;
    let broken = |e: image::ImageError| Refusal::Invalid(format!("the {format} image cannot be read: {e}"));
    // The header first: a bomb is refused before a pixel is decoded.
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), image_format(format))
        .into_dimensions()
        .map_err(broken)?;
    if width == 0 || height == 0 {
        return Err(Refusal::Invalid(format!("the {format} image has no pixels")));
    }
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(Refusal::TooManyPixels {
            width,
            height,
            limit: max_pixels,
        });
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    limits.max_alloc = Some(max_pixels.saturating_mul(16).max(64 << 20));
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format(format));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(broken)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(broken)?;
    picture.apply_orientation(orientation);
    let (width, height) = picture.dimensions();

    // The original, upright and without metadata. A GIF keeps its bytes (and
    // its animation): the format carries no EXIF. A JPEG that is already
    // upright loses its metadata segments and keeps its pixels as they were
    // coded (no second generation of loss, and a tenth of the time).
    let upright = orientation == image::metadata::Orientation::NoTransforms;
    let original = match format {
        "gif" => bytes.to_vec(),
        "jpeg" if upright => match strip_jpeg_metadata(bytes) {
            Some(stripped) => stripped,
            None => encode_jpeg(&picture, ORIGINAL_JPEG_QUALITY)?,
        },
        "png" => encode_png(&picture)?,
        "webp" => encode_webp(&picture, ORIGINAL_WEBP_QUALITY)?,
        _ => encode_jpeg(&picture, ORIGINAL_JPEG_QUALITY)?,
    };
    let original = (
        variant("original", format, Some((width, height)), original.len()),
        original,
    );

    // Each width from the next larger one: a large photo is read once.
    let mut files = Vec::new();
    let mut source = picture;
    for &w in WIDTHS.iter().rev() {
        if w >= width {
            continue;
        }
        let h = ((u64::from(height) * u64::from(w) + u64::from(width) / 2) / u64::from(width)).max(1) as u32;
        let smaller = source.resize_exact(w, h, image::imageops::FilterType::Triangle);
        let name = format!("w{w}");
        // WebP stops at 16383 pixels a side: a very tall photo's larger
        // widths are JPEG only.
        if let Ok(webp) = encode_webp(&smaller, WEBP_QUALITY) {
            files.push((variant(&name, "webp", Some((w, h)), webp.len()), webp));
        }
        let jpeg = encode_jpeg(&smaller, JPEG_QUALITY)?;
        files.push((variant(&name, "jpeg", Some((w, h)), jpeg.len()), jpeg));
        source = smaller;
    }
    // Smallest first, as `srcset` lists them, WebP before JPEG; the original last.
    files.sort_by_key(|(v, _)| (v.width, v.format != "webp"));
    files.push(original);
    let tiny = source.thumbnail(32, 32).to_rgba8();
    let placeholder = blurhash::encode(4, 3, tiny.width(), tiny.height(), tiny.as_raw()).ok();
    Ok(Processed {
        kind: Kind::Image,
        format,
        width: Some(width),
        height: Some(height),
        duration_ms: None,
        placeholder,
        color: Some(average_colour(&tiny)),
        files,
    })
}

/// A JPEG without its metadata: every segment but EXIF and XMP (APP1),
/// IPTC (APP13), the other application segments and comments is copied as
/// it is; the colour profile (APP2 `ICC_PROFILE`), JFIF (APP0) and Adobe
/// (APP14, which says how colours are coded) stay. `None` when the file's
/// structure cannot be followed (then it is re-encoded).
pub fn strip_jpeg_metadata(bytes: &[u8]) -> Option<Vec<u8>> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..2]);
    let mut at = 2;
    loop {
        // Markers may be padded with fill bytes (0xFF).
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        if bytes.get(at) != Some(&0xFF) {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        if marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            out.extend_from_slice(&bytes[at..at + 2]);
            at += 2;
            continue;
        }
        if marker == 0xD9 {
            out.extend_from_slice(&bytes[at..at + 2]);
            return Some(out);
        }
        let length = usize::from(u16::from_be_bytes([*bytes.get(at + 2)?, *bytes.get(at + 3)?]));
        if length < 2 {
            return None;
        }
        let end = at + 2 + length;
        let segment = bytes.get(at..end)?;
        if marker == 0xDA {
            // Start of scan: the coded image, and whatever follows it, as is.
            out.extend_from_slice(&bytes[at..]);
            return Some(out);
        }
        let payload = &segment[4..];
        let keep = match marker {
            0xE0 | 0xEE => true,
            0xE2 => payload.starts_with(b"ICC_PROFILE\0"),
            0xE1 | 0xE3..=0xED | 0xEF | 0xFE => false,
            _ => true,
        };
        if keep {
            out.extend_from_slice(segment);
        }
        at = end;
    }
}

fn average_colour(tiny: &image::RgbaImage) -> String {
    let (mut r, mut g, mut b, mut n) = (0u64, 0u64, 0u64, 0u64);
    for p in tiny.pixels() {
        let a = u64::from(p[3]);
        r += u64::from(p[0]) * a;
        g += u64::from(p[1]) * a;
        b += u64::from(p[2]) * a;
        n += a;
    }
    if n == 0 {
        return "#ffffff".into();
    }
    format!("#{:02x}{:02x}{:02x}", r / n, g / n, b / n)
}

/// Transparent pixels over white: JPEG has no alpha.
fn flattened(picture: &DynamicImage) -> image::RgbImage {
    if !picture.color().has_alpha() {
        return picture.to_rgb8();
    }
    let rgba = picture.to_rgba8();
    image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let p = rgba.get_pixel(x, y);
        let a = u16::from(p[3]);
        let over = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
        image::Rgb([over(p[0]), over(p[1]), over(p[2])])
    })
}

fn failed(what: &str) -> impl Fn(image::ImageError) -> Refusal + '_ {
    move |e| Refusal::Invalid(format!("making the {what} failed: {e}"))
}

fn encode_jpeg(picture: &DynamicImage, quality: u8) -> Result<Vec<u8>, Refusal> {
    let rgb = flattened(picture);
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&rgb)
        .map_err(failed("JPEG"))?;
    Ok(out)
}

fn encode_png(picture: &DynamicImage) -> Result<Vec<u8>, Refusal> {
    let mut out = Cursor::new(Vec::new());
    picture.write_to(&mut out, ImageFormat::Png).map_err(failed("PNG"))?;
    Ok(out.into_inner())
}

fn encode_webp(picture: &DynamicImage, quality: f32) -> Result<Vec<u8>, Refusal> {
    let (w, h) = picture.dimensions();
    let refused = |e: webp::WebPEncodingError| Refusal::Invalid(format!("making the WebP failed: {e:?}"));
    if w > 16_383 || h > 16_383 {
        return Err(Refusal::Invalid("a WebP is at most 16383 pixels a side".into()));
    }
    let memory = if picture.color().has_alpha() {
        let rgba = picture.to_rgba8();
        webp::Encoder::from_rgba(rgba.as_raw(), w, h).encode_simple(false, quality)
    } else {
        let rgb = picture.to_rgb8();
        webp::Encoder::from_rgb(rgb.as_raw(), w, h).encode_simple(false, quality)
    };
    Ok(memory.map_err(refused)?.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniffed(bytes: &[u8], max_pixels: u64) -> Result<Processed, Refusal> {
        process(bytes, sniff(bytes).ok_or(Refusal::Unsupported)?, max_pixels)
    }

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let picture = DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        }));
        encode_jpeg(&picture, 90).unwrap()
    }

    #[test]
    fn a_photo_gets_every_smaller_width_in_both_formats_and_never_a_larger_one() {
        let done = sniffed(&jpeg(1500, 1000), 50_000_000).unwrap();
        let names: Vec<String> = done
            .files
            .iter()
            .map(|(v, _)| format!("{}.{}", v.name, v.extension()))
            .collect();
        assert_eq!(
            names,
            [
                "w320.webp",
                "w320.jpg",
                "w640.webp",
                "w640.jpg",
                "w1280.webp",
                "w1280.jpg",
                "original.jpg"
            ]
        );
        let w640 = &done.files[2].0;
        assert_eq!((w640.width, w640.height), (Some(640), Some(427)));
        assert_eq!((done.width, done.height), (Some(1500), Some(1000)));
        assert!(done.placeholder.is_some());
    }

    #[test]
    fn a_truncated_jpeg_and_a_script_named_like_a_photo_are_refused() {
        let whole = jpeg(400, 300);
        let cut = &whole[..whole.len() / 2];
        assert!(matches!(sniffed(cut, 50_000_000), Err(Refusal::Invalid(_))));
        assert_eq!(
            sniffed(b"<?php system($_GET['c']); ?>", 50_000_000).unwrap_err(),
            Refusal::Unsupported
        );
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
        assert_eq!(sniffed(svg, 50_000_000).unwrap_err(), Refusal::Unsupported);
    }

    #[test]
    fn an_upright_jpeg_loses_its_metadata_and_keeps_its_pixels() {
        let plain = jpeg(64, 48);
        let mut tagged = plain[..2].to_vec();
        let exif = b"Exif\0\0II*\0\x08\0\0\0\0\0GPS 18.53N 105.71E";
        tagged.extend([0xFF, 0xE1]);
        tagged.extend(((exif.len() + 2) as u16).to_be_bytes());
        tagged.extend(exif);
        tagged.extend([0xFF, 0xFE, 0x00, 0x06]);
        tagged.extend(b"note");
        tagged.extend(&plain[2..]);
        let stripped = strip_jpeg_metadata(&tagged).unwrap();
        assert_eq!(
            stripped, plain,
            "exactly the photo as coded, without the EXIF and the comment"
        );
        let done = sniffed(&tagged, 50_000_000).unwrap();
        let original = &done.files.last().unwrap().1;
        assert_eq!(original, &plain);
    }

    #[test]
    fn the_pixel_limit_is_read_from_the_header() {
        let refused = sniffed(&jpeg(200, 100), 10_000).unwrap_err();
        assert_eq!(
            refused,
            Refusal::TooManyPixels {
                width: 200,
                height: 100,
                limit: 10_000
            }
        );
    }

    #[test]
    fn an_mp3_length_comes_from_its_bit_rate() {
        // MPEG-1 layer III, 128 kbit/s, 44.1 kHz, no CRC: 417-byte frames.
        let mut mp3 = Vec::new();
        for _ in 0..100 {
            mp3.extend_from_slice(&[0xFF, 0xFB, 0x90, 0x00]);
            mp3.extend(std::iter::repeat_n(0u8, 413));
        }
        let ms = audio::mp3_duration(&mp3).unwrap();
        assert!((2600..2620).contains(&ms), "{ms}");
    }
}
