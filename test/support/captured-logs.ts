import type { LoggerService } from '@nestjs/common';

/** Every line the app logged through Nest's logger, with its level, kept for assertions. */
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

  /** `level text`, one per entry. */
  get lines(): string[] {
    return this.entries.map(({ level, text }) => `${level} ${text}`);
  }

  get text(): string {
    return this.lines.join('\n');
  }
}
