//! Account state: in memory for reads (sharded map, one `RwLock` per account), SQLite for durability.
//!
//! Seeded data is regenerated from (key, seed) when an account is first used, so only
//! mutations ([`Event`]s) are written to SQLite. Every event is committed before the
//! response that acknowledges it is sent, and replayed in order when the account is loaded
//! again after a restart. Without `--db` there is no SQLite at all.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Instant;

use chrono::{DateTime, SubsecRound, Utc};
use rusqlite::{params, Connection};

use crate::config::{EmulatorError, SeedReport, SeedRequest};
use crate::domain::clock::{self, AdvanceTo, Outcome};
use crate::domain::events::apply;
pub(crate) use crate::domain::StoreError;
use crate::model::{AccountData, Event};
use crate::seed;
use crate::util::{key_hash, stable_hash};

const SHARDS: usize = 16;

/// The wall clock to the second: where an account's clock starts without `--start-time`.
fn now_secs() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(0)
}

/// One account: its key hash and its data behind its own lock.
#[derive(Debug)]
pub struct Account {
    /// Short hash of the API key.
    pub key_hash: String,
    data: RwLock<AccountData>,
}

impl Account {
    /// Shared read access.
    pub fn read(&self) -> RwLockReadGuard<'_, AccountData> {
        self.data.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Exclusive write access: only [`Store::write`] changes an account.
    fn write(&self) -> RwLockWriteGuard<'_, AccountData> {
        self.data.write().unwrap_or_else(|e| e.into_inner())
    }
}

/// What a validated request does to an account: the event that makes the change (`None`:
/// nothing changes) and the answer to give once it is made.
#[derive(Debug)]
pub struct Change<T> {
    /// The event to commit, then apply.
    pub event: Option<Event>,
    /// What the caller answers.
    pub answer: T,
}

impl<T> Change<T> {
    /// A change made by `event`.
    pub fn to(event: Event, answer: T) -> Change<T> {
        Change {
            event: Some(event),
            answer,
        }
    }

    /// Nothing changes.
    pub fn none(answer: T) -> Change<T> {
        Change {
            event: None,
            answer,
        }
    }
}

/// All accounts plus the optional database.
#[derive(Debug)]
pub struct Store {
    shards: Vec<RwLock<HashMap<String, Arc<Account>>>>,
    db: Option<Mutex<Connection>>,
    seed: u64,
    start_time: Option<DateTime<Utc>>,
}

fn db_err(e: rusqlite::Error) -> StoreError {
    StoreError::Storage(e.to_string())
}

