import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { OAuthError } from '../errors/oauth.error.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { oauthEndpointPath } from '../common/smart.routes.js';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time comparison (both sides hashed first, so lengths never leak). */
export function initialAccessTokenMatches(
  presented: string | undefined,
  expected: string,
): boolean {
  return presented !== undefined && timingSafeEqual(digest(presented), digest(expected));
}

/**
 * Runs before body validation: the endpoint exists only when registration is enabled (404
 * otherwise, so a disabled endpoint reveals nothing), and then requires the initial access token
 * when one is configured (401 `invalid_token`).
 * @see https://datatracker.ietf.org/doc/html/rfc7591#section-3
 */
@Injectable()
export class RegistrationGuard implements CanActivate {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const { enabled, initialAccessToken } = this.options.registration;
    if (!enabled || req.path !== oauthEndpointPath(this.options.routes, 'registration')) {
      throw new OAuthError('not_found', 'dynamic client registration is not enabled', 404);
    }
    if (initialAccessToken === undefined) return true;
    const match = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
    if (!initialAccessTokenMatches(match?.[1], initialAccessToken)) {
      throw new OAuthError('invalid_token', 'a valid initial access token is required', 401, {
        'WWW-Authenticate': match
          ? 'Bearer realm="registration", error="invalid_token"'
          : 'Bearer realm="registration"',
      });
    }
    return true;
  }
}
