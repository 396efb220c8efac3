import { Injectable } from '@nestjs/common';
import { SmartContextRepository } from '../persistence/repositories/smart-context.repository.js';
import type { SmartLaunchContext } from '../vocabulary/launch-context.types.js';

/** What an authorization established beside its grant: launch context and the user's fhirUser. */
export interface GrantContext extends SmartLaunchContext {
  fhirUser?: string;
}

/**
 * Launch context kept per grant, so the token response, the access token, introspection and every
 * refresh carry the same context.
 */
@Injectable()
export class SmartContextStore {
  private readonly cache = new Map<string, { value: GrantContext | undefined; until: number }>();

  constructor(private readonly contexts: SmartContextRepository) {}

  async save(grantId: string, context: GrantContext, ttlSeconds: number): Promise<void> {
    await this.contexts.save(grantId, { ...context }, ttlSeconds);
    this.cache.delete(grantId);
  }

  async find(grantId: string | undefined): Promise<GrantContext | undefined> {
    if (!grantId) return undefined;
    const hit = this.cache.get(grantId);
    if (hit && hit.until > Date.now()) return hit.value;
    const value = (await this.contexts.find(grantId)) as GrantContext | undefined;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(grantId, { value, until: Date.now() + 5_000 });
    return value;
  }
}
