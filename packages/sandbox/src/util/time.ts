/** ISO 8601 UTC text, the contract's timestamp format everywhere except API-key objects. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Unix epoch seconds, the format of API-key timestamps (§3.2). */
export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

export const DAY_MS = 86_400_000;
