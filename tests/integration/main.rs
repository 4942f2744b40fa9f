//! Integration tests: every test that solves also runs the independent checker on the plan,
//! through the plan file format.

mod builder;
mod cli;
mod exact;
mod field;
mod fuzz;
mod helpers;
mod instances;
mod malformed;
mod properties;
mod replan;
mod report;
mod roads;
mod service;
mod watch;
