//! The endpoint rules of a draft: what its URL reads as, the one fix, and what blocks a save.
//! The form's `f`, the guided setup's Enter, both renderers' "press f" and the CLI's
//! `--normalize` all ask `fix()`, so an offer is never made that `apply` would not carry out.

use super::{Draft, FieldPath};
use crate::catalogue::Role;
use crate::endpoint::{Kind, Reading, classify_for_type, https_upgrade};

/// What the one-key fix changes: the endpoint becomes `base`, and the fields in `fills` get
/// the values the pasted URL carried (its api-version, its deployment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub field: String,
    pub base: String,
    pub fills: Vec<(String, String)>,
}

/// Why a draft cannot be saved as it is, beyond per-field validation. Each face words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocker {
    /// A full request URL (a portal Target URI) where a base belongs.
    RequestUrl { field: String, fix: Fix },
    /// A URL the type's clients would build a wrong request from (an Azure OpenAI deployment
    /// URL as a resource base: the SDK appends `/openai/deployments/<name>` again).
    ClientMisbuilds { field: String, fix: Fix },
    /// `http://` to a service that only speaks https (Azure, OpenAI). Its fix is `fix()` (https,
    /// and the base when the URL is a request URL); `https_only()` is the part a face may carry
    /// out by itself (saying what it stored).
    PlainHttp { field: String, fix: Fix },
}

impl Fix {
    /// Every field the fix writes, the endpoint first, with its new text.
    pub fn writes(&self) -> impl Iterator<Item = (&str, &str)> {
        std::iter::once((self.field.as_str(), self.base.as_str()))
            .chain(self.fills.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }
}

impl Blocker {
    pub fn field(&self) -> &str {
        match self {
            Blocker::RequestUrl { field, .. }
            | Blocker::ClientMisbuilds { field, .. }
            | Blocker::PlainHttp { field, .. } => field,
        }
    }
    pub fn fix(&self) -> &Fix {
        match self {
            Blocker::RequestUrl { fix, .. }
            | Blocker::ClientMisbuilds { fix, .. }
            | Blocker::PlainHttp { fix, .. } => fix,
        }
    }
}

/// Same URL but for a trailing slash and surrounding blanks.
fn same_url(a: &str, b: &str) -> bool {
    a.trim().trim_end_matches('/') == b.trim().trim_end_matches('/')
}

impl Draft {
    /// The endpoint field's key and its live reading (`None` while it is empty).
    pub fn reading(&self) -> Option<(String, Reading)> {
        let f = self.spec.url_field()?;
        let v = self.values.get(&f.key)?;
        if v.trim().is_empty() {
            return None;
        }
        Some((f.key.clone(), classify_for_type(v, &self.spec.id)))
    }

    /// The fix for the endpoint, when it changes more than a trailing slash or fills a field.
    pub fn fix(&self) -> Option<Fix> {
        let (field, r) = self.reading()?;
        let current = self.text(&FieldPath::Field(field.clone()));
        let base = r
            .normalized_base
            .clone()
            .or_else(|| https_upgrade(&current))?;
        let base = https_upgrade(&base).unwrap_or(base);
        let mut fills = Vec::new();
        if let Some(v) = &r.api_version {
            self.offer_fill(Role::ApiVersion, v, &mut fills);
        }
        // A deployment URL reduced to its resource base: the name goes to the deployment field.
        if let Some(d) = &r.deployment
            && !base.contains("/deployments/")
        {
            self.offer_fill(Role::Deployment, d, &mut fills);
        }
        (!same_url(&base, &current) || !fills.is_empty()).then_some(Fix { field, base, fills })
    }

