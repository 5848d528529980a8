//! Anchors of the entries: made from the kind and the name alone, so they stay the same across
//! runs and whatever the order of the files; names that give the same anchor (`MQL` and `mql`)
//! are told apart by their order as text, not by where they are declared.

use std::collections::HashMap;
use std::hash::Hash;

/// ASCII letters and digits lowercased and `_` kept; every other run of characters one `-`,
/// none at either end. Never contains `--`, which [`unique`] keeps for itself.
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.push(c.to_ascii_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

/// `prefix-slug(name)`, or `prefix` alone when the name has no ASCII letter or digit.
pub(crate) fn anchor(prefix: &str, name: &str) -> String {
    match slug(name) {
        s if s.is_empty() => prefix.to_string(),
        s => format!("{prefix}-{s}"),
    }
}

/// One anchor per key: its wanted anchor when no other key wants it; else, among the keys that
/// want it, sorted by name, the first keeps it and the others get `--2`, `--3`, ….
pub(crate) fn unique<K: Copy + Eq + Hash>(wanted: Vec<(K, String, &str)>) -> HashMap<K, String> {
    let mut by_anchor: HashMap<String, Vec<(&str, K)>> = HashMap::new();
    for (key, anchor, name) in wanted {
        by_anchor.entry(anchor).or_default().push((name, key));
    }
    let mut out = HashMap::new();
    for (anchor, mut keys) in by_anchor {
        keys.sort_by(|a, b| a.0.cmp(b.0));
        for (i, (_, key)) in keys.into_iter().enumerate() {
            let a = if i == 0 {
                anchor.clone()
            } else {
                format!("{anchor}--{}", i + 1)
            };
            out.insert(key, a);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_words_joined_by_dashes() {
        assert_eq!(slug("MQL"), "mql");
        assert_eq!(slug("work_email"), "work_email");
        assert_eq!(
            slug("  Sales calls every SQL within 2 hours!"),
            "sales-calls-every-sql-within-2-hours"
        );
        assert_eq!(slug("Ärger <script>"), "rger-script");
        assert_eq!(anchor("sla", "日本"), "sla");
    }

    #[test]
    fn clashing_anchors_are_told_apart_by_name_not_by_order() {
        let a = unique(vec![
            (1, "definition-mql".to_string(), "mql"),
            (2, "definition-mql".to_string(), "MQL"),
            (3, "score-fit".to_string(), "fit"),
        ]);
        let b = unique(vec![
            (2, "definition-mql".to_string(), "MQL"),
            (3, "score-fit".to_string(), "fit"),
            (1, "definition-mql".to_string(), "mql"),
        ]);
        assert_eq!(a, b);
        assert_eq!(a[&2], "definition-mql");
        assert_eq!(a[&1], "definition-mql--2");
        assert_eq!(a[&3], "score-fit");
    }
}
