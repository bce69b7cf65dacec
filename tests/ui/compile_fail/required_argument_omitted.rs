//! `role` is required by the spec: the constructor takes it, so it cannot be left out.
use claude_code_connector::generated::args::UpdateUserRoleArgs;

fn main() {
    let _ = UpdateUserRoleArgs::new("user_01");
}
