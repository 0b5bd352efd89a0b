import { isIP } from "net";

/**
 * Why a CIDR is not acceptable, or undefined when it is. Network addresses only: "10.1.2.3/16"
 * is refused (not silently widened to 10.1.0.0/16), because an allowlist entry must mean exactly
 * what the reviewer reads.
 */
export function cidrProblem(value: string): { reason: string; fix: string } | undefined {
    const match = /^([^/]+)\/(\d{1,3})$/.exec(value);
    const family = match ? isIP(match[1]) : 0;
    if (!match || family === 0) {
        return { reason: "is not a CIDR", fix: 'write an address and a prefix length, such as "203.0.113.0/24" or "2001:db8::/48"' };
    }
    const bits = family === 4 ? 32 : 128;
    const prefix = Number(match[2]);
    if (prefix > bits) {
        return { reason: `has a prefix longer than ${bits} bits`, fix: `use a prefix length from 0 to ${bits}` };
    }
    const address = family === 4 ? ipv4ToBigInt(match[1]) : ipv6ToBigInt(match[1]);
    const hostMask = (1n << BigInt(bits - prefix)) - 1n;
    if ((address & hostMask) !== 0n) {
        const network = address & ~hostMask & ((1n << BigInt(bits)) - 1n);
        const written = family === 4 ? bigIntToIpv4(network) : bigIntToIpv6(network);
        return { reason: "has host bits set", fix: `write the network address: "${written}/${prefix}" (or /${bits} for the one host)` };
    }
    return undefined;
}

function ipv4ToBigInt(address: string): bigint {
    return address.split(".").reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
}

function bigIntToIpv4(n: bigint): string {
    return [24n, 16n, 8n, 0n].map((shift) => String((n >> shift) & 255n)).join(".");
}

function ipv6ToBigInt(address: string): bigint {
    let text = address;
    const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
    if (v4) {
        const n = ipv4ToBigInt(v4[1]);
        text = text.slice(0, -v4[1].length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
    }
    const [head, tail] = text.split("::");
    const groups = (part: string | undefined) => (part ? part.split(":") : []);
    const missing = 8 - groups(head).length - groups(tail).length;
    const all = tail === undefined ? groups(head) : [...groups(head), ...Array(missing).fill("0"), ...groups(tail)];
    return all.reduce((n, group) => (n << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function bigIntToIpv6(n: bigint): string {
    const groups = Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
    return groups.join(":").replace(/(^|:)0(:0)+(:|$)/, "::");
}
