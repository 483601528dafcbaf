//! `aiconn deployments NAME [--json]`: what is deployed behind the connection's endpoint.

use super::{CliError, Context};
use crate::conntest::deployments::{self, Listing};
use crate::service::OpError;
use std::time::Duration;

pub fn deployments(ctx: &Context, name: &str, json: bool, timeout: u64) -> Result<(), CliError> {
    let c = ctx
        .store
        .find(name)?
        .ok_or_else(|| OpError::NotFound(name.into()))?;
    let (_, bound_to, listing) =
        deployments::list(&ctx.service()?, &c, Duration::from_secs(timeout))?;
    match listing {
        Listing::Found(list) if json => {
            out_json!(&list);
            Ok(())
        }
        Listing::Found(list) if list.is_empty() => {
            say!(
                "No deployments on this resource yet: deploy a model in the Foundry portal (Models + endpoints), then use its deployment name."
            );
            Ok(())
        }
        Listing::Found(list) => {
            let width = list
                .iter()
                .map(|d| d.id.chars().count())
                .max()
                .unwrap_or(2)
                .max(2);
            let dash = || "-".to_string();
            out!(
                "{:<width$}  {:<28}  {:<12}  STATUS",
                "ID",
                "MODEL",
                "VERSION"
            );
            let today = crate::azure::lifecycle::today();
            for d in &list {
                // Offline dates (assets/lifecycle.toml); `aiconn discover` has ARM's.
                let life = d
                    .model
                    .as_deref()
                    .and_then(|m| crate::azure::lifecycle::known_model(m, d.version.as_deref()))
                    .and_then(|l| l.notice(today));
                out!(
                    "{:<width$}  {:<28}  {:<12}  {}{}",
                    d.id,
                    d.model.clone().unwrap_or_else(dash),
                    d.version.clone().unwrap_or_else(dash),
                    d.status.clone().unwrap_or_else(dash),
                    life.as_ref()
                        .map(|(t, _)| format!("  {t}"))
                        .unwrap_or_default()
                );
                if let Some((
                    t,
                    crate::azure::lifecycle::Urgency::Soon | crate::azure::lifecycle::Urgency::Past,
                )) = &life
                {
                    say!("aiconn: warning: deployment '{}': {t}", d.id);
                }
            }
            // A deployment-bound URL: say whether the deployment it names exists.
            if let Some(dep) = bound_to {
                if list.iter().any(|d| d.id == dep) {
                    say!("The endpoint's deployment '{dep}' exists.");
                } else {
                    return Err(CliError::new(format!(
                        "the endpoint names deployment '{dep}', which is not among these: fix the name in the endpoint"
                    )));
                }
            }
            Ok(())
        }
        Listing::NotOffered => Err(CliError::new(
            "this endpoint does not offer the deployments listing (404): type the deployment name yourself (Foundry portal > Models + endpoints)",
        )),
        Listing::Refused(code) => Err(CliError::new(format!(
            "HTTP {code}: the key was refused for the deployments listing: copy Key 1 from this resource's Keys and Endpoint page"
        ))),
        Listing::Failed(why) => Err(CliError::new(format!("could not list deployments: {why}"))),
    }
}
