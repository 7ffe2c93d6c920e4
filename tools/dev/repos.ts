import { z } from 'zod';
import { defineTool, type RestCaller, type RestResult } from '../../src/catalogue/types.js';
import { asObj, type Obj } from '../data.js';
import { openObject } from '../open-object.js';

export const repoId = () => z.string().min(1).describe('Repo id (from g8_connect_repo)');

export const connectRepo = defineTool({
  name: 'g8_connect_repo',
  title: 'Connect repo',
  description:
    'Register a code repository with graph8 and get the repo_id every other dev tool needs. graph8 never clones it. Next: g8_scan_repo.',
  toolset: 'repos',
  scope: 'campaigns:write',
  tier: 'write',
  input: z.object({
    repo_url: z.string().min(1).describe('Full repository URL'),
    repo_name: z.string().min(1).describe('Display name, e.g. owner/name'),
    provider: z.enum(['github', 'gitlab', 'local']).default('github').describe('Where the repo lives'),
    default_branch: z.string().min(1).default('main').describe('Default branch'),
  }),
  http: { method: 'POST', path: '/repos' },
});

export const scanRepo = defineTool({
  name: 'g8_scan_repo',
  title: 'Record repo scan',
  description:
    'Save what you found reading the repo (graph8 does not scan code itself): tech stack, routes, product type, GTM readiness. May cost credits. Next: g8_install_spine.',
  toolset: 'repos',
  scope: 'search:run',
  tier: 'billable',
  effect: 'Saves the scan in graph8, which classes it as billable (it may spend credits).',
  input: z.object({
    repo_id: repoId(),
    tech_stack: openObject(
      {
        // Self-describing names: a description would only repeat them.
        framework: z.string().optional(),
        language: z.string().optional(),
        package_manager: z.string().optional(),
      },
      'Other facts',
    ).describe('What the app is built with'),
    api_routes: z
      .array(
        z.object({
          // Nested fields whose name says it all carry no description: each costs context.
          method: z.string().min(1),
          path: z.string().min(1),
        }),
      )
      .optional()
      .describe('HTTP routes the app serves'),
    readme_summary: z.string().optional().describe('What the product does, in a few lines'),
    product_type: z.string().optional().describe('e.g. b2b_saas, api, marketplace, ecommerce'),
    gtm_readiness: openObject(
      {
        has_analytics: z.boolean().optional(),
        has_forms: z.boolean().optional(),
      },
      'Other flags',
    )
      .optional()
      .describe('GTM readiness flags'),
    scan_duration_ms: z.number().int().min(0).optional().describe('How long your scan took'),
  }),
  http: { method: 'POST', path: '/repos/{repo_id}/scan' },
});

export const getScanResults = defineTool({
  name: 'g8_get_scan_results',
  title: 'Get scan results',
  description: 'The latest scan saved for a repo. Fails with 404 when none exists: run g8_scan_repo.',
  toolset: 'repos',
  scope: 'search:run',
  tier: 'read',
  input: z.object({ repo_id: repoId() }),
  http: { method: 'GET', path: '/repos/{repo_id}/scan' },
});

export const repoStatus = defineTool({
  name: 'g8_status',
  title: 'Repo status',
  description:
    'Connection status of a repo in graph8 (connected, scanned, installed). g8_doctor gives a fuller check.',
  toolset: 'repos',
  scope: 'campaigns:read',
  tier: 'read',
  input: z.object({ repo_id: repoId() }),
  http: { method: 'GET', path: '/repos/{repo_id}' },
});

/** Reads an optional resource: a 404 means "not there yet", anything else is a real failure. */
async function optional(api: RestCaller, path: string, repo_id: string): Promise<Obj | null> {
  try {
    const res = await api.call({ method: 'GET', path, params: { repo_id } });
    return asObj(res.data) ?? null;
  } catch (err) {
    if (api.isStatus(err, 404)) return null;
    throw err;
  }
}

function nextStep(hasScan: boolean, patchStatus: unknown): string {
  if (!hasScan) return 'Read the code, then record it with g8_scan_repo.';
  if (patchStatus === 'none' || patchStatus === 'ROLLED_BACK')
    return 'Generate the patch plan with g8_install_spine.';
  if (patchStatus === 'PREVIEW') return 'Apply the patches locally, then record it with g8_apply_install.';
  return 'Install is recorded; verify in the running app.';
}

export const doctor = defineTool({
  name: 'g8_doctor',
  title: 'Repo doctor',
  description:
    "Check a repo's graph8 setup in one call: connected, write key, scan, install patch status, and the next step. Only graph8-side state; it cannot see the running app.",
  toolset: 'repos',
  scope: 'campaigns:read',
  alsoNeeds: ['search:run', 'integrations:read'],
  tier: 'read',
  input: z.object({ repo_id: repoId() }),
  async run({ repo_id }, { api }): Promise<RestResult> {
    const repoRes = await api.call({ method: 'GET', path: '/repos/{repo_id}', params: { repo_id } });
    const repo = asObj(repoRes.data) ?? {};
    // One after the other: the order of calls stays deterministic for logs and tests.
    const scan = await optional(api, '/repos/{repo_id}/scan', repo_id);
    const install = await optional(api, '/repos/{repo_id}/install/status', repo_id);
    const patchSet = install
      ? {
          status: install['status'] ?? 'none',
          patch_set_id: install['patch_set_id'] ?? null,
          applied_at: install['applied_at'] ?? null,
        }
      : { status: 'none', patch_set_id: null, applied_at: null };
    const status = repo['status'];
    return {
      status: 200,
      ...(repoRes.requestId ? { requestId: repoRes.requestId } : {}),
      data: {
        repo_id,
        connected: status === undefined || ['connected', 'scanned', 'installed'].includes(String(status)),
        repo_status: status ?? null,
        has_write_key: repo['has_write_key'] === true,
        has_scan: scan !== null,
        scanned_at: scan?.['created_at'] ?? repo['last_scan_at'] ?? null,
        patch_set: patchSet,
        next: nextStep(scan !== null, patchSet.status),
      },
    };
  },
});

export const installSpine = defineTool({
  name: 'g8_install_spine',
  title: 'Plan graph8 install',
  description:
    'Generate the patch plan (tracking snippet, forms, identity, attribution) for a scanned repo. Changes no code: apply the diffs yourself, then call g8_apply_install.',
  toolset: 'repos',
  scope: 'integrations:write',
  tier: 'write',
  input: z.object({ repo_id: repoId() }),
  http: { method: 'POST', path: '/repos/{repo_id}/install', noBody: true },
});

export const applyInstall = defineTool({
  name: 'g8_apply_install',
  title: 'Record install applied',
  description:
    'Record that the g8_install_spine patches were applied to the code (PREVIEW → APPLIED). Bookkeeping only; confirm with the user before editing their code.',
  toolset: 'repos',
  scope: 'integrations:write',
  tier: 'write',
  input: z.object({ repo_id: repoId() }),
  http: { method: 'POST', path: '/repos/{repo_id}/install/apply', noBody: true },
});

export const repoTools = [
  connectRepo,
  scanRepo,
  getScanResults,
  repoStatus,
  doctor,
  installSpine,
  applyInstall,
];
