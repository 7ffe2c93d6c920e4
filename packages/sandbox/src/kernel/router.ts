/**
 * Matches `/api/v1` paths against module routes. Our own matcher (not express.Router) because the
 * kernel must tell 404 from 405 and must run auth before anything route-specific, and because a
 * static segment must beat a parameter regardless of module order
 * (`/contacts/suppressions` before `/contacts/:contact_id`).
 */
import type { Route } from '../module.js';

type Segment = { kind: 'static'; text: string } | { kind: 'param'; name: string };

interface Compiled {
  readonly route: Route;
  readonly segments: readonly Segment[];
}

export type Match =
  | { kind: 'route'; route: Route; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

export function compileSegments(path: string): Segment[] {
  return split(path).map((text) =>
    text.startsWith(':') ? { kind: 'param', name: text.slice(1) } : { kind: 'static', text },
  );
}

export class Router {
  private readonly compiled: Compiled[] = [];

  constructor(private readonly warn: (line: string) => void = () => {}) {}

  add(route: Route): void {
    const segments = compileSegments(route.path);
    const shape = (segs: readonly Segment[]) =>
      segs.map((s) => (s.kind === 'static' ? s.text : ':')).join('/');
    const clash = this.compiled.find(
      (c) => c.route.method === route.method && shape(c.segments) === shape(segments),
    );
    if (clash) {
      // First registration wins (core before domain modules); say so instead of failing start-up.
      this.warn(`sandbox: duplicate route ${route.method} ${route.path} ignored`);
      return;
    }
    this.compiled.push({ route, segments });
  }

  routes(): Route[] {
    return this.compiled.map((c) => c.route);
  }

  match(method: string, path: string): Match {
    const parts = split(path);
    const candidates: { compiled: Compiled; params: Record<string, string>; score: string }[] = [];
    for (const compiled of this.compiled) {
      if (compiled.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let score = '';
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const seg = compiled.segments[i] as Segment;
        const part = parts[i] as string;
        if (seg.kind === 'static') {
          ok = seg.text === part;
          score += '1';
        } else {
          try {
            params[seg.name] = decodeURIComponent(part);
          } catch {
            ok = false; // malformed %-escape: no route can own it
          }
          score += '0';
        }
      }
      if (ok) candidates.push({ compiled, params, score });
    }
    if (candidates.length === 0) return { kind: 'not-found' };
    // Most static segments, earliest, wins: compare the score strings.
    candidates.sort((a, b) => (a.score < b.score ? 1 : a.score > b.score ? -1 : 0));
    const best = candidates[0]?.score;
    const sameShape = candidates.filter((c) => c.score === best);
    const hit = sameShape.find((c) => c.compiled.route.method === method);
    if (hit) return { kind: 'route', route: hit.compiled.route, params: hit.params };
    const anyMethod = candidates.find((c) => c.compiled.route.method === method);
    if (anyMethod) return { kind: 'route', route: anyMethod.compiled.route, params: anyMethod.params };
    return {
      kind: 'method-not-allowed',
      allowed: [...new Set(sameShape.map((c) => c.compiled.route.method))],
    };
  }
}
