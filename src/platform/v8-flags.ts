/**
 * V8 flags set at run time (the command line belongs to whoever spawns the bin). Only on the V8s
 * known to have them — Node 20–22 — because V8 writes "unrecognized flag" to stdout, which in
 * stdio mode is the MCP channel. V8 reads these when it uses them, so setting them late works
 * (not every flag does: `--max-semi-space-size` is ignored, `--single-threaded` crashes).
 */
export async function setV8Flags(...flags: string[]): Promise<void> {
  const major = Number(process.versions.v8.split('.')[0]);
  if (major < 11 || major > 12) return;
  // Imported here: node:v8 takes ~2 ms to load, not worth spending before stdio's `initialize`.
  const { setFlagsFromString } = await import('node:v8');
  for (const flag of flags) setFlagsFromString(flag);
}

/**
 * V8 doubles the young generation (up to 2 × 16 MB) whenever much of it survives a scavenge —
 * as it does while a server loads its modules — and the pages it grew into stay resident. With
 * growth off, loading leaves the young generation at its initial 2 × 1 MB.
 */
export const YOUNG_GENERATION_FIXED = '--semi-space-growth-factor=1';
/** V8's default, for a server that should grow it again once loaded (remote mode, under load). */
export const YOUNG_GENERATION_GROWS = '--semi-space-growth-factor=2';
