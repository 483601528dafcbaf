//! Writing a connection into the format-preserving document: only the keys that changed are
//! touched, and a changed value keeps its comment and spacing.

use crate::model::Connection;
use indexmap::IndexMap;
use toml_edit::{InlineTable, Item, TableLike, Value};

/// Replaces a value but keeps its decor (trailing comment, spacing): plain assignment drops it.
pub(super) fn set_keep_decor(t: &mut dyn TableLike, key: &str, v: &str) {
    match t.get_mut(key).and_then(|i| i.as_value_mut()) {
        Some(old) if old.as_str() == Some(v) => {}
        Some(old) => {
            let decor = old.decor().clone();
            *old = v.into();
            *old.decor_mut() = decor;
        }
        None => {
            t.insert(key, toml_edit::value(v));
        }
    }
}

pub(super) fn write_map(t: &mut dyn TableLike, key: &str, map: &IndexMap<String, String>) {
    if map.is_empty() {
        t.remove(key);
        return;
    }
    if t.get(key).and_then(|i| i.as_table_like()).is_none() {
        t.insert(key, Item::Value(Value::InlineTable(InlineTable::new())));
    }
    // Made a table just above: the else is never taken.
    let Some(sub) = t.get_mut(key).and_then(|i| i.as_table_like_mut()) else {
        return;
    };
    let stale: Vec<String> = sub
        .iter()
        .map(|(k, _)| k.to_string())
        .filter(|k| !map.contains_key(k))
        .collect();
    for k in stale {
        sub.remove(&k);
    }
    for (k, v) in map {
        set_keep_decor(sub, k, v);
    }
}

pub(super) fn write_connection(t: &mut dyn TableLike, c: &Connection) {
    set_keep_decor(t, "type", c.type_id());
    let stale: Vec<String> = t
        .iter()
        .map(|(k, _)| k.to_string())
        .filter(|k| {
            !matches!(k.as_str(), "type" | "configs" | "secrets") && !c.values.contains_key(k)
        })
        .collect();
    for k in stale {
        t.remove(&k);
    }
    // New keys follow the catalogue's field order, so hand-made and generated files look alike.
    let order: Vec<&str> = c.spec().fields.iter().map(|f| f.key.as_str()).collect();
    let mut keys: Vec<&String> = c.values.keys().collect();
    keys.sort_by_key(|k| order.iter().position(|o| o == k).unwrap_or(usize::MAX));
    for k in keys {
        set_keep_decor(t, k, &c.values[k]);
    }
    write_map(t, "configs", &c.configs);
    let records: IndexMap<String, String> = c
        .secrets
        .iter()
        .filter(|(_, r)| !r.is_pending())
        .map(|(k, r)| (k.clone(), r.to_file_text()))
        .collect();
    write_map(t, "secrets", &records);
}
