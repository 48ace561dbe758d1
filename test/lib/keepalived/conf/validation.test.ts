import { KeepalivedConfig, KeepalivedConfigProps, VrrpVersion } from '../../../../lib/keepalived';

/** The seed topology as mutable plain data (JavaScript callers can pass anything). */
function seed(): any {
  const nodes = [
    { name: '172.20.0.113', address: '172.20.0.113', priority: 150 },
    { name: '172.20.0.114', address: '172.20.0.114', priority: 100 },
    { name: '172.20.0.115', address: '172.20.0.115', priority: 50 },
  ];
  return {
    nodes,
    instance: {
      interface: 'eth0',
      virtualRouterId: 51,
      virtualIpAddresses: ['172.20.0.119'],
      subnet: '172.20.0.0/17',
    },
    scripts: [{ name: 'chk_traefik', command: '/usr/bin/wget -q -T 1 -O /dev/null http://127.0.0.1:8080/ping' }],
    virtualServers: [
      {
        address: '172.20.0.119',
        port: 80,
        realServers: nodes.map((n) => ({ address: n.address, port: 80 })),
      },
    ],
  };
}

function build(mutate: (p: any) => void): () => KeepalivedConfig {
  const props = seed();
  mutate(props);
  return () => new KeepalivedConfig(props as KeepalivedConfigProps);
}

function manyNodes(count: number): any[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `n${i}`,
    address: `172.20.${1 + Math.floor(i / 200)}.${(i % 200) + 1}`,
    priority: (i % 254) + 1,
  }));
}

test('the seed topology is valid', () => {
  expect(build(() => undefined)).not.toThrow();
});