    /// The move to the resource's OpenAI v1 endpoint (`https://<host>/openai/v1/`), offered
    /// when no fix is due and the type's endpoint field takes v1: a Foundry `/models` endpoint
    /// (its Azure AI Inference SDK was retired on 2026-08-26) or a deployment URL (bound to one
    /// deployment, while v1 serves all). The URL's deployment goes to the deployment field, and
    /// a set api-version is cleared: the v1 API takes none.
    pub fn v1_move(&self) -> Option<Fix> {
        let (field, r) = self.reading()?;
        let takes_v1 = self
            .spec
            .url_field()
            .is_some_and(|f| f.right.iter().any(|k| k == Kind::AzureOpenaiV1.as_str()));
        let movable = matches!(r.kind, Kind::FoundryModels | Kind::AzureOpenaiDeployment);
        if !takes_v1 || !movable || self.fix().is_some() {
            return None;
        }
        let url = url::Url::parse(self.text(&FieldPath::Field(field.clone())).trim()).ok()?;
        let base = format!("https://{}/openai/v1/", url.host_str()?);
        let mut fills = Vec::new();
        if let Some(d) = &r.deployment {
            self.offer_fill(Role::Deployment, d, &mut fills);
        }
        if let Some(f) = self.spec.role(Role::ApiVersion)
            && !self
                .text(&FieldPath::Field(f.key.clone()))
                .trim()
                .is_empty()
        {
            fills.push((f.key.clone(), String::new()));
        }
        Some(Fix { field, base, fills })
    }

    /// Fills `role`'s field with `value` only when the user has not set one (empty, or still
    /// the catalogue default), never over a typed value.
    fn offer_fill(&self, role: Role, value: &str, fills: &mut Vec<(String, String)>) {
        let Some(f) = self.spec.role(role) else {
            return;
        };
        let now = self.text(&FieldPath::Field(f.key.clone()));
        let untouched = now.trim().is_empty() || Some(now.trim()) == f.default.as_deref();
        if untouched && now != value {
            fills.push((f.key.clone(), value.to_string()));
        }
    }

    /// Carries out a fix from `fix()`. Returns false when it changed nothing.
    pub fn apply(&mut self, fix: &Fix) -> bool {
        let mut changed = false;
        let mut put = |d: &mut Draft, key: &str, v: &str| {
            let path = FieldPath::Field(key.to_string());
            if d.text(&path) != v {
                d.set(&path, v);
                changed = true;
            }
        };
        for (k, v) in fix.writes() {
            put(self, k, v);
        }
        changed
    }

    /// The same endpoint URL with https, when it is `http://` to a service that only speaks
    /// https: the one change a face may make without being asked (it says what it stored).
    pub fn https_only(&self) -> Option<Fix> {
        let (field, _) = self.reading()?;
        let base = https_upgrade(&self.text(&FieldPath::Field(field.clone())))?;
        Some(Fix {
            field,
            base,
            fills: Vec::new(),
        })
    }

    /// What keeps this draft from being saved as it is, with the fix that would allow it
    /// (always `fix()`: what a face offers for a blocker is what its key carries out).
    pub fn blocker(&self) -> Option<Blocker> {
        let (field, r) = self.reading()?;
        let fix = self.fix();
        if let Some(upgrade) = self.https_only() {
            let fix = fix.unwrap_or(upgrade);
            return Some(Blocker::PlainHttp { field, fix });
        }
        if r.is_request_url() {
            return fix.map(|fix| Blocker::RequestUrl { field, fix });
        }
        // The client appends the deployment route itself: a base that already carries one
        // (or any /openai/ path) makes it call .../openai/deployments/x/openai/... (404).
        let takes_resource_base = self
            .spec
            .url_field()
            .is_some_and(|f| f.right.iter().any(|s| s == "azure_openai_resource"))
            && !self.spec.url_field().is_some_and(|f| {
                f.right
                    .iter()
                    .chain(&f.acceptable)
                    .any(|s| s == r.kind.as_str())
            });
        let carries_path = self
            .text(&FieldPath::Field(field.clone()))
            .to_ascii_lowercase()
            .contains("/openai/");
        match fix {
            Some(fix) if takes_resource_base && carries_path => {
                Some(Blocker::ClientMisbuilds { field, fix })
            }
            _ => None,
        }
    }
}
