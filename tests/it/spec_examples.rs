//! The sandbox remembers writes to endpoints the fake answers from the spec's examples
//! (`tests/fixtures/spec_examples.yaml`: service accounts, which the fake does not
//! emulate), within a process, so what a user tries behaves like the API. Through MCP,
//! with the fixture's registry, against the fake as `--sandbox` serves it.

use claude_code_connector::pipeline::Connector;
use claude_code_connector::runtime::Http;
use fake_admin_api::{Dataset, FakeAdminApi};
use serde_json::{Value, json};

use crate::harness::{Harness, fast_config, text_of};

#[allow(dead_code, clippy::enum_variant_names)]
mod fixture {
    include!(concat!(env!("OUT_DIR"), "/spec_examples_fixture.rs"));
}

const ENDPOINTS: &str = include_str!(concat!(env!("OUT_DIR"), "/spec_examples_fixture_endpoints.json"));

async fn harness() -> Harness {
    let fake = FakeAdminApi::start(Dataset::empty()).await;
    let answered = fake.answer_from_spec(ENDPOINTS).expect("the fixture's endpoints");
    assert_eq!(answered.len(), 6, "the fake emulates none of the fixture's endpoints: {answered:?}");
    let http = Http::new(fast_config(&fake.base_url())).unwrap();
    let connector = Connector::with_registry(&fixture::tools::REGISTRY, http)
        .with_audit(None)
        .with_result_note("Sandbox data.")
        .with_example_tools(answered);
    Harness::serving(fake, connector).await
}

fn ids(page: &Value) -> Vec<&str> {
    page["data"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn an_archive_sets_archived_at_and_the_get_that_follows_sees_it() {
    let h = harness().await;
    let before = h.call("fixture_get_service_account", json!({"service_account_id": "svac_01"})).await;
    assert_eq!(before.structured_content.unwrap()["archived_at"], Value::Null, "the example starts active");
    let archived = h.call("fixture_archive_service_account", json!({"service_account_id": "svac_01"})).await;
    assert_ne!(archived.is_error, Some(true), "{}", text_of(&archived));
    let archived_at = archived.structured_content.unwrap()["archived_at"].clone();
    assert!(archived_at.is_string(), "the archive sets archived_at: {archived_at}");
    let after = h.call("fixture_get_service_account", json!({"service_account_id": "svac_01"})).await;
    assert_eq!(after.structured_content.unwrap()["archived_at"], archived_at, "and it stays set");
    let listed = h.call("fixture_list_service_accounts", json!({})).await.structured_content.unwrap();
    assert_eq!(listed["data"][0]["archived_at"], archived_at);
}

#[tokio::test]
async fn a_get_by_another_id_is_a_404_with_the_specs_wording() {
    let h = harness().await;
    let result = h.call("fixture_get_service_account", json!({"service_account_id": "svac_nobody"})).await;
    assert_eq!(result.is_error, Some(true), "{}", text_of(&result));
    let text = text_of(&result);
    assert!(text.contains("no service account `svac_nobody`") && text.contains("404"), "{text}");
    let archive = h.call("fixture_archive_service_account", json!({"service_account_id": "svac_nobody"})).await;
    assert_eq!(archive.is_error, Some(true), "an archive of nothing fails too: {}", text_of(&archive));
}

#[tokio::test]
async fn created_accounts_are_listed_renamed_and_deleted() {
    let h = harness().await;
    let created = h.call("fixture_create_service_account", json!({"name": "deploy-bot"})).await;
    assert_ne!(created.is_error, Some(true), "{}", text_of(&created));
    let created = created.structured_content.unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    assert_ne!(id, "svac_01", "a new account has an ID of its own");
    assert_eq!(created["name"], "deploy-bot");
    let page = h.call("fixture_list_service_accounts", json!({})).await.structured_content.unwrap();
    assert_eq!(ids(&page), ["svac_01", id.as_str()]);

    let renamed = h.call("fixture_update_service_account", json!({"service_account_id": id, "name": "ship-bot"})).await;
    assert_eq!(renamed.structured_content.unwrap()["name"], "ship-bot");
    let got = h.call("fixture_get_service_account", json!({"service_account_id": id})).await;
    assert_eq!(got.structured_content.unwrap()["name"], "ship-bot");

    let deleted = h.call("fixture_delete_service_account", json!({"service_account_id": id})).await;
    let deleted = deleted.structured_content.unwrap();
    assert_eq!(
        (deleted["id"].as_str(), deleted["type"].as_str()),
        (Some(id.as_str()), Some("service_account_deleted"))
    );
    let gone = h.call("fixture_get_service_account", json!({"service_account_id": id})).await;
    assert_eq!(gone.is_error, Some(true), "a deleted account is a 404: {}", text_of(&gone));
    let page = h.call("fixture_list_service_accounts", json!({})).await.structured_content.unwrap();
    assert_eq!(ids(&page), ["svac_01"]);
}
