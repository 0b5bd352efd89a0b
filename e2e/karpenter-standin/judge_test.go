package main

// The stand-in's own decisions on small worlds, run by build.sh before the binary is used: a
// wrong answer here would make every Karpenter scenario judge the program by a broken stand-in.

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	karpv1 "sigs.k8s.io/karpenter/pkg/apis/v1"
)

const now = "2026-12-06T02:30:00Z" // a Sunday

func pool(t *testing.T, id, zone, instanceType string, budgets string) karpv1.NodePool {
	t.Helper()
	var p karpv1.NodePool
	text := `{"metadata":{"name":"qdb-` + id + `"},"spec":{"template":{"metadata":{"labels":{"questdb.cloud/database":"` + id + `"}},"spec":{
		"nodeClassRef":{"group":"karpenter.k8s.aws","kind":"EC2NodeClass","name":"nc"},
		"taints":[{"key":"questdb.cloud/database","value":"` + id + `","effect":"NoSchedule"}],
		"requirements":[{"key":"topology.kubernetes.io/zone","operator":"In","values":["` + zone + `"]},
			{"key":"node.kubernetes.io/instance-type","operator":"In","values":["` + instanceType + `"]}],
		"expireAfter":"Never"}},
		"disruption":{"consolidationPolicy":"WhenEmpty","consolidateAfter":"5m","budgets":` + budgets + `},"limits":{"nodes":"1"}}}`
	if err := json.Unmarshal([]byte(text), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func pod(id, node string) corev1.Pod {
	return corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "questdb-0", Namespace: "qdb-" + id},
		Spec: corev1.PodSpec{
			NodeName:     node,
			NodeSelector: map[string]string{"questdb.cloud/database": id},
			Tolerations:  []corev1.Toleration{{Key: "questdb.cloud/database", Operator: corev1.TolerationOpEqual, Value: id, Effect: corev1.TaintEffectNoSchedule}},
			Volumes:      []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "questdb-data"}}}},
		},
	}
}

// world: a database's claim and PV in `zone`, one node class, and the given pools.
func world(id, zone string, pools ...karpv1.NodePool) *World {
	w := &World{Now: now, TimeScale: 100, NodePools: pools}
	w.NodeClasses = []NodeClass{{}}
	w.NodeClasses[0].Metadata.Name = "nc"
	w.Claims = []corev1.PersistentVolumeClaim{{ObjectMeta: metav1.ObjectMeta{Name: "questdb-data", Namespace: "qdb-" + id}, Spec: corev1.PersistentVolumeClaimSpec{VolumeName: "pv-" + id}}}
	w.Volumes = []corev1.PersistentVolume{{ObjectMeta: metav1.ObjectMeta{Name: "pv-" + id}, Spec: corev1.PersistentVolumeSpec{NodeAffinity: &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{
		NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: corev1.LabelTopologyZone, Operator: corev1.NodeSelectorOpIn, Values: []string{zone}}}}}}}}}}
	return w
}

