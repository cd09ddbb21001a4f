/** Numbered step lines with timings, so that a slow or failing step is obvious. */
export class StepPrinter {
  private current = 0;
  constructor(
    private readonly total: number,
    private readonly write: (line: string) => void = console.log,
  ) {}

  async run<T>(label: string, fn: () => Promise<T>, describe?: (value: T) => string): Promise<T> {
    this.current++;
    const prefix = `[${this.current}/${this.total}]`;
    this.write(`${prefix} ${label} ...`);
    const began = performance.now();
    try {
      const value = await fn();
      const text = describe ? `${describe(value)} ` : '';
      this.write(`${' '.repeat(prefix.length)} ${text}(${seconds(performance.now() - began)})`);
      return value;
    } catch (error) {
      this.write(`${' '.repeat(prefix.length)} FAILED after ${seconds(performance.now() - began)}`);
      throw error;
    }
  }

  line(text = ''): void {
    this.write(text);
  }
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

export function indent(text: string, by = '    '): string {
  return text
    .split('\n')
    .map((line) => `${by}${line}`)
    .join('\n');
}
