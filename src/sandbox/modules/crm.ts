/** CRM sync (§2.5): HubSpot, Salesforce, Pipedrive, Zoho and SugarCRM pushes and health. */
import type { SandboxModule } from '../module.js';
import { crmRoutes } from './crm/routes.js';
import { migrations } from './crm/schema.js';
import { seedCrm } from './crm/seed.js';

export const crmModule: SandboxModule = {
  name: 'crm',
  migrations,
  seed: seedCrm,
  routes: crmRoutes,
};
