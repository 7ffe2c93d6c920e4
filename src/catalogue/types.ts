import type { z } from 'zod';

/** What a call may do to the world; drives annotations, retries and confirmation. */
export type Tier = 'read' | 'write' | 'destructive' | 'billable' | 'external';

/** Which mode list a binding belongs to (the folder it lives in under tools/). */
export type Audience = 'shared' | 'dev' | 'gtm';

export type Mode = 'dev' | 'gtm' | 'all';

export type Toolset =
  | 'contacts'
  | 'companies'
  | 'enrichment'
  | 'sequences'
  | 'inbox'
  | 'audience'
  | 'crm'
  | 'repos'
  | 'campaigns'
  | 'knowledge';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * Declarative mapping of a tool's validated input onto one REST call.
 * Path parameters are the `{name}` segments of `path`. Fields named in `query` go to the query
 * string; every other field goes to the query string for GET/DELETE and to the JSON body otherwise.
 */
export interface HttpBinding {
  readonly method: HttpMethod;
  readonly path: string;
  readonly query?: readonly string[];
  /** Fixed query parameters the tool always sends (e.g. `validate=true`). */
  readonly constQuery?: Readonly<Record<string, string | number | boolean>>;
  /** Input fields that steer the tool but are never sent. */
  readonly omit?: readonly string[];
  /** Send no body even for POST (action routes such as pause/resume). */
  readonly noBody?: boolean;
}

export type QueryValue = string | number | boolean | readonly (string | number | boolean)[] | undefined;

/** One REST request as composite tools describe it; the api layer owns encoding and auth. */
export interface RestRequest {
  readonly method: HttpMethod;
  /** Path template such as `/contacts/{contact_id}`; values come from `params`. */
  readonly path: string;
  readonly params?: Readonly<Record<string, string | number>>;
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly body?: unknown;
}

export interface RestResult {
  readonly status: number;
  readonly data: unknown;
  readonly pagination?: unknown;
  readonly requestId?: string;
}

/** The slice of the REST client that tool code may use (catalogue never imports src/api). */
export interface RestCaller {
  call(request: RestRequest): Promise<RestResult>;
  /** True when the error thrown by `call` is an API error with this HTTP status. */
  isStatus(error: unknown, status: number): boolean;
}

export interface ProgressUpdate {
  readonly progress: number;
  readonly total?: number;
  readonly message?: string;
}

export interface RunContext {
  readonly api: RestCaller;
  readonly signal?: AbortSignal;
}

/** What graph8 says of a background job at one poll. */
export interface JobState {
  readonly done: boolean;
  /** graph8's status word (queued, running, completed, failed, cancelled, live…). */
  readonly status: string;
  /** One line for a person or a model: the stage and the counts known so far. */
  readonly message: string;
  readonly data: Readonly<Record<string, unknown>> | undefined;
}

/** The ids that name a started job: plain JSON, so a task can be followed again after a restart. */
export type JobHandle = Readonly<Record<string, string | number>>;

/**
 * A tool whose call starts work that graph8 finishes later (contract §1.11). The tool's `run` or
 * `http` only starts it; following it — for MCP progress, MCP tasks or the CLI's --wait — is the
 * runtime's job (src/runtime/follow.ts), through these functions. The followed answer is the start
 * answer's fields with the job's last state over them (`data`), without the start's `next` hint.
 */
export interface JobSpec {
  /** The job the start answer names, or undefined when there is nothing to follow (AI research, done at once). */
  handle(input: Readonly<Record<string, unknown>>, started: RestResult): JobHandle | undefined;
  read(handle: JobHandle, api: RestCaller): Promise<JobState>;
  /** Stops the job at graph8 where graph8 can; absent when it cannot (then only our polling stops). */
  cancel?(handle: JobHandle, api: RestCaller): Promise<void>;
  /** Statuses in the order a job moves through them, for a progress fraction. */
  readonly stages: readonly string[];
  /** Never poll faster than this. */
  readonly intervalMs: number;
}

// biome-ignore lint/suspicious/noExplicitAny: specs are heterogeneous; each is checked by defineTool
export type AnyObjectSchema = z.ZodObject<any>;

export interface ToolSpec<S extends AnyObjectSchema = AnyObjectSchema> {
  /** Name as listed in its own mode (`g8_list_campaigns`); `all` mode may alias GTM names. */
  readonly name: string;
  readonly title: string;
  /** Short, model-facing: what it does, what it costs or sends, what to call before/after. */
  readonly description: string;
  readonly toolset: Toolset;
  /** The scope the primary operation needs (contract §1.9). */
  readonly scope: string;
  /** Further scopes a composite tool may need for the other operations it issues. */
  readonly alsoNeeds?: readonly string[];
  readonly tier: Tier;
  /**
   * What the call changes, costs or reaches, in one sentence for the person asked to approve it.
   * Required for the tiers that are confirmed (destructive, billable, external): a tier's generic
   * sentence would be wrong for many tools (a draft sequence reaches nobody; a pause stops outreach).
   */
  readonly effect?: string;
  /**
   * graph8's own registry takes this tool's arguments wrapped as `{ body: {…} }` (contract §4.1:
   * g8_verify_email is registry g8_enrichment_verify_email). Prompts written for graph8's server
   * send that shape, so it is unwrapped before validation (unwrapArguments).
   */
  readonly wrappedInput?: 'body';
  /** Extra words g8_tool_search matches (synonyms, platforms); never shown to the model. */
  readonly keywords?: readonly string[];
  readonly input: S;
  readonly http?: HttpBinding;
  /** Composite tools: several REST calls or a locally built result. Returns the tool's data. */
  readonly run?: (input: z.output<S>, ctx: RunContext) => Promise<RestResult>;
  /** Present when the call starts a job graph8 finishes later: it can then run as an MCP task. */
  readonly job?: JobSpec;
}

/** The tiers whose calls a user approves first (src/mcp/confirm.ts). */
export const CONFIRMED_TIERS: ReadonlySet<Tier> = new Set(['destructive', 'billable', 'external']);

/** Identity function that checks a spec at definition time and keeps its input type. */
export function defineTool<S extends AnyObjectSchema>(spec: ToolSpec<S>): ToolSpec {
  if (!spec.http === !spec.run) {
    throw new Error(`${spec.name}: a tool has exactly one of http or run`);
  }
  if (CONFIRMED_TIERS.has(spec.tier) && !spec.effect) {
    throw new Error(`${spec.name}: a ${spec.tier} tool states its effect for the confirmation`);
  }
  if (spec.wrappedInput && Object.hasOwn(spec.input.shape, spec.wrappedInput)) {
    throw new Error(`${spec.name}: a wrapped input cannot also have a field named ${spec.wrappedInput}`);
  }
  return spec as unknown as ToolSpec;
}

/**
 * graph8's wrapped calling convention: `{ body: { email }, confirm? }` becomes `{ email, confirm? }`
 * for a tool that declares `wrappedInput`. Anything else is returned as it came, so validation
 * still names what is wrong with it.
 */
export function unwrapArguments(
  spec: Pick<ToolSpec, 'wrappedInput'>,
  args: Record<string, unknown>,
): Record<string, unknown> {
  const key = spec.wrappedInput;
  if (!key) return args;
  const { [key]: inner, ...rest } = args;
  const others = Object.keys(rest).filter((k) => k !== 'confirm');
  if (others.length > 0 || typeof inner !== 'object' || inner === null || Array.isArray(inner)) return args;
  return { ...(inner as Record<string, unknown>), ...rest };
}
