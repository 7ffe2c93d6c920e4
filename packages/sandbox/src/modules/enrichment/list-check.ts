/** List ownership and membership checks shared by the enrichment routes. */
import { type Ctx, fail } from '../../module.js';

export function requireList(ctx: Ctx, listId: number): void {
  const list = ctx.db
    .prepare<[number, string], { id: number }>('SELECT id FROM lists WHERE id = ? AND org_id = ?')
    .get(listId, ctx.auth.orgId);
  if (!list) throw fail.notFound('List not found');
}

/** Contacts must already be in the list (§2.1): the ones that are not make the call a 400. */
export function requireMembers(ctx: Ctx, listId: number, recordIds: readonly number[]): void {
  const member = ctx.db.prepare<[number, number], { n: number }>(
    'SELECT 1 AS n FROM list_members WHERE list_id = ? AND contact_id = ?',
  );
  const missing = recordIds.filter((id) => !member.get(listId, id));
  if (missing.length > 0) {
    const shown = missing.slice(0, 10).join(', ');
    throw fail.badRequest(
      `Contacts not in list ${listId}: ${shown}${missing.length > 10 ? ` (+${missing.length - 10} more)` : ''}`,
    );
  }
}
