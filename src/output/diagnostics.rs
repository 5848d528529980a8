//! `smql check` diagnostics for machines: a JSON array, GitHub Actions workflow commands, SARIF.
//!
//! Lines and columns are 1-based, columns count characters (Unicode scalar values), and end
//! positions are exclusive (the column just after the span), as `crate::diag::locate` gives them.

use serde_json::{json, Value as Json};

use crate::diag::{locate, Code, Diagnostic, Label, Location, Severity};
use crate::source::SourceMap;

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn label_json(sources: &SourceMap, label: &Label, primary: bool) -> Json {
    let loc = locate(sources, label.span);
    json!({
        "file": loc.file,
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line,
        "end_column": loc.end_column,
        "message": label.text,
        "primary": primary,
    })
}

/// One JSON array of `{code, severity, message, file, line, column, end_line, end_column,
/// labels: [{file, line, column, end_line, end_column, message, primary}], help}`, pretty
/// printed, with a final newline. `labels` holds the primary label first, then the others.
pub fn to_json(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let items: Vec<Json> = diagnostics
        .iter()
        .map(|d| {
            let loc = locate(sources, d.primary.span);
            let labels: Vec<Json> = std::iter::once(label_json(sources, &d.primary, true))
                .chain(d.secondary.iter().map(|l| label_json(sources, l, false)))
                .collect();
            json!({
                "code": d.code.as_str(),
                "severity": severity_name(d.severity),
                "message": d.message,
                "file": loc.file,
                "line": loc.line,
                "column": loc.column,
                "end_line": loc.end_line,
                "end_column": loc.end_column,
                "labels": labels,
                "help": d.help,
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_string());
    text.push('\n');
    text
}

/// Escapes the message part of a workflow command (`%`, CR and LF), as GitHub's toolkit does.
pub fn github_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command: as data, plus `:` and `,`.
pub fn github_escape_property(s: &str) -> String {
    github_escape_data(s)
        .replace(':', "%3A")
        .replace(',', "%2C")
}

/// One `::error …::message` (or `::warning`) line per diagnostic; the help, if any, follows
/// the message on its own (escaped) line so the annotation shows it.
pub fn to_github(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let Location {
            file,
            line,
            column,
            end_line,
            end_column,
        } = locate(sources, d.primary.span);
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!(
            "::{} file={},line={line},col={column},endLine={end_line},endColumn={end_column},title={}::{}\n",
            severity_name(d.severity),
            github_escape_property(&file),
            github_escape_property(d.code.as_str()),
            github_escape_data(&message),
        ));
    }
    out
}

/// A URI for a path: relative paths (as users usually pass them, and as code scanning wants
/// them) stay relative references, absolute ones become `file://` URIs; `/` separators, and
/// everything but unreserved characters and `/` (and a drive's `:`) percent-encoded.
fn path_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let bytes = path.as_bytes();
    let drive = bytes.len() > 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    let mut out = String::with_capacity(path.len() + 8);
    if path.starts_with('/') {
        out.push_str("file://");
    } else if drive {
        out.push_str("file:///");
    }
    for (i, &b) in bytes.iter().enumerate() {
        if drive && i == 1 {
            out.push(':');
            continue;
        }
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn sarif_location(sources: &SourceMap, label: &Label) -> Json {
    let loc = locate(sources, label.span);
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": path_uri(&loc.file) },
            "region": {
                "startLine": loc.line,
                "startColumn": loc.column,
                "endLine": loc.end_line,
                "endColumn": loc.end_column,
            }
        }
    });
    if let Some(text) = &label.text {
        location["message"] = json!({ "text": text });
    }
    location
}

