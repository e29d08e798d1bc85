//! The catalogue of detail record types: each type's wire names, fields and their kinds.

use super::value::Kind;

/// Static description of one detail record type.
#[derive(Debug)]
pub struct RecordType {
    /// The `filter[record_type]` value, e.g. `messaging`.
    pub filter: &'static str,
    /// The wire `record_type`, e.g. `message_detail_record`.
    pub wire: &'static str,
    /// The time field that `filter[date_range]` and the default sort use.
    pub date_field: &'static str,
    /// Field names and kinds, in the order of the [`Records`] columns.
    pub fields: &'static [(&'static str, Kind)],
    /// The field holding a record's cost (debited from the balance), if it has one.
    pub cost_field: Option<&'static str>,
    /// The charges summary's usage line for it: (name, alias). The alias is the
    /// `filter[record_type]` value, so a line's amount is exactly its records' cost
    /// (what `telnyx usage reconcile` compares).
    pub product: (&'static str, &'static str),
}

impl RecordType {
    /// Index of a field by name.
    pub fn field(&self, name: &str) -> Option<(usize, Kind)> {
        self.fields
            .iter()
            .position(|(n, _)| *n == name)
            .map(|i| (i, self.fields[i].1))
    }
}

use Kind::*;

/// Message detail records.
pub static MESSAGING: RecordType = RecordType {
    filter: "messaging",
    wire: "message_detail_record",
    date_field: "created_at",
    fields: &[
        ("uuid", Str),
        ("user_id", Str),
        ("record_type", Str),
        ("created_at", Time),
        ("sent_at", Time),
        ("completed_at", Time),
        ("updated_at", Time),
        ("direction", Str),
        ("message_type", Str),
        ("status", Str),
        ("delivery_status", Str),
        ("cli", Str),
        ("cld", Str),
        ("country_code", Str),
        ("source_country_code", Str),
        ("carrier", Str),
        ("mcc", Str),
        ("mnc", Str),
        ("parts", Int),
        ("rate", Dec),
        ("cost", Dec),
        ("carrier_fee", Dec),
        ("currency", Str),
        ("profile_id", Str),
        ("profile_name", Str),
        ("errors", Arr),
        ("fteu", Bool),
        ("on_net", Bool),
        ("tags", Str),
    ],
    cost_field: Some("cost"),
    product: ("Messaging", "messaging"),
};

/// Call Control detail records (no schema in the spec; decoded as raw JSON by clients).
pub static CALL_CONTROL: RecordType = RecordType {
    filter: "call-control",
    wire: "call_control_detail_record",
    date_field: "started_at",
    fields: &[
        ("id", Str),
        ("user_id", Str),
        ("record_type", Str),
        ("call_session_id", Str),
        ("call_leg_id", Str),
        ("started_at", Time),
        ("ended_at", Time),
        ("direction", Str),
        ("cli", Str),
        ("cld", Str),
        ("call_sec", Int),
        ("billed_sec", Int),
        ("rate", Dec),
        ("rate_measured_in", Str),
        ("cost", Dec),
        ("currency", Str),
        ("connection_id", Str),
        ("connection_name", Str),
        ("hangup_cause", Str),
        ("is_telnyx_billable", Bool),
        ("tags", Str),
    ],
    cost_field: Some("cost"),
    product: ("Voice", "call-control"),
};

/// Conference detail records.
pub static CONFERENCE: RecordType = RecordType {
    filter: "conference",
    wire: "conference_detail_record",
    date_field: "started_at",
    fields: &[
        ("id", Str),
        ("user_id", Str),
        ("record_type", Str),
        ("name", Str),
        ("region", Str),
        ("call_leg_id", Str),
        ("call_session_id", Str),
        ("connection_id", Str),
        ("started_at", Time),
        ("ended_at", Time),
        ("expires_at", Time),
        ("call_sec", Int),
        ("participant_count", Int),
        ("participant_call_sec", Int),
        ("is_telnyx_billable", Bool),
    ],
    cost_field: None,
    product: ("Conferencing", "conference"),
};

/// Conference participant detail records.
pub static CONFERENCE_PARTICIPANT: RecordType = RecordType {
    filter: "conference-participant",
    wire: "conference_participant_detail_record",
    date_field: "joined_at",
    fields: &[
        ("id", Str),
        ("user_id", Str),
        ("record_type", Str),
        ("conference_id", Str),
        ("call_leg_id", Str),
        ("call_session_id", Str),
        ("joined_at", Time),
        ("left_at", Time),
        ("call_sec", Int),
        ("billed_sec", Int),
        ("originating_number", Str),
        ("destination_number", Str),
        ("rate", Dec),
        ("rate_measured_in", Str),
        ("cost", Dec),
        ("currency", Str),
        ("is_telnyx_billable", Bool),
    ],
    cost_field: Some("cost"),
    product: ("Conferencing", "conference-participant"),
};

