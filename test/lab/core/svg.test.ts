import { escapeXml, renderTimelineSvg, tickStep, wrap } from '../../../lab/core/svg';

const base = {
  title: 'crash <project> & "seed"',
  subtitle: 'run 2',
  nodes: ['edge-1', 'edge-2'],
  from: 0,
  to: 4000,
  t0: 1000,
  holding: [
    { node: 'edge-1', from: 0, to: 1000 },
    { node: 'edge-2', from: 1700, to: 4000 },
  ],
  linkDown: [{ node: 'edge-1', from: 1000, to: 4000 }],
  samples: [
    { start: 900, end: 901, ok: true, node: 'edge-1' },
    { start: 1200, end: 1400, ok: false, node: null },
    { start: 1800, end: 1801, ok: true, node: 'edge-2' },
  ],
  markers: [
    { t: 1000, label: 'crash edge-1', fault: true },
    { t: 9000, label: 'outside the window' },
  ],
};

describe('timeline SVG', () => {
  const svg = renderTimelineSvg(base);

  test('is a standalone SVG document with escaped text', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('crash &lt;project&gt; &amp; &quot;seed&quot;');
    expect(svg).not.toContain('<project>');
  });

  test('one lane per node plus the client lane', () => {
    for (const lane of ['edge-1', 'edge-2', 'client']) expect(svg).toContain(`>${lane}</text>`);
  });

  test('holding bars, link-down shading, green and red request dots, fault marker', () => {
    expect(svg.match(/holds the VIP/g)).toHaveLength(2);
    expect(svg).toContain('<title>link down</title>');
    expect(svg.match(/<circle [^>]*fill="#2a2"/g)!.length).toBeGreaterThanOrEqual(2);
    expect(svg.match(/<circle [^>]*fill="#d22"/g)!.length).toBeGreaterThanOrEqual(1);
    expect(svg).toContain('crash edge-1');
    expect(svg).not.toContain('outside the window');
  });

  test('x positions follow the window: the fault at 25 % of the plot', () => {
    // plot from x=90 to x=940 (width 850): t0 = 1000 of [0, 4000] -> 90 + 212.5
    expect(svg).toContain('x1="302.5"');
  });

  test('axis labels are relative to t0', () => {
    expect(svg).toContain('>-1</text>');
    expect(svg).toContain('>0</text>');
    expect(svg).toContain('>3</text>');
    expect(svg).toContain('seconds after the fault');
    expect(renderTimelineSvg({ ...base, axisLabel: 'seconds after the rollout started' })).toContain('seconds after the rollout started');
  });

  test('many samples are bucketed, so long runs stay small', () => {
    const samples = Array.from({ length: 3000 }, (_, i) => ({ start: i * 20, end: i * 20 + 1, ok: true, node: 'edge-1' }));
    const big = renderTimelineSvg({ ...base, from: 0, to: 60000, t0: 0, samples });
    expect(big.match(/<circle /g)!.length).toBeLessThanOrEqual(300);
  });

  test('helpers', () => {
    expect(escapeXml(`a<b>&'"`)).toBe('a&lt;b&gt;&amp;&apos;&quot;');
    expect(tickStep(4)).toBe(0.5);
    expect(tickStep(60)).toBe(5);
    expect(wrap('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
  });
});
