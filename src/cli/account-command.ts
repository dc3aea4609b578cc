import { addPoints, createAccount, setPasswordHash } from '../store/accounts.ts';
import { hashPassword } from '../auth/password.ts';
import { CliError, cliConfig, withDatabase } from './cli-support.ts';
import { failureKey } from '../auth/lockout.ts';
import { LoginFailureStore } from '../store/login-failures.ts';

export const ACCOUNT_HELP = `Usage:
  omis account add --login NAME --password PASS --user-id N --customer-id ID
                   [--parent LOGIN] [--licence TaskManager --licence Points] [--points N]
  omis account passwd LOGIN --password PASS
  omis account points LOGIN AMOUNT      add AMOUNT to the root of LOGIN's tree
                                        (to take points away: omis account points LOGIN -- -50)
  omis account unlock LOGIN             end LOGIN's lockout after failed logins and reset its count

Logins compare case-insensitively; passwords are case-sensitive and stored as argon2id hashes.`;

function wholeNumber(text: unknown, name: string): number {
  if (typeof text !== 'string' || !/^-?\d+$/.test(text)) throw new CliError(`${name} must be a whole number`);
  return Number(text);
}

function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new CliError(`--${name} is required\n\n${ACCOUNT_HELP}`);
  return value;
}

export async function accountCommand(positionals: string[], values: Record<string, unknown>): Promise<void> {
  const [action, ...args] = positionals;
  const config = cliConfig();
  switch (action) {
    case 'add': {
      const password = required(values, 'password');
      const account = {
        login: required(values, 'login'),
        userId: wholeNumber(required(values, 'user-id'), '--user-id'),
        customerId: required(values, 'customer-id'),
        parent: typeof values.parent === 'string' ? values.parent : null,
        licences: (values.licence as string[] | undefined) ?? [],
        points: values.points === undefined ? 0 : wholeNumber(values.points, '--points'),
      };
      const hash = await hashPassword(password);
      await withDatabase(config, (db) => db.prisma.$transaction((tx) => createAccount(tx, account, hash)), { command: 'account add' });
      console.log(`account ${account.login} (UserID ${account.userId}) created`);
      return;
    }
    case 'passwd': {
      const [login] = args;
      if (!login) throw new CliError(`expected LOGIN\n\n${ACCOUNT_HELP}`);
      const password = required(values, 'password');
      const hash = await hashPassword(password);
      await withDatabase(config, (db) => setPasswordHash(db.prisma, login, hash), { command: 'account passwd' });
      console.log(`password of ${login} changed`);
      return;
    }
    case 'points': {
      const [login, amount] = args;
      if (!login || amount === undefined) throw new CliError(`expected LOGIN AMOUNT\n\n${ACCOUNT_HELP}`);
      const result = await withDatabase(config, (db) => addPoints(db.prisma, login, wholeNumber(amount, 'AMOUNT')), { command: 'account points' });
      console.log(`points of ${result.root} (root of ${login}'s tree): ${result.balance}`);
      return;
    }
    case 'unlock': {
      const [login] = args;
      if (!login) throw new CliError(`expected LOGIN\n\n${ACCOUNT_HELP}`);
      // Works for any login name, known or not: failures of unknown names are counted too.
      const unlocked = await withDatabase(config, (db) => new LoginFailureStore(db).clear(failureKey(login)), { command: 'account unlock' });
      console.log(unlocked ? `failed logins of ${login} forgotten; it can log in again` : `${login} had no failed logins`);
      return;
    }
    default:
      throw new CliError(`unknown account action "${action ?? ''}"\n\n${ACCOUNT_HELP}`);
  }
}
