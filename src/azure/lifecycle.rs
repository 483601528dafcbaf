//! When a model version or an api-version stops working: from Resource Manager's account
//! models (`lifecycleStatus`, `deprecation.inference`) when signed in, else from the dated,
//! sourced data in `assets/lifecycle.toml`. Dates are civil days (UTC); "today" can be pinned
//! with `AICONN_TODAY=YYYY-MM-DD` (tests, and reproducing what a user saw).

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

pub use super::notices::{ConnNotice, connection_notices};

/// Inside this many days a retirement is a warning (Azure's own first notice is 60 days).
pub const WARN_DAYS: i64 = 60;

/// Days since 1970-01-01 of `YYYY-MM-DD` (the start of an RFC 3339 time is enough).
pub fn parse_day(s: &str) -> Option<i64> {
    let b = s.get(..10)?;
    let y: i64 = b.get(..4)?.parse().ok()?;
    let m: i64 = b.get(5..7)?.parse().ok()?;
    let d: i64 = b.get(8..10)?.parse().ok()?;
    if b.as_bytes()[4] != b'-'
        || b.as_bytes()[7] != b'-'
        || !(1..=12).contains(&m)
        || !(1..=31).contains(&d)
    {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// `YYYY-MM-DD` of a day number.
pub fn format_day(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Today (UTC), or `AICONN_TODAY`.
pub fn today() -> i64 {
    if let Some(d) = crate::settings::get().today {
        return d;
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    i64::try_from(secs / 86_400).unwrap_or(0)
}

/// Where a date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The account's models list in Resource Manager.
    Arm,
    /// assets/lifecycle.toml.
    Assets,
}

/// A model version's lifecycle as far as it is known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lifecycle {
    /// ARM's `lifecycleStatus` (GenerallyAvailable, Preview, Deprecating, Deprecated, Legacy).
    pub status: Option<String>,
    /// The retirement day, `YYYY-MM-DD`.
    pub retires: Option<String>,
    pub replacement: Option<String>,
    pub source: Source,
}

/// How urgent a date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Later,
    Soon,
    Past,
}

/// "retires 2027-01-15, in 44 days" / "retired on 2026-01-15", with its urgency.
pub fn notice(retires: &str, today: i64) -> Option<(String, Urgency)> {
    let day = parse_day(retires)?;
    let date = format_day(day);
    let left = day - today;
    Some(match left {
        ..=0 => (format!("retired on {date}"), Urgency::Past),
        1 => (format!("retires {date}, tomorrow"), Urgency::Soon),
        n if n <= WARN_DAYS => (format!("retires {date}, in {n} days"), Urgency::Soon),
        n => (format!("retires {date}, in {n} days"), Urgency::Later),
    })
}

impl Lifecycle {
    /// The words for a face, and their urgency; `None` when no date is known.
    pub fn notice(&self, today: i64) -> Option<(String, Urgency)> {
        let (mut text, u) = notice(self.retires.as_deref()?, today)?;
        if let (true, Some(r)) = (u != Urgency::Later, &self.replacement) {
            text.push_str(&format!("; replacement: {r}"));
        }
        Some((text, u))
    }
}

#[derive(Debug, Deserialize)]
pub struct ModelRetirement {
    pub name: String,
    #[serde(default)]
    pub version: String,
    pub retired: String,
    #[serde(default)]
    pub replacement: Option<String>,
    pub source: String,
}

#[derive(Debug, Deserialize)]
pub struct ApiVersionRetirement {
    pub version: String,
    pub retired: String,
    #[serde(rename = "use")]
    pub replacement: String,
    pub source: String,
}

#[derive(Debug, Deserialize)]
pub struct Data {
    pub checked: String,
    #[serde(default)]
    pub model: Vec<ModelRetirement>,
    #[serde(default)]
    pub api_version: Vec<ApiVersionRetirement>,
}

/// The embedded data (a parse error is a build defect that `tests/lifecycle.rs` catches).
pub fn data() -> &'static Data {
    static D: OnceLock<Data> = OnceLock::new();
    D.get_or_init(|| {
        toml::from_str(include_str!("../../assets/lifecycle.toml")).unwrap_or(Data {
            checked: String::new(),
            model: Vec::new(),
            api_version: Vec::new(),
        })
    })
}

/// The data's entry for model `name` at `version` (an empty version in the data covers every
/// version).
pub(super) fn model_entry(name: &str, version: Option<&str>) -> Option<&'static ModelRetirement> {
    let v = version.unwrap_or("");
    data().model.iter().find(|m| {
        m.name.eq_ignore_ascii_case(name)
            && (m.version.is_empty() || m.version.eq_ignore_ascii_case(v))
    })
}

