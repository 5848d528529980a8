//! Embedding smql: check a rule set once, then score leads from JSON (`cargo run --example embed`).

use smql::{Engine, Evaluator, Lead, RuleSet};

const RULES: &str = r#"
schema {
  id:     string key
  visits: int
  title:  string?
}
MQL when visits >= 3
score fit {
  +10 when title is present and title contains any ["vp", "director"]
  +2 per visits up to 10
}
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rules = RuleSet::compile_str("rules.smql", RULES)?;
    let evaluator = Evaluator::new(&rules, Engine::Auto)?;
    let now = 1_790_000_000_000; // epoch milliseconds
    for json in [
        r#"{"id": "L-1", "visits": 4, "title": "VP Sales"}"#,
        r#"{"id": "L-2", "visits": 1}"#,
        r#"{"id": "L-3", "visits": 9, "title": "Director of Marketing"}"#,
    ] {
        let scored = evaluator.eval_lead(&Lead::from_json(&evaluator, json)?, now)?;
        let (id, mql) = (scored.get("id"), scored.definition("MQL"));
        let fit = scored.score("fit").unwrap_or_default();
        println!(
            "{}: fit {fit}, MQL {}",
            id.unwrap_or_default(),
            mql.unwrap_or_default()
        );
    }
    Ok(())
}
