//! The generated docs: the committed `docs/tools.md` and README table are what the spec
//! generates, the `docs` command writes and checks them, and every example in them works.
//! Nothing here names a tool: the spec keeps growing, the generated constants are the truth.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use claude_code_connector::docs::{self, FIX_COMMAND, README_PATH, TOOLS_MD_PATH};
use claude_code_connector::generated::{README_TOOLS, SCHEMAS_JSON, TOOLS_MD, tools::DEFINITIONS};
use serde_json::Value;

use crate::harness::{Harness, text_of};
use crate::tools::seed;

const BIN: &str = env!("CARGO_BIN_EXE_claude-code-connector");

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn committed(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap_or_else(|e| panic!("{path}: {e}; run: {FIX_COMMAND}"))
}

/// Where two texts first differ, for a failure message that fits on a screen.
fn first_difference(actual: &str, expected: &str) -> String {
    let (a, e): (Vec<&str>, Vec<&str>) = (actual.lines().collect(), expected.lines().collect());
    let line = (0..a.len().max(e.len())).find(|&i| a.get(i) != e.get(i)).unwrap_or(a.len());
    format!(
        "first difference at line {}:\n  committed: {:?}\n  generated: {:?}",
        line + 1,
        a.get(line).unwrap_or(&"<end of file>"),
        e.get(line).unwrap_or(&"<end of file>")
    )
}

#[test]
fn the_committed_docs_are_what_the_spec_generates() {
    let tools_md = committed(TOOLS_MD_PATH);
    assert!(
        tools_md == TOOLS_MD,
        "{TOOLS_MD_PATH} is stale (not what spec/admin-api.yaml generates); run: {FIX_COMMAND}\n{}",
        first_difference(&tools_md, TOOLS_MD)
    );
    let readme = committed(README_PATH);
    let section = docs::readme_section(&readme).unwrap_or_else(|problem| panic!("{README_PATH}: {problem}"));
    assert!(
        section == README_TOOLS,
        "{README_PATH}'s tool table is stale (not what spec/admin-api.yaml generates); run: {FIX_COMMAND}\n{}",
        first_difference(section, README_TOOLS)
    );
}

#[test]
fn the_generated_docs_cover_every_tool_in_registry_order() {
    let sections = tool_sections();
    let names: Vec<&str> = sections.iter().map(|s| s.name.as_str()).collect();
    let registry: Vec<&str> = DEFINITIONS.iter().map(|d| d.name).collect();
    assert_eq!(names, registry, "docs/tools.md has one section per tool, in tools/list order");
    let rows: Vec<&str> = README_TOOLS.lines().skip(2).collect();
    assert_eq!(rows.len(), DEFINITIONS.len(), "one README row per tool:\n{README_TOOLS}");
    for (row, definition) in rows.iter().zip(DEFINITIONS) {
        assert!(row.contains(&format!("[`{0}`](docs/tools.md#{0})", definition.name)), "{row}");
        let kind = match definition.kind.as_str() {
            "destructive" => "**destructive**",
            kind => kind,
        };
        assert!(row.ends_with(&format!("| {kind} |")), "{row}");
    }
    assert!(TOOLS_MD.starts_with("<!-- @generated") && TOOLS_MD.lines().next().unwrap().contains(FIX_COMMAND));
    for text in [TOOLS_MD, README_TOOLS] {
        assert!(text.ends_with('\n') && !text.ends_with("\n\n"), "exactly one trailing newline");
    }
}

/// A scratch directory under the target dir, fresh for each test.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("docs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run_docs(args: &[&str], root: &Path) -> (Output, String) {
    let output = Command::new(BIN)
        .arg(docs::DOCS_SUBCOMMAND)
        .args(args)
        .arg("--root")
        .arg(root)
        .env_remove("ANTHROPIC_ADMIN_API_KEY")
        .output()
        .expect("run the binary");
    assert!(output.stdout.is_empty(), "docs prints nothing on stdout");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output, stderr)
}

#[test]
fn the_docs_command_regenerates_stale_docs_byte_for_byte_and_checks_them() {
    let root = scratch("regenerate");
    let stale_readme = docs::render_readme(&committed(README_PATH), "| an | old | table |\n").unwrap();
    std::fs::write(root.join(README_PATH), &stale_readme).unwrap();

    let (check, stderr) = run_docs(&["--check"], &root);
    assert_eq!(check.status.code(), Some(1), "stale docs fail the check: {stderr}");
    assert!(stderr.contains(FIX_COMMAND), "the check says how to fix it: {stderr}");
    assert!(stderr.contains(TOOLS_MD_PATH) && stderr.contains(README_PATH), "names the stale files: {stderr}");
    assert_eq!(std::fs::read_to_string(root.join(README_PATH)).unwrap(), stale_readme, "--check changes nothing");
    assert!(!root.join(TOOLS_MD_PATH).exists(), "--check changes nothing");

    let (write, stderr) = run_docs(&[], &root);
    assert!(write.status.success(), "{stderr}");
    assert!(stderr.contains(TOOLS_MD_PATH) && stderr.contains(README_PATH), "says what it wrote: {stderr}");
    assert_eq!(std::fs::read(root.join(TOOLS_MD_PATH)).unwrap(), committed(TOOLS_MD_PATH).as_bytes());
    assert_eq!(std::fs::read(root.join(README_PATH)).unwrap(), committed(README_PATH).as_bytes());

    let (check, stderr) = run_docs(&["--check"], &root);
    assert_eq!(check.status.code(), Some(0), "fresh docs pass the check: {stderr}");
    let (again, stderr) = run_docs(&[], &root);
    assert!(again.status.success() && stderr.contains("up to date") && !stderr.contains("wrote"), "{stderr}");

    std::fs::write(root.join(TOOLS_MD_PATH), "edited by hand\n").unwrap();
    let (check, stderr) = run_docs(&["--check"], &root);
    assert_eq!(check.status.code(), Some(1), "{stderr}");
    let readme_shown = root.join(README_PATH).display().to_string();
    assert!(stderr.contains(TOOLS_MD_PATH) && !stderr.contains(&readme_shown), "only the edited file: {stderr}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn the_docs_command_refuses_a_readme_without_markers_and_a_missing_readme() {
    let root = scratch("markers");
    let (output, stderr) = run_docs(&[], &root);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(README_PATH), "{stderr}");

    std::fs::write(root.join(README_PATH), "# A README without the markers\n").unwrap();
    for args in [&["--check"][..], &[]] {
        let (output, stderr) = run_docs(args, &root);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("begin marker is missing") && stderr.contains(docs::README_BEGIN), "{stderr}");
    }
    assert!(!root.join(TOOLS_MD_PATH).exists(), "nothing is written when the README cannot be");
    let _ = std::fs::remove_dir_all(&root);
}

