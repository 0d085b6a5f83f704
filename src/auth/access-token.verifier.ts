import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import {
  CognitoJwtInvalidClientIdError,
  CognitoJwtInvalidTokenUseError,
  JwtBaseError,
  JwtExpiredError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  KidNotFoundInJwksError,
  JwtWithoutValidKidError,
  ParameterValidationError,
  FetchError,
} from 'aws-jwt-verify/error';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { SimpleFetcher, type Fetcher } from 'aws-jwt-verify/https';
import { IdentityProviderUnavailableError, UnauthenticatedError } from '../common/errors';
import { ExpiringCache } from '../common/expiring-cache';
import { cognitoConfig } from '../config/configuration';
import type { Principal } from './principal';

/** Bound on the verified-token cache: about 1 kB a token, so at most ~10 MB. */
const VERIFIED_TOKENS_KEPT = 10_000;

/**
 * The cache is keyed by this many last characters of the token (its signature's): a Map look-up
 * hashes its key, and hashing the whole ~1 kB token (a new string on every request) cost more than
 * the rest of a cached check. A hit counts only if the whole token is the one that was verified.
 */
const CACHE_KEY_CHARS = 32;

/** Reasons a client can act on; the token itself is never echoed. */
const REASONS: [new (...args: never[]) => Error, string][] = [
  [JwtExpiredError, 'Access token expired'],
  [JwtNotBeforeError, 'Access token not yet valid'],
  [JwtInvalidIssuerError, 'Access token was issued by another user pool'],
  // What a single-pool verifier throws at verify time for a token whose issuer it was not given.
  [ParameterValidationError, 'Access token was issued by another user pool'],
  [CognitoJwtInvalidClientIdError, 'Access token was not issued to the frontend app client'],
  [CognitoJwtInvalidTokenUseError, 'An access token is required (not an ID token)'],
  [JwtInvalidSignatureAlgorithmError, 'Access token is not signed with RS256'],
  [JwtInvalidSignatureError, 'Access token signature is invalid'],
  [KidNotFoundInJwksError, 'Access token was signed with an unknown key'],
  [JwtWithoutValidKidError, 'Access token was signed with an unknown key'],
  [JwtParseError, 'Access token is malformed'],
];

/** Reads the JWKS from COGNITO_JWKS_URL (an emulator's, which serves it over plain http). */
class EndpointJwksFetcher implements Fetcher {
  constructor(private readonly jwksUrl: string) {}

  async fetch(): Promise<ArrayBuffer> {
    const response = await fetch(this.jwksUrl, { signal: AbortSignal.timeout(5_000) }).catch(
      (error: unknown) => {
        throw new FetchError(this.jwksUrl, error instanceof Error ? error.message : 'network error');
      },
    );
    if (!response.ok) throw new FetchError(this.jwksUrl, `HTTP ${response.status}`);
    return response.arrayBuffer();
  }
}

/**
 * Verifies access tokens minted for the frontend app client: RS256 signature against the pool's
 * JWKS (cached in memory, fetched again for an unknown key id), issuer, `token_use = access`,
 * `client_id`, expiry. Built on aws-jwt-verify.
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly verifier;
  /**
   * Verified tokens, keyed by the whole token, kept until the token's own `exp` and never longer:
   * a token costs one RSA verification per lifetime, not one per request. Safe because everything
   * checked is fixed in the signed token except time, and expiry is checked on every hit. What it
   * does not add: revocation is still only seen at expiry (as without the cache: aws-jwt-verify
   * never asks Cognito), and a key removed from the JWKS stops tokens only when they expire.
   */
  private readonly verified = new ExpiringCache<{ token: string; principal: Principal }>(
    VERIFIED_TOKENS_KEPT,
  );

  constructor(@Inject(cognitoConfig.KEY) config: ConfigType<typeof cognitoConfig>) {
    // Not derived from COGNITO_ENDPOINT: on AWS that may be a VPC or FIPS endpoint, which serves no
    // JWKS; the keys are always at the issuer's URL there (aws-jwt-verify's default).
    const fetcher = config.jwksUrl
      ? new EndpointJwksFetcher(config.jwksUrl)
      : new SimpleFetcher({ defaultRequestOptions: { timeout: 5_000 } });
    this.verifier = CognitoJwtVerifier.create(
      { userPoolId: config.userPoolId, tokenUse: 'access', clientId: config.frontendClientId },
      { jwksCache: new SimpleJwksCache({ fetcher }) },
    );
  }

  async verify(token: string): Promise<Principal> {
    const key = token.slice(-CACHE_KEY_CHARS);
    const cached = this.verified.get(key);
    if (cached?.token === token) return cached.principal;
    try {
      const claims = await this.verifier.verify(token);
      const principal = principalOf(claims);
      this.verified.set(key, { token, principal }, claims.exp * 1000);
      return principal;
    } catch (error) {
      throw error instanceof UnauthenticatedError ? error : toAuthError(error);
    }
  }
}

/** A UUID-like id or username of sane length: claims used as keys and in Cognito calls. */
const ID = /^[\w.@+-]{1,128}$/;

/**
 * The principal, from claims whose signature is verified: still, a token without `exp` (it would be
 * cached for ever), without `sub` or with an odd `username` is refused, never trusted or a 500.
 */
function principalOf(claims: Record<string, unknown>): Principal {
  const { sub, username, exp, iat, auth_time: authTime, scope } = claims;
  const groups = claims['cognito:groups'] ?? [];
  if (
    typeof exp !== 'number' ||
    typeof iat !== 'number' ||
    typeof sub !== 'string' ||
    !ID.test(sub) ||
    typeof username !== 'string' ||
    !ID.test(username) ||
    !Array.isArray(groups) ||
    !groups.every((group) => typeof group === 'string')
  ) {
    throw new UnauthenticatedError('Access token lacks a required claim (exp, iat, sub, username)');
  }
  return {
    sub,
    username,
    groups: groups,
    issuedAt: iat,
    scopes: typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [],
    ...(typeof authTime === 'number' ? { authTime } : {}),
  };
}

function toAuthError(error: unknown): unknown {
  const known = REASONS.find(([type]) => error instanceof type);
  if (known) return new UnauthenticatedError(known[1], { cause: error });
  // The keys could not be read: our side's outage, not the client's fault.
  if (error instanceof FetchError) return new IdentityProviderUnavailableError({ cause: error });
  if (error instanceof JwtBaseError)
    return new UnauthenticatedError('Access token is invalid', { cause: error });
  return error;
}
