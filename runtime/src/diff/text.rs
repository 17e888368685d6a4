//! The report for people: a summary line, then one line per change, breaking ones first.

use std::fmt::Write;

use super::{Change, ChangeReport, ChangeSeverity};

impl ChangeReport {
    /// Renders the report as text: a summary line, then one line per change, errors first,
    /// then warnings, then the rest (each group in the report's own order).
    ///
    /// ```
    /// use openapi_tools_runtime::diff::ChangeReport;
    /// let report = ChangeReport {
    ///     from_version: "1".into(), to_version: "2".into(), added: vec![], removed: vec![],
    ///     updated: vec![], unchanged: 3, breaking: false, changes: vec![],
    /// };
    /// assert_eq!(report.to_text(), "1 -> 2: 0 added, 0 removed, 0 updated, 3 unchanged; no changes\n");
    /// ```
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let breaking = self.changes.iter().filter(|c| c.breaking).count();
        let verdict = match (self.changes.is_empty(), breaking) {
            (true, _) => "no changes".to_owned(),
            (false, 0) => "no breaking changes".to_owned(),
            (false, 1) => "1 breaking change".to_owned(),
            (false, n) => format!("{n} breaking changes"),
        };
        let _ = writeln!(
            out,
            "{} -> {}: {} added, {} removed, {} updated, {} unchanged; {verdict}",
            self.from_version,
            self.to_version,
            self.added.len(),
            self.removed.len(),
            self.updated.len(),
            self.unchanged,
        );
        for severity in [
            ChangeSeverity::Error,
            ChangeSeverity::Warning,
            ChangeSeverity::Info,
        ] {
            for change in self.changes.iter().filter(|c| c.severity == severity) {
                line(&mut out, change);
            }
        }
        out
    }
}

fn line(out: &mut String, c: &Change) {
    let _ = write!(out, "{:<7} {}: {}", c.severity.as_str(), c.tool, c.kind);
    if let Some(param) = &c.param {
        let _ = write!(out, " `{param}`");
        match (&c.location, &c.wire_name) {
            (Some(loc), Some(wire)) => {
                let _ = write!(out, " ({loc} `{wire}`)");
            }
            (Some(loc), None) => {
                let _ = write!(out, " ({loc})");
            }
            _ => {}
        }
    }
    if let Some(ptr) = c.pointer.as_deref().filter(|p| !p.is_empty()) {
        let _ = write!(out, " at {ptr}");
    }
    let _ = write!(out, ": {}", c.detail);
    if c.cause.is_some() {
        let _ = write!(out, " [tool modelling, not an API change]");
    }
    let _ = writeln!(out);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::testkit::{body, locate, manifest, tool, with_schema};
    use crate::diff::diff;
    use crate::manifest::{HttpMethod, ParamLocation};

    /// Petstore v1 -> v2 with one change of most kinds, as the CLI would print it.
    fn petstore_report() -> crate::diff::ChangeReport {
        let mut get_v1 = tool(
            "getPet",
            HttpMethod::Get,
            "/pets/{id}",
            json!({"id": {"type": "string"}}),
            &["id"],
        );
        locate(&mut get_v1, "id", ParamLocation::Path);
        let mut get_v2 = tool(
            "showPetById",
            HttpMethod::Get,
            "/pets/{id}",
            json!({"id": {"type": "string"}}),
            &["id"],
        );
        locate(&mut get_v2, "id", ParamLocation::Path);

        let list = |limit_max: u64, status: serde_json::Value, extra: bool| {
            let mut props = json!({
                "limit": {"type": "integer", "maximum": limit_max, "default": 20},
                "status": {"type": "string", "enum": status},
            });
            if extra {
                props["sort"] = json!({"type": "string"});
            }
            tool("listPets", HttpMethod::Get, "/pets", props, &[])
        };

        let create = |v2: bool| {
            let pet = if v2 {
                json!({"type": "object", "additionalProperties": false,
                       "properties": {"name": {"type": "string", "maxLength": 50}, "age": {"type": "integer"}, "tag": {"type": ["string", "null"]}},
                       "required": ["name", "age"]})
            } else {
                json!({"type": "object", "additionalProperties": false,
                       "properties": {"name": {"type": "string", "maxLength": 100}, "age": {"type": "string"}, "tag": {"type": "string"}},
                       "required": ["name"]})
            };
            let schema = json!({"type": "object", "additionalProperties": false,
                "properties": {"pet": {"$ref": "#/$defs/Pet"}}, "required": ["pet"], "$defs": {"Pet": pet}});
            let mut t = with_schema(
                "createPet",
                HttpMethod::Post,
                if v2 { "/v2/pets" } else { "/pets" },
                schema,
            );
            locate(&mut t, "pet", ParamLocation::Body);
            t.body = body(true, false);
            t
        };

        let mut delete_v2 = tool(
            "deletePet",
            HttpMethod::Delete,
            "/pets/{id}",
            json!({"id": {"type": "string"}}),
            &["id"],
        );
        delete_v2.deprecated = true;
        let delete_v1 = tool(
            "deletePet",
            HttpMethod::Delete,
            "/pets/{id}",
            json!({"id": {"type": "string"}}),
            &["id"],
        );

        let v1 = manifest(
            "1.0.0",
            vec![
                get_v1,
                list(100, json!(["available", "sold"]), false),
                create(false),
                delete_v1,
            ],
        );
        let v2 = manifest(
            "2.0.0",
            vec![
                get_v2,
                list(50, json!(["available", "pending"]), true),
                create(true),
                delete_v2,
            ],
        );
        diff(&v1, &v2)
    }

    #[test]
    fn petstore_text_report() {
        insta::assert_snapshot!(petstore_report().to_text());
    }

    #[test]
    fn petstore_json_report() {
        insta::assert_json_snapshot!(petstore_report());
    }
}
