import { z } from 'zod';
import { defineTool, type JobSpec } from '../../src/catalogue/types.js';
import { asArray, asObj, asString } from '../data.js';
import { TERMINAL } from '../poll.js';

const configId = () => z.number().int().describe('Audience sync id');
const SYNC_MODES = ['mirror', 'append_only'] as const;
const platform = () => z.enum(['meta', 'linkedin', 'google', 'x']);
const runsLimit = () => z.number().int().min(1).max(100).default(20).describe('How many, newest first');

export const listAudienceSyncs = defineTool({
  name: 'g8_list_audience_syncs',
  title: 'List audience syncs',
  description:
    'List syncs of graph8 lists to ad-platform audiences (Meta, LinkedIn, Google Ads, X) with status, cadence and last sync.',
  toolset: 'audience',
  scope: 'integrations:read',
  tier: 'read',
  input: z.object({ platform: platform().optional().describe('Only syncs to this platform') }),
  async run({ platform }, { api }) {
    const res = await api.call({ method: 'GET', path: '/audience-syncs' });
    // The route takes no filter (contract §2.4): a platform is picked out here.
    if (platform === undefined || !Array.isArray(res.data)) return res;
    return { ...res, data: res.data.filter((sync) => asObj(sync)?.['platform'] === platform) };
  },
});

export const createAudienceSync = defineTool({
  name: 'g8_create_audience_sync',
  title: 'Create audience sync',
  description:
    'Sync a graph8 list to a custom audience (created there) on an ad platform connected in graph8. One sync per list and platform; pushes are credited.',
  toolset: 'audience',
  scope: 'integrations:run',
  tier: 'external',
  effect:
    'Creates a custom audience on the ad platform and keeps it in sync with the list; pushes spend credits.',
  keywords: ['linkedin', 'meta', 'facebook', 'google', 'ads', 'custom', 'matched', 'retarget'],
  input: z.object({
    audience_id: z.number().int().describe('graph8 list id'),
    platform: platform().describe('Ad platform'),
    mode: z.enum(SYNC_MODES).default('mirror').describe('mirror also removes leavers'),
    refresh_cadence_hours: z.number().int().min(1).default(24).describe('Hours between automatic syncs'),
    platform_audience_name: z.string().min(1).optional().describe('Audience name on the platform'),
  }),
  http: { method: 'POST', path: '/audience-syncs' },
});

export const getAudienceSync = defineTool({
  name: 'g8_get_audience_sync',
  title: 'Get audience sync',
  description: 'Status, member count, cadence and last/next sync time of one audience sync.',
  toolset: 'audience',
  scope: 'integrations:read',
  tier: 'read',
  input: z.object({ config_id: configId() }),
  http: { method: 'GET', path: '/audience-syncs/{config_id}' },
});

export const updateAudienceSync = defineTool({
  name: 'g8_update_audience_sync',
  title: 'Update audience sync',
  description:
    'Change the mode or cadence of an audience sync, or switch it on/off. Give at least one field.',
  toolset: 'audience',
  scope: 'integrations:run',
  tier: 'external',
  effect: 'Changes how the ad-platform audience is kept in sync, or switches the sync on or off.',
  input: z.object({
    config_id: configId(),
    mode: z.enum(SYNC_MODES).optional().describe('mirror also removes leavers'),
    refresh_cadence_hours: z.number().int().min(1).optional().describe('Hours between automatic syncs'),
    is_active: z.boolean().optional().describe('false pauses automatic syncs'),
  }),
  http: { method: 'PATCH', path: '/audience-syncs/{config_id}' },
});

export const deleteAudienceSync = defineTool({
  name: 'g8_delete_audience_sync',
  title: 'Delete audience sync',
  description:
    'Stop and remove an audience sync. The audience on the ad platform stays; delete it there if needed.',
  toolset: 'audience',
  scope: 'integrations:delete',
  tier: 'destructive',
  effect: 'Stops and removes the sync for good; the audience stays on the ad platform.',
  input: z.object({ config_id: configId() }),
  http: { method: 'DELETE', path: '/audience-syncs/{config_id}' },
});

