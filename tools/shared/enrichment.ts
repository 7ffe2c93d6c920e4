import { z } from 'zod';
import { InvalidResponseError } from '../../src/api/errors.js';
import { defineTool, type JobSpec, type RestCaller } from '../../src/catalogue/types.js';
import { UsageError } from '../../src/platform/errors.js';
import { asArray, asNumber, asObj, asString, type Obj } from '../data.js';
import { TERMINAL } from '../poll.js';

export const lookupPerson = defineTool({
  name: 'g8_lookup_person',
  title: 'Look up person',
  description:
    "Find a person in graph8's open index (not just your CRM; nothing saved) by email, linkedin_url, or first_name+last_name+company_domain. ~1 credit if found.",
  toolset: 'enrichment',
  scope: 'enrichment:run',
  tier: 'billable',
  effect: "Searches graph8's index and saves nothing; about 1 credit when a person is found.",
  keywords: ['find', 'who', 'profile', 'linkedin', 'prospect'],
  input: z.object({
    email: z.string().optional().describe('Email address'),
    linkedin_url: z.string().optional().describe('LinkedIn profile URL'),
    first_name: z.string().optional().describe('With last_name and company_domain'),
    last_name: z.string().optional().describe('Last name'),
    company_domain: z.string().optional().describe('Company domain, e.g. acme.com'),
  }),
  http: { method: 'POST', path: '/enrichment/lookup/person' },
});

export const lookupCompany = defineTool({
  name: 'g8_lookup_company',
  title: 'Look up company',
  description:
    "Find a company in graph8's open index by domain or name (not just your CRM; nothing saved). ~1 credit if found.",
  toolset: 'enrichment',
  scope: 'enrichment:run',
  tier: 'billable',
  effect: "Searches graph8's index and saves nothing; about 1 credit when a company is found.",
  input: z.object({
    domain: z.string().optional().describe('Company domain, e.g. acme.com'),
    name: z.string().optional().describe('Company name'),
  }),
  http: { method: 'POST', path: '/enrichment/lookup/company' },
});

const PROVIDERS = [
  'graph8',
  'hunter',
  'prospeo',
  'dropcontact',
  'icypeas',
  'leadmagic',
  'emaillistverify',
  'apollo',
  'lusha',
  'rocketreach',
] as const;

/** Default verifier of a waterfall config with email_verification (contract §2.1.2 step 4). */
const DEFAULT_VERIFIER = 'zerobounce';
const AI_CREDITS_PER_CONTACT = 3;
const POLL_HINT = (jobId: string) =>
  `Job ${jobId} runs in the background (about a minute). There is no job tool: re-read the contacts with g8_get_contact later, or poll GET /enrichment/jobs/${jobId} over REST (a client that sends a progressToken, or declares the MCP tasks extension, gets the job followed to the end). completed is not enriched: check successful_enrichments.`;

/**
 * A waterfall job (contract §2.8): queued, running, then terminal. `completed` with counts; the
 * three counters are null until then. graph8 has no cancel route for it; the sandbox adds one
 * (POST /enrichment/jobs/{job_id}/cancel, a sandbox addition documented in the README).
 */
const enrichmentJob: JobSpec = {
  stages: ['queued', 'running'],
  intervalMs: 1000,
  handle(_input, started) {
    const job = asObj(started.data);
    const jobId = asString(job?.['job_id']);
    return jobId && !TERMINAL.has(asString(job?.['status']) ?? '') ? { job_id: jobId } : undefined;
  },
  async read(handle, api) {
    const res = await api.call({ method: 'GET', path: '/enrichment/jobs/{job_id}', params: handle });
    const job = asObj(res.data);
    const status = asString(job?.['status']) ?? 'unknown';
    const total = job?.['total'];
    const completed = job?.['completed'];
    const counts =
      typeof total === 'number'
        ? `, ${typeof completed === 'number' ? completed : 0} of ${total} contacts`
        : '';
    const hits =
      typeof job?.['successful_enrichments'] === 'number'
        ? `, ${String(job['successful_enrichments'])} enriched, ${String(job['failed_enrichments'])} not found`
        : '';
    return {
      done: TERMINAL.has(status),
      status,
      message: `enrichment job ${String(handle['job_id'])}: ${status}${counts}${hits}`,
      data: job,
    };
  },
  async cancel(handle, api) {
    await api.call({ method: 'POST', path: '/enrichment/jobs/{job_id}/cancel', params: handle });
  },
};

