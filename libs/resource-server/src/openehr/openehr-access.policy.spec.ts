import { parseScopes } from '@smart-openehr/scopes';
import { BearerTokenError } from '../errors/bearer-token.error.js';
import { CompositionTemplateResolver } from '../smart-resource-server.ports.js';
import {
  assertOpenEhrAccess,
  isOpenEhrAccessPermitted,
  scopeHint,
} from './openehr-access.policy.js';
import { resolveOpenEhrOperation } from './openehr-operation.resolver.js';

const EHR = 'ehr-1';
const OTHER = 'ehr-2';
const token = (scope: string, ehrId: string | null = EHR) => ({
  scopes: parseScopes(scope).valid,
  ehrId: ehrId ?? undefined,
});
const canonical = (templateId: string) => ({
  archetype_details: { template_id: { value: templateId } },
});

function resolve(
  method: string,
  path: string,
  body?: unknown,
  query: Record<string, unknown> = {},
) {
  const operation = resolveOpenEhrOperation(method, path, query, {}, body);
  if (operation === undefined) throw new Error(`no operation for ${method} ${path}`);
  return operation;
}

class StaticTemplates extends CompositionTemplateResolver {
  readonly calls: string[] = [];
  constructor(private readonly templates: Record<string, string>) {
    super();
  }
  templateIdOf(ehrId: string, uid: string): Promise<string | undefined> {
    this.calls.push(`${ehrId}/${uid}`);
    return Promise.resolve(this.templates[uid]);
  }
}

describe(isOpenEhrAccessPermitted.name, () => {
  const create = resolve('POST', `/ehr/${EHR}/composition`, canonical('Vitals.v1'));

  it.each<[string, string, string | null, boolean]>([
    ['the exact scope', 'patient/composition-Vitals.v1.c', EHR, true],
    ['a wildcard scope', 'patient/composition-*.cruds', EHR, true],
    ['a namespace wildcard that does not match', 'patient/composition-Other::*.c', EHR, false],
    ['a v1 scope', 'patient/composition-Vitals.v1.write', EHR, true],
    ['another template', 'patient/composition-Labs.v1.c', EHR, false],
    ['another permission', 'patient/composition-Vitals.v1.r', EHR, false],
    ['a patient scope for another EHR', 'patient/composition-Vitals.v1.c', OTHER, false],
    ['a patient scope without ehrId', 'patient/composition-Vitals.v1.c', null, false],
    ['a user scope (not EHR-bound)', 'user/composition-Vitals.v1.c', OTHER, true],
    ['a system scope without ehrId', 'system/composition-Vitals.v1.c', null, true],
    ['a template scope', 'user/template-Vitals.v1.c', EHR, false],
    ['a FHIR scope', 'patient/*.cruds', EHR, false],
  ])('composition create with %s: %s', (_name, scope, ehrId, expected) => {
    expect(isOpenEhrAccessPermitted(token(scope, ehrId), create, 'refuse')).toBe(expected);
  });

  it.each<[string, string, string, boolean]>([
    ['EHR read with any composition read', `/ehr/${EHR}`, 'patient/composition-Labs.v1.r', true],
    ['EHR read with composition search', `/ehr/${EHR}`, 'patient/composition-Labs.v1.s', true],
    ['EHR read with AQL execute', `/ehr/${EHR}`, 'user/aql-x.s', true],
    ['EHR read with only a template scope', `/ehr/${EHR}`, 'user/template-*.r', false],
    ['EHR read with only create', `/ehr/${EHR}`, 'patient/composition-*.c', false],
    ['EHR read of another EHR', `/ehr/${OTHER}`, 'patient/composition-*.r', false],
    ['EHR read by subject with a patient scope', '/ehr', 'patient/composition-*.r', false],
    ['EHR read by subject with a user scope', '/ehr', 'user/composition-*.r', true],
    [
      'template read with a patient scope',
      '/definition/template/adl1.4/Vitals.v1',
      'patient/template-Vitals.v1.r',
      true,
    ],
    [
      'template list with one template',
      '/definition/template/adl1.4',
      'user/template-Vitals.v1.r',
      false,
    ],
    ['template list with every template', '/definition/template/adl1.4', 'user/template-*.r', true],
    ['ad hoc AQL with aql-*', '/query/aql', 'user/aql-*.s', true],
    ['ad hoc AQL with aql-**', '/query/aql', 'user/aql-**.s', true],
    ['ad hoc AQL with a namespace pattern', '/query/aql', 'user/aql-org.openehr::*.s', false],
    ['ad hoc AQL with a patient scope', '/query/aql', 'patient/aql-*.s', false],
    [
      'stored query with a namespace pattern',
      '/query/org.openehr::compositions',
      'user/aql-org.openehr::*.s',
      true,
    ],
  ])('%s', (_name, path, scope, expected) => {
    expect(isOpenEhrAccessPermitted(token(scope), resolve('GET', path), 'refuse')).toBe(expected);
  });

  it('lets patient scopes run queries on their EHR only under the ehr-id-parameter policy', () => {
    const own = resolve('GET', '/query/aql', undefined, { ehr_id: EHR });
    const other = resolve('GET', '/query/aql', undefined, { ehr_id: OTHER });
    const none = resolve('GET', '/query/aql');
    const sut = token('patient/aql-*.s');
    expect(isOpenEhrAccessPermitted(sut, own, 'refuse')).toBe(false);
    expect(isOpenEhrAccessPermitted(sut, own, 'ehr-id-parameter')).toBe(true);
    expect(isOpenEhrAccessPermitted(sut, other, 'ehr-id-parameter')).toBe(false);
    expect(isOpenEhrAccessPermitted(sut, none, 'ehr-id-parameter')).toBe(false);
  });

  it('keeps EHR create and EHR_STATUS update away from patient scopes', () => {
    expect(
      isOpenEhrAccessPermitted(token('patient/composition-*.c'), resolve('POST', '/ehr'), 'refuse'),
    ).toBe(false);
    expect(
      isOpenEhrAccessPermitted(token('user/composition-*.c'), resolve('POST', '/ehr'), 'refuse'),
    ).toBe(true);
    expect(
      isOpenEhrAccessPermitted(
        token('user/composition-Vitals.v1.c'),
        resolve('POST', '/ehr'),
        'refuse',
      ),
    ).toBe(false);
    const update = resolveOpenEhrOperation('PUT', `/ehr/${EHR}/ehr_status`)!;
    expect(isOpenEhrAccessPermitted(token('patient/composition-*.u'), update, 'refuse')).toBe(
      false,
    );
    expect(isOpenEhrAccessPermitted(token('system/composition-*.u'), update, 'refuse')).toBe(true);
  });
});

