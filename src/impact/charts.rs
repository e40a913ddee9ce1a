//! The impact report's charts, drawn as inline SVG, each with a table of the same figures for
//! people who cannot see it, and for print.

use super::html::{esc, f, money, signed, BASE_COLOUR, GAIN_COLOUR, LOSS_COLOUR, PROPOSED_COLOUR};
use super::FamilyImpact;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Grouped bars: each band's cost now and proposed.
pub(super) fn cost_by_band(h: &mut String, fam: &FamilyImpact) {
    let mut bands: BTreeMap<&str, (Decimal, Decimal)> = BTreeMap::new();
    for ((band, _), (b, p)) in &fam.by_band_setting {
        let e = bands.entry(band.as_str()).or_default();
        e.0 += *b;
        e.1 += *p;
    }
    bands.retain(|_, (b, p)| !(b.is_zero() && p.is_zero()));
    let top_amount = bands
        .values()
        .map(|(b, p)| (*b).max(*p))
        .max()
        .unwrap_or_default();
    let top = f(top_amount).max(1.0);
    let (w, hgt, left, bottom) = (40.0 * bands.len() as f64 + 90.0, 260.0, 80.0, 30.0);
    let plot = hgt - bottom - 20.0;
    let _ = write!(
        h,
        "<figure><figcaption>Cost by band: now (blue) and proposed (orange)</figcaption>\n\
         <svg role=\"img\" aria-label=\"cost by band now and proposed\" width=\"{w}\" height=\"{hgt}\" \
         viewBox=\"0 0 {w} {hgt}\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\">\n\
         <text x=\"4\" y=\"14\">{}</text><line x1=\"{left}\" y1=\"20\" x2=\"{left}\" y2=\"{}\" stroke=\"#505a5f\"/>\n",
        esc(&money(top_amount)),
        hgt - bottom
    );
    for (i, (band, (b, p))) in bands.iter().enumerate() {
        let x = left + 8.0 + 40.0 * i as f64;
        for (k, (v, colour)) in [(b, BASE_COLOUR), (p, PROPOSED_COLOUR)].iter().enumerate() {
            let bar = plot * f(**v) / top;
            let _ = writeln!(
                h,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"15\" height=\"{bar:.1}\" fill=\"{colour}\"><title>{} {}: {}</title></rect>",
                x + 16.0 * k as f64,
                hgt - bottom - bar,
                esc(band),
                if k == 0 { "now" } else { "proposed" },
                money(**v)
            );
        }
        let _ = writeln!(
            h,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            x + 15.5,
            hgt - bottom + 15.0,
            esc(band)
        );
    }
    h.push_str("</svg>\n");
    h.push_str(
        "<table class=\"chart-table\"><caption>Cost by band</caption>\n<thead><tr>\
         <th scope=\"col\">Band</th><th scope=\"col\">Now</th><th scope=\"col\">Proposed</th>\
         <th scope=\"col\">Difference</th></tr></thead><tbody>\n",
    );
    for (band, (b, p)) in &bands {
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(band),
            money(*b),
            money(*p),
            signed(*p - *b)
        );
    }
    h.push_str("</tbody></table></figure>\n");
}

