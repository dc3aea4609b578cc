import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SignedInAccount } from '../auth/signed-in.ts';
import { listJournal } from '../store/journal.ts';
import { treeAccounts } from '../store/console-launches.ts';
import { clearSandboxRule, listSandboxRules, setSandboxRule } from '../store/sandbox.ts';
import { describeRule, parseSandboxRule, SandboxRuleError } from '../tasks/sandbox-rule.ts';
import { fieldsOf, pageContext, sendHtml } from './console-web.ts';
import { journalPage, journalRows, JOURNAL_PAGE_ROWS, type JournalQuery } from './journal-page.ts';
import { sandboxPage } from './sandbox-page.ts';
import { CONSOLE_PATH } from './layout.ts';

/**
 * The pages for developers of legacy clients: the request journal of the manager's tree, and the
 * sandbox rules of its accounts. A manager sees and shapes its own tree only: the accounts at or
 * below it (account_closure), as for launches.
 */
const account = (request: FastifyRequest) => request.session.account as SignedInAccount;

function journalQuery(request: FastifyRequest): JournalQuery {
  const fields = fieldsOf(request);
  const code = fields.text('code');
  return { login: fields.text('login')?.slice(0, 200), code: code !== undefined && /^\d{1,5}$/.test(code) ? Number(code) : undefined };
}

export default async function developerRoutes(app: FastifyInstance) {
  const { config, db } = app.services;
  const timeZone = config.OMIS_TIMEZONE;

  app.get('/requests', async (request, reply) => {
    const query = journalQuery(request);
    const viewerId = account(request).userId;
    const [entries, accounts] = await Promise.all([
      listJournal(db, { viewerId, login: query.login, errorCode: query.code, limit: JOURNAL_PAGE_ROWS }),
      treeAccounts(db, viewerId),
    ]);
    const view = { entries, query, logins: accounts.map((a) => a.login), enabled: config.OMIS_JOURNAL, timeZone };
    return sendHtml(reply, journalPage(pageContext(request, reply), view));
  });

  app.get('/requests/rows', async (request, reply) => {
    const query = journalQuery(request);
    const after = fieldsOf(request).text('after');
    const entries = await listJournal(db, {
      viewerId: account(request).userId,
      login: query.login,
      errorCode: query.code,
      afterId: after !== undefined && /^\d{1,19}$/.test(after) ? after : '0',
      limit: JOURNAL_PAGE_ROWS,
    });
    if (entries.length === 0) return reply.code(204).send();
    return sendHtml(reply, journalRows(entries, query, timeZone));
  });

  async function showSandbox(request: FastifyRequest, reply: Parameters<typeof sendHtml>[0], extra: { values?: Record<string, string>; error?: string; done?: string } = {}, status = 200) {
    const viewerId = account(request).userId;
    const [accounts, rules] = await Promise.all([treeAccounts(db, viewerId), listSandboxRules(db, viewerId)]);
    return sendHtml(reply, sandboxPage(pageContext(request, reply), { accounts, rules, timeZone, ...extra }), status);
  }

  app.get('/sandbox', async (request, reply) => {
    const refused = request.session.sandboxRefusal;
    if (refused) {
      request.session.sandboxRefusal = undefined;
      return showSandbox(request, reply, refused);
    }
    const set = fieldsOf(request).text('set');
    return showSandbox(request, reply, set ? { done: `Sandbox rule set for ${set.slice(0, 200)}: see the table below.` } : {});
  });

  /** Post, redirect, get for a refused rule too: the form comes back filled in, with the reason, and Back never asks to resubmit. */
  function refuseRule(request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, error: string) {
    request.session.sandboxRefusal = { values, error };
    return reply.redirect(`${CONSOLE_PATH}/sandbox`, 303);
  }

  /** The account a form names, when it is in the manager's tree. */
  async function treeAccount(request: FastifyRequest) {
    const id = Number(fieldsOf(request).text('account'));
    return (await treeAccounts(db, account(request).userId)).find((a) => a.user_id === id);
  }

  app.post('/sandbox', async (request, reply) => {
    const fields = fieldsOf(request);
    const values = Object.fromEntries(['account', 'latencyMs', 'errorCode', 'requests', 'seconds'].map((name) => [name, fields.text(name) ?? '']));
    const target = await treeAccount(request);
    if (!target) return refuseRule(request, reply, values, 'Choose an account of your tree.');
    try {
      const rule = parseSandboxRule(values);
      await setSandboxRule(db, target.user_id, rule, account(request).login);
      request.log.info({ event: 'sandbox-set', by: account(request).login, account: target.login, rule: describeRule(rule) }, 'console: sandbox rule set');
      // Post, redirect, get: Reload never sets the rule again.
      return reply.redirect(`${CONSOLE_PATH}/sandbox?set=${encodeURIComponent(target.login)}`, 303);
    } catch (error) {
      if (error instanceof SandboxRuleError) return refuseRule(request, reply, values, `The rule was not set: ${error.message}.`);
      throw error;
    }
  });

  app.post('/sandbox/clear', async (request, reply) => {
    const target = await treeAccount(request);
    if (target && (await clearSandboxRule(db, target.user_id))) {
      request.log.info({ event: 'sandbox-clear', by: account(request).login, account: target.login }, 'console: sandbox rule cleared');
    }
    return reply.redirect(`${CONSOLE_PATH}/sandbox`, 303);
  });
}
