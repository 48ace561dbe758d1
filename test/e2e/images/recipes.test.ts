import * as fs from 'fs';
import * as path from 'path';
import { debootstrapArgs, KEEPALIVED_PACKAGES } from '../../../e2e/images/recipes';

test("the keepalived image installs exactly the packages of the project's Dockerfile", () => {
  const dockerfile = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docker', 'keepalived', 'Dockerfile'), 'utf8');
  const installed = /apt-get install -y --no-install-recommends ([^\\&]+)/.exec(dockerfile)![1].trim().split(/\s+/);
  expect([...KEEPALIVED_PACKAGES].sort()).toEqual(installed.sort());
});

test('debootstrapArgs: minbase of the suite from the mirror, with the packages included', () => {
  expect(debootstrapArgs('/r', ['keepalived', 'wget'], 'bookworm', 'http://deb.debian.org/debian')).toEqual([
    '--variant=minbase',
    '--include=keepalived,wget',
    'bookworm',
    '/r',
    'http://deb.debian.org/debian',
  ]);
});
