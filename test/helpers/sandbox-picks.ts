/** Records of the seeded sandbox that tests act on: an enrichment job's input, a thread to answer. */
import type { Db } from '../../packages/sandbox/src/index.js';

/** An enrichment job of `count` contacts of one list (~3 s: queued → running → completed). */
export function enrichArgs(db: Db, count = 2): { contact_ids: number[]; list_id: number } {
  const config = db.prepare('SELECT list_id FROM enrichment_configs WHERE is_active = 1 LIMIT 1').get() as {
    list_id: number;
  };
  const members = db
    .prepare('SELECT contact_id FROM list_members WHERE list_id = ? LIMIT ?')
    .all(config.list_id, count) as { contact_id: number }[];
  return { contact_ids: members.map((m) => m.contact_id), list_id: config.list_id };
}

/** g8_send_reply arguments the sandbox accepts: an email thread, and a connected mailbox to send from. */
export function emailReply(db: Db, body: string): Record<string, unknown> {
  const thread = db.prepare("SELECT id FROM inbox_threads WHERE store = 'email' LIMIT 1").get() as {
    id: string;
  };
  const mailbox = db
    .prepare("SELECT email FROM mailboxes WHERE connection_status = 'connected' AND is_archived = 0 LIMIT 1")
    .get() as { email: string };
  return { reply_id: thread.id, body, channel: 'email', to: 'ada@example.com', from_address: mailbox.email };
}
