/** OpenAPI 3.1 generated from the registered routes, so the document can never drift from them. */

import { compileSegments } from '../kernel/router.js';
import type { Route } from '../module.js';

/** Path parameters that carry integer ids (§1.1); every other id is an opaque string. */
const INTEGER_PARAMS = new Set(['contact_id', 'company_id', 'config_id', 'list_id', 'column_id']);

function operationId(route: Route): string {
  const slug = route.path
    .replace(/:([a-z_]+)/g, 'by_$1')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
  return `${route.method.toLowerCase()}_${slug}`;
}

export function openApiDocument(routes: readonly Route[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const segments = compileSegments(route.path);
    const path = `/${segments.map((s) => (s.kind === 'static' ? s.text : `{${s.name}}`)).join('/')}`;
    const parameters = segments.flatMap((s) =>
      s.kind === 'param'
        ? [
            {
              name: s.name,
              in: 'path',
              required: true,
              schema: { type: INTEGER_PARAMS.has(s.name) ? 'integer' : 'string' },
            },
          ]
        : [],
    );
    const methods = paths[path] ?? {};
    paths[path] = methods;
    methods[route.method.toLowerCase()] = {
      operationId: operationId(route),
      summary: route.summary,
      tags: [route.path.split('/')[1] ?? 'root'],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.method === 'POST'
        ? {
            parameters: [
              ...parameters,
              {
                name: 'Idempotency-Key',
                in: 'header',
                required: false,
                schema: { type: 'string', minLength: 1, maxLength: 255 },
              },
            ],
          }
        : {}),
      'x-graph8-scope': route.scope,
      'x-graph8-lifecycle': 'active',
      security: [{ bearer: [] }],
      responses: {
        default: {
          description: 'Success envelope `{data}` (§1.3) or an error body (§1.5)',
          content: { 'application/json': { schema: {} } },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'graph8 Developer API (local sandbox)',
      version,
      description: 'A local graph8-compatible backend. Authenticate with `Authorization: Bearer g8_test_…`.',
    },
    servers: [{ url: '/api/v1' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'graph8 API key' } },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
