import { Injectable } from '@nestjs/common';
import { AlreadyConsumedError } from '../persistence.errors.js';
import { OidcPayloadRepository } from './oidc-payload.repository.js';

/** Model `ExternalLogin`: a login started at the external provider, by its `state`. */
const PENDING_MODEL = 'ExternalLogin';
/** Model `ExternalAccount`: the claims of an account that logged in there, by `sub`. */
const ACCOUNT_MODEL = 'ExternalAccount';
/** Model `ExternalSession`: the account signed in through a session (`sid`) of the provider. */
const SESSION_MODEL = 'ExternalSession';
/** Model `ExternalLogoutToken`: back-channel logout tokens seen, by a digest of `iss` and `jti`. */
/** Model `ExternalLogout`: when the identity server last logged a subject out (back-channel). */
const LOGOUT_MODEL = 'ExternalLogout';
const LOGOUT_TOKEN_MODEL = 'ExternalLogoutToken';

/** Logins through an external OpenID provider: pending ones and the accounts they produced. */
@Injectable()
export class ExternalLoginRepository {
  constructor(private readonly payloads: OidcPayloadRepository) {}

  savePending(state: string, login: Record<string, unknown>, ttlSeconds: number): Promise<void> {
    return this.payloads.forModel(PENDING_MODEL).upsert(state, login, ttlSeconds);
  }

  findPending(state: string): Promise<Record<string, unknown> | undefined> {
    return this.payloads.forModel(PENDING_MODEL).find(state);
  }

  /**
   * Uses a pending login up (one conditional update): of concurrent callbacks with the same
   * `state`, exactly one gets `true`.
   */
  async takePending(state: string): Promise<boolean> {
    try {
      await this.payloads.forModel(PENDING_MODEL).consume(state);
      return true;
    } catch (err) {
      if (err instanceof AlreadyConsumedError) return false;
      throw err;
    }
  }

  /** Remembers that the identity server logged `sub` out at `at` (epoch ms). */
  markLoggedOut(sub: string, at: number, ttlSeconds: number): Promise<void> {
    return this.payloads.forModel(LOGOUT_MODEL).upsert(sub, { at }, ttlSeconds);
  }

  /** When the identity server last logged `sub` out (epoch ms), if it did lately. */
  async loggedOutAt(sub: string): Promise<number | undefined> {
    const at = (await this.payloads.forModel(LOGOUT_MODEL).find(sub))?.at;
    return typeof at === 'number' ? at : undefined;
  }

  /** Forgets a logout token's id again (its logout failed, so the identity server may retry). */
  forgetLogoutToken(id: string): Promise<void> {
    return this.payloads.forModel(LOGOUT_TOKEN_MODEL).destroy(id);
  }

  saveAccount(sub: string, claims: Record<string, unknown>, ttlSeconds: number): Promise<void> {
    return this.payloads.forModel(ACCOUNT_MODEL).upsert(sub, claims, ttlSeconds);
  }

  findAccount(sub: string): Promise<Record<string, unknown> | undefined> {
    return this.payloads.forModel(ACCOUNT_MODEL).find(sub);
  }

  saveSession(sid: string, sub: string, ttlSeconds: number): Promise<void> {
    return this.payloads.forModel(SESSION_MODEL).upsert(sid, { sub }, ttlSeconds);
  }

  async findSessionSubject(sid: string): Promise<string | undefined> {
    const session = await this.payloads.forModel(SESSION_MODEL).find(sid);
    return typeof session?.sub === 'string' ? session.sub : undefined;
  }

  /** Records a logout token's id; false when it was seen before (one atomic insert). */
  firstUseOfLogoutToken(id: string, ttlSeconds: number): Promise<boolean> {
    return this.payloads.forModel(LOGOUT_TOKEN_MODEL).insertOnce(id, { id }, ttlSeconds);
  }
}
