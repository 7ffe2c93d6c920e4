/**
 * Stdio's audit trail: one JSON line per record appended to G8_AUDIT_FILE (owner-only when this
 * server creates it). Never stdout: in stdio mode that belongs to the transport. Rotation and
 * retention of the file are left to the operator's tools (logrotate and the like).
 */
import { appendFile } from 'node:fs/promises';
import { type AuditRecord, recordJson } from './record.js';
import type { AuditSinkStore } from './store.js';

export function jsonlAuditStore(file: string): AuditSinkStore {
  return {
    async append(records: readonly AuditRecord[]): Promise<void> {
      if (!records.length) return;
      const text = records.map((r) => `${JSON.stringify(recordJson(r))}\n`).join('');
      await appendFile(file, text, { mode: 0o600 });
    },
    async close(): Promise<void> {},
  };
}
