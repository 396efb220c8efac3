import { Inject, Injectable } from '@nestjs/common';
import { SMART_RESOURCE_SERVER_OPTIONS } from '../smart-resource-server.constants.js';
import type { ResolvedSmartResourceServerOptions } from '../smart-resource-server.options.js';
import { JwksCacheService } from './jwks-cache.service.js';
import type { SmartTokenContext } from './smart-token-context.types.js';

/**
 * JWT access tokens this server has verified, with their context, so that an app sending the
 * same token again is not verified again (`verifiedTokenCacheSize` entries, oldest forgotten
 * first; 0 turns it off). A remembered token is used only while it has not expired and while the
 * JWKS it was verified with is still current: each JWKS fetch empties the memory, and once the
 * JWKS is due for a refetch every token goes through full verification, which refetches it.
 */
@Injectable()
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Readonly<SmartTokenContext>>();
  private generation = -1;

  constructor(
    @Inject(SMART_RESOURCE_SERVER_OPTIONS)
    private readonly options: ResolvedSmartResourceServerOptions,
    private readonly jwks: JwksCacheService,
  ) {}

  get(token: string): Readonly<SmartTokenContext> | undefined {
    if (this.entries.size === 0) return undefined;
    const generation = this.jwks.currentGeneration();
    if (generation !== this.generation) {
      this.entries.clear();
      return undefined;
    }
    const context = this.entries.get(token);
    if (context === undefined) return undefined;
    if (context.expiresAt.getTime() + this.options.clockToleranceSeconds * 1000 <= Date.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return context;
  }

  /** Remembers a token verified against the JWKS of {@link JwksCacheService.currentGeneration}. */
  set(token: string, context: SmartTokenContext): void {
    const size = this.options.verifiedTokenCacheSize;
    const generation = this.jwks.currentGeneration();
    if (size === 0 || generation === undefined) return;
    if (generation !== this.generation) {
      this.entries.clear();
      this.generation = generation;
    }
    if (this.entries.size >= size) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, Object.freeze(context));
  }
}
