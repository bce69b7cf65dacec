//! `per_page` is an integer in the spec; a string does not compile.
use claude_code_connector::generated::args::ListUsersArgs;

fn main() {
    let _ = ListUsersArgs::new().with_per_page("20");
}
