/** Waterfall configs and runs (§2.1.2 steps 3–5, §2.8). */
import { z } from 'zod';
import { type Ctx, type Db, fail, HttpError, ok, parse, type Reply, type Route } from '../../module.js';
import { readJson } from '../../util/json.js';
import { queryInt } from '../../util/query.js';
import { stableHash } from '../../util/rng.js';
import { iso } from '../../util/time.js';
import type { ContactRow } from '../record-views.js';
import { insertJob, type ProviderError, type RecordResult } from './jobs.js';
import { requireList, requireMembers } from './list-check.js';
import { type CredentialMode, costFor, PROVIDERS, providerDetail, providerInfo } from './providers.js';

const FIELD_RE = /^(email|phone|mobile|linkedin|(CONTACT|COMPANY)_[A-Za-z0-9_]{1,120})$/;

const Step = z.object({ provider: z.string().min(1), action: z.string().optional() });
const EmailVerification = z.object({
  enabled: z.boolean().default(true),
  provider: z.enum(['zerobounce', 'hunter', 'icypeas', 'leadmagic']).default('zerobounce'),
  use_system_credentials: z.boolean().default(true),
  accept_catchall: z.boolean().default(false),
  valid_statuses: z.array(z.string()).optional(),
});

const CreateConfig = z.object({
  list_id: z.number().int().positive(),
  name: z.string().min(1).max(255).optional(),
  field_to_enrich: z
    .string()
    .regex(FIELD_RE, 'must be email, phone, mobile, linkedin or a CONTACT_*/COMPANY_* column')
    .optional(),
  skip_existing_values: z.boolean().default(true),
  // Provider names are checked by hand: an unknown one is a 400 unsupported_provider, not a 422.
  providers: z.array(z.string()).min(1).optional(),
  steps: z.array(Step).min(1).optional(),
  email_verification: z.union([z.boolean(), EmailVerification]).optional(),
  credential_mode: z.enum(['auto', 'system', 'byok']).default('auto'),
});

const Enrich = z.object({
  column_id: z.number().int(),
  list_id: z.number().int().positive(),
  record_ids: z.array(z.number().int().positive()).min(1).max(10_000),
  skip_existing_values: z.boolean().optional(),
});

export interface ConfigRow {
  id: number;
  column_id: number;
  org_id: string;
  list_id: number;
  name: string;
  field_to_enrich: string;
  data_type: string;
  is_global: number;
  is_active: number;
  providers: string;
  steps: string;
  email_verification: string | null;
  credential_mode: CredentialMode;
  skip_existing_values: number;
  created_at: string;
}

function dataType(field: string): string {
  if (field === 'email') return 'email';
  if (field === 'phone' || field === 'mobile') return 'phone';
  if (field === 'linkedin') return 'url';
  return 'text';
}

function configProviders(row: ConfigRow): string[] {
  return readJson<string[]>(row.providers, []);
}

function configView(row: ConfigRow) {
  const providers = configProviders(row);
  const details = providers.map((p) => providerDetail(p, row.credential_mode));
  return {
    column_id: row.column_id,
    config_id: row.id,
    name: row.name,
    field_to_enrich: row.field_to_enrich,
    data_type: row.data_type,
    is_global: row.is_global === 1,
    is_active: row.is_active === 1,
    list_id: row.list_id,
    step_count: readJson<unknown[]>(row.steps, []).length,
    providers,
    email_verification: readJson<unknown>(row.email_verification, null),
    credential_mode: row.credential_mode,
    skip_existing_values: row.skip_existing_values === 1,
    providers_detail: details,
    missing_credentials: details.filter((d) => !d.credential_ready).map((d) => d.provider),
  };
}

export interface ConfigSpec {
  orgId: string;
  listId: number;
  name: string;
  field: string;
  providers: readonly string[];
  steps: readonly { provider: string; action?: string | undefined }[];
  emailVerification: unknown;
  credentialMode: CredentialMode;
  skipExisting: boolean;
  createdAt: string;
}

