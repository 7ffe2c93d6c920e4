/**
 * The kernel and core modules in migration/seed order. Domain modules (modules/domain.ts) follow
 * them, so their migrations may reference and their seeds may read every core table.
 */
import type { Route, SandboxModule } from '../module.js';
import { oauthModule } from '../oauth/schema.js';
import { accountModule } from './account.js';
import { companiesModule } from './companies.js';
import { contactsModule } from './contacts.js';
import { enrichmentModule } from './enrichment/index.js';
import { kernelModule } from './kernel.js';
import { mailboxesModule } from './mailboxes.js';

export interface CoreOptions {
  readonly lookupCost: number;
  /** Every registered route, for GET /me's operations count. */
  readonly allRoutes: () => readonly Route[];
}

export function coreModules(options: CoreOptions): SandboxModule[] {
  return [
    kernelModule,
    accountModule(options.allRoutes),
    companiesModule,
    contactsModule,
    mailboxesModule,
    enrichmentModule({ lookupCost: options.lookupCost }),
    oauthModule,
  ];
}
