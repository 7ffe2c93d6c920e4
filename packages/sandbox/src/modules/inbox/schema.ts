/**
 * Inbox tables and the Thread view (§2.3.1). Threads live in one table keyed by `store`: the
 * channel selects the backing store, and LinkedIn threads are stored as `heyreach` but always
 * surface as `linkedin`.
 */
import { type Db, fail } from '../../module.js';
import { readJson } from '../../util/json.js';
import { oneLine, stripHtml } from '../../util/text.js';

export const migrations: readonly string[] = [
  `CREATE TABLE inbox_threads (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    store TEXT NOT NULL,
    subject TEXT,
    contact_email TEXT,
    contact_name TEXT,
    contact_company TEXT,
    contact_handle TEXT,
    contact_id INTEGER,
    sequence_id TEXT,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  )`,
  'CREATE INDEX inbox_threads_org ON inbox_threads(org_id, updated_at)',
  `CREATE TABLE inbox_messages (
    id TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL REFERENCES inbox_threads(id),
    from_address TEXT NOT NULL,
    to_addresses TEXT NOT NULL,
    content TEXT NOT NULL,
    responder TEXT NOT NULL,
    date TEXT NOT NULL,
    is_draft INTEGER NOT NULL DEFAULT 0
  )`,
  'CREATE INDEX inbox_messages_thread ON inbox_messages(thread_id, date)',
  `CREATE TABLE inbox_tags (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    name TEXT NOT NULL,
    color TEXT
  )`,
  `CREATE TABLE inbox_thread_tags (
    thread_id TEXT NOT NULL,
    tag_id TEXT NOT NULL,
    PRIMARY KEY (thread_id, tag_id)
  )`,
  `CREATE TABLE inbox_assignees (
    thread_id TEXT NOT NULL,
    email TEXT NOT NULL,
    name TEXT,
    assigned_at TEXT NOT NULL,
    PRIMARY KEY (thread_id, email)
  )`,
];

export const CHANNELS = ['email', 'sms', 'linkedin'] as const;
export type Channel = (typeof CHANNELS)[number];

export function storeOf(channel: Channel): string {
  return channel === 'linkedin' ? 'heyreach' : channel;
}

export function channelOf(store: string): Channel {
  return store === 'heyreach' ? 'linkedin' : store === 'sms' ? 'sms' : 'email';
}

export interface ThreadRow {
  id: string;
  org_id: string;
  store: string;
  subject: string | null;
  contact_email: string | null;
  contact_name: string | null;
  contact_company: string | null;
  contact_handle: string | null;
  contact_id: number | null;
  sequence_id: string | null;
  status: string;
  created_at: string;
  updated_at: string;
}

export interface MessageRow {
  id: string;
  thread_id: string;
  from_address: string;
  to_addresses: string;
  content: string;
  responder: string;
  date: string;
  is_draft: number;
}

/** Longest message body returned unless full_messages=true (keeps a model's context small). */
export const MESSAGE_CAP = 2000;

/** A reply id a client produced from a missing value ("null", "undefined", blank) is a 400. */
export function checkReplyId(raw: string | undefined): string {
  const id = (raw ?? '').trim();
  if (id === '' || id.toLowerCase() === 'null' || id.toLowerCase() === 'undefined') {
    throw fail.badRequest('reply_id is required: pass the id of a thread from g8_list_inbox');
  }
  return id;
}

export function findThread(db: Db, orgId: string, id: string, channel: Channel): ThreadRow {
  const row = db
    .prepare('SELECT * FROM inbox_threads WHERE id = ? AND org_id = ? AND store = ?')
    .get(id, orgId, storeOf(channel)) as ThreadRow | undefined;
  if (!row) {
    // Same org only, so this hint never reveals another org's threads.
    const elsewhere = db
      .prepare('SELECT store FROM inbox_threads WHERE id = ? AND org_id = ?')
      .get(id, orgId) as { store: string } | undefined;
    if (elsewhere) {
      const actual = channelOf(elsewhere.store);
      throw fail.notFound(
        `Reply not found in the ${channel} inbox: it is a ${actual} thread (pass channel=${actual})`,
      );
    }
    throw fail.notFound('Reply not found');
  }
  return row;
}

export function messagesOf(db: Db, threadId: string): MessageRow[] {
  return db
    .prepare('SELECT * FROM inbox_messages WHERE thread_id = ? ORDER BY date, rowid')
    .all(threadId) as MessageRow[];
}

function tagsOf(db: Db, threadId: string) {
  return db
    .prepare(
      `SELECT t.id, t.name FROM inbox_thread_tags x JOIN inbox_tags t ON t.id = x.tag_id
       WHERE x.thread_id = ? ORDER BY t.name`,
    )
    .all(threadId) as { id: string; name: string }[];
}

function assigneesOf(db: Db, threadId: string) {
  return db
    .prepare('SELECT email, name FROM inbox_assignees WHERE thread_id = ? ORDER BY assigned_at, email')
    .all(threadId) as { email: string; name: string | null }[];
}

export function messageView(m: MessageRow, full: boolean) {
  const base = {
    message_id: m.id,
    from_address: m.from_address,
    to_addresses: readJson<string[]>(m.to_addresses, []),
    content: m.content,
    responder: m.responder,
    date: m.date,
    is_draft: m.is_draft === 1,
  };
  if (full || m.content.length <= MESSAGE_CAP) return base;
  return {
    ...base,
    content: `${m.content.slice(0, MESSAGE_CAP)}…`,
    content_truncated: true,
    content_chars: m.content.length,
  };
}

/** Thread row as the API shows it; `messages` only on the single-thread read. */
export function threadView(db: Db, t: ThreadRow, messages: 'none' | 'capped' | 'full') {
  const all = messagesOf(db, t.id);
  const lastInbound = [...all].reverse().find((m) => m.responder === 'OTHER');
  const view = {
    id: t.id,
    channel: channelOf(t.store),
    subject: t.subject,
    preview: lastInbound ? oneLine(stripHtml(lastInbound.content), 140) : '',
    contact: { email: t.contact_email, name: t.contact_name, company: t.contact_company },
    status: t.status,
    tags: tagsOf(db, t.id),
    assignees: assigneesOf(db, t.id),
    sequence_id: t.sequence_id,
    message_count: all.length,
    last_message_at: all[all.length - 1]?.date ?? t.updated_at,
    created_at: t.created_at,
    updated_at: t.updated_at,
  };
  if (messages === 'none') return view;
  return { ...view, messages: all.map((m) => messageView(m, messages === 'full')) };
}