/**
 * An audience-sync run (contract §2.4.1): found by id among the config's recent runs, queued,
 * running, then terminal with member counts. graph8 has no cancel route for a run; the sandbox adds
 * one (POST /audience-syncs/{config_id}/runs/{run_id}/cancel, documented as a sandbox addition).
 */
const syncRunJob: JobSpec = {
  stages: ['queued', 'running'],
  intervalMs: 1000,
  handle(input, started) {
    const runId = asObj(started.data)?.['run_id'];
    const configId = input['config_id'];
    if ((typeof runId !== 'string' && typeof runId !== 'number') || typeof configId !== 'number')
      return undefined;
    return { config_id: configId, run_id: runId };
  },
  async read(handle, api) {
    const runs = await api.call({
      method: 'GET',
      path: '/audience-syncs/{config_id}/runs',
      params: { config_id: handle['config_id']! },
      query: { limit: 10 },
    });
    const found = asArray(runs.data)
      .map(asObj)
      .find((r) => r?.['id'] === handle['run_id']);
    const status = asString(found?.['status']) ?? 'queued';
    const counts =
      typeof found?.['members_total'] === 'number'
        ? `, ${String(found['members_added'])} added, ${String(found['members_removed'])} removed, ${String(found['members_total'])} in the audience`
        : '';
    return {
      done: TERMINAL.has(status),
      status,
      message: `audience sync run ${String(handle['run_id'])}: ${status}${counts}`,
      data: found && { ...found, run_id: handle['run_id'] },
    };
  },
  async cancel(handle, api) {
    await api.call({
      method: 'POST',
      path: '/audience-syncs/{config_id}/runs/{run_id}/cancel',
      params: { config_id: handle['config_id']!, run_id: handle['run_id']! },
    });
  },
};

export const triggerAudienceSync = defineTool({
  name: 'g8_trigger_audience_sync',
  title: 'Run audience sync now',
  description:
    'Push the list members to the ad platform now (credited). Runs in the background: follow it with g8_get_audience_sync_runs.',
  toolset: 'audience',
  scope: 'integrations:run',
  tier: 'external',
  effect: 'Pushes the list members to the ad platform now; spends credits.',
  keywords: ['push', 'run', 'now', 'upload', 'refresh', 'linkedin', 'meta', 'facebook', 'google', 'ads'],
  input: z.object({ config_id: configId() }),
  async run(input, { api }) {
    const res = await api.call({
      method: 'POST',
      path: '/audience-syncs/{config_id}/trigger',
      params: { config_id: input.config_id },
    });
    const run = asObj(res.data);
    const runId = run?.['run_id'];
    const next = `Runs in the background: poll g8_get_audience_sync_runs with config_id=${input.config_id} until run ${String(runId)} is completed or failed.`;
    return { ...res, data: { ...run, next } };
  },
  job: syncRunJob,
});

export const getAudienceSyncRuns = defineTool({
  name: 'g8_get_audience_sync_runs',
  title: 'Audience sync runs',
  description: 'Recent runs of an audience sync with status and members added/removed. Free.',
  toolset: 'audience',
  scope: 'integrations:run',
  tier: 'read',
  input: z.object({ config_id: configId(), limit: runsLimit() }),
  http: { method: 'GET', path: '/audience-syncs/{config_id}/runs' },
});

export const getAudienceSyncErrors = defineTool({
  name: 'g8_get_audience_sync_errors',
  title: 'Audience sync errors',
  description: 'Errors of the failed runs of an audience sync, newest first.',
  toolset: 'audience',
  scope: 'integrations:read',
  tier: 'read',
  input: z.object({ config_id: configId(), limit: runsLimit() }),
  http: { method: 'GET', path: '/audience-syncs/{config_id}/errors' },
});

export const audienceTools = [
  listAudienceSyncs,
  createAudienceSync,
  getAudienceSync,
  updateAudienceSync,
  deleteAudienceSync,
  triggerAudienceSync,
  getAudienceSyncRuns,
  getAudienceSyncErrors,
];
