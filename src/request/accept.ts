/**
 * Whether a request's `Accept` header names `text/csv` (with a weight above 0). A CSV answer is shown
 * on the page as `text/plain`, which every browser displays; a client that asks for `text/csv` by name
 * gets that type instead. A browser's `text/html,…,*\/*;q=0.8` names no CSV: wildcards do not count.
 */
export function acceptsCsv(accept: string | string[] | undefined): boolean {
  if (accept === undefined) return false;
  const text = Array.isArray(accept) ? accept.join(',') : accept;
  if (!text.toLowerCase().includes('text/csv')) return false;
  for (const range of text.split(',')) {
    const [type, ...params] = range.split(';');
    if (type!.trim().toLowerCase() !== 'text/csv') continue;
    const q = params.map((param) => param.trim().toLowerCase()).find((param) => param.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}
