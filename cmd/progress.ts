// Progress of long operations, on stderr (stdout may carry data, e.g. `lode export`).
// On a terminal: one line redrawn in place with a bar, rate and ETA. Otherwise (logs, pipes,
// CI): a plain line every few seconds, so a log shows the job is alive without flooding it.
// Hand-written rather than a library: the whole need is this one line, ~80 lines of code.

export type ProgressUnit = 'events' | 'lines' | 'bytes' | 'entries' | 'records';

export interface ProgressOptions {
  unit: ProgressUnit;
  /** Force plain lines (or a TTY bar) instead of detecting. */
  tty?: boolean;
  /** Seconds between plain lines (default 5). */
  plainEvery?: number;
  quiet?: boolean;
}

const BAR = 24;

export function formatCount(n: number, unit: ProgressUnit): string {
  if (unit !== 'bytes') return n.toLocaleString('en-US');
  return formatBytes(n);
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (x: number) => String(x).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

export class ProgressLine {
  private readonly tty: boolean;
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;
  private label: string;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    label: string,
    private readonly o: ProgressOptions,
  ) {
    this.label = label;
    this.tty = o.tty ?? Boolean((stream as NodeJS.WriteStream).isTTY);
  }

  /** Report `done` of `total` (total may be unknown). Cheap to call often. */
  update(done: number, total?: number, label?: string): void {
    if (this.o.quiet) return;
    if (label && label !== this.label) {
      if (this.drawn && this.tty) this.stream.write('\n');
      this.label = label;
      this.drawn = false;
      this.lastDraw = 0;
    }
    const now = Date.now();
    const every = this.tty ? 100 : (this.o.plainEvery ?? 5) * 1000;
    if (now - this.lastDraw < every && !(total !== undefined && done >= total && this.tty)) return;
    if (!this.tty && this.lastDraw === 0) {
      this.lastDraw = now; // first plain line only after one interval: short jobs stay quiet
      return;
    }
    this.lastDraw = now;
    this.drawn = true;
    const line = this.describe(done, total, (now - this.started) / 1000);
    if (this.tty) this.stream.write(`\r\x1b[2K${line}`);
    else this.stream.write(`${line}\n`);
  }

  /** End the line (TTY) so the summary starts on its own line. */
  finish(): void {
    if (this.drawn && this.tty) this.stream.write('\n');
    this.drawn = false;
  }

  private describe(done: number, total: number | undefined, elapsed: number): string {
    const rate = elapsed > 0 ? done / elapsed : 0;
    const rateText = `${formatCount(Math.round(rate), this.o.unit)}${this.o.unit === 'bytes' ? '' : ` ${this.o.unit}`}/s`;
    if (total === undefined || total <= 0) return `${this.label}: ${formatCount(done, this.o.unit)} ${this.o.unit === 'bytes' ? '' : this.o.unit} ${rateText}`.replace(/ +/g, ' ');
    const share = Math.min(1, done / total);
    const eta = rate > 0 ? (total - done) / rate : Infinity;
    const bar = this.tty ? `[${'#'.repeat(Math.round(share * BAR)).padEnd(BAR, '-')}] ` : '';
    return `${this.label}: ${bar}${(share * 100).toFixed(0)}% ${formatCount(done, this.o.unit)}/${formatCount(total, this.o.unit)} ${rateText} ETA ${formatDuration(eta)}`;
  }
}