func run(t *testing.T, w *World) *Decision {
	t.Helper()
	d, err := judge(w)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// launched: a node as the previous pass launched it, `age` ago.
func launched(t *testing.T, w *World, p karpv1.NodePool, age time.Duration) corev1.Node {
	t.Helper()
	at, _ := time.Parse(time.RFC3339, now)
	earlier := *w
	earlier.Now = at.Add(-age).Format(time.RFC3339Nano)
	earlier.Pods = []corev1.Pod{pod(strings.TrimPrefix(p.Name, "qdb-"), "")}
	d := run(t, &earlier)
	if len(d.Launch) != 1 {
		t.Fatalf("no launch to start from: %+v", d)
	}
	return d.Launch[0].Node
}

const always = `[{"nodes":"1"}]`

// The program's budget for a Sunday 02:00-04:00 window: no drift from its close for six days and 22 hours.
const windowed = `[{"nodes":"1"},{"nodes":"0","reasons":["Drifted"],"schedule":"0 4 * * 0","duration":"166h"}]`

func TestLaunchesFromTheCompatiblePoolInTheVolumesZone(t *testing.T) {
	w := world("a", "eu-west-1b", pool(t, "b", "eu-west-1b", "t3.large", always), pool(t, "a", "eu-west-1b", "m6i.large", always))
	w.Pods = []corev1.Pod{pod("a", "")}
	d := run(t, w)
	if len(d.Launch) != 1 || d.Launch[0].NodePool != "qdb-a" {
		t.Fatalf("want one launch from qdb-a, got %+v", d)
	}
	n := d.Launch[0].Node
	for key, want := range map[string]string{corev1.LabelTopologyZone: "eu-west-1b", corev1.LabelInstanceTypeStable: "m6i.large", "questdb.cloud/database": "a", karpv1.NodePoolLabelKey: "qdb-a", "karpenter.k8s.aws/ec2nodeclass": "nc"} {
		if n.Labels[key] != want {
			t.Errorf("label %s = %q, want %q", key, n.Labels[key], want)
		}
	}
	if len(n.Spec.Taints) != 1 || n.Spec.Taints[0].Value != "a" {
		t.Errorf("taints %+v", n.Spec.Taints)
	}
	if len(d.Bind) != 1 || d.Bind[0].Node != n.Name || len(d.Claimed) != 1 {
		t.Errorf("the pod is bound to the launched node: %+v", d)
	}
}

func TestAPoolInAnotherZoneOrForAnotherTaintTakesNothing(t *testing.T) {
	w := world("a", "eu-west-1a", pool(t, "a", "eu-west-1b", "t3.large", always), pool(t, "b", "eu-west-1a", "t3.large", always))
	w.Pods = []corev1.Pod{pod("a", "")}
	d := run(t, w)
	if len(d.Launch) != 0 || len(d.Claimed) != 0 {
		t.Fatalf("nothing launched or claimed: %+v", d)
	}
	if len(d.Pending) != 1 || !strings.Contains(strings.Join(d.Pending[0].Reasons, ";"), "qdb-b") {
		t.Errorf("both refusals noted: %+v", d.Pending)
	}
}

func TestTheNodeLimitHoldsAPodItClaims(t *testing.T) {
	p := pool(t, "a", "eu-west-1a", "t3.large", always)
	w := world("a", "eu-west-1a", p)
	node := launched(t, w, p, time.Minute)
	node.Spec.Unschedulable = true // cordoned: the pod cannot use it, and it still counts
	w.Nodes = []corev1.Node{node}
	w.Pods = []corev1.Pod{pod("a", "")}
	d := run(t, w)
	if len(d.Launch) != 0 || len(d.Claimed) != 1 || len(d.Bind) != 0 {
		t.Fatalf("claimed, not launched: %+v", d)
	}
	if !strings.Contains(strings.Join(d.Pending[0].Reasons, ";"), "exceeds limit") {
		t.Errorf("the limit is the reason: %+v", d.Pending)
	}
}

func TestAnEmptyNodeGoesAfterConsolidateAfterWhenTheBudgetAllows(t *testing.T) {
	for _, c := range []struct {
		budgets string
		deleted bool
	}{{always, true}, {`[{"nodes":"0"}]`, false}} {
		p := pool(t, "a", "eu-west-1a", "t3.large", c.budgets)
		w := world("a", "eu-west-1a", p)
		node := launched(t, w, p, time.Minute)
		empty := "2026-12-06T02:29:55Z" // 5 s ago: past 5m / 100
		node.Annotations[emptySinceAnnotation] = empty
		w.Nodes = []corev1.Node{node}
		d := run(t, w)
		if got := len(d.Delete) == 1 && d.Delete[0].Reason == "Empty"; got != c.deleted {
			t.Errorf("budgets %s: deleted %v, want %v (%+v)", c.budgets, got, c.deleted, d)
		}
	}
}

func TestANominatedNodeIsNotConsolidated(t *testing.T) {
	p := pool(t, "a", "eu-west-1a", "t3.large", always)
	w := world("a", "eu-west-1a", p)
	node := launched(t, w, p, 10*time.Second)
	node.Annotations[emptySinceAnnotation] = "2026-12-06T02:29:50Z"
	w.Nodes = []corev1.Node{node}
	if d := run(t, w); len(d.Delete) != 0 {
		t.Fatalf("a node launched 10 s ago for a pod is kept: %+v", d)
	}
}

func TestADriftedNodeIsReplacedInsideTheWindowAndHeldOutsideIt(t *testing.T) {
	old := pool(t, "a", "eu-west-1a", "t3.large", windowed)
	w := world("a", "eu-west-1a", old)
	node := launched(t, w, old, time.Hour)
	w.NodePools = []karpv1.NodePool{pool(t, "a", "eu-west-1a", "t3.xlarge", windowed)}
	w.Nodes = []corev1.Node{node}
	w.Pods = []corev1.Pod{pod("a", node.Name)}
	d := run(t, w)
	if len(d.Launch) != 1 || d.Launch[0].Node.Labels[corev1.LabelInstanceTypeStable] != "t3.xlarge" || d.Launch[0].Node.Labels[corev1.LabelTopologyZone] != "eu-west-1a" {
		t.Fatalf("one replacement on the new type in the same zone: %+v", d)
	}
	if len(d.Delete) != 1 || d.Delete[0].Reason != "RequirementsDrifted" || len(d.Delete[0].Evict) != 1 {
		t.Fatalf("the old node drained: %+v", d.Delete)
	}
	w.BudgetNow = "2026-12-09T12:00:00Z" // a Wednesday
	d = run(t, w)
	if len(d.Launch) != 0 || len(d.Delete) != 0 || len(d.Held) != 1 {
		t.Fatalf("held outside the window: %+v", d)
	}
}

func TestADeletedPoolsNodesGo(t *testing.T) {
	p := pool(t, "a", "eu-west-1a", "t3.large", always)
	w := world("a", "eu-west-1a", p)
	node := launched(t, w, p, time.Hour)
	w.NodePools = nil
	w.Nodes = []corev1.Node{node}
	w.Pods = []corev1.Pod{pod("a", node.Name)}
	d := run(t, w)
	if len(d.Delete) != 1 || d.Delete[0].Reason != "NodePoolDeleted" || len(d.Delete[0].Evict) != 1 {
		t.Fatalf("the node goes, drained: %+v", d)
	}
}
