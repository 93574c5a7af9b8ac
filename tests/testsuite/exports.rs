//! The files for other tools (SPEC 8.3): calendar.ics, partners.csv and
//! plan.csv, read back with real parsers: the `icalendar` crate's parser
//! (it unfolds lines, unescapes TEXT by value type and rejects a content
//! line without a name and a colon, or components that do not close) and
//! the `csv` crate's reader (in its default, strict mode every record must
//! have as many fields as the header). The fixture
//! tests/fixtures/exports has names with commas, quotes, semicolons, line
//! breaks, Japanese, Greek and emoji, a step long enough to be folded,
//! and cells that start with `=`, `+`, `-`, `@` and a tab.
//!
//! `python_tools_read_the_same_files` is for CI: it reads the files with
//! Python's `icalendar` (which reports every property it cannot parse)
//! and `csv` from the virtual environment in target/schema-tools, which
//! `.ci/run` installs.

use std::collections::BTreeMap;
use std::process::Command;

use icalendar::{CalendarComponent, Component as _, DatePerhapsTime};

use crate::support::{Scratch, TODAY_EPOCH, fixture, partnerbook, repo};

/// One event as the parser gives it back.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Event {
    uid: String,
    summary: String,
    description: String,
    start: String,
    end: String,
    stamp: String,
    url: Option<String>,
}

/// A copy of the fixture site, built on the test date into its public/.
fn built(args: &[&str]) -> Scratch {
    let s = Scratch::copy_of(&fixture("exports"));
    s.build(args).success();
    s
}

/// The raw bytes of an output file.
fn bytes(s: &Scratch, rel: &str) -> Vec<u8> {
    std::fs::read(s.public().join(rel)).unwrap()
}

/// A date of the parser's as `YYYY-MM-DD`.
fn day(d: Option<DatePerhapsTime>) -> String {
    match d {
        Some(DatePerhapsTime::Date(d)) => d.to_string(),
        other => panic!("expected an all-day date, got {other:?}"),
    }
}

/// Checks the lines of calendar.ics as RFC 5545 3.1 wants them (CRLF,
/// at most 75 octets, valid UTF-8 also where lines are folded), parses
/// it and gives its calendar properties and events.
fn calendar(raw: &[u8]) -> (BTreeMap<String, String>, Vec<Event>) {
    let text = String::from_utf8(raw.to_vec()).expect("calendar.ics is UTF-8, folds included");
    assert!(text.ends_with("\r\n"), "the last line ends with CRLF");
    for line in text.split_terminator("\r\n") {
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "a line break that is not CRLF: {line:?}"
        );
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    let cal: icalendar::Calendar = text
        .parse()
        .expect("an iCalendar parser reads calendar.ics");
    let props = cal
        .properties
        .iter()
        .map(|p| (p.key().to_string(), p.value().to_string()))
        .collect();
    let events = cal
        .components
        .iter()
        .map(|c| match c {
            CalendarComponent::Event(e) => Event {
                uid: e.get_uid().expect("UID").to_string(),
                summary: e.get_summary().expect("SUMMARY").to_string(),
                description: e.get_description().expect("DESCRIPTION").to_string(),
                start: day(e.get_start()),
                end: day(e.get_end()),
                stamp: e.get_timestamp().expect("DTSTAMP").to_rfc3339(),
                url: e.property_value("URL").map(str::to_string),
            },
            other => panic!("only events are expected, got {other:?}"),
        })
        .collect();
    (props, events)
}

/// The event whose summary is `summary`.
fn event<'e>(events: &'e [Event], summary: &str) -> &'e Event {
    events
        .iter()
        .find(|e| e.summary == summary)
        .unwrap_or_else(|| panic!("no event {summary:?} in {events:#?}"))
}

const KANTO: &str = "Kantō Systems, \"KS\"; 日本語 株式会社";
const GREEK: &str = "Ελληνικά Δίκτυα\nΑ.Ε.";
const LONG_STEP: &str = "Translate the onboarding guide into 日本語 and Ελληνικά, then review \
    it with the partner's regional team, step by step, until both sides sign off 🎉🚀 — a very \
    long step that must be folded";

