/**
 * An ApiError (graph8's answer, or the lack of one) → its error class and the one error body,
 * with the hint filled for the call it ended: the id a 404 is about and where to find it, the
 * CRM to connect, the tool to re-read the record with.
 */
import { type ApiError, ConnectionError, InvalidResponseError } from '../../api/errors.js';
import { neverArrived } from '../../api/retry.js';
import type { ToolSpec } from '../../catalogue/types.js';
import { type ErrorFacts, errorBody, type ToolErrorBody } from './body.js';
import type { ErrorCode } from './classes.js';
import { type Exposed, findPhrase, idFields, readPhrase } from './finders.js';

/** What the hints read of a spec (the CLI's `whoami` has a tier only). */
export type SiteSpec = Pick<ToolSpec, 'tier'> & Partial<Pick<ToolSpec, 'http' | 'input' | 'toolset'>>;

/** The call an error ended, as far as the hint needs it. The CLI knows only the spec. */
export interface ErrorSite {
  readonly tool: string;
  readonly spec: SiteSpec;
  readonly args?: Readonly<Record<string, unknown>> | undefined;
  /** Which tool names the caller can call; default: all of them. */
  readonly exposed?: Exposed | undefined;
}

const ID = /(^|_)id$/;
const NOT_CONNECTED = /\b([a-z][a-z0-9_-]*) is not connected\b/i;

function classOf(error: ApiError, site: ErrorSite, field: string | undefined): ErrorCode {
  const reads = site.spec.tier === 'read';
  if (error instanceof InvalidResponseError) return 'invalid_response';
  switch (error.status) {
    case 0:
      if (error.code === 'cancelled') return 'cancelled';
      if (error.code === 'timeout') return reads ? 'timeout' : 'outcome_unknown';
      // A reset after the request went out may have acted; only a refused or unresolved one did not.
      return reads || (error instanceof ConnectionError && neverArrived(error))
        ? 'connection_failed'
        : 'outcome_unknown';
    case 401:
      return 'authentication_failed';
    case 402:
      return 'insufficient_credits';
    case 403:
      return error.requiredScope ? 'scope_missing' : 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return site.spec.toolset === 'crm' && NOT_CONNECTED.test(error.message)
        ? 'crm_not_connected'
        : 'conflict';
    case 413:
      return 'payload_too_large';
    case 422:
      return field && ID.test(field) ? 'invalid_id' : 'validation_failed';
    case 429:
      return 'rate_limited';
    default:
      if (error.status >= 500 || error.status === 408) return reads ? 'upstream_error' : 'outcome_unknown';
      return 'bad_request';
  }
}

/** The id a 404 is about: the one graph8 named, else the most specific id argument of the call. */
function missingId(site: ErrorSite): string | undefined {
  const given = idFields(site.spec).filter((f) => site.args?.[f] !== undefined);
  return given.at(-1);
}

export function apiErrorBody(error: ApiError, site: ErrorSite): ToolErrorBody {
  const exposed: Exposed = site.exposed ?? (() => true);
  const fields = [...error.fieldErrors];
  let field = fields[0]?.field || undefined;
  const code = classOf(error, site, field);
  if (code === 'not_found') field ??= missingId(site);
  const message =
    error.status === 422 && fields.length
      ? fields.map((f) => (f.field ? `${f.field}: ${f.message}` : f.message)).join('; ')
      : error.message;
  const provider =
    typeof site.args?.provider === 'string' ? site.args.provider : NOT_CONNECTED.exec(error.message)?.[1];
  const facts: ErrorFacts = {
    status: error.status === 0 ? null : error.status,
    field,
    requestId: error.requestId,
    values: {
      tool: site.tool,
      scope: error.requiredScope,
      provider,
      seconds: String(Math.max(1, Math.ceil(error.retryAfterSeconds ?? 1))),
      find: field ? findPhrase(field, site.spec, exposed) : undefined,
      read: readPhrase(site.spec, exposed),
    },
    extra: {
      ...(error.requiredScope ? { required_scope: error.requiredScope } : {}),
      ...(fields.length > 1 ? { fields } : {}),
      ...(error.retryAfterSeconds !== undefined ? { retry_after_seconds: error.retryAfterSeconds } : {}),
      ...(error.detail !== undefined ? { detail: error.detail } : {}),
    },
  };
  return errorBody(code, message, facts);
}
