import { z } from 'zod';
import { defineTool } from '../../src/catalogue/types.js';
import { UsageError } from '../../src/platform/errors.js';
import { givenFields, pickDefined } from '../data.js';
import { openObject } from '../open-object.js';

const sequenceId = () => z.string().min(1).describe('Sequence id');

const STEP_TYPES = ['EMAIL', 'PHONE', 'SMS', 'WHATSAPP', 'HEYREACH', 'MANUAL_DIALER'] as const;
const INPUT_TYPES = ['ON_DEMAND', 'MANUAL_TEMPLATE', 'AI_GENERATED_TEMPLATE'] as const;
/** The step_data keys of contract §2.2.1 used most; all of them are in g8://reference/step-data. */
const stepData = () =>
  openObject(
    {
      subject: z.string().optional().describe('EMAIL'),
      body: z.string().optional().describe('EMAIL; {{merge_tokens}}, spintax'),
      message_body: z.string().optional().describe('SMS, WHATSAPP'),
    },
    'Other keys, e.g. linkedin_action_type (g8://reference/step-data)',
  );

const step = z.object({
  step_order: z.number().int().min(1).describe('1-based position'),
  step_type: z.enum([...STEP_TYPES, 'UNIPILE']).describe('HEYREACH = LinkedIn'),
  input_type: z.enum(INPUT_TYPES).default('ON_DEMAND').describe('How copy is made'),
  time_interval: z.number().int().min(0).default(0).describe('Seconds after previous step'),
  step_data: stepData().optional().describe('Content by step_type'),
});

const channel = z.object({
  channel_id: z.number().int().describe('Mailbox or phone id'),
  channel_value: z.string().min(1).describe('Its address or number'),
  channel_type: z.enum(['SMTP', 'GMAIL', 'INBOXKIT', 'PHONE', 'LINKEDIN', 'SMS', 'WHATSAPP']),
  channel_data: openObject({}, 'Settings').optional(),
});

export const createSequence = defineTool({
  name: 'g8_create_sequence',
  title: 'Create sequence',
  description:
    'Create a draft sequence (it sends nothing until run in graph8 or launched by a campaign). Email channels come from g8_list_mailboxes. Check it with g8_get_sequence_preview.',
  toolset: 'sequences',
  scope: 'sequences:run',
  tier: 'external',
  effect: 'Creates a draft sequence in graph8; nothing is sent until it is run or a campaign launches it.',
  input: z.object({
    name: z.string().min(1).describe('Sequence name'),
    user_email: z
      .string()
      .min(1)
      .describe('Owner: org member email (g8_whoami user, or a g8_list_mailboxes address)'),
    description: z.string().optional().describe('Internal description'),
    finish_on_reply: z.boolean().default(true).describe('Stop for a contact who replies'),
    send_in_same_thread: z.boolean().default(false).describe('Send follow-up emails as replies'),
    wait_for_new_contacts: z.boolean().default(false).describe('Also run for contacts added later'),
    associated_list_id: z.number().int().optional().describe('graph8 list whose contacts are enrolled'),
    steps: z.array(step).optional().describe('Steps in order'),
    channels: z.array(channel).optional().describe('Sending channels'),
    campaign_id: z.string().min(1).optional().describe('Campaign UUID to attach to'),
    sequence_kind: z
      .enum(['cold_outbound', 'nurture'])
      .default('cold_outbound')
      .describe('Immutable; nurture needs pinned_mailbox_id'),
    pinned_mailbox_id: z.number().int().optional().describe('Nurture: the mailbox id all email channels use'),
  }),
  http: { method: 'POST', path: '/sequences' },
});

export const getSequencePreview = defineTool({
  name: 'g8_get_sequence_preview',
  title: 'Preview sequence',
  description:
    'A sequence with steps rendered (subject, body, variants, content issues) and channels. Enrolls nobody; raw spintax in step_data is normal.',
  toolset: 'sequences',
  scope: 'sequences:read',
  tier: 'read',
  input: z.object({ sequence_id: sequenceId() }),
  http: { method: 'GET', path: '/sequences/{sequence_id}/preview' },
});

const METADATA = [
  'name',
  'description',
  'is_shared',
  'finish_on_reply',
  'send_in_same_thread',
  'wait_for_new_contacts',
] as const;

