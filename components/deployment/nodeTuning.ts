/**
 * User data for the dedicated node, in the MIME multi-part form that AL2023's nodeadm reads
 * (amazon-eks-ami nodeadm/doc/examples.md). EKS adds its own NodeConfig part with the cluster's
 * details for a managed node group without a custom AMI; ours only adds what QuestDB asks for.
 */

/** QuestDB memory-maps every column file; the AL2023 EKS AMI sets 524288 (templates/al2023/.../sysctl.conf). */
export const MAX_MAP_COUNT = 1_048_576;
/** Open files per container; also the kernel's default fs.nr_open, the most a hard limit may be. */
export const OPEN_FILES = 1_048_576;

const BOUNDARY = "==QUESTDB-NODE==";

/**
 * nodeadm merges this NodeConfig into the one EKS supplies: every container starts with these
 * rlimits (`containerd.baseRuntimeSpec`, nodeadm/doc/api.md).
 */
export function nodeConfigPart(): string {
    return [
        "---",
        "apiVersion: node.eks.aws/v1alpha1",
        "kind: NodeConfig",
        "spec:",
        "  containerd:",
        "    baseRuntimeSpec:",
        "      process:",
        "        rlimits:",
        "          - type: RLIMIT_NOFILE",
        `            soft: ${OPEN_FILES}`,
        `            hard: ${OPEN_FILES}`,
    ].join("\n");
}

/**
 * cloud-init runs this before nodeadm-run starts containerd and the kubelet (nodeadm-run.service
 * is After=cloud-final.service), so no pod ever sees the AMI's lower value. The file sorts after
 * 99-sysctl.conf (the AMI's /etc/sysctl.conf), so the setting also wins at every reboot.
 */
export function sysctlScriptPart(): string {
    return [
        "#!/bin/bash",
        "set -euo pipefail",
        `echo "vm.max_map_count = ${MAX_MAP_COUNT}" > /etc/sysctl.d/99-zz-questdb.conf`,
        "sysctl -p /etc/sysctl.d/99-zz-questdb.conf",
    ].join("\n");
}

/** The launch template's user data, before base64. */
export function nodeUserData(): string {
    return [
        "MIME-Version: 1.0",
        `Content-Type: multipart/mixed; boundary="${BOUNDARY}"`,
        "",
        `--${BOUNDARY}`,
        "Content-Type: application/node.eks.aws",
        "",
        nodeConfigPart(),
        "",
        `--${BOUNDARY}`,
        'Content-Type: text/x-shellscript; charset="us-ascii"',
        "",
        sysctlScriptPart(),
        "",
        `--${BOUNDARY}--`,
        "",
    ].join("\n");
}