const enrichInput = z.object({
  contact_ids: z.array(z.number().int()).min(1).describe('Contact ids, all in list_id'),
  list_id: z.number().int().describe('List holding the contacts'),
  mode: z
    .enum(['auto', 'waterfall', 'ai-research'])
    .default('auto')
    .describe('auto: AI if ai_group_id, else waterfall'),
  ai_group_id: z.string().min(1).optional().describe('AI research group (ai-research)'),
  providers: z.array(z.enum(PROVIDERS)).min(1).optional().describe('Waterfall providers, in order'),
  email_verification: z.boolean().default(false).describe('Verify found emails (waterfall)'),
  target_field: z.string().min(1).optional().describe('phone, mobile, email, linkedin or a column key'),
  dry_run: z.boolean().default(false).describe('Only preview contacts and credit estimate'),
});

type EnrichInput = z.output<typeof enrichInput>;

function resolveMode(input: EnrichInput): 'waterfall' | 'ai-research' {
  const overrides = waterfallOverrides(input);
  if (input.mode === 'ai-research' && input.ai_group_id === undefined) {
    throw new UsageError('mode ai-research needs ai_group_id');
  }
  if (input.mode === 'waterfall' && input.ai_group_id !== undefined) {
    throw new UsageError('ai_group_id only applies to AI research: drop it or set mode ai-research');
  }
  const mode = input.mode === 'auto' ? (input.ai_group_id ? 'ai-research' : 'waterfall') : input.mode;
  if (mode === 'ai-research' && overrides.length > 0) {
    throw new UsageError(
      `${overrides.join(', ')} only apply to waterfall enrichment: drop them or drop ai_group_id and use mode waterfall`,
    );
  }
  return mode;
}

function waterfallOverrides(input: EnrichInput): string[] {
  const given: string[] = [];
  if (input.providers !== undefined) given.push('providers');
  if (input.email_verification) given.push('email_verification');
  if (input.target_field !== undefined) given.push('target_field');
  return given;
}

function overrideConfigBody(input: EnrichInput): Record<string, unknown> {
  const body: Record<string, unknown> = { list_id: input.list_id };
  if (input.target_field !== undefined) body['field_to_enrich'] = input.target_field;
  if (input.providers !== undefined) body['providers'] = input.providers;
  if (input.email_verification) body['email_verification'] = { enabled: true };
  return body;
}

async function activeConfig(api: RestCaller, listId: number): Promise<Obj | undefined> {
  const res = await api.call({
    method: 'GET',
    path: '/enrichment/waterfall/configs',
    query: { list_id: listId },
  });
  return asArray(asObj(res.data)?.['configs'])
    .map(asObj)
    .find((config) => config?.['is_active'] === true);
}

function columnIdOf(config: Obj | undefined): number | string {
  const id = config?.['column_id'];
  if (typeof id === 'number' || (typeof id === 'string' && id !== '')) return id;
  // graph8's answer, not the caller's input: an invalid response, retryable like any upstream fault.
  throw new InvalidResponseError({
    status: 200,
    code: 'invalid_response',
    message: 'The waterfall config returned by graph8 has no column_id; cannot start enrichment',
  });
}

/** Highest credits a provider may charge for one row (BYOK rows are free). */
function providerCost(provider: Obj | undefined, targetField: string | undefined): number {
  if (!provider) return 0;
  if (provider['byok_configured'] === true && provider['default_credential_source'] === 'byok') return 0;
  const perRow = asObj(provider['credits_per_row']) ?? {};
  const key = targetField?.toLowerCase();
  const exact = key === undefined ? undefined : asNumber(perRow[key]);
  if (exact !== undefined) return exact;
  return Math.max(0, ...Object.values(perRow).map((n) => asNumber(n) ?? 0));
}

async function waterfallEstimate(
  api: RestCaller,
  input: EnrichInput,
  providerNames: readonly string[],
): Promise<Record<string, unknown>> {
  const res = await api.call({ method: 'GET', path: '/enrichment/providers' });
  const catalogue = asArray(asObj(res.data)?.['providers']).map(asObj);
  const byName = (name: string) => catalogue.find((p) => p?.['provider'] === name);
  const perProvider = providerNames.map((name) => ({
    provider: name,
    max_credits_per_row: providerCost(byName(name), input.target_field),
  }));
  const verify = input.email_verification ? providerCost(byName(DEFAULT_VERIFIER), 'email') : 0;
  // A waterfall stops at the first hit, so one contact pays at most its dearest provider (+ verification).
  const perContact = Math.max(0, ...perProvider.map((p) => p.max_credits_per_row)) + verify;
  return {
    basis: 'Charged only for successful provider hits (cached 7 days; BYOK free); this is an upper bound',
    providers: perProvider,
    verification_credits_per_row: verify,
    max_credits_per_contact: perContact,
    max_total_credits: perContact * input.contact_ids.length,
  };
}

