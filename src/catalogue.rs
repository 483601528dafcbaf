//! The connection type catalogue: data from `assets/catalogue.toml`, embedded at build time.
//! Forms, CLI validation, redaction and export all read these specs; no code is written per type.

use serde::Deserialize;
use std::sync::OnceLock;

const CATALOGUE_TOML: &str = include_str!("../assets/catalogue.toml");

/// What kind of value a field holds; decides widget, validation and where the value is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Url,
    Secret,
    Enum,
    /// Custom connection configs: free key/value pairs.
    Map,
    /// Custom connection secrets: free key/value pairs, every value a secret.
    SecretMap,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    pub key: String,
    pub label: String,
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    /// `"field=value"`: the field is neither required nor kept while that condition holds.
    #[serde(default)]
    pub required_unless: Option<String>,
    #[serde(default)]
    pub default: Option<String>,
    #[serde(default)]
    pub values: Vec<String>,
    #[serde(default)]
    pub help: String,
    #[serde(default)]
    pub example: Option<String>,
    #[serde(default)]
    pub advanced: bool,
    /// False for aiconn's own fields, which prompt flow's files do not have: left out of
    /// exports (with a note) and never expected in imports.
    #[serde(default = "yes")]
    pub promptflow: bool,
    /// URL fields: the endpoint kinds (see `endpoint::Kind`) that fit this field.
    #[serde(default)]
    pub kinds: Vec<String>,
    /// URL fields: the shapes (kinds, or finer shapes of `endpoint::field`) that are right
    /// here, and those accepted; everything else gets a "does not fit" hint with the fix.
    #[serde(default)]
    pub right: Vec<String>,
    #[serde(default)]
    pub acceptable: Vec<String>,
    /// URL fields: what the field takes, in words, for the fix ("a Qdrant server URL ...").
    #[serde(default)]
    pub expect: Option<String>,
    /// What the field means to the code that builds requests and fixes (`endpoint`, `api_key`,
    /// `api_version`, `auth_mode`, `deployment`), so no module looks fields up by key.
    #[serde(default)]
    pub role: Option<Role>,
    /// An api-version field: the API family whose known versions it is checked against.
    #[serde(default)]
    pub versions: Option<crate::endpoint::api_version::Family>,
}

/// The `auth_mode` value (prompt flow's) for Microsoft Entra ID: no key, a bearer token.
pub const ENTRA_MODE: &str = "meid_token";

/// A field's meaning beyond its kind: the one thing code may look a field up by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The URL requests go to (a type's first URL field unless another is marked).
    Endpoint,
    ApiKey,
    ApiVersion,
    /// `key` or `meid_token`.
    AuthMode,
    /// The deployment (Azure) a request names; aiconn's own field where prompt flow has none.
    Deployment,
    /// The model a request names on a service with no deployments (OpenAI and compatible
    /// servers): aiconn's own field, for the clients that read it from the environment.
    Model,
    /// The model behind the deployment as Azure names it (`gpt-4o`), and its version
    /// (`2024-11-20`): aiconn's own fields, recorded when a connection comes from Azure, so its
    /// retirement can be dated offline (assets/lifecycle.toml).
    ModelName,
    ModelVersion,
}

