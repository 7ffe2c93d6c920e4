/** CRM sync (§2.5): HubSpot, Salesforce, Pipedrive, Zoho and SugarCRM pushes and health. */
import type { SandboxModule } from '../../module.js';
import { crmRoutes } from './routes.js';
import { migrations } from './schema.js';
import { seedCrm } from './seed.js';

export const crmModule: SandboxModule = {
  name: 'crm',
  migrations,
  seed: seedCrm,
  routes: crmRoutes,
};
