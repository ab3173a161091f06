//! The reports' charts, drawn as SVG on the server with `plotters` (visible without JavaScript).
//! Each chart carries its text alternative (`role="img"`, `<title>` and `aria-label`); the page
//! shows a table with the same numbers beside it. Labels are SVG `<text>` that plotters escapes;
//! the alternative text is escaped here.
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const PRIMARY: RGBColor = RGBColor(0x2f, 0x5b, 0xd3);
const OK: RGBColor = RGBColor(0x06, 0x76, 0x47);
const INK: RGBColor = RGBColor(0x1c, 0x23, 0x30);
const MUTED: RGBColor = RGBColor(0x5b, 0x65, 0x77);
const FONT: &str = "sans-serif";

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Makes plotters' SVG scale with its box and names it for assistive technology.
fn accessible(svg: String, (width, height): (u32, u32), alt: &str) -> String {
    let alt = escape(alt);
    let root = format!(r#"<svg width="{width}" height="{height}" "#);
    let named = format!(
        r#"<svg class="chart-svg" role="img" aria-label="{alt}" preserveAspectRatio="xMinYMin meet" "#
    );
    let svg = svg.replacen(&root, &named, 1);
    match svg.find('>') {
        Some(end) => format!("{}<title>{alt}</title>{}", &svg[..=end], &svg[end + 1..]),
        None => svg,
    }
}

/// Horizontal bars, one per `(label, value)`, first at the top; each bar carries its value.
/// Used for the funnel and for per-rep figures.
pub fn bars(rows: &[(String, u64)], alt: &str) -> String {
    let size = (560u32, 48 + 40 * rows.len().max(1) as u32);
    let max = rows.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let n = rows.len();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
            root.fill(&WHITE)?;
            let label_width = rows
                .iter()
                .map(|(l, _)| l.chars().count() as u32 * 10 + 24)
                .max()
                .unwrap_or(60)
                .clamp(60, 200);
            let mut chart = ChartBuilder::on(&root)
                .margin(8)
                .margin_right(48)
                .x_label_area_size(30)
                .y_label_area_size(label_width)
                .build_cartesian_2d(
                    0u64..max + max / 10 + 1,
                    (0usize..n.max(1)).into_segmented(),
                )?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .set_tick_mark_size(LabelAreaPosition::Left, 0)
                .light_line_style(RGBColor(0xec, 0xee, 0xf2))
                .bold_line_style(RGBColor(0xdd, 0xe1, 0xe8))
                .axis_style(MUTED)
                .x_labels(6)
                .x_label_formatter(&|v| v.to_string())
                .y_label_formatter(&|v| match v {
                    // two spaces keep the name off the axis
                    SegmentValue::CenterOf(i) if *i < n => format!("{}  ", rows[n - 1 - *i].0),
                    _ => String::new(),
                })
                .label_style((FONT, 17).into_font().color(&INK))
                .draw()?;
            chart.draw_series(
                Histogram::horizontal(&chart)
                    .style(PRIMARY.filled())
                    .margin(8)
                    .data(rows.iter().enumerate().map(|(i, (_, v))| (n - 1 - i, *v))),
            )?;
            chart.draw_series(rows.iter().enumerate().map(|(i, (_, v))| {
                Text::new(
                    format!(" {v}"),
                    (*v, SegmentValue::CenterOf(n - 1 - i)),
                    (FONT, 17)
                        .into_font()
                        .color(&INK)
                        .pos(Pos::new(HPos::Left, VPos::Center)),
                )
            }))?;
            root.present()?;
            Ok(())
        })();
        if let Err(err) = drawn {
            tracing::error!(error = %err, "drawing a chart failed");
        }
    }
    accessible(svg, size, alt)
}

