//! The report's charts, drawn with plotters' SVG backend. Labels are SVG
//! text in a sans-serif face, so the reader's fonts render the Chinese; the
//! output depends only on the figures (byte-identical for the same data).

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::Lang;
use crate::analysis::rates::{RateRow, Verdict};
use crate::analysis::trend::TrendMonth;
use crate::stats::funnel_limits;

const FONT: &str = "sans-serif";
const WIDTH: u32 = 760;

const ABOVE: RGBColor = RGBColor(26, 150, 65);
const BELOW: RGBColor = RGBColor(215, 48, 39);
const NOT_DISTINGUISHABLE: RGBColor = RGBColor(69, 117, 180);
const TOO_FEW: RGBColor = RGBColor(170, 170, 170);
const INK: RGBColor = RGBColor(40, 40, 40);
const BASELINE: RGBColor = RGBColor(120, 120, 120);

/// A drawing error, as text (the SVG backend writes to a string, so these
/// are layout errors that say which chart failed).
#[derive(Debug, thiserror::Error)]
#[error("cannot draw the {chart} chart: {message}")]
pub struct ChartError {
    chart: &'static str,
    message: String,
}

fn failed<E: std::fmt::Display>(chart: &'static str) -> impl Fn(E) -> ChartError {
    move |e| ChartError {
        chart,
        message: e.to_string(),
    }
}

pub fn verdict_colour(v: Verdict) -> RGBColor {
    match v {
        Verdict::Above => ABOVE,
        Verdict::Below => BELOW,
        Verdict::NotDistinguishable => NOT_DISTINGUISHABLE,
        Verdict::TooFew => TOO_FEW,
    }
}

fn percent(x: &f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// A named row for a chart: the region's name and its figures.
pub struct Named<'a> {
    pub name: String,
    pub row: &'a RateRow,
}

fn legend(
    area: &DrawingArea<SVGBackend, Shift>,
    lang: Lang,
    y: i32,
) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
    let entries = [
        Verdict::Above,
        Verdict::Below,
        Verdict::NotDistinguishable,
        Verdict::TooFew,
    ];
    let mut x = 12;
    for v in entries {
        let label = crate::render::format::verdict_label(v.code(), lang);
        area.draw(&Rectangle::new(
            [(x, y - 5), (x + 12, y + 7)],
            verdict_colour(v).filled(),
        ))?;
        area.draw(&Text::new(
            label.clone(),
            (x + 17, y - 5),
            (FONT, 13).into_font().color(&INK),
        ))?;
        // CJK glyphs are about one em wide; Latin about half.
        let ems: f64 = label
            .chars()
            .map(|c| if c.is_ascii() { 0.55 } else { 1.0 })
            .sum();
        x += 30 + (ems * 13.0) as i32;
    }
    Ok(())
}

