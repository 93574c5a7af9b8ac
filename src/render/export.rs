//! Files for other tools: `calendar.ics` for calendar programs, and
//! `partners.csv` and `plan.csv` for spreadsheets (SPEC 8.3). Every date
//! and state comes from [`crate::attention`], so the calendar, the CSV
//! files and the pages never disagree.
//!
//! The calendar's `UID`s are made from what an event is about, never from
//! its place in the file: a partner's review is `review-<hash of slug>`, a
//! plan step `step-<hash of slug and step text>`, so an event keeps its
//! identity in a subscribed calendar while its partner and its text do,
//! whatever else changes around it. Two steps of one partner with the same
//! text are told apart by a count (`-2`, `-3`...) of the earlier ones with
//! that text, which, unlike the step's place in the list, does not move
//! when other steps are added or removed.

use rayon::prelude::*;

use super::OutputFile;
use super::views::Benefits;
use crate::attention::{is_live, next_review, progress, step_state};
use crate::markdown::plain_text;
use crate::record::{Objective, Partner, Step};
use crate::site::Site;

const CALENDAR: &str = "calendar.ics";
const PARTNERS_CSV: &str = "partners.csv";
const PLAN_CSV: &str = "plan.csv";

/// The names of the files [`files`] makes.
pub(crate) const FILE_NAMES: [&str; 3] = [CALENDAR, PARTNERS_CSV, PLAN_CSV];

/// The domain-like right-hand side of every `UID` (RFC 5545 3.8.4.7 asks
/// for one): fixed, so a `UID` does not change with `base_url`.
const UID_DOMAIN: &str = "partnerbook.invalid";

const PARTNERS_HEADER: [&str; 18] = [
    "slug",
    "name",
    "tier",
    "type",
    "status",
    "owner",
    "region",
    "scenario",
    "objectives",
    "partner_objectives",
    "target_market",
    "revenue_goal",
    "last_review",
    "next_review",
    "steps_done",
    "steps_total",
    "partner_benefit",
    "url",
];

const PLAN_HEADER: [&str; 9] = [
    "partner_slug",
    "partner_name",
    "step",
    "owner",
    "who",
    "due",
    "done",
    "measure",
    "state",
];

/// What one partner contributes to each file.
struct Parts {
    partners: Vec<u8>,
    plan: Vec<u8>,
    calendar: String,
}

/// calendar.ics, partners.csv and plan.csv, as they stand on `today`.
pub(crate) fn files(site: &Site, today: jiff::civil::Date, benefits: &Benefits) -> Vec<OutputFile> {
    let parts: Vec<Parts> = site
        .partners
        .par_iter()
        .map(|p| {
            // each step's words as plain text, once for the CSV and the
            // calendar
            let texts: Vec<StepText> = p.plan.iter().map(|s| StepText::of(site, s)).collect();
            Parts {
                partners: csv_rows(std::iter::once(partner_row(site, p, benefits.of(site, p)))),
                plan: csv_rows(
                    p.plan
                        .iter()
                        .zip(&texts)
                        .map(|(s, text)| step_row(p, s, text, today)),
                ),
                calendar: events(site, p, &texts, today),
            }
        })
        .collect();
    let mut partners =
        Vec::with_capacity(parts.iter().map(|p| p.partners.len()).sum::<usize>() + 512);
    let mut plan = Vec::with_capacity(parts.iter().map(|p| p.plan.len()).sum::<usize>() + 512);
    let mut calendar =
        String::with_capacity(parts.iter().map(|p| p.calendar.len()).sum::<usize>() + 512);
    partners.extend(csv_rows(std::iter::once(
        PARTNERS_HEADER.map(String::from).to_vec(),
    )));
    plan.extend(csv_rows(std::iter::once(
        PLAN_HEADER.map(String::from).to_vec(),
    )));
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        &format!(
            "PRODID:-//partnerbook//partnerbook {}//EN",
            env!("CARGO_PKG_VERSION")
        ),
        "CALSCALE:GREGORIAN",
        // the name calendar programs give a subscribed calendar
        &format!("X-WR-CALNAME:{}", text(&site.config.title)),
    ] {
        fold_into(&mut calendar, line);
    }
    for part in &parts {
        partners.extend_from_slice(&part.partners);
        plan.extend_from_slice(&part.plan);
        calendar.push_str(&part.calendar);
    }
    fold_into(&mut calendar, "END:VCALENDAR");
    vec![
        OutputFile {
            path: CALENDAR.into(),
            bytes: calendar.into_bytes(),
        },
        OutputFile {
            path: PARTNERS_CSV.into(),
            bytes: partners,
        },
        OutputFile {
            path: PLAN_CSV.into(),
            bytes: plan,
        },
    ]
}

