/**
 * The approval page's side of a gated call (remote mode): a preview opens an approval and names
 * its page; a person signs in there as the caller and approves the exact call; the model's next
 * identical call claims it. The page itself lives in src/remote/approval (the server factory knows
 * no HTTP); this is all the call path sees of it.
 */

export interface ApprovalRequest {
  /** Who is calling (the principal's owner): only the same principal may approve. */
  readonly who: string;
  /** The binding (schemaKey) and the exact, validated arguments. */
  readonly binding: string;
  readonly tool: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly summary: string;
}

export interface ApprovalDesk {
  /** Opens an approval for exactly this call; returns the URL of its page (none if it cannot). */
  open(request: ApprovalRequest): Promise<string | undefined>;
  /** The id of an approved, unclaimed approval of exactly this call, now claimed (single use). */
  claim(who: string, binding: string, args: unknown): Promise<string | undefined>;
}
