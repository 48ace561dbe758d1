import { intToIp, ipToInt, pickFreeAddress, sameSubnet } from '../../../lab/core/addr';

describe('addr', () => {
  test('round trip', () => {
    expect(intToIp(ipToInt('10.77.0.100'))).toBe('10.77.0.100');
    expect(intToIp(ipToInt('255.255.255.255'))).toBe('255.255.255.255');
    expect(() => ipToInt('10.77.0')).toThrow();
  });

  test('same subnet', () => {
    expect(sameSubnet('10.77.0.11', '10.77.0.200', 24)).toBe(true);
    expect(sameSubnet('10.77.0.11', '10.77.1.11', 24)).toBe(false);
  });

  test('free address avoids nodes and the VIP', () => {
    expect(pickFreeAddress('10.77.0.100', 24, ['10.77.0.11'])).toBe('10.77.0.200');
    expect(pickFreeAddress('10.77.0.200', 24, ['10.77.0.199'])).toBe('10.77.0.198');
    expect(pickFreeAddress('192.168.5.1', 30, [])).toBe('192.168.5.2');
    expect(() => pickFreeAddress('192.168.5.1', 30, ['192.168.5.2'])).toThrow();
  });
});
