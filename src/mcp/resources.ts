/**
 * Resources as graph8 documents them: repos, a repo's scan, knowledge base, documents, campaigns
 * and briefs, and the first page of contacts and companies — with completion of the ids, so a
 * client can browse instead of guessing. Besides: the org's sending mailboxes, and reference text
 * tool descriptions point to (reference.ts).
 */
import { ProtocolError, ProtocolErrorCode, type Server } from '@modelcontextprotocol/server';
import type { ApiClient } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { PathParamError, pathParamProblem } from '../api/path.js';
import type { RestRequest } from '../catalogue/types.js';
import { bindCaller } from '../runtime/caller.js';
import { completePromptArgument } from './prompts.js';
import { STEP_DATA_REFERENCE } from './reference.js';

export interface ResourceDeps {
  readonly api: ApiClient;
  readonly credential: () => string | Promise<string>;
  readonly logger: { debug(obj: object, msg: string): void };
}

const JSON_MIME = 'application/json';

const STATIC = [
  {
    uri: 'g8://repos',
    name: 'repos',
    title: 'Connected repositories',
    description: 'Repositories connected to graph8 (ids for the dev tools)',
  },
  {
    uri: 'g8://contacts',
    name: 'contacts',
    title: 'Contacts (first 50)',
    description: 'The first page of CRM contacts',
  },
  {
    uri: 'g8://companies',
    name: 'companies',
    title: 'Companies (first 50)',
    description: 'The first page of CRM companies',
  },
  {
    uri: 'g8://mailboxes',
    name: 'mailboxes',
    title: 'Sending mailboxes',
    description:
      'Mailbox ids and addresses: from_address of g8_send_reply, sequence channels, launch senders',
  },
  {
    uri: 'g8://reference/step-data',
    name: 'step-data',
    title: 'Sequence step_data keys',
    description: 'Every step_data key by step_type, for g8_create_sequence and g8_update_sequence_step',
    mimeType: 'text/markdown',
  },
];

const TEMPLATES = [
  {
    uriTemplate: 'g8://repos/{repo_id}/scan',
    name: 'repo-scan',
    title: 'Repo scan',
    description: 'Latest scan of a repo: tech stack, routes, GTM readiness',
  },
  {
    uriTemplate: 'g8://repos/{repo_id}/kb',
    name: 'repo-kb',
    title: 'Repo knowledge base',
    description: 'Knowledge-base documents of a repo, by section',
  },
  {
    uriTemplate: 'g8://repos/{repo_id}/kb/{doc_id}',
    name: 'repo-kb-document',
    title: 'Knowledge-base document',
    description: 'One knowledge-base document with its content',
  },
  {
    uriTemplate: 'g8://repos/{repo_id}/campaigns',
    name: 'repo-campaigns',
    title: 'Repo campaigns',
    description: 'Campaigns linked to a repo',
  },
  {
    uriTemplate: 'g8://repos/{repo_id}/campaigns/{campaign_id}/brief',
    name: 'campaign-brief',
    title: 'Campaign brief',
    description: 'Brief, hooks and persona of a campaign linked to a repo',
  },
];

interface Route {
  pattern: RegExp;
  request: (m: string[]) => RestRequest;
  shape?: (data: unknown) => unknown;
  mime?: string;
}

/** Resources served from this server's own text, without a request. */
const TEXTS: Readonly<Record<string, string>> = { 'g8://reference/step-data': STEP_DATA_REFERENCE };

const ID = '([^/?#]+)';

const ROUTES: Route[] = [
  { pattern: /^g8:\/\/repos$/, request: () => ({ method: 'GET', path: '/repos' }) },
  {
    pattern: /^g8:\/\/contacts$/,
    request: () => ({ method: 'GET', path: '/contacts', query: { limit: 50 } }),
  },
  {
    pattern: /^g8:\/\/companies$/,
    request: () => ({ method: 'GET', path: '/companies', query: { limit: 50 } }),
  },
  {
    // The route's largest page: every mailbox of the org.
    pattern: /^g8:\/\/mailboxes$/,
    request: () => ({ method: 'GET', path: '/mailboxes', query: { limit: 500 } }),
  },
  {
    pattern: new RegExp(`^g8://repos/${ID}/scan$`),
    request: ([id]) => ({ method: 'GET', path: '/repos/{repo_id}/scan', params: { repo_id: id! } }),
  },
  {
    pattern: new RegExp(`^g8://repos/${ID}/kb$`),
    request: ([id]) => ({ method: 'GET', path: '/repos/{repo_id}/kb', params: { repo_id: id! } }),
  },
  {
    pattern: new RegExp(`^g8://repos/${ID}/kb/${ID}$`),
    request: ([id, doc]) => ({
      method: 'GET',
      path: '/repos/{repo_id}/kb/{doc_id}',
      params: { repo_id: id!, doc_id: doc! },
    }),
  },
  {
    pattern: new RegExp(`^g8://repos/${ID}/campaigns$`),
    request: ([id]) => ({ method: 'GET', path: '/repos/{repo_id}/campaigns', params: { repo_id: id! } }),
  },
  {
    pattern: new RegExp(`^g8://repos/${ID}/campaigns/${ID}/brief$`),
    request: ([id, c]) => ({
      method: 'GET',
      path: '/repos/{repo_id}/campaigns/{campaign_id}',
      params: { repo_id: id!, campaign_id: c! },
    }),
    mime: 'text/markdown',
    shape: (data) => briefMarkdown(data as Record<string, unknown>),
  },
];