#[test]
fn the_calendar_reads_back_with_every_text_as_written() {
    let s = built(&[]);
    let raw = bytes(&s, "calendar.ics");
    assert!(
        raw.windows(3).any(|w| w == b"\r\n "),
        "the long texts are folded"
    );
    let (props, events) = calendar(&raw);
    assert_eq!(props["VERSION"], "2.0");
    assert!(props["PRODID"].contains("partnerbook"), "{props:?}");
    // the next reviews (last + the tier's cadence: 90 days for strategic,
    // 180 for tactical) and the open steps of live partners; not the done
    // step, and nothing of the ended partner
    let mut got: Vec<(&str, &str)> = events
        .iter()
        .map(|e| (e.start.as_str(), e.summary.as_str()))
        .collect();
    got.sort();
    let review_kanto = format!("Review: {KANTO}");
    let sum = format!("{KANTO}: =SUM(1+1) is not a formula here");
    let long = format!("{KANTO}: {LONG_STEP}");
    let webinar = format!("{KANTO}: Joint webinar");
    let review_greek = format!("Review: {GREEK}");
    let pilot = format!("{GREEK}: Pilot with one retail chain");
    let mut expected = vec![
        ("2026-12-30", review_kanto.as_str()),
        ("2026-11-01", sum.as_str()),
        ("2027-01-20", long.as_str()),
        ("2027-02-10", webinar.as_str()),
        ("2027-05-10", webinar.as_str()),
        ("2026-10-28", review_greek.as_str()),
        ("2026-12-05", pilot.as_str()),
    ];
    expected.sort();
    assert_eq!(got, expected);
    for e in &events {
        // all-day events of one day, stamped with the build date
        let next = jiff::civil::Date::strptime("%Y-%m-%d", &e.start)
            .unwrap()
            .tomorrow()
            .unwrap();
        assert_eq!(e.end, next.to_string(), "{e:?}");
        assert_eq!(e.stamp, "2026-11-22T00:00:00+00:00");
        assert!(e.uid.ends_with("@partnerbook.invalid"), "{e:?}");
        assert_eq!(e.url, None, "no URL without a base URL");
    }
    assert_eq!(
        event(&events, &long).description,
        format!(
            "{LONG_STEP}\nOwner: Partner\nWho: \tKenji Sato\nMeasure: -1 open question, a \
             backslash \\ and a semicolon; kept\nPartner: {KANTO}"
        )
    );
    assert_eq!(
        event(&events, &pilot).description,
        format!(
            "Pilot with one retail chain\nOwner: Partner\nWho: Nikos Karalis,\nΕλένη Δήμου\n\
             Partner: {GREEK}"
        )
    );
    assert!(
        event(&events, &review_kanto)
            .description
            .contains("(last reviewed 2026-10-01)")
    );
    let uids: std::collections::HashSet<&str> = events.iter().map(|e| e.uid.as_str()).collect();
    assert_eq!(uids.len(), events.len(), "every UID is unique: {events:#?}");
}

/// The UID of each event, by summary and start.
fn uids(s: &Scratch) -> BTreeMap<(String, String), String> {
    calendar(&bytes(s, "calendar.ics"))
        .1
        .into_iter()
        .map(|e| ((e.summary, e.start), e.uid))
        .collect()
}

#[test]
fn uids_follow_the_partner_and_the_step_text_only() {
    let s = built(&[]);
    let first = bytes(&s, "calendar.ics");
    let before = uids(&s);
    // a second build on the same day writes the same bytes
    let again = built(&[]);
    assert_eq!(bytes(&again, "calendar.ics"), first);

    // other fields, and the steps' places in the plan, change; the UIDs
    // of the events that are still there do not
    let path = s.site().join("content/partners/kanto.yaml");
    let record = std::fs::read_to_string(&path).unwrap();
    let changed = record
        .replace("region: \"+81 Tokyo\"", "region: Osaka")
        .replace("due: 2027-02-10", "due: 2027-02-11")
        .replace(
            "plan:\n",
            "plan:\n  - step: A new first step\n    owner: ours\n    due: 2027-04-01\n",
        );
    assert_ne!(changed, record);
    std::fs::write(&path, &changed).unwrap();
    s.build(&[]).success();
    let after = uids(&s);
    let webinar = format!("{KANTO}: Joint webinar");
    for ((summary, start), uid) in &before {
        let start = match (summary == &webinar, start.as_str()) {
            (true, "2027-02-10") => "2027-02-11",
            _ => start,
        };
        assert_eq!(
            after.get(&(summary.clone(), start.to_string())),
            Some(uid),
            "{summary} on {start}"
        );
    }
    assert_eq!(after.len(), before.len() + 1);

    // a step whose text changes is another event
    let long = std::fs::read_to_string(&path)
        .unwrap()
        .replace("a very long step", "a very long, reworded step");
    std::fs::write(&path, long).unwrap();
    s.build(&[]).success();
    let reworded = uids(&s);
    let old = &before[&(format!("{KANTO}: {LONG_STEP}"), "2027-01-20".to_string())];
    let new = reworded
        .iter()
        .find(|((summary, _), _)| summary.contains("reworded"))
        .map(|(_, uid)| uid)
        .unwrap();
    assert_ne!(old, new);
    assert_eq!(reworded.len(), after.len());
    assert_eq!(
        reworded
            .values()
            .filter(|uid| after.values().any(|u| u == *uid))
            .count(),
        after.len() - 1,
        "only the reworded step's UID changed"
    );
}

