import { errors } from 'oidc-provider';
import { ConsumedTwiceError } from './consumed-twice.error.js';
import { DatabaseUnavailableError } from '../errors/database-unavailable.error.js';
import { AlreadyConsumedError, ReplayDetectedError } from '../persistence/persistence.errors.js';
import type { OidcPayloadRepository } from '../persistence/repositories/oidc-payload.repository.js';
import type { OidcStoredPayload, TypeOrmOidcAdapter } from '../persistence/typeorm-oidc.adapter.js';
import { SessionResaveRules } from './session-resave.rules.js';

/** Where oidc-provider's `Client` model looks clients up (the client registry). */
export interface ClientLookup {
  findClientMetadata(clientId: string): Promise<Record<string, unknown> | undefined>;
}

/** oidc-provider's error for an unreachable database: 503 `temporarily_unavailable`. */
function temporarilyUnavailable(): Error {
  const err = new errors.TemporarilyUnavailable(
    'the authorization server is temporarily unavailable',
  );
  Object.assign(err, { status: 503, statusCode: 503 });
  return err;
}

/** Turns storage errors into the engine's own error language. */
export function toEngineError(err: unknown): unknown {
  if (err instanceof AlreadyConsumedError) {
    const what = err.model === 'RefreshToken' ? 'refresh token' : 'authorization code';
    return new ConsumedTwiceError(what);
  }
  if (err instanceof ReplayDetectedError) {
    return new errors.InvalidClientAuth('client assertion tokens must only be used once');
  }
  if (err instanceof DatabaseUnavailableError) return temporarilyUnavailable();
  return err;
}

async function translate<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toEngineError(err);
  }
}

/**
 * The adapter oidc-provider sees: the TypeORM adapter with errors translated, and the `Client`
 * model served by the client registry.
 */
class EngineAdapter {
  constructor(
    private readonly inner: TypeOrmOidcAdapter,
    private readonly clients: ClientLookup | undefined,
    /** For the `Session` model: which re-saves change nothing. */
    private readonly sessions: SessionResaveRules | undefined,
  ) {}

  async upsert(id: string, payload: OidcStoredPayload, expiresIn?: number): Promise<void> {
    if (this.sessions && !this.sessions.needsSave(id, payload, expiresIn)) return;
    await translate(() => this.inner.upsert(id, payload, expiresIn));
    this.sessions?.remember(id, payload);
  }
  async find(id: string): Promise<OidcStoredPayload | undefined> {
    if (this.clients) return translate(() => this.clients!.findClientMetadata(id));
    const payload = await translate(() => this.inner.find(id));
    if (this.sessions) {
      if (payload) this.sessions.remember(id, payload);
      else this.sessions.forget(id);
    }
    return payload;
  }
  findByUid(uid: string): Promise<OidcStoredPayload | undefined> {
    return translate(() => this.inner.findByUid(uid));
  }
  findByUserCode(code: string): Promise<OidcStoredPayload | undefined> {
    return translate(() => this.inner.findByUserCode(code));
  }
  consume(id: string): Promise<void> {
    return translate(() => this.inner.consume(id));
  }
  destroy(id: string): Promise<void> {
    this.sessions?.forget(id);
    return translate(() => this.inner.destroy(id));
  }
  revokeByGrantId(grantId: string): Promise<void> {
    return translate(() => this.inner.revokeByGrantId(grantId));
  }
}

/** The `adapter` factory for oidc-provider's configuration. */
export function engineAdapterFactory(
  payloads: OidcPayloadRepository,
  clients: ClientLookup,
): (model: string) => EngineAdapter {
  const sessions = new SessionResaveRules();
  return (model) =>
    new EngineAdapter(
      payloads.forModel(model),
      model === 'Client' ? clients : undefined,
      model === 'Session' ? sessions : undefined,
    );
}
