import { ParamBag } from './param-bag.ts';
import { queryFields } from './collect-params.ts';

/** The fields of a report link's query string (JobID, Expires, Signature), read by ASP.NET's rules like the page's. */
export function reportLinkQuery(url: string): { jobId?: string | undefined; expires?: string | undefined; signature?: string | undefined } {
  const bag = new ParamBag([['query', queryFields(url)]]);
  return { jobId: bag.text('JobID'), expires: bag.text('Expires'), signature: bag.text('Signature') };
}
