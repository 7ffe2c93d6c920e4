import { z } from 'zod';
import { defineTool } from '../../src/catalogue/types.js';
import { UsageError } from '../../src/platform/errors.js';
import { givenFields } from '../data.js';
import { limit, page } from '../fields.js';

const FILTERS = ['domain', 'industry', 'name'] as const;

export const searchCompanies = defineTool({
  name: 'g8_search_companies',
  title: 'Search companies',
  description:
    "Search companies in your CRM (free), or list a lifecycle stage's companies (needs deals:read). Outside your CRM: g8_lookup_company.",
  toolset: 'companies',
  scope: 'companies:read',
  alsoNeeds: ['deals:read'],
  tier: 'read',
  input: z.object({
    domain: z.string().optional().describe('Exact domain, e.g. acme.com'),
    industry: z.string().optional().describe('Industry, partial match'),
    name: z.string().optional().describe('Company name, partial match'),
    lifecycle_stage: z.string().min(1).optional().describe('Stage slug or id; excludes other filters'),
    page: page(),
    limit: limit(25, 200),
  }),
  async run(input, { api }) {
    const { lifecycle_stage, page, limit } = input;
    if (lifecycle_stage !== undefined) {
      const clash = givenFields(input, FILTERS);
      if (clash.length > 0) {
        throw new UsageError(
          `lifecycle_stage cannot be combined with ${clash.join(', ')}: send either lifecycle_stage alone or the filters without it`,
        );
      }
      return api.call({
        method: 'GET',
        path: '/lifecycle-stages/{stage}/records',
        params: { stage: lifecycle_stage },
        query: { page, limit },
      });
    }
    return api.call({
      method: 'GET',
      path: '/companies',
      query: { domain: input.domain, industry: input.industry, name: input.name, page, limit },
    });
  },
});

export const getCompany = defineTool({
  name: 'g8_get_company',
  title: 'Get company',
  description: 'Full record of one company, incl. contact_count.',
  toolset: 'companies',
  scope: 'companies:read',
  tier: 'read',
  input: z.object({
    company_id: z.number().int().describe('Company id'),
    include_custom_fields: z.boolean().default(false).describe('Add custom_fields'),
  }),
  http: { method: 'GET', path: '/companies/{company_id}' },
});

export const companyTools = [searchCompanies, getCompany];
