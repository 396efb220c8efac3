import { Injectable } from '@nestjs/common';
import { SmartTokenRevocations } from '@smart-openehr/auth-server';
import {
  TokenRevocationChecker,
  TokenVerificationUnavailableError,
  type SmartTokenContext,
} from '@smart-openehr/resource-server';

/**
 * The gateway's revocation check in the reference platform: the authorization server runs in the
 * same process, so its revocation list (in memory, kept current through change notices) answers
 * without a database query. A list that could not be re-read within its staleness bound fails
 * closed (503).
 */
@Injectable()
export class AuthServerRevocationChecker extends TokenRevocationChecker {
  constructor(private readonly revocations: SmartTokenRevocations) {
    super();
  }

  isRevoked(token: SmartTokenContext): boolean {
    if (!this.revocations.isCurrent()) {
      throw new TokenVerificationUnavailableError('the revocation list is out of date');
    }
    return this.revocations.isRevoked(token.claims);
  }
}
