package main

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	karpv1 "sigs.k8s.io/karpenter/pkg/apis/v1"
	"sigs.k8s.io/karpenter/pkg/scheduling"
	"sigs.k8s.io/karpenter/pkg/utils/resources"
)

// podRequirements: the pod's node selector and affinity (Karpenter's NewPodRequirements) and the
// zone of each bound volume (what Karpenter's volume topology adds: the PV's first node affinity term).
func (p *pass) podRequirements(pod *corev1.Pod) scheduling.Requirements {
	reqs := scheduling.NewPodRequirements(pod)
	for _, volume := range pod.Spec.Volumes {
		if volume.PersistentVolumeClaim == nil {
			continue
		}
		if pv := p.boundVolume(pod.Namespace, volume.PersistentVolumeClaim.ClaimName); pv != nil && pv.Spec.NodeAffinity != nil && pv.Spec.NodeAffinity.Required != nil {
			if terms := pv.Spec.NodeAffinity.Required.NodeSelectorTerms; len(terms) > 0 {
				reqs.Add(scheduling.NewNodeSelectorRequirements(terms[0].MatchExpressions...).Values()...)
			}
		}
	}
	return reqs
}

func (p *pass) boundVolume(namespace, claim string) *corev1.PersistentVolume {
	for i := range p.world.Claims {
		c := &p.world.Claims[i]
		if c.Namespace != namespace || c.Name != claim || c.Spec.VolumeName == "" {
			continue
		}
		for j := range p.world.Volumes {
			if p.world.Volumes[j].Name == c.Spec.VolumeName {
				return &p.world.Volumes[j]
			}
		}
	}
	return nil
}

// poolRequirements: what a NodeClaim from the pool's template requires, as Karpenter's
// NodeClaimTemplate builds it: the template's requirements, its labels, the NodePool's and the
// node class's own labels.
func poolRequirements(pool *karpv1.NodePool) scheduling.Requirements {
	reqs := scheduling.NewNodeSelectorRequirementsWithMinValues(pool.Spec.Template.Spec.Requirements...)
	reqs.Add(scheduling.NewLabelRequirements(pool.Spec.Template.Labels).Values()...)
	reqs.Add(scheduling.NewLabelRequirements(map[string]string{
		karpv1.NodePoolLabelKey: pool.Name,
		nodeClassLabel(pool):    pool.Spec.Template.Spec.NodeClassRef.Name,
	}).Values()...)
	return reqs
}

func nodeClassLabel(pool *karpv1.NodePool) string {
	ref := pool.Spec.Template.Spec.NodeClassRef
	return karpv1.NodeClassLabelKey(schema.GroupKind{Group: ref.Group, Kind: ref.Kind})
}

// compatiblePool: the first NodePool whose taints the pod tolerates and whose requirements its
// own are compatible with, judged by Karpenter's Taints.ToleratesPod and Requirements.Compatible.
// Without a match, every pool's refusal.
func (p *pass) compatiblePool(pod *corev1.Pod, reqs scheduling.Requirements) (*karpv1.NodePool, []string) {
	var reasons []string
	for _, pool := range p.ordered {
		if pool.DeletionTimestamp != nil {
			continue
		}
		if _, ok := p.classes[pool.Spec.Template.Spec.NodeClassRef.Name]; !ok {
			reasons = append(reasons, fmt.Sprintf("%s: node class %q not found", pool.Name, pool.Spec.Template.Spec.NodeClassRef.Name))
			continue
		}
		if err := scheduling.Taints(pool.Spec.Template.Spec.Taints).ToleratesPod(pod); err != nil {
			reasons = append(reasons, fmt.Sprintf("%s: %v", pool.Name, err))
			continue
		}
		if err := poolRequirements(pool).Compatible(reqs, scheduling.AllowUndefinedWellKnownLabels); err != nil {
			reasons = append(reasons, fmt.Sprintf("%s: %v", pool.Name, err))
			continue
		}
		return pool, nil
	}
	return nil, reasons
}

// withinLimits: one more node against the NodePool's limits (Limits.ExceededBy), not counting
// `except` (a drift candidate about to go).
func (p *pass) withinLimits(pool *karpv1.NodePool, except string) error {
	count := int64(1)
	for _, node := range p.active(pool.Name) {
		if node.Name != except {
			count++
		}
	}
	return pool.Spec.Limits.ExceededBy(corev1.ResourceList{resources.Node: *resource.NewQuantity(count, resource.DecimalSI)})
}

// launch: a Node as Karpenter registers one from the pool for the pod: the template's labels
// and taints, and each requirement narrowed to one value by the pod's (its zone from the volume).
func (p *pass) launch(pool *karpv1.NodePool, pod *corev1.Pod, podReqs scheduling.Requirements) Launch {
	reqs := poolRequirements(pool)
	reqs.Add(podReqs.Values()...)
	name := pool.Name + "-" + suffix()
	labels := map[string]string{}
	for key, value := range pool.Spec.Template.Labels {
		labels[key] = value
	}
	for _, req := range reqs.Values() {
		if req.Operator() == corev1.NodeSelectorOpIn && req.Len() > 0 {
			labels[req.Key] = req.Any()
		}
	}
	labels[karpv1.NodeRegisteredLabelKey] = "true"
	labels[karpv1.NodeInitializedLabelKey] = "true"
	labels[corev1.LabelHostname] = name
	annotations := map[string]string{
		karpv1.NodePoolHashAnnotationKey:        pool.Hash(),
		karpv1.NodePoolHashVersionAnnotationKey: karpv1.NodePoolHashVersion,
		nominatedUntilAnnotation:                p.now.Add(nominationWindow).Format(time.RFC3339Nano),
	}
	if class := p.classes[pool.Spec.Template.Spec.NodeClassRef.Name]; class != nil && len(class.Spec.AmiSelectorTerms) > 0 {
		annotations[amiAnnotation] = class.Spec.AmiSelectorTerms[0].ID
	}
	node := corev1.Node{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Node"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels, Annotations: annotations},
		Spec:       corev1.NodeSpec{Taints: pool.Spec.Template.Spec.Taints},
	}
	return Launch{NodePool: pool.Name, ForPod: podKey(pod), Node: node}
}

// suffix: five random characters, as Karpenter names NodeClaims `<nodepool>-<5 characters>`.
func suffix() string {
	const letters = "bcdfghjklmnpqrstvwxz2456789"
	var b strings.Builder
	for range 5 {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(letters))))
		b.WriteByte(letters[n.Int64()])
	}
	return b.String()
}

func joinReasons(reasons []string) string {
	if len(reasons) == 0 {
		return "no NodePool"
	}
	return strings.Join(reasons, "; ")
}
