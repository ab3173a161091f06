//! The QR image of a guest's door code: a PNG for email (clients do not show SVG or data URIs,
//! so it travels as an inline part referenced by `cid:`) and an SVG for the RSVP page.
use qrcode::render::svg;
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
/// bytes to compress that 8-bit pixels were (composing a confirmation spent most of its time in
/// the PNG encoder), and every mail client shows it.
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
        encoder.set_compression(png::Compression::Best);
        let mut writer = encoder
            .write_header()
            .expect("writing to a Vec cannot fail");
        writer
            .write_image_data(&pixels)
            .expect("the pixel buffer has the declared size");
    }
    out
}

/// The code as an inline `<svg>` element (no XML declaration), `size` px square.
pub fn svg(text: &str, size: u32) -> String {
    let image = code(text)
        .render::<svg::Color>()
        .min_dimensions(size, size)
        .quiet_zone(true)
        .build();
    match image.find("<svg") {
        Some(start) => image[start..].to_string(),
        None => image,
    }
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
        assert!(image.contains("width=\"2"), "at least 200 px: {image:.120}");
    }
}
