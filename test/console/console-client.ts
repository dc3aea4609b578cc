import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/**
 * A browser-like client of the console over app.inject: keeps the cookies it is given, and sends
 * the CSRF token of the last page it read with each form it posts (as the page's forms do).
 */
export class ConsoleClient {
  readonly cookies = new Map<string, string>();
  token = '';

  constructor(
    private readonly app: FastifyInstance,
    private readonly remoteAddress = '198.51.100.23',
  ) {}

  #keep(res: LightMyRequestResponse) {
    for (const cookie of res.cookies as Array<{ name: string; value: string; expires?: Date; maxAge?: number }>) {
      const gone = cookie.value === '' || (cookie.expires !== undefined && cookie.expires.getTime() <= Date.now()) || cookie.maxAge === 0;
      if (gone) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1] ?? /&quot;x-csrf-token&quot;:&quot;([^&]+)&quot;/.exec(res.body)?.[1];
    if (token) this.token = token;
    return res;
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async get(url: string, headers: Record<string, string> = {}) {
    return this.#keep(await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader, ...headers }, remoteAddress: this.remoteAddress }));
  }

  async post(url: string, fields: Record<string, string>, options: { headers?: Record<string, string>; csrf?: boolean } = {}) {
    const body = new URLSearchParams({ ...(options.csrf === false ? {} : { _csrf: this.token }), ...fields }).toString();
    return this.#keep(
      await this.app.inject({
        method: 'POST',
        url,
        payload: body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.cookieHeader, ...options.headers },
        remoteAddress: this.remoteAddress,
      }),
    );
  }

  /** An htmx request: the token in its header, as htmx sends it from the page's hx-headers. */
  async htmx(url: string, fields: Record<string, string>) {
    return this.post(url, fields, { csrf: false, headers: { 'hx-request': 'true', 'x-csrf-token': this.token } });
  }

  /** Where a redirect leads, as a browser follows it (GET); any other answer as it is. */
  async follow(res: LightMyRequestResponse) {
    return res.statusCode === 303 && res.headers.location ? this.get(String(res.headers.location)) : res;
  }

  async signIn(login: { ManagerLoginName: string; ManagerPassword: string }) {
    await this.get('/console/sign-in');
    return this.post('/console/sign-in', login);
  }
}
