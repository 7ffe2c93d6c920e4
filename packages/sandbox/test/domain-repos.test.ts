import { beforeEach, describe, expect, it } from 'vitest';
import { Harness, locs, OTHER } from './domain-harness.js';

let h: Harness;
beforeEach(() => {
  h = new Harness();
});

const repo = (suffix: string, org = 'org_demo'): string =>
  h.row("SELECT id FROM repo_repos WHERE org_id = ? AND repo_url LIKE '%' || ?", org, suffix).id;

describe('POST /repos', () => {
  it('connects a repository (201) and mints a write key', () => {
    const res = h.post('/repos', { repo_url: 'https://github.com/acme/api', repo_name: 'acme/api' });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      id: expect.stringMatching(/^repo_/),
      repo_url: 'https://github.com/acme/api',
      provider: 'github',
      default_branch: 'main',
      status: 'connected',
      has_write_key: true,
      write_key: expect.stringMatching(/^wk_/),
      last_scan_at: null,
    });
    expect(h.route('POST', '/repos').scope).toBe('campaigns:write');
  });

  it('409 for the same URL (any spelling) with the existing id, 422 for bad input', () => {
    const existing = repo('/web-app');
    const dup = h.post('/repos', { repo_url: 'https://github.com/Acme-Inc/web-app.git/', repo_name: 'x' });
    expect(dup.status).toBe(409);
    expect(dup.body.detail).toContain(existing);
    expect(locs(h.post('/repos', { repo_url: 'not a url', repo_name: 'x' }).body)).toEqual(['body.repo_url']);
    expect(locs(h.post('/repos', { repo_url: 'https://github.com/a/b', provider: 'svn' }).body)).toEqual([
      'body.repo_name',
      'body.provider',
    ]);
    expect(h.post('/repos', { repo_url: '/home/me/app', repo_name: 'local', provider: 'local' }).status).toBe(
      201,
    );
    // The same URL in another org is a different repository.
    expect(
      h.post('/repos', { repo_url: 'https://github.com/acme-inc/web-app', repo_name: 'x' }, { org: OTHER })
        .status,
    ).toBe(201);
  });
});

describe('scan routes', () => {
  it('records a scan (201) and returns the latest', () => {
    const id = repo('/marketing-site');
    expect(h.get(`/repos/${id}/scan`).body).toEqual({ detail: 'No scan for this repository yet' });
    const res = h.post(`/repos/${id}/scan`, {
      tech_stack: { framework: 'express', language: 'typescript' },
      api_routes: [{ method: 'POST', path: '/api/contact' }],
      product_type: 'b2b_saas',
      scan_duration_ms: 1200,
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      scan_id: expect.stringMatching(/^scan_/),
      repo_id: id,
      gtm_readiness: {},
      readme_summary: null,
    });
    expect(h.get(`/repos/${id}/scan`).body.data).toEqual(res.body.data);
    expect(h.get(`/repos/${id}`).body.data).toMatchObject({
      status: 'scanned',
      last_scan_at: res.body.data.created_at,
    });
    expect(h.route('POST', `/repos/${id}/scan`).scope).toBe('search:run');
    expect(h.route('GET', `/repos/${id}/scan`).scope).toBe('search:run');
  });

  it('422 without tech_stack, 404 for another org’s repo', () => {
    const id = repo('/marketing-site');
    expect(locs(h.post(`/repos/${id}/scan`, { api_routes: [] }).body)).toEqual(['body.tech_stack']);
    expect(h.post(`/repos/${repo('/app', OTHER)}/scan`, { tech_stack: {} }).status).toBe(404);
    expect(h.get(`/repos/${repo('/app', OTHER)}`).body).toEqual({ detail: 'Repository not found' });
  });
});

