//! Read-only commands: list, show, export, endpoint.

use super::args::SecretsArg;
use super::{CliError, Context};
use crate::catalogue::Catalogue;
use crate::endpoint::{classify, classify_for_type};
use crate::model::{Connection, SecretRecord};
use crate::promptflow::{SecretStyle, export_yaml};
use crate::sanitize::for_terminal;
use crate::service::OpError;
use secrecy::ExposeSecret;

use crate::promptflow::{MASK, show_shape};

/// Writes serialized JSON with every control and bidi character escaped (almost always there
/// is none, and the bytes go out as they are).
fn write_json_bytes(bytes: &[u8]) -> Result<(), CliError> {
    use std::io::Write;
    let text = String::from_utf8_lossy(bytes);
    let escaped = crate::sanitize::escape_json_text(&text);
    let mut out = std::io::stdout().lock();
    out.write_all(escaped.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .map_err(|e| CliError::new(format!("cannot write: {e}")))
}

pub fn list(ctx: &Context, json: bool, wide: bool, type_id: Option<&str>) -> Result<(), CliError> {
    if let Some(t) = type_id
        && Catalogue::get().find(t).is_none()
    {
        return Err(CliError::usage(Catalogue::get().unknown_type(t)));
    }
    if json
        && let Some(text) = ctx.store.text()?
        && let Some(bytes) = super::pf_shape::list_json_streamed(&text, type_id)
    {
        return write_json_bytes(&bytes);
    }
    let doc = ctx.store.snapshot()?;
    let conns: Vec<&Connection> = doc
        .connections()
        .iter()
        .filter(|c| type_id.is_none_or(|t| c.type_id() == t))
        .collect();
    if json {
        // `pf connection list` shape: no `sources` (that is `show`'s addition)
        let shapes = conns
            .iter()
            .map(|c| show_shape(c, &mut |_| Ok::<_, CliError>(None), false))
            .collect::<Result<Vec<_>, _>>()?;
        out_json!(&shapes);
        return Ok(());
    }
    if conns.is_empty() {
        say!(
            "No connections in {}. Create one with `aiconn` (guided setup) or `aiconn create`.",
            ctx.store.path().display()
        );
        return Ok(());
    }
    let rows: Vec<[String; 4]> = conns
        .iter()
        .map(|c| {
            [
                for_terminal(&c.name),
                c.type_id().to_string(),
                for_terminal(&c.endpoint().unwrap_or_else(|| "-".into())),
                c.key_status().as_str().into(),
            ]
        })
        .collect();
    let head = ["NAME", "TYPE", "ENDPOINT", "KEY"];
    match terminal_width(wide) {
        Some(total) => print_table(&head, &fit_rows(&head, rows, total)),
        None => print_table(&head, &rows),
    }
    Ok(())
}

/// The terminal's width when stdout is one and `--wide` was not given (a pipe gets full values).
fn terminal_width(wide: bool) -> Option<usize> {
    use std::io::IsTerminal;
    if wide || !std::io::stdout().is_terminal() {
        return None;
    }
    ratatui::crossterm::terminal::size()
        .ok()
        .map(|(w, _)| w as usize)
        .filter(|w| *w > 0)
}

/// Rows with NAME and ENDPOINT cut in the middle (`…`) so every row fits `total` columns;
/// TYPE and KEY are short and kept whole.
fn fit_rows(head: &[&str; 4], rows: Vec<[String; 4]>, total: usize) -> Vec<[String; 4]> {
    let natural: Vec<usize> = (0..4)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([head[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let min = [
        8.min(natural[0]),
        natural[1],
        12.min(natural[2]),
        natural[3],
    ];
    let w = crate::textfit::widths(&natural, &min, total, 2);
    rows.into_iter()
        .map(|r| {
            let [name, ty, ep, key] = r;
            [
                crate::textfit::middle(&name, w[0]),
                ty,
                crate::textfit::middle(&ep, w[2]),
                key,
            ]
        })
        .collect()
}

/// Widest a column is padded to: a longer value overflows its column instead of pushing every
/// row that far right (and a 70,000-character value is just long, never a crash).
const MAX_COLUMN: usize = 80;

/// `c` followed by spaces up to `width` characters, then the column gap.
fn pad(out: &mut String, c: &str, width: usize) {
    out.push_str(c);
    let n = c.chars().count();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(n) + 2));
}

fn print_table<const N: usize>(head: &[&str; N], rows: &[[String; N]]) {
    let mut w = [0usize; N];
    for (i, h) in head.iter().enumerate() {
        w[i] = h.chars().count();
    }
    for r in rows {
        for i in 0..N {
            w[i] = w[i].max(r[i].chars().count()).min(MAX_COLUMN);
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == N {
                s.push_str(c);
            } else {
                pad(&mut s, c, w[i]);
            }
        }
        out!("{}", s.trim_end());
    };
    line(head.to_vec());
    for r in rows {
        line(r.iter().map(String::as_str).collect());
    }
}

fn find(ctx: &Context, name: &str) -> Result<Connection, CliError> {
    Ok(ctx
        .store
        .find(name)?
        .ok_or_else(|| OpError::NotFound(name.into()))?)
}

pub fn show(ctx: &Context, name: &str, json: bool, reveal: bool) -> Result<(), CliError> {
    let c = find(ctx, name)?;
    let mut reader = |field: &str| -> Result<Option<String>, CliError> {
        if !reveal {
            return Ok(None);
        }
        let v = ctx.service()?.secret(&c, field)?;
        Ok(Some(v.map_or_else(
            // The record says where it should be: a vault connection's is missing from the vault.
            || match c.secrets.get(field).and_then(SecretRecord::backend) {
                Some(b) => format!("(missing from the {b})"),
                None => "(missing)".into(),
            },
            |s| s.expose_secret().to_string(),
        )))
    };
    if json {
        out_json!(&show_shape(&c, &mut reader, true)?);
        super::discover_cmd::warn_connection(&c, false);
        return Ok(());
    }
    let spec = c.spec();
    let rows = show_rows(&c, &mut reader)?;
    let w = rows
        .iter()
        .map(|r| r[0].chars().count())
        .max()
        .unwrap_or(4)
        .min(MAX_COLUMN);
    let wv = rows
        .iter()
        .map(|r| r[1].chars().count())
        .max()
        .unwrap_or(4)
        .min(60);
    for r in &rows {
        let mut line = String::new();
        pad(&mut line, &r[0], w);
        pad(&mut line, &r[1], wv);
        line.push_str(&r[2]);
        out!("{}", line.trim_end());
    }
    if let Some(url_field) = spec.url_field()
        && let Some((v, _)) = c.effective(&url_field.key)
    {
        let r = classify_for_type(&v, &spec.id);
        out!("\n{}: {}", url_field.key, r.hint);
        if let Some(t) = &r.tip {
            out!("{}  {}", " ".repeat(url_field.key.len()), t);
        }
    }
    if let Some(r) = crate::clients::Contract::get().readers(&c) {
        out!("\naiconn run/env set: {}", r.vars.join(", "));
        if let Some(who) = r.clients {
            out!("read by:            {who}");
        }
    }
    super::discover_cmd::warn_connection(&c, true);
    Ok(())
}

/// `show`'s rows: field, value (masked unless revealed), where the value comes from (the
/// draft's one rule, as the TUI's form marks it).
fn show_rows(
    c: &Connection,
    reader: &mut dyn FnMut(&str) -> Result<Option<String>, CliError>,
) -> Result<Vec<[String; 3]>, CliError> {
    use crate::draft::{Draft, FieldPath};
    use crate::model::Entry;
    let spec = c.spec();
    let draft = Draft::from_connection(c);
    let source = |path: FieldPath| {
        draft
            .source(&path)
            .map(|s| s.to_string())
            .unwrap_or_default()
    };
    let mut secret = |k: &str| -> Result<String, CliError> {
        Ok(reader(k)?.map_or_else(|| MASK.into(), |v| for_terminal(&v)))
    };
    let mut rows: Vec<[String; 3]> = vec![
        ["name".into(), for_terminal(&c.name), String::new()],
        [
            "type".into(),
            format!("{} ({})", c.type_id(), spec.label),
            String::new(),
        ],
    ];
    for entry in c.entries() {
        match entry {
            Entry::Secret { dropped: true, .. } => {}
            Entry::Secret {
                field,
                record: Some(_),
                ..
            } => {
                let src = source(FieldPath::Field(field.key.clone()));
                rows.push([field.key.clone(), secret(&field.key)?, src]);
            }
            Entry::Secret { field, .. } => {
                rows.push([field.key.clone(), "(not set)".into(), String::new()]);
            }
            Entry::Configs { rows: configs, .. } => {
                for (k, v) in configs {
                    let src = source(FieldPath::Row(k.clone()));
                    rows.push([format!("configs.{}", for_terminal(k)), for_terminal(v), src]);
                }
            }
            Entry::Secrets { rows: secrets, .. } => {
                for k in secrets.keys() {
                    let src = source(FieldPath::Row(k.clone()));
                    rows.push([format!("secrets.{}", for_terminal(k)), secret(k)?, src]);
                }
            }
            Entry::Value {
                field,
                value: Some((v, _)),
            } => {
                let src = source(FieldPath::Field(field.key.clone()));
                rows.push([field.key.clone(), for_terminal(&v), src]);
            }
            Entry::Value { value: None, .. } => {}
        }
    }
    Ok(rows)
}

pub fn export(
    ctx: &Context,
    names: &[String],
    out: &str,
    secrets: SecretsArg,
) -> Result<(), CliError> {
    let doc = ctx.store.snapshot()?;
    let conns: Vec<Connection> = if names.is_empty() {
        doc.connections().to_vec()
    } else {
        names
            .iter()
            .map(|n| {
                doc.get(n)
                    .cloned()
                    .ok_or_else(|| OpError::NotFound(n.clone()).into())
            })
            .collect::<Result<_, CliError>>()?
    };
    let style = match secrets {
        SecretsArg::Placeholder => SecretStyle::Placeholder,
        SecretsArg::Env => SecretStyle::Env,
    };
    let mut docs = Vec::new();
    for c in &conns {
        let (t, values, note) = crate::promptflow::pf_values(c).map_err(|why| {
            CliError::new(format!("cannot export '{}' for prompt flow: {why}", c.name))
        })?;
        if let Some(note) = note {
            say!("aiconn: '{}' is {note}", c.name);
        }
        let yaml = export_yaml(c, style, Some((&t, values)));
        docs.push((c.name.clone(), yaml));
    }
    if out == "-" {
        let all: Vec<String> = docs.into_iter().map(|(_, y)| y).collect();
        print!("{}", all.join("---\n"));
        return Ok(());
    }
    let dir = std::path::Path::new(out);
    std::fs::create_dir_all(dir).map_err(|e| CliError::new(format!("{out}: {e}")))?;
    for (name, yaml) in docs {
        let path = dir.join(format!("{name}.yaml"));
        crate::store::write_atomic(&path, yaml.as_bytes())
            .map_err(|e| CliError::new(format!("{}: {e}", path.display())))?;
        say!("Wrote {}", path.display());
    }
    Ok(())
}

pub fn endpoint(url: &str, type_id: Option<&str>, json: bool) -> Result<(), CliError> {
    let r = match type_id {
        Some(t) if Catalogue::get().find(t).is_none() => {
            return Err(CliError::usage(Catalogue::get().unknown_type(t)));
        }
        Some(t) => classify_for_type(url, t),
        None => classify(url),
    };
    if json {
        out_json!(&r);
        return Ok(());
    }
    let reusable = match r.reusable {
        Some(crate::endpoint::Reusable::Yes) => "yes: one connection can serve many models",
        Some(crate::endpoint::Reusable::No) => "no: one connection per deployment/endpoint",
        Some(crate::endpoint::Reusable::Unknown) => "can't tell",
        None => "n/a",
    };
    let show = |v: &Option<String>| v.as_deref().map(for_terminal).unwrap_or_else(|| "-".into());
    out!("kind             {}", r.kind.as_str());
    out!("reusable         {reusable}");
    out!("normalized base  {}", show(&r.normalized_base));
    if r.deployment.is_some() {
        out!("deployment       {}", show(&r.deployment));
    }
    if r.endpoint_name.is_some() {
        out!("endpoint name    {}", show(&r.endpoint_name));
    }
    if r.api_version.is_some() {
        out!("api-version      {}", show(&r.api_version));
    }
    if let Some(route) = r.route {
        out!("route            {} ({})", route.as_str(), route.words());
    }
    if let Some(a) = r.entra_audience {
        out!("entra audience   {a}");
    }
    if !r.flags.is_empty() {
        out!(
            "flags            {}",
            r.flags
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    out!("\n{}", r.hint);
    if let Some(t) = &r.tip {
        out!("{t}");
    }
    Ok(())
}
