//! The impact as one self-contained HTML page: summary figures, and inline SVG charts of cost by
//! band before and after, the band transitions as a heat map, and the spread of gains and losses.
//!
//! No script, no external file: the page can be mailed or attached to consultation papers.
//! Every text from a rule set or a cohort is escaped.

use super::{Attribution, FamilyImpact, Impact, Side};
use crate::format::Manifest;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fmt::Write;

/// What the report is about.
#[derive(Debug, Clone)]
pub struct ReportTitle {
    /// The rule set's title, version and provenance, e.g. `Haringey-style SEND banding,
    /// academic year 2024-25 (2024-25, illustrative)`.
    pub base: String,
    pub proposed: String,
    /// The evaluation date, as written.
    pub on: String,
    /// The cohort file's name.
    pub cohort: String,
}

impl ReportTitle {
    /// The report on `proposed` against `base`, each named by title, version and provenance.
    pub fn of(base: &Manifest, proposed: &Manifest, on: crate::Date, cohort: &str) -> ReportTitle {
        let named = |m: &Manifest| format!("{} ({}, {})", m.title, m.version, m.provenance);
        ReportTitle {
            base: named(base),
            proposed: named(proposed),
            on: on.to_string(),
            cohort: cohort.to_string(),
        }
    }
}

pub(super) const BASE_COLOUR: &str = "#1d70b8";
pub(super) const PROPOSED_COLOUR: &str = "#f47738";
pub(super) const GAIN_COLOUR: &str = "#00703c";
pub(super) const LOSS_COLOUR: &str = "#d4351c";

pub(super) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// `1234567.8` as `£1,234,567.80` (negative with a minus sign).
pub(crate) fn money(a: Decimal) -> String {
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

/// `money`, with a plus sign for more.
pub(crate) fn signed(a: Decimal) -> String {
    if a > Decimal::ZERO {
        format!("+{}", money(a))
    } else {
        money(a)
    }
}

/// A decimal as a plain number for SVG geometry (display only: no money is computed here).
pub(super) fn f(a: Decimal) -> f64 {
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
.charts {{ display: flex; flex-wrap: wrap; gap: 2rem; }} caption {{ text-align: left; font-weight: bold; }}
@media print {{
  body {{ margin: 0; max-width: none; font-size: 9pt; }} h1 {{ font-size: 14pt; }} h2 {{ margin-top: .8rem; font-size: 12pt; }}
  .cards {{ gap: .4rem; margin: .4rem 0; }} .card {{ min-width: 8rem; padding: .2rem .5rem; }} .card b {{ font-size: 11pt; }}
  svg, figcaption, .spread, .band-setting, .by-group, .movers, .transitions tbody tr:not(.moved), .transitions.unmoved thead {{ display: none; }}
  .charts {{ gap: 1rem; }} figure {{ margin: .3rem 0; }} td, th {{ padding: .1rem .4rem; }} table {{ margin: .2rem 0; break-inside: avoid; }}
}}
</style></head><body><main>
<h1>Impact of {proposed}</h1>
<p class="meta">against {base}; every case evaluated on {on}; cohort {cohort}</p>
"#,
        proposed = esc(&title.proposed),
        base = esc(&title.base),
        on = esc(&title.on),
        cohort = esc(&title.cohort),
    );
    h.push_str(&figures(impact, changes));
    h.push_str("</main></body></html>\n");
    h
}

/// The report's figures, charts and tables without its page around them: what the policy
/// playground shows as an edit is made, so that it and `diff --report` are one rendering.
pub fn figures(impact: &Impact, changes: &[Attribution]) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        r#"<div class="cards">
<div class="card">Profiles compared<b data-figure="compared">{compared}</b></div>
<div class="card">Cases changed<b data-figure="changed">{changed}</b></div>
<div class="card">Profiles refused<b data-figure="refused">{refused}</b></div>
</div>
"#,
        compared = count(impact.compared),
        changed = count(impact.changed),
        refused = count(impact.rejected.len() as u64),
    );
    rule_changes(&mut h, impact, changes);
    refusals(&mut h, impact);
    for fam in &impact.families {
        family(&mut h, fam, &impact.setting_labels);
        by_group(&mut h, fam, &impact.group_by);
    }
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

/// A count with its thousands grouped: `12,345`.
fn count(n: u64) -> String {
    crate::money::thousands(&n.to_string())
}

fn family(h: &mut String, fam: &FamilyImpact, settings: &BTreeMap<String, String>) {
    let name = esc(&fam.family);
    let _ = writeln!(h, "<h2 id=\"{name}\">{}</h2>", esc(&fam.title));
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
            count(fam.gain),
            signed(fam.gained),
            count(fam.lose),
            money(-fam.lost),
            count(fam.stay),
        );
    }
    h.push_str("<div class=\"charts\">\n");
    if fam.has_amount {
        super::charts::cost_by_band(h, fam);
    }
    super::charts::heat_map(h, fam);
    if fam.has_amount && !fam.deltas.is_empty() {
        super::charts::spread(h, fam);
    }
    h.push_str("</div>\n");
    if fam.has_amount {
        by_band_setting(h, fam, settings);
        movers(h, fam);
    }
}

fn by_band_setting(h: &mut String, fam: &FamilyImpact, settings: &BTreeMap<String, String>) {
    h.push_str(
        "<table class=\"band-setting\"><caption>Cost by band and setting</caption>\n\
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
            esc(settings.get(setting).unwrap_or(setting)),
            money(*b),
            money(*p),
            signed(*p - *b)
        );
    }
    h.push_str("</table>\n");
}

/// Cost by the values of the `--group-by` inputs (a school, say).
fn by_group(h: &mut String, fam: &FamilyImpact, inputs: &[String]) {
    if !fam.has_amount || fam.by_group.is_empty() {
        return;
    }
    let name = esc(&inputs.join(" / "));
    let _ = writeln!(
        h,
        "<table class=\"by-group\" data-table=\"by-group\"><caption>Cost by {name}</caption>\n<thead><tr>\
         <th scope=\"col\">{name}</th><th scope=\"col\">Now</th><th scope=\"col\">Proposed</th>\
         <th scope=\"col\">Difference</th></tr></thead><tbody>"
    );
    for (group, (b, p)) in &fam.by_group {
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td data-value=\"{}\">{}</td></tr>",
            esc(group),
            money(*b),
            money(*p),
            super::text::pence(*p - *b),
            signed(*p - *b)
        );
    }
    h.push_str("</tbody></table>\n");
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
        "<table class=\"movers\"><caption>Largest movers</caption>\n<tr><th>Row</th><th>Case</th><th>Band now</th>\
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
