import { z } from 'zod';
import { defineTool, type JobSpec } from '../../src/catalogue/types.js';
import { UsageError } from '../../src/platform/errors.js';
import { asObj, asString, givenFields, pickDefined } from '../data.js';
import { limit, page } from '../fields.js';
import { openObject } from '../open-object.js';
import { launchPreview } from './launch-preview.js';

// No tool name here: in `all` mode g8_list_campaigns is the dev tool (see GTM_ALIASES).
const campaignId = () => z.string().min(1).describe('Campaign id');

export const listCampaigns = defineTool({
  name: 'g8_list_campaigns',
  title: 'List campaigns',
  description:
    'List non-archived GTM campaigns with status, category, goal and persona. Open one with g8_get_campaign.',
  toolset: 'campaigns',
  scope: 'campaigns:read',
  tier: 'read',
  input: z.object({ page: page(), limit: limit(50, 200) }),
  http: { method: 'GET', path: '/campaigns' },
});

export const getCampaign = defineTool({
  name: 'g8_get_campaign',
  title: 'Get campaign',
  description:
    'One campaign: brief, hooks, channels, documents. full=true adds audience, document content, sequence and step catalog (read before editing or launching).',
  toolset: 'campaigns',
  scope: 'campaigns:read',
  tier: 'read',
  input: z.object({
    campaign_id: campaignId(),
    full: z.boolean().default(false).describe('Include content, audience, sequence'),
  }),
  async run({ campaign_id, full }, { api }) {
    return api.call({
      method: 'GET',
      path: full ? '/campaigns/{campaign_id}/full' : '/campaigns/{campaign_id}',
      params: { campaign_id },
    });
  },
});

export const getCampaignDocument = defineTool({
  name: 'g8_get_campaign_document',
  title: 'Get campaign document',
  description: 'Read one campaign document (copy, brief, persona...) with its content, status and version.',
  toolset: 'campaigns',
  scope: 'campaigns:read',
  tier: 'read',
  input: z.object({
    campaign_id: campaignId(),
    document_id: z.string().min(1).describe('Document id, from the campaign'),
  }),
  http: { method: 'GET', path: '/campaigns/{campaign_id}/documents/{document_id}' },
});

/** Text fields shared by create and update, with the contract's length limits. */
const text = {
  brief: () => z.string().optional().describe('Campaign brief'),
  core_concept: () => z.string().optional().describe('Core idea'),
  primary_hook: () => z.string().optional().describe('Main angle'),
  target_persona: () => z.string().max(200).optional().describe('Who it targets'),
  goal: () => z.string().max(255).optional().describe('Desired outcome, e.g. book demos'),
};

export const createCampaign = defineTool({
  name: 'g8_create_campaign',
  title: 'Create campaign',
  description:
    'Create a GTM campaign; sends nothing. By default AI writes the copy in the background (~60-90 s, credits): re-read it until status leaves copy_in_progress.',
  toolset: 'campaigns',
  scope: 'campaigns:run',
  tier: 'external',
  effect:
    'Creates the campaign in graph8 and, with auto_generate_documents, has AI write its copy (spends credits); sends nothing.',
  input: z.object({
    name: z.string().min(1).max(255).describe('Campaign name'),
    category: z.string().min(1).max(100).default('Outbound').describe('Category'),
    brief: text.brief(),
    core_concept: text.core_concept(),
    primary_hook: text.primary_hook(),
    target_persona: text.target_persona(),
    goal: text.goal(),
    audience_list_id: z.string().min(1).optional().describe('graph8 list to target'),
    target_channels: z.array(z.string().min(1)).default(['email']).describe('Channels, e.g. email, linkedin'),
    secondary_hooks: z.array(z.string()).optional().describe('Extra angles'),
    auto_generate_documents: z.boolean().default(true).describe('AI writes the copy (credits)'),
  }),
  http: { method: 'POST', path: '/campaigns' },
});

const PLAIN = [
  'name',
  'brief',
  'core_concept',
  'primary_hook',
  'target_persona',
  'category',
  'goal',
] as const;
const DEEP = [
  'audience_list_id',
  'documents',
  'sequence_steps',
  'linked_sequence_ids',
  'unlink_sequence_ids',
] as const;

const documentPatch = z.object({
  id: z.string().min(1).optional().describe('Omit to create'),
  file_type: z.string().optional().describe('Needed to create'),
  display_name: z.string().optional().describe('Needed to create'),
  // Nested fields whose name says it all carry no description: each costs context.
  folder_path: z.string().optional(),
  status: z.string().optional().describe('draft or completed'),
  content: z.string().optional().describe('New content'),
  structured_data: openObject({}, 'The fields').optional().describe('Structured content'),
});

const sequenceStep = z.object({
  step_id: z.string().min(1).describe('Step id from step_catalog'),
  day: z.number().int().min(0).describe('Day offset'),
  condition: z.string().optional().describe('Send condition'),
  stop_on_reply: z.boolean().optional(),
});

