//! The report: markdown tables (stdout and `--out FILE.md`) and JSON (`--json FILE`).

use serde::Serialize;

#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub command: String,
    pub date: String,
    pub machine: Vec<(String, String)>,
    pub sections: Vec<Section>,
    pub targets: Vec<Target>,
    pub notes: Vec<String>,
}

#[derive(Debug, Default, Serialize)]
pub struct Section {
    pub title: String,
    pub intro: Vec<String>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Target {
    pub name: String,
    pub target: String,
    pub measured: String,
    /// None: could not be measured in this run.
    pub met: Option<bool>,
    pub note: String,
}

/// Runs one section alone (`telnyx-bench webhooks|compression|webhook-delivery`) and prints
/// it as markdown, with the command, date and load average around it.
pub fn print_one_section(
    section: impl FnOnce(&mut Report) -> Result<(), String>,
) -> Result<(), String> {
    let mut report = Report {
        command: format!(
            "cargo run --release -p telnyx-bench -- {}",
            std::env::args().skip(1).collect::<Vec<_>>().join(" ")
        ),
        date: std::process::Command::new("date")
            .args(["-u", "+%Y-%m-%d %H:%M UTC"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default(),
        machine: vec![("load average before".into(), crate::stats::loadavg())],
        ..Default::default()
    };
    section(&mut report)?;
    report
        .notes
        .push(format!("Load average after: {}.", crate::stats::loadavg()));
    println!("{}", report.to_markdown());
    Ok(())
}

impl Section {
    pub fn new(title: &str, headers: &[&str]) -> Self {
        Section {
            title: title.into(),
            headers: headers.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }
}

impl Report {
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

/// Formatting helpers.
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
