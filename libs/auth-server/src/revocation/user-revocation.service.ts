import { Injectable } from '@nestjs/common';
import { AuditTrailService } from '../audit/audit-trail.service.js';
import type { SmartAdminActor } from '../audit/audit.types.js';
import { OidcPayloadRepository } from '../persistence/repositories/oidc-payload.repository.js';
import { TransactionRunner } from '../persistence/transaction.runner.js';
import { GrantAccessTokensService } from './grant-access-tokens.service.js';
import { RevocationListService } from './revocation-list.service.js';
import type { Revocation } from '../persistence/records/revocation.record.js';

/** What revoking a user's grants did. */
export interface UserRevocationResult {
  sub: string;
  /** Epoch seconds: every access token of the user issued up to this is revoked. */
  revokedBefore: number;
  grantsRevoked: number;
  sessionsEnded: number;
}

/** What a back-channel logout did. */
export interface UserLogoutResult {
  sub: string;
  grantsRevoked: number;
  sessionsEnded: number;
}

/** Whether a stored grant holds `offline_access` (its refresh tokens outlive a logout). */
function isOfflineGrant(payload: { openid?: { scope?: unknown } }): boolean {
  const scope = payload.openid?.scope;
  return typeof scope === 'string' && scope.split(' ').includes('offline_access');
}

/**
 * Revokes everything a user (subject) holds, for an administrator: every grant (refresh tokens,
 * pending codes, the grant's access tokens), every sign-in session (so no app gets a new token
 * silently), and, on the revocation list, every access token issued to the subject up to now, on
 * every instance. Idempotent: an unknown subject revokes nothing but is still recorded.
 * @see https://datatracker.ietf.org/doc/html/rfc7009
 */
@Injectable()
export class UserRevocationService {
  constructor(
    private readonly payloads: OidcPayloadRepository,
    private readonly transactions: TransactionRunner,
    private readonly grantTokens: GrantAccessTokensService,
    private readonly revocations: RevocationListService,
    private readonly audit: AuditTrailService,
  ) {}

  /**
   * The identity server logged the user out (back-channel logout): every sign-in session here
   * ends, and every grant that is not `offline_access` is revoked with its refresh tokens and,
   * through the revocation list, its access tokens; `offline_access` grants outlive the logout
   * (as Keycloak's offline tokens do). Audited as `user.backchannel_logout`.
   * @see https://openid.net/specs/openid-connect-backchannel-1_0.html#BCActions
   */
  async logoutUser(sub: string, by: SmartAdminActor): Promise<UserLogoutResult> {
    let grantsRevoked = 0;
    for (const grant of await this.payloads.findNamingAccount('Grant', sub)) {
      const payload = JSON.parse(grant.payload) as { jti?: unknown; openid?: { scope?: unknown } };
      if (typeof payload.jti !== 'string' || isOfflineGrant(payload)) continue;
      await this.payloads.deleteByGrantId(payload.jti);
      await this.payloads.deleteStored('Grant', grant.id);
      await this.grantTokens.revokeGrant(payload.jti);
      grantsRevoked += 1;
    }
    const sessions = await this.payloads.findNamingAccount('Session', sub);
    for (const session of sessions) await this.payloads.deleteStored('Session', session.id);
    const result = { sub, grantsRevoked, sessionsEnded: sessions.length };
    await this.audit.record({
      actor: by.actor,
      action: 'user.backchannel_logout',
      targetType: 'user',
      targetId: sub,
      details: {
        grants_revoked: grantsRevoked,
        sessions_ended: sessions.length,
        ...(by.requestId ? { request_id: by.requestId } : {}),
      },
    });
    return result;
  }

  async revokeUser(sub: string, by: SmartAdminActor): Promise<UserRevocationResult> {
    const grants = await this.payloads.findNamingAccount('Grant', sub);
    for (const grant of grants) {
      const grantId = (JSON.parse(grant.payload) as { jti?: unknown }).jti;
      if (typeof grantId !== 'string') continue;
      await this.payloads.deleteByGrantId(grantId);
      await this.payloads.deleteStored('Grant', grant.id);
      await this.grantTokens.revokeGrant(grantId);
    }
    const sessions = await this.payloads.findNamingAccount('Session', sub);
    for (const session of sessions) {
      await this.payloads.deleteStored('Session', session.id);
    }
    const now = Date.now();
    const result: UserRevocationResult = {
      sub,
      revokedBefore: Math.floor(now / 1000),
      grantsRevoked: grants.length,
      sessionsEnded: sessions.length,
    };
    const cutoff: Revocation = {
      kind: 'subject',
      target: sub,
      issuedBefore: result.revokedBefore,
      expiresAt: this.revocations.cutoffExpiry(now),
    };
    await this.transactions.run(async (tx) => {
      await this.revocations.insert(tx, [cutoff]);
      await this.audit.record(
        {
          actor: by.actor,
          action: 'user.revoke_grants',
          targetType: 'user',
          targetId: sub,
          details: {
            grants_revoked: result.grantsRevoked,
            sessions_ended: result.sessionsEnded,
            revoked_before: result.revokedBefore,
            ...(by.requestId ? { request_id: by.requestId } : {}),
          },
        },
        tx,
      );
    });
    this.revocations.apply([cutoff], 'user');
    return result;
  }
}
