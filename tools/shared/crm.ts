import { z } from 'zod';
import { defineTool } from '../../src/catalogue/types.js';

const provider = () =>
  z.enum(['hubspot', 'salesforce', 'pipedrive', 'zoho', 'sugarcrm']).describe('Connected CRM');
const records = (what: string) => z.array(z.record(z.string(), z.unknown())).min(1).max(100).describe(what);

export const listCrmSyncs = defineTool({
  name: 'g8_list_crm_syncs',
  title: 'List CRM connections',
  description: 'List the CRMs connected to graph8 with status and last sync. Call first to get a provider.',
  toolset: 'crm',
  scope: 'integrations:read',
  tier: 'read',
  input: z.object({}),
  http: { method: 'GET', path: '/crm-syncs' },
});

export const pushToCrmContact = defineTool({
  name: 'g8_push_to_crm_contact',
  title: 'Push contacts to CRM',
  description:
    'Create or update contacts in the real CRM; partial success is normal (read results[]). Field names: g8_get_crm_fields.',
  toolset: 'crm',
  scope: 'integrations:run',
  tier: 'external',
  keywords: ['hubspot', 'salesforce', 'pipedrive', 'zoho', 'export', 'upsert', 'sync'],
  input: z.object({
    provider: provider(),
    records: records('e.g. {work_email, first_name, last_name}'),
  }),
  http: { method: 'POST', path: '/crm-syncs/{provider}/contacts/push' },
});

export const pushToCrmCompany = defineTool({
  name: 'g8_push_to_crm_company',
  title: 'Push companies to CRM',
  description: 'Create or update companies in the real CRM; partial success is normal (read results[]).',
  toolset: 'crm',
  scope: 'integrations:run',
  tier: 'external',
  keywords: ['hubspot', 'salesforce', 'pipedrive', 'zoho', 'export', 'upsert', 'sync', 'account'],
  input: z.object({
    provider: provider(),
    records: records('e.g. {name, domain, industry}'),
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
