/** /api/v1/openapi.json: OpenAPI 3.1, generated from the same TypeBox schemas that validate requests. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import Type from 'typebox';
import {
  Company,
  CompanyUpdate,
  Device,
  DeviceUpdate,
  ErrorBody,
  LatestPosition,
  Position,
  PositionPage,
  ServerInfo,
  User,
  UserCreate,
  UserUpdate,
} from '../../shared/api/schemas';
import { startTestServer, type TestServer } from '../support/server';

type Json = Record<string, unknown>;

interface RouteSpec {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  ok: number;
  /** null: no content (204) */
  response: unknown;
  body?: unknown;
  query?: string[];
  errors: number[];
}

const ROUTES: RouteSpec[] = [
  { method: 'get', path: '/api/v1/devices', ok: 200, response: Type.Array(Device), errors: [401, 403] },
  { method: 'get', path: '/api/v1/devices/{id}', ok: 200, response: Device, errors: [400, 401, 403, 404] },
  { method: 'patch', path: '/api/v1/devices/{id}', ok: 200, response: Device, body: DeviceUpdate, errors: [400, 401, 403, 404] },
  { method: 'get', path: '/api/v1/positions/latest', ok: 200, response: Type.Array(LatestPosition), errors: [401, 403] },
  {
    method: 'get',
    path: '/api/v1/devices/{id}/positions',
    ok: 200,
    response: PositionPage,
    query: ['from', 'to', 'limit', 'cursor'],
    errors: [400, 401, 403, 404],
  },
  { method: 'get', path: '/api/v1/companies', ok: 200, response: Type.Array(Company), errors: [401, 403] },
  { method: 'get', path: '/api/v1/company', ok: 200, response: Company, errors: [401, 403] },
  { method: 'get', path: '/api/v1/companies/{id}', ok: 200, response: Company, errors: [400, 401, 403, 404] },
  { method: 'patch', path: '/api/v1/companies/{id}', ok: 200, response: Company, body: CompanyUpdate, errors: [400, 401, 403, 404] },
  { method: 'get', path: '/api/v1/users', ok: 200, response: Type.Array(User), query: ['role'], errors: [400, 401, 403] },
  { method: 'get', path: '/api/v1/users/{id}', ok: 200, response: User, errors: [400, 401, 403, 404] },
  { method: 'post', path: '/api/v1/users', ok: 201, response: User, body: UserCreate, errors: [400, 401, 403, 409] },
  { method: 'patch', path: '/api/v1/users/{id}', ok: 200, response: User, body: UserUpdate, errors: [400, 401, 403, 404] },
  { method: 'delete', path: '/api/v1/users/{id}', ok: 204, response: null, errors: [400, 401, 403, 404] },
  { method: 'post', path: '/api/v1/users/{id}/revoke-tokens', ok: 204, response: null, errors: [400, 401, 403, 404] },
  { method: 'get', path: '/api/v1/server/info', ok: 200, response: ServerInfo, errors: [401, 403] },
];

/**
 * What a shared TypeBox schema looks like once @fastify/swagger emitted it: nested schemas
 * with an `$id` become references to components, `const` becomes a one-value `enum`.
 */
function asOpenApi(schema: unknown, root = true): unknown {
  if (Array.isArray(schema)) return schema.map((x) => asOpenApi(x, false));
  if (!schema || typeof schema !== 'object') return schema;
  const o = schema as Json;
  if (!root && typeof o.$id === 'string') return { $ref: `#/components/schemas/${o.$id}` };
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === '$id') continue;
    if (k === 'const') out.enum = [v];
    else out[k] = asOpenApi(v, false);
  }
  return out;
}
const plain = (schema: unknown) => JSON.parse(JSON.stringify(schema)) as unknown;

let s: TestServer;
let doc: Json & { openapi: string; info: Json; paths: Record<string, Record<string, Json>>; components: { schemas: Record<string, Json>; securitySchemes: Json } };

before(async () => {
  s = await startTestServer();
  const res = await s.api('GET', '/api/v1/openapi.json');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  doc = res.body;
});
after(async () => {
  await s.stop();
  fs.rmSync(s.dataDir, { recursive: true, force: true });
});

