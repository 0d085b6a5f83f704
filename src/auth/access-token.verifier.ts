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

/** Reads the JWKS from another Cognito endpoint (moto serves it over plain http at a pool path). */
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
   * does not add: Cognito's own revocation is only seen at expiry (aws-jwt-verify never asks
   * Cognito; the guard checks this service's revocation marks on every request, cached or not), and
   * a key removed from the JWKS stops tokens only when they expire.
   */
  private readonly verified = new ExpiringCache<Principal>(VERIFIED_TOKENS_KEPT);

  constructor(@Inject(cognitoConfig.KEY) config: ConfigType<typeof cognitoConfig>) {
    const fetcher = config.endpoint
      ? new EndpointJwksFetcher(
          `${config.endpoint.replace(/\/+$/, '')}/${config.userPoolId}/.well-known/jwks.json`,
        )
      : new SimpleFetcher({ defaultRequestOptions: { timeout: 5_000 } });
    this.verifier = CognitoJwtVerifier.create(
      { userPoolId: config.userPoolId, tokenUse: 'access', clientId: config.frontendClientId },
      { jwksCache: new SimpleJwksCache({ fetcher }) },
    );
  }

  async verify(token: string): Promise<Principal> {
    const cached = this.verified.get(token);
    if (cached) return cached;
    try {
      const claims = await this.verifier.verify(token);
      const principal = {
        sub: claims.sub,
        username: claims.username,
        groups: claims['cognito:groups'] ?? [],
        issuedAt: claims.iat,
        authTime: typeof claims.auth_time === 'number' ? claims.auth_time : undefined,
      };
      this.verified.set(token, principal, claims.exp * 1000);
      return principal;
    } catch (error) {
      throw toAuthError(error);
    }
  }
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
