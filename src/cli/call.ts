/**
 * The two ends of a tool call that need no network code: zod validation of the input (as the MCP
 * server does it, but naming flags) and the mapping of failures onto the same error bodies the
 * MCP tools return (src/mcp/result.ts). The call itself is in invoke.ts, loaded only when needed.
 */
import { ApiError } from '../api/errors.js';
import { PathParamError } from '../api/path.js';
import type { ExposedTool } from '../catalogue/select.js';
import { apiErrorBody } from '../mcp/errors/classify.js';
import { type ToolErrorBody, usageErrorResult } from '../mcp/result.js';
import { G8Error } from '../platform/errors.js';
import { pathParamIssues } from '../runtime/request.js';
import { EXIT_FAILED, EXIT_USAGE, UsageError } from './errors.js';
import { type FlagSpec, flagName } from './flags.js';

/** An API failure carrying the tool error body the MCP server would have returned. */
export class ApiFailure extends G8Error {
  override readonly exitCode: number;

  constructor(
    readonly body: ToolErrorBody,
    exitCode = EXIT_FAILED,
  ) {
    super(body.message, body.hint);
    this.exitCode = exitCode;
  }
}

/** Validated input, or a usage error that names flags (not fields) and what is wrong with them. */
export function validateInput(
  command: string,
  tool: ExposedTool,
  flags: readonly FlagSpec[],
  input: Record<string, unknown>,
): Record<string, unknown> {
  const parsed = tool.spec.input.safeParse(input);
  const byField = new Map(flags.map((f) => [f.field, f]));
  if (parsed.success) {
    const data = parsed.data as Record<string, unknown>;
    // The server's rule for values that cannot be a path segment (`.`, `..`, empty, lone surrogates).
    const bad = pathParamIssues(tool.spec, data);
    if (!bad.length) return data;
    const problems = bad.map((i) => `--${byField.get(i.field)?.flag ?? flagName(i.field)}: ${i.message}`);
    throw new UsageError(`${command}: ${problems.join('; ')}`, `Run g8 ${command} --help for its flags.`);
  }
  const problems = parsed.error.issues.map((issue) => {
    const [field, ...rest] = issue.path.map(String);
    if (field === undefined) return issue.message;
    const flag = `--${byField.get(field)?.flag ?? flagName(field)}`;
    const where = rest.length ? `${flag} (at ${rest.join('.')})` : flag;
    const missing = issue.code === 'invalid_type' && input[field] === undefined && rest.length === 0;
    return missing ? `${flag} is required` : `${where}: ${issue.message}`;
  });
  throw new UsageError(`${command}: ${problems.join('; ')}`, `Run g8 ${command} --help for its flags.`);
}

/** Maps what a tool call can throw onto the CLI's failures, reusing the MCP error shaping. */
export function toCliError(error: unknown, tool: ExposedTool, input?: Record<string, unknown>): unknown {
  if (error instanceof ApiError) {
    return new ApiFailure(apiErrorBody(error, { tool: tool.name, spec: tool.spec, args: input }));
  }
  if (error instanceof PathParamError) {
    return new ApiFailure(
      errorBody(usageErrorResult(tool.name, error.message, error.param).structuredContent),
      EXIT_USAGE,
    );
  }
  // A tool's own argument rule, thrown before any request (as in the server).
  if (error instanceof UsageError) {
    return new ApiFailure(
      errorBody(usageErrorResult(tool.name, error.message).structuredContent),
      EXIT_USAGE,
    );
  }
  return error;
}

function errorBody(structured: unknown): ToolErrorBody {
  return (structured as { error: ToolErrorBody }).error;
}
