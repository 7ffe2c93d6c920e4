/**
 * `g8-mcp-server migrate-state [--data-dir .data]`: copies a single machine's sign-ins into
 * G8_DATABASE_URL (src/stores/migrate-state.ts) and prints one summary line. A command of its own,
 * never the stdio server: its stdout is the user's terminal, not an MCP channel.
 */
export async function runMigrateState(argv: readonly string[]): Promise<void> {
  const [{ loadConfig }, { createLogger }, { migrateState }] = await Promise.all([
    import('../config/load.js'),
    import('../platform/log.js'),
    import('../stores/migrate-state.js'),
  ]);
  const config = loadConfig(process.env, argv);
  const report = await migrateState(config, createLogger(config.logLevel));
  process.stdout.write(
    `Copied into PostgreSQL: ${report.clients} clients, ${report.grants} grants, ${report.tokens} tokens (rows already there were left as they were).\n`,
  );
}
