package main

import (
	"fmt"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/clock"
	clocktesting "k8s.io/utils/clock/testing"
	karpv1 "sigs.k8s.io/karpenter/pkg/apis/v1"
)

// Where the stand-in keeps on a Node what Karpenter keeps in its cluster state or on its NodeClaim:
// when the node was last seen empty (the Consolidatable condition), until when it is nominated for
// the pod it was launched for, and the AMI it was launched from.
const (
	emptySinceAnnotation     = "karpenter.e2e.questdb.cloud/empty-since"
	nominatedUntilAnnotation = "karpenter.e2e.questdb.cloud/nominated-until"
	amiAnnotation            = "karpenter.e2e.questdb.cloud/ami"
)

// nominationWindow is Karpenter's default (pkg/controllers/state/statenode.go: twice the batch
// maximum of 10 s): a node launched for a pod is not disrupted before the pod can reach it. Real
// seconds, not scaled: it is the time the pod takes to arrive, which the tier does not shorten.
const nominationWindow = 20 * time.Second

// nominated: launched for a pod that may not have arrived yet (Karpenter's StateNode.Nominated).
func (p *pass) nominated(node *corev1.Node) bool {
	until, err := time.Parse(time.RFC3339Nano, node.Annotations[nominatedUntilAnnotation])
	return err == nil && until.After(p.now)
}

// pass is one reconcile over a snapshot of the cluster.
type pass struct {
	world     *World
	now       time.Time
	budgets   clock.Clock
	pools     map[string]*karpv1.NodePool
	ordered   []*karpv1.NodePool
	classes   map[string]*NodeClass
	nodes     []*corev1.Node
	podsOn    map[string][]*corev1.Pod
	deleting  map[string]bool
	disrupted map[string]int
	decision  Decision
}

func judge(w *World) (*Decision, error) {
	now, err := parseInstant("now", w.Now, time.Now().UTC())
	if err != nil {
		return nil, err
	}
	budgetNow, err := parseInstant("budgetNow", w.BudgetNow, now)
	if err != nil {
		return nil, err
	}
	p := newPass(w, now, budgetNow)
	p.orphans()
	p.drift()
	p.emptiness()
	p.provision()
	return &p.decision, nil
}

func newPass(w *World, now, budgetNow time.Time) *pass {
	p := &pass{
		world: w, now: now, budgets: clocktesting.NewFakeClock(budgetNow),
		pools: map[string]*karpv1.NodePool{}, classes: map[string]*NodeClass{},
		podsOn: map[string][]*corev1.Pod{}, deleting: map[string]bool{}, disrupted: map[string]int{},
		decision: Decision{Launch: []Launch{}, Patch: []NodePatch{}, Bind: []Binding{}, Delete: []NodeDelete{}, Claimed: []string{}, Pending: []PendingNote{}, Held: []HeldNote{}},
	}
	for i := range w.NodePools {
		pool := &w.NodePools[i]
		p.pools[pool.Name] = pool
		p.ordered = append(p.ordered, pool)
	}
	// Karpenter's scheduler tries NodePools by weight, heaviest first, then by name.
	sort.SliceStable(p.ordered, func(i, j int) bool {
		wi, wj := weight(p.ordered[i]), weight(p.ordered[j])
		return wi > wj || (wi == wj && p.ordered[i].Name < p.ordered[j].Name)
	})
	for i := range w.NodeClasses {
		p.classes[w.NodeClasses[i].Metadata.Name] = &w.NodeClasses[i]
	}
	for i := range w.Nodes {
		node := &w.Nodes[i]
		if _, ok := node.Labels[karpv1.NodePoolLabelKey]; ok && node.DeletionTimestamp == nil {
			p.nodes = append(p.nodes, node)
		}
	}
	for i := range w.Pods {
		pod := &w.Pods[i]
		if pod.Spec.NodeName != "" && pod.DeletionTimestamp == nil {
			p.podsOn[pod.Spec.NodeName] = append(p.podsOn[pod.Spec.NodeName], pod)
		}
	}
	return p
}

func weight(pool *karpv1.NodePool) int32 {
	if pool.Spec.Weight == nil {
		return 0
	}
	return *pool.Spec.Weight
}

// active: the pool's nodes that stay after this pass.
func (p *pass) active(pool string) []*corev1.Node {
	var nodes []*corev1.Node
	for _, node := range p.nodes {
		if node.Labels[karpv1.NodePoolLabelKey] == pool && !p.deleting[node.Name] {
			nodes = append(nodes, node)
		}
	}
	return nodes
}

func (p *pass) remove(node *corev1.Node, reason string) {
	evict := []string{}
	for _, pod := range p.podsOn[node.Name] {
		evict = append(evict, podKey(pod))
	}
	p.deleting[node.Name] = true
	p.decision.Delete = append(p.decision.Delete, NodeDelete{Node: node.Name, Reason: reason, Evict: evict})
}

// orphans: a deleted NodePool's nodes go with it (Karpenter's NodeClaims are owned by their
// NodePool, and the termination controller drains each node before it goes).
func (p *pass) orphans() {
	for _, node := range p.nodes {
		if _, ok := p.pools[node.Labels[karpv1.NodePoolLabelKey]]; !ok {
			p.remove(node, "NodePoolDeleted")
		}
	}
}

// budgetAllows asks the NodePool's own budget helper how many nodes a reason may disrupt now.
func (p *pass) budgetAllows(pool *karpv1.NodePool, reason karpv1.DisruptionReason) bool {
	total := len(p.active(pool.Name)) + p.disrupted[pool.Name]
	allowed := pool.MustGetAllowedDisruptions(p.budgets, total, reason)
	return p.disrupted[pool.Name] < allowed
}

// emptiness: a node without pods for the pool's consolidateAfter (divided by the time scale) is
// removed when the Empty budget allows it. consolidateAfter: Never keeps it.
func (p *pass) emptiness() {
	for _, node := range p.nodes {
		pool, ok := p.pools[node.Labels[karpv1.NodePoolLabelKey]]
		if !ok || p.deleting[node.Name] {
			continue
		}
		since, marked := node.Annotations[emptySinceAnnotation]
		if len(p.podsOn[node.Name]) > 0 {
			if marked {
				p.decision.Patch = append(p.decision.Patch, NodePatch{Node: node.Name, Annotations: map[string]*string{emptySinceAnnotation: nil}})
			}
			continue
		}
		if !marked {
			stamp := p.now.Format(time.RFC3339Nano)
			p.decision.Patch = append(p.decision.Patch, NodePatch{Node: node.Name, Annotations: map[string]*string{emptySinceAnnotation: &stamp}})
			continue
		}
		if p.nominated(node) {
			continue
		}
		after := pool.Spec.Disruption.ConsolidateAfter.Duration
		emptyAt, err := time.Parse(time.RFC3339Nano, since)
		if after == nil || err != nil || p.now.Sub(emptyAt) < time.Duration(float64(*after)/p.world.TimeScale) {
			continue
		}
		if p.budgetAllows(pool, karpv1.DisruptionReasonEmpty) {
			p.disrupted[pool.Name]++
			p.remove(node, string(karpv1.DisruptionReasonEmpty))
		}
	}
}

func (p *pass) note(pod *corev1.Pod, reasons ...string) {
	p.decision.Pending = append(p.decision.Pending, PendingNote{Pod: podKey(pod), Reasons: reasons})
}

func errText(err error) string {
	return fmt.Sprint(err)
}
