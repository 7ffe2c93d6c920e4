/** ctx.credits and ctx.outbox: the two side channels a handler writes through (§1.10). */
import { type Credits, type Db, HttpError, type Outbox } from '../module.js';

export function orgCredits(db: Db, orgId: string): number {
  const row = db.prepare<[string], { credits: number }>('SELECT credits FROM orgs WHERE id = ?').get(orgId);
  return row?.credits ?? 0;
}

export function makeCredits(db: Db, orgId: string, requestId: string, now: () => number): Credits {
  return {
    balance: () => orgCredits(db, orgId),
    debit(amount, reason) {
      if (!(amount > 0)) return;
      const available = orgCredits(db, orgId);
      if (available < amount) {
        throw new HttpError(402, {
          type: 'payment_required',
          code: '402',
          reason: 'insufficient_credits',
          detail: 'Not enough credits for this action',
          required_credits: amount,
          available_credits: available,
          request_id: requestId,
        });
      }
      db.prepare('UPDATE orgs SET credits = credits - ? WHERE id = ?').run(amount, orgId);
      db.prepare(
        'INSERT INTO credit_ledger (org_id, amount, reason, request_id, created_at) VALUES (?, ?, ?, ?, ?)',
      ).run(orgId, -amount, reason, requestId, new Date(now()).toISOString());
    },
  };
}

export function makeOutbox(db: Db, orgId: string, now: () => number): Outbox {
  return {
    record(kind, summary, payload) {
      db.prepare(
        'INSERT INTO outbox (org_id, kind, summary, payload, created_at) VALUES (?, ?, ?, ?, ?)',
      ).run(orgId, kind, summary, JSON.stringify(payload ?? null), new Date(now()).toISOString());
    },
  };
}
