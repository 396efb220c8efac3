import fc from 'fast-check';
import { parseScope } from './scope.parser.js';
import type {
  Compartment,
  FhirScope,
  OpenEhrResource,
  OpenEhrScope,
  ScopeVersion,
} from './scope.types.js';

type Expected = Record<string, unknown> & { kind: string };

function openehr(
  compartment: Compartment,
  resource: OpenEhrResource,
  id: string,
  letters: string,
  version: ScopeVersion = 'v2',
): Omit<OpenEhrScope, 'raw'> {
  const permissions = [...letters] as OpenEhrScope['permissions'];
  return { kind: 'openehr', compartment, resource, id, permissions, version };
}

function fhir(
  compartment: Compartment,
  resourceType: string,
  letters: string,
  params: [string, string][] = [],
  version: ScopeVersion = 'v2',
): Omit<FhirScope, 'raw'> {
  const permissions = [...letters] as FhirScope['permissions'];
  return { kind: 'fhir', compartment, resourceType, permissions, params, version };
}

const CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category|laboratory';

describe(parseScope.name, () => {
  it.each<[string, Expected]>([
    // openEHR resource scopes
    [
      'patient/composition-MyHospital::Vitals.v1.cr',
      openehr('patient', 'composition', 'MyHospital::Vitals.v1', 'cr'),
    ],
    [
      'user/template-org.openehr::bloodpressure.v1.rs',
      openehr('user', 'template', 'org.openehr::bloodpressure.v1', 'rs'),
    ],
    [
      'system/aql-org.openehr::my_compositions.s',
      openehr('system', 'aql', 'org.openehr::my_compositions', 's'),
    ],
    ['patient/composition-*.rs', openehr('patient', 'composition', '*', 'rs')],
    [
      'patient/composition-MyHospital::Vital*.r',
      openehr('patient', 'composition', 'MyHospital::Vital*', 'r'),
    ],
    ['patient/template-*::Template.v0.r', openehr('patient', 'template', '*::Template.v0', 'r')],
    [
      'user/composition-MyHospital::**.cruds',
      openehr('user', 'composition', 'MyHospital::**', 'cruds'),
    ],
    [
      'patient/composition-IDCR%20-%20Vital%20Signs.v1.rs',
      openehr('patient', 'composition', 'IDCR - Vital Signs.v1', 'rs'),
    ],
    ['patient/composition-a/b?c.r', openehr('patient', 'composition', 'a/b?c', 'r')],
    [
      'patient/composition-composition-x.r',
      openehr('patient', 'composition', 'composition-x', 'r'),
    ],
    ['patient/composition-x..d', openehr('patient', 'composition', 'x.', 'd')],
    // SMART v1 suffixes
    [
      'patient/composition-MyHospital::Vitals.v1.read',
      openehr('patient', 'composition', 'MyHospital::Vitals.v1', 'rs', 'v1'),
    ],
    ['user/template-*.write', openehr('user', 'template', '*', 'cud', 'v1')],
    ['system/aql-*.*', openehr('system', 'aql', '*', 'cruds', 'v1')],
    // FHIR scopes
    ['patient/Observation.rs', fhir('patient', 'Observation', 'rs')],
    ['patient/*.rs', fhir('patient', '*', 'rs')],
    ['user/*.*', fhir('user', '*', 'cruds', [], 'v1')],
    ['patient/Observation.read', fhir('patient', 'Observation', 'rs', [], 'v1')],
    [
      'user/Patient.r?identifier=http://x|1',
      fhir('user', 'Patient', 'r', [['identifier', 'http://x|1']]),
    ],
    [
      `patient/Observation.rs?category=${CATEGORY}`,
      fhir('patient', 'Observation', 'rs', [['category', CATEGORY]]),
    ],
    [
      'patient/Observation.rs?status=final&category=lab&category=lab',
      fhir('patient', 'Observation', 'rs', [
        ['category', 'lab'],
        ['status', 'final'],
      ]),
    ],
    [
      'system/Observation.rs?code:in=http://x/vs&_tag=a=b',
      fhir('system', 'Observation', 'rs', [
        ['_tag', 'a=b'],
        ['code:in', 'http://x/vs'],
      ]),
    ],
    // launch
    ['launch', { kind: 'launch', context: 'launch' }],
    ['launch/patient', { kind: 'launch', context: 'patient' }],
    ['launch/encounter', { kind: 'launch', context: 'encounter' }],
    ['launch/episode', { kind: 'launch', context: 'episode' }],
    ['launch/practitioner', { kind: 'launch', context: 'practitioner' }],
    [
      'launch/patient?role=https://example.org/referral-patient',
      { kind: 'launch', context: 'patient', role: 'https://example.org/referral-patient' },
    ],
    ['launch/encounter?role=urn:x:y', { kind: 'launch', context: 'encounter', role: 'urn:x:y' }],
    // identity
    ['openid', { kind: 'identity', name: 'openid' }],
    ['fhirUser', { kind: 'identity', name: 'fhirUser' }],
    ['profile', { kind: 'identity', name: 'profile' }],
    ['offline_access', { kind: 'identity', name: 'offline_access' }],
    ['online_access', { kind: 'identity', name: 'online_access' }],
    // custom
    ['https://example.org/scopes/export', { kind: 'other' }],
    ['http://example.org/x', { kind: 'other' }],
    ['__internal', { kind: 'other' }],
  ])('parses %j', (raw, expected) => {
    expect(parseScope(raw)).toEqual({ ...expected, raw });
  });

  it.each([
    // token level
    ['', /empty/],
    ['x'.repeat(513), /too long/],
    [`patient/composition-${'a'.repeat(600)}.r`, /too long/],
    ['patient/composition-My Hospital.r', /illegal character U\+0020/],
    ['patient/composition-"x".r', /illegal character U\+0022/],
    ['patient/composition-a\\b.r', /illegal character U\+005C/],
    ['patient/composition-café.r', /illegal character U\+00E9/],
    ['openid\t', /illegal character U\+0009/],
    ['launch\u007f', /illegal character U\+007F/],
    // permissions
    ['patient/composition-x.sr', /order/],
    ['patient/composition-x.rr', /repeated/],
    ['patient/composition-x.x', /unknown permission/],
    ['patient/composition-x.', /missing permissions/],
    ['patient/composition-x', /missing "\.<permissions>"/],
    ['patient/composition-Vitals.v1', /unknown permission "v"/],
    ['patient/Observation.rx', /unknown permission/],
    ['patient/Observation.READ', /unknown permission/],
    // ids and encoding
    ['patient/composition-.r', /empty composition id/],
    ['patient/template-.rs', /empty template id/],
    ['patient/composition-100%.r', /malformed percent-encoding/],
    ['patient/composition-a%2.r', /malformed percent-encoding/],
    ['patient/composition-a%GG.r', /malformed percent-encoding/],
    ['patient/composition-a%FF.r', /UTF-8/],
    // resources and compartments
    ['patient/composition.r', /unknown resource/],
    ['patient/ehr-x.r', /unknown resource/],
    ['patient/observation.rs', /unknown resource/],
    ['patient/.rs', /unknown resource/],
    ['patient/', /unknown resource/],
    ['practitioner/Observation.rs', /unknown compartment "practitioner"/],
    ['Patient/Observation.rs', /unknown compartment/],
    ['/composition-x.r', /unknown scope/],
    // FHIR
    ['patient/Observation', /missing "\.<permissions>"/],
    ['patient/Obs3rvation.rs', /invalid FHIR resource type/],
    ['patient/Observation.rs?', /no "="/],
    ['patient/Observation.rs?category', /no "="/],
    ['patient/Observation.rs?category=', /empty value/],
    ['patient/Observation.rs?=laboratory', /invalid query parameter name/],
    ['patient/Observation.rs?a=1&&b=2', /no "="/],
    ['patient/**.rs', /invalid FHIR resource type/],
    // launch
    ['launch/', /invalid launch/],
    ['launch/Patient', /invalid launch/],
    ['launch/patient?role=', /invalid launch/],
    ['launch/patient?role=no-scheme', /invalid launch/],
    ['launch/patient?foo=https://x', /invalid launch/],
    ['launch/patient/x', /invalid launch/],
    // other
    ['OpenID', /unknown scope/],
    ['admin', /unknown scope/],
    ['__', /unknown scope/],
    ['http:/x', /unknown scope/],
    ['*', /unknown scope/],
  ])('rejects %j', (raw, reason) => {
    const result = parseScope(raw);
    expect(result).toEqual({ kind: 'invalid', raw, reason: expect.any(String) });
    expect(result.kind === 'invalid' ? result.reason : '').toMatch(reason);
  });

  it.each([
    ['admin', { extraScopes: ['admin', 'introspect'] }, 'other'],
    ['launch:create', { extraScopes: ['launch:create'] }, 'other'],
    ['introspect', { extraScopes: ['admin'] }, 'invalid'],
    ['patient/composition-x.x', { extraScopes: ['patient/composition-x.x'] }, 'invalid'],
    ['patient/composition-x.r', { extraScopes: ['patient/composition-x.r'] }, 'openehr'],
  ])('honours extraScopes: %j', (raw, options, kind) => {
    expect(parseScope(raw, options).kind).toBe(kind);
  });

  it('never throws and keeps the raw token', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), (raw) => {
        expect(parseScope(raw).raw).toBe(raw);
      }),
      { numRuns: 2000 },
    );
  });
});
