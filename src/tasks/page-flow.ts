import type { Database } from '../db/database.ts';
import { ApiError } from '../errors/error-codes.ts';
import { errorAnswer, type Answer } from '../render/answer.ts';
import type { ReadablePageRequest, PageRequest } from '../request/page-request.ts';
import { parseRecordId } from '../request/fields.ts';
import { authenticate, Licence, requireLicence, type Caller } from '../auth/authenticate.ts';
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

export class PageFlow {
  constructor(private readonly services: PageServices) {}

  async answer(page: PageRequest): Promise<Answer> {
    if (page.refusal) return errorAnswer(page.refusal.code, page.echo, page.refusal.field, page.refusal.httpStatus);
    // Who the request turned out to be, once authenticated: refusals from then on are audited.
    const known: { caller?: Caller } = {};
    try {
      return await this.#serve(page, known);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (known.caller && page.requested) await this.#auditRefusal(known.caller, page, error);
      return errorAnswer(error.code, page.echo, error.field, error.httpStatus);
    }
  }

  async #serve(page: ReadablePageRequest, known: { caller?: Caller }): Promise<Answer> {
    const { db, reader, lockout, credentials, passwords, queue, views } = this.services;
    const { login, password } = page.credentials;
    const intent = page.syntax.intent;
    const read = await reader.read({ loginKey: loginKey(login), failureKey: failureKey(login), ...readTarget(intent) });
    const caller = await authenticate(login, password, { lockout, passwords, cache: credentials, clientIp: page.origin.clientIp }, read);
    known.caller = caller;
    requireLicence(caller, Licence.taskManager);
    if (page.needsPoints) requireLicence(caller, Licence.points);
    if (!intent) throw page.syntax.error;
    const found = recordOf(intent, read.launch, read.jobs ?? []);
    if (intent.kind === 'query') return answerRecord(db, found, intent.recipients, views);
    const ac: ActionContext = { db, queue, caller, origin: page.origin, requested: page.requested!, auditFields: page.auditFields, settings: views };
    return intent.kind === 'launch-action' ? executeLaunchAction(ac, intent, found) : executeJobAction(ac, intent, found);
  }

  /** A refused action's entry, written on its own (the action's transaction, if any, rolled back). */
  async #auditRefusal(caller: Caller, page: ReadablePageRequest, error: ApiError): Promise<void> {
    const requested = page.requested!;
    const idText = requested.on === 'launch' ? page.echo.launchId : page.echo.jobId;
    await writeAudit(this.services.db, {
      accountId: caller.userId,
      login: caller.login,
      clientIp: page.origin.clientIp,
      origin: page.origin.via,
      action: requested.label,
      targetType: requested.on,
      targetId: idText === '' ? null : (parseRecordId(idText) ?? null),
      errorCode: error.code,
      before: error instanceof RefusedAction ? error.before : { request: page.auditFields },
      after: null,
    });
  }
}

