import type { ResolvedOpenEhrOperation } from './openehr-operation.types.js';
import { resolveOpenEhrOperation } from './openehr-operation.resolver.js';

const EHR = '7d44b88c-4199-4bad-97dc-d78268e01398';
const UID = '8849182c-82ad-4088-a07f-48ead4180515::openEHRSys.example.com::1';
const VUID = '8849182c-82ad-4088-a07f-48ead4180515';
const ALL = ['patient', 'user', 'system'];
const NOT_PATIENT = ['user', 'system'];

/** `needs` as compact strings: `patient/composition-X.r`, `~` marking "any id". */
function needs(op: ResolvedOpenEhrOperation | undefined): string[] {
  return (op?.needs ?? []).map(
    (n) => `${n.compartment}/${n.resource}-${n.id}.${n.permission}${n.anyId ? '~' : ''}`,
  );
}

const each = (compartments: string[], resource: string, id: string, letters: string, any = '') =>
  [...letters].flatMap((p) => compartments.map((c) => `${c}/${resource}-${id}.${p}${any}`));
const ANY_READ = [...each(ALL, 'composition', '*', 'rs', '~'), ...each(ALL, 'aql', '*', 's', '~')];
const canonical = (templateId: string) => ({
  _type: 'COMPOSITION',
  archetype_details: { template_id: { value: templateId } },
});

