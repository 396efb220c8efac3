import { basic } from '../support/app.harness.js';

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any;
}

async function toJson(res: Response): Promise<JsonResponse> {
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** A small JSON client for the admin API with a fixed bearer token. */
export function makeAdminApi(baseUrl: string, token: string | undefined) {
  const call = async (method: string, path: string, body?: unknown): Promise<JsonResponse> =>
    toJson(
      await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
  return {
    call,
    get: (path: string) => call('GET', path),
    post: (path: string, body?: unknown) => call('POST', path, body ?? {}),
    patch: (path: string, body: unknown) => call('PATCH', path, body),
    delete: (path: string) => call('DELETE', path),
  };
}

/** POST to the token endpoint with a form body. */
export async function tokenRequest(
  baseUrl: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  return toJson(
    await fetch(`${baseUrl}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form),
    }),
  );
}

/** client_credentials with client_secret_basic. */
export const secretToken = (baseUrl: string, clientId: string, secret: string, scope: string) =>
  tokenRequest(
    baseUrl,
    { grant_type: 'client_credentials', scope },
    { authorization: basic(clientId, secret) },
  );