#[test]
fn events_link_to_their_partner_page_only_with_a_base_url() {
    let s = built(&["--base-url", "https://example.org/alliances/"]);
    let (_, events) = calendar(&bytes(&s, "calendar.ics"));
    assert_eq!(events.len(), 7);
    for e in &events {
        let slug = if e.summary.contains("Kantō") {
            "kanto"
        } else {
            "ellinika"
        };
        assert_eq!(
            e.url.as_deref(),
            Some(format!("https://example.org/alliances/partners/{slug}/index.html").as_str()),
            "{e:?}"
        );
    }
    // the base URL is in the calendar's key: an incremental build without
    // it drops the URLs
    s.build(&[]).success();
    let (_, events) = calendar(&bytes(&s, "calendar.ics"));
    assert!(events.iter().all(|e| e.url.is_none()));
}

#[test]
fn a_site_with_nothing_ahead_has_an_empty_calendar() {
    let s = Scratch::copy_of(&fixture("exports"));
    std::fs::remove_file(s.site().join("content/partners/kanto.yaml")).unwrap();
    std::fs::remove_file(s.site().join("content/partners/ellinika.yaml")).unwrap();
    s.build(&[]).success();
    let (props, events) = calendar(&bytes(&s, "calendar.ics"));
    assert_eq!(props["VERSION"], "2.0");
    assert!(events.is_empty(), "an ended partner has no events");
    // its rows are still in the CSV files, with no next review
    let (_, partners) = csv_rows(&bytes(&s, "partners.csv"));
    assert_eq!(partners.len(), 1);
    assert_eq!(partners[0]["status"], "ended");
    assert_eq!(partners[0]["last_review"], "2026-01-10");
    assert_eq!(partners[0]["next_review"], "");
    let (_, plan) = csv_rows(&bytes(&s, "plan.csv"));
    assert_eq!(plan.len(), 1);
}

/// Parses CSV with the `csv` crate's strict reader: the header and each
/// record as a map from column to value. Checks that records end with
/// CRLF and that no cell could run as a formula.
fn csv_rows(raw: &[u8]) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut reader = csv::ReaderBuilder::new().from_reader(raw);
    let header: Vec<String> = reader
        .headers()
        .expect("a header row")
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.expect("every record parses, with as many fields as the header");
        for cell in record.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a cell a spreadsheet would run: {cell:?}"
            );
        }
        rows.push(
            header
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_string))
                .collect::<BTreeMap<_, _>>(),
        );
    }
    // the line breaks inside the fixture's fields are LF: CRLF only ends
    // records
    let crlf = raw.windows(2).filter(|w| w == b"\r\n").count();
    assert_eq!(crlf, rows.len() + 1, "each record ends with CRLF");
    assert!(raw.ends_with(b"\r\n"));
    (header, rows)
}

