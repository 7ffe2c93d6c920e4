/** Accumulates AND-ed SQL conditions with their bound parameters (never string-built values). */
export class Where {
  private readonly clauses: string[] = [];
  readonly params: (string | number)[] = [];

  add(clause: string, ...params: (string | number)[]): this {
    this.clauses.push(clause);
    this.params.push(...params);
    return this;
  }

  /** Adds the clause only when the value is present. */
  when<T extends string | number>(
    value: T | undefined,
    clause: string,
    map: (v: T) => (string | number)[] = (v) => [v],
  ): this {
    if (value !== undefined) this.add(clause, ...map(value));
    return this;
  }

  sql(): string {
    return this.clauses.length === 0 ? '1 = 1' : this.clauses.join(' AND ');
  }
}

/** `%text%` for LIKE with the user's own % and _ taken literally (ESCAPE '\'). */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
