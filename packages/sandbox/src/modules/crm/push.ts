/**
 * What each CRM accepts per record, and the ids it hands back. Validation mirrors each vendor's
 * mandatory fields (HubSpot keys contacts by email, Salesforce needs LastName, …) so partial
 * success happens for the same reasons it does in production.
 */
import { z } from 'zod';
import { stableHash } from '../../util/rng.js';
import type { Provider } from './schema.js';

export type Entity = 'contacts' | 'companies';
type Rec = Record<string, unknown>;

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
const EMAIL = z.email();
const DOMAIN = /^(?!-)[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})+$/i;

export interface Checked {
  key?: string;
  error?: string;
}

function checkContact(provider: Provider, r: Rec): Checked {
  const email = str(r.work_email) ?? str(r.email);
  const first = str(r.first_name);
  const last = str(r.last_name);
  if (email !== undefined && !EMAIL.safeParse(email).success)
    return { error: 'work_email is not a valid email address' };
  if (provider === 'hubspot' && email === undefined)
    return { error: 'HubSpot contacts need work_email (the dedupe key)' };
  if ((provider === 'salesforce' || provider === 'zoho' || provider === 'sugarcrm') && last === undefined) {
    return { error: `${provider} contacts need last_name` };
  }
  if (provider === 'pipedrive' && first === undefined && last === undefined) {
    return { error: 'Pipedrive persons need first_name or last_name' };
  }
  const key =
    email?.toLowerCase() ?? `${first ?? ''}|${last ?? ''}|${str(r.company_domain) ?? ''}`.toLowerCase();
  return { key };
}

function checkCompany(provider: Provider, r: Rec): Checked {
  const name = str(r.name);
  const domain = str(r.domain)
    ?.toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '');
  if (domain !== undefined && !DOMAIN.test(domain)) return { error: 'domain is not a valid domain name' };
  if (provider === 'hubspot' && name === undefined && domain === undefined) {
    return { error: 'HubSpot companies need name or domain' };
  }
  if (provider !== 'hubspot' && name === undefined) return { error: `${provider} companies need name` };
  return { key: domain ?? name?.toLowerCase() ?? '' };
}

export function checkRecord(provider: Provider, entity: Entity, record: Rec): Checked {
  return entity === 'contacts' ? checkContact(provider, record) : checkCompany(provider, record);
}

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A stable id in the vendor's own format, derived from what identifies the record. */
export function externalId(provider: Provider, kind: Entity | 'lists', seed: string): string {
  let h = stableHash(`${provider}:${kind}:${seed}`);
  const digits = (n: number) => {
    let out = '';
    for (let i = 0; i < n; i++) {
      h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
      out += String(h % 10);
    }
    return out.replace(/^0/, '1');
  };
  if (provider === 'salesforce') {
    const prefix = kind === 'contacts' ? '003' : kind === 'companies' ? '001' : '701';
    let out = prefix;
    for (let i = 0; i < 15; i++) {
      h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
      out += B62[h % 62];
    }
    return out;
  }
  if (provider === 'hubspot') return digits(kind === 'lists' ? 4 : 11);
  if (provider === 'pipedrive') return digits(kind === 'lists' ? 3 : 6);
  if (provider === 'zoho') return digits(19);
  const hex = stableHash(seed).toString(16).padStart(8, '0');
  return `${hex}-${digits(4)}-4${digits(3)}-8${digits(3)}-${digits(12)}`;
}
