import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where callback URLs may point (OUTBOUND_WEBHOOK_URLS): `public`, https to public addresses only (the
 * default); `private`, http or https to the deployment's own network too (RFC 1918, unique local,
 * loopback); `loopback`, http or https to public addresses and this machine (the demo, tests).
 * Link-local addresses, which hold the clouds' metadata services, are refused under every policy.
 */
export type CallbackPolicy = 'public' | 'private' | 'loopback';
export const CALLBACK_POLICIES = ['public', 'private', 'loopback'] as const;

/** Longest callback URL taken. */
const MAX_URL_LENGTH = 2048;

function blockList(ranges: ReadonlyArray<[string, number, 'ipv4' | 'ipv6']>): BlockList {
  const list = new BlockList();
  for (const [address, prefix, family] of ranges) list.addSubnet(address, prefix, family);
  return list;
}

const LOOPBACK = blockList([
  ['127.0.0.0', 8, 'ipv4'],
  ['::1', 128, 'ipv6'],
]);
const PRIVATE = blockList([
  ['10.0.0.0', 8, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['fc00::', 7, 'ipv6'],
]);
/** Never a receiver's: link-local (169.254.169.254 and fd00:ec2::254 are metadata services), unspecified, shared, multicast, reserved, documentation. */
const NEVER = blockList([
  ['0.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 3, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['fd00:ec2::254', 128, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'],
]);

/** An IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is. */
function plain(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/** Why the policy refuses this address; undefined when a delivery may connect to it. */
export function addressRefusal(policy: CallbackPolicy, raw: string): string | undefined {
  const { address, family } = plain(raw);
  if (NEVER.check(address, family)) return `${raw} is a link-local, reserved or metadata address`;
  if (LOOPBACK.check(address, family)) return policy === 'public' ? `${raw} is a loopback address` : undefined;
  if (PRIVATE.check(address, family)) return policy === 'private' ? undefined : `${raw} is a private address`;
  return undefined;
}

/** Why a callback URL is refused at creation (its form, and its host when written as an address); undefined when it is taken. */
export function callbackUrlRefusal(policy: CallbackPolicy, text: string): string | undefined {
  if (text.length > MAX_URL_LENGTH) return `The callback URL is longer than ${MAX_URL_LENGTH} characters.`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'The callback URL is not an absolute URL.';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy !== 'public')) {
    return policy === 'public' ? 'The callback URL must be https.' : 'The callback URL must be http or https.';
  }
  if (url.username || url.password) return 'The callback URL may not carry a user name or password.';
  if (url.hash) return 'The callback URL may not carry a fragment (#…).';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    const refusal = addressRefusal(policy, host);
    return refusal && `The callback URL's host is refused: ${refusal}.`;
  }
  if (policy === 'public' && (host === 'localhost' || host.endsWith('.localhost'))) return 'The callback URL may not name localhost.';
  return undefined;
}

/** A connection refused by the policy: its address was checked when the name was resolved for it. */
export class RefusedAddress extends Error {
  readonly code = 'OUTBOUND_ADDRESS_REFUSED';
}

/**
 * A DNS lookup for outbound connections that resolves the name and refuses it unless every
 * address it resolves to is allowed, so that the connection is made to the very address
 * checked: a name re-pointed at a private address (DNS rebinding) between a check and a
 * connect cannot slip through. Used for every connection a delivery opens.
 */
export function guardedLookup(policy: CallbackPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, resolved: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = resolved.map((entry) => addressRefusal(policy, entry.address)).find((refusal) => refusal !== undefined);
      if (refused || resolved.length === 0) return callback(new RefusedAddress(`${hostname} resolves to a refused address: ${refused ?? 'none'}`), '', 0);
      if (options.all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, resolved);
      callback(null, resolved[0]!.address, resolved[0]!.family);
    });
  };
}
