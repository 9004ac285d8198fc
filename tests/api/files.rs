//! Files the tests upload, made here: photos of every allowed format (one
//! with EXIF orientation and GPS), a song of each format, documents of each
//! format, and the disguised files an attacker sends.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, RgbImage};

/// A photo with a pattern (so no two sizes are alike), in `format`.
pub fn photo(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let picture = DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 7 % 256) as u8, (y * 5 % 256) as u8, ((x + y) % 256) as u8])
    }));
    let mut out = Cursor::new(Vec::new());
    match format {
        ImageFormat::WebP => {
            let rgb = picture.to_rgb8();
            return webp::Encoder::from_rgb(rgb.as_raw(), width, height)
                .encode(80.0)
                .to_vec();
        }
        _ => picture.write_to(&mut out, format).unwrap(),
    }
    out.into_inner()
}

/// A JPEG that a phone took sideways, with where it was taken: EXIF
/// orientation 6 (turn 90° clockwise to view) and a GPS block.
pub fn phone_photo(width: u32, height: u32) -> Vec<u8> {
    let jpeg = photo(width, height, ImageFormat::Jpeg);
    // TIFF, little-endian: IFD0 with Orientation and a pointer to the GPS IFD.
    let mut tiff: Vec<u8> = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes());
    let entry = |tag: u16, kind: u16, count: u32, value: u32| {
        let mut e = Vec::new();
        e.extend(tag.to_le_bytes());
        e.extend(kind.to_le_bytes());
        e.extend(count.to_le_bytes());
        e.extend(value.to_le_bytes());
        e
    };
    // IFD0 at 8: 2 entries (2 + 24 bytes) + next-IFD offset (4): GPS IFD at 38.
    tiff.extend(2u16.to_le_bytes());
    tiff.extend(entry(0x0112, 3, 1, 6));
    tiff.extend(entry(0x8825, 4, 1, 38));
    tiff.extend(0u32.to_le_bytes());
    // GPS IFD at 38: GPSLatitudeRef "N" and GPSLongitudeRef "E" (inline ASCII).
    tiff.extend(2u16.to_le_bytes());
    tiff.extend(entry(0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0")));
    tiff.extend(entry(0x0003, 2, 2, u32::from_le_bytes(*b"E\0\0\0")));
    tiff.extend(0u32.to_le_bytes());
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(&tiff);
    app1.extend(b"GPS-SECRET-18.53N-105.71E");
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(app1);
    out.extend(&jpeg[2..]);
    out
}

/// MPEG-1 layer III frames at 128 kbit/s, 44.1 kHz: `frames` of 26 ms each.
pub fn mp3(frames: usize) -> Vec<u8> {
    let mut out = b"ID3\x03\0\0\0\0\0\0".to_vec();
    for i in 0..frames {
        out.extend([0xFF, 0xFB, 0x90, 0x00]);
        out.extend(std::iter::repeat_n((i % 251) as u8, 413));
    }
    out
}

/// An M4A (MPEG-4 audio) of `seconds`: `ftyp` and a movie header.
pub fn m4a(seconds: u32) -> Vec<u8> {
    let mut ftyp = b"\0\0\0\x18ftypM4A \0\0\0\0M4A isom".to_vec();
    let mut mvhd = Vec::new();
    mvhd.extend([0u8; 4]); // version 0, flags
    mvhd.extend(0u32.to_be_bytes()); // created
    mvhd.extend(0u32.to_be_bytes()); // modified
    mvhd.extend(1000u32.to_be_bytes()); // time scale
    mvhd.extend((seconds * 1000).to_be_bytes()); // duration
    mvhd.extend([0u8; 80]);
    let mut mvhd_box = ((mvhd.len() + 8) as u32).to_be_bytes().to_vec();
    mvhd_box.extend(b"mvhd");
    mvhd_box.extend(mvhd);
    let mut moov = ((mvhd_box.len() + 8) as u32).to_be_bytes().to_vec();
    moov.extend(b"moov");
    moov.extend(mvhd_box);
    ftyp.extend(moov);
    ftyp.extend(b"\0\0\0\x10mdatsoundsoun");
    ftyp
}

pub fn pdf(text: &str) -> Vec<u8> {
    format!(
        "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% {text}\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    .into_bytes()
}

/// A ZIP whose entries are stored (not compressed), as office files are
/// zipped: `(name, content)` in order.
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, content) in entries {
        let mut crc = flate2::Crc::new();
        crc.update(content);
        let offset = out.len() as u32;
        let header = |sig: &[u8], central: bool| {
            let mut h = sig.to_vec();
            if central {
                h.extend(20u16.to_le_bytes()); // made by
            }
            h.extend(20u16.to_le_bytes()); // needed
            h.extend(0u16.to_le_bytes()); // flags
            h.extend(0u16.to_le_bytes()); // stored
            h.extend(0u32.to_le_bytes()); // time, date
            h.extend(crc.sum().to_le_bytes());
            h.extend((content.len() as u32).to_le_bytes());
            h.extend((content.len() as u32).to_le_bytes());
            h.extend((name.len() as u16).to_le_bytes());
            h.extend(0u16.to_le_bytes()); // extra
            if central {
                h.extend([0u8; 8]); // comment, disk, internal attributes
                h.extend(0u32.to_le_bytes()); // external attributes
                h.extend(offset.to_le_bytes());
            }
            h.extend(name.as_bytes());
            h
        };
        out.extend(header(b"PK\x03\x04", false));
        out.extend(*content);
        central.extend(header(b"PK\x01\x02", true));
    }
    let at = out.len() as u32;
    out.extend(&central);
    out.extend(b"PK\x05\x06\0\0\0\0");
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(at.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

const CONTENT_TYPES: &[u8] =
    b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>";

pub fn docx() -> Vec<u8> {
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", b"<Relationships/>"),
        ("word/document.xml", b"<w:document>Quyet dinh 125</w:document>"),
    ])
}

pub fn xlsx() -> Vec<u8> {
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", b"<Relationships/>"),
        ("xl/workbook.xml", b"<workbook/>"),
    ])
}

pub fn odt() -> Vec<u8> {
    zip(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", b"<office:document-content/>"),
    ])
}

/// A PNG whose header claims 30,000 × 30,000 pixels (900 megapixels): a
/// decompression bomb, refused from its header before anything is decoded.
pub fn png_bomb() -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let chunk = |out: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        out.extend((data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        let mut both = kind.to_vec();
        both.extend(data);
        crc.update(&both);
        out.extend(&both);
        out.extend(crc.sum().to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend(30_000u32.to_be_bytes());
    ihdr.extend(30_000u32.to_be_bytes());
    ihdr.extend([8, 0, 0, 0, 0]); // 8-bit greyscale
    chunk(&mut out, b"IHDR", &ihdr);
    // Deflated zeros: a few KB that would inflate to 900 MB.
    let mut zeros = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut zeros, &vec![0u8; 1 << 20]).unwrap();
    chunk(&mut out, b"IDAT", &zeros.finish().unwrap());
    chunk(&mut out, b"IEND", b"");
    out
}

/// A `multipart/form-data` body: its `Content-Type` and bytes. Each part is
/// `(name, file name, bytes)`.
pub fn form(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "bantin-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, file, bytes) in parts {
        body.extend(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(file) => body.extend(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        body.extend(*bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
