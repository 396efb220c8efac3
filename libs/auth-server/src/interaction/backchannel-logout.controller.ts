import {
  Body,
  Controller,
  Header,
  HttpCode,
  Inject,
  NotFoundException,
  Post,
  Req,
  UseFilters,
} from '@nestjs/common';
import type { Request } from 'express';
import { ROUTE_SEGMENTS } from '../common/smart.routes.js';
import { OAuthErrorFilter } from '../errors/oauth-error.filter.js';
import { IdentityServerMetadata } from '../identity-server/identity-server.metadata.js';
import { LogoutTokenVerifier } from '../identity-server/logout-token.verifier.js';
import { ExternalLoginRepository } from '../persistence/repositories/external-login.repository.js';
import { UserRevocationService } from '../revocation/user-revocation.service.js';
import { requestIdOf } from '../security/request-guard.service.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';

/** The audit actor of a back-channel logout. */
const IDENTITY_SERVER_ACTOR = 'identity-server';

/**
 * OpenID Connect Back-Channel Logout 1.0, the relying party's side: the identity server POSTs a
 * `logout_token` to `<mount>/interaction/backchannel-logout` (registered there as the client's
 * "Backchannel logout URL"); once it is valid, the user's sessions here end (admin console
 * sessions included) and their grants other than `offline_access` are revoked. 200 on success (also when nothing was left to end),
 * 400 `invalid_request` for an invalid token, always `Cache-Control: no-store`; 404 without
 * `externalLogin`.
 * @see https://openid.net/specs/openid-connect-backchannel-1_0.html#BCRequest
 */
@Controller(ROUTE_SEGMENTS.interaction)
@UseFilters(OAuthErrorFilter)
export class BackchannelLogoutController {
  constructor(
    private readonly metadata: IdentityServerMetadata,
    private readonly verifier: LogoutTokenVerifier,
    private readonly logins: ExternalLoginRepository,
    private readonly users: UserRevocationService,
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
  ) {}

  @Post('backchannel-logout')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async logout(@Body() form: Record<string, unknown>, @Req() req: Request): Promise<void> {
    if (!this.metadata.enabled) throw new NotFoundException();
    const { sub, sid, replayKey } = await this.verifier.verify(form?.logout_token);
    try {
      // A token naming only the provider's session: the account that signed in through it.
      const subject = sub ?? (sid ? await this.logins.findSessionSubject(sid) : undefined);
      if (subject) {
        await this.users.logoutUser(subject, {
          actor: IDENTITY_SERVER_ACTOR,
          requestId: requestIdOf(req),
        });
        // Console sessions of that user signed in before now end too (they are cookies only).
        await this.logins.markLoggedOut(subject, Date.now(), this.options.sessionTtlSeconds);
      }
    } catch (err) {
      // Not done: the identity server may send the same token again (the steps are idempotent).
      await this.logins.forgetLogoutToken(replayKey).catch(() => undefined);
      throw err;
    }
  }
}
