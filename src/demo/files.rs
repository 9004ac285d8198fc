//! The demo's stand-ins for files: photos drawn here and silent songs,
//! stored through the media library as uploads are.

use super::*;

/// Puts an article's photos (named by the demo's paths, which no server
/// has) into the media library: a picture made for each, stored with its
/// variants, then named by `media_id` in the cover, the gallery and the body.
pub(super) fn photos_into_library(
    conn: &mut Conn,
    files: &crate::media::files::MediaFiles,
    stamp: &Stamp,
    article: &mut ArticleInput,
) -> Result<(), String> {
    let mut store = |image: &mut crate::media::refs::ImageInput, body: &mut Option<String>| -> Result<(), String> {
        let Some(path) = image.url.take().filter(|u| u.starts_with("/media/")) else {
            return Ok(());
        };
        let name = path.rsplit('/').next().unwrap_or("anh.jpg");
        let id = crate::media::store::ingest_blocking(conn, files, &demo_photo(name), name, stamp)?;
        let item = crate::media::store::find(conn, id)
            .map_err(|e| e.to_string())?
            .ok_or("the photo just stored is gone")?;
        if let Some(html) = body.as_mut() {
            *html = html.replace(&path, &item.original_path());
        }
        image.media_id = Some(id);
        Ok(())
    };
    if let Some(Some(cover)) = article.cover_image.as_mut() {
        store(cover, &mut article.body)?;
    }
    for image in article.images.iter_mut().flatten() {
        store(image, &mut article.body)?;
    }
    Ok(())
}

/// A 1600×1067 JPEG standing in for a news photo: a hall with a red
/// backdrop and rows of people, its light and colours varied by `name`.
pub fn demo_photo(name: &str) -> Vec<u8> {
    use image::{ImageEncoder, Rgb, RgbImage};
    let seed = name
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    let (width, height) = (1600u32, 1067u32);
    let tint = (seed % 60) as u8;
    let picture = RgbImage::from_fn(width, height, |x, y| {
        let band = y * 10 / height;
        let head = band >= 5 && ((x + (band * 37)) % 90 < 40) && (y % (height / 10)) < height / 16;
        match band {
            _ if head => Rgb([40 + tint / 3, 30, 28]),
            0..=1 => Rgb([200 - tint, 40 + tint / 2, 36]),
            2..=4 => Rgb([230 - (y / 12) as u8 % 40, 220 - tint, 200]),
            _ => Rgb([70 + (x / 40) as u8 % 30, 90 + tint, 120]),
        }
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .write_image(picture.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .map(|()| out)
        .unwrap_or_default()
}

/// A silent MP3 of `seconds` (MPEG-1 layer III, 32 kbit/s, 44.1 kHz), with
/// its title in an ID3v2 tag: the demo's stand-in for a recording.
pub fn silent_mp3(title: &str, seconds: u32) -> Vec<u8> {
    let mut frame = vec![0xFF, 0xFB, 0x10, 0xC4];
    frame.resize(104, 0); // 144 × 32000 / 44100 = 104 bytes a frame
    let mut text = vec![3u8]; // UTF-8
    text.extend(title.as_bytes());
    let mut tag = b"TIT2".to_vec();
    tag.extend((text.len() as u32).to_be_bytes());
    tag.extend([0, 0]);
    tag.extend(text);
    let size = tag.len() as u32;
    let mut out = b"ID3\x03\x00\x00".to_vec();
    out.extend([
        (size >> 21) as u8 & 0x7F,
        (size >> 14) as u8 & 0x7F,
        (size >> 7) as u8 & 0x7F,
        size as u8 & 0x7F,
    ]);
    out.extend(tag);
    let frames = (u64::from(seconds) * 44_100).div_ceil(1152);
    for _ in 0..frames {
        out.extend(&frame);
    }
    out
}
