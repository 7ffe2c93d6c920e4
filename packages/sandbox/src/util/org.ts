/**
 * Read-only lookups into the kernel's tables (users, lists, mailboxes, contacts), always scoped to
 * one org, so a foreign id simply is not found. Columns follow packages/sandbox/README.md.
 */
import type { Db } from '../module.js';

export interface MemberRow {
  id: number;
  email: string;
  name: string | null;
  role: string;
}

export interface MailboxRow {
  id: number;
  email: string;
  display_name: string | null;
  provider: string;
  connection_status: string;
  is_archived: number;
  daily_limit: number | null;
  warmup_status: string | null;
}

export interface ListRow {
  id: number;
  name: string;
  member_count: number;
}

export interface ContactSample {
  id: number;
  first_name: string | null;
  last_name: string | null;
  work_email: string | null;
  job_title: string | null;
  city: string | null;
  country: string | null;
  company_name: string | null;
  company_domain: string | null;
}

export function orgName(db: Db, orgId: string): string {
  const row = db.prepare('SELECT name FROM orgs WHERE id = ?').get(orgId) as { name: string } | undefined;
  return row?.name ?? 'Acme Inc';
}

export function orgMembers(db: Db, orgId: string): MemberRow[] {
  return db
    .prepare('SELECT id, email, name, role FROM users WHERE org_id = ? ORDER BY id')
    .all(orgId) as MemberRow[];
}

/** Org member by email, case-insensitive (emails are compared the way mail servers do). */
export function findMember(db: Db, orgId: string, email: string): MemberRow | undefined {
  return db
    .prepare('SELECT id, email, name, role FROM users WHERE org_id = ? AND lower(email) = lower(?)')
    .get(orgId, email) as MemberRow | undefined;
}

const MAILBOX_COLUMNS =
  'id, email, display_name, provider, connection_status, is_archived, daily_limit, warmup_status';

export function findMailbox(db: Db, orgId: string, id: number): MailboxRow | undefined {
  return db.prepare(`SELECT ${MAILBOX_COLUMNS} FROM mailboxes WHERE org_id = ? AND id = ?`).get(orgId, id) as
    | MailboxRow
    | undefined;
}

export function findMailboxByEmail(db: Db, orgId: string, email: string): MailboxRow | undefined {
  return db
    .prepare(`SELECT ${MAILBOX_COLUMNS} FROM mailboxes WHERE org_id = ? AND lower(email) = lower(?)`)
    .get(orgId, email) as MailboxRow | undefined;
}

/** Usable for sending: connected and not archived. */
export function isMailboxActive(mailbox: MailboxRow): boolean {
  return mailbox.is_archived === 0 && mailbox.connection_status === 'connected';
}

/** The sequence channel type a mailbox sends through. */
export function mailboxChannelType(mailbox: MailboxRow): string {
  if (mailbox.provider === 'gmail') return 'GMAIL';
  if (mailbox.provider === 'inboxkit') return 'INBOXKIT';
  return 'SMTP';
}

export function activeMailboxes(db: Db, orgId: string): MailboxRow[] {
  return (
    db
      .prepare(`SELECT ${MAILBOX_COLUMNS} FROM mailboxes WHERE org_id = ? ORDER BY id`)
      .all(orgId) as MailboxRow[]
  ).filter(isMailboxActive);
}

export function findList(db: Db, orgId: string, id: number): ListRow | undefined {
  return db
    .prepare(
      `SELECT l.id, l.name, (SELECT COUNT(*) FROM list_members m WHERE m.list_id = l.id) AS member_count
       FROM lists l WHERE l.org_id = ? AND l.id = ?`,
    )
    .get(orgId, id) as ListRow | undefined;
}

export function orgLists(db: Db, orgId: string): ListRow[] {
  return db
    .prepare(
      `SELECT l.id, l.name, (SELECT COUNT(*) FROM list_members m WHERE m.list_id = l.id) AS member_count
       FROM lists l WHERE l.org_id = ? ORDER BY l.id`,
    )
    .all(orgId) as ListRow[];
}

const SAMPLE_SELECT = `SELECT c.id, c.first_name, c.last_name, c.work_email, c.job_title, c.city, c.country,
  co.name AS company_name, co.domain AS company_domain
  FROM contacts c LEFT JOIN companies co ON co.id = c.company_id AND co.org_id = c.org_id`;

/** Contacts of the org in id order (optionally only members of one list). */
export function orgContacts(db: Db, orgId: string, limit: number, listId?: number | null): ContactSample[] {
  if (listId !== undefined && listId !== null) {
    return db
      .prepare(
        `${SAMPLE_SELECT} JOIN list_members m ON m.contact_id = c.id AND m.list_id = ?
         WHERE c.org_id = ? ORDER BY c.id LIMIT ?`,
      )
      .all(listId, orgId, limit) as ContactSample[];
  }
  return db
    .prepare(`${SAMPLE_SELECT} WHERE c.org_id = ? ORDER BY c.id LIMIT ?`)
    .all(orgId, limit) as ContactSample[];
}

export function orgContactIds(db: Db, orgId: string, ids: readonly number[]): Set<number> {
  if (ids.length === 0) return new Set();
  const rows = db
    .prepare(`SELECT id FROM contacts WHERE org_id = ? AND id IN (${ids.map(() => '?').join(',')})`)
    .all(orgId, ...ids) as { id: number }[];
  return new Set(rows.map((r) => r.id));
}
