//! `list --json` streamed: `pf connection show`'s shape (`promptflow::show_shape`, the one
//! builder of it) of each connection serialized as it is read.

use crate::promptflow::show_shape;
use serde::ser::{Serialize, Serializer};

/// `list --json` straight from the file's text: each connection is parsed, shaped and
/// written in turn, so no list of connections or JSON tree is ever built. `None` when the fast
/// reader is unsure of the file (the caller then takes the full path, which reports errors).
pub fn list_json_streamed(text: &str, type_id: Option<&str>) -> Option<Vec<u8>> {
    struct Streamed<'a> {
        text: &'a str,
        type_id: Option<&'a str>,
    }
    impl Serialize for Streamed<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::{Error, SerializeSeq};
            let mut seq = s.serialize_seq(None)?;
            let mut failed = None;
            let read = crate::store::fast::stream(self.text, |c| {
                if failed.is_some() || self.type_id.is_some_and(|t| c.type_id() != t) {
                    return;
                }
                let r = show_shape(&c, &mut |_| Ok::<_, S::Error>(None), false)
                    .and_then(|shape| seq.serialize_element(&shape));
                if let Err(e) = r {
                    failed = Some(e);
                }
            });
            if let Some(e) = failed {
                return Err(e);
            }
            if read.is_none() {
                return Err(S::Error::custom("not in aiconn's own layout"));
            }
            seq.end()
        }
    }
    let mut out = Vec::with_capacity(text.len() * 2);
    serde_json::to_writer_pretty(&mut out, &Streamed { text, type_id }).ok()?;
    Some(out)
}