/// Answering machine detection records.
pub static AMD: RecordType = RecordType {
    filter: "amd",
    wire: "amd_detail_record",
    date_field: "invoked_at",
    fields: &[
        ("id", Str),
        ("record_type", Str),
        ("call_leg_id", Str),
        ("call_session_id", Str),
        ("connection_id", Str),
        ("connection_name", Str),
        ("billing_group_id", Str),
        ("billing_group_name", Str),
        ("feature", Str),
        ("invoked_at", Time),
        ("is_telnyx_billable", Bool),
        ("rate", Dec),
        ("rate_measured_in", Str),
        ("cost", Dec),
        ("currency", Str),
        ("tags", Str),
    ],
    cost_field: Some("cost"),
    product: ("Answering Machine Detection", "amd"),
};

/// Verify (2FA) records.
pub static VERIFY: RecordType = RecordType {
    filter: "verify",
    wire: "verification_detail_record",
    date_field: "created_at",
    fields: &[
        ("id", Str),
        ("record_type", Str),
        ("created_at", Time),
        ("updated_at", Time),
        ("destination_phone_number", Str),
        ("verify_channel_type", Str),
        ("verify_channel_id", Str),
        ("verify_profile_id", Str),
        ("verification_status", Str),
        ("delivery_status", Str),
        ("rate", Dec),
        ("rate_measured_in", Str),
        ("verify_usage_fee", Dec),
        ("currency", Str),
    ],
    cost_field: Some("verify_usage_fee"),
    product: ("Verify", "verify"),
};

/// Wireless SIM card usage records.
pub static WIRELESS: RecordType = RecordType {
    filter: "wireless",
    wire: "sim_card_usage",
    date_field: "created_at",
    fields: &[
        ("id", Str),
        ("record_type", Str),
        ("created_at", Time),
        ("closed_at", Time),
        ("sim_card_id", Str),
        ("sim_group_id", Str),
        ("sim_group_name", Str),
        ("imsi", Str),
        ("ip_address", Str),
        ("mcc", Str),
        ("mnc", Str),
        ("phone_number", Str),
        ("data_unit", Str),
        ("data_rate", Dec),
        ("uplink_data", Num),
        ("downlink_data", Num),
        ("data_cost", Num),
        ("currency", Str),
        ("sim_card_tags", Str),
    ],
    cost_field: Some("data_cost"),
    product: ("Wireless", "wireless"),
};

/// Media storage records.
pub static MEDIA_STORAGE: RecordType = RecordType {
    filter: "media_storage",
    wire: "media_storage",
    date_field: "created_at",
    fields: &[
        ("id", Str),
        ("user_id", Str),
        ("org_id", Str),
        ("record_type", Str),
        ("created_at", Time),
        ("action_type", Str),
        ("asset_id", Str),
        ("link_channel_id", Str),
        ("link_channel_type", Str),
        ("status", Str),
        ("rate", Dec),
        ("rate_measured_in", Str),
        ("cost", Dec),
        ("currency", Str),
        ("webhook_id", Str),
    ],
    cost_field: Some("cost"),
    product: ("Media Storage", "media_storage"),
};

/// Fields of record types the emulator knows but does not seed.
static GENERIC_FIELDS: &[(&str, Kind)] = &[
    ("id", Str),
    ("user_id", Str),
    ("record_type", Str),
    ("created_at", Time),
    ("cost", Dec),
    ("currency", Str),
];

macro_rules! generic {
    ($name:ident, $f:literal) => {
        static $name: RecordType = RecordType {
            filter: $f,
            wire: $f,
            date_field: "created_at",
            fields: GENERIC_FIELDS,
            cost_field: None,
            product: ($f, $f),
        };
    };
}
generic!(G_AI, "ai-voice-assistant");
generic!(G_EMB, "embedding");
generic!(G_FAX, "fax");
generic!(G_INF, "inference");
generic!(G_INF_STT, "inference-speech-to-text");
generic!(G_MS, "media-streaming");
generic!(G_NS, "noise-suppression");
generic!(G_REC, "recording");
generic!(G_SIP, "sip-trunking");
generic!(G_SIPREC, "siprec-client");
generic!(G_STT, "stt");
generic!(G_TTS, "tts");
generic!(G_WEBRTC, "webrtc");

/// The record types the emulator seeds with data.
pub static SEEDED_TYPES: [&RecordType; 8] = [
    &MESSAGING,
    &CALL_CONTROL,
    &CONFERENCE,
    &CONFERENCE_PARTICIPANT,
    &AMD,
    &VERIFY,
    &WIRELESS,
    &MEDIA_STORAGE,
];

/// Every valid `filter[record_type]` value.
pub static ALL_TYPES: [&RecordType; 21] = [
    &G_AI,
    &AMD,
    &CALL_CONTROL,
    &CONFERENCE,
    &CONFERENCE_PARTICIPANT,
    &G_EMB,
    &G_FAX,
    &G_INF,
    &G_INF_STT,
    &MEDIA_STORAGE,
    &G_MS,
    &MESSAGING,
    &G_NS,
    &G_REC,
    &G_SIP,
    &G_SIPREC,
    &G_STT,
    &G_TTS,
    &VERIFY,
    &G_WEBRTC,
    &WIRELESS,
];

/// Looks up a record type by its filter value.
pub fn record_type(filter: &str) -> Option<&'static RecordType> {
    ALL_TYPES.iter().copied().find(|t| t.filter == filter)
}
