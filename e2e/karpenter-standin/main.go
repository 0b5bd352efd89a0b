// The tier's stand-in for Karpenter's provisioning and disruption (docs/e2e-engine.md): reads the
// cluster's NodePools, nodes, pods and volumes as JSON on stdin and prints what Karpenter would do
// next. Every judgement comes from Karpenter's own packages (sigs.k8s.io/karpenter pkg/scheduling
// and pkg/apis/v1); this program only gathers their inputs and shapes their answers.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
)

func main() {
	if len(os.Args) != 2 || os.Args[1] != "judge" {
		fmt.Fprintln(os.Stderr, "usage: karpenter-standin judge < world.json")
		os.Exit(2)
	}
	data, err := io.ReadAll(os.Stdin)
	if err == nil {
		var world *World
		if world, err = decodeWorld(data); err == nil {
			var decision *Decision
			if decision, err = judge(world); err == nil {
				err = json.NewEncoder(os.Stdout).Encode(decision)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "karpenter-standin:", err)
		os.Exit(1)
	}
}