impl Store {
    /// Opens the store; with a path, opens (or creates) the SQLite file.
    pub fn open(
        db_path: Option<&Path>,
        seed: u64,
        start_time: Option<DateTime<Utc>>,
    ) -> Result<Store, EmulatorError> {
        let db = match db_path {
            Some(p) => {
                let c = Connection::open(p)?;
                c.pragma_update(None, "journal_mode", "WAL")?;
                c.pragma_update(None, "synchronous", "NORMAL")?;
                c.execute_batch(
                    "CREATE TABLE IF NOT EXISTS events (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        account TEXT NOT NULL,
                        data TEXT NOT NULL
                    );
                    CREATE INDEX IF NOT EXISTS events_account ON events(account, seq);",
                )?;
                Some(Mutex::new(c))
            }
            None => None,
        };
        Ok(Store {
            shards: (0..SHARDS).map(|_| RwLock::new(HashMap::new())).collect(),
            db,
            seed,
            start_time,
        })
    }

    fn shard(&self, key: &str) -> &RwLock<HashMap<String, Arc<Account>>> {
        &self.shards[(stable_hash(key) % SHARDS as u64) as usize]
    }

    fn load_events(&self, hash: &str) -> Result<Vec<Event>, rusqlite::Error> {
        let Some(db) = &self.db else {
            return Ok(Vec::new());
        };
        let c = db.lock().unwrap_or_else(|e| e.into_inner());
        let mut st = c.prepare_cached("SELECT data FROM events WHERE account = ?1 ORDER BY seq")?;
        let rows = st.query_map(params![hash], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for r in rows {
            match serde_json::from_str::<Event>(&r?) {
                Ok(ev) => out.push(ev),
                Err(e) => tracing::warn!(error = %e, "skipping unreadable stored event"),
            }
        }
        Ok(out)
    }

    fn build(&self, key: &str) -> Result<AccountData, StoreError> {
        let hash = key_hash(key);
        let events = self.load_events(&hash).map_err(db_err)?;
        let sizes = events
            .iter()
            .rev()
            .find_map(|e| match e {
                Event::Seed { sizes } => Some(sizes.clone()),
                _ => None,
            })
            .unwrap_or_default();
        let opened = events.iter().rev().find_map(|e| match e {
            Event::Opened { at } => Some(*at),
            _ => None,
        });
        let start = match (self.start_time, opened) {
            (Some(t), _) => t,
            (None, Some(t)) => t,
            (None, None) => {
                let at = now_secs();
                self.commit(&hash, &Event::Opened { at })?;
                at
            }
        };
        let mut data = seed::generate(key, self.seed, &sizes, start);
        for ev in &events {
            apply(&mut data, ev);
        }
        Ok(data)
    }

    /// The account for `key`, created (seeded, then stored events replayed) on first use.
    pub fn account(&self, key: &str) -> Result<Arc<Account>, StoreError> {
        let shard = self.shard(key);
        if let Some(a) = shard.read().unwrap_or_else(|e| e.into_inner()).get(key) {
            return Ok(a.clone());
        }
        let data = self.build(key)?;
        let mut w = shard.write().unwrap_or_else(|e| e.into_inner());
        let acct = w.entry(key.to_string()).or_insert_with(|| {
            Arc::new(Account {
                key_hash: data.key_hash.clone(),
                data: RwLock::new(data),
            })
        });
        Ok(acct.clone())
    }

    /// The one write path: under the account's write lock, `decide` validates the request
    /// against the current state and says what changes; the event is committed to SQLite
    /// (with `--db`), then applied. When validation or the commit fails, nothing changes.
    /// Returns the answer and, for an advance, what it did.
    pub fn write<T, E: From<StoreError>>(
        &self,
        acct: &Account,
        decide: impl FnOnce(&AccountData) -> Result<Change<T>, E>,
    ) -> Result<(T, Option<Outcome>), E> {
        let mut d = acct.write();
        let change = decide(&d)?;
        let Some(ev) = &change.event else {
            return Ok((change.answer, None));
        };
        self.commit(&acct.key_hash, ev)?;
        let outcome = apply(&mut d, ev);
        Ok((change.answer, outcome))
    }

    /// Moves the account's clock (validated first: nothing is stored or changed on a bad
    /// target), committing the move before applying it.
    pub fn advance(&self, acct: &Account, req: AdvanceTo) -> Result<Outcome, StoreError> {
        let (_, outcome) = self.write(acct, |d| {
            let to = clock::target(d, req)?;
            Ok::<_, StoreError>(Change::to(Event::Advance { to }, ()))
        })?;
        Ok(outcome.unwrap_or_default())
    }

    /// Replaces the account's traffic profile (validated first); returns it as the API shows it.
    pub fn set_traffic(
        &self,
        acct: &Account,
        per_day: &[(String, i64)],
    ) -> Result<serde_json::Value, StoreError> {
        let profile = clock::traffic(per_day)?;
        let answer = clock::traffic_json(&profile);
        let ev = Event::Traffic {
            per_day: profile.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        };
        let (answer, _) = self.write(acct, |_| Ok::<_, StoreError>(Change::to(ev, answer)))?;
        Ok(answer)
    }

    /// Sets (or with `None` removes) the account's webhook endpoint; returns the previous one.
    pub fn set_webhook_endpoint(
        &self,
        acct: &Account,
        endpoint: Option<crate::model::Endpoint>,
    ) -> Result<Option<crate::model::Endpoint>, StoreError> {
        let (previous, _) = self.write(acct, |d| {
            let previous = d.webhook.endpoint.clone();
            Ok::<_, StoreError>(Change::to(Event::WebhookEndpoint { endpoint }, previous))
        })?;
        Ok(previous)
    }

    /// Commits an event for the account to SQLite (no-op in memory mode); only
    /// [`Store::write`] (and opening an account) calls it, before applying the event.
    fn commit(&self, account_hash: &str, ev: &Event) -> Result<(), StoreError> {
        let Some(db) = &self.db else { return Ok(()) };
        let data = serde_json::to_string(ev).map_err(|e| StoreError::Storage(e.to_string()))?;
        let c = db.lock().unwrap_or_else(|e| e.into_inner());
        c.prepare_cached("INSERT INTO events (account, data) VALUES (?1, ?2)")
            .and_then(|mut st| st.execute(params![account_hash, data]))
            .map_err(db_err)?;
        Ok(())
    }

    /// Forgets one account (by key) or all; also deletes their stored events. Returns accounts removed.
    pub fn reset(&self, key: Option<&str>) -> Result<usize, EmulatorError> {
        match key {
            Some(k) => {
                if let Some(db) = &self.db {
                    let c = db.lock().unwrap_or_else(|e| e.into_inner());
                    c.execute(
                        "DELETE FROM events WHERE account = ?1",
                        params![key_hash(k)],
                    )?;
                }
                // Taken out under the shard lock, freed after it (a large account takes a while).
                let removed = self
                    .shard(k)
                    .write()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(k);
                Ok(usize::from(removed.is_some()))
            }
            None => {
                if let Some(db) = &self.db {
                    let c = db.lock().unwrap_or_else(|e| e.into_inner());
                    c.execute("DELETE FROM events", [])?;
                }
                let mut n = 0;
                for s in &self.shards {
                    let removed =
                        std::mem::take(&mut *s.write().unwrap_or_else(|e| e.into_inner()));
                    n += removed.len();
                }
                Ok(n)
            }
        }
    }

    /// Replaces an account with a fresh one seeded at the requested size (its stored changes are dropped).
    pub fn reseed(&self, key: &str, sizes: SeedRequest) -> Result<SeedReport, EmulatorError> {
        seed::validate(&sizes)?;
        let started = Instant::now();
        let at = self.start_time.unwrap_or_else(now_secs);
        let data = seed::generate(key, self.seed, &sizes, at);
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        let hash = data.key_hash.clone();
        let report = SeedReport {
            api_key_hash: hash.clone(),
            detail_records: data.detail_record_count(),
            webhook_deliveries: data.webhooks.len() as u64,
            audit_events: data.audit_events.len() as u64,
            invoices: data.invoices.len() as u64,
            elapsed_ms,
        };
        if let Some(db) = &self.db {
            let mut c = db.lock().unwrap_or_else(|e| e.into_inner());
            let tx = c.transaction()?;
            tx.execute("DELETE FROM events WHERE account = ?1", params![hash])?;
            if self.start_time.is_none() {
                let ev = serde_json::to_string(&Event::Opened { at })
                    .map_err(|e| EmulatorError::Database(e.to_string()))?;
                tx.execute(
                    "INSERT INTO events (account, data) VALUES (?1, ?2)",
                    params![hash, ev],
                )?;
            }
            if sizes != SeedRequest::default() {
                let ev = serde_json::to_string(&Event::Seed { sizes })
                    .map_err(|e| EmulatorError::Database(e.to_string()))?;
                tx.execute(
                    "INSERT INTO events (account, data) VALUES (?1, ?2)",
                    params![hash, ev],
                )?;
            }
            tx.commit()?;
        }
        let acct = Arc::new(Account {
            key_hash: hash,
            data: RwLock::new(data),
        });
        // The replaced account is freed after the shard lock is released.
        let _replaced = self
            .shard(key)
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.to_string(), acct);
        Ok(report)
    }

    /// Finds a loaded account by its key hash.
    pub fn by_hash(&self, hash: &str) -> Option<Arc<Account>> {
        self.find_by_hash(hash).map(|(_, acct)| acct)
    }

    /// Finds a loaded account by its key hash, with its key (only the match is copied).
    pub fn find_by_hash(&self, hash: &str) -> Option<(String, Arc<Account>)> {
        self.shards.iter().find_map(|s| {
            s.read()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .find(|(_, a)| a.key_hash == hash)
                .map(|(k, a)| (k.clone(), a.clone()))
        })
    }

    /// Every account in memory with its key, ordered by key (the console lists them; the key
    /// itself never leaves the process).
    pub fn accounts(&self) -> Vec<(String, Arc<Account>)> {
        let mut all: Vec<(String, Arc<Account>)> = self
            .shards
            .iter()
            .flat_map(|s| {
                s.read()
                    .unwrap_or_else(|e| e.into_inner())
                    .iter()
                    .map(|(k, a)| (k.clone(), a.clone()))
                    .collect::<Vec<_>>()
            })
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }

    /// Number of accounts in memory.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.read().unwrap_or_else(|e| e.into_inner()).len())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::payment::{self, PrefsPatch};
    use crate::domain::webhooks::with_attempt;
    use crate::model::Endpoint;

    /// Everything a write can change, in one comparable string.
    fn state(d: &AccountData) -> String {
        format!(
            "now={} balance={} txns={} prefs={:?} traffic={:?} endpoint={:?} live={} audit={} \
             idem={} records={} pending={}",
            d.now,
            d.ledger.balance(),
            d.transactions.len(),
            d.prefs,
            d.traffic,
            d.webhook.endpoint,
            d.webhook.live.len(),
            d.audit_events.len(),
            d.idempotency.len(),
            d.detail_record_count(),
            d.pending.len(),
        )
    }

    /// Makes every commit fail (a real SQLite error: the events table is gone) or work again.
    fn storage_fails(store: &Store, fail: bool) {
        let c = store.db.as_ref().expect("a store with --db");
        let c = c.lock().unwrap_or_else(|e| e.into_inner());
        let sql = if fail {
            "ALTER TABLE events RENAME TO events_away"
        } else {
            "ALTER TABLE events_away RENAME TO events"
        };
        c.execute_batch(sql).expect("rename the events table");
    }

    fn is_storage<T: std::fmt::Debug>(r: Result<T, StoreError>) -> bool {
        matches!(r, Err(StoreError::Storage(_)))
    }

    #[test]
    fn a_failed_commit_changes_nothing_in_memory_or_on_disk() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("emulator.db");
        let start = crate::util::parse_time("2026-03-15T12:00:00Z");
        let store = Store::open(Some(&path), 7, start).expect("open the store");
        let acct = store.account("KEY_commit").expect("account");
        store
            .set_traffic(&acct, &[("messaging".into(), 50)])
            .expect("a commit that works");
        let before = state(&acct.read());

        storage_fails(&store, true);
        assert!(is_storage(store.advance(&acct, AdvanceTo::Days(40))));
        assert!(is_storage(
            store.set_traffic(&acct, &[("verify".into(), 9)])
        ));
        let endpoint = Endpoint {
            url: "http://127.0.0.1:9/hooks".into(),
            failover_url: None,
        };
        assert!(is_storage(
            store.set_webhook_endpoint(&acct, Some(endpoint))
        ));
        assert!(is_storage(store.write(&acct, |d| {
            let (ev, _) = payment::stored_payment(d, 12_000, Some("key-1".into()), "fp".into());
            Ok::<_, StoreError>(Change::to(ev, ()))
        })));
        let patch = PrefsPatch {
            enabled: Some(false),
            ..PrefsPatch::default()
        };
        assert!(is_storage(store.write(&acct, |d| {
            Ok::<_, StoreError>(Change {
                event: payment::update_prefs(d, &patch),
                answer: (),
            })
        })));
        assert!(is_storage(store.write(&acct, |d| {
            let data = json!({ "id": "e1", "event_type": "message.sent", "payload": {} });
            let delivery = with_attempt(d, "d1", &data, None, d.now);
            Ok::<_, StoreError>(Change::to(Event::Delivery { delivery }, ()))
        })));
        assert_eq!(
            state(&acct.read()),
            before,
            "a failed commit changed memory"
        );

        // What is in memory is what the database rebuilds: nothing drifted.
        storage_fails(&store, false);
        let reopened = Store::open(Some(&path), 7, start).expect("reopen the store");
        let again = reopened.account("KEY_commit").expect("account");
        assert_eq!(
            state(&again.read()),
            before,
            "the database and memory differ"
        );
    }

    #[test]
    fn a_change_that_fails_validation_stores_nothing() {
        let store = Store::open(None, 7, crate::util::parse_time("2026-03-15T12:00:00Z"))
            .expect("open the store");
        let acct = store.account("KEY_invalid").expect("account");
        let before = state(&acct.read());
        let err = store.advance(&acct, AdvanceTo::Days(-1));
        assert!(matches!(err, Err(StoreError::Invalid { .. })), "{err:?}");
        let err = store.set_traffic(&acct, &[("nope".into(), 1)]);
        assert!(matches!(err, Err(StoreError::Invalid { .. })), "{err:?}");
        assert_eq!(state(&acct.read()), before);
    }
}
