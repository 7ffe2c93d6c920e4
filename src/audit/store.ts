/**
 * Where audit records live. Async throughout, so a PostgreSQL store (shared state) fits the same
 * interface as the embedded SQLite one. Every read names one org: no query spans orgs.
 */
import type { CallOutcome } from './outcomes.js';
import type { AuditRecord } from './record.js';

export interface AuditFilter {
  readonly orgId: string;
  readonly tool?: string | undefined;
  readonly outcome?: CallOutcome | undefined;
  readonly client?: string | undefined;
  /** Epoch ms, inclusive. */
  readonly from?: number | undefined;
  /** Epoch ms, exclusive. */
  readonly to?: number | undefined;
}

export interface AuditPage {
  readonly records: AuditRecord[];
  readonly total: number;
}

export interface HourCount {
  /** Epoch ms of the hour's start (UTC). */
  readonly hour: number;
  readonly outcome: CallOutcome;
  readonly count: number;
}

/** The values an org's filters can take (for the page's drop-downs). */
export interface AuditFacets {
  readonly tools: string[];
  readonly clients: string[];
}

export interface AuditStore {
  append(records: readonly AuditRecord[]): Promise<void>;
  /** Newest first. */
  query(filter: AuditFilter, page: { limit: number; offset: number }): Promise<AuditPage>;
  hourly(filter: AuditFilter): Promise<HourCount[]>;
  facets(orgId: string): Promise<AuditFacets>;
  /** Deletes records older than `before` (epoch ms); returns how many. */
  purge(before: number): Promise<number>;
  close(): Promise<void>;
}

/** Stdio's store: records appended somewhere that is not read back by this server. */
export interface AuditSinkStore {
  append(records: readonly AuditRecord[]): Promise<void>;
  close(): Promise<void>;
}