describe(resolveOpenEhrOperation.name, () => {
  it.each<[string, string, string, string | undefined, boolean, string[]]>([
    // method, path, operation, ehrId, ehrBound, needs
    ['POST', '/ehr', 'ehr.create', undefined, true, each(NOT_PATIENT, 'composition', '*', 'c')],
    ['GET', '/ehr', 'ehr.read', undefined, true, ANY_READ],
    ['GET', `/ehr/${EHR}`, 'ehr.read', EHR, true, ANY_READ],
    ['HEAD', `/ehr/${EHR}`, 'ehr.read', EHR, true, ANY_READ],
    ['PUT', `/ehr/${EHR}`, 'ehr.create', EHR, true, each(NOT_PATIENT, 'composition', '*', 'c')],
    ['GET', `/ehr/${EHR}/ehr_status`, 'ehr_status.read', EHR, true, ANY_READ],
    ['GET', `/ehr/${EHR}/ehr_status/${UID}`, 'ehr_status.read', EHR, true, ANY_READ],
    [
      'PUT',
      `/ehr/${EHR}/ehr_status`,
      'ehr_status.update',
      EHR,
      true,
      each(NOT_PATIENT, 'composition', '*', 'u'),
    ],
    ['GET', `/ehr/${EHR}/versioned_ehr_status`, 'ehr_status.read', EHR, true, ANY_READ],
    [
      'GET',
      `/ehr/${EHR}/versioned_ehr_status/revision_history`,
      'ehr_status.read',
      EHR,
      true,
      ANY_READ,
    ],
    [
      'GET',
      `/ehr/${EHR}/versioned_ehr_status/version/${UID}`,
      'ehr_status.read',
      EHR,
      true,
      ANY_READ,
    ],
    [
      'POST',
      `/ehr/${EHR}/composition`,
      'composition.create',
      EHR,
      true,
      each(ALL, 'composition', '*', 'c'),
    ],
    [
      'GET',
      `/ehr/${EHR}/composition/${UID}`,
      'composition.read',
      EHR,
      true,
      each(ALL, 'composition', '*', 'r'),
    ],
    [
      'PUT',
      `/ehr/${EHR}/composition/${UID}`,
      'composition.update',
      EHR,
      true,
      each(ALL, 'composition', '*', 'u'),
    ],
    [
      'DELETE',
      `/ehr/${EHR}/composition/${UID}`,
      'composition.delete',
      EHR,
      true,
      each(ALL, 'composition', '*', 'd'),
    ],
    [
      'GET',
      `/ehr/${EHR}/versioned_composition/${VUID}`,
      'versioned_composition.read',
      EHR,
      true,
      each(ALL, 'composition', '*', 'r'),
    ],
    [
      'GET',
      `/ehr/${EHR}/versioned_composition/${VUID}/revision_history`,
      'versioned_composition.read',
      EHR,
      true,
      each(ALL, 'composition', '*', 'r'),
    ],
    [
      'GET',
      `/ehr/${EHR}/versioned_composition/${VUID}/version`,
      'versioned_composition.read',
      EHR,
      true,
      each(ALL, 'composition', '*', 'r'),
    ],
    [
      'GET',
      `/ehr/${EHR}/versioned_composition/${VUID}/version/${UID}`,
      'versioned_composition.read',
      EHR,
      true,
      each(ALL, 'composition', '*', 'r'),
    ],
    ['GET', '/query/aql', 'query.aql', undefined, true, each(ALL, 'aql', '*', 's')],
    ['POST', '/query/aql', 'query.aql', undefined, true, each(ALL, 'aql', '*', 's')],
    [
      'GET',
      '/query/org.openehr::compositions',
      'query.execute',
      undefined,
      true,
      each(ALL, 'aql', 'org.openehr::compositions', 's'),
    ],
    [
      'POST',
      '/query/org.openehr::compositions/1.0.2',
      'query.execute',
      undefined,
      true,
      each(ALL, 'aql', 'org.openehr::compositions', 's'),
    ],
    [
      'GET',
      '/definition/query',
      'query_definition.read',
      undefined,
      false,
      each(ALL, 'aql', '*', 'r'),
    ],
    [
      'GET',
      '/definition/query/org.openehr::compositions',
      'query_definition.read',
      undefined,
      false,
      each(ALL, 'aql', 'org.openehr::compositions', 'r'),
    ],
    [
      'GET',
      '/definition/query/org.openehr::compositions/1.0.2',
      'query_definition.read',
      undefined,
      false,
      each(ALL, 'aql', 'org.openehr::compositions', 'r'),
    ],
    [
      'PUT',
      '/definition/query/org.openehr::compositions',
      'query_definition.write',
      undefined,
      false,
      each(ALL, 'aql', 'org.openehr::compositions', 'cu'),
    ],
    [
      'PUT',
      '/definition/query/org.openehr::compositions/1.0.2',
      'query_definition.write',
      undefined,
      false,
      each(ALL, 'aql', 'org.openehr::compositions', 'cu'),
    ],
    [
      'GET',
      '/definition/template/adl1.4',
      'template.list',
      undefined,
      false,
      each(ALL, 'template', '*', 'r'),
    ],
    [
      'POST',
      '/definition/template/adl1.4',
      'template.upload',
      undefined,
      false,
      each(ALL, 'template', '*', 'c'),
    ],
    [
      'GET',
      '/definition/template/adl1.4/Vitals.v1',
      'template.read',
      undefined,
      false,
      each(ALL, 'template', 'Vitals.v1', 'r'),
    ],
    [
      'GET',
      '/definition/template/adl1.4/Vitals.v1/example',
      'template.read',
      undefined,
      false,
      each(ALL, 'template', 'Vitals.v1', 'r'),
    ],
    [
      'DELETE',
      '/definition/template/adl1.4/Vitals.v1',
      'template.delete',
      undefined,
      false,
      each(ALL, 'template', 'Vitals.v1', 'd'),
    ],
    [
      'GET',
      '/definition/template/adl2',
      'template.list',
      undefined,
      false,
      each(ALL, 'template', '*', 'r'),
    ],
    [
      'POST',
      '/definition/template/adl2',
      'template.upload',
      undefined,
      false,
      each(ALL, 'template', '*', 'c'),
    ],
    [
      'GET',
      '/definition/template/adl2/org.openehr::Vitals',
      'template.read',
      undefined,
      false,
      each(ALL, 'template', 'org.openehr::Vitals', 'r'),
    ],
    [
      'GET',
      '/definition/template/adl2/org.openehr::Vitals/1.0.0',
      'template.read',
      undefined,
      false,
      each(ALL, 'template', 'org.openehr::Vitals', 'r'),
    ],
    [
      'DELETE',
      '/definition/template/adl2/org.openehr::Vitals/1.0.0',
      'template.delete',
      undefined,
      false,
      each(ALL, 'template', 'org.openehr::Vitals', 'd'),
    ],
  ])('%s %s is %s', (method, path, operation, ehrId, ehrBound, expected) => {
    const sut = resolveOpenEhrOperation(method, path);
    expect(sut?.operation).toBe(operation);
    expect(sut?.ehrId).toBe(ehrId);
    expect(sut?.ehrBound).toBe(ehrBound);
    expect(needs(sut).sort()).toEqual([...expected].sort());
  });

  it.each([
    ['DELETE', '/ehr'],
    ['DELETE', `/ehr/${EHR}`],
    ['POST', `/ehr/${EHR}/ehr_status`],
    ['GET', `/ehr/${EHR}/directory`],
    ['POST', `/ehr/${EHR}/contribution`],
    ['GET', `/ehr/${EHR}/composition`],
    ['PATCH', `/ehr/${EHR}/composition/${UID}`],
    ['GET', `/ehr/${EHR}/composition/${UID}/extra`],
    ['PUT', `/ehr/${EHR}/versioned_composition/${VUID}`],
    ['GET', `/ehr/${EHR}/versioned_composition/${VUID}/other`],
    ['PUT', '/query/aql'],
    ['GET', '/query/aql/1.0'],
    ['GET', '/query'],
    ['DELETE', '/definition/query/x'],
    ['GET', '/definition/template/adl3'],
    ['PUT', '/definition/template/adl1.4/Vitals.v1'],
    ['DELETE', '/definition/template/adl1.4/Vitals.v1/example'],
    ['GET', '/definition/template/adl1.4/Vitals.v1/other'],
    ['GET', '/definition/other'],
    ['GET', '/status'],
    ['GET', ''],
    ['GET', 'ehr'],
    ['GET', '/'],
    ['GET', '/ehr/'],
    ['GET', `/ehr//${EHR}`],
    ['GET', `/ehr/${EHR}/./ehr_status`],
    ['GET', `/ehr/${EHR}/../x/ehr_status`],
    ['GET', `/ehr/..%2Fx/ehr_status`],
    ['GET', `/ehr/${EHR}%2Fcomposition`],
    ['GET', `/ehr/${EHR};jsessionid=1`],
    ['GET', `/ehr/${EHR}%5Cx`],
    ['GET', `/ehr/${EHR}%00`],
    ['GET', '/ehr/%E0%A4%A'],
    ['GET', '/EHR'],
  ])('%s %s is not an operation (refused)', (method, path) => {
    expect(resolveOpenEhrOperation(method, path)).toBeUndefined();
  });

  it('decodes percent-encoded ids once', () => {
    const sut = resolveOpenEhrOperation(
      'GET',
      '/definition/template/adl1.4/IDCR%20-%20Vital%20Signs.v1',
    );
    expect(needs(sut)).toContain('user/template-IDCR - Vital Signs.v1.r');
    expect(needs(resolveOpenEhrOperation('GET', '/definition/template/adl1.4/A%2541'))).toContain(
      'user/template-A%41.r',
    );
  });

  it('ignores a query string left on the path', () => {
    expect(resolveOpenEhrOperation('GET', `/ehr/${EHR}?x=1`)?.ehrId).toBe(EHR);
  });

  describe('composition template id', () => {
    const post = (
      query: Record<string, unknown> | URLSearchParams,
      headers: Record<string, string>,
      body: unknown,
    ) =>
      resolveOpenEhrOperation('POST', `/ehr/${EHR}/composition`, query, headers, body)?.needs[0]
        ?.id;

    it.each<
      [string, Record<string, unknown> | URLSearchParams, Record<string, string>, unknown, string]
    >([
      ['canonical JSON body', {}, {}, canonical('Vitals.v1'), 'Vitals.v1'],
      [
        'templateId query parameter (flat)',
        { templateId: 'Vitals.v1' },
        {},
        { 'vitals/ctx': 1 },
        'Vitals.v1',
      ],
      [
        'template_id query parameter',
        new URLSearchParams('template_id=Vitals.v1'),
        {},
        {},
        'Vitals.v1',
      ],
      ['openEHR-TEMPLATE_ID header', {}, { 'openehr-template_id': 'Vitals.v1' }, {}, 'Vitals.v1'],
      [
        'all sources agreeing',
        { templateId: 'Vitals.v1' },
        { 'openehr-template_id': 'Vitals.v1' },
        canonical('Vitals.v1'),
        'Vitals.v1',
      ],
      [
        'body and header disagreeing',
        {},
        { 'openehr-template_id': 'Labs.v1' },
        canonical('Vitals.v1'),
        '*',
      ],
      ['body and query disagreeing', { templateId: 'Labs.v1' }, {}, canonical('Vitals.v1'), '*'],
      ['repeated query parameter', new URLSearchParams('templateId=A&templateId=B'), {}, {}, '*'],
      ['nested query parameter', { templateId: { a: 'A' } }, {}, {}, '*'],
      [
        'archetype_details without a string id',
        {},
        { 'openehr-template_id': 'Vitals.v1' },
        { archetype_details: { template_id: 1 } },
        '*',
      ],
      ['no source', {}, {}, {}, '*'],
      ['a body that is not parsed JSON (XML)', { templateId: 'Vitals.v1' }, {}, undefined, '*'],
      ['a Buffer body', { templateId: 'Vitals.v1' }, {}, Buffer.from('{}'), '*'],
      ['an empty id', { templateId: '' }, {}, {}, '*'],
    ])('from %s', (_name, query, headers, body, expected) => {
      expect(post(query, headers, body)).toBe(expected);
    });

    it('is read for updates too', () => {
      const sut = resolveOpenEhrOperation(
        'PUT',
        `/ehr/${EHR}/composition/${UID}`,
        {},
        {},
        canonical('Vitals.v1'),
      );
      expect(sut).toMatchObject({ compositionUid: UID, readsBody: true });
      expect(sut?.needs[0]?.id).toBe('Vitals.v1');
    });
  });

  describe('query ehr_id', () => {
    it.each<[string, string, URLSearchParams, unknown, string | undefined]>([
      ['query parameter', 'GET', new URLSearchParams(`q=x&ehr_id=${EHR}`), undefined, EHR],
      ['body ehr_id', 'POST', new URLSearchParams(), { q: 'x', ehr_id: EHR }, EHR],
      [
        'body query_parameters.ehr_id',
        'POST',
        new URLSearchParams(),
        { q: 'x', query_parameters: { ehr_id: EHR } },
        EHR,
      ],
      [
        'disagreeing sources',
        'POST',
        new URLSearchParams('ehr_id=other'),
        { ehr_id: EHR },
        undefined,
      ],
      [
        'repeated parameter',
        'GET',
        new URLSearchParams(`ehr_id=${EHR}&ehr_id=other`),
        undefined,
        undefined,
      ],
      ['non-string body value', 'POST', new URLSearchParams(), { ehr_id: 1 }, undefined],
      ['none', 'GET', new URLSearchParams('q=x'), undefined, undefined],
    ])('from %s', (_name, method, query, body, expected) => {
      expect(resolveOpenEhrOperation(method, '/query/aql', query, {}, body)?.ehrId).toBe(expected);
    });
  });

  it('marks the operations whose decision reads the body', () => {
    expect(resolveOpenEhrOperation('POST', `/ehr/${EHR}/composition`)?.readsBody).toBe(true);
    expect(resolveOpenEhrOperation('POST', '/query/aql')?.readsBody).toBe(true);
    expect(resolveOpenEhrOperation('GET', '/query/aql')?.readsBody).toBe(false);
    expect(resolveOpenEhrOperation('POST', '/ehr')?.readsBody).toBe(false);
    expect(resolveOpenEhrOperation('POST', '/definition/template/adl1.4')?.readsBody).toBe(false);
  });
});
