//! Azure's error bodies, read: the error codes and messages that name a precise cause get a
//! precise reading and the fix (`DeploymentNotFound`, `OperationNotSupported`, an unsupported
//! or too old api-version, `no_model_name`, a missing serverless endpoint, key authentication
//! disabled, 429 with its retry-after). Anything else falls to the generic reading by status.

use super::{Check, Outcome, Verdict};
use crate::sanitize::for_terminal;

/// `error.code`, `error.message` (also `error.innererror.code`), lower-cased for matching.
fn error_of(body: &str) -> (String, String, String) {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let e = &v["error"];
    let code = e["code"].as_str().unwrap_or("").to_string();
    let inner = e["innererror"]["code"].as_str().unwrap_or("").to_string();
    let message = e["message"]
        .as_str()
        .or(v["message"].as_str())
        .unwrap_or(body)
        .to_string();
    (code, inner, message)
}

/// The version named in "enabled only for api versions X and later".
fn version_named(message: &str) -> Option<String> {
    let lower = message.to_lowercase();
    let at = lower.find("api version")?;
    lower[at..]
        .split(|c: char| c.is_whitespace() || c == ',' || c == '.')
        .find(|w| {
            w.len() >= 10
                && w.as_bytes()[..4].iter().all(u8::is_ascii_digit)
                && w.as_bytes()[4] == b'-'
        })
        .map(|w| for_terminal(w.trim_end_matches([')', '\'', '"'])))
}

pub fn known_error(outcome: &Outcome, check: &Check) -> Option<Verdict> {
    let Outcome::Status {
        code,
        body,
        retry_after,
        ..
    } = outcome
    else {
        return None;
    };
    let (err_code, inner, message) = error_of(body);
    let lower = message.to_lowercase();
    let shown = for_terminal(
        &message
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(160)
            .collect::<String>(),
    );
    let v = |summary: String, advice: String| {
        Some(Verdict {
            ok: false,
            summary: format!("HTTP {code} ({shown}): {summary}"),
            advice: Some(advice),
        })
    };
    let deployment = check
        .url
        .split("/deployments/")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .map(for_terminal)
        .unwrap_or_default();
    if err_code == "DeploymentNotFound" {
        return v(
            format!("deployment '{deployment}' does not exist on this resource"),
            "check the name with `aiconn deployments NAME` (a deployment created in the last 5 minutes may not be visible yet: wait and retry)".into(),
        );
    }
    if err_code == "OperationNotSupported" || inner == "OperationNotSupported" {
        return v(
            "this deployment's model does not support this operation".into(),
            "an embeddings deployment cannot chat, and some models answer only the Responses API (/openai/v1/responses): use a chat deployment, or the API the model supports".into(),
        );
    }
    if lower.contains("enabled only for api versions")
        || lower.contains("enabled only for api version")
    {
        let want = version_named(&message).unwrap_or_else(|| "a newer one".into());
        return v(
            "this model needs a newer api-version".into(),
            format!("set api_version to {want} (or later)"),
        );
    }
    if lower.contains("api version not supported") || lower.contains("api-version not supported") {
        return v(
            "the api-version is not supported here".into(),
            format!(
                "set api_version to a supported one, e.g. {} for Azure OpenAI",
                crate::endpoint::suggested_api_version()
            ),
        );
    }
    if err_code == "no_model_name" || lower.contains("no model specified") {
        // The service read the key and the route and asked only for the model a client names
        // in every request: the connection works (as azure-ai-inference's calls show).
        return Some(Verdict {
            ok: true,
            summary: format!(
                "OK: key and endpoint accepted (HTTP {code} asks for the model, which each request names)"
            ),
            advice: Some(
                "name the model (your deployment's name) in each request, or set the connection's deployment to test one".into(),
            ),
        });
    }
    service_state(*code, &err_code, &message, retry_after.as_deref())
        .and_then(|(summary, advice)| v(summary, advice))
}