export const updateCampaign = defineTool({
  name: 'g8_update_campaign',
  title: 'Update campaign',
  description:
    "Edit a campaign's text, audience, documents, step order or linked sequences (deep edits are one transaction and return the full snapshot). Read it with full=true first.",
  toolset: 'campaigns',
  scope: 'campaigns:run',
  tier: 'external',
  effect:
    'Changes the campaign in graph8 (text, audience, documents, steps or linked sequences); sends nothing.',
  input: z.object({
    campaign_id: campaignId(),
    name: z.string().min(1).max(255).optional().describe('Campaign name'),
    brief: text.brief(),
    core_concept: text.core_concept(),
    primary_hook: text.primary_hook(),
    target_persona: text.target_persona(),
    category: z.string().min(1).max(100).optional().describe('Category'),
    goal: text.goal(),
    audience_list_id: z.string().min(1).optional().describe('Attach this list as the audience'),
    detach_audience: z.boolean().default(false).describe('Remove the audience list'),
    documents: z.array(documentPatch).optional().describe('Documents to edit or create'),
    sequence_steps: z.array(sequenceStep).optional().describe('New step order; [] clears'),
    linked_sequence_ids: z.array(z.string().min(1)).optional().describe('Sequences to link'),
    unlink_sequence_ids: z.array(z.string().min(1)).optional().describe('Sequences to unlink'),
  }),
  async run(input, { api }) {
    if (input.audience_list_id !== undefined && input.detach_audience) {
      throw new UsageError(
        'audience_list_id and detach_audience=true contradict each other: give one of them',
      );
    }
    const newDocs = (input.documents ?? []).filter(
      (d) => d.id === undefined && !(d.file_type && d.display_name),
    );
    if (newDocs.length > 0) {
      throw new UsageError('documents without id are created and need file_type and display_name');
    }
    const deep = givenFields(input, DEEP);
    if (input.detach_audience) deep.push('detach_audience');
    const plain = givenFields(input, PLAIN);
    if (deep.length === 0 && plain.length === 0) {
      throw new UsageError('Nothing to update: give at least one field');
    }
    const params = { campaign_id: input.campaign_id };
    if (deep.length === 0) {
      return api.call({
        method: 'PATCH',
        path: '/campaigns/{campaign_id}',
        params,
        body: pickDefined(input, PLAIN),
      });
    }
    const body = pickDefined(input, [...PLAIN, ...DEEP]);
    if (input.detach_audience) body['detach_audience'] = true;
    return api.call({ method: 'PATCH', path: '/campaigns/{campaign_id}/full', params, body });
  },
});

const LAUNCH_FIELDS = [
  'sender_mailbox_ids',
  'textual_agent_name',
  'voice_agent_name',
  'schedule_id',
  'appointment_id',
] as const;

/**
 * A launch that graph8 answers with `status: "scheduling"` finishes in the background; the
 * campaign's `execution` tells when (contract §1.11). A `live` answer has nothing to follow. graph8
 * has no route to cancel a launch, so cancelling such a task only stops our polling.
 */
const launchJob: JobSpec = {
  stages: ['scheduling'],
  intervalMs: 2000,
  handle(input, started) {
    const status = asObj(started.data)?.['status'];
    return status === 'scheduling' ? { campaign_id: String(input['campaign_id']) } : undefined;
  },
  async read(handle, api) {
    const res = await api.call({ method: 'GET', path: '/campaigns/{campaign_id}', params: handle });
    const campaign = asObj(res.data);
    const status = asString(campaign?.['status']) ?? 'unknown';
    const execution = asObj(campaign?.['execution']);
    const total = execution?.['contacts_total'];
    return {
      done: status !== 'scheduling',
      status,
      message: `campaign ${String(handle['campaign_id'])}: ${status}${typeof total === 'number' ? `, ${total} contacts` : ''}`,
      data: { status, ...(execution ? { execution } : {}) },
    };
  },
};

export const launchCampaign = defineTool({
  name: 'g8_launch_campaign',
  title: 'Launch campaign',
  description:
    'Start real outbound for a campaign (~1 credit per send). dry_run=true first checks audience, copy, steps and mailboxes (g8_list_mailboxes). On a 502 never retry: re-read it.',
  toolset: 'campaigns',
  scope: 'campaigns:launch',
  alsoNeeds: ['campaigns:read'],
  tier: 'external',
  effect:
    "Starts real outreach to the campaign's audience; each send costs about 1 credit. It cannot be undone here.",
  keywords: ['start', 'go', 'live', 'outbound', 'send'],
  input: z.object({
    campaign_id: campaignId(),
    dry_run: z.boolean().default(false).describe('Only check readiness'),
    sender_mailbox_ids: z
      .array(z.number().int())
      .min(1)
      .optional()
      .describe('Mailbox ids; omit to auto-pick'),
    textual_agent_name: z.string().min(1).optional().describe('AI agent for text replies'),
    voice_agent_name: z.string().min(1).optional().describe('AI agent for calls'),
    schedule_id: z.string().min(1).optional().describe('Sending schedule (UUID)'),
    appointment_id: z.number().int().optional().describe('Event type for booked meetings'),
  }),
  async run(input, { api }) {
    const params = { campaign_id: input.campaign_id };
    if (input.dry_run) {
      const campaign = await api.call({ method: 'GET', path: '/campaigns/{campaign_id}/full', params });
      // The route's largest page, so the auto-pick sees every mailbox.
      const mailboxes = await api.call({ method: 'GET', path: '/mailboxes', query: { limit: 500 } });
      return {
        status: 200,
        data: launchPreview(input.campaign_id, campaign.data, mailboxes.data, input.sender_mailbox_ids),
      };
    }
    return api.call({
      method: 'POST',
      path: '/campaigns/{campaign_id}/launch',
      params,
      query: { validate: true },
      body: pickDefined(input, LAUNCH_FIELDS),
    });
  },
  job: launchJob,
});

export const gtmCampaignTools = [
  listCampaigns,
  getCampaign,
  getCampaignDocument,
  createCampaign,
  updateCampaign,
  launchCampaign,
];
