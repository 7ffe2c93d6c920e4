/**
 * Scope grammar, catalogue and checks (§1.9, §3.6). No implication between actions: a required
 * `r:a` is met only by `*`, `r:*` or `r:a` exactly.
 */

const SCOPE_RE = /^(\*|[a-z][a-z-]*:(\*|read|write|delete|run|launch|manage|export|admin))$/;

export function isWellFormedScope(scope: string): boolean {
  return SCOPE_RE.test(scope);
}

/** Empty grants = unrestricted. */
export function grants(granted: readonly string[], required: string): boolean {
  if (granted.length === 0) return true;
  const resource = required.split(':')[0] ?? '';
  return granted.some((g) => g === '*' || g === required || g === `${resource}:*`);
}

/**
 * Whether a key holding `holder` may hand out `requested` (minting/rotating, §3 chosen rule):
 * every requested scope must be covered by a held scope; an unrestricted request needs an
 * unrestricted holder.
 */
export function covers(holder: readonly string[], requested: readonly string[]): boolean {
  if (holder.length === 0 || holder.includes('*')) return true;
  if (requested.length === 0) return false;
  return requested.every((scope) => {
    if (scope === '*') return false;
    const [resource, action] = scope.split(':');
    if (holder.includes(`${resource}:*`)) return true;
    return action !== '*' && holder.includes(scope);
  });
}

interface CatalogueEntry {
  readonly resource: string;
  readonly actions: Readonly<Record<string, string>>;
}

/** What a key can be granted. Every scope the catalogue's routes require is here, plus usage:read. */
const CATALOGUE: readonly CatalogueEntry[] = [
  {
    resource: 'contacts',
    actions: {
      read: 'Read contacts, their custom fields and suppression state',
      write: 'Create and edit contacts',
      delete: 'Delete contacts',
    },
  },
  {
    resource: 'companies',
    actions: { read: 'Read companies', write: 'Create and edit companies', delete: 'Delete companies' },
  },
  { resource: 'deals', actions: { read: 'Read lifecycle stages and deal records', write: 'Edit deals' } },
  {
    resource: 'enrichment',
    actions: {
      read: 'Read enrichment configs, providers and job status',
      run: 'Run lookups, verification and enrichment (spends credits)',
    },
  },
  {
    resource: 'sequences',
    actions: {
      read: 'Read sequences, previews and analytics',
      run: 'Create, edit, pause and resume sequences (reaches contacts)',
      delete: 'Archive sequences',
    },
  },
  {
    resource: 'inbox',
    actions: { read: 'Read inbox threads and AI drafts', run: 'Assign, tag and send replies' },
  },
  {
    resource: 'integrations',
    actions: {
      read: 'Read audience and CRM syncs',
      write: 'Configure integrations and install patch sets',
      run: 'Push to CRMs and ad platforms, trigger syncs',
      delete: 'Delete audience syncs',
    },
  },
  {
    resource: 'campaigns',
    actions: {
      read: 'Read campaigns, documents and mailboxes',
      write: 'Edit campaign drafts and connect repositories',
      run: 'Create and update campaigns',
      launch: 'Launch campaigns (always enforced)',
    },
  },
  {
    resource: 'knowledge',
    actions: { read: 'Read the knowledge base', write: 'Edit and search the knowledge base' },
  },
  { resource: 'search', actions: { run: 'Run searches and record repository scans' } },
  {
    resource: 'account',
    actions: { read: 'Read API keys, scopes and request logs', write: 'Mint, rotate and revoke API keys' },
  },
  { resource: 'usage', actions: { read: 'Read credit balance and usage' } },
];

export interface ScopeCatalogue {
  default_scopes: string[];
  resources: { resource: string; scopes: { scope: string; description: string }[] }[];
}

export function scopeCatalogue(): ScopeCatalogue {
  return {
    default_scopes: [],
    resources: CATALOGUE.map((entry) => ({
      resource: entry.resource,
      scopes: Object.entries(entry.actions).map(([action, description]) => ({
        scope: `${entry.resource}:${action}`,
        description,
      })),
    })),
  };
}

/** Why a scope cannot be granted, or null when it can. */
export function scopeProblem(scope: string): string | null {
  if (!isWellFormedScope(scope)) return `Invalid scope format: ${scope}`;
  if (scope === '*') return null;
  const [resource, action] = scope.split(':');
  const entry = CATALOGUE.find((e) => e.resource === resource);
  if (!entry) return `Unknown scope: ${scope}`;
  if (action === '*') return null;
  return action !== undefined && action in entry.actions ? null : `Unknown scope: ${scope}`;
}
