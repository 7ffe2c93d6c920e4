/**
 * Writes a whole sequence (row, steps, channels, first event). Used by POST /sequences, by the seed
 * and by campaign launch, so a sequence made any of those ways looks the same to every reader.
 */
import type { Db } from '../../module.js';
import type { IdMaker } from '../../util/ids.js';
import { addEvent } from './schema.js';

export interface NewStep {
  step_order: number;
  step_type: string;
  input_type: string;
  time_interval: number;
  step_data: Record<string, unknown>;
  stats?: { sent: number; opened: number; clicked: number; replied: number; bounced: number };
}

export interface NewChannel {
  channel_id: number;
  channel_value: string;
  channel_type: string;
  channel_data: Record<string, unknown>;
}

export interface NewSequence {
  orgId: string;
  name: string;
  ownerEmail: string;
  status: string;
  description?: string | null;
  kind?: string;
  pinnedMailboxId?: number | null;
  finishOnReply?: boolean;
  sendInSameThread?: boolean;
  waitForNewContacts?: boolean;
  isShared?: boolean;
  associatedListId?: number | null;
  campaignId?: string | null;
  isArchived?: boolean;
  contacts?: { active: number; completed: number; stopped: number };
  settings?: Record<string, unknown>;
  steps: readonly NewStep[];
  channels: readonly NewChannel[];
  createdAt: string;
}

const flag = (value: boolean | undefined, fallback: boolean) => ((value ?? fallback) ? 1 : 0);

export function insertSequence(db: Db, ids: IdMaker, s: NewSequence): string {
  const id = ids('seq');
  db.prepare(
    `INSERT INTO seq_sequences (id, org_id, name, description, status, owner_email, sequence_kind,
      pinned_mailbox_id, finish_on_reply, send_in_same_thread, wait_for_new_contacts, is_shared,
      associated_list_id, campaign_id, is_archived, contacts_active, contacts_completed, contacts_stopped,
      settings, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    id,
    s.orgId,
    s.name,
    s.description ?? null,
    s.status,
    s.ownerEmail,
    s.kind ?? 'cold_outbound',
    s.pinnedMailboxId ?? null,
    flag(s.finishOnReply, true),
    flag(s.sendInSameThread, false),
    flag(s.waitForNewContacts, false),
    flag(s.isShared, false),
    s.associatedListId ?? null,
    s.campaignId ?? null,
    flag(s.isArchived, false),
    s.contacts?.active ?? 0,
    s.contacts?.completed ?? 0,
    s.contacts?.stopped ?? 0,
    JSON.stringify(s.settings ?? {}),
    s.createdAt,
    s.createdAt,
  );
  const insertStep = db.prepare(
    `INSERT INTO seq_steps (id, sequence_id, step_order, step_type, input_type, time_interval, step_data,
      sent, opened, clicked, replied, bounced) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const step of s.steps) {
    const st = step.stats ?? { sent: 0, opened: 0, clicked: 0, replied: 0, bounced: 0 };
    insertStep.run(
      ids('stp'),
      id,
      step.step_order,
      step.step_type,
      step.input_type,
      step.time_interval,
      JSON.stringify(step.step_data),
      st.sent,
      st.opened,
      st.clicked,
      st.replied,
      st.bounced,
    );
  }
  const insertChannel = db.prepare(
    `INSERT INTO seq_channels (id, sequence_id, channel_id, channel_value, channel_type, channel_data)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  for (const ch of s.channels) {
    insertChannel.run(
      ids('chn'),
      id,
      ch.channel_id,
      ch.channel_value,
      ch.channel_type,
      JSON.stringify(ch.channel_data),
    );
  }
  addEvent(db, id, s.createdAt, 'created', s.campaignId ? `from campaign ${s.campaignId}` : null);
  return id;
}