function briefMarkdown(c: Record<string, unknown>): string {
  const line = (label: string, key: string) => (c[key] ? `**${label}:** ${String(c[key])}\n\n` : '');
  const hooks = Array.isArray(c.secondary_hooks)
    ? c.secondary_hooks.map((h) => `- ${String(h)}`).join('\n')
    : '';
  return `# ${String(c.name ?? 'Campaign')}\n\n${line('Status', 'status')}${line('Goal', 'goal')}${line('Target persona', 'target_persona')}${line('Core concept', 'core_concept')}${line('Primary hook', 'primary_hook')}${hooks ? `**Secondary hooks:**\n${hooks}\n\n` : ''}## Brief\n\n${String(c.brief ?? '(no brief yet)')}\n`;
}

function items(data: unknown): Record<string, unknown>[] {
  if (Array.isArray(data)) return data as Record<string, unknown>[];
  const obj = data as { items?: unknown; repos?: unknown; sections?: unknown } | null;
  if (Array.isArray(obj?.repos)) return obj.repos as Record<string, unknown>[];
  if (Array.isArray(obj?.sections)) {
    return (obj.sections as { documents?: Record<string, unknown>[] }[]).flatMap((s) => s.documents ?? []);
  }
  return [];
}

/**
 * The ids of a matched URI, decoded; one that is not valid percent-encoding, or that no path
 * segment can carry (`.`, `..`, empty, a lone surrogate), is refused before anything is sent.
 */
function uriArguments(uri: string, raw: string[]): string[] {
  return raw.map((part) => {
    let value: string;
    try {
      value = decodeURIComponent(part);
    } catch {
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `Invalid resource URI ${uri}: "${part}" is not valid percent-encoding`,
        { uri },
      );
    }
    const problem = pathParamProblem(value);
    if (problem) {
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `Invalid resource URI ${uri}: an id ${problem}`,
        {
          uri,
        },
      );
    }
    return value;
  });
}

export function registerResources(server: Server, deps: ResourceDeps): void {
  const get = async (request: RestRequest) => {
    const api = bindCaller(deps.api, await deps.credential(), 'read');
    return api.call(request);
  };

  server.setRequestHandler('resources/list', () => ({
    resources: STATIC.map((r) => ({ mimeType: JSON_MIME, ...r })),
  }));
  server.setRequestHandler('resources/templates/list', () => ({
    resourceTemplates: TEMPLATES.map((t) => ({
      ...t,
      mimeType: t.name === 'campaign-brief' ? 'text/markdown' : JSON_MIME,
    })),
  }));

  server.setRequestHandler('resources/read', async (request) => {
    const { uri } = request.params;
    const text = TEXTS[uri];
    if (text !== undefined) return { contents: [{ uri, mimeType: 'text/markdown', text }] };
    for (const route of ROUTES) {
      const m = route.pattern.exec(uri);
      if (!m) continue;
      const args = uriArguments(uri, m.slice(1));
      try {
        const res = await get(route.request(args));
        const body = route.shape
          ? route.shape(res.data)
          : { data: res.data, ...(res.pagination ? { pagination: res.pagination } : {}) };
        return {
          contents: [
            {
              uri,
              mimeType: route.mime ?? JSON_MIME,
              text: typeof body === 'string' ? body : JSON.stringify(body),
            },
          ],
        };
      } catch (error) {
        if (error instanceof PathParamError) {
          throw new ProtocolError(
            ProtocolErrorCode.InvalidParams,
            `Invalid resource URI ${uri}: ${error.message}`,
            {
              uri,
            },
          );
        }
        if (error instanceof ApiError) {
          const code =
            error.status === 404 ? ProtocolErrorCode.InvalidParams : ProtocolErrorCode.InternalError;
          throw new ProtocolError(
            code,
            `Could not read ${uri}: ${error.status ? `HTTP ${error.status}, ` : ''}${error.message}`,
            { uri },
          );
        }
        throw error;
      }
    }
    throw new ProtocolError(
      ProtocolErrorCode.InvalidParams,
      `Unknown resource ${uri}. Resources: ${[...STATIC.map((s) => s.uri), ...TEMPLATES.map((t) => t.uriTemplate)].join(', ')}`,
      { uri },
    );
  });

  /** Ids a client can pick from, filtered by what the user typed so far. */
  async function suggest(kind: string, context: Record<string, string>): Promise<string[]> {
    const repo = context.repo_id;
    if (kind === 'repo_id')
      return items((await get({ method: 'GET', path: '/repos' })).data).map((r) => String(r.id));
    if (kind === 'doc_id' && repo) {
      return items(
        (await get({ method: 'GET', path: '/repos/{repo_id}/kb', params: { repo_id: repo } })).data,
      ).map((d) => String(d.id));
    }
    if (kind === 'campaign_id' && repo) {
      return items(
        (await get({ method: 'GET', path: '/repos/{repo_id}/campaigns', params: { repo_id: repo } })).data,
      ).map((c) => String(c.id));
    }
    return [];
  }

  server.setRequestHandler('completion/complete', async (request) => {
    const { ref, argument } = request.params;
    const context = request.params.context?.arguments ?? {};
    let values: string[] = [];
    try {
      if (ref.type === 'ref/resource') values = await suggest(argument.name, context);
      else values = await completePromptArgument(ref.name, argument.name, get);
    } catch (error) {
      deps.logger.debug({ err: String(error) }, 'completion lookup failed');
    }
    const matching = values.filter((v) => v.startsWith(argument.value));
    return {
      completion: { values: matching.slice(0, 100), total: matching.length, hasMore: matching.length > 100 },
    };
  });
}
