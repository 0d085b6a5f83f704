import type { LoggerService } from '@nestjs/common';

const PINO_LEVELS: Record<number, string> = {
  10: 'verbose',
  20: 'debug',
  30: 'log',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/**
 * Every line the app logged, with its level, kept for assertions: either as the destination of
 * the JSON log stream (`write`, exactly the bytes that would reach stdout) or as a Nest logger.
 */
export class CapturedLogs implements LoggerService {
  readonly entries: { level: string; text: string }[] = [];

  private push(level: string, args: unknown[]): void {
    this.entries.push({
      level,
      text: args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '),
    });
  }

  log = (...args: unknown[]) => this.push('log', args);
  error = (...args: unknown[]) => this.push('error', args);
  warn = (...args: unknown[]) => this.push('warn', args);
  debug = (...args: unknown[]) => this.push('debug', args);
  verbose = (...args: unknown[]) => this.push('verbose', args);
  fatal = (...args: unknown[]) => this.push('fatal', args);

  /** The log stream's sink: one JSON line per call. */
  write(line: string): void {
    const { level } = JSON.parse(line) as { level?: number };
    this.entries.push({ level: PINO_LEVELS[level ?? 30] ?? 'log', text: line.trimEnd() });
  }

  /** `level text`, one per entry. */
  get lines(): string[] {
    return this.entries.map(({ level, text }) => `${level} ${text}`);
  }

  get text(): string {
    return this.lines.join('\n');
  }
}
