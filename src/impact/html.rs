//! The impact as one self-contained HTML page: summary figures, and inline SVG charts of cost by
//! band before and after, the band transitions as a heat map, and the spread of gains and losses.
//!
//! No script, no external file: the page can be mailed or attached to consultation papers.
//! Every text from a rule set or a cohort is escaped.

use super::{Attribution, FamilyImpact, Impact, Side};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fmt::Write;

/// What the report is about.
#[derive(Debug, Clone)]
pub struct ReportTitle {
    /// e.g. `haringey-illustrative 2024-25 (illustrative)`
    pub base: String,
    pub proposed: String,
    /// The evaluation date, as written.
    pub on: String,
    /// The cohort file's name.
    pub cohort: String,
}

const BASE_COLOUR: &str = "#1d70b8";
const PROPOSED_COLOUR: &str = "#f47738";
const GAIN_COLOUR: &str = "#00703c";
const LOSS_COLOUR: &str = "#d4351c";

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// `1234567.8` as `£1,234,567.80` (negative with a minus sign).
fn money(a: Decimal) -> String {
    let text = super::text::pence(a.abs());
    let (whole, pence) = text.split_once('.').unwrap_or((&text, "00"));
    let grouped = crate::money::thousands(whole);
    let sign = if a.is_sign_negative() && !a.is_zero() {
        "−"
    } else {
        ""
    };
    format!("{sign}£{grouped}.{pence}")
}

fn signed(a: Decimal) -> String {
    if a > Decimal::ZERO {
        format!("+{}", money(a))
    } else {
        money(a)
    }
}

/// A decimal as a plain number for SVG geometry (display only: no money is computed here).
fn f(a: Decimal) -> f64 {
    a.to_string().parse().unwrap_or(0.0)
}

