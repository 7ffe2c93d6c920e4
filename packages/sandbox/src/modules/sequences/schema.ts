/** Tables of the sequences module and the row lookups every sequences route shares. */
import { type Db, fail } from '../../module.js';

export const migrations: readonly string[] = [
  `CREATE TABLE seq_sequences (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    status TEXT NOT NULL,
    owner_email TEXT NOT NULL,
    sequence_kind TEXT NOT NULL DEFAULT 'cold_outbound',
    pinned_mailbox_id INTEGER,
    finish_on_reply INTEGER NOT NULL DEFAULT 1,
    send_in_same_thread INTEGER NOT NULL DEFAULT 0,
    wait_for_new_contacts INTEGER NOT NULL DEFAULT 0,
    is_shared INTEGER NOT NULL DEFAULT 0,
    associated_list_id INTEGER,
    campaign_id TEXT,
    is_archived INTEGER NOT NULL DEFAULT 0,
    contacts_active INTEGER NOT NULL DEFAULT 0,
    contacts_completed INTEGER NOT NULL DEFAULT 0,
    contacts_stopped INTEGER NOT NULL DEFAULT 0,
    settings TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  )`,
  'CREATE INDEX seq_sequences_org ON seq_sequences(org_id, created_at)',
  `CREATE TABLE seq_steps (
    id TEXT PRIMARY KEY,
    sequence_id TEXT NOT NULL REFERENCES seq_sequences(id),
    step_order INTEGER NOT NULL,
    step_type TEXT NOT NULL,
    input_type TEXT NOT NULL,
    time_interval INTEGER NOT NULL DEFAULT 0,
    step_data TEXT NOT NULL DEFAULT '{}',
    sent INTEGER NOT NULL DEFAULT 0,
    opened INTEGER NOT NULL DEFAULT 0,
    clicked INTEGER NOT NULL DEFAULT 0,
    replied INTEGER NOT NULL DEFAULT 0,
    bounced INTEGER NOT NULL DEFAULT 0
  )`,
  'CREATE INDEX seq_steps_sequence ON seq_steps(sequence_id, step_order)',
  `CREATE TABLE seq_channels (
    id TEXT PRIMARY KEY,
    sequence_id TEXT NOT NULL REFERENCES seq_sequences(id),
    channel_id INTEGER NOT NULL,
    channel_value TEXT NOT NULL,
    channel_type TEXT NOT NULL,
    channel_data TEXT NOT NULL DEFAULT '{}'
  )`,
  'CREATE INDEX seq_channels_sequence ON seq_channels(sequence_id)',
  `CREATE TABLE seq_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sequence_id TEXT NOT NULL,
    at TEXT NOT NULL,
    event TEXT NOT NULL,
    detail TEXT
  )`,
  `CREATE TABLE seq_daily (
    sequence_id TEXT NOT NULL,
    day TEXT NOT NULL,
    sent INTEGER NOT NULL,
    opened INTEGER NOT NULL,
    replied INTEGER NOT NULL,
    PRIMARY KEY (sequence_id, day)
  )`,
];

export interface SequenceRow {
  id: string;
  org_id: string;
  name: string;
  description: string | null;
  status: string;
  owner_email: string;
  sequence_kind: string;
  pinned_mailbox_id: number | null;
  finish_on_reply: number;
  send_in_same_thread: number;
  wait_for_new_contacts: number;
  is_shared: number;
  associated_list_id: number | null;
  campaign_id: string | null;
  is_archived: number;
  contacts_active: number;
  contacts_completed: number;
  contacts_stopped: number;
  settings: string;
  created_at: string;
  updated_at: string;
}

export interface StepRow {
  id: string;
  sequence_id: string;
  step_order: number;
  step_type: string;
  input_type: string;
  time_interval: number;
  step_data: string;
  sent: number;
  opened: number;
  clicked: number;
  replied: number;
  bounced: number;
}

export interface ChannelRow {
  id: string;
  sequence_id: string;
  channel_id: number;
  channel_value: string;
  channel_type: string;
  channel_data: string;
}

/** States in which the orchestrator owns the sequence; edits wait until it settles (§1.5 409). */
export const TRANSITIONAL = new Set(['scheduling', 'pausing', 'resuming', 'terminating']);

export function findSequence(db: Db, orgId: string, id: string): SequenceRow {
  const row = db.prepare('SELECT * FROM seq_sequences WHERE id = ? AND org_id = ?').get(id, orgId) as
    | SequenceRow
    | undefined;
  if (!row) throw fail.notFound('Sequence not found');
  return row;
}

/** The shared 409 of every editing route: transitional state, or archived. */
export function assertEditable(seq: SequenceRow): void {
  if (TRANSITIONAL.has(seq.status)) {
    throw fail.conflict(`Sequence is ${seq.status}; retry once it settles`);
  }
  if (seq.is_archived === 1) throw fail.conflict('Sequence is archived');
}

export function stepsOf(db: Db, sequenceId: string): StepRow[] {
  return db
    .prepare('SELECT * FROM seq_steps WHERE sequence_id = ? ORDER BY step_order')
    .all(sequenceId) as StepRow[];
}

export function channelsOf(db: Db, sequenceId: string): ChannelRow[] {
  return db
    .prepare('SELECT * FROM seq_channels WHERE sequence_id = ? ORDER BY rowid')
    .all(sequenceId) as ChannelRow[];
}

export function addEvent(
  db: Db,
  sequenceId: string,
  at: string,
  event: string,
  detail: string | null = null,
): void {
  db.prepare('INSERT INTO seq_events (sequence_id, at, event, detail) VALUES (?, ?, ?, ?)').run(
    sequenceId,
    at,
    event,
    detail,
  );
}
