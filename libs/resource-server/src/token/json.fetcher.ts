import { TokenVerificationUnavailableError } from '../errors/token-verification-unavailable.error.js';

/** Largest JSON document accepted from the issuer (discovery, JWKS, introspection). */
const MAX_ISSUER_RESPONSE_BYTES = 512 * 1024;

async function readCapped(response: Response, url: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_ISSUER_RESPONSE_BYTES) {
    throw new TokenVerificationUnavailableError(`${url} answered with ${declared} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body !== null) {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > MAX_ISSUER_RESPONSE_BYTES) {
        throw new TokenVerificationUnavailableError(
          `${url} answered with more than ${MAX_ISSUER_RESPONSE_BYTES} bytes`,
        );
      }
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Fetches a JSON object from the issuer with a timeout and a size cap. Any failure (network,
 * status other than 200, bad JSON, not an object) becomes a {@link TokenVerificationUnavailableError}.
 */
export async function fetchJsonObject(
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'application/json', ...(init.headers as Record<string, string>) },
    });
  } catch (cause) {
    throw new TokenVerificationUnavailableError(`${url} is unreachable`, { cause });
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new TokenVerificationUnavailableError(`${url} answered ${response.status}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(await readCapped(response, url));
  } catch (cause) {
    if (cause instanceof TokenVerificationUnavailableError) throw cause;
    throw new TokenVerificationUnavailableError(`${url} did not answer JSON`, { cause });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TokenVerificationUnavailableError(`${url} did not answer a JSON object`);
  }
  return value as Record<string, unknown>;
}
