//! The read-only client exposes only read-only tools: a write cannot be expressed.
use claude_code_connector::generated::args::RemoveUserArgs;
use claude_code_connector::generated::client::ReadOnlyClient;

async fn remove(client: &ReadOnlyClient) {
    let _ = client.remove_user(&RemoveUserArgs::new("user_01")).await;
}

fn main() {
    let _ = remove;
}