/// The whole report; `changes` are the rule changes with what each cost (see
/// [`attribute`](super::attribute)), listed when there are any.
pub fn report(impact: &Impact, title: &ReportTitle, changes: &[Attribution]) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Impact of {proposed}</title>
<style>
body {{ font-family: Arial, sans-serif; margin: 2rem auto; max-width: 68rem; color: #0b0c0c; padding: 0 1rem; }}
h1 {{ font-size: 1.8rem; margin-bottom: .3rem; }} h2 {{ margin-top: 2.5rem; border-bottom: 2px solid #b1b4b6; }}
.meta {{ color: #505a5f; }} .cards {{ display: flex; flex-wrap: wrap; gap: 1rem; margin: 1rem 0; }}
.card {{ border-left: 5px solid #1d70b8; background: #f3f2f1; padding: .6rem 1rem; min-width: 12rem; }}
.card b {{ display: block; font-size: 1.4rem; }} .gain {{ color: {GAIN_COLOUR}; }} .loss {{ color: {LOSS_COLOUR}; }}
table {{ border-collapse: collapse; margin: .5rem 0 1rem; }} td, th {{ border-bottom: 1px solid #b1b4b6; padding: .3rem .7rem; text-align: right; }}
th:first-child, td:first-child {{ text-align: left; }} figure {{ margin: 1rem 0; }} figcaption {{ font-weight: bold; margin-bottom: .3rem; }}
.charts {{ display: flex; flex-wrap: wrap; gap: 2rem; }}
</style></head><body>
<h1>Impact of {proposed}</h1>
<p class="meta">against {base}; every case evaluated on {on}; cohort {cohort}</p>
<div class="cards">
<div class="card">Profiles compared<b data-figure="compared">{compared}</b></div>
<div class="card">Cases changed<b data-figure="changed">{changed}</b></div>
<div class="card">Profiles refused<b data-figure="refused">{refused}</b></div>
</div>
"#,
        proposed = esc(&title.proposed),
        base = esc(&title.base),
        on = esc(&title.on),
        cohort = esc(&title.cohort),
        compared = impact.compared,
        changed = impact.changed,
        refused = impact.rejected.len(),
    );
    rule_changes(&mut h, impact, changes);
    refusals(&mut h, impact);
    for fam in &impact.families {
        family(&mut h, fam);
    }
    h.push_str("</body></html>\n");
    h
}

/// Each rule change with the cost it caused; they add up to the whole difference.
fn rule_changes(h: &mut String, impact: &Impact, changes: &[Attribution]) {
    if changes.is_empty() {
        return;
    }
    h.push_str(
        "<h2 id=\"rule-changes\">What changed in the rules</h2>\n<p>Each change applied to the \
         base rules in this order, and the cohort costed after each: what each change did, \
         after those before it. Together they make the whole difference.</p>\n\
         <table data-table=\"rule-changes\"><thead><tr><th scope=\"col\">Change</th>\
         <th scope=\"col\">Cost change</th><th scope=\"col\">Cases changed</th></tr></thead><tbody>\n",
    );
    for a in changes {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td data-value=\"{}\">{}</td><td>{}</td></tr>",
            esc(&a.words),
            super::text::pence(a.cost),
            signed(a.cost),
            crate::money::thousands(&a.cases.to_string())
        );
    }
    let total: Decimal = changes.iter().map(|a| a.cost).sum();
    let _ = writeln!(
        h,
        "</tbody><tfoot><tr><th scope=\"row\">All the changes</th>\
         <td data-figure=\"attributed-total\" data-value=\"{}\">{}</td>\
         <td>{} cases in all</td></tr></tfoot></table>",
        super::text::pence(total),
        signed(total),
        crate::money::thousands(&impact.changed.to_string())
    );
}

fn family(h: &mut String, fam: &FamilyImpact) {
    let name = esc(&fam.family);
    let _ = writeln!(h, "<h2 id=\"{name}\">{name}</h2>");
    if fam.has_amount {
        let diff = fam.cost_proposed - fam.cost_base;
        let class = if diff < Decimal::ZERO { "loss" } else { "gain" };
        let _ = write!(
            h,
            r#"<div class="cards" data-family="{name}">
<div class="card">Cost now<b data-figure="cost-base">{}</b></div>
<div class="card">Cost proposed<b data-figure="cost-proposed">{}</b></div>
<div class="card">Difference<b class="{class}" data-figure="cost-difference" data-value="{}">{}</b></div>
<div class="card">Gain<b class="gain" data-figure="gain">{}</b>{} in all</div>
<div class="card">Lose<b class="loss" data-figure="lose">{}</b>{} in all</div>
<div class="card">No change<b data-figure="stay">{}</b></div>
</div>
"#,
            money(fam.cost_base),
            money(fam.cost_proposed),
            super::text::pence(diff),
            signed(diff),
            fam.gain,
            signed(fam.gained),
            fam.lose,
            money(-fam.lost),
            fam.stay,
        );
    }
    h.push_str("<div class=\"charts\">\n");
    if fam.has_amount {
        cost_by_band(h, fam);
    }
    heat_map(h, fam);
    if fam.has_amount && !fam.deltas.is_empty() {
        spread(h, fam);
    }
    h.push_str("</div>\n");
    if fam.has_amount {
        by_band_setting(h, fam);
        movers(h, fam);
    }
}

/// Grouped bars: each band's cost now and proposed.
fn cost_by_band(h: &mut String, fam: &FamilyImpact) {
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
    h.push_str("</svg></figure>\n");
}

/// The transitions as a heat map: rows are bands now, columns bands proposed.
fn heat_map(h: &mut String, fam: &FamilyImpact) {
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
    h.push_str("</svg></figure>\n");
}

/// The spread of changes: how many cases changed by how much, in even steps.
fn spread(h: &mut String, fam: &FamilyImpact) {
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
        "<figure><figcaption>Gains (green) and losses (red): cases by size of change</figcaption>\n\
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
        "<text x=\"{left}\" y=\"{}\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n</svg></figure>\n",
        hgt - bottom + 16.0,
        signed(lo),
        left + 24.0 * BINS as f64,
        hgt - bottom + 16.0,
        signed(hi)
    );
}

fn by_band_setting(h: &mut String, fam: &FamilyImpact) {
    h.push_str(
        "<table><caption>Cost by band and setting</caption>\n\
         <tr><th>Band</th><th>Setting</th><th>Now</th><th>Proposed</th><th>Difference</th></tr>\n",
    );
    for ((band, setting), (b, p)) in &fam.by_band_setting {
        if b.is_zero() && p.is_zero() {
            continue;
        }
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(band),
            esc(setting),
            money(*b),
            money(*p),
            signed(*p - *b)
        );
    }
    h.push_str("</table>\n");
}

/// The first refused rows, so a reader sees why the cohort's figures leave them out.
fn refusals(h: &mut String, impact: &Impact) {
    if impact.rejected.is_empty() {
        return;
    }
    let shown = impact.rejected.len().min(super::REFUSALS_SHOWN);
    let _ = writeln!(
        h,
        "<table><caption>Rows refused (the first {shown} of {}), in no figure</caption>\n\
         <tr><th>Row</th><th>Case</th><th>Why</th></tr>",
        impact.rejected.len()
    );
    for (row, case_id, why) in impact.rejected.iter().take(shown) {
        let _ = writeln!(
            h,
            "<tr><td>{row}</td><td>{}</td><td>{}</td></tr>",
            esc(case_id.as_deref().unwrap_or("-")),
            esc(why)
        );
    }
    h.push_str("</table>\n");
}

fn movers(h: &mut String, fam: &FamilyImpact) {
    if fam.movers.is_empty() {
        return;
    }
    h.push_str(
        "<table><caption>Largest movers</caption>\n<tr><th>Row</th><th>Case</th><th>Band now</th>\
         <th>Band proposed</th><th>Now</th><th>Proposed</th><th>Change</th></tr>\n",
    );
    let band = |s: &Side| s.band.clone().unwrap_or_else(|| "-".into());
    let amount = |s: &Side| s.amount.map(money).unwrap_or_else(|| "-".into());
    for m in &fam.movers {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            m.row,
            esc(m.case_id.as_deref().unwrap_or("-")),
            esc(&band(&m.base)),
            esc(&band(&m.proposed)),
            amount(&m.base),
            amount(&m.proposed),
            signed(m.delta())
        );
    }
    h.push_str("</table>\n");
}
