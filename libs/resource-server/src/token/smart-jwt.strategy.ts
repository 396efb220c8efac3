import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { KeyObject } from 'node:crypto';
import { Strategy, type VerifiedCallback } from 'passport-jwt';
import { BearerTokenError } from '../errors/bearer-token.error.js';
import { TokenVerificationUnavailableError } from '../errors/token-verification-unavailable.error.js';
import {
  SMART_JWT_STRATEGY_NAME,
  SMART_RESOURCE_SERVER_OPTIONS,
} from '../smart-resource-server.constants.js';
import type { ResolvedSmartResourceServerOptions } from '../smart-resource-server.options.js';
import { extractBearerToken, isJwsCompact } from './bearer-token.extractor.js';
import { AccessTokenKeyResolver } from './access-token-key.resolver.js';
import { toSmartTokenContext } from './smart-token-context.factory.js';
import type { SmartTokenContext } from './smart-token-context.types.js';
import { TokenIntrospectionService } from './token-introspection.service.js';
import { VerifiedTokenCache } from './verified-token.cache.js';

/**
 * Maps whatever a strategy run failed with to our error values, by type: our own errors pass
 * through; jsonwebtoken's (passport-jwt's verification) are recognised by their class `name`.
 * The key provider has checked the form, `alg` and claims already, so what jsonwebtoken still
 * refuses as a `JsonWebTokenError` is the signature.
 */
function toFailure(reason: unknown): Error {
  if (reason instanceof BearerTokenError || reason instanceof TokenVerificationUnavailableError) {
    return reason;
  }
  switch ((reason as { name?: unknown } | undefined)?.name) {
    case 'TokenExpiredError':
      return BearerTokenError.invalidToken('the access token has expired');
    case 'NotBeforeError':
      return BearerTokenError.invalidToken('the access token is not valid yet');
    case 'JsonWebTokenError':
      return BearerTokenError.invalidToken('the access token signature is invalid');
    default:
      return BearerTokenError.invalidToken('the access token could not be verified');
  }
}

/**
 * passport-jwt strategy `smart-jwt` for SMART on openEHR access tokens.
 *
 * - JWTs: the key provider ({@link AccessTokenKeyResolver}) checks the header and claims (`alg`
 *   allow-list, `typ: at+jwt`, required claims, `iss`, `aud`) and finds the issuer's key by `kid`;
 *   passport-jwt then verifies the signature, `exp` and `nbf` (and `alg`, `iss`, `aud` again) with
 *   that key, once, synchronously. Verified tokens are remembered ({@link VerifiedTokenCache}).
 * - Opaque tokens (not `a.b.c`): RFC 7662 introspection when configured, else `invalid_token`.
 *
 * The strategy is not registered in passport's global registry: `SmartJwtAuthGuard` runs it
 * directly through {@link SmartJwtStrategy.verify}, so several resource-server configurations can
 * live in one process.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068
 * @see https://www.rfc-editor.org/rfc/rfc6750
 */
@Injectable()
export class SmartJwtStrategy extends Strategy {
  constructor(
    @Inject(SMART_RESOURCE_SERVER_OPTIONS) options: ResolvedSmartResourceServerOptions,
    keys: AccessTokenKeyResolver,
    private readonly introspection: TokenIntrospectionService,
    private readonly verified: VerifiedTokenCache,
  ) {
    super(
      {
        jwtFromRequest: (request: Request) => extractBearerToken(request) || null,
        secretOrKeyProvider: (
          _request: Request,
          rawJwt: string,
          done: (error: unknown, key?: string) => void,
        ) => {
          keys.keyFor(rawJwt).then(
            // jsonwebtoken 9 takes a KeyObject (no PEM re-import per call); the typings predate it.
            (key: KeyObject) => done(null, key as unknown as string),
            (error: unknown) => done(error),
          );
        },
        issuer: options.issuer,
        audience: [...options.audience],
        algorithms: [...options.algorithms],
        jsonWebTokenOptions: { clockTolerance: options.clockToleranceSeconds },
        passReqToCallback: true,
      },
      (request: Request, payload: Record<string, unknown>, done: VerifiedCallback) => {
        let context: SmartTokenContext;
        try {
          context = toSmartTokenContext(payload, 'jwt');
        } catch (error) {
          return done(null, false, error);
        }
        verified.set(extractBearerToken(request)!, context);
        done(null, context);
      },
    );
    this.name = SMART_JWT_STRATEGY_NAME;
  }

  /** Runs the strategy on a request: the token's context, or a {@link BearerTokenError}. */
  verify(request: Request): Promise<SmartTokenContext> {
    return new Promise((resolve, reject) => {
      const attempt = Object.create(this) as SmartJwtStrategy;
      attempt.success = (user: SmartTokenContext) => resolve(user);
      attempt.fail = (challenge?: unknown) => reject(toFailure(challenge));
      attempt.error = (error: unknown) =>
        reject(error instanceof BearerTokenError ? error : toFailure(error));
      attempt.redirect = () =>
        reject(BearerTokenError.invalidToken('the access token could not be verified'));
      attempt.pass = () =>
        reject(BearerTokenError.invalidToken('the access token could not be verified'));
      attempt.authenticate(request);
    });
  }

  /** Picks the token kind before passport-jwt sees it (see the class comment). */
  override authenticate(request: Request, options?: object): void {
    const token = extractBearerToken(request);
    if (token === null) return this.fail(BearerTokenError.missingToken(), 401);
    if (token === '')
      return this.fail(BearerTokenError.invalidToken('the bearer token is malformed'), 401);
    if (isJwsCompact(token)) {
      const known = this.verified.get(token);
      return known ? this.success(known) : super.authenticate(request, options);
    }
    if (!this.introspection.enabled) {
      return this.fail(BearerTokenError.invalidToken('the access token is not a JWT'), 401);
    }
    this.introspection.introspect(token).then(
      (context) => this.success(context),
      (error: unknown) => this.fail(error, 401),
    );
  }
}
