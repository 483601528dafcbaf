//! Everything the classifier learns about a URL. Its own module, so the dependency runs one
//! way: `classify` fills `Facts`, `hint` turns them into words, and neither imports the other.

use super::Flag;
use super::Kind;
use super::api_version::Family;

/// Everything learned about the URL; `hint` turns it into words.
#[derive(Debug, Default)]
pub struct Facts {
    pub kind: Option<Kind>,
    pub host: String,
    pub deployment: Option<String>,
    pub endpoint_name: Option<String>,
    pub base: Option<String>,
    pub api_version: Option<String>,
    pub flags: Vec<Flag>,
    pub alt: Option<Kind>,
    /// A kind outside the fixed list that would fit (github_models, foundry_anthropic).
    pub proposed: Option<&'static str>,
    pub had_request_path: bool,
    /// For portal URLs: the account name found in `wsid=.../accounts/<name>`.
    pub portal_account: Option<String>,
    /// For typo suffixes: the corrected host.
    pub typo_fix: Option<String>,
    pub version_note: Option<String>,
    pub family: Option<Family>,
    pub project: Option<String>,
    /// An operation path was given (an internal fact, not a flag: the request needs an
    /// api-version, checked once every part of the URL is read).
    pub op_present: bool,
    /// The operation the path ends with, beyond the base.
    pub route: Option<super::Route>,
}

impl Facts {
    pub fn flag(&mut self, f: Flag) {
        if !self.flags.contains(&f) {
            self.flags.push(f);
        }
    }
    pub fn set(&mut self, k: Kind) {
        self.kind = Some(k);
    }
}
