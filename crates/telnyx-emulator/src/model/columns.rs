//! Columnar storage of detail records: one [`Column`] per field, dictionary-encoded while a
//! field has few distinct values.

use serde_json::{Map, Value};

use super::schema::RecordType;
use super::value::Fv;

/// Most distinct values a dictionary column holds before it is stored plainly.
const DICT_MAX: usize = 255;

/// One field's values in stored order: a dictionary of distinct values and one byte per record
/// while the field has few distinct values (directions, statuses, rates, numbers...), else one
/// value per record. A year of messaging traffic is a third of the memory it would be plainly.
#[derive(Debug, Clone)]
pub enum Column {
    /// Up to [`DICT_MAX`] distinct values and each record's index into them.
    Dict {
        /// Distinct values.
        values: Vec<Fv>,
        /// Per record, an index into `values`.
        codes: Vec<u8>,
    },
    /// One value per record.
    Plain(Vec<Fv>),
}

impl Default for Column {
    fn default() -> Column {
        Column::Dict {
            values: Vec::new(),
            codes: Vec::new(),
        }
    }
}

impl Column {
    /// The value of record `i`.
    pub fn get(&self, i: usize) -> Option<&Fv> {
        match self {
            Column::Dict { values, codes } => values.get(usize::from(*codes.get(i)?)),
            Column::Plain(v) => v.get(i),
        }
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        match self {
            Column::Dict { codes, .. } => codes.len(),
            Column::Plain(v) => v.len(),
        }
    }

