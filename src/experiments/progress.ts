/**
 * A progress bar with an ETA for long jobs, on stderr by default. On a TTY it is one line updated
 * in place (at most 10 times a second); otherwise (logs, CI, pipes) it prints a full line every
 * `intervalSeconds`. ETA = remaining units × (elapsed time / units done in this process): work found
 * already done (finished runs, checkpoints) counts as done but not in the rate.
 */
export type ProgressMode = 'auto' | 'tty' | 'lines' | 'none';

export interface ProgressOptions {
  /** Total units of work (e.g. training steps of every run in a grid). */
  total: number;
  /** Unit name shown after the counts; default 'steps'. */
  unit?: string;
  /** Default: process.stderr. */
  stream?: { write(text: string): unknown; isTTY?: boolean };
  /** 'auto' (default): 'tty' when the stream is a terminal, else 'lines'. */
  mode?: ProgressMode;
  /** Seconds between lines in 'lines' mode; default 30. */
  intervalSeconds?: number;
  /** Clock in seconds (for tests); default performance.now() / 1000. */
  now?: () => number;
}

export class Progress {
  private done = 0;
  private timedDone = 0;
  private note = '';
  private lastDraw = -Infinity;
  /** The state changed since the bar was last drawn. */
  private changed = true;
  private readonly start: number;
  private readonly mode: Exclude<ProgressMode, 'auto'>;
  private readonly stream: NonNullable<ProgressOptions['stream']>;
  private readonly now: () => number;

  constructor(private readonly options: ProgressOptions) {
    if (!(options.total >= 0)) throw new Error(`Progress: total must be >= 0, got ${options.total}`);
    this.stream = options.stream ?? process.stderr;
    this.now = options.now ?? (() => performance.now() / 1000);
    const mode = options.mode ?? 'auto';
    this.mode = mode === 'auto' ? (this.stream.isTTY ? 'tty' : 'lines') : mode;
    this.start = this.now();
  }

  /** Records `units` of work done now (they count towards the rate). */
  advance(units = 1): void {
    this.done += units;
    this.timedDone += units;
    this.changed = true;
    this.draw(false);
  }

  /** Records `units` found already done (finished runs, resumed checkpoints): no effect on the rate. */
  skip(units: number): void {
    this.done += units;
    this.changed = true;
    this.draw(false);
  }

  /** Sets the text after the bar (e.g. the current run's id). */
  setNote(note: string): void {
    this.changed = this.changed || note !== this.note;
    this.note = note;
    this.draw(false);
  }

  /** Prints a message on its own line without disturbing the bar. */
  message(text: string): void {
    if (this.mode === 'none') return;
    this.stream.write(this.mode === 'tty' ? `\r\x1b[K${text}\n` : `${text}\n`);
    this.draw(true);
  }

  /**
   * Draws the final state, unless the bar already shows it (a message just redrew it), and ends the
   * line: the last progress line prints once, before whatever the caller prints next.
   */
  finish(): void {
    if (this.changed || this.lastDraw === -Infinity) this.draw(true);
    if (this.mode === 'tty') this.stream.write('\n');
  }

  /** The current line: bar, percentage, counts, elapsed time, ETA and note. */
  line(): string {
    const total = this.options.total;
    const fraction = total > 0 ? Math.min(1, this.done / total) : 1;
    const width = 20;
    const filled = Math.round(fraction * width);
    const elapsed = this.now() - this.start;
    const eta = this.timedDone > 0 ? formatDuration(((total - this.done) * elapsed) / this.timedDone) : '?';
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%`;
    const counts = `${this.done}/${total} ${this.options.unit ?? 'steps'}`;
    return `${bar} ${counts} | ${formatDuration(elapsed)} elapsed, ETA ${eta}${this.note ? ` | ${this.note}` : ''}`;
  }

  private draw(force: boolean): void {
    if (this.mode === 'none') return;
    const now = this.now();
    const interval = this.mode === 'tty' ? 0.1 : this.options.intervalSeconds ?? 30;
    if (!force && now - this.lastDraw < interval) return;
    this.lastDraw = now;
    this.changed = false;
    this.stream.write(this.mode === 'tty' ? `\r\x1b[K${this.line()}` : `${this.line()}\n`);
  }
}

/** `2h03m`, `4m05s`, `12s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
