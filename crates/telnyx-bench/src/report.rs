//! The report: markdown tables (stdout and `--out FILE.md`) and JSON (`--json FILE`).

use serde::Serialize;

/// The whole report: the run's header, every table, every target, closing notes.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub command: String,
    pub date: String,
    pub machine: Vec<(String, String)>,
    /// Every table, in the order the sections produced them (named `sections` in the JSON).
    pub sections: Vec<Table>,
    pub targets: Vec<Target>,
    pub notes: Vec<String>,
}

/// What one section measured: its tables and its targets, in report order.
#[derive(Debug, Default)]
pub struct Section {
    pub tables: Vec<Table>,
    pub targets: Vec<Target>,
}

impl Section {
    /// A section of one table and no target.
    pub fn of(table: Table) -> Section {
        Section {
            tables: vec![table],
            targets: Vec::new(),
        }
    }

    /// Adds a target after the ones already there.
    pub fn with_target(mut self, target: Target) -> Section {
        self.targets.push(target);
        self
    }
}

/// One markdown table with its title, paragraphs above and notes below.
#[derive(Debug, Default, Serialize)]
pub struct Table {
    pub title: String,
    pub intro: Vec<String>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub notes: Vec<String>,
}

/// A goal and whether this run met it.
#[derive(Debug, Serialize)]
pub struct Target {
    pub name: String,
    pub target: String,
    pub measured: String,
    /// None: could not be measured in this run.
    pub met: Option<bool>,
    pub note: String,
}

impl Target {
    /// A target judged in this run (`met: Some(..)`), without a note.
    pub fn new(
        name: impl Into<String>,
        goal: impl Into<String>,
        measured: impl Into<String>,
        met: bool,
    ) -> Target {
        Target {
            name: name.into(),
            target: goal.into(),
            measured: measured.into(),
            met: Some(met),
            note: String::new(),
        }
    }

    /// The same target with a note.
    pub fn note(mut self, note: impl Into<String>) -> Target {
        self.note = note.into();
        self
    }
}

/// "short by N % (X.XXx, needs Gx)": the note of a missed ratio target.
pub fn shortfall(x: f64, goal: f64) -> String {
    format!(
        "short by {:.0} % ({x:.2}x, needs {goal}x)",
        (1.0 - x / goal) * 100.0
    )
}

impl Table {
    /// An empty table with these column headers.
    pub fn new(title: &str, headers: &[&str]) -> Self {
        Table {
            title: title.into(),
            headers: headers.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }
    /// Appends a row (one cell per header).
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }
}

impl Report {
    /// Adds a section's tables and targets.
    pub fn add(&mut self, section: Section) {
        self.sections.extend(section.tables);
        self.targets.extend(section.targets);
    }

    /// The report as GitHub markdown.
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        s.push_str("### Run\n\n");
        s.push_str(&format!("- Command: `{}`\n", self.command));
        s.push_str(&format!("- Date: {}\n", self.date));
        for (k, v) in &self.machine {
            s.push_str(&format!("- {k}: {v}\n"));
        }
        s.push('\n');
        for sec in &self.sections {
            s.push_str(&format!("### {}\n\n", sec.title));
            for p in &sec.intro {
                s.push_str(p);
                s.push_str("\n\n");
            }
            if !sec.headers.is_empty() && !sec.rows.is_empty() {
                s.push_str(&table(&sec.headers, &sec.rows));
                s.push('\n');
            }
            for n in &sec.notes {
                s.push_str(&format!("- {n}\n"));
            }
            if !sec.notes.is_empty() {
                s.push('\n');
            }
        }
        if !self.targets.is_empty() {
            s.push_str("### Targets\n\n");
            let rows: Vec<Vec<String>> = self
                .targets
                .iter()
                .map(|t| {
                    let verdict = match t.met {
                        Some(true) => "met",
                        Some(false) => "**missed**",
                        None => "not measured",
                    };
                    vec![
                        t.name.clone(),
                        t.target.clone(),
                        t.measured.clone(),
                        verdict.into(),
                        t.note.clone(),
                    ]
                })
                .collect();
            let headers: Vec<String> = ["target", "goal", "measured", "verdict", "note"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            s.push_str(&table(&headers, &rows));
            s.push('\n');
        }
        for n in &self.notes {
            s.push_str(&format!("- {n}\n"));
        }
        s
    }
}

/// A GitHub markdown table; `|` in cells is escaped.
pub fn table(headers: &[String], rows: &[Vec<String>]) -> String {
    let esc = |c: &str| c.replace('|', "\\|");
    let mut s = String::new();
    s.push_str(&format!(
        "| {} |\n",
        headers
            .iter()
            .map(|h| esc(h))
            .collect::<Vec<_>>()
            .join(" | ")
    ));
    s.push_str(&format!(
        "|{}\n",
        headers.iter().map(|_| "---|").collect::<String>()
    ));
    for r in rows {
        s.push_str(&format!(
            "| {} |\n",
            r.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
        ));
    }
    s
}

/// Formatting helpers: fixed decimals, percent, ratio (`n/a` when not finite), megabytes.
pub fn f0(x: f64) -> String {
    format!("{x:.0}")
}
pub fn f1(x: f64) -> String {
    format!("{x:.1}")
}
pub fn f2(x: f64) -> String {
    format!("{x:.2}")
}
pub fn pct(x: f64) -> String {
    format!("{:.0} %", x * 100.0)
}
pub fn ratio(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.2}x")
    } else {
        "n/a".into()
    }
}
pub fn mb(kb: u64) -> String {
    format!("{:.1} MB", kb as f64 / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_table_escapes_pipes() {
        let t = table(&["a".into(), "b".into()], &[vec!["x|y".into(), "2".into()]]);
        assert_eq!(t, "| a | b |\n|---|---|\n| x\\|y | 2 |\n");
    }

    #[test]
    fn shortfall_names_the_ratio_and_the_goal() {
        assert_eq!(shortfall(2.4, 3.0), "short by 20 % (2.40x, needs 3x)");
    }

    #[test]
    fn a_section_lands_in_report_order() {
        let mut r = Report::default();
        r.add(Section::of(Table::new("one", &["a"])));
        r.add(Section::of(Table::new("two", &["a"])).with_target(Target::new("t", "g", "m", true)));
        let titles: Vec<&str> = r.sections.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(titles, ["one", "two"]);
        assert_eq!(r.targets.len(), 1);
    }

    #[test]
    fn report_lists_targets() {
        let r = Report {
            targets: vec![Target {
                name: "t".into(),
                target: ">= 50 %".into(),
                measured: "40 %".into(),
                met: Some(false),
                note: "why".into(),
            }],
            ..Default::default()
        };
        assert!(r.to_markdown().contains("**missed**"));
    }
}
