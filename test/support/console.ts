import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../../src/accounts/password-hash.js';
import { formField, UserAgent } from './user-agent.js';

/** The console's users: `ada` holds the `admin` role, `carl` is a practitioner only. */
export const CONSOLE_ADMIN = { username: 'ada', password: 'ada-password', name: 'Ada Admin' };
export const CONSOLE_CLINICIAN = { username: 'carl', password: 'carl-password', name: 'Carl' };

/** Writes a users file with both users; returns its path and a cleanup. */
export async function consoleUsersFile(): Promise<{ path: string; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'smart-console-users-'));
  const users = [
    { ...CONSOLE_ADMIN, sub: 'sub-ada', roles: ['admin', 'practitioner'] },
    { ...CONSOLE_CLINICIAN, sub: 'sub-carl', roles: ['practitioner'] },
  ];
  const file = {
    users: await Promise.all(
      users.map(async (u) => ({ ...u, password: await hashPassword(u.password) })),
    ),
    patients: [],
  };
  const path = join(dir, 'users.json');
  writeFileSync(path, JSON.stringify(file));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Signs `agent` in to the console with the built-in login; the answer to the login POST. */
export async function consoleSignIn(
  agent: UserAgent,
  base: string,
  user: { username: string; password: string },
): Promise<Response> {
  const page = await (await agent.request(`${base}/admin/console/login`)).text();
  return agent.submit(`${base}/admin/console/login`, {
    csrf: formField(page, 'csrf'),
    username: user.username,
    password: user.password,
  });
}
