/*
 * Builds keepalived.conf text: four-space indentation, `name {` ... `}` blocks, '\n' line ends.
 * Internal: not re-exported from index.ts.
 */

const INDENT = '    ';

/** Line-oriented writer for keepalived.conf. */
export class ConfWriter {
  private readonly lines: string[] = [];
  private depth = 0;

  /** One configuration line at the current depth. */
  public line(text: string): this {
    // Every value is validated before rendering; this guards against a line break splitting a
    // keyword into two lines, which keepalived would parse as separate (possibly conditional) lines.
    if (/[\r\n]/.test(text)) {
      throw new Error(`internal error: keepalived.conf line contains a line break: ${JSON.stringify(text)}`);
    }
    this.lines.push(text === '' ? '' : INDENT.repeat(this.depth) + text);
    return this;
  }

  /** A line that only node `configId` reads (`@id ...`). */
  public onlyFor(configId: string, text: string): this {
    return this.line(`@${configId} ${text}`);
  }

  /** A line that every node except `configId` reads (`@^id ...`). */
  public exceptFor(configId: string, text: string): this {
    return this.line(`@^${configId} ${text}`);
  }

  /** `# text` comment lines. */
  public comment(...texts: string[]): this {
    for (const text of texts) {
      this.line(text === '' ? '#' : `# ${text}`);
    }
    return this;
  }

  /** An empty line (never more than one in a row). */
  public blank(): this {
    if (this.lines.length > 0 && this.lines[this.lines.length - 1] !== '') {
      this.lines.push('');
    }
    return this;
  }

  /** `header {`, the body one level deeper, `}`. */
  public block(header: string, body: (w: ConfWriter) => void): this {
    this.line(`${header} {`);
    this.depth++;
    try {
      body(this);
    } finally {
      this.depth--;
    }
    return this.line('}');
  }

  /** The text, ending with exactly one '\n'. */
  public toString(): string {
    const lines = [...this.lines];
    while (lines.length > 0 && lines[lines.length - 1] === '') {
      lines.pop();
    }
    return lines.join('\n') + '\n';
  }
}