/// Two lines over months (`accepted` and `attended`), with a legend.
pub fn trend(points: &[(String, u64, u64)], legend: (&str, &str), alt: &str) -> String {
    let size = (560u32, 300u32);
    let n = points.len().max(1);
    let max = points
        .iter()
        .map(|(_, a, b)| (*a).max(*b))
        .max()
        .unwrap_or(0)
        .max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
            root.fill(&WHITE)?;
            let mut chart = ChartBuilder::on(&root)
                .margin(12)
                .margin_right(24)
                .x_label_area_size(34)
                .y_label_area_size(48)
                .build_cartesian_2d((0usize..n - 1).into_segmented(), 0u64..max + max / 10 + 1)?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .set_tick_mark_size(LabelAreaPosition::Bottom, 0)
                .light_line_style(RGBColor(0xec, 0xee, 0xf2))
                .bold_line_style(RGBColor(0xdd, 0xe1, 0xe8))
                .axis_style(MUTED)
                .y_labels(6)
                .x_label_formatter(&|v| match v {
                    SegmentValue::CenterOf(i) => {
                        points.get(*i).map(|p| p.0.clone()).unwrap_or_default()
                    }
                    _ => String::new(),
                })
                .label_style((FONT, 16).into_font().color(&INK))
                .draw()?;
            for (color, pick, name) in [(PRIMARY, 1usize, legend.0), (OK, 2usize, legend.1)] {
                let value = |p: &(String, u64, u64)| if pick == 1 { p.1 } else { p.2 };
                let line = points
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (SegmentValue::CenterOf(i), value(p)));
                chart
                    .draw_series(LineSeries::new(line, color.stroke_width(3)))?
                    .label(name)
                    .legend(move |(x, y)| {
                        PathElement::new([(x, y), (x + 18, y)], color.stroke_width(3))
                    });
                chart.draw_series(points.iter().enumerate().map(|(i, p)| {
                    Circle::new((SegmentValue::CenterOf(i), value(p)), 4, color.filled())
                }))?;
            }
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .background_style(WHITE.mix(0.9))
                .border_style(RGBColor(0xdd, 0xe1, 0xe8))
                .label_font((FONT, 16).into_font().color(&INK))
                .draw()?;
            root.present()?;
            Ok(())
        })();
        if let Err(err) = drawn {
            tracing::error!(error = %err, "drawing a chart failed");
        }
    }
    accessible(svg, size, alt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_chart_is_named_and_escapes_what_people_typed() {
        let svg = bars(
            &[
                ("Nominated".into(), 12),
                ("<script>alert(1)</script>".into(), 3),
            ],
            "Funnel: 12 nominated, \"3\" <attended>",
        );
        assert!(svg.starts_with(r#"<svg class="chart-svg" role="img" aria-label="Funnel: 12 nominated, &quot;3&quot; &lt;attended&gt;""#));
        assert!(svg.contains("<title>Funnel: 12 nominated"));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        // the first row is at the top: its label has the smaller y
        let y_of = |label: &str| -> f64 {
            let at = svg.find(label).unwrap();
            let text = svg[..at].rfind("<text").unwrap();
            let y = svg[text..].split("y=\"").nth(1).unwrap();
            y[..y.find('"').unwrap()].parse().unwrap()
        };
        assert!(y_of("Nominated") < y_of("&lt;script&gt;"));
    }

    #[test]
    fn one_bar_and_one_month_are_drawn_too() {
        let svg = bars(
            &[("Sam Sales".into(), 4)],
            "Attendees per rep. Sam Sales: 4.",
        );
        assert_eq!(
            svg.matches("<rect").count(),
            2,
            "the background and one bar: {svg}"
        );
        let svg = trend(
            &[("Nov 2026".into(), 6, 5)],
            ("Accepted", "Attended"),
            "trend",
        );
        assert_eq!(
            svg.matches("<circle").count(),
            2,
            "one point per line: {svg}"
        );
    }

    #[test]
    fn a_trend_with_no_events_still_draws_an_empty_named_chart() {
        let svg = trend(&[], ("Accepted", "Attended"), "No events in this range");
        assert!(svg.contains(r#"aria-label="No events in this range""#));
        assert!(svg.ends_with("</svg>\n") || svg.ends_with("</svg>"));
    }
}