describe('install routes', () => {
  it('previews a patch set, reports it, then applies it', () => {
    const id = repo('/web-app');
    expect(h.get(`/repos/${id}/install/status`).status).toBe(404);
    expect(h.post(`/repos/${id}/install/apply`).status).toBe(404);
    const res = h.post(`/repos/${id}/install`);
    expect(res.status).toBe(201);
    const set = res.body.data;
    expect(set).toMatchObject({
      patch_set_id: expect.stringMatching(/^ps_/),
      repo_id: id,
      status: 'PREVIEW',
    });
    const paths = set.patches.map((p: { file_path: string }) => p.file_path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'src/lib/graph8.ts',
        'src/app/layout.tsx',
        '.env.example',
        'src/app/api/signup/route.ts',
      ]),
    );
    for (const p of set.patches) {
      expect(['create', 'modify']).toContain(p.action);
      expect(p.diff).toMatch(/^--- /);
      expect(p.description.length).toBeGreaterThan(10);
    }
    expect(h.get(`/repos/${id}/install/status`).body.data).toEqual({
      patch_set_id: set.patch_set_id,
      status: 'PREVIEW',
      applied_at: null,
    });
    const applied = h.post(`/repos/${id}/install/apply`).body.data;
    expect(applied).toEqual({
      patch_set_id: set.patch_set_id,
      status: 'APPLIED',
      applied_at: expect.any(String),
    });
    expect(h.get(`/repos/${id}`).body.data.status).toBe('installed');
    expect(h.post(`/repos/${id}/install/apply`).status).toBe(404);
    expect(h.route('GET', `/repos/${id}/install/status`).scope).toBe('integrations:read');
    expect(h.route('POST', `/repos/${id}/install`).scope).toBe('integrations:write');
    expect(h.route('POST', `/repos/${id}/install/apply`).scope).toBe('integrations:write');
  });

  it('409 scan_required before any scan', () => {
    expect(h.post(`/repos/${repo('/marketing-site')}/install`).body).toEqual({ detail: 'scan_required' });
  });
});

describe('knowledge base', () => {
  it('lists org documents grouped by section (GET /kb)', () => {
    const res = h.get('/kb');
    const sections = res.body.data.sections.map((s: { section: string }) => s.section);
    expect(sections).toEqual(
      expect.arrayContaining(['Positioning', 'Personas', 'ICP', 'Objection handling', 'Pricing', 'Product']),
    );
    expect(res.body.data.sections[0].documents[0]).toEqual({
      id: expect.stringMatching(/^kb_/),
      title: expect.any(String),
      updated_at: expect.any(String),
      scope: 'org',
    });
    expect(h.route('GET', '/kb').scope).toBe('campaigns:read');
  });

  it('searches with scores and snippets (POST /kb/search)', () => {
    const res = h.post('/kb/search', { query: 'pricing per seat' });
    expect(res.body.data.query).toBe('pricing per seat');
    expect(res.body.data.total).toBeGreaterThan(0);
    const top = res.body.data.results[0];
    expect(top).toMatchObject({ section: 'Pricing', title: 'Pricing and packaging' });
    expect(top.score).toBeGreaterThan(0);
    expect(top.score).toBeLessThanOrEqual(1);
    expect(top.snippet.toLowerCase()).toContain('seat');
    const scores = res.body.data.results.map((r: { score: number }) => r.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(h.post('/kb/search', { query: 'zzzz-nothing' }).body.data).toEqual({
      query: 'zzzz-nothing',
      results: [],
      total: 0,
    });
    expect(h.post('/kb/search', { query: '' }).status).toBe(422);
    expect(h.post('/kb/search', { query: 'x'.repeat(501) }).status).toBe(422);
    expect(h.route('POST', '/kb/search').scope).toBe('campaigns:write');
    const foreign = h.post('/kb/search', { query: 'pricing' }, { org: OTHER }).body.data.results;
    expect(foreign.map((r: { title: string }) => r.title)).toEqual(['Other org positioning']);
  });

  it('repo KB adds the repo’s own documents; 404 for foreign repos', () => {
    const id = repo('/web-app');
    const list = h.get(`/repos/${id}/kb`).body.data.sections;
    const scopes = new Set(
      list.flatMap((s: { documents: { scope: string }[] }) => s.documents.map((d) => d.scope)),
    );
    expect(scopes).toEqual(new Set(['org', 'repo']));
    const hits = h.post(`/repos/${id}/kb/search`, { query: 'tracking plan identify' }).body.data.results;
    expect(hits[0].title).toBe('Tracking plan');
    expect(h.get(`/repos/${repo('/app', OTHER)}/kb`).status).toBe(404);
    expect(h.post(`/repos/${repo('/app', OTHER)}/kb/search`, { query: 'x' }).status).toBe(404);
    expect(h.post(`/repos/${id}/kb/search`, {}).status).toBe(422);
    expect(h.route('GET', `/repos/${id}/kb`).scope).toBe('knowledge:read');
    expect(h.route('POST', `/repos/${id}/kb/search`).scope).toBe('knowledge:write');
  });
});
