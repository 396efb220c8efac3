import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditTrailService } from '../audit/audit-trail.service.js';
import type { ClientActor } from '../clients/clients.service.js';
import { guardDb } from '../persistence/persistence.errors.js';
import { smartTablesOf } from '../persistence/smart-tables.js';
import { sqlRunnerFor } from '../persistence/sql.runner.js';
import { GrantAccessTokensService } from '../security/grant-access-tokens.service.js';
import { RevocationListService } from './revocation-list.service.js';
import type { Revocation } from './revocation.types.js';

/** What revoking a user's grants did. */
export interface UserRevocationResult {
  sub: string;
  /** Epoch seconds: every access token of the user issued up to this is revoked. */
  revokedBefore: number;
  grantsRevoked: number;
  sessionsEnded: number;
}

interface PayloadRow {
  id: string;
  payload: string;
}

/** `LIKE` pattern for a JSON member, with `%`, `_` and `\` escaped (`ESCAPE '\'`). */
const memberPattern = (name: string, value: string): string =>
  `%${`${JSON.stringify(name)}:${JSON.stringify(value)}`.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

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
    private readonly dataSource: DataSource,
    private readonly grantTokens: GrantAccessTokensService,
    private readonly revocations: RevocationListService,
    private readonly audit: AuditTrailService,
  ) {}

  async revokeUser(sub: string, by: ClientActor): Promise<UserRevocationResult> {
    const grants = await this.rowsOf('Grant', sub);
    for (const grant of grants) {
      const grantId = (JSON.parse(grant.payload) as { jti?: unknown }).jti;
      if (typeof grantId !== 'string') continue;
      await this.run(`DELETE FROM ${this.payloads} WHERE grant_id = $1`, [grantId]);
      await this.run(`DELETE FROM ${this.payloads} WHERE model = $1 AND id = $2`, [
        'Grant',
        grant.id,
      ]);
      await this.grantTokens.revokeGrant(grantId);
    }
    const sessions = await this.rowsOf('Session', sub);
    for (const session of sessions) {
      await this.run(`DELETE FROM ${this.payloads} WHERE model = $1 AND id = $2`, [
        'Session',
        session.id,
      ]);
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
    await guardDb(() =>
      this.dataSource.transaction(async (manager) => {
        await this.revocations.insert(manager, [cutoff]);
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
          manager,
        );
      }),
    );
    this.revocations.apply([cutoff]);
    return result;
  }

  /** The engine's rows of a model whose payload names `accountId` = `sub` exactly. */
  private async rowsOf(model: 'Grant' | 'Session', sub: string): Promise<PayloadRow[]> {
    const rows = await this.run<PayloadRow>(
      `SELECT id, payload FROM ${this.payloads} WHERE model = $1 AND payload LIKE $2 ESCAPE '\\'`,
      [model, memberPattern('accountId', sub)],
    );
    // LIKE is a coarse filter (case-insensitive on SQLite): compare exactly.
    return rows.filter((row) => {
      try {
        return (JSON.parse(row.payload) as { accountId?: unknown }).accountId === sub;
      } catch {
        return false;
      }
    });
  }

  /** The `oidc_payload` table in the data source's prefix. */
  private get payloads(): string {
    return smartTablesOf(this.dataSource).oidcPayload;
  }

  private run<T = unknown>(sql: string, params: unknown[]): Promise<T[]> {
    const text = this.dataSource.options.type === 'postgres' ? sql : sql.replace(/\$\d+/g, '?');
    return guardDb(() => sqlRunnerFor(this.dataSource).rows<T>(text, params));
  }
}
