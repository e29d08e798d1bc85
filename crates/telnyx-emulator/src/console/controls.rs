//! The control forms: real form POSTs that work without JavaScript and call the same domain
//! functions (over the one write path, `Store::write`) as the control API. A refused input
//! re-renders the page with the field named; nothing is half-applied, since each form is one
//! validated write.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;

use super::accounts::{home_page, PERIODS};
use super::form::{error_box, invalid_attr, see_other, FormError, FormPairs};
use super::view::{mask_key, page};
use super::{html_response, Found};
use crate::domain::clock::{AdvanceTo, MAX_ADVANCE_DAYS};
use crate::state::App;

fn refused(app: &App, key: &str, acct: &crate::store::Account, e: &FormError) -> Response {
    let d = acct.read();
    html_response(
        StatusCode::BAD_REQUEST,
        home_page(app, key, &d, PERIODS[0], Some(e)),
    )
}

/// The advance target a form names: `days` (an integer) or `to` (a date or RFC 3339 time).
pub fn advance_target(pairs: &[(String, String)]) -> Result<AdvanceTo, FormError> {
    let get = |n: &str| pairs.iter().find(|(k, _)| k == n).map(|(_, v)| v.trim());
    match (get("days"), get("to")) {
        (Some(days), None) => days.parse::<i64>().map(AdvanceTo::Days).map_err(|_| {
            FormError::new(
                "advance",
                "days",
                format!("days must be a whole number of days from 0 to {MAX_ADVANCE_DAYS}; got {days:?}."),
            )
        }),
        (None, Some(to)) => crate::util::parse_date(to)
            .map(crate::util::day_start)
            .or_else(|| crate::util::parse_time(to))
            .map(AdvanceTo::At)
            .ok_or_else(|| {
                FormError::new(
                    "advance",
                    "to",
                    format!("to must be a date like 2027-01-31 (or an RFC 3339 time); got {to:?}."),
                )
            }),
        _ => Err(FormError::new(
            "advance",
            "days",
            "Give either days or a date (to), not both and not neither.",
        )),
    }
}

/// `POST /console/accounts/{hash}/advance`: `days=N` or `to=YYYY-MM-DD`.
pub async fn advance(
    State(app): State<Arc<App>>,
    Found { hash, key, acct }: Found,
    FormPairs(pairs): FormPairs,
) -> Response {
    let to = match advance_target(&pairs) {
        Ok(t) => t,
        Err(e) => return refused(&app, &key, &acct, &e),
    };
    let (app2, acct2) = (app.clone(), acct.clone());
    match tokio::task::spawn_blocking(move || app2.advance(&acct2, to)).await {
        Ok(Ok(_)) => see_other(&format!("/console/accounts/{hash}")),
        Ok(Err(e)) => refused(&app, &key, &acct, &FormError::from_store("advance", e)),
        Err(e) => super::message_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Advance failed",
            &e.to_string(),
        ),
    }
}

/// The traffic profile a form gives: every `per_day.TYPE` field (empty is 0; zero rates are
/// left out of the profile, which generates nothing for them).
pub fn traffic_profile(pairs: &[(String, String)]) -> Result<Vec<(String, i64)>, FormError> {
    let mut out = Vec::new();
    for (k, v) in pairs {
        let Some(ty) = k.strip_prefix("per_day.") else {
            continue;
        };
        let v = v.trim();
        let n = if v.is_empty() {
            0
        } else {
            v.parse::<i64>().map_err(|_| {
                FormError::new(
                    "traffic",
                    k,
                    format!(
                        "The rate for {ty} must be a whole number of records per day; got {v:?}."
                    ),
                )
            })?
        };
        if n != 0 {
            out.push((ty.to_string(), n));
        }
    }
    Ok(out)
}

