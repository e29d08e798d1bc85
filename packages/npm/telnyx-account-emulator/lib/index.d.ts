/** Options of {@link startEmulator}. */
export interface StartEmulatorOptions {
  /** Where every account's virtual clock starts (default: when the account is first used). */
  startTime?: Date | string;
  /** Seed of the generated data: same seed, start time and calls give byte-identical bodies. */
  seed?: number | bigint;
  /** Sends the first account's webhooks here (a loopback URL, e.g. `http://127.0.0.1:8787/hook`). */
  webhookUrl?: string;
  /** The first account's API key (default: a random `KEY_test_...`). */
  apiKey?: string;
  /** Print one line per request to the emulator's stderr ({@link Emulator.stderr}). */
  logRequests?: boolean;
  /** More `telnyx-emulator` flags, e.g. `['--rate-limit', '50/s']`. */
  args?: string[];
  /** The binary to run (default: `$TELNYX_EMULATOR_BINARY`, else this platform's package). */
  binaryPath?: string;
  /** Extra environment variables for the process. */
  env?: Record<string, string>;
  /** How long to wait for the emulator to be ready (default 30000 ms). */
  timeoutMs?: number;
}

/** What `POST /_emulator/clock/advance` answers. Money is exact decimal strings. */
export interface AdvanceReport {
  from: string;
  to: string;
  usage_records: number;
  usage_cost: string;
  recurring_charges: string;
  auto_recharges: number;
  invoices_closed: number;
  balance: string;
  webhooks_queued: number;
  webhooks_dropped: number;
}

/** What `POST /_emulator/events` answers (202). */
export interface TriggeredEvent {
  event_id: string;
  delivery_id: string;
  url: string;
  max_attempts: number;
  event: Record<string, unknown>;
}

/** A webhook delivery as `GET /v2/webhook_deliveries` shows it. */
export interface WebhookDelivery {
  id: string;
  status: string;
  started_at?: string;
  finished_at?: string;
  webhook?: Record<string, unknown>;
  attempts?: Array<Record<string, unknown>>;
  [field: string]: unknown;
}

/** One account of a running emulator: its own API key, clock, ledger and webhook endpoint. */
export declare class EmulatorAccount {
  /** The account's API key: `new Telnyx({ apiKey: acct.apiKey, baseURL: acct.baseURL })`. */
  readonly apiKey: string;
  /** `http://127.0.0.1:PORT/v2`. */
  readonly baseURL: string;
  /** `http://127.0.0.1:PORT/_emulator`. */
  readonly controlURL: string;
  readonly port: number;
  /** Base64 Ed25519 key this account's webhooks verify with (`TELNYX_PUBLIC_KEY`). */
  readonly publicKey: string;
  /** Where this account's webhooks go, if set. */
  readonly webhookUrl: string | undefined;
  /** Moves the clock: `'31d'`, a number of days, a Date or an RFC 3339 time. */
  advance(by: string | number | Date): Promise<AdvanceReport>;
  /** The account's virtual clock. */
  now(): Promise<Date>;
  /** Replaces the usage profile, records per virtual day: `{ messaging: 500, 'call-control': 40 }`. */
  setTraffic(perDay: Record<string, number>): Promise<{ per_day: Record<string, number> }>;
  /** Sends this account's webhooks to `url`. */
  setWebhookUrl(url: string, failoverUrl?: string): Promise<{ url: string; failover_url: string | null; public_key: string }>;
  /** Emits one webhook event now (`message.finalized`, `call.hangup`, ... or any type with a payload). */
  trigger(type: string, payload?: Record<string, unknown>): Promise<TriggeredEvent>;
  /** The deliveries the emulator made for this account, newest first (the seeded history left out). */
  deliveries(): Promise<WebhookDelivery[]>;
  /** Forgets this account's state; keeps its key and webhook URL. */
  reset(): Promise<void>;
  /** A fresh account on the same emulator, with its own random key. */
  newAccount(options?: { apiKey?: string; webhookUrl?: string }): Promise<EmulatorAccount>;
}

/** A running `telnyx-emulator` process and its first account. */
export declare class Emulator extends EmulatorAccount {
  /** The emulator's process id. */
  readonly pid: number;
  /** The binary's stderr so far (its last 64 KiB). */
  readonly stderr: string;
  /** Stops the process (stdin closed and SIGTERM, SIGKILL after `graceMs`); resolves once it has exited. */
  stop(options?: { graceMs?: number }): Promise<{ code: number | null; signal: string | null }>;
}

/** An error of starting the emulator or of its control API. */
export declare class EmulatorError extends Error {
  /** The binary's stderr, when it failed to start. */
  stderr?: string;
  /** The HTTP status, for a control API error. */
  status?: number;
  body?: unknown;
}

/** Starts `telnyx-emulator` on a free loopback port; resolves once it answers. */
export declare function startEmulator(options?: StartEmulatorOptions): Promise<Emulator>;

/**
 * A handle on an account of an emulator started elsewhere (a Jest/Vitest globalSetup, another
 * terminal), from its `baseURL`: a fresh account with a random key unless `apiKey` is given.
 */
export declare function connectEmulator(baseURL: string, options?: { apiKey?: string; webhookUrl?: string }): Promise<EmulatorAccount>;

/** The platforms binary packages are built for (`linux-x64` -> `x86_64-unknown-linux-gnu`, ...). */
export declare const PLATFORMS: Readonly<Record<string, string>>;

/** The binary this package runs: `$TELNYX_EMULATOR_BINARY`, else this platform's package's. */
export declare function binaryPath(env?: Record<string, string | undefined>): string;
