import { BAD_VIRTUAL_IP } from '../../../scripts/bindings/expectations';
import { typescriptError } from '../../../scripts/bindings/typescript-error';

test('the bad VIP fails in TypeScript with a message naming the property and the value', () => {
  const message = typescriptError({ virtualIp: BAD_VIRTUAL_IP });
  expect(message).toContain('virtualIp');
  expect(message).toContain(`"${BAD_VIRTUAL_IP}"`);
});

test('valid props have no message to compare with: that is an error, not an empty string', () => {
  expect(() => typescriptError({ virtualIp: '172.20.0.120' })).toThrow(/accepted/);
});
