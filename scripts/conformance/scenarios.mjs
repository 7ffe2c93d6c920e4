// What each server scenario of @modelcontextprotocol/conformance 0.2.0-alpha.12 needs from the server under test.
// scripts/conformance/SCENARIOS.md is the readable form of this table; keep the two in step when the suite moves.
//
// needs:
//   'none'     runs against any server (the product, with its own tools): transport, lifecycle, list shapes.
//   'fixture'  calls tools/resources/prompts by the names test/conformance/fixture-server.ts registers.
//   'tasks'    tasks-extension fixtures on the product's task module (test/conformance/fixtures/tasks.ts: greet,
//              slow_compute, failing_job, protocol_error_job, test_tool_with_task); served by the fixture run.
// pending: the runner reports the scenario but never fails on it.

/** @typedef {{ needs: 'none' | 'fixture' | 'tasks', pending?: string, note?: string }} ScenarioNeeds */

const INPUT_MID_TASK =
  'needs confirm_delete / multi_input: tasks that wait for input mid-run (input_required + tasks/update), which the product never does (its confirmation comes before the task)';

/** @type {Record<string, ScenarioNeeds>} */
export const SCENARIO_NEEDS = {
  'server-initialize': { needs: 'none' },
  'server-session-lifecycle': {
    needs: 'none',
    note: 'sessionful 2025 transport; stateless servers are SKIPPED',
  },
  'server-stateless': {
    needs: 'fixture',
    note: 'diagnostic tools test_missing_capability, test_streaming_elicitation, test_logging_tool, test_trigger_*',
  },
  'logging-set-level': { needs: 'none', note: 'logging capability' },
  ping: { needs: 'none' },
  'completion-complete': { needs: 'fixture', note: 'completes arg1 of prompt test_prompt_with_arguments' },
  'tools-list': { needs: 'none' },
  'tools-call-simple-text': { needs: 'fixture' },
  'tools-call-image': { needs: 'fixture' },
  'tools-call-audio': { needs: 'fixture' },
  'tools-call-embedded-resource': { needs: 'fixture' },
  'tools-call-mixed-content': { needs: 'fixture' },
  'tools-call-with-logging': { needs: 'fixture' },
  'tools-call-error': { needs: 'fixture' },
  'tools-call-with-progress': { needs: 'fixture' },
  'tools-call-sampling': { needs: 'fixture' },
  'tools-call-elicitation': { needs: 'fixture' },
  'json-schema-2020-12': { needs: 'fixture', note: 'json_schema_2020_12_tool' },
  'elicitation-sep1034-defaults': { needs: 'fixture' },
  'server-sse-polling': { needs: 'fixture', note: 'test_reconnection + an event store' },
  'server-sse-multiple-streams': { needs: 'none' },
  'elicitation-sep1330-enums': { needs: 'fixture' },
  'resources-list': { needs: 'none' },
  'resources-read-text': { needs: 'fixture' },
  'resources-read-binary': { needs: 'fixture' },
  'resources-templates-read': { needs: 'fixture' },
  'resources-subscribe': {
    needs: 'fixture',
    note: 'test://watched-resource, resources.subscribe capability',
  },
  'resources-unsubscribe': {
    needs: 'fixture',
    note: 'test://watched-resource, resources.subscribe capability',
  },
  'sep-2164-resource-not-found': { needs: 'none' },
  'sep-2640-skills-directory': {
    needs: 'none',
    note: 'skills extension; SKIPPED unless the server declares it',
  },
  'sep-2640-skills-enumeration': {
    needs: 'none',
    note: 'skills extension; SKIPPED unless the server declares it',
  },
  'sep-2640-skills-manifest': {
    needs: 'none',
    note: 'skills extension; SKIPPED unless the server declares it',
  },
  'prompts-list': { needs: 'none' },
  'prompts-get-simple': { needs: 'fixture' },
  'prompts-get-with-args': { needs: 'fixture' },
  'prompts-get-embedded-resource': { needs: 'fixture' },
  'prompts-get-with-image': { needs: 'fixture' },
  'dns-rebinding-protection': { needs: 'none', note: 'needs a localhost URL' },
  caching: {
    needs: 'none',
    note: 'tools/list, prompts/list, resources/list, resources/templates/list must all answer',
  },
  'http-header-validation': { needs: 'none', note: 'calls the first listed tool with {} arguments' },
  'http-custom-header-server-validation': {
    needs: 'fixture',
    note: 'a tool with an x-mcp-header string argument',
  },
  'tasks-lifecycle': { needs: 'tasks' },
  'tasks-capability-negotiation': { needs: 'tasks' },
  'tasks-wire-fields': { needs: 'tasks' },
  'tasks-request-state-removal': { needs: 'tasks' },
  'tasks-mrtr-input': { needs: 'tasks', pending: INPUT_MID_TASK },
  'tasks-request-headers': { needs: 'tasks' },
  'tasks-dispatch-and-envelope': {
    needs: 'tasks',
    pending: `8 of its 9 checks pass; the 9th ${INPUT_MID_TASK}`,
  },
  'tasks-status-notifications': { needs: 'tasks', note: 'the suite skips it for now' },
  'tasks-required-task-error': { needs: 'tasks' },
  'tasks-mrtr-composition': { needs: 'tasks' },
  'input-required-result-basic-elicitation': { needs: 'fixture' },
  'input-required-result-basic-sampling': { needs: 'fixture' },
  'input-required-result-basic-list-roots': { needs: 'fixture' },
  'input-required-result-request-state': { needs: 'fixture' },
  'input-required-result-multiple-input-requests': { needs: 'fixture' },
  'input-required-result-multi-round': { needs: 'fixture' },
  'input-required-result-missing-input-response': { needs: 'fixture' },
  'input-required-result-non-tool-request': {
    needs: 'fixture',
    note: 'prompt test_input_required_result_prompt',
  },
  'input-required-result-result-type': { needs: 'fixture' },
  'input-required-result-unsupported-methods': { needs: 'none', note: 'only tools/list and prompts/list' },
  'input-required-result-tampered-state': { needs: 'fixture' },
  'input-required-result-capability-check': { needs: 'fixture' },
  'input-required-result-ignore-extra-params': { needs: 'fixture' },
  'input-required-result-validate-input': { needs: 'fixture' },
};

/** The dated protocol revisions, oldest first; each is one leg of a run. */
export const SPEC_VERSIONS = ['2025-03-26', '2025-06-18', '2025-11-25', '2026-07-28'];

/** `--era` values and the legs they select; `extension` is the off-timeline scenarios (tasks, skills). */
export const ERAS = {
  2025: ['2025-03-26', '2025-06-18', '2025-11-25'],
  2026: ['2026-07-28'],
  extension: ['extension'],
  all: [...SPEC_VERSIONS, 'extension'],
};
