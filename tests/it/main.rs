//! The integration tests, as one test binary (one link of the dependencies instead of one per
//! file, as ripgrep's tests/tests.rs does): one module per area. `common` holds the helpers:
//! the real binary, temp trees, real git repositories, fake keys, a local HTTP server.

mod common;

mod action;
mod architecture;
mod bad_input;
mod baseline;
mod config;
mod doctor;
mod exposure;
mod fuzz_regressions;
mod git_history;
mod hook;
mod hygiene;
mod no_leak;
mod notebook;
mod precommit;
mod rule_checks;
mod rules;
mod scan;
mod staged;
mod suppress;
mod verify;
