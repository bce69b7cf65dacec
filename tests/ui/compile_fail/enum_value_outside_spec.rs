//! The spec refuses `admin` for update_user_role: the enum has no such variant.
use claude_code_connector::generated::args::{UpdateUserRoleArgs, UpdateUserRoleRole};

fn main() {
    let _ = UpdateUserRoleArgs::new("user_01", UpdateUserRoleRole::Admin);
}
