package main

import (
	corev1 "k8s.io/api/core/v1"
	karpv1 "sigs.k8s.io/karpenter/pkg/apis/v1"
	"sigs.k8s.io/karpenter/pkg/scheduling"
)

// driftReason is Karpenter's static and requirements drift (pkg/controllers/nodeclaim/disruption/
// drift.go, areStaticFieldsDrifted and areRequirementsDrifted, which that package does not
// export), on the Node that stands for the NodeClaim: the NodePool's template hash (its own Hash(),
// which Karpenter's hash controller writes on the NodePool) against the one the node was launched
// with, then every NodePool requirement against the node's labels. Cloud-provider drift (an
// EC2NodeClass's AMI, subnets or security groups changing under a node) is not modelled.
func driftReason(pool *karpv1.NodePool, node *corev1.Node) string {
	hash, version := node.Annotations[karpv1.NodePoolHashAnnotationKey], node.Annotations[karpv1.NodePoolHashVersionAnnotationKey]
	if version == karpv1.NodePoolHashVersion && hash != "" && hash != pool.Hash() {
		return "NodePoolDrifted"
	}
	poolReqs := scheduling.NewNodeSelectorRequirementsWithMinValues(pool.Spec.Template.Spec.Requirements...)
	if scheduling.NewLabelRequirements(node.Labels).Compatible(poolReqs) != nil {
		return "RequirementsDrifted"
	}
	return ""
}

// drift replaces a drifted node when the Drifted budget allows: the replacement first, for each of
// its pods, with the candidate left out of the NodePool's node limit (as Karpenter's disruption
// simulation leaves the candidates out of the cluster state it schedules against), then the
// candidate is drained and deleted. A node whose pods fit nowhere stays (Karpenter's "Blocked").
func (p *pass) drift() {
	for _, node := range p.nodes {
		pool, ok := p.pools[node.Labels[karpv1.NodePoolLabelKey]]
		if !ok || p.deleting[node.Name] || p.nominated(node) {
			continue
		}
		reason := driftReason(pool, node)
		if reason == "" {
			continue
		}
		if !p.budgetAllows(pool, karpv1.DisruptionReasonDrifted) {
			p.decision.Held = append(p.decision.Held, HeldNote{Node: node.Name, Reason: reason + ": the Drifted budget allows no disruption now"})
			continue
		}
		var launches []Launch
		for _, pod := range p.podsOn[node.Name] {
			launch, blocked := p.replacementFor(pod, node)
			if blocked != "" {
				p.decision.Held = append(p.decision.Held, HeldNote{Node: node.Name, Reason: reason + ": " + blocked})
				launches = nil
				break
			}
			launches = append(launches, launch)
		}
		if len(launches) < len(p.podsOn[node.Name]) {
			continue
		}
		p.disrupted[pool.Name]++
		p.decision.Launch = append(p.decision.Launch, launches...)
		p.remove(node, reason)
	}
}

func (p *pass) replacementFor(pod *corev1.Pod, candidate *corev1.Node) (Launch, string) {
	reqs := p.podRequirements(pod)
	pool, reasons := p.compatiblePool(pod, reqs)
	if pool == nil {
		return Launch{}, joinReasons(reasons)
	}
	if err := p.withinLimits(pool, candidate.Name); err != nil {
		return Launch{}, errText(err)
	}
	launch := p.launch(pool, pod, reqs)
	return launch, ""
}
