import { DataSource } from 'typeorm';
import { AccessTokenVerifier } from '../../libs/auth-server/src/provider/access-token.verifier.js';
import { ProviderHost } from '../../libs/auth-server/src/provider/provider-host.service.js';
import { SigningKeysService } from '../../libs/auth-server/src/keys/signing-keys.service.js';
import {
  adminToken,
  createTestStorage,
  startTestApp,
  type TestStorage,
} from '../support/app.harness.js';

const kidsOf = async (url: string): Promise<string[]> => {
  const jwks = (await (await fetch(`${url}/auth/jwks`)).json()) as { keys: { kid: string }[] };
  return jwks.keys.map((k) => k.kid).sort();
};
const headerKid = (jwt: string): string =>
  (JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString()) as { kid: string }).kid;

describe('restart, key storage and rotation', () => {
  let storage: TestStorage;
  beforeEach(async () => {
    storage = await createTestStorage();
  });
  afterEach(async () => {
    await storage.dispose();
  });

  it('a restart keeps the signing keys, stored grants and issued tokens valid', async () => {
    const first = await startTestApp(storage);
    const kids = await kidsOf(first.url);
    const token = await adminToken(first.url);
    const { Grant } = first.app.get(ProviderHost).provider;
    const grant = new Grant({ accountId: 'alice', clientId: 'test-admin' });
    grant.addOIDCScope('openid');
    const grantId = await grant.save();
    await first.close();

    // Same base URL (issuer) after the restart.
    const second = await startTestApp(storage, { PORT: String(first.config.port) });
    try {
      expect(await kidsOf(second.url)).toEqual(kids);
      expect(await second.app.get(AccessTokenVerifier).verify(token)).toMatchObject({
        scope: 'admin',
      });
      const found = await second.app.get(ProviderHost).provider.Grant.find(grantId);
      expect(found?.accountId).toBe('alice');
      expect(found?.getOIDCScope()).toBe('openid');
    } finally {
      await second.close();
    }
  });

  it('encrypts private keys at rest when a secret is set, and refuses to start with a wrong one', async () => {
    const plain = await startTestApp(storage);
    const kids = await kidsOf(plain.url);
    await plain.close();

    const secret = 'a-long-enough-encryption-secret';
    const sealed = await startTestApp(storage, { SMART_KEY_ENCRYPTION_SECRET: secret });
    try {
      expect(await kidsOf(sealed.url)).toEqual(kids);
      const rows: { material: string }[] = await sealed.app
        .get(DataSource)
        .query('SELECT material FROM signing_key');
      expect(rows.length).toBeGreaterThanOrEqual(4);
      for (const row of rows) {
        expect(row.material.startsWith('enc:v1:')).toBe(true);
        expect(row.material).not.toMatch(/"d"/);
      }
    } finally {
      await sealed.close();
    }

    await expect(
      startTestApp(storage, { SMART_KEY_ENCRYPTION_SECRET: 'another-wrong-secret-value' }),
    ).rejects.toThrow(/SMART_KEY_ENCRYPTION_SECRET/);
    await expect(startTestApp(storage)).rejects.toThrow(/SMART_KEY_ENCRYPTION_SECRET/);
  });

  it('rotation publishes the new key before it signs and keeps the old one for verification', async () => {
    const t = await startTestApp(storage);
    try {
      const before = await kidsOf(t.url);
      const oldToken = await adminToken(t.url);
      const newKids = await t.app.get(SigningKeysService).rotate(700);
      const host = t.app.get(ProviderHost);
      expect(await host.refreshKeys()).toBe(true);

      const published = await kidsOf(t.url);
      expect(published).toEqual(
        expect.arrayContaining([...before, ...newKids.filter((k) => !k.startsWith('cookie'))]),
      );
      const during = await adminToken(t.url);
      expect(before).toContain(headerKid(during));

      await new Promise((r) => setTimeout(r, 800));
      expect(await host.refreshKeys()).toBe(true);
      const after = await adminToken(t.url);
      expect(newKids).toContain(headerKid(after));
      const verifier = t.app.get(AccessTokenVerifier);
      expect(await verifier.verify(oldToken)).toBeDefined();
      expect(await verifier.verify(after)).toBeDefined();
      expect(await kidsOf(t.url)).toEqual(expect.arrayContaining(before));
    } finally {
      await t.close();
    }
  });
});