/// Horizontal bars of the success rates with their 95% intervals, and the
/// baseline as a dashed line; one bar per row, in the order given.
pub fn rates_bars(rows: &[Named], baseline: f64, lang: Lang) -> Result<String, ChartError> {
    let fail = failed("success-rate");
    let n = rows.len().max(1) as i32;
    let height = 90 + 24 * n as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(&fail)?;
        let (top, chart_area) = root.split_vertically(28);
        legend(&top, lang, 14).map_err(&fail)?;
        let names: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
        // Row 0 at the top: segment n-1-i holds row i.
        let label_of = |v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(i) => names
                .get((n - 1 - *i) as usize)
                .cloned()
                .unwrap_or_default(),
            _ => String::new(),
        };
        let mut chart = ChartBuilder::on(&chart_area)
            .margin_right(20)
            .margin_bottom(6)
            .x_label_area_size(28)
            .y_label_area_size(96)
            .build_cartesian_2d(0f64..1f64, (0..n).into_segmented())
            .map_err(&fail)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_labels(11)
            .x_label_formatter(&percent)
            .y_labels(n as usize)
            .y_label_formatter(&label_of)
            .label_style((FONT, 13).into_font().color(&INK))
            .light_line_style(TRANSPARENT)
            .draw()
            .map_err(&fail)?;
        for (i, named) in rows.iter().enumerate() {
            let y = n - 1 - i as i32;
            let r = named.row;
            let colour = verdict_colour(r.verdict);
            if let Some(rate) = r.success_rate {
                let mut bar = Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(y)),
                        (rate, SegmentValue::Exact(y + 1)),
                    ],
                    colour.mix(0.85).filled(),
                );
                bar.set_margin(4, 4, 0, 0);
                chart.draw_series(std::iter::once(bar)).map_err(&fail)?;
            }
            if let (Some(rate), Some((lo, hi))) = (r.success_rate, r.ci) {
                chart
                    .draw_series(std::iter::once(ErrorBar::new_horizontal(
                        SegmentValue::CenterOf(y),
                        lo,
                        rate,
                        hi,
                        INK.stroke_width(1),
                        8,
                    )))
                    .map_err(&fail)?;
            }
            let text = match r.success_rate {
                Some(rate) => format!(
                    "{}  (n={})",
                    crate::render::format::percent(rate),
                    r.decided
                ),
                None => format!("—  (n={})", r.decided),
            };
            // Right of the whisker, or left of it when it reaches the edge.
            let (lo, hi) = r.ci.unwrap_or((0.0, r.success_rate.unwrap_or(0.0)));
            let (x, anchor) = if hi <= 0.84 {
                (hi + 0.01, HPos::Left)
            } else {
                (lo - 0.01, HPos::Right)
            };
            chart
                .draw_series(std::iter::once(Text::new(
                    text,
                    (x, SegmentValue::CenterOf(y)),
                    (FONT, 12)
                        .into_font()
                        .color(&INK)
                        .pos(Pos::new(anchor, VPos::Center)),
                )))
                .map_err(&fail)?;
        }
        chart
            .draw_series(std::iter::once(DashedPathElement::new(
                vec![
                    (baseline, SegmentValue::Exact(0)),
                    (baseline, SegmentValue::Exact(n)),
                ],
                6,
                4,
                BASELINE.stroke_width(2),
            )))
            .map_err(&fail)?;
        root.present().map_err(&fail)?;
    }
    Ok(svg)
}

