import { Render, renderInChild, requestFromStackFile } from "../../render";
import { parseStackFile } from "../../inventory";
import { shippedStackFile } from "../../test/support/stacks";
import { stringify } from "yaml";

/**
 * Renders for the real-components tier: the real program under mocks, in a child process, with
 * secret inputs kept (the tier logs into QuestDB with the rendered credentials).
 */
export function renderShippedForE2e(stack: string): Promise<Render> {
    return renderInChild({ ...requestFromStackFile(shippedStackFile(stack), false), revealSecrets: true });
}

/** Renders a stack file body (the YAML document as an object), secrets kept. */
export function renderBodyForE2e(stack: string, body: unknown): Promise<Render> {
    const file = parseStackFile(stringify(body), `Pulumi.${stack}.yaml`, stack);
    return renderInChild({ ...requestFromStackFile(file, false), revealSecrets: true });
}
