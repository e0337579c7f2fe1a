//! The integration tests, as one test binary (one link of the dependencies instead of one per
//! file, as ripgrep's tests/tests.rs does): one module per area. `common` holds the helpers:
//! the real binary, temp trees, real git repositories, fake keys, a local HTTP server.

mod common;

mod action;
mod action_install;
mod architecture;
mod bad_input;
mod baseline;
mod baseline_discovery;
mod config;
mod connection_strings;
mod decoys;
mod dependencies;
mod doctor;
mod doctor_errors;
mod env_everywhere;
mod exposure;
mod framework_exposure;
mod fuzz_regressions;
mod git_history;
mod hook;
#[cfg(unix)]
mod hostile;
mod hygiene;
mod jwt_claims;
mod no_leak;
mod notebook;
mod packaging;
mod precommit;
mod progress;
mod public_values;
mod release;
mod report_scale;
mod rule_checks;
mod rules;
mod rules_check_cmd;
mod rules_cross_provider;
mod sarif_paths;
mod scan;
mod staged;
mod suppress;
mod verify;
mod verify_breadth;
mod verify_platforms;
mod verify_supabase;
mod webhooks_e2e;
