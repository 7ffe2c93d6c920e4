import { z } from 'zod';
import { defineTool } from '../../src/catalogue/types.js';
import { limit, page } from '../fields.js';
import { repoId } from './repos.js';

export const listRepoCampaigns = defineTool({
  name: 'g8_list_campaigns',
  title: 'List repo campaigns',
  description: 'List the campaigns linked to a repo. Open one with g8_get_campaign.',
  toolset: 'campaigns',
  scope: 'campaigns:read',
  tier: 'read',
  input: z.object({ repo_id: repoId(), page: page(), limit: limit(50, 200) }),
  http: { method: 'GET', path: '/repos/{repo_id}/campaigns' },
});

export const getRepoCampaign = defineTool({
  name: 'g8_get_campaign',
  title: 'Get repo campaign',
  description: 'One campaign linked to a repo, with its document list.',
  toolset: 'campaigns',
  scope: 'campaigns:read',
  tier: 'read',
  input: z.object({
    repo_id: repoId(),
    campaign_id: z.string().min(1).describe('Campaign id (from g8_list_campaigns)'),
  }),
  http: { method: 'GET', path: '/repos/{repo_id}/campaigns/{campaign_id}' },
});

export const devCampaignTools = [listRepoCampaigns, getRepoCampaign];
