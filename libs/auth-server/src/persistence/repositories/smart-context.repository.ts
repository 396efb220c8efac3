import { Injectable } from '@nestjs/common';
import { OidcPayloadRepository } from './oidc-payload.repository.js';

/** Model `SmartContext`: the launch context and fhirUser an authorization established, by grant. */
const MODEL = 'SmartContext';

/** Launch context kept per grant (plain JSON values; the store above it caches). */
@Injectable()
export class SmartContextRepository {
  constructor(private readonly payloads: OidcPayloadRepository) {}

  async save(grantId: string, context: Record<string, unknown>, ttlSeconds: number): Promise<void> {
    await this.payloads.forModel(MODEL).upsert(grantId, { ...context, grantId }, ttlSeconds);
  }

  /** The context saved for the grant (without the grant id), or undefined. */
  async find(grantId: string): Promise<Record<string, unknown> | undefined> {
    const stored = await this.payloads.forModel(MODEL).find(grantId);
    if (!stored) return undefined;
    const { grantId: _id, ...context } = stored;
    return context;
  }
}
