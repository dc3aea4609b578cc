import { ApiError, ErrorCodes } from '../errors/error-codes.ts';
import { templateRefusal, type RedirectTargets } from '../render/redirect.ts';
import { Field } from './fields.ts';
import type { ParamBag } from './param-bag.ts';

/**
 * The redirect templates a request gives (docs/API.md#redirects; blank values count as not given),
 * judged before the request is acted on: one that may not be used (render/redirect.ts) refuses the
 * whole request with 106, so that a refused redirect leaves every record as it was.
 */
export function readRedirectTargets(bag: ParamBag): RedirectTargets {
  const targets: RedirectTargets = {};
  const successful = bag.firstText(Field.successfulUrl, Field.successfulUrlAsPrinted);
  const failed = bag.text(Field.failedUrl);
  const refer = bag.text(Field.referUrl);
  if (successful !== undefined) targets.successful = successful;
  if (failed !== undefined) targets.failed = failed;
  if (refer !== undefined) targets.refer = refer;
  return targets;
}

/** The request's targets; 106 unless every one of them is allowed. */
export function checkRedirects(bag: ParamBag, hosts: readonly string[]): RedirectTargets {
  const targets = readRedirectTargets(bag);
  for (const template of Object.values(targets)) {
    if (templateRefusal(template, hosts) !== undefined) throw new ApiError(ErrorCodes.REDIRECT_NOT_ALLOWED);
  }
  return targets;
}

/** The targets when every one is allowed, else none (for a request refused before its redirects were judged). */
export function allowedRedirects(bag: ParamBag, hosts: readonly string[]): RedirectTargets | undefined {
  try {
    return checkRedirects(bag, hosts);
  } catch {
    return undefined;
  }
}
