/**
 * ~25 demo threads across email, SMS and LinkedIn, built from the org's real contacts, members,
 * mailboxes and sequences, so the inbox tools show coherent data. The other org gets two threads.
 */
import type { Db, SeedContext } from '../../module.js';
import { type IdMaker, seedIds } from '../../util/ids.js';
import { activeMailboxes, type ContactSample, orgContacts, orgMembers } from '../../util/org.js';
import { Dice } from '../../util/rng.js';
import { iso } from '../../util/time.js';
import { EMAIL_SCRIPTS, LINKEDIN_SCRIPTS, type People, type Script, SMS_SCRIPTS } from './conversations.js';

const TAGS = [
  ['Interested', '#16a34a'],
  ['Meeting booked', '#2563eb'],
  ['Not now', '#a16207'],
  ['Out of office', '#6b7280'],
  ['Referral', '#7c3aed'],
  ['Unsubscribe', '#dc2626'],
] as const;

interface Env {
  db: Db;
  orgId: string;
  ids: IdMaker;
  dice: Dice;
  tagIds: Map<string, string>;
  senderName: string;
  senderAddress: Record<'email' | 'sms' | 'heyreach', string>;
}

function seedTags(env: Env, names: readonly (readonly [string, string])[]): void {
  const insert = env.db.prepare('INSERT INTO inbox_tags (id, org_id, name, color) VALUES (?, ?, ?, ?)');
  for (const [name, color] of names) {
    const id = env.ids('tag');
    insert.run(id, env.orgId, name, color);
    env.tagIds.set(name, id);
  }
}

function threadId(env: Env, store: string): string {
  if (store === 'heyreach') return `conv_li_${env.dice.int(100_000, 999_999)}${env.dice.int(100, 999)}`;
  return env.ids(store === 'sms' ? 'sms' : 'thr');
}

function contactHandle(store: string, c: ContactSample, dice: Dice): string {
  if (store === 'sms') return `+1${dice.int(201, 989)}555${String(dice.int(0, 9999)).padStart(4, '0')}`;
  if (store === 'heyreach')
    return `https://www.linkedin.com/in/${(c.first_name ?? 'x').toLowerCase()}-${(c.last_name ?? 'y').toLowerCase()}-${dice.hex(6)}`;
  return c.work_email ?? `${(c.first_name ?? 'contact').toLowerCase()}@example.com`;
}

