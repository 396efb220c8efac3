import { randomUUID } from 'node:crypto';

/** A stored oidc-provider payload, as the engine hands it to an adapter. */
export type StoredPayload = Record<string, unknown>;

/**
 * The storage adapter interface oidc-provider calls.
 * @see https://github.com/panva/node-oidc-provider/blob/main/example/my_adapter.js
 */
export interface OidcAdapterLike {
  upsert(id: string, payload: StoredPayload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<StoredPayload | undefined>;
  findByUid(uid: string): Promise<StoredPayload | undefined>;
  findByUserCode(userCode: string): Promise<StoredPayload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

/** One storage under test: an adapter per model name, and its teardown. */
export interface AdapterFixture {
  adapter(model: string): OidcAdapterLike;
  close(): Promise<void>;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Models whose rows carry a `grantId` and go away with `revokeByGrantId`. */
const GRANT_BOUND_MODELS = ['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode'];

/** A payload shaped like the one oidc-provider stores for `model`. */
export function payloadFor(model: string, id: string, extra: StoredPayload = {}): StoredPayload {
  const iat = nowSeconds();
  const common = { jti: id, kind: model, iat, exp: iat + 600 };
  const byModel: Record<string, StoredPayload> = {
    Session: { uid: `uid-${id}`, accountId: 'alice', loginTs: iat, authorizations: {} },
    AccessToken: {
      accountId: 'alice',
      clientId: 'app',
      grantId: `grant-${id}`,
      scope: 'openid patient/composition-*.rs',
      gty: 'authorization_code',
      sessionUid: 'sess-uid',
    },
    AuthorizationCode: {
      accountId: 'alice',
      clientId: 'app',
      grantId: `grant-${id}`,
      redirectUri: 'https://app.example/cb',
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      codeChallengeMethod: 'S256',
      scope: 'openid launch',
    },
    RefreshToken: {
      accountId: 'alice',
      clientId: 'app',
      grantId: `grant-${id}`,
      scope: 'openid offline_access',
      rotations: 0,
    },
    Grant: {
      accountId: 'alice',
      clientId: 'app',
      openid: { scope: 'openid fhirUser' },
      resources: { 'https://ehr.example': 'patient/composition-*.rs' },
    },
    Interaction: {
      uid: id,
      params: { client_id: 'app', scope: 'openid', launch: 'xyz' },
      prompt: { name: 'login', reasons: ['no_session'], details: {} },
      returnTo: `https://ehr.example/auth/authorize/${id}`,
    },
    ReplayDetection: { iss: 'backend-client' },
    DeviceCode: { clientId: 'app', grantId: `grant-${id}`, userCode: `UC-${id}`, scope: 'openid' },
  };
  return { ...common, ...(byModel[model] ?? {}), ...extra };
}

/**
 * The behaviour oidc-provider relies on from any storage adapter. `makeAdapter` is called once
 * per describe block and must return an empty storage.
 */
export function describeAdapterContract(
  name: string,
  makeAdapter: () => Promise<AdapterFixture>,
): void {
  describe(`${name}: oidc-provider adapter contract`, () => {
    let fixture: AdapterFixture;
    const adapter = (model: string) => fixture.adapter(model);

    beforeAll(async () => {
      fixture = await makeAdapter();
    });
    afterAll(async () => {
      await fixture?.close();
    });

    it.each([
      'Session',
      'AccessToken',
      'AuthorizationCode',
      'RefreshToken',
      'Grant',
      'Interaction',
      'ReplayDetection',
    ])('%s: upsert then find returns the payload', async (model) => {
      const id = randomUUID();
      const payload = payloadFor(model, id);
      await adapter(model).upsert(id, payload, 600);
      expect(await adapter(model).find(id)).toEqual(payload);
    });

    it('upsert of an existing id replaces the payload', async () => {
      const id = randomUUID();
      await adapter('Session').upsert(id, payloadFor('Session', id), 600);
      const updated = payloadFor('Session', id, { accountId: 'bob', loginTs: 1 });
      await adapter('Session').upsert(id, updated, 600);
      expect(await adapter('Session').find(id)).toEqual(updated);
    });

    it('one id in two models is two independent records', async () => {
      const id = randomUUID();
      await adapter('Grant').upsert(id, payloadFor('Grant', id), 600);
      await adapter('Session').upsert(id, payloadFor('Session', id), 600);
      expect(await adapter('Grant').find(id)).toMatchObject({ kind: 'Grant' });
      expect(await adapter('Session').find(id)).toMatchObject({ kind: 'Session' });
      await adapter('Grant').destroy(id);
      expect(await adapter('Grant').find(id)).toBeUndefined();
      expect(await adapter('Session').find(id)).toMatchObject({ kind: 'Session' });
    });

    it.each(['AccessToken', 'Session', 'Grant', 'ReplayDetection'])(
      '%s: find of an unknown id is undefined',
      async (model) => {
        expect(await adapter(model).find(randomUUID())).toBeUndefined();
      },
    );

    it('find after expiry is undefined; a longer-lived record and one without expiry stay', async () => {
      const [short, long, forever] = [randomUUID(), randomUUID(), randomUUID()];
      const longPayload = payloadFor('AccessToken', long);
      const foreverPayload = payloadFor('Grant', forever);
      await adapter('AccessToken').upsert(short, payloadFor('AccessToken', short), 1);
      await adapter('AccessToken').upsert(long, longPayload, 600);
      await adapter('Grant').upsert(forever, foreverPayload);
      expect(await adapter('AccessToken').find(short)).toMatchObject({ jti: short });
      await sleep(1200);
      expect(await adapter('AccessToken').find(short)).toBeUndefined();
      expect(await adapter('AccessToken').find(long)).toEqual(longPayload);
      expect(await adapter('Grant').find(forever)).toEqual(foreverPayload);
    });

    it('findByUid finds a session by its uid; an expired session is not found', async () => {
      const [id, expired] = [randomUUID(), randomUUID()];
      const payload = payloadFor('Session', id);
      await adapter('Session').upsert(id, payload, 600);
      await adapter('Session').upsert(expired, payloadFor('Session', expired), 1);
      expect(await adapter('Session').findByUid(`uid-${id}`)).toEqual(payload);
      expect(await adapter('Session').findByUid(`uid-${randomUUID()}`)).toBeUndefined();
      await sleep(1200);
      expect(await adapter('Session').findByUid(`uid-${expired}`)).toBeUndefined();
    });

    it('findByUserCode finds a device code by its user code', async () => {
      const id = randomUUID();
      const payload = payloadFor('DeviceCode', id);
      await adapter('DeviceCode').upsert(id, payload, 600);
      expect(await adapter('DeviceCode').findByUserCode(`UC-${id}`)).toEqual(payload);
      expect(await adapter('DeviceCode').findByUserCode('UC-unknown')).toBeUndefined();
    });

    it.each(['AuthorizationCode', 'RefreshToken'])(
      '%s: consume makes find report `consumed` as epoch seconds',
      async (model) => {
        const id = randomUUID();
        await adapter(model).upsert(id, payloadFor(model, id), 600);
        expect((await adapter(model).find(id))?.consumed).toBeUndefined();
        const before = nowSeconds();
        await adapter(model).consume(id);
        const found = await adapter(model).find(id);
        expect(typeof found?.consumed).toBe('number');
        expect(found?.consumed).toBeGreaterThanOrEqual(before - 1);
        expect(found?.consumed).toBeLessThanOrEqual(nowSeconds() + 1);
        expect(found).toMatchObject({ jti: id, grantId: `grant-${id}` });
      },
    );

    it('destroy removes one record and leaves the others', async () => {
      const [gone, kept] = [randomUUID(), randomUUID()];
      await adapter('RefreshToken').upsert(gone, payloadFor('RefreshToken', gone), 600);
      await adapter('RefreshToken').upsert(kept, payloadFor('RefreshToken', kept), 600);
      await adapter('RefreshToken').destroy(gone);
      expect(await adapter('RefreshToken').find(gone)).toBeUndefined();
      expect(await adapter('RefreshToken').find(kept)).toMatchObject({ jti: kept });
      await expect(adapter('RefreshToken').destroy(randomUUID())).resolves.toBeUndefined();
    });

    it('revokeByGrantId removes every model of that grant and nothing of other grants', async () => {
      const [revoked, other] = [`grant-${randomUUID()}`, `grant-${randomUUID()}`];
      const ids: Record<string, { revoked: string; other: string }> = {};
      for (const model of GRANT_BOUND_MODELS) {
        ids[model] = { revoked: randomUUID(), other: randomUUID() };
        for (const [grantId, id] of [
          [revoked, ids[model].revoked],
          [other, ids[model].other],
        ]) {
          await adapter(model).upsert(id, payloadFor(model, id, { grantId }), 600);
        }
      }
      await adapter('AccessToken').revokeByGrantId(revoked);
      for (const model of GRANT_BOUND_MODELS) {
        expect({ model, found: await adapter(model).find(ids[model].revoked) }).toEqual({
          model,
          found: undefined,
        });
        expect(await adapter(model).find(ids[model].other)).toMatchObject({ grantId: other });
      }
      expect(
        await adapter('DeviceCode').findByUserCode(`UC-${ids.DeviceCode.revoked}`),
      ).toBeUndefined();
    });
  });
}
