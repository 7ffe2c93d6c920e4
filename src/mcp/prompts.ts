/**
 * Prompt templates graph8 documents: multi-step instructions that name the tools to call, in
 * order, using the names this session actually exposes (GTM tools are g8_gtm_* in `all` mode).
 */
import { ProtocolError, ProtocolErrorCode, type Server } from '@modelcontextprotocol/server';
import type { RestRequest, RestResult } from '../catalogue/types.js';

export interface PromptDeps {
  /** Exposed tool names of this session. */
  readonly toolNames: readonly string[];
}

interface PromptDef {
  name: string;
  title: string;
  description: string;
  argument: { name: string; description: string };
  render: (value: string, tool: (...candidates: string[]) => string) => string;
}

const PROMPTS: PromptDef[] = [
  {
    name: 'gtm_setup',
    title: 'Set up graph8 GTM in a repository',
    description: 'Connect a repo, record a scan, generate and apply the GTM install, then verify it',
    argument: {
      name: 'repo_url',
      description: 'Full URL of the repository, e.g. https://github.com/acme/app',
    },
    render: (
      repoUrl,
      tool,
    ) => `Set up graph8 go-to-market tracking for the repository ${repoUrl}. Work step by step and report after each one.

1. Call ${tool('g8_connect_repo')} with repo_url="${repoUrl}" and a short repo_name. Keep the returned repo_id; every later step needs it. If it says the repo is already connected, reuse the id from the error detail.
2. Read the code yourself (graph8 never clones it): framework, language, package manager, API routes, forms, analytics, auth. Then call ${tool('g8_scan_repo')} with repo_id, tech_stack, api_routes, readme_summary, product_type and gtm_readiness.
3. Call ${tool('g8_install_spine')} with repo_id. Show the user each patch (file, action, description, diff) and ask before changing any file.
4. Apply the approved patches to the working tree, run the project's build or tests, then call ${tool('g8_apply_install')} with repo_id to record it.
5. Call ${tool('g8_doctor')} with repo_id and confirm connected, has_scan and patch_set.status=APPLIED. Fix anything it reports.
6. Finish with ${tool('g8_list_kb_documents')} and ${tool('g8_list_campaigns')} for the repo, and suggest a first campaign.`,
  },
  {
    name: 'campaign_review',
    title: 'Review a campaign before launch',
    description: 'Check audience, copy, steps and mailboxes of a campaign and list what blocks launch',
    argument: { name: 'campaign_id', description: 'Campaign id (see g8_list_campaigns)' },
    render: (
      id,
      tool,
    ) => `Review campaign ${id} before it is launched. Do not launch it and do not change anything without the user's explicit approval.

1. Call ${tool('g8_gtm_get_campaign', 'g8_get_campaign')} with campaign_id="${id}" and full=true. Summarise goal, persona, hooks, audience size, documents and steps.
2. For each document that matters (email copy, brief), call ${tool('g8_get_campaign_document')} and check: clear subject lines, personalisation tokens, one call to action, no unfinished placeholders, tone that fits the persona.
3. Call ${tool('g8_launch_campaign')} with campaign_id="${id}" and dry_run=true. Report every readiness problem it lists (audience, copy, steps, mailboxes).
4. Check the knowledge base for positioning the copy should reflect: ${tool('g8_gtm_search_kb', 'g8_search_kb')} with the campaign's core concept.
5. Give a verdict — ready, or blocked by a numbered list of fixes. Offer concrete edits via ${tool('g8_update_campaign')}, applied only after the user agrees. Launch only if the user asks, with ${tool('g8_launch_campaign')} (it sends real email and spends credits).`,
  },
  {
    name: 'icp_refinement',
    title: 'Refine the ideal customer profile',
    description: 'Turn feedback into a sharper ICP, tested against CRM data and sequence results',
    argument: {
      name: 'feedback',
      description: 'What you learned (wins, losses, objections, segments that respond)',
    },
    render: (feedback, tool) => `Refine our ideal customer profile (ICP) using this feedback:

"""${feedback}"""

1. Read the current ICP and personas: ${tool('g8_gtm_search_kb', 'g8_search_kb')} for "ICP", "persona" and "objections"; open the most relevant documents.
2. Test the feedback against the CRM: use ${tool('g8_search_contacts')} (seniority_level, job_title, country) and ${tool('g8_search_companies')} (industry) to size the segments the feedback points to.
3. Look at what converts: ${tool('g8_get_sequence_analytics')} for the sequences aimed at those segments; compare reply rates.
4. Write the refined ICP: firmographics, personas, pains, triggers, disqualifiers, and the evidence for each change (numbers from steps 2-3).
5. Propose where to apply it (campaign target_persona via ${tool('g8_update_campaign')}, new lists, sequence copy) and wait for the user's approval before changing anything.`,
  },
];

export function registerPrompts(server: Server, deps: PromptDeps): void {
  const names = new Set(deps.toolNames);
  /** The first candidate this session exposes; otherwise the first, marked as unavailable. */
  const tool = (...candidates: string[]) =>
    candidates.find((c) => names.has(c)) ?? `${candidates[0]} (not enabled in this server's mode)`;

  server.setRequestHandler('prompts/list', () => ({
    prompts: PROMPTS.map((p) => ({
      name: p.name,
      title: p.title,
      description: p.description,
      arguments: [{ name: p.argument.name, description: p.argument.description, required: true }],
    })),
  }));

  server.setRequestHandler('prompts/get', (request) => {
    const prompt = PROMPTS.find((p) => p.name === request.params.name);
    if (!prompt) {
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `Unknown prompt ${request.params.name}. Prompts: ${PROMPTS.map((p) => p.name).join(', ')}`,
      );
    }
    const value = request.params.arguments?.[prompt.argument.name]?.trim();
    if (!value)
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `Prompt ${prompt.name} needs the argument ${prompt.argument.name}`,
      );
    return {
      description: prompt.description,
      messages: [{ role: 'user', content: { type: 'text', text: prompt.render(value, tool) } }],
    };
  });
}

/** Completion for prompt arguments that are ids. */
export async function completePromptArgument(
  prompt: string,
  argument: string,
  get: (request: RestRequest) => Promise<RestResult>,
): Promise<string[]> {
  if (prompt === 'campaign_review' && argument === 'campaign_id') {
    const res = await get({ method: 'GET', path: '/campaigns', query: { limit: 200 } });
    return Array.isArray(res.data) ? res.data.map((c) => String((c as { id: unknown }).id)) : [];
  }
  return [];
}
