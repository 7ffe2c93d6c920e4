/** The scope grammar of api-contract §1.9: `*`, `resource:*` or `resource:action`; no implication. */

export function scopeAllows(granted: readonly string[], required: string): boolean {
  if (granted.length === 0) return true; // an unrestricted key
  const resource = required.split(':')[0];
  return granted.some((s) => s === '*' || s === required || s === `${resource}:*`);
}
