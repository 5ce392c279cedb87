//! Charts as inline SVG: bars with 95% interval whiskers, and a heat map of pass rates. Every
//! label is escaped; nothing is fetched.

use super::html::escape;
use crate::judge::stats::Estimate;

const W: f64 = 640.0;
const LABEL: f64 = 180.0;
const ROW: f64 = 26.0;

/// Horizontal bars, one a model: the mean, and the 95% interval as a whisker.
pub fn bars(
    title: &str,
    unit: &str,
    rows: &[(String, Estimate)],
    show: impl Fn(f64) -> String,
) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let top = rows
        .iter()
        .map(|(_, e)| e.high.max(e.mean))
        .fold(0.0f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let h = 34.0 + ROW * rows.len() as f64;
    let x = |v: f64| LABEL + (v.max(0.0) / top) * (W - LABEL - 90.0);
    let mut out = format!(
        r#"<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {h}" width="{W}" height="{h}" role="img" aria-label="{t}"><title>{t}</title><text x="0" y="16" class="title">{t}</text>"#,
        t = escape(title)
    );
    for (i, (label, e)) in rows.iter().enumerate() {
        let y = 28.0 + ROW * i as f64;
        let mid = y + ROW / 2.0 - 3.0;
        out.push_str(&format!(
            r#"<text x="0" y="{ty}" class="label">{l}</text><rect class="bar" x="{LABEL}" y="{y}" width="{w:.1}" height="{bh}"/>"#,
            ty = mid + 4.0,
            l = escape(label),
            w = x(e.mean) - LABEL,
            bh = ROW - 10.0,
        ));
        if e.n > 1 && e.high > e.low {
            out.push_str(&format!(
                r#"<line class="whisker" x1="{a:.1}" x2="{b:.1}" y1="{mid}" y2="{mid}"/><line class="whisker" x1="{a:.1}" x2="{a:.1}" y1="{t}" y2="{bt}"/><line class="whisker" x1="{b:.1}" x2="{b:.1}" y1="{t}" y2="{bt}"/>"#,
                a = x(e.low),
                b = x(e.high),
                t = mid - 5.0,
                bt = mid + 5.0,
            ));
        }
        out.push_str(&format!(
            r#"<text x="{vx:.1}" y="{ty}" class="value">{v}{u}</text>"#,
            vx = x(e.high.max(e.mean)) + 6.0,
            ty = mid + 4.0,
            v = escape(&show(e.mean)),
            u = escape(unit),
        ));
    }
    out.push_str("</svg></figure>");
    out
}

/// Ratings with their intervals on a shared axis: a dot and a line.
pub fn intervals(title: &str, rows: &[(String, f64, (f64, f64))]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let lo = rows
        .iter()
        .map(|r| r.2 .0.min(r.1))
        .fold(f64::INFINITY, f64::min);
    let hi = rows
        .iter()
        .map(|r| r.2 .1.max(r.1))
        .fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if hi - lo < 1.0 {
        (lo - 50.0, hi + 50.0)
    } else {
        (lo, hi)
    };
    let x = |v: f64| LABEL + (v - lo) / (hi - lo) * (W - LABEL - 60.0);
    let h = 34.0 + ROW * rows.len() as f64;
    let mut out = format!(
        r#"<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {h}" width="{W}" height="{h}" role="img" aria-label="{t}"><title>{t}</title><text x="0" y="16" class="title">{t}</text>"#,
        t = escape(title)
    );
    for (i, (label, rating, (a, b))) in rows.iter().enumerate() {
        let mid = 28.0 + ROW * i as f64 + ROW / 2.0 - 3.0;
        out.push_str(&format!(
            r#"<text x="0" y="{ty}" class="label">{l}</text><line class="whisker" x1="{a:.1}" x2="{b:.1}" y1="{mid}" y2="{mid}"/><circle class="dot" cx="{c:.1}" cy="{mid}" r="5"/><text x="{vx:.1}" y="{ty}" class="value">{r:.0} ({a0:.0}–{b0:.0})</text>"#,
            ty = mid + 4.0,
            l = escape(label),
            a = x(*a),
            b = x(*b),
            c = x(*rating),
            vx = x(*b) + 6.0,
            r = rating,
            a0 = a,
            b0 = b,
        ));
    }
    out.push_str("</svg></figure>");
    out
}

/// Cases × models, each cell coloured by the share that passed.
pub fn heat(
    title: &str,
    cases: &[String],
    models: &[String],
    cell: impl Fn(usize, usize) -> Option<(usize, usize)>,
) -> String {
    if cases.is_empty() || models.is_empty() {
        return String::new();
    }
    let cw = 110.0;
    let w = LABEL + cw * models.len() as f64;
    let h = 60.0 + ROW * cases.len() as f64;
    let mut out = format!(
        r#"<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{t}"><title>{t}</title><text x="0" y="16" class="title">{t}</text>"#,
        t = escape(title)
    );
    for (j, m) in models.iter().enumerate() {
        out.push_str(&format!(
            r#"<text x="{x:.1}" y="44" class="label" text-anchor="middle">{m}</text>"#,
            x = LABEL + cw * j as f64 + cw / 2.0,
            m = escape(m)
        ));
    }
    for (i, c) in cases.iter().enumerate() {
        let y = 52.0 + ROW * i as f64;
        out.push_str(&format!(
            r#"<text x="0" y="{ty}" class="label">{c}</text>"#,
            ty = y + ROW / 2.0 + 1.0,
            c = escape(c)
        ));
        for j in 0..models.len() {
            let Some((passed, of)) = cell(i, j) else {
                continue;
            };
            let share = if of == 0 {
                0.0
            } else {
                passed as f64 / of as f64
            };
            // Red to green through amber.
            let hue = (share * 120.0).round();
            out.push_str(&format!(
                r#"<rect x="{x:.1}" y="{y}" width="{cw2}" height="{rh}" fill="hsl({hue},60%,45%)" class="cell"/><text x="{tx:.1}" y="{ty}" class="cellv" text-anchor="middle">{passed}/{of}</text>"#,
                x = LABEL + cw * j as f64 + 2.0,
                cw2 = cw - 4.0,
                rh = ROW - 4.0,
                tx = LABEL + cw * j as f64 + cw / 2.0,
                ty = y + ROW / 2.0 + 2.0,
            ));
        }
    }
    out.push_str("</svg></figure>");
    out
}
