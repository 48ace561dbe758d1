import * as fs from 'fs';
import type { Assembly } from '@jsii/spec';
import { apiSurface, typeName } from './api-surface';
import { ASSEMBLY, requireFreshBuild } from './library-build';

describe('the public API in the jsii assembly', () => {
  beforeAll(requireFreshBuild);

  // Any change to a type, property, method or constructor of the library shows here as a snapshot diff to review.
  test('matches the reviewed surface', () => {
    const assembly = JSON.parse(fs.readFileSync(ASSEMBLY, 'utf-8')) as Assembly;
    expect(apiSurface(assembly)).toMatchSnapshot();
  });

  test('shared Traefik options are declared once, on TraefikOptions, and inherited by both props types', () => {
    const surface = apiSurface(JSON.parse(fs.readFileSync(ASSEMBLY, 'utf-8')) as Assembly);
    const block = (name: string): string => surface.split('\n\n').find((b) => b.startsWith(`interface ${name}`)) ?? '';
    expect(block('TraefikDaemonSetProps').split('\n')[0]).toBe('interface TraefikDaemonSetProps extends TraefikOptions');
    expect(block('EdgeTraefikOptions').split('\n')[0]).toBe('interface EdgeTraefikOptions extends TraefikOptions');
    expect(block('TraefikOptions')).toContain('  readonly webPort?: number');
    expect(block('EdgeTraefikOptions')).not.toContain('webPort');
  });
});

describe('typeName', () => {
  test('writes primitives, own and foreign types, collections and unions as a reader would', () => {
    expect(typeName({ primitive: 'string' } as never)).toBe('string');
    expect(typeName({ fqn: 'cdk8s-edge-ingress.EdgeNode' })).toBe('EdgeNode');
    expect(typeName({ fqn: 'cdk8s.Duration' })).toBe('cdk8s.Duration');
    expect(typeName({ collection: { kind: 'array', elementtype: { fqn: 'cdk8s-edge-ingress.EdgeNode' } } } as never)).toBe('EdgeNode[]');
    expect(typeName({ collection: { kind: 'map', elementtype: { primitive: 'string' } } } as never)).toBe('Record<string, string>');
    expect(typeName({ union: { types: [{ primitive: 'string' }, { primitive: 'number' }] } } as never)).toBe('string | number');
  });
});
