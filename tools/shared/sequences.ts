import { z } from 'zod';
import { defineTool } from '../../src/catalogue/types.js';
import { givenFields, pickDefined } from '../data.js';

const sequenceId = () => z.string().min(1).describe('Sequence id');

const STEP_TYPES = ['EMAIL', 'PHONE', 'SMS', 'WHATSAPP', 'HEYREACH', 'MANUAL_DIALER'] as const;
const INPUT_TYPES = ['ON_DEMAND', 'MANUAL_TEMPLATE', 'AI_GENERATED_TEMPLATE'] as const;
const STEP_DATA_HINT = 'EMAIL {subject, body}; HEYREACH {linkedin_action_type…}; SMS {message_body}';

const step = z.object({
  step_order: z.number().int().min(1).describe('1-based position'),
  step_type: z.enum([...STEP_TYPES, 'UNIPILE']).describe('HEYREACH = LinkedIn'),
  input_type: z.enum(INPUT_TYPES).default('ON_DEMAND').describe('How copy is made'),
  time_interval: z.number().int().min(0).default(0).describe('Seconds after previous step'),
  step_data: z.record(z.string(), z.unknown()).optional().describe(STEP_DATA_HINT),
});

const channel = z.object({
  channel_id: z.number().int().describe('Mailbox or phone id'),
  channel_value: z.string().min(1).describe('Address or number'),
  channel_type: z
    .enum(['SMTP', 'GMAIL', 'INBOXKIT', 'PHONE', 'LINKEDIN', 'SMS', 'WHATSAPP'])
    .describe('Kind'),
  channel_data: z.record(z.string(), z.unknown()).optional().describe('Extra settings'),
});

export const createSequence = defineTool({
  name: 'g8_create_sequence',
  title: 'Create sequence',
  description:
    'Create a draft sequence with steps and channels; sends nothing until run or launched by a campaign. Check it with g8_get_sequence_preview.',
  toolset: 'sequences',
  scope: 'sequences:run',
  tier: 'external',
  input: z.object({
    name: z.string().min(1).describe('Sequence name'),
    user_email: z.string().min(1).describe('Owner email (org member)'),
    description: z.string().optional().describe('Internal description'),
    finish_on_reply: z.boolean().default(true).describe('Stop for a contact who replies'),
    send_in_same_thread: z.boolean().default(false).describe('Send follow-up emails as replies'),
    wait_for_new_contacts: z.boolean().default(false).describe('Also run for contacts added later'),
    associated_list_id: z.number().int().optional().describe('List whose contacts are enrolled'),
    steps: z.array(step).optional().describe('Steps in order'),
    channels: z.array(channel).optional().describe('Sending channels'),
    campaign_id: z.string().min(1).optional().describe('Campaign UUID to attach to'),
    sequence_kind: z
      .enum(['cold_outbound', 'nurture'])
      .default('cold_outbound')
      .describe('Immutable; nurture needs pinned_mailbox_id'),
    pinned_mailbox_id: z.number().int().optional().describe('Nurture: the mailbox to send from'),
  }),
  http: { method: 'POST', path: '/sequences' },
});

export const getSequencePreview = defineTool({
  name: 'g8_get_sequence_preview',
  title: 'Preview sequence',
  description:
    'A sequence with its steps rendered (subject, body, variants, content issues) and channels. Enrolls nobody; raw spintax in step_data is normal.',
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
    'Change sequence settings, or remove_linkedin=true to strip LinkedIn steps and channels (destructive; dry_run first; live ones need remove_linkedin_force and end paused).',
  toolset: 'sequences',
  scope: 'sequences:run',
  alsoNeeds: ['sequences:delete'],
  tier: 'external',
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
      if (stray.length > 0) throw new Error(`${stray.join(' and ')}: only used with remove_linkedin=true`);
      if (metadata.length === 0) {
        throw new Error(`Nothing to update: give at least one of ${METADATA.join(', ')}, or remove_linkedin`);
      }
      return api.call({
        method: 'PATCH',
        path: '/sequences/{sequence_id}',
        params: { sequence_id: input.sequence_id },
        body: pickDefined(input, METADATA),
      });
    }
    if (metadata.length > 0) {
      throw new Error(
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
  input: z.object({
    sequence_id: sequenceId(),
    step_id: z.string().min(1).describe('Step id (see the preview)'),
    step_data: z.record(z.string(), z.unknown()).optional().describe(STEP_DATA_HINT),
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
  keywords: ['stop', 'halt', 'hold'],
  input: z.object({ sequence_id: sequenceId() }),
  http: { method: 'POST', path: '/sequences/{sequence_id}/pause', noBody: true },
});

export const resumeSequence = defineTool({
  name: 'g8_resume_sequence',
  title: 'Resume sequence',
  description:
    'Resume a paused sequence: real emails/messages start sending again; held sends are rescheduled within business hours.',
  toolset: 'sequences',
  scope: 'sequences:run',
  tier: 'external',
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
    'Archive a sequence: it stops and drops out of lists and workers. Cannot be undone from here; pause instead if unsure.',
  toolset: 'sequences',
  scope: 'sequences:delete',
  tier: 'destructive',
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
