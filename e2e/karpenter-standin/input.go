package main

import (
	"encoding/json"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	karpv1 "sigs.k8s.io/karpenter/pkg/apis/v1"
)

// World is what the test side lists from the tier's API server on each pass: the objects
// Karpenter's controllers would watch. The stand-in keeps no state of its own between passes; what
// Karpenter keeps on its NodeClaims (the NodePool hash, when the node became empty) is kept on the
// Node objects it launched.
type World struct {
	// Now is the clock consolidateAfter and nominations run on (RFC 3339).
	Now string `json:"now"`
	// BudgetNow is the instant disruption budgets' schedules are judged at; empty: Now. Scenarios
	// move it into or out of a maintenance window without moving the timers.
	BudgetNow string `json:"budgetNow,omitempty"`
	// TimeScale divides consolidateAfter, so the tier waits seconds where Karpenter waits minutes.
	TimeScale   float64                        `json:"timeScale"`
	NodePools   []karpv1.NodePool              `json:"nodePools"`
	NodeClasses []NodeClass                    `json:"nodeClasses"`
	Nodes       []corev1.Node                  `json:"nodes"`
	Pods        []corev1.Pod                   `json:"pods"`
	Volumes     []corev1.PersistentVolume      `json:"volumes"`
	Claims      []corev1.PersistentVolumeClaim `json:"claims"`
}

// NodeClass is the little of an EC2NodeClass the stand-in reads: that it exists, and its AMI.
// The AWS provider's own types are not imported: its module needs a newer Go than the tier's.
type NodeClass struct {
	Metadata struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		AmiSelectorTerms []struct {
			ID    string `json:"id,omitempty"`
			Alias string `json:"alias,omitempty"`
		} `json:"amiSelectorTerms"`
	} `json:"spec"`
}

// Decision is what the test side then writes to the API server, in this order: nodes to launch,
// nodes to annotate, nodes to delete (their pods evicted first); then the fake kubelet binds the
// claimed pods as Bind says. Claimed pods without a binding wait; unclaimed ones are not Karpenter's.
type Decision struct {
	Launch  []Launch      `json:"launch"`
	Patch   []NodePatch   `json:"patch"`
	Bind    []Binding     `json:"bind"`
	Delete  []NodeDelete  `json:"delete"`
	Claimed []string      `json:"claimed"`
	Pending []PendingNote `json:"pending"`
	Held    []HeldNote    `json:"held"`
}

type Launch struct {
	NodePool string      `json:"nodePool"`
	ForPod   string      `json:"forPod"`
	Node     corev1.Node `json:"node"`
}

type NodePatch struct {
	Node        string             `json:"node"`
	Annotations map[string]*string `json:"annotations"`
}

type Binding struct {
	Pod  string `json:"pod"`
	Node string `json:"node"`
}

type NodeDelete struct {
	Node   string   `json:"node"`
	Reason string   `json:"reason"`
	Evict  []string `json:"evict"`
}

// HeldNote says why a drifted node stays: its budget, or a replacement Karpenter could not launch.
type HeldNote struct {
	Node   string `json:"node"`
	Reason string `json:"reason"`
}

// PendingNote says why a pending pod got no node: the errors of Karpenter's own checks.
type PendingNote struct {
	Pod     string   `json:"pod"`
	Reasons []string `json:"reasons"`
}

func parseInstant(field, value string, fallback time.Time) (time.Time, error) {
	if value == "" {
		return fallback, nil
	}
	t, err := time.Parse(time.RFC3339Nano, value)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %w", field, err)
	}
	return t, nil
}

func decodeWorld(data []byte) (*World, error) {
	var w World
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("reading the world: %w", err)
	}
	if w.TimeScale <= 0 {
		w.TimeScale = 1
	}
	return &w, nil
}

func podKey(p *corev1.Pod) string {
	return p.Namespace + "/" + p.Name
}
