package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/cosi-project/runtime/pkg/resource/meta"
	"github.com/cosi-project/runtime/pkg/resource/protobuf"
	"github.com/siderolabs/talos/pkg/machinery/resources/block"
	"github.com/siderolabs/talos/pkg/machinery/resources/cluster"
	"github.com/siderolabs/talos/pkg/machinery/resources/config"
	"github.com/siderolabs/talos/pkg/machinery/resources/k8s"
	"github.com/siderolabs/talos/pkg/machinery/resources/kubespan"
	"github.com/siderolabs/talos/pkg/machinery/resources/v1alpha1"
)

// served lists the resource types whose definitions the simulated nodes publish: those the
// library and talosctl read. Their aliases, print columns and sensitivity are Talos's own.
func served() []meta.ResourceDefinitionProvider {
	return []meta.ResourceDefinitionProvider{
		&meta.ResourceDefinition{},
		&config.MachineConfig{},
		cluster.NewMember("", ""),
		block.NewDisk("", ""),
		kubespan.NewIdentity("", ""),
		kubespan.NewPeerSpec("", ""),
		kubespan.NewPeerStatus("", ""),
		// What `talosctl upgrade-k8s` reads and watches (pkg/cluster/kubernetes, go-kubernetes upgrade checks).
		k8s.NewStaticPod("", ""),
		k8s.NewKubeletSpec("", ""),
		k8s.NewAPIServerConfig(),
		k8s.NewControllerManagerConfig(),
		k8s.NewSchedulerConfig(),
		k8s.NewManifest("", ""),
		v1alpha1.NewService(""),
	}
}

// definition is one ResourceDefinition as the simulator serves it: the fields it resolves types
// with, and the spec exactly as cosi encodes it on the wire (protobuf and YAML).
type definition struct {
	ID               string   `json:"id"`
	Type             string   `json:"type"`
	DefaultNamespace string   `json:"defaultNamespace"`
	AllAliases       []string `json:"allAliases"`
	Sensitive        bool     `json:"sensitive"`
	ProtoSpec        []byte   `json:"protoSpec"`
	YAMLSpec         string   `json:"yamlSpec"`
}

// writeDefinitions writes the served resource definitions as JSON.
func writeDefinitions(out string) error {
	var defs []definition

	for _, p := range served() {
		rd, err := meta.NewResourceDefinition(p.ResourceDefinition())
		if err != nil {
			return err
		}

		wire, err := protobuf.FromResource(rd)
		if err != nil {
			return fmt.Errorf("encode %s: %w", rd.Metadata().ID(), err)
		}

		marshaled, err := wire.Marshal()
		if err != nil {
			return fmt.Errorf("marshal %s: %w", rd.Metadata().ID(), err)
		}

		spec := rd.TypedSpec()
		defs = append(defs, definition{
			ID:               rd.Metadata().ID(),
			Type:             spec.Type,
			DefaultNamespace: spec.DefaultNamespace,
			AllAliases:       spec.AllAliases,
			Sensitive:        spec.Sensitivity == meta.Sensitive,
			ProtoSpec:        marshaled.GetSpec().GetProtoSpec(),
			YAMLSpec:         marshaled.GetSpec().GetYamlSpec(),
		})
	}

	data, err := json.MarshalIndent(defs, "", "  ")
	if err != nil {
		return err
	}

	if err = os.WriteFile(out, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}

	fmt.Printf("talos-api: wrote %d resource definitions to %s\n", len(defs), out)

	return nil
}