/// Spiegelhalter's funnel plot: each region's success rate against its
/// number of decided cases, with the 95% (dashed) and 99.8% (solid) exact
/// binomial control limits around the baseline.
pub fn funnel_plot(rows: &[Named], baseline: f64, lang: Lang) -> Result<String, ChartError> {
    let fail = failed("funnel");
    let largest = rows
        .iter()
        .map(|r| r.row.decided)
        .max()
        .unwrap_or(0)
        .max(10);
    let x_max = (largest as f64 * 1.1).ceil();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 500)).into_drawing_area();
        root.fill(&WHITE).map_err(&fail)?;
        let (top, chart_area) = root.split_vertically(28);
        legend(&top, lang, 14).map_err(&fail)?;
        let (x_desc, y_desc) = match lang {
            Lang::Zh => ("计入分母的案件数", "调解成功率"),
            Lang::En => ("decided cases", "success rate"),
        };
        let mut chart = ChartBuilder::on(&chart_area)
            .margin_right(24)
            .margin_bottom(6)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..x_max, 0f64..1f64)
            .map_err(&fail)?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .y_labels(11)
            .y_label_formatter(&percent)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .label_style((FONT, 13).into_font().color(&INK))
            .axis_desc_style((FONT, 13).into_font().color(&INK))
            .light_line_style(TRANSPARENT)
            .draw()
            .map_err(&fail)?;

        // Limits at ~200 case counts from 1 to the axis end.
        let steps = 200u64;
        let mut ns: Vec<u64> = (0..=steps)
            .map(|i| 1 + ((x_max - 1.0) * i as f64 / steps as f64).round() as u64)
            .collect();
        ns.dedup();
        for (coverage, dashed) in [(0.95, true), (0.998, false)] {
            let limits: Vec<(f64, f64, f64)> = ns
                .iter()
                .filter_map(|&n| {
                    funnel_limits(n, baseline, coverage).map(|(lo, hi)| (n as f64, lo, hi))
                })
                .collect();
            for upper in [false, true] {
                let line: Vec<(f64, f64)> = limits
                    .iter()
                    .map(|&(n, lo, hi)| (n, if upper { hi } else { lo }))
                    .collect();
                if dashed {
                    chart
                        .draw_series(std::iter::once(DashedPathElement::new(
                            line,
                            5,
                            4,
                            BASELINE.stroke_width(1),
                        )))
                        .map_err(&fail)?;
                } else {
                    chart
                        .draw_series(LineSeries::new(line, BASELINE.stroke_width(1)))
                        .map_err(&fail)?;
                }
            }
        }
        chart
            .draw_series(LineSeries::new(
                vec![(0.0, baseline), (x_max, baseline)],
                BASELINE.stroke_width(2),
            ))
            .map_err(&fail)?;
        // Points first, then labels placed where they overlap no label
        // already placed (天门 and 仙桃 sit close together).
        let mut placed: Vec<LabelBox> = Vec::new();
        let points: Vec<(&Named, (f64, f64))> = rows
            .iter()
            .filter_map(|n| Some((n, (n.row.decided as f64, n.row.success_rate?))))
            .collect();
        for (named, point) in &points {
            let colour = verdict_colour(named.row.verdict);
            chart
                .draw_series(std::iter::once(Circle::new(*point, 5, colour.filled())))
                .map_err(&fail)?;
            placed.push(LabelBox::around(chart.backend_coord(point), 6, 6));
        }
        for (named, point) in &points {
            let at = chart.backend_coord(point);
            let (w, h) = label_size(&named.name, 12);
            let (dx, dy) = label_offset(at, (w, h), &mut placed);
            // A label pushed away from its point is tied to it by a line
            // to the nearest point of its box.
            let near = (0.clamp(dx, dx + w), 0.clamp(dy, dy + h));
            let leader = match near.0 * near.0 + near.1 * near.1 > 10 * 10 {
                true => vec![(0, 0), near],
                false => Vec::new(),
            };
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at(*point)
                        + PathElement::new(leader, BASELINE.mix(0.6).stroke_width(1))
                        + Text::new(
                            named.name.clone(),
                            (dx, dy),
                            (FONT, 12).into_font().color(&INK),
                        ),
                ))
                .map_err(&fail)?;
        }
        root.present().map_err(&fail)?;
    }
    Ok(svg)
}

/// A label's box in pixels: left, top, right, bottom.
#[derive(Debug, Clone, Copy, PartialEq)]
struct LabelBox(i32, i32, i32, i32);

impl LabelBox {
    fn around((x, y): (i32, i32), half_w: i32, half_h: i32) -> LabelBox {
        LabelBox(x - half_w, y - half_h, x + half_w, y + half_h)
    }

    #[cfg(test)]
    fn overlaps(&self, o: &LabelBox) -> bool {
        self.clash(o) > 0
    }

    /// How much two boxes overlap, counting a few pixels of margin side by
    /// side (two labels touching read as one name: 孝感恩施州).
    fn clash(&self, o: &LabelBox) -> i32 {
        let pad = 4;
        let w = (self.2 + pad).min(o.2 + pad) - self.0.max(o.0);
        let h = self.3.min(o.3) - self.1.max(o.1);
        if w > 0 && h > 0 { w * h } else { 0 }
    }
}

/// The size in pixels of a label at a font size: wide (CJK) characters a
/// full em, others about half.
fn label_size(text: &str, size: i32) -> (i32, i32) {
    let width: i32 = text
        .chars()
        .map(|c| {
            if c.is_ascii() {
                size * 6 / 10
            } else {
                size + 1
            }
        })
        .sum();
    // CJK glyphs stand taller than the font size in most fonts.
    (width, size + 6)
}

