//! What the dated data (assets/lifecycle.toml) says about a stored connection, offline: its
//! api-version retired or retiring, and the model it runs (recorded in aiconn's own
//! `model_name` / `model_version` fields when it came from Azure, or named by `test`'s answer)
//! retired or retiring, with the replacement.

use super::lifecycle::{Urgency, known_api_version, model_entry, notice};
use crate::catalogue::Role;
use crate::model::Connection;
use serde::Serialize;

/// A dated problem with a stored connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConnNotice {
    pub connection: String,
    /// The field it is about (`api_version`, the endpoint field, `model_name`).
    pub field: String,
    pub text: String,
    pub urgency: Urgency,
    pub source: String,
}

/// A model as Azure names it: `gpt-4o` at version `2024-11-20`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelId {
    pub name: String,
    pub version: Option<String>,
}

impl ModelId {
    /// The model recorded in the connection's own fields, if any.
    pub fn recorded(conn: &Connection) -> Option<ModelId> {
        let spec = conn.spec();
        let value = |role| {
            let f = spec.role(role)?;
            let v = conn.values.get(&f.key)?.trim();
            (!v.is_empty()).then(|| v.to_string())
        };
        Some(ModelId {
            name: value(Role::ModelName)?,
            version: value(Role::ModelVersion),
        })
    }

    /// The `model` of an answer, as Azure writes it: the version appended to the name
    /// (`gpt-4o-2024-11-20`, `gpt-4-0613`); a name without one (`gpt-35-turbo`) has none.
    pub fn from_answer(model: &str) -> ModelId {
        let m = model.trim();
        let split = |n: usize| {
            let (name, version) = m.split_at(m.len() - n);
            name.strip_suffix('-')
                .filter(|n| !n.is_empty())
                .map(|name| (name, version))
        };
        let dated = (m.len() > 11)
            .then(|| split(10))
            .flatten()
            .filter(|(_, v)| super::lifecycle::parse_day(v).is_some());
        let numbered = (m.len() > 5)
            .then(|| split(4))
            .flatten()
            .filter(|(_, v)| v.bytes().all(|b| b.is_ascii_digit()));
        match dated.or(numbered) {
            Some((name, version)) => ModelId {
                name: name.to_string(),
                version: Some(version.to_string()),
            },
            None => ModelId {
                name: m.to_string(),
                version: None,
            },
        }
    }

    /// The same model, where a side that names no version matches any version.
    pub fn same_as(&self, other: &ModelId) -> bool {
        self.name.eq_ignore_ascii_case(&other.name)
            && match (&self.version, &other.version) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                _ => true,
            }
    }

    /// "gpt-4o 2024-11-20".
    pub fn words(&self) -> String {
        match &self.version {
            Some(v) => format!("{} {v}", self.name),
            None => self.name.clone(),
        }
    }

    /// The data's notice for this model ("model gpt-4 0613 retired on 2025-06-06; replacement:
    /// ..."), with its urgency and source; `None` when the data does not date it.
    pub fn notice(&self, conn: &str, today: i64) -> Option<ConnNotice> {
        let m = model_entry(&self.name, self.version.as_deref())?;
        let (when, urgency) = notice(&m.retired, today)?;
        let mut text = format!("model {} {when}", self.words());
        if let (true, Some(r)) = (urgency != Urgency::Later, &m.replacement) {
            text.push_str(&format!("; replacement: {r}"));
        }
        Some(ConnNotice {
            connection: conn.to_string(),
            field: model_field(),
            text,
            urgency,
            source: m.source.clone(),
        })
    }
}

/// The key of the model field (the same in every type that has one).
fn model_field() -> String {
    "model_name".into()
}

/// What the dated data says about `conn`: its `api_version` (stored, default, or in the
/// endpoint's query) retired or retiring, with the one to use; its recorded model retired or
/// retiring, with the replacement.
pub fn connection_notices(conn: &Connection, today: i64) -> Vec<ConnNotice> {
    let mut out = api_version_notices(conn, today);
    if let Some(n) = ModelId::recorded(conn).and_then(|m| m.notice(&conn.name, today)) {
        out.push(n);
    }
    out
}

