// Entry point of the policy pack: `pulumi preview --policy-pack policy`. Constructing the
// PolicyPack starts the analyzer server, so nothing else imports this file; the rules live in
// rules.ts (pure) and policies.ts (their policy wrappers), which tests import instead.
// The deep path for the same reason as in policies.ts (a broken root index.d.ts in 1.21.0).
import { PolicyPack } from "@pulumi/policy/policy";
import { PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, {
    enforcementLevel: "mandatory",
    policies: policies(),
});