/// Where a label goes relative to its point (the offset of its top-left
/// corner): the first of right, left, above, below and the diagonals whose
/// box overlaps nothing placed, else the one overlapping least. The
/// chosen box joins `placed`.
fn label_offset(at: (i32, i32), (w, h): (i32, i32), placed: &mut Vec<LabelBox>) -> (i32, i32) {
    // Nearest first: beside, above, below, the diagonals; then further out.
    let mut candidates = Vec::new();
    for gap in [7, 16] {
        candidates.extend([
            (gap, -h / 2),
            (-gap - w, -h / 2),
            (-w / 2, -gap - h + 2),
            (-w / 2, gap - 2),
            (gap - 2, -gap - h + 4),
            (gap - 2, gap - 4),
            (-gap - w + 2, -gap - h + 4),
            (-gap - w + 2, gap - 4),
        ]);
    }
    let boxed = |(dx, dy): (i32, i32)| LabelBox(at.0 + dx, at.1 + dy, at.0 + dx + w, at.1 + dy + h);
    let clash = |b: &LabelBox| placed.iter().map(|p| p.clash(b)).sum::<i32>();
    // The least overlap; the nearest of equals (min_by_key keeps the first).
    let best = candidates
        .iter()
        .copied()
        .min_by_key(|&c| clash(&boxed(c)))
        .unwrap_or((7, -h / 2));
    placed.push(boxed(best));
    best
}