describe.each<[string, (p: any) => void, string]>([
  // nodes
  [
    'invalid node address',
    (p) => {
      p.nodes[1].address = '10.0.0.300';
    },
    'nodes[1].address "10.0.0.300" is not a valid IP address',
  ],
  [
    'short IPv4 form',
    (p) => {
      p.nodes[1].address = '172.20.114';
    },
    'nodes[1].address "172.20.114" is not a valid IP address',
  ],
  [
    'octal-looking IPv4',
    (p) => {
      p.nodes[1].address = '172.20.0.0114';
    },
    'nodes[1].address "172.20.0.0114" is not a valid IP address',
  ],
  [
    'IPv6 zone index',
    (p) => {
      p.nodes[0].address = 'fe80::1%eth0';
    },
    'nodes[0].address "fe80::1%eth0" is not a valid IP address',
  ],
  [
    'node address not a string',
    (p) => {
      p.nodes[0].address = 42;
    },
    'nodes[0].address 42 is not a valid IP address',
  ],
  [
    'loopback node address',
    (p) => {
      p.nodes[0].address = '127.0.0.1';
    },
    'nodes[0].address "127.0.0.1" is a loopback address, not a host address',
  ],
  [
    'duplicate node address',
    (p) => {
      p.nodes[1].address = '172.20.0.113';
    },
    'nodes[1].address "172.20.0.113" duplicates nodes[0].address',
  ],
  [
    'node outside the subnet',
    (p) => {
      p.nodes[2].address = '172.20.128.5';
    },
    'nodes[2].address "172.20.128.5" is outside instance.subnet "172.20.0.0/17"',
  ],
  [
    'node on the network address',
    (p) => {
      p.nodes[2].address = '172.20.0.0';
    },
    'nodes[2].address "172.20.0.0" is the network address of instance.subnet "172.20.0.0/17"',
  ],
  [
    'node on the broadcast address',
    (p) => {
      p.nodes[2].address = '172.20.127.255';
    },
    'nodes[2].address "172.20.127.255" is the broadcast address of instance.subnet "172.20.0.0/17"',
  ],
  [
    'node family differs from the subnet',
    (p) => {
      p.nodes[0].address = '2001:db8::1';
    },
    'nodes[0].address "2001:db8::1" is IPv6 but instance.subnet "172.20.0.0/17" is IPv4',
  ],
  [
    'nodes mix families',
    (p) => {
      p.nodes[0].address = '2001:db8::1';
    },
    'nodes mix IPv4 and IPv6 addresses',
  ],
  [
    'empty node list',
    (p) => {
      p.nodes = [];
    },
    'nodes is empty: at least one node is required',
  ],
  [
    'nodes not an array',
    (p) => {
      p.nodes = 'node1';
    },
    'nodes "node1" is not an array',
  ],
  [
    'more than 254 nodes',
    (p) => {
      p.nodes = manyNodes(255);
    },
    'nodes has 255 entries, at most 254 are allowed',
  ],
  [
    'duplicate node name',
    (p) => {
      p.nodes[1].name = '172.20.0.113';
    },
    'nodes[1].name "172.20.0.113" duplicates nodes[0].name',
  ],
  [
    'empty node name',
    (p) => {
      p.nodes[0].name = '';
    },
    'nodes[0].name "" must be a non-empty keepalived config-id',
  ],
  [
    'node name with whitespace',
    (p) => {
      p.nodes[0].name = 'edge 1';
    },
    'nodes[0].name "edge 1" cannot be used as a keepalived config-id',
  ],
  [
    'node name starting with ^',
    (p) => {
      p.nodes[0].name = '^edge1';
    },
    'nodes[0].name "^edge1" cannot be used as a keepalived config-id',
  ],
  [
    'node name with a comment character',
    (p) => {
      p.nodes[0].name = 'edge#1';
    },
    'nodes[0].name "edge#1" cannot be used as a keepalived config-id',
  ],
  [
    'node name with a substitution',
    (p) => {
      p.nodes[0].name = 'edge$X';
    },
    'nodes[0].name "edge$X" cannot be used as a keepalived config-id',
  ],
  [
    'node name longer than 253',
    (p) => {
      p.nodes[0].name = 'a'.repeat(254);
    },
    `nodes[0].name "${'a'.repeat(254)}" cannot be used as a keepalived config-id`,
  ],
  [
    'priority 0',
    (p) => {
      p.nodes[0].priority = 0;
    },
    'nodes[0].priority 0 is outside 1-254',
  ],
  [
    'priority 255 (address owner)',
    (p) => {
      p.nodes[0].priority = 255;
    },
    'nodes[0].priority 255 is outside 1-254',
  ],
  [
    'fractional priority',
    (p) => {
      p.nodes[0].priority = 99.5;
    },
    'nodes[0].priority 99.5 is not an integer',
  ],
  [
    'priority as a string',
    (p) => {
      p.nodes[0].priority = '100';
    },
    'nodes[0].priority "100" is not an integer',
  ],
  [
    'duplicate priority',
    (p) => {
      p.nodes[1].priority = 150;
    },
    'nodes[1].priority 150 duplicates nodes[0].priority',
  ],

  // instance
  [
    'virtual router id 256',
    (p) => {
      p.instance.virtualRouterId = 256;
    },
    'instance.virtualRouterId 256 is outside 1-255',
  ],
  [
    'virtual router id 0',
    (p) => {
      p.instance.virtualRouterId = 0;
    },
    'instance.virtualRouterId 0 is outside 1-255',
  ],
  [
    'fractional virtual router id',
    (p) => {
      p.instance.virtualRouterId = 51.5;
    },
    'instance.virtualRouterId 51.5 is not an integer',
  ],
  [
    'missing virtual router id',
    (p) => {
      delete p.instance.virtualRouterId;
    },
    'instance.virtualRouterId undefined is not an integer',
  ],
  [
    'v3 advert_int above 40.95',
    (p) => {
      p.instance.advertIntervalSeconds = 41;
    },
    'instance.advertIntervalSeconds 41 is outside 0.01-40.95',
  ],
  [
    'v3 advert_int below 10 ms',
    (p) => {
      p.instance.advertIntervalSeconds = 0.005;
    },
    'instance.advertIntervalSeconds 0.005 is outside 0.01-40.95',
  ],
  [
    'v3 advert_int not in 10 ms steps',
    (p) => {
      p.instance.advertIntervalSeconds = 0.015;
    },
    'instance.advertIntervalSeconds 0.015 is not a multiple of 0.01',
  ],
  [
    'v2 fractional advert_int',
    (p) => {
      p.instance.version = VrrpVersion.V2;
      p.instance.advertIntervalSeconds = 0.2;
    },
    'instance.advertIntervalSeconds 0.2 is not a whole number of seconds (fractions need VrrpVersion.V3)',
  ],
  [
    'v2 advert_int 256',
    (p) => {
      p.instance.version = VrrpVersion.V2;
      p.instance.advertIntervalSeconds = 256;
    },
    'instance.advertIntervalSeconds 256 is outside 1-255',
  ],
  [
    'v2 advert_int 0',
    (p) => {
      p.instance.version = VrrpVersion.V2;
      p.instance.advertIntervalSeconds = 0;
    },
    'instance.advertIntervalSeconds 0 is outside 1-255',
  ],
  [
    'empty interface',
    (p) => {
      p.instance.interface = '';
    },
    'instance.interface "" is not a valid interface name',
  ],
  [
    'interface longer than 15',
    (p) => {
      p.instance.interface = 'enp0s31f6abcdefg';
    },
    'instance.interface "enp0s31f6abcdefg" is not a valid interface name',
  ],
  [
    'interface with whitespace',
    (p) => {
      p.instance.interface = 'eth 0';
    },
    'instance.interface "eth 0" is not a valid interface name',
  ],
  [
    'interface with a slash',
    (p) => {
      p.instance.interface = 'eth/0';
    },
    'instance.interface "eth/0" is not a valid interface name',
  ],
  [
    'interface alias with a colon',
    (p) => {
      p.instance.interface = 'eth0:1';
    },
    'instance.interface "eth0:1" is not a valid interface name',
  ],
  [
    'instance name with a space',
    (p) => {
      p.instance.name = 'VI EDGE';
    },
    'instance.name "VI EDGE" must be 1-64 characters',
  ],
  [
    'invalid VIP',
    (p) => {
      p.instance.virtualIpAddresses = ['172.20.0.300'];
    },
    'instance.virtualIpAddresses[0] "172.20.0.300" is not a valid IP address',
  ],
  [
    'VIP equal to a node address',
    (p) => {
      p.instance.virtualIpAddresses = ['172.20.0.113'];
    },
    'instance.virtualIpAddresses[0] "172.20.0.113" equals nodes[0].address',
  ],
  [
    'VIP outside the subnet',
    (p) => {
      p.instance.virtualIpAddresses = ['10.0.0.119'];
    },
    'instance.virtualIpAddresses[0] "10.0.0.119" is outside instance.subnet "172.20.0.0/17"',
  ],
  [
    'VIP of the other family',
    (p) => {
      p.instance.virtualIpAddresses = ['2001:db8::119'];
    },
    'instance.virtualIpAddresses[0] "2001:db8::119" is IPv6 but instance.subnet "172.20.0.0/17" is IPv4',
  ],
  [
    'duplicate VIP',
    (p) => {
      p.instance.virtualIpAddresses = ['172.20.0.119', '172.20.0.119/32'];
    },
    'instance.virtualIpAddresses[1] "172.20.0.119/32" duplicates instance.virtualIpAddresses[0]',
  ],
  [
    'VIP prefix beyond /32',
    (p) => {
      p.instance.virtualIpAddresses = ['172.20.0.119/33'];
    },
    'instance.virtualIpAddresses[0] "172.20.0.119/33" has prefix /33 outside 1-32',
  ],
  [
    'VIP prefix wider than the subnet',
    (p) => {
      p.instance.virtualIpAddresses = ['172.20.0.119/8'];
    },
    'instance.virtualIpAddresses[0] "172.20.0.119/8" has prefix /8, shorter than instance.subnet "172.20.0.0/17"',
  ],
  [
    'VIP on the broadcast address',
    (p) => {
      p.instance.virtualIpAddresses = ['172.20.127.255'];
    },
    'instance.virtualIpAddresses[0] "172.20.127.255" is the broadcast address',
  ],
  [
    'multicast VIP',
    (p) => {
      p.instance.virtualIpAddresses = ['224.0.0.18'];
    },
    'instance.virtualIpAddresses[0] "224.0.0.18" is a multicast address, not a host address',
  ],
  [
    'no VIP',
    (p) => {
      p.instance.virtualIpAddresses = [];
    },
    'instance.virtualIpAddresses is empty: at least one VIP is required',
  ],
  [
    'subnet without prefix',
    (p) => {
      p.instance.subnet = '172.20.0.0';
    },
    'instance.subnet "172.20.0.0" is not a valid CIDR subnet',
  ],
  [
    'subnet garbage',
    (p) => {
      p.instance.subnet = 'lan';
    },
    'instance.subnet "lan" is not a valid CIDR subnet',
  ],
  [
    'subnet prefix /33',
    (p) => {
      p.instance.subnet = '172.20.0.0/33';
    },
    'instance.subnet "172.20.0.0/33" is not a valid CIDR subnet',
  ],
  [
    'subnet with host bits',
    (p) => {
      p.instance.subnet = '172.20.0.115/17';
    },
    'instance.subnet "172.20.0.115/17" has host bits set (did you mean 172.20.0.0/17)',
  ],
  [
    'unknown version from JavaScript',
    (p) => {
      p.instance.version = 4;
    },
    'instance.version 4 is not one of 2, 3',
  ],
  [
    'version as a string',
    (p) => {
      p.instance.version = '3';
    },
    'instance.version "3" is not one of 2, 3',
  ],
  [
    'lower-case state from JavaScript',
    (p) => {
      p.instance.initialState = 'backup';
    },
    'instance.initialState "backup" is not one of MASTER, BACKUP',
  ],
  [
    'state MASTER with nopreempt',
    (p) => {
      p.instance.initialState = 'MASTER';
    },
    'instance.initialState "MASTER" does not work with nopreempt',
  ],
  [
    'state MASTER with preempt_delay',
    (p) => {
      p.instance.initialState = 'MASTER';
      p.instance.preempt = true;
      p.instance.preemptDelaySeconds = 60;
    },
    'instance.preemptDelaySeconds 60 does not work with instance.initialState MASTER',
  ],
  [
    'preempt_delay with nopreempt',
    (p) => {
      p.instance.preemptDelaySeconds = 60;
    },
    'instance.preemptDelaySeconds 60 requires instance.preempt true',
  ],
  [
    'preempt_delay above 1000',
    (p) => {
      p.instance.preempt = true;
      p.instance.preemptDelaySeconds = 1001;
    },
    'instance.preemptDelaySeconds 1001 is outside 0-1000',
  ],
  [
    'preempt not a boolean',
    (p) => {
      p.instance.preempt = 'yes';
    },
    'instance.preempt "yes" is not a boolean',
  ],
  [
    'unicast with a single node',
    (p) => {
      p.nodes = [p.nodes[0]];
      p.virtualServers[0].realServers = [p.virtualServers[0].realServers[0]];
    },
    'instance.unicast true needs at least 2 nodes',
  ],
  [
    'tracking an unknown script',
    (p) => {
      p.instance.trackScripts = ['chk_nothere'];
    },
    'instance.trackScripts[0] "chk_nothere" is not the name of a script in scripts',
  ],
  [
    'tracking a script twice',
    (p) => {
      p.instance.trackScripts = ['chk_traefik', 'chk_traefik'];
    },
    'instance.trackScripts[1] "chk_traefik" is listed twice',
  ],
  [
    'authentication with VRRPv3',
    (p) => {
      p.instance.authenticationFile = '/etc/keepalived/auth/vrrp-auth.conf';
    },
    'instance.authenticationFile "/etc/keepalived/auth/vrrp-auth.conf" cannot be used with version 3',
  ],
  [
    'relative authentication path with a directory',
    (p) => {
      p.instance.version = VrrpVersion.V2;
      p.instance.advertIntervalSeconds = 1;
      p.instance.authenticationFile = 'auth/vrrp.conf';
    },
    'instance.authenticationFile "auth/vrrp.conf" must be an absolute path',
  ],
  [
    'authentication file with a space',
    (p) => {
      p.instance.version = VrrpVersion.V2;
      p.instance.advertIntervalSeconds = 1;
      p.instance.authenticationFile = '/etc/my auth.conf';
    },
    'instance.authenticationFile "/etc/my auth.conf" must be an absolute path',
  ],
  [
    'IPv6 with VRRPv2',
    (p) => {
      p.nodes = [
        { name: 'a', address: '2001:db8::1', priority: 2 },
        { name: 'b', address: '2001:db8::2', priority: 1 },
      ];
      p.instance = { ...p.instance, version: 2, advertIntervalSeconds: 1, subnet: '2001:db8::/64', virtualIpAddresses: ['2001:db8::119'] };
      p.virtualServers = undefined;
    },
    'instance.version 2 cannot be used with IPv6 addresses',
  ],
  [
    'relative notify command',
    (p) => {
      p.instance.notifyCommand = 'notify.sh';
    },
    'instance.notifyCommand "notify.sh" must start with the absolute path of the program',
  ],
  [
    'notify command with a double quote',
    (p) => {
      p.instance.notifyCommand = '/bin/echo "x"';
    },
    'instance.notifyCommand "/bin/echo \\"x\\"" must not contain \'"\'',
  ],

  // scripts
  [
    'fractional script interval',
    (p) => {
      p.scripts[0].intervalSeconds = 0.5;
    },
    'scripts[0].intervalSeconds 0.5 is not an integer',
  ],
  [
    'script interval 0',
    (p) => {
      p.scripts[0].intervalSeconds = 0;
    },
    'scripts[0].intervalSeconds 0 is outside 1-4294',
  ],
  [
    'fractional script timeout',
    (p) => {
      p.scripts[0].timeoutSeconds = 1.5;
    },
    'scripts[0].timeoutSeconds 1.5 is not an integer',
  ],
  [
    'script weight above 253',
    (p) => {
      p.scripts[0].weight = 254;
    },
    'scripts[0].weight 254 is outside -253 to 253',
  ],
  [
    'script weight below -253',
    (p) => {
      p.scripts[0].weight = -300;
    },
    'scripts[0].weight -300 is outside -253 to 253',
  ],
  [
    'script weight with nopreempt',
    (p) => {
      p.scripts[0].weight = -60;
    },
    'scripts[0].weight -60 has no effect with nopreempt (instance.preempt false)',
  ],
  [
    'script fall 0',
    (p) => {
      p.scripts[0].fall = 0;
    },
    'scripts[0].fall 0 is outside 1-1000',
  ],
  [
    'script rise fractional',
    (p) => {
      p.scripts[0].rise = 1.5;
    },
    'scripts[0].rise 1.5 is not an integer',
  ],
  [
    'duplicate script name',
    (p) => {
      p.scripts.push({ ...p.scripts[0] });
    },
    'scripts[1].name "chk_traefik" duplicates scripts[0].name',
  ],
  [
    'script name with a space',
    (p) => {
      p.scripts[0].name = 'chk traefik';
    },
    'scripts[0].name "chk traefik" must be 1-64 characters',
  ],
  [
    'relative script command',
    (p) => {
      p.scripts[0].command = 'curl http://127.0.0.1:8080/ping';
    },
    'scripts[0].command "curl http://127.0.0.1:8080/ping" must start with the absolute path',
  ],
  [
    'empty script command',
    (p) => {
      p.scripts[0].command = ' ';
    },
    'scripts[0].command " " must be a non-empty command line',
  ],
  [
    'multi-line script command',
    (p) => {
      p.scripts[0].command = '/bin/true\n}';
    },
    'scripts[0].command "/bin/true\\n}" must be a single line',
  ],

  // virtual servers
  [
    'virtual server port 0',
    (p) => {
      p.virtualServers[0].port = 0;
    },
    'virtualServers[0].port 0 is outside 1-65535',
  ],
  [
    'virtual server port 65536',
    (p) => {
      p.virtualServers[0].port = 65536;
    },
    'virtualServers[0].port 65536 is outside 1-65535',
  ],
  [
    'virtual server address not a VIP',
    (p) => {
      p.virtualServers[0].address = '172.20.0.120';
    },
    'virtualServers[0].address "172.20.0.120" is not one of instance.virtualIpAddresses',
  ],
  [
    'unknown scheduler from JavaScript',
    (p) => {
      p.virtualServers[0].scheduler = 'loadbalance';
    },
    'virtualServers[0].scheduler "loadbalance" is not one of rr, wrr, lc, wlc, lblc, sh, mh, dh, fo, ovf, lblcr, sed, nq, twos',
  ],
  [
    'upper-case scheduler',
    (p) => {
      p.virtualServers[0].scheduler = 'RR';
    },
    'virtualServers[0].scheduler "RR" is not one of',
  ],
  [
    'lower-case method',
    (p) => {
      p.virtualServers[0].method = 'dr';
    },
    'virtualServers[0].method "dr" is not one of NAT, DR, TUN',
  ],
  [
    'lower-case protocol',
    (p) => {
      p.virtualServers[0].protocol = 'tcp';
    },
    'virtualServers[0].protocol "tcp" is not one of TCP, UDP, SCTP',
  ],
  [
    'persistence timeout 0',
    (p) => {
      p.virtualServers[0].persistenceTimeoutSeconds = 0;
    },
    'virtualServers[0].persistenceTimeoutSeconds 0 is outside 1-2678400',
  ],
  [
    'persistence timeout above 31 days',
    (p) => {
      p.virtualServers[0].persistenceTimeoutSeconds = 2678401;
    },
    'virtualServers[0].persistenceTimeoutSeconds 2678401 is outside 1-2678400',
  ],
  [
    'delay loop 0',
    (p) => {
      p.virtualServers[0].delayLoopSeconds = 0;
    },
    'virtualServers[0].delayLoopSeconds 0 is outside 0.001-86400',
  ],
  [
    'DR real server on another port',
    (p) => {
      p.virtualServers[0].realServers[1].port = 8080;
    },
    'virtualServers[0].realServers[1].port 8080 differs from virtualServers[0].port 80',
  ],
  [
    'real server port 70000',
    (p) => {
      p.virtualServers[0].method = 'NAT';
      p.virtualServers[0].realServers[0].port = 70000;
    },
    'virtualServers[0].realServers[0].port 70000 is outside 1-65535',
  ],
  [
    'invalid real server address',
    (p) => {
      p.virtualServers[0].realServers[0].address = '172.20.0.1130';
    },
    'virtualServers[0].realServers[0].address "172.20.0.1130" is not a valid IP address',
  ],
  [
    'DR real server outside the subnet',
    (p) => {
      p.virtualServers[0].realServers[0].address = '10.1.1.1';
    },
    'virtualServers[0].realServers[0].address "10.1.1.1" is outside instance.subnet "172.20.0.0/17"',
  ],
  [
    'real server is the VIP',
    (p) => {
      p.virtualServers[0].realServers[0].address = '172.20.0.119';
    },
    'virtualServers[0].realServers[0].address "172.20.0.119" is a VIP, not a real server',
  ],
  [
    'duplicate real server',
    (p) => {
      p.virtualServers[0].realServers[1].address = '172.20.0.113';
    },
    'virtualServers[0].realServers[1] "172.20.0.113" port 80 duplicates virtualServers[0].realServers[0]',
  ],
  [
    'real server weight above 65535',
    (p) => {
      p.virtualServers[0].realServers[0].weight = 65536;
    },
    'virtualServers[0].realServers[0].weight 65536 is outside 0-65535',
  ],
  [
    'all real servers at weight 0',
    (p) => {
      for (const rs of p.virtualServers[0].realServers) rs.weight = 0;
    },
    'virtualServers[0].realServers all have weight 0',
  ],
  [
    'no real servers',
    (p) => {
      p.virtualServers[0].realServers = [];
    },
    'virtualServers[0].realServers is empty',
  ],
  [
    'two checks on one real server',
    (p) => {
      p.virtualServers[0].realServers[0].tcpCheck = {};
      p.virtualServers[0].realServers[0].httpGet = { path: '/' };
    },
    'virtualServers[0].realServers[0] sets both tcpCheck and httpGet',
  ],
  [
    'HTTP path without a slash',
    (p) => {
      p.virtualServers[0].realServers[0].httpGet = { path: 'ping' };
    },
    'virtualServers[0].realServers[0].httpGet.path "ping" must start with \'/\'',
  ],
  [
    'HTTP retry -1',
    (p) => {
      p.virtualServers[0].realServers[0].httpGet = { path: '/ping', retry: -1 };
    },
    'virtualServers[0].realServers[0].httpGet.retry -1 is outside 0-1000',
  ],
  [
    'inhibitOnFailure not a boolean',
    (p) => {
      p.virtualServers[0].realServers[0].inhibitOnFailure = 'yes';
    },
    'virtualServers[0].realServers[0].inhibitOnFailure "yes" must be true or false',
  ],
  [
    'HTTP status code 99',
    (p) => {
      p.virtualServers[0].realServers[0].httpGet = { path: '/ping', statusCode: 99 };
    },
    'virtualServers[0].realServers[0].httpGet.statusCode 99 is outside 100-599',
  ],
  [
    'TCP check connect port 0',
    (p) => {
      p.virtualServers[0].realServers[0].tcpCheck = { connectPort: 0 };
    },
    'virtualServers[0].realServers[0].tcpCheck.connectPort 0 is outside 1-65535',
  ],
  [
    'TCP check negative retry',
    (p) => {
      p.virtualServers[0].realServers[0].tcpCheck = { retry: -1 };
    },
    'virtualServers[0].realServers[0].tcpCheck.retry -1 is outside 0-1000',
  ],
  [
    'duplicate virtual server',
    (p) => {
      p.virtualServers.push(p.virtualServers[0]);
    },
    'virtualServers[1] TCP "172.20.0.119" port 80 duplicates virtualServers[0]',
  ],

  // global_defs
  [
    'GARP repeat 0',
    (p) => {
      p.globalDefs = { garpMasterRepeat: 0 };
    },
    'globalDefs.garpMasterRepeat 0 is outside 1-100',
  ],
  [
    'fractional GARP delay',
    (p) => {
      p.globalDefs = { garpMasterDelaySeconds: 0.5 };
    },
    'globalDefs.garpMasterDelaySeconds 0.5 is not an integer',
  ],
  [
    'script user with a space',
    (p) => {
      p.globalDefs = { scriptUser: 'key alived' };
    },
    'globalDefs.scriptUser "key alived" is not a valid user name',
  ],
])('rejects %s', (_name, mutate, message) => {
  test('with a message naming the property and value', () => {
    expect(build(mutate)).toThrow(message);
  });
});