/// The transitions as a heat map: rows are bands now, columns bands proposed.
pub(super) fn heat_map(h: &mut String, fam: &FamilyImpact) {
    let mut from: Vec<&str> = fam.transitions.keys().map(|(a, _)| a.as_str()).collect();
    let mut to: Vec<&str> = fam.transitions.keys().map(|(_, b)| b.as_str()).collect();
    from.sort_unstable();
    from.dedup();
    to.sort_unstable();
    to.dedup();
    let most = fam.transitions.values().copied().max().unwrap_or(1).max(1) as f64;
    let cell = 44.0;
    let (left, top) = (70.0, 40.0);
    let w = left + cell * to.len() as f64 + 10.0;
    let hgt = top + cell * from.len() as f64 + 10.0;
    let _ = write!(
        h,
        "<figure><figcaption>Band transitions: rows now, columns proposed (cases)</figcaption>\n\
         <svg role=\"img\" aria-label=\"band transitions\" width=\"{w}\" height=\"{hgt}\" viewBox=\"0 0 {w} {hgt}\" \
         xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\">\n"
    );
    for (j, b) in to.iter().enumerate() {
        let _ = writeln!(
            h,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            left + cell * (j as f64 + 0.5),
            top - 8.0,
            esc(b)
        );
    }
    for (i, a) in from.iter().enumerate() {
        let y = top + cell * i as f64;
        let _ = writeln!(
            h,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left - 8.0,
            y + cell / 2.0 + 4.0,
            esc(a)
        );
        for (j, b) in to.iter().enumerate() {
            let n = fam
                .transitions
                .get(&(a.to_string(), b.to_string()))
                .copied()
                .unwrap_or(0);
            // Shade by a logarithm of the count, so one mover still shows beside thousands.
            let shade = if n == 0 {
                0.0
            } else {
                0.15 + 0.85 * ((n as f64).ln_1p() / most.ln_1p())
            };
            let stroke = if a == b { "#0b0c0c" } else { "#ffffff" };
            let x = left + cell * j as f64;
            let text = if shade > 0.6 { "#ffffff" } else { "#0b0c0c" };
            let _ = writeln!(
                h,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{cell}\" height=\"{cell}\" fill=\"{BASE_COLOUR}\" \
                 fill-opacity=\"{shade:.3}\" stroke=\"{stroke}\"><title>{} to {}: {n}</title></rect>",
                esc(a),
                esc(b)
            );
            if n > 0 {
                let _ = writeln!(
                    h,
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{text}\">{n}</text>",
                    x + cell / 2.0,
                    y + cell / 2.0 + 4.0
                );
            }
        }
    }
    h.push_str("</svg>\n");
    // Printed, only the moves are shown: with none, the caption says so over no rows.
    let (class, caption) = if fam.transitions.keys().any(|(a, b)| a != b) {
        ("", "Band transitions")
    } else {
        (" unmoved", "Band transitions: no case changed band")
    };
    let _ = writeln!(
        h,
        "<table class=\"chart-table transitions{class}\"><caption>{caption}</caption>\n<thead><tr>\
         <th scope=\"col\">Band now</th><th scope=\"col\">Band proposed</th>\
         <th scope=\"col\">Cases</th></tr></thead><tbody>",
    );
    for ((a, b), n) in &fam.transitions {
        let moved = if a == b { "" } else { " class=\"moved\"" };
        let _ = writeln!(
            h,
            "<tr{moved}><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>",
            esc(a),
            esc(b),
            crate::money::thousands(&n.to_string())
        );
    }
    h.push_str("</tbody></table></figure>\n");
}

/// The spread of changes: how many cases changed by how much, in even steps.
pub(super) fn spread(h: &mut String, fam: &FamilyImpact) {
    let (Some(&lo), Some(&hi)) = (fam.deltas.keys().next(), fam.deltas.keys().next_back()) else {
        return;
    };
    const BINS: usize = 16;
    let step = ((hi - lo) / Decimal::from(BINS as u64)).max(Decimal::new(1, 2));
    let mut counts = [0u64; BINS];
    for (d, n) in &fam.deltas {
        let i = ((*d - lo) / step).floor();
        let i = usize::try_from(i.mantissa()).unwrap_or(0).min(BINS - 1);
        counts[i] += n;
    }
    let most = counts.iter().copied().max().unwrap_or(1).max(1);
    let (w, hgt, left, bottom) = (BINS as f64 * 24.0 + 60.0, 260.0, 50.0, 45.0);
    let plot = hgt - bottom - 20.0;
    let _ = write!(
        h,
        "<figure class=\"spread\"><figcaption>Gains (green) and losses (red): cases by size of change</figcaption>\n\
         <svg role=\"img\" aria-label=\"distribution of gains and losses\" width=\"{w}\" height=\"{hgt}\" \
         viewBox=\"0 0 {w} {hgt}\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\">\n\
         <text x=\"4\" y=\"14\">{most} cases</text>\n"
    );
    for (i, n) in counts.iter().enumerate() {
        let from = lo + step * Decimal::from(i as u64);
        let bar = plot * *n as f64 / most as f64;
        let colour = if from + step / Decimal::TWO < Decimal::ZERO {
            LOSS_COLOUR
        } else {
            GAIN_COLOUR
        };
        let _ = writeln!(
            h,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"22\" height=\"{bar:.1}\" fill=\"{colour}\"><title>{n} cases: {} to {}</title></rect>",
            left + 24.0 * i as f64,
            hgt - bottom - bar,
            signed(from.round_dp(2)),
            signed((from + step).round_dp(2))
        );
    }
    let _ = write!(
        h,
        "<text x=\"{left}\" y=\"{}\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n</svg>\n",
        hgt - bottom + 16.0,
        signed(lo),
        left + 24.0 * BINS as f64,
        hgt - bottom + 16.0,
        signed(hi)
    );
    h.push_str(
        "<table class=\"chart-table\"><caption>Cases by size of change</caption>\n<thead><tr>\
         <th scope=\"col\">From</th><th scope=\"col\">To</th><th scope=\"col\">Cases</th>\
         </tr></thead><tbody>\n",
    );
    for (i, n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
        let from = lo + step * Decimal::from(i as u64);
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>",
            signed(from.round_dp(2)),
            signed((from + step).round_dp(2)),
            crate::money::thousands(&n.to_string())
        );
    }
    h.push_str("</tbody></table></figure>\n");
}