/// The known retirement of model `name` at `version`.
pub fn known_model(name: &str, version: Option<&str>) -> Option<Lifecycle> {
    model_entry(name, version).map(|m| Lifecycle {
        status: None,
        retires: Some(m.retired.clone()),
        replacement: m.replacement.clone(),
        source: Source::Assets,
    })
}

/// The retirement of a data-plane api-version, if Azure retired (or scheduled) it.
pub fn known_api_version(version: &str) -> Option<&'static ApiVersionRetirement> {
    data()
        .api_version
        .iter()
        .find(|a| a.version.eq_ignore_ascii_case(version.trim()))
}

/// A model's lifecycle from one item of ARM's account models list (flat `AccountModel`, or
/// the `{ "model": {...} }` wrapper of the location models list).
pub fn from_arm_model(item: &serde_json::Value) -> Option<(String, String, Lifecycle)> {
    let m = if item["model"].is_object() {
        &item["model"]
    } else {
        item
    };
    let name = m["name"].as_str()?.to_string();
    let version = m["version"].as_str().unwrap_or("").to_string();
    let retires = m["deprecation"]["inference"]
        .as_str()
        .and_then(parse_day)
        .map(format_day);
    let status = m["lifecycleStatus"].as_str().map(str::to_string);
    Some((
        name,
        version,
        Lifecycle {
            status,
            retires,
            replacement: None,
            source: Source::Arm,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_round_trip_across_leap_years_and_centuries() {
        for s in [
            "1970-01-01",
            "2000-02-29",
            "2024-02-29",
            "2026-12-31",
            "2100-03-01",
            "1969-12-31",
        ] {
            assert_eq!(format_day(parse_day(s).unwrap()), s);
        }
        assert_eq!(parse_day("1970-01-02"), Some(1));
        assert_eq!(
            parse_day("2027-01-15").unwrap() - parse_day("2026-12-02").unwrap(),
            44
        );
        assert_eq!(parse_day("2026-13-01"), None);
        assert_eq!(parse_day("2026/01/01"), None);
        assert_eq!(parse_day("20"), None);
    }

    #[test]
    fn notices_warn_inside_sixty_days_and_after() {
        let today = parse_day("2026-12-02").unwrap();
        assert_eq!(
            notice("2027-01-15T00:00:00Z", today),
            Some(("retires 2027-01-15, in 44 days".into(), Urgency::Soon))
        );
        assert_eq!(notice("2027-06-01", today).unwrap().1, Urgency::Later);
        assert_eq!(
            notice("2026-12-02", today),
            Some(("retired on 2026-12-02".into(), Urgency::Past))
        );
        assert_eq!(
            notice("2026-12-03", today).unwrap().0,
            "retires 2026-12-03, tomorrow"
        );
        assert_eq!(notice("garbage", today), None);
    }

    #[test]
    fn the_embedded_data_parses_and_every_entry_is_dated_and_sourced() {
        let d = data();
        assert!(parse_day(&d.checked).is_some());
        assert!(!d.model.is_empty() && !d.api_version.is_empty());
        for m in &d.model {
            assert!(parse_day(&m.retired).is_some(), "{}", m.name);
            assert!(m.source.starts_with("https://"), "{}", m.name);
        }
        for a in &d.api_version {
            assert!(parse_day(&a.retired).is_some(), "{}", a.version);
            assert!(a.source.starts_with("https://"));
            assert!(
                known_api_version(&a.replacement).is_none(),
                "replacement {} is itself retired",
                a.replacement
            );
        }
        assert!(known_model("gpt-4", Some("0613")).is_some());
        assert!(known_model("gpt-4o", Some("2024-11-20")).is_none());
        assert!(known_model("o1-preview", Some("2024-09-12")).is_some());
    }

    #[test]
    fn arm_models_are_read_flat_or_wrapped() {
        let flat = serde_json::json!({"name": "gpt-4o", "version": "2024-05-13", "format": "OpenAI",
            "lifecycleStatus": "Deprecating", "deprecation": {"inference": "2027-01-15T00:00:00Z"}});
        let (n, v, l) = from_arm_model(&flat).unwrap();
        assert_eq!((n.as_str(), v.as_str()), ("gpt-4o", "2024-05-13"));
        assert_eq!(l.retires.as_deref(), Some("2027-01-15"));
        assert_eq!(l.status.as_deref(), Some("Deprecating"));
        let wrapped = serde_json::json!({"kind": "OpenAI", "model": flat});
        assert_eq!(from_arm_model(&wrapped).unwrap().2, l);
    }
}