/** Inserts a config; its column id is derived from the row id (columns are not modelled further). */
export function insertConfig(db: Db, spec: ConfigSpec): ConfigRow {
  const info = db
    .prepare(
      `INSERT INTO enrichment_configs (org_id, list_id, name, field_to_enrich, data_type, is_global, is_active,
         providers, steps, email_verification, credential_mode, skip_existing_values, created_at)
       VALUES (?, ?, ?, ?, ?, 0, 1, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      spec.orgId,
      spec.listId,
      spec.name,
      spec.field,
      dataType(spec.field),
      JSON.stringify(spec.providers),
      JSON.stringify(spec.steps),
      spec.emailVerification === null ? null : JSON.stringify(spec.emailVerification),
      spec.credentialMode,
      spec.skipExisting ? 1 : 0,
      spec.createdAt,
    );
  const id = Number(info.lastInsertRowid);
  db.prepare('UPDATE enrichment_configs SET column_id = ? WHERE id = ?').run(12_000 + id, id);
  return db
    .prepare<[number], ConfigRow>('SELECT * FROM enrichment_configs WHERE id = ?')
    .get(id) as ConfigRow;
}

const listConfigs: Route = {
  method: 'GET',
  path: '/enrichment/waterfall/configs',
  scope: 'enrichment:read',
  summary: 'Waterfall enrichment configs, optionally for one list',
  handler(ctx) {
    const listId = queryInt(ctx.req.query, 'list_id', { min: 1 });
    const rows = ctx.db
      .prepare<[string, number | null, number | null], ConfigRow>(
        `SELECT * FROM enrichment_configs WHERE org_id = ? AND (? IS NULL OR list_id = ? OR is_global = 1) ORDER BY id`,
      )
      .all(ctx.auth.orgId, listId ?? null, listId ?? null);
    return ok({ configs: rows.map(configView), list_id: listId ?? null, count: rows.length });
  },
};

const createConfig: Route = {
  method: 'POST',
  path: '/enrichment/waterfall/configs',
  scope: 'enrichment:run',
  summary: 'Create a waterfall config (idempotent by list and name)',
  handler(ctx): Reply {
    const input = parse(CreateConfig, ctx.req.body, 'body');
    if (input.providers && input.steps) throw fail.badRequest('Send either providers or steps, not both');
    const steps = input.steps ?? (input.providers ?? ['graph8']).map((provider) => ({ provider }));
    const unknown = steps.find((s) => !providerInfo(s.provider));
    if (unknown) {
      throw fail.badRequest(
        `unsupported_provider: ${unknown.provider} (supported: ${PROVIDERS.map((p) => p.provider).join(', ')})`,
      );
    }
    requireList(ctx, input.list_id);
    const field = input.field_to_enrich ?? 'email';
    const name = input.name ?? `Waterfall: ${field}`;
    const existing = ctx.db
      .prepare<[string, number, string], ConfigRow>(
        'SELECT * FROM enrichment_configs WHERE org_id = ? AND list_id = ? AND name = ?',
      )
      .get(ctx.auth.orgId, input.list_id, name);
    if (existing) return ok({ ...configView(existing), created: false });
    const verification =
      input.email_verification === undefined || input.email_verification === false
        ? null
        : input.email_verification === true
          ? EmailVerification.parse({})
          : input.email_verification;
    const row = insertConfig(ctx.db, {
      orgId: ctx.auth.orgId,
      listId: input.list_id,
      name,
      field,
      providers: [...new Set(steps.map((s) => s.provider))],
      steps,
      emailVerification: verification,
      credentialMode: input.credential_mode,
      skipExisting: input.skip_existing_values,
      createdAt: iso(ctx.now()),
    });
    return ok({ ...configView(row), created: true }, 201);
  },
};

/** Contact column (or custom-field key) a target field writes to. */
function targetOf(field: string): { column: keyof ContactRow } | { custom: string } {
  const columns: Record<string, keyof ContactRow> = {
    email: 'work_email',
    phone: 'direct_phone',
    mobile: 'mobile_phone',
    linkedin: 'linkedin_url',
  };
  const column = columns[field];
  return column ? { column } : { custom: field.toLowerCase() };
}

function fakeValue(contact: ContactRow, field: string, domain: string | null): string {
  const slug = `${contact.first_name ?? 'x'}.${contact.last_name ?? 'y'}`
    .toLowerCase()
    .replace(/[^a-z.]/g, '');
  const digits = String(stableHash(`${contact.id}:${field}`) % 10_000).padStart(4, '0');
  if (field === 'email') return `${slug}@${domain ?? 'example.com'}`;
  if (field === 'phone' || field === 'mobile') return `+1555${field === 'mobile' ? '3' : '4'}00${digits}`;
  if (field === 'linkedin') return `https://www.linkedin.com/in/${slug.replace('.', '-')}-${digits}`;
  return `enriched-${digits}`;
}

/** Runs the waterfall for one record: first ready provider with a (deterministic) hit wins. */
function runRecord(
  ctx: Ctx,
  contact: ContactRow,
  config: ConfigRow,
  skipExisting: boolean,
  errors: ProviderError[],
): RecordResult {
  const field = config.field_to_enrich;
  const target = targetOf(field);
  const custom = readJson<Record<string, unknown>>(contact.custom_fields, {});
  const current = 'column' in target ? contact[target.column] : custom[target.custom];
  if (skipExisting && current !== null && current !== undefined && current !== '') {
    return { record_id: contact.id, status: 'skipped', field, provider: null, value: null, credits: 0 };
  }
  for (const provider of configProviders(config)) {
    if (!providerDetail(provider, config.credential_mode).credential_ready) continue;
    if (stableHash(`${contact.id}:${provider}:${field}`) % 100 >= 55) {
      errors.push({ record_id: contact.id, provider, error: 'no_match' });
      continue;
    }
    const domain =
      ctx.db
        .prepare<[number], { domain: string | null }>('SELECT domain FROM companies WHERE id = ?')
        .get(contact.company_id ?? -1)?.domain ?? null;
    const value = fakeValue(contact, field, domain);
    if ('column' in target) {
      ctx.db
        .prepare(`UPDATE contacts SET ${target.column} = ?, updated_at = ? WHERE id = ?`)
        .run(value, iso(ctx.now()), contact.id);
    } else {
      custom[target.custom] = value;
      ctx.db
        .prepare('UPDATE contacts SET custom_fields = ?, updated_at = ? WHERE id = ?')
        .run(JSON.stringify(custom), iso(ctx.now()), contact.id);
    }
    return {
      record_id: contact.id,
      status: 'enriched',
      field,
      provider,
      value,
      credits: costFor(provider, field),
    };
  }
  return { record_id: contact.id, status: 'not_found', field, provider: null, value: null, credits: 0 };
}

const enrich: Route = {
  method: 'POST',
  path: '/enrichment/waterfall/enrich',
  scope: 'enrichment:run',
  summary: 'Queue a waterfall enrichment run (202, poll the job)',
  handler(ctx): Reply {
    const input = parse(Enrich, ctx.req.body, 'body');
    const config = ctx.db
      .prepare<[number, string], ConfigRow>(
        'SELECT * FROM enrichment_configs WHERE column_id = ? AND org_id = ?',
      )
      .get(input.column_id, ctx.auth.orgId);
    if (!config || (config.list_id !== input.list_id && config.is_global !== 1) || config.is_active !== 1) {
      throw new HttpError(422, { detail: 'waterfall_config_missing' });
    }
    requireList(ctx, input.list_id);
    const recordIds = [...new Set(input.record_ids)];
    requireMembers(ctx, input.list_id, recordIds);

    const skipExisting = input.skip_existing_values ?? config.skip_existing_values === 1;
    const errors: ProviderError[] = [];
    const load = ctx.db.prepare<[number, string], ContactRow>(
      'SELECT * FROM contacts WHERE id = ? AND org_id = ?',
    );
    const results = recordIds.flatMap((id) => {
      const contact = load.get(id, ctx.auth.orgId);
      return contact ? [runRecord(ctx, contact, config, skipExisting, errors)] : [];
    });
    const credits = results.reduce((sum, r) => sum + r.credits, 0);
    const warnings = configProviders(config)
      .filter((p) => !providerDetail(p, config.credential_mode).credential_ready)
      .map((p) => `${p} step skipped: no ${p} credentials configured for this org (BYOK required)`);
    // Billed now for the hits decided now: a short balance refuses the run and rolls back the writes.
    ctx.credits.debit(credits, `waterfall:${config.column_id}`);
    const jobId = insertJob(ctx, {
      kind: 'waterfall',
      columnId: config.column_id,
      listId: input.list_id,
      recordIds,
      results,
      successful: results.filter((r) => r.status === 'enriched').length,
      failed: results.filter((r) => r.status === 'not_found').length,
      credits,
      warnings: warnings.length > 0 ? warnings : null,
      providerErrors: errors,
    });
    return ok(
      {
        job_id: jobId,
        status: 'queued',
        total: null,
        completed: null,
        results: null,
        warnings: warnings.length > 0 ? warnings : null,
      },
      202,
    );
  },
};

export const waterfallRoutes: readonly Route[] = [listConfigs, createConfig, enrich];
