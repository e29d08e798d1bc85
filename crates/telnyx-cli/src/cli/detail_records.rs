//! `telnyx detail-records list`

use clap::Subcommand;

/// `telnyx detail-records ...`
#[derive(Debug, Subcommand)]
pub enum DetailRecordsCommand {
    /// Search detail records.
    List {
        /// Record type: messaging, amd, conference, verify, wireless, media_storage, ...
        #[arg(long = "type", value_name = "TYPE")]
        record_type: String,
        /// yesterday, today, last_week, this_month, last_N_days, ...
        #[arg(long)]
        date_range: Option<String>,
        /// Field filter, repeatable: 'cld[contains]=456', 'direction=inbound', 'created_at[gte]=2025-05-01'.
        #[arg(long = "filter", value_name = "FIELD[OP]=VALUE")]
        filters: Vec<String>,
        /// Sort fields, repeatable or comma separated; '-' for descending: -created_at.
        #[arg(long, value_delimiter = ',', allow_hyphen_values = true)]
        sort: Vec<String>,
    },
}
