import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { installedMotoPython } from '../../tools/moto';

interface RsaPrivateJwk {
  kid: string;
  n: string;
  d: string;
}

let cached: RsaPrivateJwk | undefined;

/**
 * The private key moto signs its tokens with: its package ships it. With it a test can make a
 * token whose signature is valid but whose claims are wrong, which no real flow produces.
 */
export function motoSigningKey(): RsaPrivateJwk {
  if (cached) return cached;
  const python = installedMotoPython() ?? 'python3';
  const found = spawnSync(python, ['-c', 'import moto, os; print(os.path.dirname(moto.__file__))'], {
    encoding: 'utf8',
  });
  if (found.status !== 0) throw new Error(`cannot locate moto: ${found.stderr}`);
  const file = join(found.stdout.trim(), 'cognitoidp', 'resources', 'jwks-private.json.gz');
  cached = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as RsaPrivateJwk;
  return cached;
}

const toBigInt = (base64url: string) => BigInt(`0x${Buffer.from(base64url, 'base64url').toString('hex')}`);

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

/**
 * RS256 (RSASSA-PKCS1-v1_5 with SHA-256) by hand: moto's key has only `n` and `d`, which Node's
 * key import refuses (it wants the CRT parameters too).
 */
function rs256(data: string, { n, d }: RsaPrivateJwk): string {
  const modulus = toBigInt(n);
  const size = Buffer.from(n, 'base64url').length;
  const digestInfo = Buffer.concat([
    Buffer.from('3031300d060960864801650304020105000420', 'hex'),
    createHash('sha256').update(data).digest(),
  ]);
  const padded = Buffer.concat([
    Buffer.from([0x00, 0x01]),
    Buffer.alloc(size - digestInfo.length - 3, 0xff),
    Buffer.from([0x00]),
    digestInfo,
  ]);
  const signature = modPow(BigInt(`0x${padded.toString('hex')}`), toBigInt(d), modulus);
  return Buffer.from(signature.toString(16).padStart(size * 2, '0'), 'hex').toString('base64url');
}

const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT signed RS256 with moto's key (or unsigned with `alg: 'none'`). */
export function forgeJwt(
  claims: Record<string, unknown>,
  options: { alg?: 'RS256' | 'none'; kid?: string } = {},
): string {
  const key = motoSigningKey();
  const alg = options.alg ?? 'RS256';
  const unsigned = `${segment({ alg, kid: options.kid ?? key.kid, typ: 'JWT' })}.${segment(claims)}`;
  return alg === 'none' ? `${unsigned}.` : `${unsigned}.${rs256(unsigned, key)}`;
}
