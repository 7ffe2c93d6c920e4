/**
 * Feedback on stderr while waiting: a spinner that appears only once a call has taken over a
 * second, and a one-line progress display for polled jobs. Both exist only on a terminal; piped
 * or redirected stderr gets nothing, so logs stay clean.
 */

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const CLEAR = '\r\x1b[K';

export interface StatusLine {
  /** Replace the line's text (progress of a job). */
  update(text: string): void;
  /** Remove the line; the cursor is left at the start of an empty line. */
  stop(): void;
}

const silent: StatusLine = { update() {}, stop() {} };

/**
 * A spinner with a label and elapsed seconds, shown after `delayMs` (1 s) so fast calls never
 * flicker. Timers are unref'd: a forgotten spinner cannot keep the process alive.
 */
export function statusLine(
  stream: NodeJS.WriteStream,
  enabled: boolean,
  label: string,
  delayMs = 1000,
): StatusLine {
  if (!enabled) return silent;
  let text = label;
  let frame = 0;
  let shown = false;
  const started = Date.now();
  let interval: NodeJS.Timeout | undefined;
  const draw = () => {
    const seconds = Math.floor((Date.now() - started) / 1000);
    const line = `${FRAMES[frame++ % FRAMES.length]} ${text} (${seconds}s)`;
    const width = (stream.columns || 80) - 1;
    stream.write(CLEAR + (line.length > width ? `${line.slice(0, width - 1)}…` : line));
    shown = true;
  };
  const timer = setTimeout(() => {
    draw();
    interval = setInterval(draw, 100);
    interval.unref();
  }, delayMs);
  timer.unref();
  return {
    update(next: string) {
      text = next;
      if (shown) draw();
    },
    stop() {
      clearTimeout(timer);
      if (interval) clearInterval(interval);
      if (shown) stream.write(CLEAR);
    },
  };
}