#[test]
fn partners_csv_has_a_row_per_partner_as_a_spreadsheet_should_see_it() {
    let s = built(&[]);
    let (header, rows) = csv_rows(&bytes(&s, "partners.csv"));
    assert_eq!(
        header,
        [
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
            "url"
        ]
    );
    let slugs: Vec<&str> = rows.iter().map(|r| r["slug"].as_str()).collect();
    // in the site's order: by tier, then by name
    assert_eq!(slugs, ["kanto", "ellinika", "finished"]);
    let kanto = &rows[0];
    let expected = [
        ("name", KANTO),
        ("tier", "strategic"),
        ("type", "'@channel"),
        ("status", "active"),
        ("owner", "'=HYPERLINK(\"http://example.com\",\"click\")"),
        ("region", "'+81 Tokyo"),
        ("scenario", "combined-offering"),
        ("objectives", "market-access; faster-sales"),
        ("partner_objectives", "market-share"),
        // Markdown as plain text
        (
            "target_market",
            "'-20% churn in mid-size firms, Japan; Korea",
        ),
        ("revenue_goal", "'=120M yen, 日本語"),
        ("last_review", "2026-10-01"),
        ("next_review", "2026-12-30"),
        ("steps_done", "1"),
        ("steps_total", "5"),
        (
            "partner_benefit",
            "A line of revenue per rack, \"billed\" monthly; no new staff, 日本語 included.",
        ),
        ("url", "partners/kanto/index.html"),
    ];
    for (column, value) in expected {
        assert_eq!(kanto[column], value, "{column}");
    }
    assert_eq!(rows[1]["name"], GREEK);
    assert_eq!(rows[1]["next_review"], "2026-10-28");
}

#[test]
fn plan_csv_has_a_row_per_step_with_its_state_on_the_build_date() {
    let s = built(&[]);
    let (header, rows) = csv_rows(&bytes(&s, "plan.csv"));
    assert_eq!(
        header,
        [
            "partner_slug",
            "partner_name",
            "step",
            "owner",
            "who",
            "due",
            "done",
            "measure",
            "state"
        ]
    );
    let got: Vec<[&str; 5]> = rows
        .iter()
        .map(|r| {
            [
                r["partner_slug"].as_str(),
                r["step"].as_str(),
                r["due"].as_str(),
                r["done"].as_str(),
                r["state"].as_str(),
            ]
        })
        .collect();
    assert_eq!(
        got,
        [
            [
                "kanto",
                "Sign the reseller agreement, \"v2\"",
                "2026-10-15",
                "2026-10-14",
                "done"
            ],
            [
                "kanto",
                "'=SUM(1+1) is not a formula here",
                "2026-11-01",
                "",
                "overdue"
            ],
            ["kanto", LONG_STEP, "2027-01-20", "", "open"],
            ["kanto", "Joint webinar", "2027-02-10", "", "open"],
            ["kanto", "Joint webinar", "2027-05-10", "", "open"],
            [
                "ellinika",
                "Pilot with one retail chain",
                "2026-12-05",
                "",
                "due-soon"
            ],
            // overdue by date, but the partnership has ended: history, not
            // work, as on its page
            [
                "finished",
                "Wind down the shared accounts",
                "2026-09-01",
                "",
                "open"
            ],
        ]
    );
    assert_eq!(rows[5]["partner_name"], GREEK);
    assert_eq!(rows[5]["who"], "Nikos Karalis,\nΕλένη Δήμου");
    assert_eq!(rows[5]["owner"], "theirs");
    assert_eq!(rows[1]["who"], "'@Aiko Tanaka");
    assert_eq!(rows[1]["measure"], "'+1 signed order");
    assert_eq!(rows[2]["who"], "'\tKenji Sato");
    assert_eq!(
        rows[2]["measure"],
        "'-1 open question, a backslash \\ and a semicolon; kept"
    );
}

#[test]
fn a_later_build_date_renews_the_states_in_place() {
    let s = built(&[]);
    // twenty days on, the pilot due on 2026-12-05 is overdue
    let later = (TODAY_EPOCH.parse::<u64>().unwrap() + 20 * 86_400).to_string();
    partnerbook()
        .env("SOURCE_DATE_EPOCH", later)
        .arg("build")
        .arg("--root")
        .arg(s.site())
        .assert()
        .success();
    let (_, rows) = csv_rows(&bytes(&s, "plan.csv"));
    assert_eq!(rows[5]["step"], "Pilot with one retail chain");
    assert_eq!(rows[5]["state"], "overdue");
    let (_, events) = calendar(&bytes(&s, "calendar.ics"));
    assert!(
        events
            .iter()
            .all(|e| e.stamp == "2026-12-12T00:00:00+00:00")
    );
}

