// Command talos-api writes the Talos API's protobuf descriptors, as compiled into Talos's own
// machinery module and the COSI runtime module, as one FileDescriptorSet, and the COSI resource
// definitions of the resource types the simulator serves (resources.go).
//
// The simulator serves the real Talos gRPC API from this file, so its service and message
// definitions are exactly those the real talosctl was built against, never a hand-made copy.
package main

import (
	"fmt"
	"os"
	"sort"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	// Imported for their registration side effect: each package adds its .proto files to
	// protoregistry.GlobalFiles.
	_ "github.com/cosi-project/runtime/api/v1alpha1"
	_ "github.com/siderolabs/talos/pkg/machinery/api/cluster"
	_ "github.com/siderolabs/talos/pkg/machinery/api/common"
	_ "github.com/siderolabs/talos/pkg/machinery/api/inspect"
	_ "github.com/siderolabs/talos/pkg/machinery/api/machine"
	_ "github.com/siderolabs/talos/pkg/machinery/api/resource/config"
	_ "github.com/siderolabs/talos/pkg/machinery/api/resource/definitions/cluster"
	_ "github.com/siderolabs/talos/pkg/machinery/api/resource/definitions/etcd"
	_ "github.com/siderolabs/talos/pkg/machinery/api/resource/definitions/k8s"
	_ "github.com/siderolabs/talos/pkg/machinery/api/resource/definitions/kubespan"
	_ "github.com/siderolabs/talos/pkg/machinery/api/resource/definitions/network"
	_ "github.com/siderolabs/talos/pkg/machinery/api/resource/definitions/runtime"
	_ "github.com/siderolabs/talos/pkg/machinery/api/resource/definitions/secrets"
	_ "github.com/siderolabs/talos/pkg/machinery/api/resource/definitions/v1alpha1"
	_ "github.com/siderolabs/talos/pkg/machinery/api/security"
	_ "github.com/siderolabs/talos/pkg/machinery/api/storage"
	_ "github.com/siderolabs/talos/pkg/machinery/api/time"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: talos-api <output.pb> <resource-definitions.json>")
		os.Exit(2)
	}

	if err := write(os.Args[1]); err != nil {
		fmt.Fprintf(os.Stderr, "talos-api: %v\n", err)
		os.Exit(1)
	}

	if err := writeDefinitions(os.Args[2]); err != nil {
		fmt.Fprintf(os.Stderr, "talos-api: %v\n", err)
		os.Exit(1)
	}
}

// write marshals every registered file, dependencies first, sorted by path so that the same
// module versions always give the same bytes.
func write(out string) error {
	var files []protoreflect.FileDescriptor

	protoregistry.GlobalFiles.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		files = append(files, fd)

		return true
	})

	sort.Slice(files, func(i, j int) bool { return files[i].Path() < files[j].Path() })

	set := &descriptorpb.FileDescriptorSet{}
	seen := map[string]bool{}

	for _, fd := range files {
		appendWithDeps(set, seen, fd)
	}

	data, err := proto.MarshalOptions{Deterministic: true}.Marshal(set)
	if err != nil {
		return fmt.Errorf("marshal descriptor set: %w", err)
	}

	if err = os.WriteFile(out, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}

	fmt.Printf("talos-api: wrote %d files (%d bytes) to %s\n", len(set.File), len(data), out)

	return nil
}

// appendWithDeps adds fd after its imports (protobuf loaders resolve types in file order).
func appendWithDeps(set *descriptorpb.FileDescriptorSet, seen map[string]bool, fd protoreflect.FileDescriptor) {
	if seen[fd.Path()] {
		return
	}

	seen[fd.Path()] = true

	imports := fd.Imports()
	for i := range imports.Len() {
		appendWithDeps(set, seen, imports.Get(i).FileDescriptor)
	}

	set.File = append(set.File, protodesc.ToFileDescriptorProto(fd))
}
