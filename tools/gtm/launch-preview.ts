import { asArray, asNumber, asObj, asString, type Obj } from '../data.js';

/**
 * The locally built readiness report of g8_launch_campaign(dry_run=true), from the campaign's full
 * snapshot (GET /campaigns/{id}/full) and the org's mailboxes (GET /mailboxes). It mirrors the
 * launch route's mandatory checks (contract §2.7): non-empty audience, completed copy, at least one
 * complete step, only channels the API launch supports (email), and a usable mailbox. The snapshot's
 * inner shapes are not pinned by the contract, so every read is tolerant of missing fields.
 */
export function launchPreview(
  campaignId: string,
  campaignData: unknown,
  mailboxData: unknown,
  senderMailboxIds: readonly number[] | undefined,
): Record<string, unknown> {
  const campaign = asObj(campaignData) ?? {};
  const problems: string[] = [];
  const warnings: string[] = [];

  if (campaign['is_launched'] === true) problems.push('Campaign is already launched');

  const audience = audienceOf(campaign);
  if (audience.list_id === null && audience.contact_count === null) {
    problems.push('No audience: attach a list with g8_update_campaign audience_list_id');
  } else if (audience.contact_count === 0) {
    problems.push('The audience list is empty');
  } else if (audience.contact_count === null) {
    warnings.push('Audience size unknown');
  }

  const copy = copyOf(campaign);
  if (campaign['status'] === 'copy_in_progress') {
    problems.push('Copy is still being generated: re-read the campaign in a minute');
  } else if (copy.documents === 0) {
    problems.push('No campaign copy: add documents with g8_update_campaign');
  } else if (copy.not_completed.length > 0) {
    problems.push(`Copy not completed: ${copy.not_completed.join(', ')}`);
  }

  const steps = stepsOf(campaign);
  if (steps.complete === 0) {
    problems.push('No complete sequence step: set sequence_steps with g8_update_campaign');
  }
  const unsupported = steps.channels.filter((c) => c !== 'email');
  if (unsupported.length > 0) {
    problems.push(`Steps need ${unsupported.join(', ')}; API launch supports email only`);
  }

  const mailboxRows = Array.isArray(mailboxData) ? mailboxData : asObj(mailboxData)?.['mailboxes'];
  const mailboxes = pickMailboxes(asArray(mailboxRows).map(asObj), senderMailboxIds, problems);

  const ready = problems.length === 0;
  return {
    dry_run: true,
    campaign_id: campaignId,
    ready,
    problems,
    warnings,
    campaign: { name: campaign['name'] ?? null, status: campaign['status'] ?? null },
    audience,
    copy: { documents: copy.documents, completed: copy.documents - copy.not_completed.length },
    steps: { count: steps.count, complete: steps.complete, channels: steps.channels },
    mailboxes,
    next: ready
      ? 'Call again with dry_run=false to launch: this starts real outreach.'
      : 'Fix the problems, then dry-run again.',
  };
}

function audienceOf(campaign: Obj): { list_id: unknown; contact_count: number | null } {
  const audience = asObj(campaign['audience']);
  const listId = audience?.['list_id'] ?? audience?.['id'] ?? campaign['audience_list_id'] ?? null;
  const countKeys = ['contact_count', 'member_count', 'total_contacts', 'size', 'count', 'total'];
  const count = countKeys.map((k) => asNumber(audience?.[k])).find((n) => n !== undefined);
  return { list_id: listId, contact_count: count ?? null };
}

function copyOf(campaign: Obj): { documents: number; not_completed: string[] } {
  const docs = asArray(campaign['documents']).map(asObj);
  const notCompleted = docs
    .filter((d) => d !== undefined && d['status'] !== undefined && d['status'] !== 'completed')
    .map((d) => String(d?.['name'] ?? d?.['display_name'] ?? d?.['id'] ?? 'document'));
  return { documents: docs.length, not_completed: notCompleted };
}

function stepsOf(campaign: Obj): { count: number; complete: number; channels: string[] } {
  const sequence = asObj(campaign['sequence']);
  const raw = Array.isArray(sequence?.['steps']) ? sequence['steps'] : campaign['sequence_steps'];
  const steps = asArray(raw).map((s) => asObj(s) ?? {});
  const complete = steps.filter((s) => s['is_complete'] !== false && s['complete'] !== false);
  const channels = new Set<string>();
  for (const step of complete) {
    const channel = asString(step['channel'] ?? step['step_type'] ?? step['type']);
    channels.add(channel ? channel.toLowerCase() : 'email');
  }
  return { count: steps.length, complete: complete.length, channels: [...channels] };
}

const ACTIVE = new Set(['active', 'connected']);

function isActive(mailbox: Obj): boolean {
  if (mailbox['is_archived'] === true) return false;
  if (mailbox['is_active'] === false) return false;
  const status = asString(mailbox['connection_status']);
  return status === undefined || ACTIVE.has(status.toLowerCase());
}

function pickMailboxes(
  all: readonly (Obj | undefined)[],
  wanted: readonly number[] | undefined,
  problems: string[],
): { id: unknown; email: unknown; auto_picked: boolean }[] {
  const mailboxes = all.filter((m): m is Obj => m !== undefined);
  const view = (m: Obj, autoPicked: boolean) => ({
    id: m['id'],
    email: m['email'] ?? null,
    auto_picked: autoPicked,
  });
  if (wanted === undefined) {
    const first = mailboxes.find(isActive);
    if (!first)
      problems.push('No active, non-archived mailbox to auto-pick: connect one or pass sender_mailbox_ids');
    return first ? [view(first, true)] : [];
  }
  const chosen: { id: unknown; email: unknown; auto_picked: boolean }[] = [];
  for (const id of wanted) {
    const mailbox = mailboxes.find((m) => asNumber(m['id']) === id);
    if (!mailbox) problems.push(`Mailbox ${id} not found`);
    else if (!isActive(mailbox)) problems.push(`Mailbox ${id} is archived or not active`);
    else chosen.push(view(mailbox, false));
  }
  return chosen;
}