test('messages are lower-case at the start and have no trailing period', () => {
  try {
    build((p) => {
      p.instance.virtualRouterId = 256;
    })();
    throw new Error('expected an error');
  } catch (err) {
    const message = (err as Error).message;
    expect(message).toBe('instance.virtualRouterId 256 is outside 1-255');
  }
});

test('every problem is reported at once, one per line', () => {
  const f = build((p) => {
    p.instance.virtualRouterId = 256;
    p.nodes[1].address = '10.0.0.300';
    p.virtualServers[0].persistenceTimeoutSeconds = 0;
  });
  expect(f).toThrow('nodes[1].address "10.0.0.300" is not a valid IP address\n');
  expect(f).toThrow('instance.virtualRouterId 256 is outside 1-255');
  expect(f).toThrow('virtualServers[0].persistenceTimeoutSeconds 0 is outside 1-2678400');
});

test('254 nodes with distinct priorities are accepted', () => {
  const f = build((p) => {
    p.nodes = manyNodes(254);
    p.instance.subnet = '172.20.0.0/16';
    p.virtualServers = undefined;
  });
  expect(f().nodes).toHaveLength(254);
});

test('a negative script weight is accepted with preemption', () => {
  expect(
    build((p) => {
      p.scripts[0].weight = -60;
      p.instance.preempt = true;
    }),
  ).not.toThrow();
});