const operation = (r: RouteSpec) => doc.paths[r.path]?.[r.method] as Json & { parameters?: Json[]; requestBody?: Json; responses: Record<string, Json> };
const jsonSchemaOf = (part: Json | undefined) => ((part?.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema;

test('the document is OpenAPI 3.1 with info, the bearer scheme and named components', () => {
  assert.equal(doc.openapi, '3.1.0');
  assert.equal(doc.info.title, 'FleetDesk API');
  assert.equal(typeof doc.info.version, 'string');
  assert.deepEqual(doc.components.securitySchemes.bearer, { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  for (const name of ['Error', 'Device', 'Position', 'LatestPosition', 'Company', 'User']) {
    assert.ok(doc.components.schemas[name], `component ${name}`);
  }
  assert.ok(!Object.keys(doc.components.schemas).some((n) => /^def-\d+$/.test(n)), 'every component is named after its $id');
});

test('the components are the shared schemas themselves', () => {
  const shared: Record<string, unknown> = { Error: ErrorBody, Device, Position, LatestPosition, Company, User };
  for (const [name, schema] of Object.entries(shared)) {
    assert.deepEqual(doc.components.schemas[name], asOpenApi(plain(schema)), name);
  }
  assert.deepEqual((doc.components.schemas.Device!.properties as Json).last_position, {
    anyOf: [{ $ref: '#/components/schemas/Position' }, { type: 'null' }],
  });
});

test('every REST route is listed with summary, tag and bearer security', () => {
  for (const r of ROUTES) {
    const op = operation(r);
    assert.ok(op, `${r.method.toUpperCase()} ${r.path} is missing`);
    assert.equal(typeof op.summary, 'string', r.path);
    assert.ok((op.summary as string).length > 5, r.path);
    assert.ok(Array.isArray(op.tags) && op.tags.length > 0, r.path);
    assert.deepEqual(op.security, [{ bearer: [] }], r.path);
  }
  assert.equal(doc.paths['/api/v1/openapi.json'], undefined, 'the document does not list itself');
  for (const open of ['/api/v1/auth/login', '/api/v1/auth/link', '/api/v1/health']) {
    assert.ok(doc.paths[open], `${open} is listed`);
    assert.equal(doc.paths[open]![open === '/api/v1/health' ? 'get' : 'post']!.security, undefined, `${open} needs no token`);
  }
});

test('request schemas: path and query parameters and bodies are the validating schemas', () => {
  for (const r of ROUTES) {
    const op = operation(r);
    const params = op.parameters ?? [];
    const inPath = params.filter((p) => p.in === 'path').map((p) => p.name);
    assert.deepEqual(inPath, r.path.includes('{id}') ? ['id'] : [], `${r.path} path params`);
    for (const p of params.filter((x) => x.in === 'path')) assert.equal(p.required, true);
    const inQuery = params.filter((p) => p.in === 'query').map((p) => p.name);
    assert.deepEqual(inQuery, r.query ?? [], `${r.path} query params`);
    if (r.body) {
      assert.equal(op.requestBody?.required, true, r.path);
      assert.deepEqual(jsonSchemaOf(op.requestBody), asOpenApi(plain(r.body)), `${r.method} ${r.path} body`);
    } else {
      assert.equal(op.requestBody, undefined, `${r.method} ${r.path} takes no body`);
    }
  }
  const history = operation(ROUTES.find((r) => r.path === '/api/v1/devices/{id}/positions')!);
  const limit = history.parameters!.find((p) => p.name === 'limit')!;
  assert.deepEqual(limit.schema, { type: 'integer', minimum: 1, maximum: 10000, default: 1000 });
  assert.equal((history.parameters!.find((p) => p.name === 'from')!.schema as Json).format, 'date-time');
});

test('response schemas: success bodies are the shared schemas, every error is the Error component', () => {
  for (const r of ROUTES) {
    const op = operation(r);
    const codes = Object.keys(op.responses).map(Number).sort();
    assert.deepEqual(codes, [r.ok, ...r.errors].sort(), `${r.method} ${r.path} statuses`);
    const ok = op.responses[String(r.ok)]!;
    if (r.response === null) assert.equal(ok.content, undefined, `${r.path} answers 204 without content`);
    else assert.deepEqual(jsonSchemaOf(ok), asOpenApi(plain(r.response)), `${r.method} ${r.path} ${r.ok}`);
    for (const status of r.errors) {
      assert.deepEqual(jsonSchemaOf(op.responses[String(status)]), { $ref: '#/components/schemas/Error' }, `${r.path} ${status}`);
    }
  }
  // the list routes reference the named components
  assert.deepEqual(jsonSchemaOf(operation(ROUTES[0]!).responses['200']), { type: 'array', items: { $ref: '#/components/schemas/Device' } });
});

test('every $ref in the document resolves to a component', () => {
  const refs = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string') refs.add(v);
        else walk(v);
      }
    }
  };
  walk(doc);
  assert.ok(refs.size >= 6, 'refs.size >= 6');
  for (const ref of refs) {
    const m = /^#\/components\/schemas\/(.+)$/.exec(ref);
    assert.ok(m, `${ref} is a local component reference`);
    assert.ok(doc.components.schemas[m[1]!], `${ref} resolves`);
  }
});

test('the documented schemas are the ones enforced: a body the document forbids is refused', async () => {
  s.company('acme');
  await s.user('acme', 'AD_1', 'admin');
  const token = s.token('acme', 'AD_1');
  const createBody = jsonSchemaOf(operation(ROUTES.find((r) => r.method === 'post' && r.path === '/api/v1/users')!).requestBody) as Json;
  assert.equal(createBody.additionalProperties, false);
  assert.equal(((createBody.properties as Json).password as Json).minLength, 8);
  const extra = await s.api('POST', '/api/v1/users', { token, body: { id: 'OF_1', role: 'office', nickname: 'x' } });
  assert.equal(extra.status, 400);
  const short = await s.api('POST', '/api/v1/users', { token, body: { id: 'OF_1', role: 'office', password: '1234567' } });
  assert.equal(short.status, 400);
  const fine = await s.api('POST', '/api/v1/users', { token, body: { id: 'OF_1', role: 'office', password: '12345678' } });
  assert.equal(fine.status, 201);
});
