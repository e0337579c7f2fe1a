//! A finding's message and notes, put together at report time from what detection said (the
//! summary) and what the later stages established (its annotations).

use crate::model::finding::{Annotation, Finding, EXPOSED};

/// The message: the summary, then what each annotation adds, in the order they were made.
pub fn message(f: &Finding) -> String {
    let mut m = f.summary.clone();
    for a in &f.annotations {
        match a {
            Annotation::Fact(fact) => m.push_str(&format!(" ({fact})")),
            Annotation::PublicByDesign(why) => m.push_str(&format!(" (public by design: {why})")),
            Annotation::Base64 => m.push_str(" (base64-encoded)"),
            Annotation::NotebookCell(cell) => m.push_str(&format!(" {cell}")),
            Annotation::PublicVariable {
                var,
                framework,
                prefix,
            } => m.push_str(&format!(
                " assigned to {var}: {framework} inlines {prefix} variables into the browser bundle, so {EXPOSED}"
            )),
            Annotation::ShippedToBrowsers(place) => m.push_str(&format!(" {place}: {EXPOSED}")),
            Annotation::HistoryOnly => m.push_str(" (only in git history)"),
        }
    }
    m
}

/// Extra facts: the key's own rule when the finding is reported under a check, then the
/// stages' notes.
pub fn notes(f: &Finding) -> Vec<String> {
    let mut out = Vec::with_capacity(f.notes.len() + 1);
    if let (Some(_), Some(rule)) = (f.exposed_as(), f.key_rule()) {
        out.push(format!("key rule: {rule}"));
    }
    out.extend(f.notes.iter().cloned());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::finding::Origin;
    use crate::model::rule::builtin_rules;

    #[test]
    fn annotations_read_in_the_order_they_were_made() {
        let rule = builtin_rules().into_iter().next().unwrap();
        let mut f = Finding::for_secret(&rule, "x", "a.env", 1, 1, Origin::WorkingTree);
        f.add_fact("role anon");
        f.annotate(Annotation::Base64);
        f.annotate(Annotation::HistoryOnly);
        assert_eq!(
            message(&f),
            format!(
                "{} (role anon) (base64-encoded) (only in git history)",
                f.summary
            )
        );
        assert!(notes(&f).is_empty());
        f.annotate(Annotation::PublicVariable {
            var: "VITE_KEY".into(),
            framework: "Vite",
            prefix: "VITE_",
        });
        assert_eq!(f.rule_id(), "client-exposed-env");
        assert_eq!(f.key_rule(), Some(rule.id.as_str()));
        assert_eq!(notes(&f), vec![format!("key rule: {}", rule.id)]);
        assert!(message(&f).contains("assigned to VITE_KEY: Vite inlines VITE_ variables"));
    }
}
