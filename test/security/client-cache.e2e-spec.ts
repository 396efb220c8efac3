import { ClientRegistryService } from '@smart-openehr/auth-server';
import { saveClient } from '../support/clients.js';
import {
  createTestStorage,
  startTestApp,
  type TestApp,
  type TestStorage,
} from '../support/app.harness.js';

/** Requests naming random client ids (each cached as unknown) must not grow memory without end. */
describe('client registry cache', () => {
  let storage: TestStorage;
  let t: TestApp;

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp(storage);
  });
  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  it('holds at most 10,000 clients, dropping the oldest, and still finds a known client', async () => {
    const registry = t.app.get(ClientRegistryService);
    const known = await saveClient(t.app, { token_endpoint_auth_method: 'none' });
    // The cache is private; its size is what this test is about.
    const cached = () =>
      (registry as unknown as { cache: { size: number; has(key: string): boolean } }).cache;
    expect(await registry.findEntity(known)).toMatchObject({ clientId: known });

    for (let i = 0; i < 10_050; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) => registry.findEntity(`unknown-${i + j}`)),
      );
    }
    // On PostgreSQL nothing is cached until the change listener is up; it is by now.
    expect(cached().size).toBe(10_000);
    expect(cached().has(known)).toBe(false);
    expect(cached().has('unknown-10049')).toBe(true);
    expect(await registry.findEntity(known)).toMatchObject({ clientId: known });
  });
});
