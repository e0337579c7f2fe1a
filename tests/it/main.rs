//! The integration tests, as one test binary (one link of the dependencies instead of one per
//! file, as ripgrep's tests/tests.rs does): one module per area. `common` holds the helpers:
//! the real binary, temp trees, real git repositories, fake keys, a local HTTP server.

mod common;

mod action;
mod architecture;
mod bad_input;
mod baseline;
mod config;
mod connection_strings;
mod dependencies;
mod doctor;
mod exposure;
mod fuzz_regressions;
mod git_history;
mod hook;
mod hygiene;
mod jwt_claims;
mod no_leak;
mod notebook;
mod precommit;
mod public_values;
mod report_scale;
mod rule_checks;
mod rules;
mod rules_check_cmd;
mod rules_cross_provider;
mod scan;
mod staged;
mod suppress;
mod verify;
mod verify_breadth;
mod verify_platforms;
mod verify_supabase;
mod webhooks_e2e;