/// A line of monthly rates, broken where a month has no rate.
fn segments(points: impl Iterator<Item = (i32, Option<f64>)>) -> Vec<Vec<(i32, f64)>> {
    let mut out: Vec<Vec<(i32, f64)>> = vec![Vec::new()];
    for (x, y) in points {
        match y {
            Some(y) => out.last_mut().expect("never empty").push((x, y)),
            None if out.last().is_some_and(|s| !s.is_empty()) => out.push(Vec::new()),
            None => {}
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// The province's monthly success rate with its 95% intervals, and the
/// monthly rates of the highlighted regions (those judged below the
/// baseline in the report period) in red.
pub fn trend_chart(
    months: &[TrendMonth],
    highlighted: &[(u32, String)],
    baseline: f64,
    lang: Lang,
) -> Result<String, ChartError> {
    let fail = failed("trend");
    let n = months.len() as i32;
    let labels: Vec<String> = months.iter().map(|m| m.month.clone()).collect();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 400)).into_drawing_area();
        root.fill(&WHITE).map_err(&fail)?;
        let (top, chart_area) = root.split_vertically(28);
        let province = match lang {
            Lang::Zh => "全省（95%区间）",
            Lang::En => "province (95% interval)",
        };
        top.draw(&PathElement::new(
            vec![(12, 14), (34, 14)],
            NOT_DISTINGUISHABLE.stroke_width(3),
        ))
        .map_err(&fail)?;
        top.draw(&Text::new(
            province,
            (40, 8),
            (FONT, 13).into_font().color(&INK),
        ))
        .map_err(&fail)?;
        if !highlighted.is_empty() {
            let below = match lang {
                Lang::Zh => "本期低于基线的市州",
                Lang::En => "prefectures below the baseline this period",
            };
            top.draw(&PathElement::new(
                vec![(250, 14), (272, 14)],
                BELOW.stroke_width(2),
            ))
            .map_err(&fail)?;
            top.draw(&Text::new(
                below,
                (278, 8),
                (FONT, 13).into_font().color(&INK),
            ))
            .map_err(&fail)?;
        }
        let mut chart = ChartBuilder::on(&chart_area)
            .margin_right(70)
            .margin_bottom(6)
            .x_label_area_size(32)
            .y_label_area_size(50)
            .build_cartesian_2d(-1..n, 0f64..1f64)
            .map_err(&fail)?;
        let month_label = |x: &i32| {
            labels
                .get(usize::try_from(*x).unwrap_or(usize::MAX))
                .map(|m| m[2..].to_string())
                .unwrap_or_default()
        };
        chart
            .configure_mesh()
            .x_labels((n + 2) as usize)
            .x_label_formatter(&month_label)
            .y_labels(11)
            .y_label_formatter(&percent)
            .disable_x_mesh()
            .label_style((FONT, 12).into_font().color(&INK))
            .light_line_style(TRANSPARENT)
            .draw()
            .map_err(&fail)?;
        chart
            .draw_series(std::iter::once(DashedPathElement::new(
                vec![(-1, baseline), (n, baseline)],
                6,
                4,
                BASELINE.stroke_width(2),
            )))
            .map_err(&fail)?;
        for (code, name) in highlighted {
            let rates = months.iter().enumerate().map(|(i, m)| {
                let rate = m
                    .prefectures
                    .rows
                    .iter()
                    .find(|r| super::region_code(r) == Some(*code))
                    .and_then(|r| r.success_rate);
                (i as i32, rate)
            });
            let lines = segments(rates);
            for line in &lines {
                chart
                    .draw_series(LineSeries::new(
                        line.clone(),
                        BELOW.mix(0.7).stroke_width(1),
                    ))
                    .map_err(&fail)?;
            }
            if let Some(&last) = lines.last().and_then(|l| l.last()) {
                chart
                    .draw_series(std::iter::once(Text::new(
                        name.clone(),
                        last,
                        (FONT, 12)
                            .into_font()
                            .color(&BELOW)
                            .pos(Pos::new(HPos::Left, VPos::Center)),
                    )))
                    .map_err(&fail)?;
            }
        }
        for (i, m) in months.iter().enumerate() {
            if let (Some(rate), Some((lo, hi))) = (m.province.success_rate, m.province.ci) {
                chart
                    .draw_series(std::iter::once(ErrorBar::new_vertical(
                        i as i32,
                        lo,
                        rate,
                        hi,
                        NOT_DISTINGUISHABLE.stroke_width(1),
                        8,
                    )))
                    .map_err(&fail)?;
            }
        }
        let province_rates = months
            .iter()
            .enumerate()
            .map(|(i, m)| (i as i32, m.province.success_rate));
        for line in segments(province_rates) {
            chart
                .draw_series(LineSeries::new(
                    line.clone(),
                    NOT_DISTINGUISHABLE.stroke_width(3),
                ))
                .map_err(&fail)?;
            chart
                .draw_series(
                    line.iter()
                        .map(|&p| Circle::new(p, 4, NOT_DISTINGUISHABLE.filled())),
                )
                .map_err(&fail)?;
        }
        root.present().map_err(&fail)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_of_nearby_points_do_not_overlap() {
        // Two points 4 pixels apart, as 天门 and 仙桃 can be.
        let mut placed = vec![
            LabelBox::around((100, 100), 5, 5),
            LabelBox::around((104, 102), 5, 5),
        ];
        let size = label_size("天门市", 12);
        let first = label_offset((100, 100), size, &mut placed);
        let second = label_offset((104, 102), size, &mut placed);
        assert_ne!(first, second);
        let (a, b) = (placed[2], placed[3]);
        assert!(!a.overlaps(&b), "{a:?} {b:?}");
        assert!(!a.overlaps(&placed[1]) && !b.overlaps(&placed[0]));
    }

    #[test]
    fn lines_break_at_months_without_a_rate() {
        let points = [
            (0, Some(0.5)),
            (1, None),
            (2, Some(0.6)),
            (3, Some(0.7)),
            (4, None),
        ];
        assert_eq!(
            segments(points.into_iter()),
            vec![vec![(0, 0.5)], vec![(2, 0.6), (3, 0.7)]]
        );
    }
}
