//! `telnyx tags list`

use serde_json::{json, Value};

use crate::cli::TagsCommand;
use crate::commands::to_json;
use crate::context::Ctx;
use crate::exit::CliError;
use crate::output::{Col, ListSpec};

/// Runs `telnyx tags ...`.
pub async fn run(ctx: &mut Ctx, cmd: TagsCommand) -> Result<(), CliError> {
    let TagsCommand::List { prefix } = cmd;
    let mut params = telnyx::UserTagListParams::default();
    if let Some(p) = prefix {
        params = params.starts_with(p);
    }
    let tags = ctx.client.user_tags().list(params).await?;
    let v = to_json(&tags)?;
    match ctx.out.format {
        crate::cli::OutputFormat::Json | crate::cli::OutputFormat::Jsonl => {
            ctx.out.object(&v, |_| String::new())
        }
        _ => {
            // Table and CSV: one row per tag, with its kind.
            let spec = ListSpec {
                table: vec![Col::path("KIND", "kind"), Col::path("TAG", "tag")],
                csv: vec!["kind", "tag"],
                noun: "tags",
            };
            let rows = rows(&v);
            let mut w = ctx.out.list(spec);
            for r in &rows {
                w.push(r)?;
            }
            w.finish().map(|_| ())
        }
    }
}

fn rows(v: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    for (key, kind) in [
        ("number_tags", "number"),
        ("outbound_profile_tags", "outbound_profile"),
    ] {
        if let Some(arr) = v.get(key).and_then(Value::as_array) {
            for t in arr {
                out.push(json!({"kind": kind, "tag": t}));
            }
        }
    }
    out
}
