import { ApiError, isApiError, type ErrorCode } from '../errors/error-codes.ts';
import type { AuditState } from '../store/audit.ts';

/**
 * A refusal found once the record was read (115, 116, 117): it carries the record's state, so that
 * the audit entry written after the rollback still says what the record looked like.
 */
export class RefusedAction extends ApiError {
  readonly before: AuditState;
  constructor(code: ErrorCode, before: AuditState) {
    super(code);
    this.before = before;
  }
}

/** Rethrows an API-level refusal raised while answering (117) with the record's state attached. */
export function withState(error: unknown, before: AuditState): never {
  if (isApiError(error) && !(error instanceof RefusedAction)) throw new RefusedAction(error.code, before);
  throw error;
}
