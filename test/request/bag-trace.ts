import type { ParamBag, ParamSource } from '../../src/request/param-bag.ts';

/** The source whose value of `name` the request uses (from the bag's trace). */
export function winningSource(bag: ParamBag, name: string): ParamSource | undefined {
  return bag.traced().find((entry) => entry.used && entry.name.toLowerCase() === name.toLowerCase())?.source;
}
