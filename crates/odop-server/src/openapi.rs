use odop_protocol::{
    MAX_PULL_LIMIT, PATH_GI_REGISTRY, PATH_HEALTH, PATH_OPENAPI, PATH_PULL, PATH_PUSH,
    PATH_REFUSALS, PATH_WHOAMI, PROTOCOL_VERSION, VERSION_HEADER,
};
use serde_json::{json, Value};

/// The OpenAPI 3.1 document of every endpoint.
pub fn document() -> Value {
    let error = |what: &str| {
        json!({
            "description": what,
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
        })
    };
    let ok = |schema: &str| {
        json!({
            "description": "OK",
            "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } }
        })
    };
    let authed = |mut responses: serde_json::Map<String, Value>| {
        responses.insert(
            "401".into(),
            error("no token, or an unknown or revoked one"),
        );
        responses.insert(
            "429".into(),
            error("too many requests with this token; see Retry-After"),
        );
        responses.insert(
            "400".into(),
            error("a malformed request, or another protocol version"),
        );
        Value::Object(responses)
    };
    let map = |pairs: Vec<(&str, Value)>| -> serde_json::Map<String, Value> {
        pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
    };
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "ODOP central server",
            "version": PROTOCOL_VERSION.to_string(),
            "description": "Sync for ODOP Desk: each state department pushes its edits and pulls every change it may read. All /v1 routes need 'Authorization: Bearer TOKEN'.",
        },
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "parameters": {
                "Protocol": {
                    "name": VERSION_HEADER, "in": "header", "required": false,
                    "schema": { "type": "integer", "const": PROTOCOL_VERSION },
                    "description": "The sync protocol the client speaks."
                }
            },
            "schemas": schemas(),
        },
        "paths": {
            PATH_HEALTH: { "get": {
                "summary": "Liveness, without authentication",
                "responses": { "200": { "description": "OK", "content": { "application/json": { "schema": {
                    "type": "object", "required": ["status", "protocol"],
                    "properties": { "status": { "type": "string" }, "protocol": { "type": "integer" } } } } } } }
            }},
            PATH_OPENAPI: { "get": {
                "summary": "This document",
                "responses": { "200": { "description": "OK", "content": { "application/json": { "schema": { "type": "object" } } } } }
            }},
            PATH_WHOAMI: { "get": {
                "summary": "The account a token belongs to",
                "security": [{ "bearer": [] }],
                "parameters": [{ "$ref": "#/components/parameters/Protocol" }],
                "responses": authed(map(vec![("200", ok("Identity"))])),
            }},
            PATH_PUSH: { "post": {
                "summary": "Send a batch of mutations; each is answered applied, conflict or refused",
                "security": [{ "bearer": [] }],
                "parameters": [{ "$ref": "#/components/parameters/Protocol" }],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/PushRequest" } } } },
                "responses": authed(map(vec![
                    ("200", ok("PushResponse")),
                    ("403", error("the client id belongs to another account")),
                    ("409", error("another change under a number already answered: the client's database went back to an older copy; sync as a new client")),
                    ("413", error("the body or the batch is too large")),
                ])),
            }},
            PATH_PULL: { "get": {
                "summary": "Changes after a cursor, within the account's read scope",
                "security": [{ "bearer": [] }],
                "parameters": [
                    { "$ref": "#/components/parameters/Protocol" },
                    { "name": "cursor", "in": "query", "schema": { "type": "integer", "minimum": 0 } },
                    { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": MAX_PULL_LIMIT } },
                    { "name": "horizon", "in": "query", "schema": { "type": "integer", "minimum": 0 },
                        "description": "The horizon of the page that gave the cursor (0 when absent)" },
                    { "name": "epoch", "in": "query", "schema": { "type": "string" },
                        "description": "The epoch of the client's last page, when it has one" },
                    { "name": "client", "in": "query", "schema": { "type": "string" },
                        "description": "The client id its pushes are numbered under" },
                    { "name": "acked", "in": "query", "schema": { "type": "integer", "minimum": 0 },
                        "description": "The last of its pushes the server answered" },
                    { "name": "places", "in": "query", "schema": { "type": "string" },
                        "description": "The tag of the server's LGD lists the client holds ('none' for none); a last page answers with the lists when the server's tag differs" },
                    { "name": "gi", "in": "query", "schema": { "type": "string" },
                        "description": "The tag of the GI registry the client holds ('none' for none); a last page answers with the server's registry when it holds one and its tag differs" },
                ],
                "responses": authed(map(vec![
                    ("200", ok("PullResponse")),
                    ("410", error("pruning passed the cursor since the horizon sent: resync from 0")),
                ])),
            }},
            PATH_GI_REGISTRY: { "put": {
                "summary": "Replace the GI registry every desk takes at its next pull (central accounts only)",
                "security": [{ "bearer": [] }],
                "parameters": [{ "$ref": "#/components/parameters/Protocol" }],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/GiRegistry" } } } },
                "responses": authed(map(vec![
                    ("200", ok("GiPublished")),
                    ("403", error("the account is not a central one")),
                    ("413", error("the body is too large")),
                ])),
            }},
            PATH_REFUSALS: { "get": {
                "summary": "Refused writes the account may read, newest first",
                "security": [{ "bearer": [] }],
                "parameters": [
                    { "$ref": "#/components/parameters/Protocol" },
                    { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 1000 } },
                ],
                "responses": authed(map(vec![("200", { json!({
                    "description": "OK",
                    "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Refusal" } } } }
                }) })])),
            }},
        }
    })
}

