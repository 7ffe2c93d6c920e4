/**
 * Plain requests to the OAuth endpoints for refusal tests: a form POST, a JSON POST, and the OAuth
 * error body of the answer.
 */

export function form(fields: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  };
}

export function json(body: unknown): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export async function refusal(res: Response): Promise<{ error: string; error_description: string }> {
  return (await res.json()) as { error: string; error_description: string };
}

/** A request to a path of the server at `base`, redirects not followed (they are what is tested). */
export function fetchAt(base: string, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(new URL(path, base), { redirect: 'manual', ...init });
}
