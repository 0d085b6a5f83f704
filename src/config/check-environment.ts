import { validateEnvironment } from './env.validation';

/**
 * Validates `env` and hands a problem to `fail` as the one configuration message (every invalid
 * variable on its own line), without a stack trace: a trace would only point into the loader.
 */
export function checkEnvironment(env: Record<string, unknown>, fail: (message: string) => void): void {
  try {
    validateEnvironment(env);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
}

/** Imported by main.ts before the app's modules (whose loading validates again, and would throw). */
export function exitOnInvalidEnvironment(): void {
  checkEnvironment(process.env, (message) => {
    process.stderr.write(`${message}\n`);
    process.exit(1);
  });
}