/// A SARIF 2.1.0 log with one run: tool `smql`, one rule per code present (in order of first
/// appearance), one result per diagnostic.
pub fn to_sarif(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let mut rule_ids: Vec<Code> = Vec::new();
    let mut rules = Vec::new();
    let mut results = Vec::new();
    for d in diagnostics {
        let rule_index = match rule_ids.iter().position(|&c| c == d.code) {
            Some(i) => i,
            None => {
                rule_ids.push(d.code);
                rules.push(json!({
                    "id": d.code.as_str(),
                    "name": d.lint_name().unwrap_or(d.code.as_str()),
                    "defaultConfiguration": { "level": severity_name(d.severity) },
                }));
                rule_ids.len() - 1
            }
        };
        let mut text = d.message.clone();
        if let Some(help) = &d.help {
            text.push_str("\nhelp: ");
            text.push_str(help);
        }
        let mut result = json!({
            "ruleId": d.code.as_str(),
            "ruleIndex": rule_index,
            "level": severity_name(d.severity),
            "message": { "text": text },
            "locations": [sarif_location(sources, &d.primary)],
        });
        if !d.secondary.is_empty() {
            let related: Vec<Json> = d
                .secondary
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let mut loc = sarif_location(sources, l);
                    loc["id"] = json!(i);
                    loc
                })
                .collect();
            result["relatedLocations"] = Json::Array(related);
        }
        results.push(result);
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "smql",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    /// Two files; an error with a secondary label in the other file and a help, and a lint.
    fn sample() -> (SourceMap, Vec<Diagnostic>) {
        let mut sources = SourceMap::new();
        let a = sources.add("rules/scoring.smql", "MQL when visit >= 3\n");
        let b = sources.add("rules/my schema.smql", "schema {\n  visits: int\n}\n");
        let error = Diagnostic::error(
            Code::NameUnknown,
            Span::new(a, 9, 14),
            "unknown name `visit`",
        )
        .label("not a field or definition")
        .with_secondary(Span::new(b, 11, 17), "a field `visits` is declared here")
        .with_help("did you mean `visits`?");
        let lint = Diagnostic::warning(
            Code::Lint(crate::diag::Lint::AlwaysTrue),
            Span::new(a, 9, 19),
            "condition always holds: 100%, really,\ntwo lines",
        );
        (sources, vec![error, lint])
    }

    #[test]
    fn json_has_every_documented_key() {
        let (sources, diags) = sample();
        let parsed: Json = serde_json::from_str(&to_json(&diags, &sources)).unwrap();
        let first = &parsed[0];
        assert_eq!(first["code"], "smql::name::unknown");
        assert_eq!(first["severity"], "error");
        assert_eq!(first["message"], "unknown name `visit`");
        assert_eq!(first["file"], "rules/scoring.smql");
        assert_eq!(
            (first["line"].clone(), first["column"].clone()),
            (json!(1), json!(10))
        );
        assert_eq!(
            (first["end_line"].clone(), first["end_column"].clone()),
            (json!(1), json!(15))
        );
        assert_eq!(first["help"], "did you mean `visits`?");
        assert_eq!(first["labels"][0]["message"], "not a field or definition");
        assert_eq!(first["labels"][0]["primary"], true);
        assert_eq!(first["labels"][1]["file"], "rules/my schema.smql");
        assert_eq!(
            (
                first["labels"][1]["line"].clone(),
                first["labels"][1]["column"].clone()
            ),
            (json!(2), json!(3))
        );
        assert_eq!(parsed[1]["severity"], "warning");
        assert!(parsed[1]["help"].is_null());
        assert_eq!(to_json(&[], &sources), "[]\n");
    }

    #[test]
    fn github_escapes_data_and_properties() {
        assert_eq!(github_escape_data("50%\r\nnext"), "50%25%0D%0Anext");
        assert_eq!(github_escape_property("a:b,c%"), "a%3Ab%2Cc%25");
        let (sources, diags) = sample();
        let text = to_github(&diags, &sources);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "one line per diagnostic: {text}");
        assert_eq!(
            lines[0],
            "::error file=rules/scoring.smql,line=1,col=10,endLine=1,endColumn=15,\
             title=smql%3A%3Aname%3A%3Aunknown::unknown name `visit`%0Ahelp: did you mean `visits`?"
        );
        assert_eq!(
            lines[1],
            "::warning file=rules/scoring.smql,line=1,col=10,endLine=1,endColumn=20,\
             title=smql%3A%3Alint%3A%3Aalways_true::condition always holds: 100%25, really,%0Atwo lines"
        );
    }

    #[test]
    fn sarif_has_rules_results_and_regions() {
        let (sources, diags) = sample();
        let log: Json = serde_json::from_str(&to_sarif(&diags, &sources)).unwrap();
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(run["tool"]["driver"]["name"], "smql");
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[1]["id"], "smql::lint::always_true");
        assert_eq!(rules[1]["name"], "always_true");
        let results = run["results"].as_array().unwrap();
        assert_eq!(results[0]["ruleId"], "smql::name::unknown");
        assert_eq!(results[0]["ruleIndex"], 0);
        assert_eq!(results[0]["level"], "error");
        assert_eq!(results[1]["level"], "warning");
        assert_eq!(results[1]["ruleIndex"], 1);
        let loc = &results[0]["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "rules/scoring.smql");
        assert_eq!(
            loc["region"],
            json!({"startLine": 1, "startColumn": 10, "endLine": 1, "endColumn": 15})
        );
        let related = &results[0]["relatedLocations"][0]["physicalLocation"];
        assert_eq!(related["artifactLocation"]["uri"], "rules/my%20schema.smql");
    }

    #[test]
    fn absolute_paths_become_file_uris() {
        assert_eq!(path_uri("/tmp/a b.smql"), "file:///tmp/a%20b.smql");
        assert_eq!(path_uri("C:\\rules\\x.smql"), "file:///C:/rules/x.smql");
        assert_eq!(path_uri("rules/ü.smql"), "rules/%C3%BC.smql");
    }

    #[test]
    fn sarif_without_diagnostics_is_an_empty_run() {
        let log: Json = serde_json::from_str(&to_sarif(&[], &SourceMap::new())).unwrap();
        assert_eq!(log["runs"][0]["results"], json!([]));
        assert_eq!(log["runs"][0]["tool"]["driver"]["rules"], json!([]));
    }
}