// ---------------------------------------------------------------------------
// CSV (RFC 4180)

/// Rows as CSV: fields quoted where they must be, CRLF line ends, and every
/// cell a spreadsheet could run as a formula made inert (see [`inert`]).
fn csv_rows(rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in rows {
        for cell in &row {
            w.write_field(inert(cell).as_bytes())
                .expect("writing CSV to memory cannot fail");
        }
        // an empty record ends the row of fields written one by one
        w.write_record(None::<&[u8]>)
            .expect("writing CSV to memory cannot fail");
    }
    w.into_inner().expect("writing CSV to memory cannot fail")
}

/// `cell` with a `'` before it when it starts with a character that makes
/// spreadsheets read a formula (`=`, `+`, `-`, `@`) or that some of them
/// skip before looking (tab, carriage return): OWASP's advice on CSV
/// injection. A cell is data here, never a formula.
fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// Keywords joined for one cell: `faster-sales; market-access`.
fn keywords(objectives: &[Objective]) -> String {
    let words: Vec<&str> = objectives.iter().map(|o| o.as_str()).collect();
    words.join("; ")
}

/// A Markdown field as plain text; empty when absent.
fn plain(site: &Site, md: Option<&String>) -> String {
    md.map(|s| plain_text(s, site.config.allow_html))
        .unwrap_or_default()
}