function seedThread(
  env: Env,
  store: 'email' | 'sms' | 'heyreach',
  script: Script,
  contact: ContactSample,
  endMs: number,
  extra: { sequenceId: string | null; assignee: { email: string; name: string | null } | null },
): void {
  const { db } = env;
  const people: People = {
    first: contact.first_name ?? 'there',
    company: contact.company_name ?? 'your company',
    sender: env.senderName,
  };
  const handle = contactHandle(store, contact, env.dice);
  const ours = env.senderAddress[store];
  const id = threadId(env, store);
  const lines = script.lines(people);
  // `endMs` is when the last message arrived; the conversation is laid out backwards from it so no
  // message is ever dated after the seed's "now".
  const startMs = endMs - lines.reduce((sum, l) => sum + l.after, 0) * 60_000;
  let at = startMs;
  const insert = db.prepare(
    `INSERT INTO inbox_messages (id, thread_id, from_address, to_addresses, content, responder, date, is_draft)
     VALUES (?, ?, ?, ?, ?, ?, ?, 0)`,
  );
  const rows: [string, string, string, string, string][] = [];
  for (const line of lines) {
    at += line.after * 60_000;
    const fromUs = line.who !== 'them';
    rows.push([
      fromUs ? ours : handle,
      JSON.stringify([fromUs ? handle : ours]),
      line.text,
      line.who === 'us' ? 'USER' : line.who === 'ai' ? 'AI' : 'OTHER',
      iso(at),
    ]);
  }
  db.prepare(
    `INSERT INTO inbox_threads (id, org_id, store, subject, contact_email, contact_name, contact_company,
      contact_handle, contact_id, sequence_id, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    id,
    env.orgId,
    store,
    script.subject(people),
    contact.work_email,
    `${contact.first_name ?? ''} ${contact.last_name ?? ''}`.trim(),
    contact.company_name,
    handle,
    contact.id,
    extra.sequenceId,
    script.status,
    iso(startMs),
    iso(at),
  );
  for (const [from, to, content, responder, date] of rows)
    insert.run(env.ids('msg'), id, from, to, content, responder, date);
  const tag = db.prepare('INSERT INTO inbox_thread_tags (thread_id, tag_id) VALUES (?, ?)');
  for (const name of script.tags) {
    const tagId = env.tagIds.get(name);
    if (tagId) tag.run(id, tagId);
  }
  if (extra.assignee) {
    db.prepare('INSERT INTO inbox_assignees (thread_id, email, name, assigned_at) VALUES (?, ?, ?, ?)').run(
      id,
      extra.assignee.email,
      extra.assignee.name,
      iso(at),
    );
  }
}

const PLAN: readonly { store: 'email' | 'sms' | 'heyreach'; count: number; scripts: readonly Script[] }[] = [
  { store: 'email', count: 15, scripts: EMAIL_SCRIPTS },
  { store: 'sms', count: 5, scripts: SMS_SCRIPTS },
  { store: 'heyreach', count: 5, scripts: LINKEDIN_SCRIPTS },
];

function envFor(db: Db, orgId: string, dice: Dice, ids: IdMaker): Env {
  const members = orgMembers(db, orgId);
  const mailbox = activeMailboxes(db, orgId)[0];
  return {
    db,
    orgId,
    ids,
    dice,
    tagIds: new Map(),
    senderName: members[0]?.name ?? 'Alex Morgan',
    senderAddress: {
      email: mailbox?.email ?? 'sales@example.com',
      sms: '+14155550142',
      heyreach: '48211937',
    },
  };
}

export function seedInbox(db: Db, seed: SeedContext): void {
  const dice = new Dice(seed.rng);
  const ids = seedIds(dice);
  const env = envFor(db, seed.orgId, dice, ids);
  seedTags(env, TAGS);
  const members = orgMembers(db, seed.orgId);
  const contacts = orgContacts(db, seed.orgId, 60).filter((c) => c.work_email);
  const sequences = (
    db
      .prepare(
        "SELECT id FROM seq_sequences WHERE org_id = ? AND status IN ('live', 'paused', 'completed') AND is_archived = 0 ORDER BY created_at",
      )
      .all(seed.orgId) as { id: string }[]
  ).map((s) => s.id);
  let n = 0;
  for (const part of PLAN) {
    for (let i = 0; i < part.count; i++) {
      const contact = contacts[n % Math.max(contacts.length, 1)];
      if (!contact) return;
      const script = part.scripts[i % part.scripts.length] as Script;
      const assignee = i % 3 === 1 ? members[1 + (i % Math.max(members.length - 1, 1))] : undefined;
      seedThread(env, part.store, script, contact, seed.now - (n * 7 + dice.int(1, 6)) * 3_600_000, {
        sequenceId: sequences.length > 0 ? (sequences[n % sequences.length] ?? null) : null,
        assignee: assignee ? { email: assignee.email, name: assignee.name } : null,
      });
      n++;
    }
  }
  const other = envFor(db, seed.otherOrgId, dice, ids);
  seedTags(other, [
    ['Interested', '#16a34a'],
    ['Not now', '#a16207'],
  ]);
  const otherContacts = orgContacts(db, seed.otherOrgId, 2);
  otherContacts.forEach((c, i) => {
    seedThread(other, 'email', EMAIL_SCRIPTS[i] as Script, c, seed.now - (i + 1) * 86_400_000, {
      sequenceId: null,
      assignee: null,
    });
  });
}