test('props that are not an object', () => {
  expect(() => new KeepalivedConfig(undefined as any)).toThrow('props undefined is not an object');
  expect(
    build((p) => {
      p.instance = 'eth0';
    }),
  ).toThrow('instance "eth0" is not an object');
});

describe('renderAuthenticationFile', () => {
  const v2 = build((p) => {
    p.instance.version = VrrpVersion.V2;
    p.instance.advertIntervalSeconds = 1;
    p.instance.authenticationFile = '/etc/keepalived/auth/vrrp-auth.conf';
  })();

  test.each([
    ['', 'password must not be empty'],
    ['123456789', 'password has 9 characters, at most 8 are used by keepalived'],
    ['pass wd', 'password must be printable ASCII without whitespace'],
    ['päss', 'password must be printable ASCII without whitespace'],
    ['ab\tcd', 'password must be printable ASCII without whitespace'],
    ['ab#cd', 'password must not contain # ! $ " { } or \\'],
    ['ab$cd', 'password must not contain'],
  ])('rejects password %j', (password, message) => {
    expect(() => v2.renderAuthenticationFile(password)).toThrow(message);
  });

  test('accepts 8 printable characters', () => {
    expect(v2.renderAuthenticationFile('a%b&c*d(')).toContain('    auth_pass a%b&c*d(\n');
  });

  test('refuses with VRRPv3, which has no authentication', () => {
    const v3 = build(() => undefined)();
    expect(() => v3.renderAuthenticationFile('secret')).toThrow('instance.version 3 has no authentication (VRRPv2 only)');
  });
});

describe('render with an authentication include', () => {
  test('VRRPv3 and a second include are refused, naming the option', () => {
    const v3 = build(() => undefined)();
    expect(() => v3.render({ authenticationInclude: 'vrrp-auth.conf' })).toThrow(
      'authenticationInclude "vrrp-auth.conf" cannot be used with version 3',
    );
    const withFile = build((p) => {
      p.instance.version = VrrpVersion.V2;
      p.instance.advertIntervalSeconds = 1;
      p.instance.authenticationFile = '/etc/a.conf';
    })();
    expect(() => withFile.render({ authenticationInclude: 'b.conf' })).toThrow(
      'instance.authenticationFile "/etc/a.conf" already includes one',
    );
    const v2 = build((p) => {
      p.instance.version = VrrpVersion.V2;
      p.instance.advertIntervalSeconds = 1;
    })();
    expect(() => v2.render({ authenticationInclude: 'auth/x.conf' })).toThrow(
      'authenticationInclude "auth/x.conf" must be an absolute path',
    );
    expect(v2.render({ authenticationInclude: 'x.conf' })).toContain('    includea x.conf\n');
    expect(v2.render()).not.toContain('includea');
  });
});