fn date(d: Option<jiff::civil::Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn partner_row(site: &Site, p: &Partner, benefit: &str) -> Vec<String> {
    let (done, total) = progress(p);
    // an ended partnership has no review ahead (as on the attention page)
    let next = is_live(p).then(|| next_review(p, &site.config)).flatten();
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    vec![
        p.slug.clone(),
        p.name.clone(),
        p.tier.as_str().into(),
        opt(&p.kind),
        p.status.as_str().into(),
        opt(&p.owner),
        opt(&p.region),
        p.scenario
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        keywords(&p.objectives),
        keywords(&p.partner_objectives),
        plain(site, p.target_market.as_ref()),
        plain(site, p.revenue_goal.as_ref()),
        date(p.review.as_ref().and_then(|r| r.last)),
        date(next),
        done.to_string(),
        total.to_string(),
        benefit.to_string(),
        site.targets.page_url(&format!("partners/{}", p.slug)),
    ]
}

/// A plan step's words as plain text.
struct StepText {
    step: String,
    measure: Option<String>,
}

impl StepText {
    fn of(site: &Site, s: &Step) -> StepText {
        StepText {
            step: plain_text(&s.step, site.config.allow_html),
            measure: s
                .measure
                .as_ref()
                .map(|m| plain_text(m, site.config.allow_html)),
        }
    }
}

fn step_row(p: &Partner, s: &Step, text: &StepText, today: jiff::civil::Date) -> Vec<String> {
    vec![
        p.slug.clone(),
        p.name.clone(),
        text.step.clone(),
        s.owner.as_str().into(),
        s.who.clone().unwrap_or_default(),
        s.due.to_string(),
        date(s.done),
        text.measure.clone().unwrap_or_default(),
        step_state(p, s, today).as_str().into(),
    ]
}

// ---------------------------------------------------------------------------
// iCalendar (RFC 5545)

/// The partner's events: its next review, then each open step of its plan,
/// in the plan's order; none once the partnership has ended.
fn events(site: &Site, p: &Partner, texts: &[StepText], today: jiff::civil::Date) -> String {
    let mut out = String::new();
    if !is_live(p) {
        return out;
    }
    let url = site.config.base_url.as_ref().map(|base| {
        let page = site.targets.page_url(&format!("partners/{}", p.slug));
        format!("{base}{page}")
    });
    let stamp = today.strftime("%Y%m%dT000000Z").to_string();
    let mut event = |uid: String, day: jiff::civil::Date, summary: String, description: String| {
        let mut lines = vec![
            "BEGIN:VEVENT".to_string(),
            format!("UID:{uid}@{UID_DOMAIN}"),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;VALUE=DATE:{}", day.strftime("%Y%m%d")),
        ];
        if let Ok(next) = day.tomorrow() {
            lines.push(format!("DTEND;VALUE=DATE:{}", next.strftime("%Y%m%d")));
        }
        lines.push(format!("SUMMARY:{}", text(&summary)));
        lines.push(format!("DESCRIPTION:{}", text(&description)));
        if let Some(url) = &url {
            lines.push(format!("URL:{url}"));
        }
        // a reminder of a due date, not time taken
        lines.push("TRANSP:TRANSPARENT".into());
        lines.push("END:VEVENT".into());
        for line in lines {
            fold_into(&mut out, &line);
        }
    };
    if let Some(due) = next_review(p, &site.config) {
        let mut description = format!("Review the partnership with {}", p.name);
        if let Some(last) = p.review.as_ref().and_then(|r| r.last) {
            description.push_str(&format!(" (last reviewed {last})"));
        }
        description.push('.');
        if let Some(owner) = &p.owner {
            description.push_str(&format!("\nOwner: {owner}"));
        }
        event(
            format!("review-{}", hash(&[&p.slug])),
            due,
            format!("Review: {}", p.name),
            description,
        );
    }
    for (i, (step, text)) in p.plan.iter().zip(texts).enumerate() {
        if step.done.is_some() {
            continue;
        }
        let what = &text.step;
        let mut description = format!("{what}\nOwner: {}", step.owner.label());
        if let Some(who) = &step.who {
            description.push_str(&format!("\nWho: {who}"));
        }
        if let Some(measure) = &text.measure {
            description.push_str(&format!("\nMeasure: {measure}"));
        }
        description.push_str(&format!("\nPartner: {}", p.name));
        let mut uid = format!("step-{}", hash(&[&p.slug, &step.step]));
        let twins = p.plan[..i].iter().filter(|s| s.step == step.step).count();
        if twins > 0 {
            uid.push_str(&format!("-{}", twins + 1));
        }
        event(uid, step.due, format!("{}: {what}", p.name), description);
    }
    out
}

/// A stable digest of `parts` in hex: XXH3-128 of each part and its length,
/// so ("ab", "c") and ("a", "bc") differ. The same on every machine and in
/// every version, unlike `std`'s hashers.
fn hash(parts: &[&str]) -> String {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for part in parts {
        h.update(&(part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    format!("{:032x}", h.digest128())
}

/// `s` as an iCalendar TEXT value: backslash, `;`, `,` and line breaks
/// escaped; other control characters, which TEXT may not hold, as spaces.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\t' => out.push('\t'),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Appends `line` with CRLF, folded so that no line is longer than 75
/// octets (RFC 5545 3.1): each continuation starts with a space, and no
/// fold falls inside a UTF-8 character.
fn fold_into(out: &mut String, line: &str) {
    let mut rest = line;
    let mut room = 75;
    while rest.len() > room {
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        // the continuation's leading space takes one octet
        room = 74;
    }
    out.push_str(rest);
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_75_octets_between_characters() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "日本語".repeat(20));
        fold_into(&mut out, &line);
        for l in out.split_terminator("\r\n") {
            assert!(l.len() <= 75, "{l:?} is {} octets", l.len());
        }
        assert_eq!(out.replace("\r\n ", ""), format!("{line}\r\n"));
    }

    #[test]
    fn text_escapes_what_rfc_5545_reserves() {
        assert_eq!(text("a\\b;c,d\ne\r\nf\u{7}"), "a\\\\b\\;c\\,d\\ne\\nf ");
    }

    #[test]
    fn cells_that_start_a_formula_are_inert() {
        for cell in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(inert(cell), format!("'{cell}"));
        }
        assert_eq!(inert("a=1"), "a=1");
        assert_eq!(inert(""), "");
    }
}
