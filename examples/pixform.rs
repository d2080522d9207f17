//! The pixform command-line tool (filled in with the engine).
fn main() {}
