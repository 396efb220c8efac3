import { Injectable } from '@nestjs/common';
import { ProviderHost } from '../provider-host.service.js';
import { EngineKeys } from '../ports/engine-keys.port.js';

/** {@link EngineKeys} over the keys the host installed in the engine. */
@Injectable()
export class EngineKeysAdapter extends EngineKeys {
  constructor(private readonly host: ProviderHost) {
    super();
  }

  cookieSecret(): string {
    return this.host.cookieSecret;
  }

  publishedJwks(): { keys: Record<string, unknown>[] } {
    return this.host.jwks;
  }

  refresh(): Promise<boolean> {
    return this.host.refreshKeys();
  }
}
