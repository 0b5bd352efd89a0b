/** Just enough of Kubernetes quantity parsing to compare requests with quota caps in tests. */

export function cpuMillis(quantity: string): number {
    const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(quantity);
    if (!match) throw new Error(`unsupported CPU quantity ${quantity}`);
    return match[2] === "m" ? Number(match[1]) : Number(match[1]) * 1000;
}

const BINARY: Record<string, number> = { "": 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

export function memoryBytes(quantity: string): number {
    const match = /^(\d+)(Ki|Mi|Gi|Ti|)$/.exec(quantity);
    if (!match) throw new Error(`unsupported memory quantity ${quantity}`);
    return Number(match[1]) * BINARY[match[2]];
}
