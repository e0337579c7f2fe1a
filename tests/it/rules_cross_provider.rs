//! Cross-check of the built-in rules: no example of one provider is reported as another
//! provider's key, neither in the example's own text nor when the key stands alone (bare, in a
//! neutral assignment, in JSON), where only its format can speak for it.

use keyhound::engine::{Engine, ScanHints};
use keyhound::rules::builtin_rules;
use keyhound::testkeys::{expand, seed_for};

const SEEDS: u64 = 6;

#[test]
fn no_example_is_reported_as_another_providers_key() {
    let engine = Engine::new(builtin_rules()).expect("built-in rules load");
    engine.compile_all().expect("built-in rules compile");
    let rules = engine.rules();
    let mut failures = Vec::new();
    let mut checked = 0;
    for rule in rules {
        for (n, template) in rule.examples.iter().enumerate() {
            for s in 0..SEEDS {
                let text = expand(template, seed_for(&format!("cross#{}#{n}#{s}", rule.id)));
                let found = engine.scan(text.as_bytes(), ScanHints::default());
                for m in &found {
                    let other = &rules[m.rule];
                    if other.provider != rule.provider {
                        failures.push(format!(
                            "{} example {n}: {text:?} is reported as {} ({})",
                            rule.id, other.id, other.provider
                        ));
                    }
                }
                // The key alone, where nothing but its format identifies it. Name-anchored rules
                // then find nothing, which is right; what must not happen is another provider's
                // rule claiming it.
                // A password inside a connection URI can be any provider's credential (a
                // PlanetScale password in a mysql:// URI is both): URI rules are not checked alone.
                let uri_rule = rule.keywords.iter().any(|k| k.contains("://"));
                for m in found
                    .iter()
                    .filter(|m| !uri_rule && m.rule_is(rules, &rule.id))
                {
                    for neutral in [
                        m.secret.clone(),
                        format!("value = \"{}\"", m.secret),
                        format!("{{\"v\": \"{}\"}}\n", m.secret),
                    ] {
                        checked += 1;
                        for x in engine.scan(neutral.as_bytes(), ScanHints::default()) {
                            let other = &rules[x.rule];
                            if other.provider != rule.provider && other.provider != "generic" {
                                failures.push(format!(
                                    "{} example {n}: the bare key in {neutral:?} is reported as {} ({})",
                                    rule.id, other.id, other.provider
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 1000, "only {checked} bare keys checked");
    assert!(
        failures.is_empty(),
        "{} cross-provider reports:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

trait RuleIs {
    fn rule_is(&self, rules: &[keyhound::rules::Rule], id: &str) -> bool;
}

impl RuleIs for keyhound::engine::Match {
    fn rule_is(&self, rules: &[keyhound::rules::Rule], id: &str) -> bool {
        rules[self.rule].id == id
    }
}

/// Keys that share a prefix with another provider's: each goes to its own provider.
#[test]
fn shared_prefixes_go_to_the_right_provider() {
    let engine = Engine::new(builtin_rules()).unwrap();
    let cases = [
        // sk- + 48 alphanumerics near a Stability name is Stability's; with OpenAI's marker, OpenAI's.
        ("STABILITY_API_KEY=sk-{alnum:48}", "stability-api-key"),
        (
            "OPENAI_API_KEY=sk-{alnum:20}T3BlbkFJ{alnum:20}",
            "openai-user-key",
        ),
        ("DEEPSEEK_API_KEY=sk-{hex:32}", "deepseek-api-key"),
        (
            "LANGFUSE_SECRET_KEY=sk-lf-{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}",
            "langfuse-secret-key",
        ),
        (
            "HELICONE_API_KEY=sk-helicone-{lowernum:7}-{lowernum:7}-{lowernum:7}-{lowernum:7}",
            "helicone-api-key",
        ),
        (
            "ANTHROPIC_API_KEY=sk-ant-oat01-{urlsafe:93}AA",
            "anthropic-oauth-access-token",
        ),
        (
            "OPENAI_API_KEY=sk-my-bot-{urlsafe:74}T3BlbkFJ{urlsafe:75}",
            "openai-named-key",
        ),
        (
            "OPENAI_API_KEY=sk-proj-{urlsafe:74}T3BlbkFJ{urlsafe:73}",
            "openai-project-key",
        ),
        (
            "STRIPE_WEBHOOK_SECRET=whsec_{alnum:32}",
            "stripe-webhook-secret",
        ),
        (
            "GITHUB_CLIENT_SECRET={hex:40}",
            "github-oauth-client-secret",
        ),
        ("WANDB_API_KEY={hex:40}", "wandb-api-key-legacy"),
        ("DEEPGRAM_API_KEY={hex:40}", "deepgram-api-key"),
    ];
    for (template, want) in cases {
        let text = expand(template, seed_for(want));
        let found: Vec<String> = engine
            .scan(text.as_bytes(), ScanHints::default())
            .iter()
            .map(|m| engine.rules()[m.rule].id.clone())
            .collect();
        assert_eq!(found, [want], "{text}");
    }
}
