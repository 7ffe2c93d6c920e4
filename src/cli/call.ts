import type { ExposedTool } from '../catalogue/select.js';
import { G8Error } from '../platform/errors.js';
import type { ToolErrorBody } from '../runtime/errors/body.js';
import { failureOf } from '../runtime/outcome.js';
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

/** Maps what a tool call can throw onto the CLI's failures, with the MCP tools' error bodies. */
export function toCliError(error: unknown, tool: ExposedTool, input?: Record<string, unknown>): unknown {
  const failure = failureOf(error, { tool: tool.name, spec: tool.spec, args: input });
  // A bug stays itself: report() prints it as an internal error with its stack.
  if (failure.internal) return error;
  return new ApiFailure(failure.body, failure.body.code === 'invalid_arguments' ? EXIT_USAGE : EXIT_FAILED);
}
