//! The committed `openapi/openapi.json` is exactly what the server generates.
//! Regenerate with `UPDATE_OPENAPI=1 cargo test -p backend --test api openapi`.

use std::path::PathBuf;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../openapi/openapi.json")
}

#[test]
fn committed_openapi_document_is_up_to_date() {
    let generated = pocket_id::app::openapi()
        .to_pretty_json()
        .expect("serializable")
        + "\n";
    let path = committed_path();
    if std::env::var("UPDATE_OPENAPI").as_deref() == Ok("1") {
        std::fs::write(&path, &generated).expect("write openapi.json");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `UPDATE_OPENAPI=1 cargo test -p backend --test api openapi` and commit it"
    );
}

#[test]
fn document_is_openapi_3_1_and_lists_the_routes() {
    let doc: serde_json::Value =
        serde_json::from_str(&pocket_id::app::openapi().to_json().unwrap()).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["title"], "Pocket ID");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    for (path, method) in [
        ("/healthz", "get"),
        ("/api/application-configuration", "get"),
    ] {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} undocumented");
        assert!(
            op["operationId"].is_string(),
            "{method} {path} has no operationId"
        );
    }
    assert!(doc["components"]["schemas"]["ApiError"].is_object());
}

/// Every `$ref` names a schema of the document (a dangling one breaks generated clients and
/// OpenAPI validators).
#[test]
fn every_schema_reference_resolves() {
    fn refs<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(|r| r.as_str()) {
                    out.push(r);
                }
                m.values().for_each(|x| refs(x, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let doc: serde_json::Value =
        serde_json::from_str(&pocket_id::app::openapi().to_json().unwrap()).unwrap();
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(!found.is_empty());
    for r in found {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected reference {r}"));
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{r} points nowhere"
        );
    }
}
