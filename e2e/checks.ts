/** The e2e suite's results: named checks that passed or failed, each with what was seen. */
import { LabTarget } from '../lab/core/outcome';

export interface CheckResult {
  readonly group: string;
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly seconds: number;
}

export class Checks {
  readonly results: CheckResult[] = [];
  private group = '';

  section(group: string): void {
    this.group = group;
    process.stdout.write(`\n## ${group}\n`);
  }

  /** Records a check: `fn` returns what it saw (passed) or throws (failed, with the error's message). */
  async check(name: string, fn: () => string | Promise<string>): Promise<boolean> {
    const start = Date.now();
    let ok = true;
    let detail: string;
    try {
      detail = await fn();
    } catch (error) {
      ok = false;
      detail = (error as Error).message;
    }
    const r = { group: this.group, name, ok, detail, seconds: (Date.now() - start) / 1000 };
    this.results.push(r);
    process.stdout.write(
      `${ok ? 'PASS' : 'FAIL'}  ${name} (${r.seconds.toFixed(1)} s)${detail ? `\n      ${detail.split('\n').join('\n      ')}` : ''}\n`,
    );
    return ok;
  }

  get failed(): CheckResult[] {
    return this.results.filter((r) => !r.ok);
  }

  /** Each check as a lab target (lab/core/outcome.ts): it must pass; what it saw is what was measured. */
  targets(): LabTarget[] {
    return this.results.map((r) => ({
      id: `${r.group}: ${r.name}`,
      description: `${r.group}: ${r.name}`,
      required: 'passes',
      measured: r.detail.split('\n')[0],
      status: r.ok ? 'met' : 'missed',
    }));
  }

  /** Markdown: one table per group. */
  markdown(title: string, preamble: string): string {
    const out = [`# ${title}`, '', preamble, ''];
    const groups = [...new Set(this.results.map((r) => r.group))];
    for (const g of groups) {
      out.push(`## ${g}`, '', '| check | result | seen | s |', '|---|---|---|---|');
      for (const r of this.results.filter((x) => x.group === g)) {
        const seen = r.detail.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
        out.push(`| ${r.name} | ${r.ok ? 'pass' : '**FAIL**'} | ${seen} | ${r.seconds.toFixed(1)} |`);
      }
      out.push('');
    }
    out.push(`${this.results.length - this.failed.length} passed, ${this.failed.length} failed`, '');
    return out.join('\n');
  }
}

/** Throws `message` unless `cond`. */
export function expect(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}
