//! The `fieldsched` command.

fn main() {
    std::process::exit(fieldsched::cli::main());
}
