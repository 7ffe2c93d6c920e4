/**
 * Lookups and email verification (§2.1). The "open index" is every person and company in the
 * sandbox database (any org), the stand-in for graph8's global data; nothing is saved to the CRM.
 * Lookups charge only when something is found; verification is free when graph8's own validator
 * knows the domain (a seeded company or user domain) and 1 credit otherwise.
 */
import { z } from 'zod';
import { type Db, fail, ok, parse, type Route } from '../../module.js';
import type { CompanyRow, ContactRow } from '../record-views.js';

const Person = z.object({
  email: z.string().optional(),
  linkedin_url: z.string().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  company_domain: z.string().optional(),
});

const CompanyLookup = z.object({ domain: z.string().optional(), name: z.string().optional() });

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function present(value: string | undefined): string | undefined {
  const text = value?.trim();
  return text ? text : undefined;
}

/** "https://www.Acme.com/path" → "acme.com". */
export function normaliseDomain(input: string): string {
  return input
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^www\./, '')
    .replace(/[/?#].*$/, '');
}

function normaliseLinkedin(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^www\./, '')
    .replace(/\/+$/, '');
}

type IndexedPerson = ContactRow & { company_name: string | null; company_domain: string | null };

const PERSON_SELECT = `SELECT ct.*, co.name AS company_name, co.domain AS company_domain
  FROM contacts ct LEFT JOIN companies co ON co.id = ct.company_id`;

function findPerson(
  db: Db,
  input: z.infer<typeof Person>,
): { person: IndexedPerson; confidence: number } | null {
  const email = present(input.email);
  if (email) {
    const person = db
      .prepare<[string], IndexedPerson>(
        `${PERSON_SELECT} WHERE lower(ct.work_email) = lower(?) ORDER BY ct.id LIMIT 1`,
      )
      .get(email);
    return person ? { person, confidence: 0.98 } : null;
  }
  const linkedin = present(input.linkedin_url);
  if (linkedin) {
    const wanted = normaliseLinkedin(linkedin);
    const candidates = db
      .prepare<[], IndexedPerson>(`${PERSON_SELECT} WHERE ct.linkedin_url IS NOT NULL ORDER BY ct.id`)
      .all();
    const person = candidates.find((c) => normaliseLinkedin(c.linkedin_url ?? '') === wanted);
    return person ? { person, confidence: 0.95 } : null;
  }
  const person = db
    .prepare<[string, string, string], IndexedPerson>(
      `${PERSON_SELECT} WHERE lower(ct.first_name) = lower(?) AND lower(ct.last_name) = lower(?)
       AND lower(co.domain) = lower(?) ORDER BY ct.id LIMIT 1`,
    )
    .get(
      input.first_name?.trim() ?? '',
      input.last_name?.trim() ?? '',
      normaliseDomain(input.company_domain ?? ''),
    );
  return person ? { person, confidence: 0.86 } : null;
}

