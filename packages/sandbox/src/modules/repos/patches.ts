/**
 * The install plan ("spine") for a scanned repo: tracking snippet, identity on sign-in/sign-up,
 * form capture and UTM attribution, as unified diffs the agent applies locally. graph8 never
 * touches the repository; the plan only reflects what the client's scan reported.
 */

export interface Patch {
  file_path: string;
  action: 'create' | 'modify';
  description: string;
  diff: string;
}

interface Route {
  method: string;
  path: string;
}

type Framework = 'nextjs' | 'vite' | 'express' | 'generic';

function frameworkOf(techStack: Record<string, unknown>): Framework {
  const text = `${String(techStack.framework ?? '')} ${String(techStack.language ?? '')}`.toLowerCase();
  if (text.includes('next')) return 'nextjs';
  if (text.includes('vite') || text.includes('react') || text.includes('vue') || text.includes('svelte'))
    return 'vite';
  if (text.includes('express') || text.includes('fastify') || text.includes('node')) return 'express';
  return 'generic';
}

/** A whole new file as a unified diff. */
function created(path: string, body: string): string {
  const lines = body.split('\n');
  return [
    `--- /dev/null`,
    `+++ b/${path}`,
    `@@ -0,0 +1,${lines.length} @@`,
    ...lines.map((l) => `+${l}`),
  ].join('\n');
}

function modified(path: string, hunk: string): string {
  return [`--- a/${path}`, `+++ b/${path}`, hunk].join('\n');
}

const SNIPPET = (envVar: string) => `// graph8 tracking: page views, identity and attribution.
import { g8 } from '@graph8/js';

export const graph8 = g8.init({
  writeKey: ${envVar},
  captureUtm: true,
  autocapture: { pageviews: true, forms: true },
});

export function identify(email: string, traits: Record<string, unknown> = {}) {
  graph8.identify(email, traits);
}`;

function trackingPatches(fw: Framework, writeKey: string | null): Patch[] {
  const key = writeKey ?? '<your graph8 write key>';
  const env: Patch = {
    file_path: '.env.example',
    action: 'modify',
    description: 'Declare the graph8 write key (public, browser-safe) the snippet reads.',
    diff: modified(
      '.env.example',
      `@@ -1,0 +1,2 @@\n+# graph8 tracking (public write key)\n+${fw === 'nextjs' ? 'NEXT_PUBLIC_G8_WRITE_KEY' : fw === 'vite' ? 'VITE_G8_WRITE_KEY' : 'G8_WRITE_KEY'}=${key}`,
    ),
  };
  if (fw === 'nextjs') {
    return [
      {
        file_path: 'src/lib/graph8.ts',
        action: 'create',
        description: 'graph8 client: initialises tracking with the write key and exposes identify().',
        diff: created(
          'src/lib/graph8.ts',
          `'use client';\n${SNIPPET('process.env.NEXT_PUBLIC_G8_WRITE_KEY!')}`,
        ),
      },
      {
        file_path: 'src/app/layout.tsx',
        action: 'modify',
        description: 'Load the graph8 client once in the root layout so every page is tracked.',
        diff: modified(
          'src/app/layout.tsx',
          "@@ -1,3 +1,4 @@\n import type { Metadata } from 'next';\n+import '@/lib/graph8';\n import './globals.css';\n ",
        ),
      },
      env,
    ];
  }
  if (fw === 'vite') {
    return [
      {
        file_path: 'src/lib/graph8.ts',
        action: 'create',
        description: 'graph8 client: initialises tracking with the write key and exposes identify().',
        diff: created('src/lib/graph8.ts', SNIPPET('import.meta.env.VITE_G8_WRITE_KEY')),
      },
      {
        file_path: 'src/main.tsx',
        action: 'modify',
        description: 'Import the graph8 client at start-up.',
        diff: modified(
          'src/main.tsx',
          "@@ -1,2 +1,3 @@\n import React from 'react';\n+import './lib/graph8';\n import ReactDOM from 'react-dom/client';",
        ),
      },
      env,
    ];
  }
  if (fw === 'express') {
    return [
      {
        file_path: 'src/graph8.ts',
        action: 'create',
        description: 'Server-side graph8 client for identify and form events.',
        diff: created('src/graph8.ts', SNIPPET('process.env.G8_WRITE_KEY')),
      },
      env,
    ];
  }
  return [
    {
      file_path: 'public/index.html',
      action: 'modify',
      description: 'Add the graph8 browser snippet to the page head.',
      diff: modified(
        'public/index.html',
        `@@ -3,2 +3,3 @@\n   <meta charset="utf-8" />\n+  <script async src="https://cdn.graph8.com/g8.js" data-write-key="${key}"></script>\n   <title>`,
      ),
    },
  ];
}

const FORM_ROUTE = /sign-?up|register|contact|demo|lead|waitlist|subscribe|trial/i;
const LOGIN_ROUTE = /login|sign-?in|session|auth/i;

function handlerPath(fw: Framework, route: Route): string {
  const clean = route.path.replace(/^\/+/, '').replace(/:(\w+)/g, '[$1]');
  if (fw === 'nextjs') return `src/app/${clean}/route.ts`;
  return `src/routes/${clean.replace(/\//g, '-') || 'index'}.ts`;
}

function routePatches(fw: Framework, routes: readonly Route[]): Patch[] {
  const patches: Patch[] = [];
  const importLine =
    fw === 'nextjs' ? "+import { identify } from '@/lib/graph8';" : "+import { identify } from '../graph8';";
  for (const route of routes) {
    if (route.method.toUpperCase() !== 'POST') continue;
    const isForm = FORM_ROUTE.test(route.path);
    const isLogin = LOGIN_ROUTE.test(route.path);
    if (!isForm && !isLogin) continue;
    const file = handlerPath(fw, route);
    patches.push({
      file_path: file,
      action: 'modify',
      description: isLogin
        ? `Identify the visitor on ${route.method} ${route.path} so sessions join their contact record.`
        : `Capture ${route.method} ${route.path} submissions as graph8 form events with UTM attribution.`,
      diff: modified(
        file,
        `@@ -1,1 +1,2 @@\n${importLine}\n@@ -12,2 +13,3 @@\n   const { email, ...fields } = await readBody(request);\n+  identify(email, { ...fields, source: '${route.path}' });\n   return respond(201);`,
      ),
    });
    if (patches.length >= 4) break;
  }
  return patches;
}

export function buildPatches(
  techStack: Record<string, unknown>,
  apiRoutes: readonly Route[],
  writeKey: string | null,
): Patch[] {
  const fw = frameworkOf(techStack);
  return [...trackingPatches(fw, writeKey), ...routePatches(fw, apiRoutes)];
}
