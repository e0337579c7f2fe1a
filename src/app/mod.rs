//! The subcommands.

pub mod doctor;
pub mod install_hook;