    /// The first record for which `pred` is false, in a column where it holds for a prefix.
    pub fn partition_point(&self, pred: impl Fn(&Fv) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.get(mid).is_some_and(&pred) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Appends a value.
    pub fn push(&mut self, v: Fv) {
        match self {
            Column::Plain(vals) => vals.push(v),
            Column::Dict { values, codes } => {
                // The last value repeats often (constant fields); check it first.
                let found = match values.last() {
                    Some(last) if *last == v => Some(values.len() - 1),
                    _ => values.iter().position(|x| *x == v),
                };
                match found {
                    Some(k) => codes.push(u8::try_from(k).unwrap_or(u8::MAX)),
                    None if values.len() < DICT_MAX => {
                        codes.push(u8::try_from(values.len()).unwrap_or(u8::MAX));
                        values.push(v);
                    }
                    None => {
                        let mut plain: Vec<Fv> = Vec::with_capacity(codes.len() * 2 + 1);
                        plain.extend(codes.iter().map(|c| values[usize::from(*c)].clone()));
                        plain.push(v);
                        *self = Column::Plain(plain);
                    }
                }
            }
        }
    }
}

/// The detail records of one type, stored by column: one [`Column`] per field of its
/// [`RecordType::fields`], rows sorted by the type's date field (oldest first). A filter or a
/// sort reads one contiguous column instead of one scattered allocation per record.
#[derive(Debug, Clone, Default)]
pub struct Records {
    columns: Vec<Column>,
    len: usize,
}

impl Records {
    /// A table from row-major `values` (`width` per row), rows ordered by the values of column
    /// `order_by` with [`cmp_fv`] (a stable sort: equal rows keep their order).
    pub fn from_rows(width: usize, mut values: Vec<Fv>, order_by: Option<usize>) -> Records {
        let width = width.max(1);
        let len = values.len() / width;
        let mut rows: Vec<usize> = (0..len).collect();
        if let Some(c) = order_by.filter(|c| *c < width) {
            // Sort on a contiguous copy of the key column, not through the rows.
            let key: Vec<Fv> = (0..len).map(|r| values[r * width + c].clone()).collect();
            rows.sort_by(|a, b| cmp_fv(&key[*a], &key[*b]));
        }
        let mut columns: Vec<Column> = (0..width).map(|_| Column::default()).collect();
        for r in rows {
            let row = &mut values[r * width..(r + 1) * width];
            for (col, v) in columns.iter_mut().zip(row) {
                col.push(std::mem::replace(v, Fv::B(false)));
            }
        }
        Records { columns, len }
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Appends one record (`values` in field order); the caller keeps the date order.
    pub fn push_row(&mut self, values: Vec<Fv>) {
        if self.columns.len() < values.len() {
            self.columns.resize_with(values.len(), Column::default);
        }
        for (col, v) in self.columns.iter_mut().zip(values) {
            col.push(v);
        }
        self.len += 1;
    }

    /// The value of field `idx` of record `row`.
    pub fn value(&self, row: usize, idx: usize) -> Option<&Fv> {
        self.columns.get(idx)?.get(row)
    }

    /// The values of field `idx`, one per record in stored order (`None` for an unknown field).
    pub fn column(&self, idx: usize) -> Option<&Column> {
        self.columns.get(idx)
    }

    /// The JSON object of record `row` for `ty`.
    pub fn to_json(&self, row: usize, ty: &RecordType) -> Value {
        let mut m = Map::with_capacity(ty.fields.len());
        for ((name, _), col) in ty.fields.iter().zip(&self.columns) {
            if let Some(v) = col.get(row) {
                m.insert((*name).to_string(), v.to_json());
            }
        }
        Value::Object(m)
    }
}

/// Orders two field values of the same kind (values of different kinds compare equal).
pub fn cmp_fv(a: &Fv, b: &Fv) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Fv::S(x), Fv::S(y)) => x.cmp(y),
        (Fv::I(x), Fv::I(y)) => x.cmp(y),
        (Fv::N(x), Fv::N(y)) => x.cmp(y),
        (Fv::B(x), Fv::B(y)) => x.cmp(y),
        (Fv::T(x), Fv::T(y)) => x.cmp(y),
        (Fv::D(x, _), Fv::D(y, _)) => x.cmp(y),
        (Fv::A(x), Fv::A(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use proptest::prelude::*;

    use super::*;

    /// Values with few or many distinct members (to cross the dictionary limit).
    fn values(distinct: i64) -> impl Strategy<Value = Vec<Fv>> {
        prop::collection::vec(0..distinct, 0..600).prop_map(|v| v.into_iter().map(Fv::I).collect())
    }

    proptest! {
        #[test]
        fn a_column_gives_back_what_was_pushed(vals in prop_oneof![values(4), values(1000)]) {
            let mut col = Column::default();
            for v in &vals {
                col.push(v.clone());
            }
            prop_assert_eq!(col.len(), vals.len());
            for (i, v) in vals.iter().enumerate() {
                prop_assert_eq!(col.get(i), Some(v));
            }
            prop_assert_eq!(col.get(vals.len()), None);
            let mut distinct = vals.clone();
            distinct.sort_by(cmp_fv);
            distinct.dedup();
            let is_dict = matches!(col, Column::Dict { .. });
            prop_assert_eq!(is_dict, distinct.len() <= DICT_MAX, "{} distinct", distinct.len());
        }

        #[test]
        fn partition_point_is_the_end_of_the_prefix(mut vals in values(500), cut in 0i64..500) {
            vals.sort_by(cmp_fv);
            let mut col = Column::default();
            for v in &vals {
                col.push(v.clone());
            }
            let below = |v: &Fv| matches!(v, Fv::I(x) if *x < cut);
            let expected = vals.iter().take_while(|v| below(v)).count();
            prop_assert_eq!(col.partition_point(below), expected);
        }

        #[test]
        fn from_rows_orders_rows_stably_by_the_key(keys in prop::collection::vec(0i64..20, 0..200)) {
            // Row r is (key, r): the second column shows where each row came from.
            let rows: Vec<Fv> = keys
                .iter()
                .enumerate()
                .flat_map(|(r, k)| [Fv::I(*k), Fv::I(r as i64)])
                .collect();
            let table = Records::from_rows(2, rows, Some(0));
            prop_assert_eq!(table.len(), keys.len());
            let mut expected: Vec<(i64, i64)> =
                keys.iter().enumerate().map(|(r, k)| (*k, r as i64)).collect();
            expected.sort_by_key(|(k, _)| *k); // stable: equal keys keep their order
            for (row, (k, origin)) in expected.iter().enumerate() {
                prop_assert_eq!(table.value(row, 0), Some(&Fv::I(*k)));
                prop_assert_eq!(table.value(row, 1), Some(&Fv::I(*origin)));
            }
        }
    }

    #[test]
    fn push_row_appends_and_to_json_names_the_fields() {
        use crate::model::schema::RecordType;
        use crate::model::value::Kind;
        static TY: RecordType = RecordType {
            filter: "t",
            wire: "t",
            date_field: "at",
            fields: &[("name", Kind::Str), ("n", Kind::Int)],
            cost_field: None,
            product: ("t", "t"),
        };
        let mut table = Records::from_rows(2, vec![Fv::S(Arc::from("a")), Fv::I(1)], None);
        table.push_row(vec![Fv::S(Arc::from("b")), Fv::I(2)]);
        assert_eq!(table.len(), 2);
        assert_eq!(
            table.to_json(1, &TY),
            serde_json::json!({ "name": "b", "n": 2 })
        );
        assert_eq!(table.value(2, 0), None);
        assert_eq!(table.value(0, 5), None);
        assert_eq!(table.column(1).map(Column::len), Some(2));
    }
}
