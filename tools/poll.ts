/** graph8's terminal job statuses (contract §2.8, §2.4.1): a job in one of them is not polled again. */
export const TERMINAL: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);
