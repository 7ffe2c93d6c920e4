/**
 * The error classes a tool call can end in: one `code` each, with its HTTP status (or none), its
 * broad `type`, whether calling again unchanged can succeed, and the one hint a model gets for it.
 * A hint is true for every error of its class and names the next tool or argument; `{…}` parts are
 * filled from the call (classify.ts). The README's error table is checked against this one
 * (test/unit/error-classes.test.ts), so the two cannot drift apart.
 */

export type ErrorType =
  | 'invalid_request'
  | 'unavailable_tool'
  | 'authentication'
  | 'permission'
  | 'billing'
  | 'not_found'
  | 'conflict'
  | 'rate_limit'
  | 'upstream'
  | 'network'
  | 'confirmation'
  | 'internal';

export interface ErrorClass {
  /** The body's `status`, as the README shows it: an HTTP status, a range, or `null`. */
  readonly status: string;
  readonly type: ErrorType;
  readonly retryable: boolean;
  /** When a call ends in this class (for the README). */
  readonly when: string;
  readonly hint: string;
}

export const ERROR_CLASSES = {
  invalid_arguments: {
    status: 'null',
    type: 'invalid_request',
    retryable: false,
    when: 'the arguments break the tool input schema or one of its rules; checked before anything is sent',
    hint: 'Nothing was sent. Fix {field} as the message says (the input schema of {tool} lists every argument) and call {tool} again.',
  },
  unknown_tool: {
    status: 'null',
    type: 'unavailable_tool',
    retryable: false,
    when: 'no tool of any mode has this name',
    hint: 'Nothing was sent. There is no tool named {tool}; {lookup}',
  },
  tool_not_in_mode: {
    status: 'null',
    type: 'unavailable_tool',
    retryable: false,
    when: 'the tool belongs to another mode (dev or gtm)',
    hint: 'Nothing was sent. {tool} is a {mode}-mode tool and this connection serves another mode; {reach}',
  },
  tool_not_selected: {
    status: 'null',
    type: 'unavailable_tool',
    retryable: false,
    when: "the tool is left out by the tool selection (G8_TOOLSETS / G8_TOOLS, or the URL's `toolsets` / `tools`)",
    hint: 'Nothing was sent. {tool} (toolset {toolset}) is left out by the tool selection of this connection; {reach}',
  },
  read_only: {
    status: 'null',
    type: 'unavailable_tool',
    retryable: false,
    when: 'the tool changes something and the connection is read-only (G8_READ_ONLY, `read_only=1` in the URL, or a token without `graph8:write`)',
    hint: 'Nothing was sent. {tool} changes data and this connection is read-only; {reach}',
  },
  scope_missing: {
    status: '403 or null',
    type: 'permission',
    retryable: false,
    when: 'the API key lacks the scope the tool needs (null: refused here, before sending)',
    hint: 'The API key lacks scope {scope}: use a key that has it (graph8 Settings → API). `g8_whoami` lists the scopes of this key and every tool it hides.',
  },
  forbidden: {
    status: '403',
    type: 'permission',
    retryable: false,
    when: 'graph8 refused the key for reasons other than a scope (role, org or agency guard)',
    hint: 'graph8 does not let this key do this (its role or org, not a scope): `g8_whoami` shows the org and principal of the key; use a key of a user allowed to do it.',
  },
  authentication_failed: {
    status: '401',
    type: 'authentication',
    retryable: false,
    when: 'graph8 refused the credential',
    hint: 'The API key was refused: check G8_API_KEY (remote mode: sign in again). Create a key in graph8 under Settings → API (org key) or Profile → Developer (personal key).',
  },
  insufficient_credits: {
    status: '402',
    type: 'billing',
    retryable: false,
    when: 'not enough graph8 credits, or no active subscription',
    hint: 'Nothing was spent. Top up credits or upgrade in graph8 (Settings → Billing), then call {tool} again.',
  },
  not_found: {
    status: '404',
    type: 'not_found',
    retryable: false,
    when: 'no record with that id in this org',
    hint: '{field} names no record in this org: {find}',
  },
  invalid_id: {
    status: '422',
    type: 'invalid_request',
    retryable: false,
    when: 'graph8 rejected an id argument as malformed',
    hint: '{field} is not a valid id: {find}',
  },
  validation_failed: {
    status: '422',
    type: 'invalid_request',
    retryable: false,
    when: 'graph8 rejected fields of the request (all of them are in `fields`)',
    hint: 'graph8 rejected {field}: correct every field listed as its message says and call {tool} again.',
  },
  bad_request: {
    status: '400',
    type: 'invalid_request',
    retryable: false,
    when: 'graph8 understood the request but will not do it as given',
    hint: 'graph8 refused {tool} as called: change what the message names and call it again.',
  },
  crm_not_connected: {
    status: '409',
    type: 'conflict',
    retryable: false,
    when: 'a CRM push or field read for a CRM that is not connected',
    hint: 'Connect {provider} in graph8 (Settings → Integrations); `g8_get_crm_status` shows the connection. Calling again before that fails the same way.',
  },
  conflict: {
    status: '409',
    type: 'conflict',
    retryable: false,
    when: 'the record is in a state that forbids this now',
    hint: 'The current state of the record does not allow {tool} now: read it again ({read}) and act on the state it shows; the same call unchanged fails the same way.',
  },
  payload_too_large: {
    status: '413',
    type: 'invalid_request',
    retryable: false,
    when: 'graph8 refused the request body as too large',
    hint: 'graph8 refused the request outright because its body is too large, so nothing was done: send fewer records or shorter text per call of {tool}.',
  },
  rate_limited: {
    status: '429',
    type: 'rate_limit',
    retryable: true,
    when: 'graph8 rate limit (50/s, 1,000/min per org), after the retries the server already made',
    hint: 'graph8 rate limit: wait {seconds} s, then call {tool} again.',
  },
  principal_rate_limited: {
    status: '429',
    type: 'rate_limit',
    retryable: true,
    when: "this server's own limit of tool calls a minute per API key or sign-in (G8_CALLS_PER_MIN_PER_PRINCIPAL); nothing was sent",
    hint: 'Nothing was sent: this server limits the tool calls of one API key or sign-in a minute. Wait {seconds} s, then call {tool} again.',
  },
  principal_inflight_limited: {
    status: '429',
    type: 'rate_limit',
    retryable: true,
    when: 'too many calls of one API key or sign-in still running (G8_MAX_INFLIGHT_PER_PRINCIPAL); nothing was sent',
    hint: 'Nothing was sent: too many calls of this API key or sign-in are still running. Wait for one to finish, then call {tool} again.',
  },
  upstream_error: {
    status: '5xx',
    type: 'upstream',
    retryable: true,
    when: 'a graph8 fault on a read tool',
    hint: 'A temporary graph8 fault; {tool} only reads, so call it again in a moment.',
  },
  outcome_unknown: {
    status: '5xx or null',
    type: 'upstream',
    retryable: false,
    when: 'a fault or timeout after a tool that changes something may have reached graph8',
    hint: 'The request may have reached graph8 and acted, and no answer came back: do not resend {tool} blindly; check the current state first ({read}).',
  },
  timeout: {
    status: 'null',
    type: 'network',
    retryable: true,
    when: 'graph8 did not answer a read in time (G8_TIMEOUT_MS)',
    hint: 'graph8 did not answer in time; {tool} only reads, so call it again (with a smaller limit if it keeps happening).',
  },
  connection_failed: {
    status: 'null',
    type: 'network',
    retryable: true,
    when: 'the graph8 API could not be reached',
    hint: 'The graph8 API could not be reached: check G8_API_URL and the network, then call {tool} again.',
  },
  invalid_response: {
    status: 'integer or null',
    type: 'upstream',
    retryable: false,
    when: 'graph8 answered with something other than its JSON (wrong type, unparsable, over 5 MB)',
    hint: 'graph8 answered with something that is not its API JSON, so nothing of it was used: check that G8_API_URL points at the graph8 API; read the state with {read} before repeating {tool}.',
  },
  cancelled: {
    status: 'null',
    type: 'network',
    retryable: false,
    when: 'the client cancelled the call before graph8 answered',
    hint: 'The call was cancelled before graph8 answered; call {tool} again if it is still wanted.',
  },
  confirmation_mismatch: {
    status: 'null',
    type: 'confirmation',
    retryable: false,
    when: 'a confirmation answer (requestState) made for other arguments or another caller',
    hint: 'Nothing was done. Call {tool} again with the arguments to act on, to be asked anew.',
  },
  confirmation_used: {
    status: 'null',
    type: 'confirmation',
    retryable: false,
    when: 'a confirmation whose single use was already made (or is being made) by another request',
    hint: 'Nothing was done again: this confirmation was already used. Check the outcome ({read}) before calling {tool} again for a new preview.',
  },
  confirmation_unavailable: {
    status: 'null',
    type: 'confirmation',
    retryable: false,
    when: 'G8_CONFIRM=strict and the client can neither answer an elicitation nor is there an approval page (stdio)',
    hint: 'Nothing was done. {tool} needs a person to approve it, and on stdio with G8_CONFIRM=strict only an elicitation can ask one: use a client that supports elicitation, or run the server with G8_CONFIRM=auto.',
  },
  busy: {
    status: 'null',
    type: 'confirmation',
    retryable: true,
    when: 'the server cannot take a confirmation or task now (too many at once, or its shared store does not answer)',
    hint: 'Nothing was done: the server cannot take this confirmation or task right now; call {tool} again in a few minutes.',
  },
  internal_error: {
    status: 'null',
    type: 'internal',
    retryable: false,
    when: 'a fault in this MCP server (details go to its log only)',
    hint: 'The MCP server failed on this call; its log has the details. Report it with the log if it repeats.',
  },
} as const satisfies Record<string, ErrorClass>;

export type ErrorCode = keyof typeof ERROR_CLASSES;

/** The hint of a class with its `{…}` parts filled; a part left unknown reads as a generic phrase. */
export function fillHint(code: ErrorCode, values: Readonly<Record<string, string | undefined>>): string {
  return ERROR_CLASSES[code].hint.replace(
    /\{(\w+)\}/g,
    (_, key: string) => values[key] ?? FALLBACK[key] ?? key,
  );
}

const FALLBACK: Readonly<Record<string, string>> = {
  tool: 'the tool',
  field: 'the field named in the message',
  find: 'use an id that a search or list tool returned in this org',
  read: 'the matching get or list tool',
  provider: 'the CRM',
  seconds: '1',
  scope: 'named in the message',
  lookup: 'pick a name from tools/list.',
  reach: 'ask the person who configured this connection.',
  mode: 'another',
  toolset: 'unknown',
};
