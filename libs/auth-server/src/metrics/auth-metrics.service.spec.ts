import { resolveAuthServerOptions } from '../options/auth-server-options.resolver.js';
import type { SmartMetricsOptions } from '../options/auth-server.options.js';
import { SmartAuthMetrics } from './auth-metrics.service.js';

const metricsWith = (metrics?: SmartMetricsOptions) =>
  new SmartAuthMetrics(
    resolveAuthServerOptions({
      issuer: 'https://ehr.example',
      services: { 'org.openehr.rest': { baseUrl: 'https://ehr.example/openehr/rest/v1' } },
      metrics,
    }),
  );

describe(SmartAuthMetrics.name, () => {
  it('is off by default: nothing to expose, every event a no-op, no clock read', async () => {
    const sut = metricsWith();
    expect(sut.enabled).toBe(false);
    expect(sut.startTimer()).toBe(0n);
    sut.tokenIssued('client_credentials', 'public');
    sut.oauthError('token', 'invalid_client');
    sut.requestDone('token', 200, 0n);
    sut.revoked('grant', 3);
    expect(await sut.exposition()).toBeUndefined();
  });

  it('keeps a registry per instance (two modules in one process do not clash)', async () => {
    const a = metricsWith({ enabled: true });
    const b = metricsWith({ enabled: true });
    a.login('success');
    const textA = (await a.exposition())!.text;
    const textB = (await b.exposition())!.text;
    expect(textA).toContain('smart_auth_logins_total{outcome="success"} 1');
    expect(textB).not.toContain('smart_auth_logins_total{outcome="success"}');
  });

  it('bounds label values: unknown grant types and odd error codes become other', async () => {
    const sut = metricsWith({ enabled: true });
    sut.tokenIssued('password', undefined, 'client-1');
    sut.oauthError('token', 'Not An OAuth Code');
    const { text, contentType } = (await sut.exposition())!;
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain(
      'smart_auth_tokens_issued_total{grant_type="other",client_type="unknown"} 1',
    );
    expect(text).toContain('smart_auth_oauth_errors_total{endpoint="token",error="other"} 1');
    expect(text).not.toContain('client-1');
  });

  it('adds client_id to tokens issued only with clientLabels', async () => {
    const sut = metricsWith({ enabled: true, clientLabels: true });
    sut.tokenIssued('client_credentials', 'confidential-asymmetric', 'client-1');
    expect((await sut.exposition())!.text).toContain(
      'smart_auth_tokens_issued_total{grant_type="client_credentials",client_type="confidential-asymmetric",client_id="client-1"} 1',
    );
  });

  it('reports the age of the signing key in use per algorithm at scrape time', async () => {
    const sut = metricsWith({ enabled: true });
    sut.activeSigningKeys(new Map([['ES256', Date.now() - 90_000]]));
    const line = (await sut.exposition())!.text
      .split('\n')
      .find((l) => l.startsWith('smart_auth_signing_key_age_seconds{alg="ES256"}'));
    expect(Number(line?.split(' ')[1])).toBeGreaterThanOrEqual(90);
  });

  it('counts remote key-set fetches by source and outcome', async () => {
    const sut = metricsWith({ enabled: true });
    sut.jwksFetched('client', true);
    sut.jwksFetched('trusted_issuer', false);
    const { text } = (await sut.exposition())!;
    expect(text).toContain('smart_auth_jwks_fetches_total{source="client",outcome="success"} 1');
    expect(text).toContain(
      'smart_auth_jwks_fetches_total{source="trusted_issuer",outcome="failure"} 1',
    );
  });

  it('observes durations by endpoint and status class', async () => {
    const sut = metricsWith({ enabled: true });
    sut.requestDone('introspect', 401, sut.startTimer());
    expect((await sut.exposition())!.text).toContain(
      'smart_auth_request_duration_seconds_count{endpoint="introspect",status_class="4xx"} 1',
    );
  });
});