fn schemas() -> Value {
    let any = json!({});
    let string = json!({ "type": "string" });
    let count = json!({ "type": "integer", "minimum": 0 });
    let state = json!({ "type": "integer", "minimum": 1, "maximum": 65535 });
    json!({
        "Error": { "type": "object", "required": ["code", "message"],
            "properties": { "code": string, "message": string } },
        "Identity": { "type": "object", "required": ["name", "role", "protocol"],
            "properties": { "name": string, "role": { "enum": ["central", "state-editor", "state-viewer"] },
                "state": state, "protocol": count } },
        "FieldChange": { "type": "object", "required": ["base", "new"],
            "properties": { "base": any, "new": any } },
        "Mutation": { "type": "object", "required": ["seq", "kind", "id", "op", "base_version"],
            "properties": { "seq": count, "kind": string, "id": string, "op": { "enum": ["put", "delete"] },
                "base_version": count,
                "fields": { "type": "object", "additionalProperties": { "$ref": "#/components/schemas/FieldChange" } },
                "resolves": { "type": "array", "items": string }, "at": string } },
        "PushRequest": { "type": "object", "required": ["client", "mutations"],
            "properties": { "client": string, "mutations": { "type": "array", "items": { "$ref": "#/components/schemas/Mutation" } } } },
        "Conflict": { "type": "object",
            "required": ["id", "kind", "row", "field", "base", "server", "client", "server_author", "client_author", "state", "at"],
            "properties": { "id": string, "kind": string, "row": string, "field": string, "base": any, "server": any,
                "client": any, "server_author": string, "client_author": string, "state": state, "at": string,
                "resolved_by": string } },
        "MutationResult": { "type": "object", "required": ["seq", "outcome"],
            "properties": { "seq": count, "outcome": { "enum": ["applied", "conflict", "refused"] },
                "version": count, "conflicts": { "type": "array", "items": { "$ref": "#/components/schemas/Conflict" } },
                "code": string, "reason": string } },
        "PushResponse": { "type": "object", "required": ["results", "last_seq"],
            "properties": { "results": { "type": "array", "items": { "$ref": "#/components/schemas/MutationResult" } },
                "last_seq": count } },
        "Change": { "type": "object", "required": ["type", "seq"],
            "description": "type row: kind, id, version, state, fields, author, at; tombstone: kind, id, version, state; departed: kind, id; conflict: the Conflict's fields",
            "properties": { "type": { "enum": ["row", "tombstone", "departed", "conflict"] }, "seq": count,
                "kind": string, "id": string, "version": count, "state": state,
                "fields": { "type": "object" }, "author": string, "at": string } },
        "PullResponse": { "type": "object", "required": ["changes", "cursor", "more", "epoch", "head", "horizon"],
            "properties": { "changes": { "type": "array", "items": { "$ref": "#/components/schemas/Change" } },
                "cursor": count, "more": { "type": "boolean" }, "epoch": string,
                "continues": { "type": "boolean", "description": "The history the client named with epoch, client and acked goes on here: no resync is needed" },
                "head": count, "horizon": count,
                "places": { "$ref": "#/components/schemas/PlacesUpdate" },
                "gi": { "$ref": "#/components/schemas/GiRegistry" } } },
        "GiRegistry": { "type": "object", "required": ["tag", "entries"],
            "description": "The GI registry's entries, and the tag they make (see gi_tag); never empty",
            "properties": { "tag": string, "entries": { "type": "array", "items": { "$ref": "#/components/schemas/GiListing" } } } },
        "GiListing": { "type": "object", "required": ["number", "name", "goods", "states"],
            "properties": { "number": count, "name": string, "goods": string,
                "states": { "type": "array", "items": state } } },
        "GiPublished": { "type": "object", "required": ["tag", "entries"],
            "properties": { "tag": string, "entries": count } },
        "PlacesUpdate": { "type": "object", "required": ["tag", "states", "districts"],
            "description": "The server's LGD lists: the states, and each district's state by district code",
            "properties": { "tag": string, "states": { "type": "array", "items": state },
                "districts": { "type": "array", "description": "[district code, state code] pairs",
                    "items": { "type": "array", "minItems": 2, "maxItems": 2, "items": { "type": "integer", "minimum": 0 } } },
                "state_names": { "type": "array", "description": "[state code, name, \"state\" or \"ut\"] for lists loaded with names",
                    "items": { "type": "array", "minItems": 3, "maxItems": 3 } },
                "district_names": { "type": "array", "description": "[district code, name] for lists loaded with names",
                    "items": { "type": "array", "minItems": 2, "maxItems": 2 } } } },
        "Refusal": { "type": "object", "required": ["client", "seq", "account", "code", "reason", "at"],
            "properties": { "client": string, "seq": count, "account": string, "code": string, "reason": string, "at": string } },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The schema of a pull page names exactly the fields a page is written with.
    #[test]
    fn the_pull_page_schema_has_every_field_of_a_page() {
        let page = odop_protocol::PullResponse {
            changes: vec![],
            cursor: 0,
            more: false,
            epoch: String::new(),
            continues: true,
            head: 0,
            horizon: 0,
            places: Some(odop_protocol::PlacesUpdate::default()),
            gi: Some(odop_protocol::GiRegistry::default()),
        };
        let mut written: Vec<String> = match serde_json::to_value(&page).unwrap() {
            Value::Object(fields) => fields.keys().cloned().collect(),
            other => panic!("a page is an object: {other}"),
        };
        let schema = &document()["components"]["schemas"]["PullResponse"];
        let mut described: Vec<String> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        described.sort();
        written.sort();
        assert_eq!(described, written);
        // Every field but `continues`, `places` and `gi`, which a page leaves out unless it has
        // them.
        let mut required: Vec<&str> = schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        required.sort_unstable();
        written.retain(|f| f != "continues" && f != "places" && f != "gi");
        assert_eq!(required, written);
    }

    /// The reference lists' schemas name exactly the fields they are written with.
    #[test]
    fn the_reference_list_schemas_have_every_field() {
        let places = odop_protocol::PlacesUpdate {
            state_names: vec![(9, "Uttar Pradesh".into(), "state".into())],
            district_names: vec![(187, "Varanasi".into())],
            ..odop_protocol::PlacesUpdate::default()
        };
        let registry = odop_protocol::GiRegistry {
            tag: "1gi-0".into(),
            entries: vec![odop_protocol::GiListing {
                number: 1,
                name: "Basmati".into(),
                goods: "Agricultural".into(),
                states: vec![9],
            }],
        };
        let published = odop_protocol::GiPublished {
            tag: "1gi-0".into(),
            entries: 1,
        };
        let fields = |value: Value| -> Vec<String> {
            let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
            keys.sort();
            keys
        };
        let schemas = &document()["components"]["schemas"];
        for (name, written) in [
            ("PlacesUpdate", serde_json::to_value(&places).unwrap()),
            ("GiRegistry", serde_json::to_value(&registry).unwrap()),
            (
                "GiListing",
                serde_json::to_value(&registry.entries[0]).unwrap(),
            ),
            ("GiPublished", serde_json::to_value(&published).unwrap()),
        ] {
            assert_eq!(
                fields(schemas[name]["properties"].clone()),
                fields(written),
                "{name}"
            );
        }
    }

    #[test]
    fn every_route_is_documented_and_every_reference_resolves() {
        let doc = document();
        for (method, path) in crate::ROUTES {
            assert!(
                doc["paths"][path][method].is_object(),
                "{method} {path} is missing from the OpenAPI document"
            );
        }
        let text = doc.to_string();
        for part in text.split("\"$ref\":\"#/components/").skip(1) {
            let target = part.split('"').next().unwrap_or_default();
            let mut node = &doc["components"];
            for step in target.split('/') {
                node = &node[step];
            }
            assert!(node.is_object(), "{target} is referenced but not defined");
        }
    }
}
