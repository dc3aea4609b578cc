import type { Database } from '../db/database.ts';
import { ApiError, type ErrorCode } from '../errors/error-codes.ts';
import { errorAnswer, type Answer } from '../render/answer.ts';
import type { ReadablePageRequest, PageRequest } from '../request/page-request.ts';
import { parseRecordId } from '../request/fields.ts';
import { authenticate, Licence, requireLicence, type Caller } from '../auth/authenticate.ts';
import { signedInCaller } from '../auth/signed-in.ts';
import { applySandbox } from './sandbox.ts';
import type { InjectedAnswer } from '../store/sandbox.ts';
import type { CredentialCache } from '../auth/credential-cache.ts';
import { failureKey, type LoginLockout } from '../auth/lockout.ts';
import type { PasswordChecker } from '../auth/password.ts';
import { writeAudit } from '../store/audit.ts';
import { loginKey } from '../store/login-key.ts';
import type { RequestReader } from '../store/request-reader.ts';
import { executeJobAction, type ActionContext } from './job-action.ts';
import { executeLaunchAction } from './launch-action.ts';
import type { KeyedQueue } from '../store/keyed-queue.ts';
import { answerRecord, readTarget, recordOf } from './record-answer.ts';
import { RefusedAction } from './refused-action.ts';
import { auditEntry } from './audit-entry.ts';
import type { ViewSettings } from './views.ts';

/**
 * A PageRequest answered in the contract's checking order (docs/API.md#checking-order): what the
 * request itself was refused for (103–107, 102); credentials (100, 101); licence (1000); the syntax
 * of the action and target fields (112, 113, 114, 118); the record's existence and ownership (110,
 * 111); its state (115, 116); its recipients (117). One read fetches the account, its login's state
 * and the record, ownership decided in the same statement; a refusal on a foreign record is the
 * refusal on a missing one, given before any lock or queue. Every action request that got past
 * authentication is audited, refused or not. API-level refusals are answers; anything else (the
 * database gone) is thrown, for the route to answer 9999.
 */
export interface PageServices {
  db: Database;
  reader: RequestReader;
  lockout: LoginLockout;
  credentials: CredentialCache;
  passwords: PasswordChecker;
  queue: KeyedQueue<number>;
  views: ViewSettings;
}

/** What the answer does not say but the request journal wants to know. */
export interface PageNotes {
  /** The account's sandbox rule shaped the answer (docs/CONSOLE.md#sandbox). */
  injected?: InjectedAnswer;
}

export class PageFlow {
  constructor(private readonly services: PageServices) {}

  async answer(page: PageRequest, notes: PageNotes = {}): Promise<Answer> {
    if (page.refusal) return errorAnswer(page.refusal.code, page.echo, page.refusal.field, page.refusal.httpStatus);
    // Who the request turned out to be, once authenticated: refusals from then on are audited.
    const known: { caller?: Caller } = {};
    try {
      return await this.#serve(page, known, notes);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (known.caller && page.requested) await this.#auditRefusal(known.caller, page, error, notes);
      return errorAnswer(error.code, page.echo, error.field, error.httpStatus);
    }
  }

  async #serve(page: ReadablePageRequest, known: { caller?: Caller }, notes: PageNotes): Promise<Answer> {
    const { db, reader, lockout, credentials, passwords, queue, views } = this.services;
    const { login, password } = page.credentials;
    const intent = page.syntax.intent;
    const read = await reader.read({ loginKey: loginKey(login), failureKey: failureKey(login), ...readTarget(intent) });
    const { signedIn } = page.origin;
    const caller = signedIn
      ? signedInCaller(read, signedIn)
      : await authenticate(login, password, { lockout, passwords, cache: credentials, clientIp: page.origin.clientIp }, read);
    known.caller = caller;
    // The account's sandbox rule, right after authentication: it is the account's, so only a request
    // that proved to be the account meets it. The console's own requests never do.
    if (read.sandbox && page.origin.via === 'api') {
      notes.injected = await applySandbox(db, caller.userId, read.sandbox);
      if (notes.injected?.errorCode) throw new ApiError(notes.injected.errorCode as ErrorCode);
    }
    requireLicence(caller, Licence.taskManager);
    if (page.needsPoints) requireLicence(caller, Licence.points);
    if (!intent) throw page.syntax.error;
    const found = recordOf(intent, read.launch, read.jobs ?? []);
    if (intent.kind === 'query') return answerRecord(db, found, intent.recipients, views);
    const ac: ActionContext = { db, queue, caller, origin: page.origin, requested: page.requested!, auditFields: page.auditFields, settings: views };
    return intent.kind === 'launch-action' ? executeLaunchAction(ac, intent, found) : executeJobAction(ac, intent, found);
  }

  /** A refused action's entry, written on its own (the action's transaction, if any, rolled back). */
  async #auditRefusal(caller: Caller, page: ReadablePageRequest, error: ApiError, notes: PageNotes): Promise<void> {
    const requested = page.requested!;
    const idText = requested.on === 'launch' ? page.echo.launchId : page.echo.jobId;
    const target = { type: requested.on, id: idText === '' ? null : (parseRecordId(idText) ?? null) };
    const before = error instanceof RefusedAction ? error.before : { request: page.auditFields, ...(notes.injected ? { sandbox: notes.injected } : {}) };
    await writeAudit(this.services.db, auditEntry({ caller, origin: page.origin, requested }, target, error.code, before, null));
  }
}

