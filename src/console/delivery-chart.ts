import { html, type Html } from './html.ts';

/**
 * A job's recipients by delivery status: the counts as a list (what a screen reader reads) and a
 * small stacked bar drawn in SVG (shapes with attributes only: the CSP allows no inline style).
 */
const ORDER = ['PENDING', 'SENT', 'DELIVERED', 'OPENED', 'CLICKED', 'BOUNCED', 'FAILED', 'CANCELLED'];

/** A CSS class for a status (any text the database holds) that colours its part of the bar. */
export const statusClass = (status: string) => `d-${status.toLowerCase().replace(/[^a-z0-9]/g, '') || 'other'}`;

export function sortedCounts(deliveries: Record<string, number>): Array<[string, number]> {
  const rank = (status: string) => (ORDER.includes(status) ? ORDER.indexOf(status) : ORDER.length);
  return Object.entries(deliveries).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

export function deliveryChart(deliveries: Record<string, number>, counted: number): Html {
  const counts = sortedCounts(deliveries);
  const total = counts.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return html`<span class="muted">none</span>`;
  let x = 0;
  const bars = counts.map(([status, n]) => {
    const width = (n / total) * 100;
    const rect = html`<rect class="${statusClass(status)}" x="${x.toFixed(2)}" y="0" width="${width.toFixed(2)}" height="10"></rect>`;
    x += width;
    return rect;
  });
  return html`<div class="deliveries">
    <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" width="120" height="12" aria-hidden="true" focusable="false">${bars}</svg>
    <ul class="legend">${counts.map(([status, n]) => html`<li><span class="swatch ${statusClass(status)}" aria-hidden="true"></span>${status} ${n}</li>`)}</ul>
    ${total >= counted ? html`<small>(the first ${counted} counted)</small>` : ''}
  </div>`;
}