export const updateSequence = defineTool({
  name: 'g8_update_sequence',
  title: 'Update sequence',
  description:
    'Change sequence settings, or remove_linkedin=true to strip LinkedIn steps and channels (destructive; dry_run first; if live, needs remove_linkedin_force and ends paused).',
  toolset: 'sequences',
  scope: 'sequences:run',
  alsoNeeds: ['sequences:delete'],
  tier: 'external',
  effect:
    'Changes the sequence settings, live or not; remove_linkedin deletes its LinkedIn steps and channels (a forced removal leaves it paused).',
  input: z.object({
    sequence_id: sequenceId(),
    name: z.string().min(1).optional().describe('New name'),
    description: z.string().optional().describe('New description'),
    is_shared: z.boolean().optional().describe('Visible to the whole org'),
    finish_on_reply: z.boolean().optional().describe('Stop for a contact who replies'),
    send_in_same_thread: z.boolean().optional().describe('Send follow-up emails as replies'),
    wait_for_new_contacts: z.boolean().optional().describe('Also run for contacts added later'),
    remove_linkedin: z.boolean().default(false).describe('Strip LinkedIn steps and channels'),
    remove_linkedin_force: z.boolean().default(false).describe('Needed if the sequence is live'),
    dry_run: z.boolean().default(false).describe('With remove_linkedin: only report'),
  }),
  async run(input, { api }) {
    const metadata = givenFields(input, METADATA);
    if (!input.remove_linkedin) {
      const stray = (['remove_linkedin_force', 'dry_run'] as const).filter((key) => input[key]);
      if (stray.length > 0)
        throw new UsageError(`${stray.join(' and ')}: only used with remove_linkedin=true`);
      if (metadata.length === 0) {
        throw new UsageError(
          `Nothing to update: give at least one of ${METADATA.join(', ')}, or remove_linkedin`,
        );
      }
      return api.call({
        method: 'PATCH',
        path: '/sequences/{sequence_id}',
        params: { sequence_id: input.sequence_id },
        body: pickDefined(input, METADATA),
      });
    }
    if (metadata.length > 0) {
      throw new UsageError(
        `remove_linkedin cannot be combined with ${metadata.join(', ')}: make two calls, one per change`,
      );
    }
    return api.call({
      method: 'DELETE',
      path: '/sequences/{sequence_id}/channels/linkedin',
      params: { sequence_id: input.sequence_id },
      query: { force: input.remove_linkedin_force, dry_run: input.dry_run },
    });
  },
});

export const updateSequenceStep = defineTool({
  name: 'g8_update_sequence_step',
  title: 'Update sequence step',
  description:
    'Edit one sequence step (copy, delay, type); step_data replaces the stored object, so read it with g8_get_sequence_preview first. Affects live outreach.',
  toolset: 'sequences',
  scope: 'sequences:run',
  tier: 'external',
  effect: 'Replaces the step; if the sequence is live, its next messages use the new version.',
  input: z.object({
    sequence_id: sequenceId(),
    step_id: z.string().min(1).describe('Step id (see the preview)'),
    step_data: stepData().optional().describe('Replaces the stored content'),
    time_interval: z.number().int().min(0).optional().describe('Seconds after previous step'),
    step_type: z.enum(STEP_TYPES).optional().describe('HEYREACH = LinkedIn'),
    input_type: z.enum(INPUT_TYPES).optional().describe('How copy is made'),
  }),
  http: { method: 'PATCH', path: '/sequences/{sequence_id}/steps/{step_id}' },
});

export const pauseSequence = defineTool({
  name: 'g8_pause_sequence',
  title: 'Pause sequence',
  description:
    'Pause a live sequence: real outreach stops and scheduled sends are held. Undo with g8_resume_sequence.',
  toolset: 'sequences',
  scope: 'sequences:run',
  tier: 'external',
  effect: "Stops the sequence's real outreach; scheduled sends are held until it is resumed.",
  keywords: ['stop', 'halt', 'hold'],
  input: z.object({ sequence_id: sequenceId() }),
  http: { method: 'POST', path: '/sequences/{sequence_id}/pause', noBody: true },
});

export const resumeSequence = defineTool({
  name: 'g8_resume_sequence',
  title: 'Resume sequence',
  description:
    'Resume a paused sequence: real messages send again; held sends are rescheduled within business hours.',
  toolset: 'sequences',
  scope: 'sequences:run',
  tier: 'external',
  effect: 'Restarts real outreach: held emails and messages go out again.',
  keywords: ['restart', 'continue', 'unpause'],
  input: z.object({ sequence_id: sequenceId() }),
  http: { method: 'POST', path: '/sequences/{sequence_id}/resume', noBody: true },
});

export const getSequenceAnalytics = defineTool({
  name: 'g8_get_sequence_analytics',
  title: 'Sequence analytics',
  description:
    'Sent/opened/replied counts, rates (fractions 0..1), timeline, per-step and per-sender breakdown of one sequence.',
  toolset: 'sequences',
  scope: 'sequences:read',
  tier: 'read',
  input: z.object({ sequence_id: sequenceId() }),
  http: { method: 'GET', path: '/sequences/{sequence_id}/analytics' },
});

export const deleteSequence = defineTool({
  name: 'g8_delete_sequence',
  title: 'Delete sequence',
  description:
    'Archive a sequence: it stops and drops out of lists and workers. Not undoable here; pause instead if unsure.',
  toolset: 'sequences',
  scope: 'sequences:delete',
  tier: 'destructive',
  effect: 'Archives the sequence: it stops for good and cannot be restored from here.',
  keywords: ['archive', 'remove'],
  input: z.object({ sequence_id: sequenceId() }),
  http: { method: 'DELETE', path: '/sequences/{sequence_id}' },
});

export const sequenceTools = [
  createSequence,
  getSequencePreview,
  updateSequence,
  updateSequenceStep,
  pauseSequence,
  resumeSequence,
  getSequenceAnalytics,
  deleteSequence,
];