fn api_version_notices(conn: &Connection, today: i64) -> Vec<ConnNotice> {
    let mut versions: Vec<(String, String)> = Vec::new();
    if let (Some(k), Some((v, _))) = (
        conn.role_key(Role::ApiVersion),
        conn.effective_role(Role::ApiVersion),
    ) {
        versions.push((k.into(), v));
    }
    let spec = conn.spec();
    for f in spec.url_fields() {
        if let Some((url, _)) = conn.effective(&f.key)
            && let Some(v) = crate::endpoint::classify_for_type(&url, &spec.id).api_version
        {
            versions.push((f.key.clone(), v));
        }
    }
    versions
        .into_iter()
        .filter_map(|(field, v)| {
            let r = known_api_version(&v)?;
            let (when, urgency) = notice(&r.retired, today)?;
            Some(ConnNotice {
                connection: conn.name.clone(),
                text: format!("api-version {v} {when}: use {}", r.replacement),
                field,
                urgency,
                source: r.source.clone(),
            })
        })
        .collect()
}

/// What a test's answer says about the model: the one it names, whether that is not the
/// recorded one (Azure upgraded the deployment since), and its notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answered {
    /// As the answer wrote it (`gpt-4-0613`).
    pub model: String,
    pub id: ModelId,
    /// The recorded model, when the answer names another.
    pub not_recorded: Option<ModelId>,
    pub notice: Option<ConnNotice>,
}

/// The model named in a successful answer's JSON body (`"model": "gpt-4-0613"`), dated.
pub fn answered(conn: &Connection, body: &str, today: i64) -> Option<Answered> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let model = v["model"].as_str().filter(|m| !m.trim().is_empty())?;
    let model = crate::sanitize::for_terminal(&model.chars().take(100).collect::<String>());
    let id = ModelId::from_answer(&model);
    let not_recorded = ModelId::recorded(conn).filter(|r| !r.same_as(&id));
    let notice = id.notice(&conn.name, today);
    Some(Answered {
        model,
        id,
        not_recorded,
        notice,
    })
}

/// The notices for `conn` after a test: the answer's model replaces the recorded one's notice
/// (it is what the deployment runs now); without an answer, the stored connection's.
pub fn after_test(conn: &Connection, answer: Option<&Answered>, today: i64) -> Vec<ConnNotice> {
    let mut out = api_version_notices(conn, today);
    match answer {
        Some(a) => out.extend(a.notice.clone()),
        None => out.extend(ModelId::recorded(conn).and_then(|m| m.notice(&conn.name, today))),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(name: &str, version: Option<&str>) -> ModelId {
        ModelId {
            name: name.into(),
            version: version.map(str::to_string),
        }
    }

    #[test]
    fn an_answers_model_splits_into_name_and_version() {
        for (answer, want) in [
            ("gpt-4o-2024-11-20", id("gpt-4o", Some("2024-11-20"))),
            ("gpt-4-0613", id("gpt-4", Some("0613"))),
            ("gpt-4-32k-0613", id("gpt-4-32k", Some("0613"))),
            ("o1-mini-2024-09-12", id("o1-mini", Some("2024-09-12"))),
            ("gpt-35-turbo", id("gpt-35-turbo", None)),
            ("text-embedding-3-large", id("text-embedding-3-large", None)),
            ("phi-4", id("phi-4", None)),
            ("-0613", id("-0613", None)),
            ("2024-11-20", id("2024-11-20", None)),
        ] {
            assert_eq!(ModelId::from_answer(answer), want, "{answer}");
        }
    }

    #[test]
    fn the_same_model_ignores_a_missing_version_and_case() {
        assert!(id("GPT-4", Some("0613")).same_as(&id("gpt-4", Some("0613"))));
        assert!(id("gpt-4", None).same_as(&id("gpt-4", Some("0613"))));
        assert!(!id("gpt-4", Some("0314")).same_as(&id("gpt-4", Some("0613"))));
        assert!(!id("gpt-4o", Some("0613")).same_as(&id("gpt-4", Some("0613"))));
    }

    #[test]
    fn a_model_is_dated_with_its_replacement_only_when_it_matters() {
        let day = |s| super::super::lifecycle::parse_day(s).unwrap();
        let m = id("gpt-4", Some("0613"));
        let n = m.notice("c", day("2026-12-02")).unwrap();
        assert_eq!(
            n.text,
            "model gpt-4 0613 retired on 2025-06-06; replacement: gpt-4o version 2024-11-20"
        );
        assert_eq!((n.urgency, n.field.as_str()), (Urgency::Past, "model_name"));
        let n = m.notice("c", day("2025-01-01")).unwrap();
        assert_eq!(n.text, "model gpt-4 0613 retires 2025-06-06, in 156 days");
        assert_eq!(n.urgency, Urgency::Later);
        assert!(id("gpt-4o", Some("2024-11-20")).notice("c", 0).is_none());
        // An entry without a version covers them all.
        assert!(id("o1-preview", None).notice("c", 0).is_some());
    }
}