export function lookupRoutes(lookupCost: number): Route[] {
  const person: Route = {
    method: 'POST',
    path: '/enrichment/lookup/person',
    scope: 'enrichment:run',
    summary: 'Look a person up in the open index (charged only when found)',
    handler(ctx) {
      const input = parse(Person, ctx.req.body, 'body');
      const usable =
        (present(input.email) && EMAIL_RE.test(present(input.email) ?? '')) ||
        present(input.linkedin_url) ||
        (present(input.first_name) && present(input.last_name) && present(input.company_domain));
      if (!usable) {
        throw fail.badRequest(
          'No usable lookup strategy: provide email, or linkedin_url, or first_name + last_name + company_domain',
        );
      }
      const hit = findPerson(ctx.db, input);
      if (!hit) return ok({ found: false, confidence: 0, data: null });
      ctx.credits.debit(lookupCost, 'lookup:person');
      const p = hit.person;
      return ok({
        found: true,
        confidence: hit.confidence,
        data: {
          first_name: p.first_name,
          last_name: p.last_name,
          full_name: [p.first_name, p.last_name].filter(Boolean).join(' '),
          job_title: p.job_title,
          seniority_level: p.seniority_level,
          job_department: p.job_department,
          company: p.company_name,
          company_domain: p.company_domain,
          linkedin_url: p.linkedin_url,
          work_email: p.work_email,
          phones: [
            ...(p.direct_phone ? [{ type: 'direct', number: p.direct_phone }] : []),
            ...(p.mobile_phone ? [{ type: 'mobile', number: p.mobile_phone }] : []),
          ],
          city: p.city,
          state: p.state,
          country: p.country,
        },
      });
    },
  };

  const company: Route = {
    method: 'POST',
    path: '/enrichment/lookup/company',
    scope: 'enrichment:run',
    summary: 'Look a company up in the open index (charged only when found)',
    handler(ctx) {
      const input = parse(CompanyLookup, ctx.req.body, 'body');
      const domain = present(input.domain);
      const name = present(input.name);
      if (!domain && !name) throw fail.badRequest('No usable lookup strategy: provide domain or name');
      const row = domain
        ? ctx.db
            .prepare<[string], CompanyRow>(
              'SELECT * FROM companies WHERE lower(domain) = ? ORDER BY id LIMIT 1',
            )
            .get(normaliseDomain(domain))
        : ctx.db
            .prepare<[string], CompanyRow>(
              'SELECT * FROM companies WHERE lower(name) = lower(?) ORDER BY id LIMIT 1',
            )
            .get(name ?? '');
      if (!row) return ok({ found: false, confidence: 0, data: null });
      ctx.credits.debit(lookupCost, 'lookup:company');
      return ok({
        found: true,
        confidence: domain ? 0.97 : 0.82,
        data: {
          name: row.name,
          domain: row.domain,
          website: row.website,
          industry: row.industry,
          employee_count: row.employee_count,
          annual_revenue: row.revenue,
          founded_year: row.founded_year,
          description: row.description,
          city: row.city,
          state: row.state,
          country: row.country,
          linkedin_url: row.linkedin_url,
          logo_url: row.logo_url,
        },
      });
    },
  };

  return [person, company, verifyEmail];
}

const VerifyBody = z.object({
  email: z.string().regex(EMAIL_RE, 'value is not a valid email address'),
});

const DISPOSABLE = new Set(['mailinator.com', 'tempmail.com', '10minutemail.com', 'guerrillamail.com']);
const FREE_MAIL = new Set([
  'gmail.com',
  'yahoo.com',
  'outlook.com',
  'hotmail.com',
  'icloud.com',
  'proton.me',
]);

function knownDomain(db: Db, domain: string): boolean {
  const company = db
    .prepare<[string], { n: number }>('SELECT 1 AS n FROM companies WHERE lower(domain) = ? LIMIT 1')
    .get(domain);
  if (company) return true;
  return !!db
    .prepare<[string], { n: number }>(
      "SELECT 1 AS n FROM users WHERE lower(substr(email, instr(email, '@') + 1)) = ? LIMIT 1",
    )
    .get(domain);
}

const verifyEmail: Route = {
  method: 'POST',
  path: '/enrichment/verify-email',
  scope: 'enrichment:run',
  summary: 'Verify an email address (free for known domains, 1 credit otherwise)',
  handler(ctx) {
    const { email } = parse(VerifyBody, ctx.req.body, 'body');
    const address = email.trim().toLowerCase();
    const domain = address.slice(address.lastIndexOf('@') + 1);
    const base = { email, free_email: FREE_MAIL.has(domain), mx_found: true, mx_record: `mx1.${domain}` };
    if (knownDomain(ctx.db, domain)) {
      const exists = ctx.db
        .prepare<[string, string], { n: number }>(
          'SELECT 1 AS n FROM contacts WHERE lower(work_email) = ? UNION SELECT 1 FROM users WHERE lower(email) = ? LIMIT 1',
        )
        .get(address, address);
      return ok({
        ...base,
        status: exists ? 'valid' : 'invalid',
        sub_status: exists ? null : 'mailbox_not_found',
        is_valid: !!exists,
        verifier: 'graph8',
        credits_charged: 0,
      });
    }
    // Falls through to an external verifier: the one billable path.
    ctx.credits.debit(1, 'verify-email');
    const reserved = /\.(invalid|test|example|localhost)$/.test(domain);
    const disposable = DISPOSABLE.has(domain);
    const status = reserved || disposable ? 'invalid' : FREE_MAIL.has(domain) ? 'unknown' : 'catch-all';
    return ok({
      ...base,
      mx_found: !reserved,
      mx_record: reserved ? null : base.mx_record,
      status,
      sub_status: reserved
        ? 'no_mx_record'
        : disposable
          ? 'disposable'
          : status === 'catch-all'
            ? 'ok_for_all'
            : null,
      is_valid: false,
      verifier: 'external',
      credits_charged: 1,
    });
  },
};
