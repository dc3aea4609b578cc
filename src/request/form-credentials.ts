import { Field } from './fields.ts';
import { ParamBag, type NamedValues } from './param-bag.ts';

/**
 * ManagerLoginName and ManagerPassword from a posted urlencoded form (the body as plugins/body-parsers.ts
 * leaves it), by the page's rules: any letter case, first one given.
 */
export function formCredentials(body: unknown): { login: string; password: string } | undefined {
  const bag = new ParamBag([['form', Array.isArray(body) ? (body as NamedValues) : []]]);
  const login = bag.text(Field.login);
  const password = bag.get(Field.password);
  return login && password ? { login, password } : undefined;
}
