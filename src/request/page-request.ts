import type { FastifyRequest } from 'fastify';
import type { ReturnTypeName } from '../config/config.ts';
import { ApiError, ErrorCodes } from '../errors/error-codes.ts';
import type { RenderPlan } from '../render/send-answer.ts';
import { acceptsCsv } from './accept.ts';
import { requestedAction, QUERY_LABEL, type RequestedAction } from './actions.ts';
import { queryFields, readForm, type CollectLimits } from './collect-params.ts';
import { Field } from './fields.ts';
import { readIntent, requiredFields, requiredTargets, type Credentials, type Intent } from './intent.ts';
import { ParamBag, type NamedValues, type ParamTrace } from './param-bag.ts';
import { allowedRedirects, checkRedirects } from './redirect-targets.ts';
import { addXmlSource, type XmlSourceField, type XmlSourceOptions } from './xml-sources.ts';

/**
 * Normalise: a request to TaskManager.aspx becomes one typed value, made once. Every parameter
 * source is read by ASP.NET's rules (query string, then form, then the XML request), and everything
 * later stages need is decided here: the refusal to give for the transport and the parsing (103–107)
 * or for a missing field (102), the credentials, the intent or the syntax error to give in its turn
 * (after credentials and licence), the action asked for (for the audit), the echoed IDs, how to
 * render the answer, and the label the metrics count. Nothing after this reads the parameters.
 */
/** The page's path; matched in any letter case, as IIS does. */
export const PAGE_PATH = '/WebAPI/TaskManager.aspx';

export interface PageOrigin {
  clientIp: string;
  /** The page itself, or the console acting on a manager's behalf. */
  via: 'api' | 'console';
  /**
   * The console's signed-in account (docs/CONSOLE.md#sessions), which stands in for the password:
   * the account the request reads must still be that one, with the same password hash
   * (auth/signed-in.ts). Its requests carry no credentials.
   */
  signedIn?: SessionAccount | undefined;
  /** The request's `Accept` names `text/csv`: a CSV answer goes out as text/csv rather than text/plain. */
  acceptsCsv?: boolean | undefined;
}

export interface SessionAccount {
  userId: number;
  login: string;
  /** A fingerprint of the account's password hash when it signed in (auth/signed-in.ts). */
  passwordStamp: string;
}

interface PageRequestBase {
  origin: PageOrigin;
  /** The action the request names, also when its syntax is wrong; undefined for a query. */
  requested: RequestedAction | undefined;
  /** For an action: its fields as given (cut to a sane length), kept with its audit entry. */
  auditFields: Record<string, string>;
  /** JobAction 5 was asked for: it needs the Points licence besides TaskManager. */
  needsPoints: boolean;
  /** The LaunchID and JobID text the request gave, echoed by error answers. */
  echo: { launchId: string; jobId: string };
  plan: RenderPlan;
  /** What the metrics count the request as: `query`, `launch.pause`, `job.invalid`… */
  label: string;
  /**
   * Every parameter, its source and whether it won (the request journal shows this). Made when asked:
   * the journal keeps a few hundred requests a second and drops the rest, which never need it.
   */
  trace: () => ParamTrace[];
  /** The field that carried an XML request, if one did. */
  xmlSource: XmlSourceField | undefined;
}

export interface RefusedPageRequest extends PageRequestBase {
  /** 103–107, then 102: given before anything else is looked at. */
  refusal: ApiError;
}

export interface ReadablePageRequest extends PageRequestBase {
  refusal: undefined;
  credentials: Credentials;
  /** The intent, or the syntax error (112, 113, 114, 118) to give after credentials and licence. */
  syntax: { intent: Intent; error?: undefined } | { intent?: undefined; error: ApiError };
}

export type PageRequest = RefusedPageRequest | ReadablePageRequest;

export interface PageRequestOptions extends CollectLimits, XmlSourceOptions {
  allowedMethods: readonly string[];
  redirectHosts: readonly string[];
  defaultReturnType: ReturnTypeName;
  timeZone: string;
}

/** Methods the original page ever answered (HEAD is answered as GET); any other gets HTTP 405 (ErrorCode 105). */
const PAGE_METHODS = new Set(['GET', 'POST']);

const RETURN_TYPES: Record<string, ReturnTypeName> = { XML: 'XML', '1': 'XML', CSV: 'CSV', '2': 'CSV', FILE: 'FILE', '3': 'FILE', XMLFILE: 'XMLFILE' };

/** ReturnType in any letter case; the configured default when absent or unknown. */
export function returnTypeOf(bag: ParamBag, fallback: ReturnTypeName): ReturnTypeName {
  const asked = bag.text(Field.returnType)?.toUpperCase();
  return (asked !== undefined ? RETURN_TYPES[asked] : undefined) ?? fallback;
}

/** Reads a request to the page. API-level refusals are part of the value; only the unexpected throws. */
export async function readPageRequest(request: FastifyRequest, options: PageRequestOptions): Promise<PageRequest> {
  const origin: PageOrigin = { clientIp: request.ip, via: 'api', acceptsCsv: acceptsCsv(request.headers.accept) };
  const bag = new ParamBag([['query', queryFields(request.raw.url ?? '')]]);
  // IIS runs the page for HEAD exactly as for GET (an action included); only the body is left out,
  // which Node does for every answer to a HEAD request.
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  if (!PAGE_METHODS.has(method)) return refused(bag, origin, new ApiError(ErrorCodes.METHOD_NOT_ALLOWED, undefined, 405), options);
  let xmlSource: XmlSourceField | undefined;
  try {
    const form = await readForm(request, options);
    bag.add('form', form.fields);
    if (!options.allowedMethods.includes(method)) throw new ApiError(ErrorCodes.METHOD_NOT_ALLOWED);
    xmlSource = await addXmlSource(bag, form.files, options);
    // Judged before acting: a refused redirect (106) must leave every record as it was.
    const redirects = checkRedirects(bag, options.redirectHosts);
    return fromBag(bag, origin, options, redirects, xmlSource);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return refused(bag, origin, error, options, xmlSource);
  }
}

