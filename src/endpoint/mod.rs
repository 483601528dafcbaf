//! The endpoint hint: what a pasted URL is, whether one connection can serve many models,
//! and what base to store. Pure and fast (it runs on every keystroke); see docs/endpoints.md.

pub mod api_version;
mod audience;
mod classify;
mod clean;
mod facts;
pub mod field;
mod flag;
mod hint;
mod hosts;
mod keys;
mod paths;
mod route;

pub use audience::{AI_FOUNDRY, COGNITIVE_SERVICES, SEARCH, entra_audience};
pub use classify::classify_with;
pub use flag::Flag;
pub use hint::kind_label;
pub use keys::{key_tokens, looks_like_key, strip_credentials};
pub use route::Route;
use serde::{Deserialize, Serialize};

/// What kind of endpoint a URL is (docs/endpoints.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    FoundryModels,
    FoundryProject,
    /// Claude on Foundry: the Anthropic Messages API under `/anthropic/`.
    FoundryAnthropic,
    AzureOpenaiResource,
    AzureOpenaiDeployment,
    AzureOpenaiV1,
    Serverless,
    ManagedOnline,
    Openai,
    ContentSafetyOrCognitive,
    CognitiveSearch,
    Unknown,
    Invalid,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::FoundryModels => "foundry_models",
            Kind::FoundryProject => "foundry_project",
            Kind::FoundryAnthropic => "foundry_anthropic",
            Kind::AzureOpenaiResource => "azure_openai_resource",
            Kind::AzureOpenaiDeployment => "azure_openai_deployment",
            Kind::AzureOpenaiV1 => "azure_openai_v1",
            Kind::Serverless => "serverless",
            Kind::ManagedOnline => "managed_online",
            Kind::Openai => "openai",
            Kind::ContentSafetyOrCognitive => "content_safety_or_cognitive",
            Kind::CognitiveSearch => "cognitive_search",
            Kind::Unknown => "unknown",
            Kind::Invalid => "invalid",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        ALL_KINDS.iter().copied().find(|k| k.as_str() == s)
    }
}

pub const ALL_KINDS: [Kind; 13] = [
    Kind::FoundryModels,
    Kind::FoundryProject,
    Kind::FoundryAnthropic,
    Kind::AzureOpenaiResource,
    Kind::AzureOpenaiDeployment,
    Kind::AzureOpenaiV1,
    Kind::Serverless,
    Kind::ManagedOnline,
    Kind::Openai,
    Kind::ContentSafetyOrCognitive,
    Kind::CognitiveSearch,
    Kind::Unknown,
    Kind::Invalid,
];

/// Can one connection with this URL serve several models?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reusable {
    Yes,
    No,
    /// "can't tell" (gateways, unknown hosts).
    Unknown,
}

/// The reading of one URL. Serializes to exactly the fields of `aiconn endpoint --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reading {
    pub kind: Kind,
    /// `None` where reuse does not apply (not a model endpoint, or invalid).
    pub reusable: Option<Reusable>,
    pub deployment: Option<String>,
    pub endpoint_name: Option<String>,
    pub normalized_base: Option<String>,
    pub api_version: Option<String>,
    pub flags: Vec<Flag>,
    /// The operation a full request URL names (the Responses API, chat completions, ...).
    pub route: Option<Route>,
    /// The Microsoft Entra ID token audience of this kind of endpoint (docs/azure.md).
    pub entra_audience: Option<&'static str>,
    pub hint: String,
    pub tip: Option<String>,
    /// The input carried an operation path or query beyond the base (a full Target URI).
    #[serde(skip)]
    pub had_request_path: bool,
    /// The kind does not fit the field it was typed into (type-aware reading).
    #[serde(skip)]
    pub mismatch: bool,
    /// The field's catalogue entry calls this URL right or acceptable there.
    #[serde(skip)]
    pub fits: bool,
}

/// Flags that are only informational: they never make a reading a warning by themselves.
const QUIET_FLAGS: &[Flag] = &[
    Flag::SovereignUsgov,
    Flag::SovereignChina,
    Flag::UppercaseHost,
    Flag::DefaultPort,
];

/// Flags that only describe an unrecognized host: no warning when the field expects one.
const FITTING_FLAGS: &[Flag] = &[Flag::LocalProxy, Flag::NonstandardPort, Flag::GatewayHost];

impl Reading {
    pub fn has(&self, flag: Flag) -> bool {
        self.flags.contains(&flag)
    }

    /// A full request URL (a portal "Target URI") whose base is known: never stored as a base
    /// by accident (the CLI refuses it without --normalize or --raw, the TUI offers `f`).
    pub fn is_request_url(&self) -> bool {
        self.had_request_path && self.normalized_base.is_some()
    }

    /// True when the user should be told (stderr in the CLI, a warning colour in the TUI).
    pub fn warns(&self) -> bool {
        if self.fits {
            // Right for its field: only a real problem warns, not "a local server" or "a
            // host we do not know" (the field says that is what belongs here).
            return self
                .flags
                .iter()
                .any(|f| !QUIET_FLAGS.contains(f) && !FITTING_FLAGS.contains(f));
        }
        matches!(self.kind, Kind::Invalid | Kind::Unknown)
            || self.mismatch
            || self.flags.iter().any(|f| !QUIET_FLAGS.contains(f))
    }
}

/// The api-version to suggest for Azure OpenAI data-plane calls (from assets/api_versions.toml).
pub fn suggested_api_version() -> &'static str {
    api_version::suggested(api_version::Family::AzureOpenai)
}

/// The https form of an `http://` URL to a service that only speaks https (every Azure and
/// OpenAI endpoint kind); `None` for https, loopback and hosts the classifier does not know.
pub fn https_upgrade(url: &str) -> Option<String> {
    let r = classify(url);
    if !r.has(Flag::InsecureScheme) || matches!(r.kind, Kind::Unknown | Kind::Invalid) {
        return None;
    }
    let rest = url.trim().get(7..)?;
    url.trim()
        .get(..7)
        .filter(|s| s.eq_ignore_ascii_case("http://"))
        .map(|_| format!("https://{rest}"))
}

/// Classifies `input` without knowing which field it was typed into.
pub fn classify(input: &str) -> Reading {
    classify_with(input, &[])
}

/// Classifies `input` as typed into the URL field of connection type `type_id`
/// (the field's catalogue `kinds` break ties and drive the type-aware tip).
pub fn classify_for_type(input: &str, type_id: &str) -> Reading {
    let spec = crate::catalogue::Catalogue::get().find(type_id);
    let field = spec.and_then(|t| t.url_field());
    let kinds: Vec<Kind> = field
        .map(|f| f.kinds.iter().filter_map(|k| Kind::parse(k)).collect())
        .unwrap_or_default();
    let r = classify_with(input, &kinds);
    match (spec, field) {
        (Some(s), Some(f)) => field::apply(r, input, s, f),
        _ => r,
    }
}
