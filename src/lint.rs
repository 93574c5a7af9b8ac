//! The lints: one table says what each one is called, how loud it is by
//! default and, in one line, when it fires. Everything else reads the table:
//! the [`Lint`] enum and its names, the `lints:` settings of
//! `partnerbook.yaml`, the rule modules `validate` runs, the list in
//! `check --help` and `build --help`, and (through tests that rewrite them
//! with `SNAPSHOTS=overwrite`) the index in docs/diagnostics.md, the
//! configuration schema and the `lints:` block `init` writes.
//!
//! This module sits low: it imports nothing of the crate, so that
//! `diagnostic` and `config` can use it.

/// Calls the macro `$m` with the table of lints, one row per lint:
///
/// ```text
/// (Variant, "code-name", DefaultLevel, rule_module, "when it fires, in one line of Markdown"),
/// ```
///
/// A macro, not a `const` array, because a row also names a module:
/// [`validate`](crate::pipeline::validate) expands the same table into `mod
/// rule_module;` and a call of `rule_module::check` for each lint. To add a
/// lint, write `src/pipeline/validate/<rule_module>.rs` with its `check`, add its
/// row here, and run `SNAPSHOTS=overwrite cargo test` to refresh the lists
/// made from the table. The order of the rows is the order of every list.
///
/// The one-line doc reads after "fires when" and fits one line of `--help`
/// (a test checks that). Write it for someone who has not read the docs.
macro_rules! for_each_lint {
    ($m:ident) => {
        $m! {
            (TierOverCapacity, "tier-over-capacity", Warn, tier_over_capacity,
                "a tier holds more partners than its `max_partners`"),
            (GoalWithoutMarket, "goal-without-market", Warn, goal_without_market,
                "`revenue_goal` is set but `target_market` is not"),
            (MissingTargetMarket, "missing-target-market", Warn, missing_target_market,
                "a strategic or tactical partner has no `target_market`"),
            (VagueLanguage, "vague-language", Warn, vague_language,
                "a benefit or `together` relies on a phrase from `vague_phrases`"),
            (NoCommitments, "no-commitments", Warn, no_commitments,
                "a strategic or tactical partner commits no resources on either side"),
            (NoObjective, "no-objective", Warn, no_objective,
                "`objectives` is absent or empty"),
            (ReviewOverdue, "review-overdue", Warn, review_overdue,
                "`review.last` plus the review cadence is before today"),
            (MissingPainPoint, "missing-pain-point", Warn, missing_pain_point,
                "a strategic or tactical partner has no `proposition.pain_point`"),
            (NoPartnerObjective, "no-partner-objective", Warn, no_partner_objective,
                "a strategic or tactical partner names no `partner_objectives`"),
            (OneSidedCommitments, "one-sided-commitments", Warn, one_sided_commitments,
                "a strategic or tactical partner has commitments on one side only"),
            (NoPlan, "no-plan", Warn, no_plan,
                "an active strategic or tactical partner has no `plan` step"),
            (StepOverdue, "step-overdue", Warn, step_overdue,
                "a plan step's `due` date is before today and it has no `done`"),
            (NoChampion, "no-champion", Warn, no_champion,
                "no person in the influence map is both high-influence and positive"),
        }
    };
}
pub(crate) use for_each_lint;

/// What a lint does when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// An error: the build is rejected.
    Deny,
    /// A warning: printed, the build goes on.
    Warn,
    /// Not reported.
    Allow,
}

impl Level {
    /// Every level, loudest first, as `lints:` lists them.
    pub const ALL: [Level; 3] = [Level::Deny, Level::Warn, Level::Allow];

    /// The name written in `lints:`.
    pub fn name(self) -> &'static str {
        match self {
            Level::Deny => "deny",
            Level::Warn => "warn",
            Level::Allow => "allow",
        }
    }
}

/// Expands the table into [`Lint`] and what it knows of each lint.
macro_rules! define_lints {
    ($(($variant:ident, $name:literal, $level:ident, $module:ident, $doc:literal)),* $(,)?) => {
        /// A lint: a check of the content that is a warning by default and
        /// can be made an error or switched off in `partnerbook.yaml`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Lint {
            $(
                #[doc = concat!("Fires when ", $doc, ".")]
                $variant,
            )*
        }

        impl Lint {
            /// Every lint, in the order of the table.
            pub const ALL: [Lint; [$(stringify!($variant)),*].len()] = [$(Lint::$variant),*];

            /// The stable name, as printed in `warning[name]` and written
            /// in `lints:`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Lint::$variant => $name,)*
                }
            }

            /// The level of the lint when `lints:` does not set one.
            pub fn default_level(self) -> Level {
                match self {
                    $(Lint::$variant => Level::$level,)*
                }
            }

            /// When the lint fires, in one line of Markdown that reads
            /// after "fires when".
            pub fn doc(self) -> &'static str {
                match self {
                    $(Lint::$variant => $doc,)*
                }
            }
        }
    };
}
for_each_lint!(define_lints);

/// The level of every lint, as `partnerbook.yaml` sets them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintLevels([Level; Lint::ALL.len()]);

impl Default for LintLevels {
    /// Each lint at its default level.
    fn default() -> LintLevels {
        LintLevels(Lint::ALL.map(Lint::default_level))
    }
}

impl LintLevels {
    /// The level of `lint`.
    pub fn get(&self, lint: Lint) -> Level {
        self.0[lint as usize]
    }

    /// Sets the level of `lint`.
    pub fn set(&mut self, lint: Lint, level: Level) {
        self.0[lint as usize] = level;
    }
}

/// The lint list of `check --help` and `build --help`: a line per lint with
/// its name, default level and doc, in columns.
pub(crate) fn help_list() -> String {
    let width = Lint::ALL.map(|l| l.name().len()).into_iter().max();
    let width = width.unwrap_or(0);
    let mut out = String::new();
    for lint in Lint::ALL {
        let line = format!(
            "  {:width$}  {:5}  {}",
            lint.name(),
            lint.default_level().name(),
            lint.doc()
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lints_are_in_the_order_of_the_table_and_index_the_levels() {
        for (i, lint) in Lint::ALL.into_iter().enumerate() {
            assert_eq!(lint as usize, i, "{lint:?}");
        }
        let mut levels = LintLevels::default();
        levels.set(Lint::ALL[1], Level::Deny);
        let got = Lint::ALL.map(|l| levels.get(l));
        let mut expected = Lint::ALL.map(Lint::default_level);
        expected[1] = Level::Deny;
        assert_eq!(got, expected);
    }

    #[test]
    fn names_are_unique_kebab_case() {
        for (i, lint) in Lint::ALL.into_iter().enumerate() {
            let name = lint.name();
            assert!(
                !name.is_empty()
                    && !name.starts_with('-')
                    && !name.ends_with('-')
                    && !name.contains("--")
                    && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "`{name}` is not kebab-case"
            );
            assert!(
                Lint::ALL[..i].iter().all(|l| l.name() != name),
                "`{name}` twice"
            );
        }
    }

    #[test]
    fn every_doc_fits_one_line_of_help() {
        // clap wraps help text at 100 columns, without indenting what wraps
        for line in help_list().lines() {
            assert!(line.chars().count() <= 100, "too long for --help: {line}");
        }
        for lint in Lint::ALL {
            let doc = lint.doc();
            assert!(
                doc.starts_with(|c: char| c == '`' || c.is_lowercase()) && !doc.ends_with('.'),
                "`{}`: the doc reads after \"fires when\": lowercase, no full stop",
                lint.name()
            );
        }
    }
}