impl FieldSpec {
    pub fn is_secret(&self) -> bool {
        matches!(self.kind, FieldKind::Secret | FieldKind::SecretMap)
    }
    pub fn is_map(&self) -> bool {
        matches!(self.kind, FieldKind::Map | FieldKind::SecretMap)
    }
    /// The values ←/→ step through: an enum's values, or an api-version field's known
    /// versions (which may still be typed over).
    pub fn choices(&self) -> &[String] {
        match (self.kind, self.versions) {
            (FieldKind::Enum, _) => &self.values,
            (_, Some(fam)) => crate::endpoint::api_version::known(fam),
            _ => &[],
        }
    }
    /// The `(field, value)` condition of `required_unless`, if any.
    pub fn unless(&self) -> Option<(&str, &str)> {
        self.required_unless
            .as_deref()
            .and_then(|c| c.split_once('='))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeSpec {
    pub id: String,
    pub label: String,
    pub summary: String,
    /// prompt flow SDK class name; empty when the type has no prompt flow twin.
    pub pf_class: String,
    pub module: String,
    #[serde(default)]
    pub all_or_none: Vec<String>,
    /// The key is for a hosted service whose hosts aiconn knows: sent to any other host only
    /// after the user confirmed it.
    #[serde(default)]
    pub service_key: bool,
    /// The service serves models (chat, embeddings): hints may talk about models.
    #[serde(default = "yes")]
    pub models: bool,
    #[serde(rename = "field")]
    pub fields: Vec<FieldSpec>,
}

impl TypeSpec {
    pub fn field(&self, key: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.key == key)
    }
    /// The field playing `role`: marked in the catalogue, or (endpoint) the first URL field.
    pub fn role(&self, role: Role) -> Option<&FieldSpec> {
        self.fields
            .iter()
            .find(|f| f.role == Some(role))
            .or_else(|| match role {
                Role::Endpoint => self.fields.iter().find(|f| f.kind == FieldKind::Url),
                _ => None,
            })
    }
    /// The type's URL field: the endpoint requests go to.
    pub fn url_field(&self) -> Option<&FieldSpec> {
        self.role(Role::Endpoint)
    }
    /// Every URL field (a rule for any URL, such as no credentials in it); `url_field` is
    /// the endpoint among them.
    pub fn url_fields(&self) -> impl Iterator<Item = &FieldSpec> {
        self.fields.iter().filter(|f| f.kind == FieldKind::Url)
    }
    pub fn secret_fields(&self) -> impl Iterator<Item = &FieldSpec> {
        self.fields.iter().filter(|f| f.kind == FieldKind::Secret)
    }
    /// Custom connections keep free-form maps instead of fixed fields.
    pub fn is_custom(&self) -> bool {
        self.fields.iter().any(|f| f.is_map())
    }
    pub fn has_pf_twin(&self) -> bool {
        !self.pf_class.is_empty()
    }
    pub fn schema_url(&self, strong_type: bool) -> String {
        let class = if strong_type {
            "CustomStrongTypeConnection"
        } else {
            &self.pf_class
        };
        format!("https://azuremlschemas.azureedge.net/promptflow/latest/{class}.schema.json")
    }
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    #[serde(rename = "type")]
    pub types: Vec<TypeSpec>,
}

impl Catalogue {
    /// The error for a type that is not in the catalogue (one wording everywhere).
    pub fn unknown_type(&self, type_id: &str) -> String {
        format!(
            "unknown type '{}' (known: {})",
            crate::sanitize::for_terminal(type_id),
            self.ids().join(", ")
        )
    }

    /// The custom connection type (`.env` imports create one).
    #[allow(clippy::expect_used)] // the embedded catalogue is checked by tests/catalogue.rs
    pub fn custom(&self) -> &TypeSpec {
        self.find("custom")
            .expect("the catalogue has the custom type")
    }

    /// The embedded catalogue. It is part of the binary, so a parse failure is a build defect
    /// caught by the catalogue tests, never a user error.
    #[allow(clippy::expect_used)] // embedded at build time; any test touching a type parses it
    pub fn get() -> &'static Catalogue {
        static CAT: OnceLock<Catalogue> = OnceLock::new();
        CAT.get_or_init(|| toml::from_str(CATALOGUE_TOML).expect("embedded catalogue parses"))
    }

    pub fn find(&self, id: &str) -> Option<&TypeSpec> {
        self.types.iter().find(|t| t.id == id)
    }

    pub fn ids(&self) -> Vec<&str> {
        self.types.iter().map(|t| t.id.as_str()).collect()
    }
}
