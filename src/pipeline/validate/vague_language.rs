//! `vague-language`: a benefit or `together` that leans on a phrase that
//! says nothing ("synergy", "win-win").

use super::{Finding, Scope};
use crate::diagnostic::Code;
use crate::lint::Lint;
use crate::site::Site;
use crate::yaml::{Issue, Seg, Target};

/// Where `phrase` occurs in `text` as whole words (ignoring case), allowing
/// the common inflections (`leveraging`, `synergies`): the byte offset and
/// length of the words found.
#[cfg(test)]
pub(crate) fn find_phrase(text: &str, phrase: &str) -> Option<(usize, usize)> {
    find_lowered(text, &text.to_lowercase(), &phrase.trim().to_lowercase())
}

/// [`find_phrase`] with `text` lowercased and `phrase` trimmed and
/// lowercased beforehand, so a text is lowercased once for every phrase.
fn find_lowered(text: &str, lower: &str, phrase: &str) -> Option<(usize, usize)> {
    if phrase.is_empty() || lower.len() != text.len() {
        // lowercasing changed byte lengths: search the original, ASCII-only
        return find_in(text, phrase, true);
    }
    find_in(lower, phrase, false)
}

fn find_in(text: &str, phrase: &str, ascii: bool) -> Option<(usize, usize)> {
    let stems: Vec<String> = {
        let mut s = vec![phrase.to_string()];
        if let Some(stem) = phrase.strip_suffix('y') {
            s.push(format!("{stem}ies"));
        }
        if let Some(stem) = phrase.strip_suffix('e') {
            s.push(stem.to_string()); // leverag(ing)
        }
        s
    };
    let word = |c: char| c.is_alphanumeric();
    for stem in &stems {
        let mut from = 0;
        while let Some(i) = if ascii {
            crate::yaml::find_ignore_case(&text[from..], stem)
        } else {
            text[from..].find(stem.as_str())
        } {
            let at = from + i;
            let before_ok = text[..at].chars().next_back().is_none_or(|c| !word(c));
            let rest = &text[at + stem.len()..];
            let suffix: String = rest.chars().take_while(|c| word(*c)).collect();
            let after_ok = suffix.is_empty()
                || ["s", "es", "d", "ed", "ing", "ies"].contains(&suffix.to_lowercase().as_str());
            let exact_needed = stem != phrase && suffix.is_empty() && !stem.ends_with("ies");
            if before_ok && after_ok && !exact_needed {
                return Some((at, stem.len() + suffix.len()));
            }
            from = at + stem.len();
        }
    }
    None
}

/// Fires for each vague phrase in a partner's `together`, `partner_benefit`
/// and `customer_benefit`.
pub(crate) fn check(site: &Site, _today: jiff::civil::Date, scope: &Scope) -> Vec<Finding> {
    use rayon::prelude::*;
    let phrases: Vec<(&String, String)> = site
        .config
        .vague_phrases
        .iter()
        .map(|p| (p, p.trim().to_lowercase()))
        .collect();
    let partners: Vec<_> = scope.partners(site).collect();
    partners
        .par_iter()
        .flat_map_iter(|p| partner_findings(site, p, &phrases))
        .collect()
}

fn partner_findings(
    site: &Site,
    p: &crate::record::Partner,
    phrases: &[(&String, String)],
) -> Vec<Finding> {
    let mut out = Vec::new();
    let prop = &p.proposition;
    let fields = [
        (
            "together",
            Some(&prop.together),
            "what you deliver together",
        ),
        (
            "partner_benefit",
            Some(&prop.partner_benefit),
            "what the partner gains",
        ),
        (
            "customer_benefit",
            prop.customer_benefit.as_ref(),
            "what customers gain",
        ),
    ];
    for (field, text, what) in fields {
        let Some(text) = text else { continue };
        let lower = text.to_lowercase();
        for (phrase, phrase_lower) in phrases {
            let Some((at, len)) = find_lowered(text, &lower, phrase_lower) else {
                continue;
            };
            let found = &text[at..at + len];
            let issue = Issue::new(
                Code::Lint(Lint::VagueLanguage),
                vec![Seg::Key("proposition".into()), Seg::Key(field.into())],
                Target::Needle(found.to_string()),
                format!("the `{field}` of {} relies on \"{phrase}\"", p.name),
                "vague phrase",
                format!(
                    "say concretely {what}: which customers, how much revenue, what work saved"
                ),
            );
            out.push(Finding::record(site, p.source, issue));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::find_phrase;

    #[test]
    fn whole_words_and_inflections() {
        assert_eq!(find_phrase("Real synergy here", "synergy"), Some((5, 7)));
        assert_eq!(find_phrase("many Synergies", "synergy"), Some((5, 9)));
        assert_eq!(
            find_phrase("by leveraging our base", "leverage"),
            Some((3, 10))
        );
        assert_eq!(find_phrase("leveraged buyout", "leverage"), Some((0, 9)));
        assert_eq!(find_phrase("a WIN-WIN deal", "win-win"), Some((2, 7)));
        assert_eq!(
            find_phrase("to better serve the market", "better serve the market"),
            Some((3, 23))
        );
        assert_eq!(find_phrase("synergyx", "synergy"), None);
        assert_eq!(find_phrase("asynergy", "synergy"), None);
        assert_eq!(find_phrase("the leverag", "leverage"), None);
        assert_eq!(find_phrase("Zoë's synergy", "synergy"), Some((7, 7)));
    }
}
