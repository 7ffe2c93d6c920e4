import { z } from 'zod';
import { defineTool } from '../../src/catalogue/types.js';
import { asObj } from '../data.js';
import { openObject } from '../open-object.js';

const provider = () =>
  z.enum(['hubspot', 'salesforce', 'pipedrive', 'zoho', 'sugarcrm']).describe('Connected CRM');
const FIELDS_HINT = 'Other fields (g8_get_crm_fields)';
const records = (known: z.ZodRawShape, what: string) =>
  z.array(openObject(known, FIELDS_HINT)).min(1).max(100).describe(what);
// Self-describing CRM field names: a description would only repeat them (every word costs context).
const text = () => z.string().optional();

export const listCrmSyncs = defineTool({
  name: 'g8_list_crm_syncs',
  title: 'List CRM connections',
  description:
    'CRMs linked to graph8, with status and last sync; call first to get a provider. Connect one in graph8 (Settings → Integrations).',
  toolset: 'crm',
  scope: 'integrations:read',
  tier: 'read',
  input: z.object({
    status: z.enum(['connected', 'disconnected', 'error']).optional().describe('Only CRMs in this state'),
  }),
  async run({ status }, { api }) {
    const res = await api.call({ method: 'GET', path: '/crm-syncs' });
    // The route takes no filter (contract §2.5): a state is picked out here.
    if (status === undefined || !Array.isArray(res.data)) return res;
    return { ...res, data: res.data.filter((crm) => asObj(crm)?.['status'] === status) };
  },
});

export const pushToCrmContact = defineTool({
  name: 'g8_push_to_crm_contact',
  title: 'Push contacts to CRM',
  description:
    'Create or update contacts in the real CRM; partial success is normal (read results[]). Field names: g8_get_crm_fields. May cost credits.',
  toolset: 'crm',
  scope: 'integrations:run',
  tier: 'external',
  effect: 'Creates or updates real contact records in the CRM; may spend credits.',
  keywords: ['hubspot', 'salesforce', 'pipedrive', 'zoho', 'export', 'upsert', 'sync'],
  input: z.object({
    provider: provider(),
    records: records(
      {
        work_email: text(),
        first_name: text(),
        last_name: text(),
        company_domain: text(),
      },
      'Contacts',
    ),
  }),
  http: { method: 'POST', path: '/crm-syncs/{provider}/contacts/push' },
});

export const pushToCrmCompany = defineTool({
  name: 'g8_push_to_crm_company',
  title: 'Push companies to CRM',
  description:
    'Create or update companies in the real CRM; partial success is normal (read results[]). May cost credits.',
  toolset: 'crm',
  scope: 'integrations:run',
  tier: 'external',
  effect: 'Creates or updates real company records in the CRM; may spend credits.',
  keywords: ['hubspot', 'salesforce', 'pipedrive', 'zoho', 'export', 'upsert', 'sync', 'account'],
  input: z.object({
    provider: provider(),
    records: records({ name: text(), domain: text() }, 'Companies'),
  }),
  http: { method: 'POST', path: '/crm-syncs/{provider}/companies/push' },
});

export const pushToCrmList = defineTool({
  name: 'g8_push_to_crm_list',
  title: 'Push list membership to CRM',
  description:
    'Add or remove contacts in CRM lists (HubSpot, Salesforce, Pipedrive only). Changes the real CRM.',
  toolset: 'crm',
  scope: 'integrations:run',
  tier: 'external',
  effect: 'Adds and removes contacts in lists of the real CRM.',
  keywords: ['hubspot', 'salesforce', 'pipedrive', 'membership', 'sync'],
  input: z.object({
    provider: provider(),
    records: z
      .array(
        z.object({
          list_id: z.number().int().describe('List id'),
          add_contact_ids: z.array(z.number().int()).default([]).describe('Contacts to add'),
          remove_contact_ids: z.array(z.number().int()).default([]).describe('Contacts to remove'),
        }),
      )
      .min(1)
      .max(100)
      .describe('One entry per list'),
  }),
  http: { method: 'POST', path: '/crm-syncs/{provider}/lists/push' },
});

export const getCrmFields = defineTool({
  name: 'g8_get_crm_fields',
  title: 'CRM fields',
  description: 'List the fields of a CRM object (name, type, required, custom) to build push records.',
  toolset: 'crm',
  scope: 'integrations:read',
  tier: 'read',
  input: z.object({
    provider: provider(),
    entity_type: z
      .enum(['contacts', 'companies', 'leads', 'deals'])
      .default('contacts')
      .describe('CRM object'),
  }),
  http: { method: 'GET', path: '/crm-syncs/{provider}/fields' },
});

export const getCrmStatus = defineTool({
  name: 'g8_get_crm_status',
  title: 'CRM status',
  description: 'Connection health, last error and CRM-side rate limit of one connected CRM.',
  toolset: 'crm',
  scope: 'integrations:read',
  tier: 'read',
  input: z.object({ provider: provider() }),
  http: { method: 'GET', path: '/crm-syncs/{provider}/status' },
});

export const crmTools = [
  listCrmSyncs,
  pushToCrmContact,
  pushToCrmCompany,
  pushToCrmList,
  getCrmFields,
  getCrmStatus,
];
