//! `telnyx tags list`

use serde::Serialize;

use crate::cli::tags::TagsCommand;
use crate::cli::{GlobalArgs, OutputFormat};
use crate::columns::{Col, ListSpec};
use crate::context::Ctx;
use crate::exit::CliError;

/// One tag with its kind: a row of the table and of the CSV.
#[derive(Serialize)]
struct TagRow<'a> {
    /// `number` or `outbound_profile`.
    kind: &'static str,
    /// The tag.
    tag: &'a str,
}

/// Runs `telnyx tags ...`.
pub async fn run(cmd: TagsCommand, global: GlobalArgs) -> Result<(), CliError> {
    Ctx::run(global, async |ctx| run_in(ctx, cmd).await).await
}

/// `run` inside the context.
async fn run_in(ctx: &mut Ctx, cmd: TagsCommand) -> Result<(), CliError> {
    let TagsCommand::List { prefix } = cmd;
    let mut params = telnyx::UserTagListParams::default();
    if let Some(p) = prefix {
        params = params.starts_with(p);
    }
    let tags = ctx.client.user_tags().list(params).await?;
    match ctx.out.format {
        OutputFormat::Json | OutputFormat::Jsonl => ctx.out.object(&tags, |_| String::new()),
        OutputFormat::Table | OutputFormat::Csv => {
            // One row per tag, with its kind.
            let spec = ListSpec {
                table: vec![
                    Col::new("KIND", |r: &TagRow<'_>| r.kind.to_string()),
                    Col::new("TAG", |r: &TagRow<'_>| r.tag.to_string()),
                ],
                csv: vec![
                    Col::new("kind", |r: &TagRow<'_>| r.kind.to_string()),
                    Col::new("tag", |r: &TagRow<'_>| r.tag.to_string()),
                ],
                noun: "tags",
            };
            let rows = tags
                .number_tags
                .iter()
                .map(|t| ("number", t))
                .chain(
                    tags.outbound_profile_tags
                        .iter()
                        .map(|t| ("outbound_profile", t)),
                )
                .map(|(kind, tag)| TagRow { kind, tag });
            let mut w = ctx.out.list(spec);
            for r in rows {
                w.push(&r)?;
            }
            w.finish().map(|_| ())
        }
    }
}
