import type { SeedFile } from './seed-file.ts';

/**
 * What `omis serve --demo` prints after it starts: the demo logins and URLs to try. The launches it
 * points at first are the demo's recurring ones (from the demo file, with their owners' logins),
 * whose runs keep coming, so their answers keep changing for as long as the simulator runs.
 */
export function demoBanner(seed: SeedFile, base: string): string {
  const lines = [
    'Demo logins: acme / acme-pass (root, Points licence), acme-mkt / mkt-pass, acme-mkt-tw / tw-pass,',
    '             acme-viewer / viewer-pass (no TaskManager licence), globex / globex-pass (another tree)',
    'Try: (the launches recur: a new run every few seconds, so their answers keep changing)',
    ...recurringLaunchUrls(seed, base).map(({ url, name, recurSeconds }) => `  ${url}   (${name}: a run every ${recurSeconds} s)`),
    `  ${pageUrl(base, { ManagerLoginName: 'acme', ManagerPassword: 'acme-pass', JobID: '9001', ReturnType: 'CSV' })}   (a job as CSV)`,
  ];
  return `\n${lines.join('\n')}`;
}

export interface LaunchUrl {
  launchId: number;
  name: string;
  recurSeconds: number;
  url: string;
}

/** A URL for each recurring launch of the seed, signed in as its owner, in the file's order. */
export function recurringLaunchUrls(seed: SeedFile, base: string): LaunchUrl[] {
  const passwords = new Map(seed.accounts.map((account) => [account.login, account.password]));
  return seed.launches.flatMap((launch) => {
    const password = passwords.get(launch.owner);
    if (!launch.recurSeconds || password === undefined) return [];
    const url = pageUrl(base, { ManagerLoginName: launch.owner, ManagerPassword: password, LaunchID: String(launch.launchId) });
    return [{ launchId: launch.launchId, name: launch.name, recurSeconds: launch.recurSeconds, url }];
  });
}

function pageUrl(base: string, fields: Record<string, string>): string {
  return `${base}/WebAPI/TaskManager.aspx?${new URLSearchParams(fields).toString()}`;
}