describe(scopeHint.name, () => {
  it('lists the alternatives, without patient ones that cannot count', () => {
    const read = resolve('GET', `/definition/template/adl1.4/IDCR - Vital Signs.v1`);
    expect(scopeHint(token(''), read, 'refuse')).toBe(
      'patient/template-IDCR%20-%20Vital%20Signs.v1.r user/template-IDCR%20-%20Vital%20Signs.v1.r system/template-IDCR%20-%20Vital%20Signs.v1.r',
    );
    expect(scopeHint(token('', null), read, 'refuse')).toBe(
      'user/template-IDCR%20-%20Vital%20Signs.v1.r system/template-IDCR%20-%20Vital%20Signs.v1.r',
    );
  });
});

describe(assertOpenEhrAccess.name, () => {
  const templates = () => new StaticTemplates({ 'vitals-1': 'Vitals.v1', 'labs-1': 'Labs.v1' });
  const read = (uid: string) => resolve('GET', `/ehr/${EHR}/composition/${uid}`);

  it('narrows a read by uid to the stored template', async () => {
    const resolver = templates();
    await expect(
      assertOpenEhrAccess(token('patient/composition-Vitals.v1.r'), read('vitals-1'), {
        patientQueries: 'refuse',
        templateResolver: resolver,
      }),
    ).resolves.toBeUndefined();
    await expect(
      assertOpenEhrAccess(token('patient/composition-Vitals.v1.r'), read('labs-1'), {
        patientQueries: 'refuse',
        templateResolver: resolver,
      }),
    ).rejects.toMatchObject({
      status: 403,
      error: 'insufficient_scope',
      scope:
        'patient/composition-Labs.v1.r user/composition-Labs.v1.r system/composition-Labs.v1.r',
    });
    expect(resolver.calls).toEqual([`${EHR}/vitals-1`, `${EHR}/labs-1`]);
  });

  it('needs every template without a resolver, and does not look up when it cannot matter', async () => {
    const resolver = templates();
    await expect(
      assertOpenEhrAccess(token('patient/composition-Vitals.v1.r'), read('vitals-1'), {
        patientQueries: 'refuse',
      }),
    ).rejects.toBeInstanceOf(BearerTokenError);
    await assertOpenEhrAccess(token('patient/composition-*.r'), read('vitals-1'), {
      patientQueries: 'refuse',
      templateResolver: resolver,
    });
    await expect(
      assertOpenEhrAccess(token('patient/composition-Vitals.v1.c'), read('vitals-1'), {
        patientQueries: 'refuse',
        templateResolver: resolver,
      }),
    ).rejects.toBeInstanceOf(BearerTokenError);
    await expect(
      assertOpenEhrAccess(token('patient/composition-Vitals.v1.r', OTHER), read('vitals-1'), {
        patientQueries: 'refuse',
        templateResolver: resolver,
      }),
    ).rejects.toMatchObject({
      description:
        "the access token does not grant this request (patient/ scopes only reach the token's EHR)",
    });
    expect(resolver.calls).toEqual([]);
  });

  it('refuses an unknown uid unless every template is allowed', async () => {
    await expect(
      assertOpenEhrAccess(
        token('patient/composition-Vitals.v1.d'),
        resolve('DELETE', `/ehr/${EHR}/composition/gone`),
        { patientQueries: 'refuse', templateResolver: templates() },
      ),
    ).rejects.toBeInstanceOf(BearerTokenError);
  });

  it('checks an update against the stored template too', async () => {
    const update = (uid: string) =>
      resolve('PUT', `/ehr/${EHR}/composition/${uid}`, canonical('Vitals.v1'));
    const options = { patientQueries: 'refuse' as const, templateResolver: templates() };
    await assertOpenEhrAccess(
      token('patient/composition-Vitals.v1.u'),
      update('vitals-1'),
      options,
    );
    await expect(
      assertOpenEhrAccess(token('patient/composition-Vitals.v1.u'), update('labs-1'), options),
    ).rejects.toMatchObject({ scope: expect.stringContaining('composition-Labs.v1.u') });
    await assertOpenEhrAccess(
      token('patient/composition-Vitals.v1.u patient/composition-Labs.v1.u'),
      update('labs-1'),
      options,
    );
    await assertOpenEhrAccess(token('patient/composition-Vitals.v1.u'), update('new-uid'), options);
  });
});
