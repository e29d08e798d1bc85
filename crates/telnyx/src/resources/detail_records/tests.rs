//! Unit tests of the detail records parameters and record decoding.

use super::*;

fn npm_params() -> DetailRecordListParams {
    DetailRecordListParams::new(DetailRecordType::Messaging)
        .date_range(DateRange::Yesterday)
        .filter(FieldFilter::parse("cld[contains]=456").unwrap())
        .sort(["-created_at", "cld"])
        .page_size(2)
}

#[test]
fn query_matches_the_official_sdk() {
    assert_eq!(
        npm_params().to_query().unwrap().encode(),
        "filter%5Brecord_type%5D=messaging&filter%5Bdate_range%5D=yesterday&filter%5Bcld%5D%5Bcontains%5D=456&sort=-created_at%2Ccld&page%5Bsize%5D=2"
    );
}

#[test]
fn rules() {
    assert!(
        DetailRecordListParams::new(DetailRecordType::Other(String::new()))
            .to_query()
            .is_err()
    );
    assert!(npm_params().page_size(51).to_query().is_err());
    assert!(npm_params().page_size(50).to_query().is_ok());
    assert!(npm_params().page_number(0).to_query().is_err());
    assert!(npm_params()
        .filter(FieldFilter::new("", None, "x"))
        .to_query()
        .is_err());
}

#[test]
fn parses_enums_and_filters() {
    assert_eq!(
        "messaging".parse::<DetailRecordType>().unwrap(),
        DetailRecordType::Messaging
    );
    assert_eq!(DetailRecordType::ALL.len(), 21);
    assert_eq!(
        "last_7_days".parse::<DateRange>().unwrap(),
        DateRange::LastNDays(7)
    );
    assert_eq!(DateRange::LastNDays(7).to_string(), "last_7_days");
    assert!("last_x_days".parse::<DateRange>().is_err());
    let f = FieldFilter::parse("direction=inbound").unwrap();
    assert_eq!(
        (f.field.as_str(), f.op, f.value.as_str()),
        ("direction", None, "inbound")
    );
    let f = FieldFilter::parse("created_at[gte]=2021-06-22").unwrap();
    assert_eq!(f.op, Some(FilterOp::Gte));
    assert!(FieldFilter::parse("cld[near]=1").is_err());
    assert!(FieldFilter::parse("cld").is_err());
}

#[test]
fn unknown_record_type_keeps_raw_json() {
    let raw = serde_json::json!({"record_type": "call-control", "call_sec": 5, "x": {"y": 1}});
    let r: DetailRecord = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(r, DetailRecord::Other(raw.clone()));
    assert_eq!(serde_json::to_value(&r).unwrap(), raw);
    assert_eq!(r.record_type(), Some("call-control"));
}

#[test]
fn typed_record_errors_name_the_field() {
    let err = serde_json::from_str::<DetailRecord>(
        r#"{"record_type":"message_detail_record","parts":"two"}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("message_detail_record") && err.contains("parts"),
        "{err}"
    );
}

#[test]
fn common_accessors_cover_every_variant() {
    let m: DetailRecord = serde_json::from_str(
        r#"{"record_type":"message_detail_record","uuid":"u1","created_at":"2026-11-02T10:00:00Z","cost":"0.0080","currency":"USD"}"#,
    )
    .unwrap();
    assert_eq!(m.id(), Some("u1"));
    assert_eq!(m.cost().unwrap().as_str(), "0.0080");
    assert_eq!(m.currency(), Some("USD"));
    assert_eq!(
        m.created_at().unwrap().to_rfc3339(),
        "2026-11-02T10:00:00+00:00"
    );
    let v: DetailRecord = serde_json::from_str(
        r#"{"record_type":"verification_detail_record","id":"v","verify_usage_fee":"0.0500","currency":"EUR"}"#,
    )
    .unwrap();
    assert_eq!(v.cost().unwrap().as_str(), "0.0500");
    let c: DetailRecord = serde_json::from_str(
        r#"{"record_type":"conference_detail_record","id":"c","started_at":"2026-11-02T10:00:00Z"}"#,
    )
    .unwrap();
    assert_eq!((c.cost(), c.currency()), (None, None));
    assert!(c.created_at().is_some());
    let s: DetailRecord = serde_json::from_str(
        r#"{"record_type":"sim_card_usage","id":"s","data_cost":0.029283,"currency":"USD"}"#,
    )
    .unwrap();
    assert_eq!(s.cost().unwrap().as_str(), "0.029283");
    let raw: DetailRecord = serde_json::from_str(
        r#"{"record_type":"call_control_detail_record","id":"cc","started_at":"2026-11-02T10:00:00Z","cost":"0.0140","currency":"USD"}"#,
    )
    .unwrap();
    assert_eq!(raw.id(), Some("cc"));
    assert_eq!(raw.cost().unwrap().as_str(), "0.0140");
    assert!(raw.created_at().is_some());
    let bad: DetailRecord =
        serde_json::from_str(r#"{"record_type":"fax","created_at":"yesterday","cost":[1]}"#)
            .unwrap();
    assert_eq!((bad.created_at(), bad.cost(), bad.id()), (None, None, None));
}

#[test]
fn sim_card_numbers_stay_exact() {
    let r: DetailRecord = serde_json::from_str(
        r#"{"record_type":"sim_card_usage","data_cost":0.029283,"downlink_data":0.124,"uplink_data":0.7653,"data_rate":"0.06000"}"#,
    )
    .unwrap();
    let DetailRecord::SimCardUsage(s) = r else {
        panic!("not a sim card record")
    };
    assert_eq!(s.data_cost.unwrap().as_str(), "0.029283");
    assert_eq!(s.data_rate.unwrap().as_str(), "0.06000");
    let back = serde_json::to_value(DetailRecord::SimCardUsage(SimCardUsageDetailRecord {
        uplink_data: None,
        ..serde_json::from_str(r#"{"id":"x"}"#).unwrap()
    }))
    .unwrap();
    assert_eq!(back["record_type"], "sim_card_usage");
}
