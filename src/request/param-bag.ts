/**
 * The ASP.NET parameter bag (docs/API.md#parameters): names are case-insensitive; within one source a
 * name given more than once is joined with `,`; across sources the first source that has a name wins
 * (query string, then form fields, then the fields of an XML request). Only src/request/ reads it:
 * it becomes a PageRequest (request/page-request.ts), and nothing after that sees it.
 */
export type ParamSource = 'query' | 'form' | 'xml';

export type NamedValues = ReadonlyArray<readonly [string, string]>;

/** One source's values, with repeated names (in any letter case) joined by `,`. */
export function collapseSource(pairs: NamedValues): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    const previous = map.get(key);
    map.set(key, previous === undefined ? value : `${previous},${value}`);
  }
  return map;
}

/** One parameter as a source gave it (repeats joined), and whether it is the value the request used. */
export interface ParamTrace {
  name: string;
  value: string;
  source: ParamSource;
  used: boolean;
}

export class ParamBag {
  private readonly sources: Array<{ source: ParamSource; values: Map<string, string>; pairs: NamedValues }> = [];

  constructor(sources: Array<[ParamSource, NamedValues]> = []) {
    for (const [source, pairs] of sources) this.add(source, pairs);
  }

  /** Adds a source after those already present (so it has the lowest priority). */
  add(source: ParamSource, pairs: NamedValues): this {
    this.sources.push({ source, values: collapseSource(pairs), pairs });
    return this;
  }

  /** The value of a field, or undefined when no source has it. */
  get(name: string): string | undefined {
    const key = name.toLowerCase();
    for (const { values } of this.sources) {
      const value = values.get(key);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  /** The value with surrounding white space removed, or undefined when absent or blank. */
  text(name: string): string | undefined {
    const value = this.get(name)?.trim();
    return value === '' ? undefined : value;
  }

  /** The first of several names that has a non-blank value (e.g. SuccessfulUrl / SuccessfulUr). */
  firstText(...names: string[]): string | undefined {
    for (const name of names) {
      const value = this.text(name);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  /** Every parameter of every source (names as first spelled), and whether its value is the one used. */
  traced(): ParamTrace[] {
    const trace: ParamTrace[] = [];
    const won = new Set<string>();
    for (const { source, values, pairs } of this.sources) {
      const seen = new Set<string>();
      for (const [name] of pairs) {
        const key = name.toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        trace.push({ name, value: values.get(key)!, source, used: !won.has(key) });
      }
      for (const key of seen) won.add(key);
    }
    return trace;
  }

  /** Whether any source has the field, even one that a higher source shadows. */
  inSource(source: ParamSource, name: string): string | undefined {
    return this.sources.find((s) => s.source === source)?.values.get(name.toLowerCase());
  }
}