/**
 * A request made of fields as a form would post them (the console acts this way, so that it does
 * exactly what a legacy client sending the same fields would).
 */
export function pageRequestFromFields(fields: NamedValues, origin: PageOrigin, options: PageRequestOptions): PageRequest {
  const bag = new ParamBag([['form', fields]]);
  try {
    return fromBag(bag, origin, options, checkRedirects(bag, options.redirectHosts), undefined);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return refused(bag, origin, error, options);
  }
}

/**
 * A request HTTP itself could not take apart (a body over its limit, a broken Content-Length): 107
 * with the given status, answered in the form its query string asks for, where that can be read.
 */
export function malformedPageRequest(url: string, clientIp: string, status: number, options: PageRequestOptions, accept?: string | string[]): PageRequest {
  const bag = new ParamBag([['query', queryFields(url)]]);
  return refused(bag, { clientIp, via: 'api', acceptsCsv: acceptsCsv(accept) }, new ApiError(ErrorCodes.MALFORMED, undefined, status), options);
}

function fromBag(bag: ParamBag, origin: PageOrigin, options: PageRequestOptions, redirects: RenderPlan['redirects'], xmlSource: XmlSourceField | undefined): PageRequest {
  let credentials: Credentials;
  try {
    if (origin.signedIn) {
      // The session stands in for the credentials; the other required fields are checked as always.
      requiredTargets(bag);
      credentials = { login: origin.signedIn.login, password: '' };
    } else {
      credentials = requiredFields(bag);
    }
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return refused(bag, origin, error, options, xmlSource, redirects);
  }
  const request = common(bag, origin, options, redirects, xmlSource);
  request.credentials = credentials;
  try {
    request.syntax = { intent: readIntent(bag, request.requested, options.timeZone) };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    request.syntax = { error };
  }
  return request as ReadablePageRequest;
}

function refused(
  bag: ParamBag,
  origin: PageOrigin,
  refusal: ApiError,
  options: PageRequestOptions,
  xmlSource?: XmlSourceField,
  redirects?: RenderPlan['redirects'],
): RefusedPageRequest {
  // The answer still goes where the request's redirects say, when they are allowed (not for 106 itself).
  const targets = redirects ?? (refusal.code === ErrorCodes.REDIRECT_NOT_ALLOWED ? undefined : allowedRedirects(bag, options.redirectHosts));
  const request = common(bag, origin, options, targets, xmlSource);
  request.refusal = refusal;
  return request as RefusedPageRequest;
}

/** The fields worth keeping with an action's audit entry, as the request gave them. */
const AUDITED_FIELDS = [
  Field.launchId,
  Field.jobId,
  Field.launchAction,
  Field.jobAction,
  Field.expireTime,
  Field.email,
  Field.sms,
  Field.externRefNum,
  Field.jobType,
];
const MAX_AUDITED_VALUE = 200;

function auditFieldsOf(bag: ParamBag): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of AUDITED_FIELDS) {
    const value = bag.get(name);
    if (value !== undefined) fields[name] = value.length > MAX_AUDITED_VALUE ? `${value.slice(0, MAX_AUDITED_VALUE)}…` : value;
  }
  return fields;
}

/** A page request of either kind before its outcome is set: refused, or readable with its credentials and syntax. */
interface UnsettledPageRequest extends PageRequestBase {
  refusal: ApiError | undefined;
  credentials: Credentials | undefined;
  syntax: ReadablePageRequest['syntax'] | undefined;
}

/**
 * The fields every page request has. The outcome's fields are there from the start and set
 * afterwards, so that every request is one object of one shape: a spread of these fields with the
 * outcome's added cost V8 a runtime call per field, about 5 µs a request (docs/PERFORMANCE.md).
 */
function common(bag: ParamBag, origin: PageOrigin, options: PageRequestOptions, redirects: RenderPlan['redirects'], xmlSource: XmlSourceField | undefined): UnsettledPageRequest {
  const jobAction = bag.text(Field.jobAction);
  const requested = requestedAction(bag.text(Field.launchAction), jobAction);
  return {
    origin,
    requested,
    auditFields: requested ? auditFieldsOf(bag) : {},
    // The licence is the points module's, needed whenever JobAction 5 is asked for (licences come before syntax).
    needsPoints: jobAction === '5',
    echo: { launchId: bag.text(Field.launchId) ?? '', jobId: bag.text(Field.jobId) ?? '' },
    plan: {
      returnType: returnTypeOf(bag, options.defaultReturnType),
      csvType: origin.acceptsCsv ? 'text/csv' : 'text/plain',
      redirects,
      redirectHosts: options.redirectHosts,
    },
    label: requested?.label ?? QUERY_LABEL,
    trace: () => bag.traced(),
    xmlSource,
    refusal: undefined,
    credentials: undefined,
    syntax: undefined,
  };
}