#[test]
fn the_files_of_hostile_sites_still_parse() {
    // markup, script and control characters in every field (injection),
    // odd YAML (hostile), words longer than a line (long-words)
    for name in ["injection", "hostile", "long-words"] {
        let s = Scratch::copy_of(&fixture(name));
        s.build(&[]).success();
        let (_, events) = calendar(&bytes(&s, "calendar.ics"));
        let (_, partners) = csv_rows(&bytes(&s, "partners.csv"));
        let (_, plan) = csv_rows(&bytes(&s, "plan.csv"));
        let json: serde_json::Value = serde_json::from_str(&s.out("partners.json")).unwrap();
        let records = json["partners"].as_array().unwrap();
        assert_eq!(partners.len(), records.len(), "{name}");
        for (row, record) in partners.iter().zip(records) {
            assert_eq!(row["slug"], record["slug"].as_str().unwrap(), "{name}");
        }
        let steps: usize = records
            .iter()
            .map(|r| r["plan"].as_array().unwrap().len())
            .sum();
        assert_eq!(plan.len(), steps, "{name}");
        assert!(events.len() <= partners.len() + steps, "{name}");
    }
}

/// Python in target/schema-tools, with `icalendar` installed.
fn python() -> std::path::PathBuf {
    let python = repo().join("target/schema-tools/venv/bin/python");
    let ok = Command::new(&python)
        .args(["-c", "import icalendar"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "needs Python's icalendar in target/schema-tools/venv: run `python3 -m venv \
         target/schema-tools/venv && target/schema-tools/venv/bin/pip install icalendar` \
         (.ci/run does)"
    );
    python
}

/// Reads calendar.ics with Python's icalendar, failing on any property it
/// could not parse or any event without UID, DTSTAMP or DTSTART, and the
/// CSV files with Python's csv; prints what it read as JSON.
const READ_BACK: &str = r#"
import csv, json, sys, icalendar
folder = sys.argv[1]
with open(folder + "/calendar.ics", "rb") as f:
    cal = icalendar.Calendar.from_ical(f.read())
assert cal.name == "VCALENDAR", cal.name
assert str(cal["VERSION"]) == "2.0" and "PRODID" in cal
events = []
for c in cal.walk():
    assert not c.errors, (c.name, c.errors)
    if c.name != "VEVENT":
        continue
    for required in ("UID", "DTSTAMP", "DTSTART"):
        assert required in c, (required, c)
    events.append({
        "uid": str(c["UID"]),
        "summary": str(c["SUMMARY"]),
        "description": str(c["DESCRIPTION"]),
        "start": c.decoded("DTSTART").isoformat(),
        "end": c.decoded("DTEND").isoformat(),
        "url": str(c["URL"]) if "URL" in c else None,
    })
tables = {}
for name in ("partners.csv", "plan.csv"):
    with open(folder + "/" + name, newline="", encoding="utf-8") as f:
        tables[name] = list(csv.reader(f, strict=True))
print(json.dumps({"events": events, "tables": tables}))
"#;

#[test]
#[ignore = "needs Python's icalendar in target/schema-tools (.ci/run installs it)"]
fn python_tools_read_the_same_files() {
    let python = python();
    let s = built(&["--base-url", "https://example.org/"]);
    let out = Command::new(python)
        .args(["-c", READ_BACK])
        .arg(s.public())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "Python could not read the files:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let (_, events) = calendar(&bytes(&s, "calendar.ics"));
    let theirs = read["events"].as_array().unwrap();
    assert_eq!(theirs.len(), events.len());
    for (py, e) in theirs.iter().zip(&events) {
        assert_eq!(py["uid"], e.uid.as_str());
        assert_eq!(py["summary"], e.summary.as_str());
        assert_eq!(py["description"], e.description.as_str());
        assert_eq!(py["start"], e.start.as_str());
        assert_eq!(py["end"], e.end.as_str());
        assert_eq!(py["url"].as_str(), e.url.as_deref());
    }
    for name in ["partners.csv", "plan.csv"] {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(std::fs::File::open(s.public().join(name)).unwrap());
        let ours: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        let theirs: Vec<Vec<String>> =
            serde_json::from_value(read["tables"][name].clone()).unwrap();
        assert_eq!(theirs, ours, "{name}");
    }
}
