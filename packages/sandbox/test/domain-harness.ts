/**
 * Unit-test harness for the sandbox's domain modules: an in-memory SQLite database with minimal
 * stand-ins for the kernel tables they read, every domain migration and seed applied, and a
 * `call()` that routes a request the way the kernel does (Express-style match, handler inside a
 * transaction, HttpError → status/body) with a fake clock, credits and outbox.
 */
import Database from 'better-sqlite3';
import { type Ctx, type Db, HttpError, type Route, type SandboxModule } from '../src/module.js';
import { domainModules } from '../src/modules/domain.js';
import { mulberry32 } from '../src/util/rng.js';

export const ORG = 'org_demo';
export const OTHER = 'org_other';
export const T0 = Date.parse('2025-06-02T12:00:00.000Z');

const KERNEL_TABLES = `
CREATE TABLE orgs (id TEXT PRIMARY KEY, name TEXT, credits REAL);
CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, org_id TEXT, email TEXT, name TEXT, role TEXT);
CREATE TABLE companies (id INTEGER PRIMARY KEY AUTOINCREMENT, org_id TEXT, name TEXT, domain TEXT);
CREATE TABLE contacts (id INTEGER PRIMARY KEY AUTOINCREMENT, org_id TEXT, first_name TEXT, last_name TEXT,
  work_email TEXT, job_title TEXT, city TEXT, country TEXT, company_id INTEGER);
CREATE TABLE lists (id INTEGER PRIMARY KEY AUTOINCREMENT, org_id TEXT, name TEXT);
CREATE TABLE list_members (list_id INTEGER, contact_id INTEGER, PRIMARY KEY (list_id, contact_id));
CREATE TABLE mailboxes (id INTEGER PRIMARY KEY AUTOINCREMENT, org_id TEXT, email TEXT, display_name TEXT,
  provider TEXT, connection_status TEXT, is_archived INTEGER, daily_limit INTEGER, warmup_status TEXT);
`;

const FIRST = ['Maya', 'Jonas', 'Priya', 'Liam', 'Sofia', 'Ethan', 'Aiko', 'Noah', 'Elena', 'Omar'];
const LAST = ['Chen', 'Berg', 'Patel', 'Walsh', 'Rossi', 'Brooks', 'Tanaka', 'Meyer', 'Garcia', 'Haddad'];

export interface KernelIds {
  lists: number[];
  emptyList: number;
  otherList: number;
  mailboxes: { gmail: number; outlook: number; disconnected: number; archived: number; other: number };
  contacts: number[];
  otherContacts: number[];
  users: string[];
  otherUsers: string[];
}

