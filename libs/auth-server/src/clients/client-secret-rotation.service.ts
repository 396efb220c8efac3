import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { SmartAdminActor } from '../audit/audit.types.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { ClientChangeService } from './client-change.service.js';
import { toClient } from './client-registry.service.js';
import { generateClientSecret, hashClientSecret } from './client-secret.hasher.js';
import { usesClientSecret } from './client-type.policy.js';
import type { IssuedClient, SmartClient } from './client.types.js';

/** Rotation of a client's secret, with an overlap during which the previous one still works. */
@Injectable()
export class ClientSecretRotationService {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly changes: ClientChangeService,
  ) {}

  /**
   * Issues a new secret; the previous one keeps working for `overlapSeconds` (default
   * `secretRotationOverlapSeconds`, at most `secretRotationMaxOverlapSeconds`). A secret that was
   * already in its overlap stops working now.
   */
  async rotateSecret(
    clientId: string,
    by: SmartAdminActor,
    overlapSeconds = this.options.secretRotationOverlapSeconds,
  ): Promise<IssuedClient> {
    const max = this.options.secretRotationMaxOverlapSeconds;
    if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0 || overlapSeconds > max) {
      throw new BadRequestException({
        error: 'invalid_request',
        error_description: `overlap_seconds must be an integer between 0 and ${max}`,
      });
    }
    const entity = await this.changes.entityOrFail(clientId);
    if (!usesClientSecret(entity.clientType as SmartClient['clientType'])) {
      throw new BadRequestException({
        error: 'invalid_request',
        error_description: `client ${clientId} (${entity.clientType}) does not use a client secret`,
      });
    }
    const before = toClient(entity);
    const secret = generateClientSecret();
    const keepPrevious = overlapSeconds > 0 && entity.secretHash !== null;
    Object.assign(entity, {
      previousSecretHash: keepPrevious ? entity.secretHash : null,
      previousSecretExpiresAt: keepPrevious ? Date.now() + overlapSeconds * 1000 : null,
      secretHash: hashClientSecret(secret),
    });
    const client = await this.changes.store(entity, 'client.rotate_secret', before, by, {
      overlap_seconds: overlapSeconds,
    });
    return { client, clientSecret: secret };
  }
}
