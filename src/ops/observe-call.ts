/**
 * One tool call as the operator sees it: a tool span (when tracing is on) and, when metrics are
 * on, its outcome and duration. With neither on it is a plain call of `run`.
 *
 * Outcomes: `ok`; `tool_error` when the call reached graph8 (or a composite's code) and failed;
 * `refused` when this server refused it before sending anything (invalid arguments, missing
 * scope, a per-principal limit, a confirmation that does not match); `cancelled` when the client
 * cancelled the request. A question back to the user (input-required) is not an outcome yet: its
 * answer is counted when it comes back.
 */
import { type CallOutcome, type Era, metrics, metricsOn } from './metrics.js';
import { tracer } from './trace.js';

/** What the call path reports of the upstream part of a call (call.ts sets it). */
export interface CallSeen {
  upstream?: 'ok' | 'failed';
}

export interface ObservedCall {
  readonly tool: string;
  readonly tier: string;
  readonly era: Era;
  readonly signal: AbortSignal;
}

function outcomeOf(result: object, seen: CallSeen, signal: AbortSignal): CallOutcome {
  if (signal.aborted) return 'cancelled';
  if ((result as { isError?: unknown }).isError !== true) return 'ok';
  return seen.upstream === 'failed' ? 'tool_error' : 'refused';
}

export async function observeCall<T extends object>(
  call: ObservedCall,
  run: (seen: CallSeen) => Promise<T>,
  isQuestion: (result: T) => boolean,
): Promise<T> {
  const trace = tracer();
  const counting = metricsOn();
  const seen: CallSeen = {};
  if (!trace && !counting) return run(seen);
  const started = performance.now();
  let outcome: CallOutcome | undefined = 'refused';
  try {
    const result = trace
      ? await trace.tool(call.tool, { 'g8.tool.tier': call.tier }, () => run(seen))
      : await run(seen);
    outcome = isQuestion(result) ? undefined : outcomeOf(result, seen, call.signal);
    return result;
  } catch (error) {
    if (call.signal.aborted) outcome = 'cancelled';
    throw error;
  } finally {
    if (counting && outcome) {
      metrics.toolCall(call.tool, outcome, call.era, (performance.now() - started) / 1000);
    }
  }
}

/** A call refused before it started (per-principal limits): counted, never traced as run. */
export function countRefused(tool: string, era: Era): void {
  metrics.toolCall(tool, 'refused', era);
}
