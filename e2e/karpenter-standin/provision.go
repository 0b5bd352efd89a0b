package main

import (
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/karpenter/pkg/scheduling"
)

// provision: each pending pod goes to an existing Karpenter node it fits (what kube-scheduler
// would bind), else Karpenter launches a node from the first compatible NodePool within its
// limits. A pod no NodePool would take is not claimed: the fake kubelet's node-group nodes take it.
func (p *pass) provision() {
	for i := range p.world.Pods {
		pod := &p.world.Pods[i]
		if pod.Spec.NodeName != "" || pod.DeletionTimestamp != nil {
			continue
		}
		reqs := p.podRequirements(pod)
		if node := p.existingNodeFor(pod, reqs); node != "" {
			p.claim(pod, node)
			continue
		}
		pool, reasons := p.compatiblePool(pod, reqs)
		if pool == nil {
			if len(p.pools) > 0 {
				p.note(pod, reasons...)
			}
			continue
		}
		if err := p.withinLimits(pool, ""); err != nil {
			p.decision.Claimed = append(p.decision.Claimed, podKey(pod))
			p.note(pod, pool.Name+": "+errText(err))
			continue
		}
		launch := p.launch(pool, pod, reqs)
		p.decision.Launch = append(p.decision.Launch, launch)
		p.nodes = append(p.nodes, &launch.Node)
		p.claim(pod, launch.Node.Name)
	}
}

func (p *pass) claim(pod *corev1.Pod, node string) {
	p.decision.Claimed = append(p.decision.Claimed, podKey(pod))
	p.decision.Bind = append(p.decision.Bind, Binding{Pod: podKey(pod), Node: node})
	p.podsOn[node] = append(p.podsOn[node], pod)
}

// existingNodeFor: a Karpenter node that stays, whose taints the pod tolerates and whose labels
// meet the pod's requirements (Karpenter's check of a pod against an existing node).
func (p *pass) existingNodeFor(pod *corev1.Pod, reqs scheduling.Requirements) string {
	for _, node := range p.nodes {
		if p.deleting[node.Name] || node.Spec.Unschedulable {
			continue
		}
		if scheduling.Taints(node.Spec.Taints).ToleratesPod(pod) != nil {
			continue
		}
		if scheduling.NewLabelRequirements(node.Labels).Compatible(reqs) == nil {
			return node.Name
		}
	}
	return ""
}
