/** The words of an audit record: how a gated call was let through, and how a call ended. */

/** How a gated call was let through; `not_gated` for everything that needs no approval. */
export type Approval = 'elicitation' | 'token' | 'approval_page' | 'not_gated';

/**
 * ok / tool_error: sent, and graph8 (or the composite tool) succeeded or failed. refused: nothing
 * sent (invalid arguments, missing scope, a per-principal limit, a confirmation of another call,
 * no elicitation under strict, too many tasks). asked: a confirmation (or preview) went back instead. declined: the
 * user said no. cancelled: the client cancelled the call (or its task) in flight. task_created:
 * the call became an MCP task; a `task` record tells how it ended.
 */
export const CALL_OUTCOMES = [
  'ok',
  'tool_error',
  'refused',
  'asked',
  'declined',
  'cancelled',
  'task_created',
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];
