/*
 * Benchmark: build + validate + render a 100-node keepalived config (DR virtual servers on 80 and 443
 * with 100 real servers each, one tracked script).
 *
 *   node -r @swc-node/register scripts/bench-keepalived.ts [runs]
 *
 * Prints the median and p95 of single build+render times after a warmup. Target: median < 50 ms.
 */
import { performance } from 'perf_hooks';
import { KeepalivedConfig, KeepalivedConfigProps } from '../lib/keepalived';

const NODES = 100;
const WARMUP = 20;
const RUNS = Math.max(20, Number(process.argv[2] ?? 200));

function props(): KeepalivedConfigProps {
  // 100 distinct priorities spread over 1..254, addresses spread over a /16.
  const nodes = Array.from({ length: NODES }, (_, i) => ({
    name: `edge-${String(i).padStart(3, '0')}.example.com`,
    address: `10.20.${Math.floor(i / 4)}.${(i % 4) * 50 + 10}`,
    priority: 254 - Math.floor((i * 253) / (NODES - 1)),
  }));
  return {
    nodes,
    instance: { interface: 'eth0', virtualRouterId: 51, virtualIpAddresses: ['10.20.255.10'], subnet: '10.20.0.0/16' },
    scripts: [{ name: 'chk_traefik', command: '/usr/bin/wget -q -T 1 -O /dev/null http://127.0.0.1:8080/ping' }],
    virtualServers: [80, 443].map((port) => ({
      address: '10.20.255.10', port, realServers: nodes.map((n) => ({ address: n.address, port })),
    })),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function main(): void {
  let bytes = 0;
  const once = (): number => {
    const start = performance.now();
    const text = new KeepalivedConfig(props()).render();
    const elapsed = performance.now() - start;
    bytes = text.length;
    return elapsed;
  };
  for (let i = 0; i < WARMUP; i++) {
    once();
  }
  const times = Array.from({ length: RUNS }, once).sort((a, b) => a - b);
  const median = percentile(times, 50);
  const p95 = percentile(times, 95);
  console.log(`keepalived config: ${NODES} nodes, 2 DR virtual servers x ${NODES} real servers, ${bytes} bytes`);
  console.log(`runs ${RUNS} (after ${WARMUP} warmup): median ${median.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms, `
    + `max ${times[times.length - 1].toFixed(2)} ms (target: median < 50 ms)`);
  if (median >= 50) {
    process.exitCode = 1;
  }
}

main();