/// What the service's state explains (the endpoint gone, key auth off, a retired model, a
/// quota): a summary and advice.
fn service_state(
    code: u16,
    err_code: &str,
    message: &str,
    retry_after: Option<&str>,
) -> Option<(String, String)> {
    let lower = message.to_lowercase();
    if lower.contains("endpoint not found") && code == 404 {
        return Some((
            "the serverless endpoint does not exist".into(),
            "it may have been deleted, or the URL names another region: copy the Target URI from the endpoint's page".into(),
        ));
    }
    if lower.contains("key based authentication is disabled")
        || lower.contains("key-based authentication is disabled")
    {
        return Some((
            "key authentication is disabled on this resource".into(),
            "use Microsoft Entra ID: set auth_mode to meid_token and sign in with `az login --use-device-code`".into(),
        ));
    }
    if let Some(found) = retired(code, err_code, message) {
        return Some(found);
    }
    if code == 429 {
        let wait = retry_after
            .map(|s| format!("retry after {s} s"))
            .unwrap_or_else(|| "wait and retry".into());
        return Some((
            "rate limited or out of quota".into(),
            format!("the key works; {wait}, or raise the deployment's quota"),
        ));
    }
    None
}

/// A retired model (410, or the service's retirement words): "model retired on DATE", with
/// the replacement from the message's date or the dated data in assets/lifecycle.toml.
fn retired(code: u16, err_code: &str, message: &str) -> Option<(String, String)> {
    let lower = message.to_lowercase();
    let said = lower.contains("has been retired")
        || lower.contains("was retired")
        || lower.contains("model is retired")
        || lower.contains("has been deprecated")
        || err_code.to_lowercase().contains("retired");
    if code != 410 && !said {
        return None;
    }
    use crate::azure::lifecycle;
    // The model the message names, if the dated data knows it (longest name first, so
    // "gpt-35-turbo-16k" wins over "gpt-35-turbo").
    let mut known: Vec<&lifecycle::ModelRetirement> = lifecycle::data()
        .model
        .iter()
        .filter(|m| {
            lower.contains(&m.name.to_lowercase())
                && (m.version.is_empty() || lower.contains(&m.version.to_lowercase()))
        })
        .collect();
    known.sort_by_key(|m| std::cmp::Reverse(m.name.len()));
    let dated = lower
        .split(|c: char| !(c.is_ascii_digit() || c == '-'))
        .find_map(|w| lifecycle::parse_day(w).filter(|_| w.len() == 10))
        .map(lifecycle::format_day);
    let date = dated.or_else(|| known.first().map(|m| m.retired.clone()));
    let summary = match &date {
        Some(d) => format!("model retired on {d}"),
        None => "the deployment's model is retired".into(),
    };
    let advice = match known.first().and_then(|m| m.replacement.clone()) {
        Some(r) => format!("deploy the replacement, {r}, and point the connection at that deployment (`aiconn discover` shows what is deployed and when each model retires)"),
        None => "deploy a current version of the model (Foundry portal > Models + endpoints) and point the connection at it; `aiconn discover` shows what is deployed and when each model retires".into(),
    };
    Some((summary, advice))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_is_read_from_the_message() {
        assert_eq!(
            version_named(
                "This model is enabled only for api versions 2024-12-01-preview and later."
            )
            .as_deref(),
            Some("2024-12-01-preview")
        );
        assert_eq!(version_named("no version here"), None);
    }

    #[test]
    fn a_retired_model_is_named_with_its_date_and_replacement() {
        let (s, a) = retired(
            410,
            "",
            "The model gpt-35-turbo-16k version 0613 has been retired.",
        )
        .unwrap();
        assert_eq!(s, "model retired on 2025-04-30");
        assert!(a.contains("gpt-4.1-mini"), "{a}");
        // The service's own date wins; words alone (no 410) are enough.
        let (s, _) = retired(
            400,
            "",
            "This model was retired on 2026-01-15; use a newer version",
        )
        .unwrap();
        assert_eq!(s, "model retired on 2026-01-15");
        let (s, a) = retired(410, "Gone", "").unwrap();
        assert_eq!(s, "the deployment's model is retired");
        assert!(a.contains("aiconn discover"));
        assert_eq!(
            retired(
                404,
                "DeploymentNotFound",
                "The API deployment for this resource does not exist."
            ),
            None
        );
    }
}
