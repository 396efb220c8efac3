import type Provider from 'oidc-provider';
import { toEngineError } from '../engine-storage.adapter.js';

/** Where stored client secrets are checked (see clients/client-registry.service.ts). */
export interface SecretVerifier {
  verifySecret(clientId: string, secret: string): Promise<boolean>;
}

/**
 * Makes the engine compare a presented client secret with the stored hash. A monkey patch of
 * `Client.prototype.compareClientSecret` because the engine has no option for it: it compares
 * plain secrets, and we store only hashes (a database dump yields no usable secret).
 */
export function verifyHashedClientSecrets(provider: Provider, secrets: SecretVerifier): void {
  const ClientClass = provider.Client as unknown as { prototype: Record<string, unknown> };
  ClientClass.prototype.compareClientSecret = function (
    this: { clientId: string },
    actual: string,
  ) {
    return secrets.verifySecret(this.clientId, actual).catch((err: unknown) => {
      throw toEngineError(err);
    });
  };
}