/// One tool's part of `docs/tools.md`: its name, example call and example result.
struct Section {
    name: String,
    call: Value,
    result: Option<Value>,
}

fn json_block_after(text: &str, label: &str) -> Option<Value> {
    let rest = &text[text.find(label)?..];
    let start = rest.find("```json\n")? + "```json\n".len();
    let end = start + rest[start..].find("\n```")?;
    Some(serde_json::from_str(&rest[start..end]).unwrap_or_else(|e| panic!("{label}: not JSON ({e})")))
}

fn tool_sections() -> Vec<Section> {
    let tools_part = TOOLS_MD.split("\n## Prompts").next().unwrap_or(TOOLS_MD);
    tools_part
        .split("\n### ")
        .skip(1)
        .map(|section| {
            let heading = section.lines().next().unwrap();
            let name = heading.rsplit_once(": `").and_then(|(_, n)| n.strip_suffix('`')).unwrap_or(heading);
            let call =
                json_block_after(section, "**Example call**").unwrap_or_else(|| panic!("{name}: no example call"));
            assert_eq!(call["name"], name, "the example call names its tool");
            Section { name: name.to_string(), call, result: json_block_after(section, "**Example result**") }
        })
        .collect()
}

#[tokio::test]
async fn every_example_call_passes_the_tools_argument_checks() {
    let h = Harness::start(seed()).await;
    for section in tool_sections() {
        let result = h.call(&section.name, section.call["arguments"].clone()).await;
        let text = text_of(&result);
        assert!(!text.contains("invalid argument"), "{}: the example call is refused: {text}", section.name);
    }
}

#[test]
fn every_example_result_fits_the_tools_output_schema() {
    let schemas: Value = serde_json::from_str(SCHEMAS_JSON).unwrap();
    let mut checked = 0;
    for section in tool_sections() {
        let schema = &schemas[&section.name]["outputSchema"];
        match &section.result {
            Some(result) => {
                assert!(schema.is_object(), "{}: an example result without an outputSchema", section.name);
                if let Err(problem) = fits(result, schema, "$") {
                    panic!("{}: the example result does not fit the outputSchema: {problem}", section.name);
                }
                checked += 1;
            }
            None => assert!(schema.is_null(), "{}: an HTTP tool without an example result", section.name),
        }
    }
    assert!(checked > 0);
}

/// A small JSON Schema check: `type`, `enum`, `properties`, `required`, `items`,
/// `additionalProperties` and `anyOf`, the keywords the output schemas use. Stricter
/// than JSON Schema on one point: a field its object's `properties` do not name fails
/// unless `additionalProperties` is a schema (so an undeclared field is found).
pub(crate) fn fits(value: &Value, schema: &Value, at: &str) -> Result<(), String> {
    if let Some(options) = schema.get("anyOf").and_then(Value::as_array) {
        return match options.iter().any(|s| fits(value, s, at).is_ok()) {
            true => Ok(()),
            false => Err(format!("{at}: {value} matches no option of anyOf")),
        };
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array)
        && !values.contains(value)
    {
        return Err(format!("{at}: {value} is none of {values:?}"));
    }
    if let Some(ty) = schema.get("type") {
        let types: Vec<&str> = match ty {
            Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
            other => other.as_str().into_iter().collect(),
        };
        let ok = types.iter().any(|t| match *t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "null" => value.is_null(),
            _ => true,
        });
        if !ok {
            return Err(format!("{at}: {value} is not of type {ty}"));
        }
    }
    if let Some(object) = value.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        for name in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
            let name = name.as_str().unwrap_or_default();
            if !object.contains_key(name) {
                return Err(format!("{at}: the required field `{name}` is missing"));
            }
        }
        for (name, field) in object {
            let here = format!("{at}.{name}");
            match (properties.and_then(|p| p.get(name)), schema.get("additionalProperties")) {
                (Some(field_schema), _) => fits(field, field_schema, &here)?,
                (None, Some(extra)) if extra.is_object() => fits(field, extra, &here)?,
                (None, Some(Value::Bool(true))) => {}
                (None, _) if properties.is_some() => return Err(format!("{here}: not in the schema")),
                (None, _) => {}
            }
        }
    }
    if let (Some(items), Some(schema)) = (value.as_array(), schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            fits(item, schema, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}