async function dryRun(api: RestCaller, input: EnrichInput, mode: 'waterfall' | 'ai-research') {
  const base = {
    dry_run: true,
    mode,
    list_id: input.list_id,
    contact_ids: input.contact_ids,
    contact_count: input.contact_ids.length,
  };
  if (mode === 'ai-research') {
    const total = AI_CREDITS_PER_CONTACT * input.contact_ids.length;
    return {
      ...base,
      ai_group_id: input.ai_group_id,
      estimate: { basis: 'AI research, about 3 credits per contact', approx_total_credits: total },
      next: 'Call again with dry_run=false to run it (charges credits).',
    };
  }
  let config: Record<string, unknown>;
  let providers: readonly string[];
  if (waterfallOverrides(input).length > 0) {
    providers = input.providers ?? ['graph8'];
    config = {
      action: 'create or reuse a config with your overrides',
      providers,
      field_to_enrich: input.target_field ?? null,
      email_verification: input.email_verification,
    };
  } else {
    const active = await activeConfig(api, input.list_id);
    providers = active
      ? asArray(active['providers']).filter((p): p is string => typeof p === 'string')
      : ['graph8'];
    config = active
      ? {
          action: 'use the active config',
          column_id: active['column_id'],
          name: active['name'],
          field_to_enrich: active['field_to_enrich'],
          providers,
          missing_credentials: active['missing_credentials'] ?? [],
        }
      : { action: 'create a bare config (one graph8 lookup step)', providers };
  }
  return {
    ...base,
    config,
    estimate: await waterfallEstimate(api, input, providers),
    next: 'Call again with dry_run=false to start the job (charges credits).',
  };
}

export const enrichContacts = defineTool({
  name: 'g8_enrich_contacts',
  title: 'Enrich contacts',
  description:
    "Enrich a list's contacts (emails, phones) by provider waterfall (async) or AI research. Credits per hit (AI ~3/contact); dry_run=true estimates first.",
  toolset: 'enrichment',
  scope: 'enrichment:run',
  alsoNeeds: ['enrichment:read'],
  tier: 'billable',
  effect:
    'Writes what is found onto the contacts; credits per successful provider hit (AI research about 3 per contact).',
  keywords: ['email', 'phone', 'mobile', 'find', 'waterfall', 'fill', 'missing'],
  input: enrichInput,
  async run(input, { api }) {
    const mode = resolveMode(input);
    if (input.dry_run) return { status: 200, data: await dryRun(api, input, mode) };

    if (mode === 'ai-research') {
      const res = await api.call({
        method: 'POST',
        path: '/enrichment/ai/enrich',
        body: { group_id: input.ai_group_id, list_id: input.list_id, record_ids: input.contact_ids },
      });
      return { ...res, data: { ...asObj(res.data), mode } };
    }

    let config: Obj | undefined;
    if (waterfallOverrides(input).length > 0) {
      const created = await api.call({
        method: 'POST',
        path: '/enrichment/waterfall/configs',
        body: overrideConfigBody(input),
      });
      config = asObj(created.data);
    } else {
      config = await activeConfig(api, input.list_id);
      if (!config) {
        const created = await api.call({
          method: 'POST',
          path: '/enrichment/waterfall/configs',
          body: { list_id: input.list_id },
        });
        config = asObj(created.data);
      }
    }
    const columnId = columnIdOf(config);
    const res = await api.call({
      method: 'POST',
      path: '/enrichment/waterfall/enrich',
      body: { column_id: columnId, list_id: input.list_id, record_ids: input.contact_ids },
    });
    const queued = asObj(res.data);
    const jobId = asString(queued?.['job_id']);
    return {
      ...res,
      data: {
        ...queued,
        mode,
        column_id: columnId,
        missing_credentials: config?.['missing_credentials'] ?? [],
        ...(jobId ? { next: POLL_HINT(jobId) } : {}),
      },
    };
  },
  job: enrichmentJob,
});

export const verifyEmail = defineTool({
  name: 'g8_verify_email',
  title: 'Verify email',
  description:
    'Check if an email address is deliverable: free when graph8 knows, 1 credit via an external verifier. Trust is_valid, not status.',
  toolset: 'enrichment',
  scope: 'enrichment:run',
  tier: 'billable',
  effect: 'Checks one address: free when graph8 knows it, 1 credit when an external verifier is asked.',
  keywords: ['validate', 'bounce', 'deliverable', 'check'],
  // graph8's registry (g8_enrichment_verify_email) takes { body: { email } }.
  wrappedInput: 'body',
  input: z.object({
    email: z.email().describe('Email address to verify'),
  }),
  http: { method: 'POST', path: '/enrichment/verify-email' },
});

export const enrichmentTools = [lookupPerson, lookupCompany, enrichContacts, verifyEmail];