/// `POST /console/accounts/{hash}/traffic`: `per_day.messaging=500&...`.
pub async fn traffic(
    State(app): State<Arc<App>>,
    Found { hash, key, acct }: Found,
    FormPairs(pairs): FormPairs,
) -> Response {
    let profile = match traffic_profile(&pairs) {
        Ok(p) => p,
        Err(e) => return refused(&app, &key, &acct, &e),
    };
    match app.store.set_traffic(&acct, &profile) {
        Ok(_) => see_other(&format!("/console/accounts/{hash}")),
        Err(e) => {
            let mut e = FormError::from_store("traffic", e);
            // The domain names `per_day.TYPE` or `per_day`; the form's fields are the former.
            if !e.field.starts_with("per_day.") {
                if let Some((ty, _)) = profile.first() {
                    e.field = format!("per_day.{ty}");
                }
            }
            refused(&app, &key, &acct, &e)
        }
    }
}

fn reset_page(hash: &str, key: &str, error: Option<&FormError>) -> maud::Markup {
    page(
        "Reset account",
        html! {
            h1 { "Reset account " (mask_key(key)) "?" }
            @if let Some(e) = error { (error_box(e)) }
            p { "This forgets every change made to the account (clock, traffic, payments, webhook settings and deliveries) and starts it again from its seeded history." }
            form method="post" action=(format!("/console/accounts/{hash}/reset")) {
                div.field {
                    input #confirm type="checkbox" name="confirm" value="yes" required aria-invalid=[invalid_attr(error, "reset", "confirm")];
                    label for="confirm" { "Yes, reset this account" }
                }
                button type="submit" { "Reset account" }
                " "
                a href=(format!("/console/accounts/{hash}")) { "Cancel" }
            }
        },
    )
}

/// `GET /console/accounts/{hash}/reset`: the confirmation form.
pub async fn confirm_reset(Found { hash, key, .. }: Found) -> Response {
    html_response(StatusCode::OK, reset_page(&hash, &key, None))
}

/// `POST /console/accounts/{hash}/reset` with `confirm=yes`.
pub async fn reset(
    State(app): State<Arc<App>>,
    Found { hash, key, .. }: Found,
    FormPairs(pairs): FormPairs,
) -> Response {
    if !pairs.iter().any(|(k, v)| k == "confirm" && v == "yes") {
        let e = FormError::new("reset", "confirm", "Tick the box to confirm the reset.");
        return html_response(StatusCode::BAD_REQUEST, reset_page(&hash, &key, Some(&e)));
    }
    if let Err(e) = app.store.reset(Some(&key)) {
        return super::message_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Reset failed",
            &e.to_string(),
        );
    }
    app.deliveries.reset_stats(Some(&hash));
    see_other("/console")
}

#[cfg(test)]
mod tests {
    use super::super::form::form_pairs;
    use super::*;

    fn pairs(s: &str) -> Vec<(String, String)> {
        form_pairs(s.as_bytes())
    }

    #[test]
    fn advance_forms_parse_days_or_a_date() {
        assert_eq!(advance_target(&pairs("days=31")), Ok(AdvanceTo::Days(31)));
        let Ok(AdvanceTo::At(t)) = advance_target(&pairs("to=2027-01-31")) else {
            panic!("a date is a target");
        };
        assert_eq!(crate::util::ts(t), "2027-01-31T00:00:00Z");
        assert_eq!(
            advance_target(&pairs("days=x")).map_err(|e| e.field),
            Err("days".into())
        );
        assert_eq!(
            advance_target(&pairs("to=31/01")).map_err(|e| e.field),
            Err("to".into())
        );
        assert_eq!(
            advance_target(&pairs("")).map_err(|e| e.form),
            Err("advance")
        );
    }

    #[test]
    fn traffic_forms_name_the_bad_field() {
        assert_eq!(
            traffic_profile(&pairs(
                "per_day.messaging=500&per_day.call-control=&other=1"
            )),
            Ok(vec![("messaging".into(), 500)])
        );
        let e = traffic_profile(&pairs("per_day.messaging=5x")).err();
        assert_eq!(e.map(|e| e.field), Some("per_day.messaging".into()));
    }
}