function seedKernel(db: Db): KernelIds {
  db.exec(KERNEL_TABLES);
  db.prepare('INSERT INTO orgs VALUES (?, ?, ?)').run(ORG, 'Acme Inc', 5000);
  db.prepare('INSERT INTO orgs VALUES (?, ?, ?)').run(OTHER, 'Globex Corp', 100);
  const user = db.prepare('INSERT INTO users (org_id, email, name, role) VALUES (?, ?, ?, ?)');
  const users = ['alex@acme.test', 'jamie@acme.test', 'sam@acme.test', 'rio@acme.test', 'kai@acme.test'];
  users.forEach((email, i) => {
    user.run(
      ORG,
      email,
      `${email.split('@')[0]?.replace(/^./, (c) => c.toUpperCase())} Morgan`,
      i === 0 ? 'admin' : 'member',
    );
  });
  const otherUsers = ['hank@globex.test', 'lea@globex.test'];
  for (const email of otherUsers) user.run(OTHER, email, 'Globex User', 'admin');
  const company = db.prepare('INSERT INTO companies (org_id, name, domain) VALUES (?, ?, ?)');
  const companyIds: number[] = [];
  for (const name of ['Northwind', 'Initech', 'Umbrella', 'Hooli', 'Vandelay']) {
    companyIds.push(Number(company.run(ORG, name, `${name.toLowerCase()}.test`).lastInsertRowid));
  }
  const otherCompany = Number(company.run(OTHER, 'Soylent', 'soylent.test').lastInsertRowid);
  const contact = db.prepare(
    'INSERT INTO contacts (org_id, first_name, last_name, work_email, job_title, city, country, company_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const contacts: number[] = [];
  for (let i = 0; i < 40; i++) {
    const first = FIRST[i % 10] as string;
    const last = LAST[(i * 3) % 10] as string;
    const co = companyIds[i % companyIds.length] as number;
    contacts.push(
      Number(
        contact.run(
          ORG,
          first,
          last,
          `${first}.${last}${i}@example.test`.toLowerCase(),
          'VP Sales',
          'Austin',
          'US',
          co,
        ).lastInsertRowid,
      ),
    );
  }
  const otherContacts = [0, 1, 2, 3].map((i) =>
    Number(
      contact.run(OTHER, 'Other', `Person${i}`, `other${i}@soylent.test`, 'CEO', 'Paris', 'FR', otherCompany)
        .lastInsertRowid,
    ),
  );
  const list = db.prepare('INSERT INTO lists (org_id, name) VALUES (?, ?)');
  const member = db.prepare('INSERT INTO list_members (list_id, contact_id) VALUES (?, ?)');
  const lists: number[] = [];
  ['VP Sales — mid-market', 'Webinar registrants', 'EU fintech founders', 'Trial PQLs'].forEach((name, i) => {
    const id = Number(list.run(ORG, name).lastInsertRowid);
    lists.push(id);
    for (const c of contacts.slice(i * 8, i * 8 + 12)) member.run(id, c);
  });
  const emptyList = Number(list.run(ORG, 'Empty list').lastInsertRowid);
  const otherList = Number(list.run(OTHER, 'Globex list').lastInsertRowid);
  for (const c of otherContacts) member.run(otherList, c);
  const mailbox = db.prepare(
    `INSERT INTO mailboxes (org_id, email, display_name, provider, connection_status, is_archived, daily_limit, warmup_status)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const mb = (
    org: string,
    email: string,
    provider: string,
    status: string,
    archived: number,
    warmup: string,
  ) =>
    Number(
      mailbox.run(org, email, email.split('@')[0], provider, status, archived, 50, warmup).lastInsertRowid,
    );
  return {
    lists,
    emptyList,
    otherList,
    mailboxes: {
      gmail: mb(ORG, 'alex@acme.test', 'gmail', 'connected', 0, 'completed'),
      outlook: mb(ORG, 'sales@acme.test', 'outlook', 'connected', 0, 'active'),
      disconnected: mb(ORG, 'old@acme.test', 'smtp', 'disconnected', 0, 'paused'),
      archived: mb(ORG, 'archived@acme.test', 'inboxkit', 'connected', 1, 'completed'),
      other: mb(OTHER, 'hank@globex.test', 'gmail', 'connected', 0, 'completed'),
    },
    contacts,
    otherContacts,
    users,
    otherUsers,
  };
}

export interface Outcome {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  body: any;
}

export interface CallOptions {
  body?: unknown;
  org?: string;
  userEmail?: string | null;
}

export class Harness {
  readonly db: Db;
  readonly ids: KernelIds;
  now = T0;
  balance = 5000;
  readonly debits: { amount: number; reason: string }[] = [];
  readonly outbox: { kind: string; summary: string; payload: unknown }[] = [];
  private readonly routes: Route[];

  constructor(modules: readonly SandboxModule[] = domainModules) {
    this.db = new Database(':memory:');
    this.ids = seedKernel(this.db);
    for (const m of modules) for (const sql of m.migrations) this.db.exec(sql);
    const rng = mulberry32(8);
    for (const m of modules) m.seed(this.db, { orgId: ORG, otherOrgId: OTHER, rng, now: T0 });
    this.routes = modules.flatMap((m) => m.routes);
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } {
    const parts = path.split('/').filter((s) => s !== '');
    let best: { route: Route; params: Record<string, string>; score: string } | undefined;
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const segs = route.path.split('/').filter((s) => s !== '');
      if (segs.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let score = '';
      const ok = segs.every((seg, i) => {
        const part = parts[i] as string;
        if (seg.startsWith(':')) {
          params[seg.slice(1)] = decodeURIComponent(part);
          score += '0';
          return true;
        }
        score += '1';
        return seg === part;
      });
      if (ok && (!best || score > best.score)) best = { route, params, score };
    }
    if (!best) throw new Error(`no route for ${method} ${path}`);
    return best;
  }

  /** The route a request would reach (for scope assertions). */
  route(method: string, path: string): Route {
    return this.match(method, path).route;
  }

  call(method: Route['method'], url: string, opts: CallOptions = {}): Outcome {
    const parsed = new URL(url, 'http://sandbox.test');
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of parsed.searchParams) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    const { route, params } = this.match(method, parsed.pathname);
    const pendingDebits: { amount: number; reason: string }[] = [];
    const pendingOutbox: { kind: string; summary: string; payload: unknown }[] = [];
    const ctx: Ctx = {
      db: this.db,
      req: { method, path: parsed.pathname, params, query, body: opts.body, headers: {} },
      auth: {
        orgId: opts.org ?? ORG,
        keyId: 'key_test',
        scopes: [],
        mode: 'test',
        userEmail: opts.userEmail ?? null,
      },
      requestId: 'req_test',
      now: () => this.now,
      credits: {
        balance: () => this.balance - pendingDebits.reduce((a, d) => a + d.amount, 0),
        debit: (amount, reason) => {
          const available = this.balance - pendingDebits.reduce((a, d) => a + d.amount, 0);
          if (amount > available) {
            throw new HttpError(402, {
              type: 'payment_required',
              code: '402',
              reason: 'insufficient_credits',
              detail: 'Not enough credits for this action',
              required_credits: amount,
              available_credits: available,
            });
          }
          pendingDebits.push({ amount, reason });
        },
      },
      outbox: { record: (kind, summary, payload) => pendingOutbox.push({ kind, summary, payload }) },
    };
    try {
      const reply = this.db.transaction(() => {
        const r = route.handler(ctx);
        if (r instanceof Promise) throw new Error('domain handlers must be synchronous');
        return r;
      })();
      this.debits.push(...pendingDebits);
      this.balance -= pendingDebits.reduce((a, d) => a + d.amount, 0);
      this.outbox.push(...pendingOutbox);
      return { status: reply.status, body: reply.body };
    } catch (error) {
      if (error instanceof HttpError) return { status: error.status, body: error.body };
      throw error;
    }
  }

  get(url: string, opts?: CallOptions) {
    return this.call('GET', url, opts);
  }
  post(url: string, body?: unknown, opts?: CallOptions) {
    return this.call('POST', url, { ...opts, body });
  }
  patch(url: string, body?: unknown, opts?: CallOptions) {
    return this.call('PATCH', url, { ...opts, body });
  }
  delete(url: string, opts?: CallOptions) {
    return this.call('DELETE', url, opts);
  }

  /** First row of a query, typed loosely for assertions. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary rows
  row(sql: string, ...args: unknown[]): any {
    return this.db.prepare(sql).get(...args);
  }
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary rows
  rows(sql: string, ...args: unknown[]): any[] {
    return this.db.prepare(sql).all(...args);
  }
}

/** Field paths of a FastAPI-style 422 body, for compact assertions. */
export function locs(body: { detail: { loc: (string | number)[] }[] }): string[] {
  return body.detail.map((d) => d.loc.join('.'));
}
