//! The QR image of a guest's door code: a PNG for email (clients do not show SVG or data URIs,
//! so it travels as an inline part referenced by `cid:`) and an SVG for the RSVP page.
use qrcode::{EcLevel, QrCode};

/// Pixels per QR module in the PNG: a 29-module code (version 1 plus the quiet zone) becomes
/// 232 px, sharp on a phone held up at the door.
const SCALE: usize = 8;
/// Modules of white border around the code, as the standard asks.
const QUIET: usize = 4;

fn code(text: &str) -> QrCode {
    // a door code is a handful of characters: it always fits, at any level
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .expect("a short text always fits in a QR code")
}

/// The code as a 1-bit grayscale PNG with a quiet zone: one bit per pixel is an eighth of the
/// bytes to compress that 8-bit pixels were, and every mail client shows it. Each pixel row is
/// stored as its difference from the row above (`Up`: seven of every eight rows are all zeros)
/// and compressed with png's fast encoder (fdeflate). `Best` (miniz_oxide, which first zeroes
/// some hundred kilobytes of tables) took about 350 µs per image and was a fifth of an answer's
/// CPU; `Fast` with `Up` takes about 15 µs, for an image of about a kilobyte instead of 150 bytes.
pub fn png(text: &str) -> Vec<u8> {
    let qr = code(text);
    let modules = qr.width();
    let dark = qr.to_colors();
    let side = (modules + 2 * QUIET) * SCALE;
    let row_bytes = side.div_ceil(8);
    // 1 is white: start all white, clear the bits of dark modules
    let mut pixels = vec![0xffu8; row_bytes * side];
    for (i, color) in dark.iter().enumerate() {
        if *color != qrcode::Color::Dark {
            continue;
        }
        let (mx, my) = (i % modules + QUIET, i / modules + QUIET);
        for y in my * SCALE..(my + 1) * SCALE {
            for x in mx * SCALE..(mx + 1) * SCALE {
                pixels[y * row_bytes + x / 8] &= !(0x80 >> (x % 8));
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::One);
        encoder.set_compression(png::Compression::Fast);
        encoder.set_filter(png::FilterType::Up);
        encoder.set_adaptive_filter(png::AdaptiveFilterType::NonAdaptive);
        let mut writer = encoder
            .write_header()
            .expect("writing to a Vec cannot fail");
        writer
            .write_image_data(&pixels)
            .expect("the pixel buffer has the declared size");
    }
    out
}

/// The code as an inline `<svg>` element (no XML declaration), `size` px square: a white square
/// and one path with a rectangle per run of dark modules in a row. (qrcode's own renderer wrote
/// a path command per module with `format!`; on a guest's page it cost more than the rest.)
pub fn svg(text: &str, size: u32) -> String {
    use std::fmt::Write;
    let qr = code(text);
    let modules = qr.width();
    let dark = qr.to_colors();
    let side = modules + 2 * QUIET;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{size}\" \
         height=\"{size}\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\""
    );
    for (y, row) in dark.chunks(modules).enumerate() {
        let mut x = 0;
        while x < modules {
            if row[x] != qrcode::Color::Dark {
                x += 1;
                continue;
            }
            let start = x;
            while x < modules && row[x] == qrcode::Color::Dark {
                x += 1;
            }
            let _ = write!(
                out,
                "M{} {}h{}v1h-{}z",
                start + QUIET,
                y + QUIET,
                x - start,
                x - start
            );
        }
    }
    out.push_str("\"/></svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_png_is_a_square_grayscale_image_with_dark_and_light_pixels() {
        let bytes = png("ABCD-EFGH");
        let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        // one bit per pixel in the file, widened to a byte per pixel here
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().expect("a PNG");
        let mut buffer = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buffer).expect("one frame");
        assert_eq!(info.width, info.height);
        assert_eq!(info.width as usize, (21 + 2 * QUIET) * SCALE);
        assert_eq!(info.color_type, png::ColorType::Grayscale);
        let pixels = &buffer[..info.buffer_size()];
        assert_eq!(pixels[0], 255, "the quiet zone is white");
        let top_left_finder = (QUIET * SCALE) * info.width as usize + QUIET * SCALE;
        assert_eq!(pixels[top_left_finder], 0, "a finder pattern starts dark");
    }

    #[test]
    fn the_svg_is_an_element_without_an_xml_declaration() {
        let image = svg("ABCD-EFGH", 200);
        assert!(image.starts_with("<svg"), "{image}");
        assert!(!image.contains("<?xml"));
        assert!(image.contains("width=\"200\""), "200 px: {image:.120}");
    }

    #[test]
    fn the_svg_draws_exactly_the_dark_modules_of_the_code() {
        let image = svg("ABCD-EFGH", 200);
        let qr = code("ABCD-EFGH");
        let modules = qr.width();
        let side = modules + 2 * QUIET;
        let mut drawn = vec![false; side * side];
        let path = image
            .split(" d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        for rect in path.split('z').filter(|r| !r.is_empty()) {
            // "M{x} {y}h{w}v1h-{w}"
            let rest = rect.strip_prefix('M').unwrap();
            let (x, rest) = rest.split_once(' ').unwrap();
            let (y, rest) = rest.split_once('h').unwrap();
            let (w, _) = rest.split_once('v').unwrap();
            let (x, y, w): (usize, usize, usize) =
                (x.parse().unwrap(), y.parse().unwrap(), w.parse().unwrap());
            for dx in 0..w {
                assert!(!drawn[y * side + x + dx], "no module is drawn twice");
                drawn[y * side + x + dx] = true;
            }
        }
        for (i, color) in qr.to_colors().iter().enumerate() {
            let (x, y) = (i % modules + QUIET, i / modules + QUIET);
            assert_eq!(
                drawn[y * side + x],
                *color == qrcode::Color::Dark,
                "module {x},{y}"
            );
        }
        let dark = qr
            .to_colors()
            .iter()
            .filter(|c| **c == qrcode::Color::Dark)
            .count();
        assert_eq!(
            drawn.iter().filter(|d| **d).count(),
            dark,
            "the quiet zone stays white"
        );
    }
}
