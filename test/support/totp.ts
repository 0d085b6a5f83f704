import { TOTP, type Secret } from 'otpauth';

/**
 * How long a code must stay current for the emulator to check it: moto accepts only the current
 * 30-second step, and on a busy machine typing a code into a page and passing it on to moto can take
 * seconds. A third of the step: waiting costs about 1.7 s per code on average.
 */
const MARGIN_MS = 10_000;

/**
 * The code an authenticator app holding `secret` shows now. In the last seconds of its step it waits
 * for the next one, so the code is still current when the emulator checks it.
 */
export async function currentCode(secret: string | Secret): Promise<string> {
  const totp = new TOTP({ secret });
  const periodMs = totp.period * 1000;
  const left = periodMs - (Date.now() % periodMs);
  if (left < MARGIN_MS) await new Promise((resolve) => setTimeout(resolve, left + 50));
  return totp.generate();
}

/** A code that is certainly not the current one (the next number, six digits). */
export const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
