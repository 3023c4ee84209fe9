// What a webhook URL must be, checked when it is registered: http(s), a
// host, no credentials (the schema caps its length at 2,000), and not a
// literal address webhooks may not go to (src/webhooks/address-guard.ts).
import { InvalidInputError } from '../domain/errors.js';
import { forbiddenKind, hostOf } from './address-guard.js';

export class ForbiddenUrlError extends Error {
  readonly errors;
  constructor(detail: string) {
    super('Webhooks are not delivered to loopback, link-local, private or metadata addresses.');
    this.errors = [{ in: 'body' as const, pointer: '#/url', detail }];
  }
}

const invalidUrl = (detail: string) => new InvalidInputError([{ in: 'body', pointer: '#/url', detail }]);

/** The URL, normalised; InvalidInputError (400) or ForbiddenUrlError (422) naming `url` otherwise. */
export function checkedEndpointUrl(text: string, allowedHosts: ReadonlySet<string>): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidUrl('is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidUrl('must be an http or https URL');
  const host = hostOf(url);
  if (host === '') throw invalidUrl('has no host');
  if (url.username !== '' || url.password !== '') throw invalidUrl('must not carry a user name or password');
  if (url.href.length > 2000) throw invalidUrl('must be at most 2000 characters');
  if (allowedHosts.has(host.toLowerCase())) return url.href;
  const kind = forbiddenKind(host);
  if (kind) throw new ForbiddenUrlError(`names ${host}, ${kind} address`);
  return url.href;
}
