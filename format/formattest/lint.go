package formattest

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
)

// LintWarning is one warning of BuildKit's build checks.
type LintWarning struct {
	Rule   string // e.g. "LegacyKeyValueFormat"
	Line   int    // 1-based line of the warning's first range, 0 if none
	Detail string
}

func (w LintWarning) String() string { return fmt.Sprintf("%d: %s: %s", w.Line, w.Rule, w.Detail) }

// Lint runs BuildKit's build checks on src in process, as `docker build
// --check` does (dockerfile2llb.DockerfileLint of the BuildKit pinned in
// go.mod), with every base image answering an empty Linux configuration
// and no registry asked. It returns the warnings in order of line and rule.
// A file the checks cannot convert returns its error (BuildKit's message).
func Lint(src []byte) ([]LintWarning, error) {
	ctx := context.Background()
	main := llb.Local("context")
	def, err := main.Marshal(ctx)
	if err != nil {
		return nil, err
	}
	sm := llb.NewSourceMap(&main, "Dockerfile", "Dockerfile", src)
	sm.Definition = def
	caps := pb.Caps.CapSet(pb.Caps.All())
	res, err := dockerfile2llb.DockerfileLint(ctx, src, dockerfile2llb.ConvertOpt{
		MainContext:  &main,
		SourceMap:    sm,
		LLBCaps:      &caps,
		MetaResolver: offlineResolver{},
	})
	if err != nil {
		return nil, err
	}
	var out []LintWarning
	for _, w := range res.Warnings {
		lw := LintWarning{Rule: w.RuleName, Detail: w.Detail}
		if w.Location != nil && len(w.Location.Ranges) > 0 && w.Location.Ranges[0].Start != nil {
			lw.Line = int(w.Location.Ranges[0].Start.Line)
		}
		out = append(out, lw)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Rule < out[j].Rule
	})
	if res.Error != nil {
		return out, fmt.Errorf("%s", res.Error.Message)
	}
	return out, nil
}

// offlineResolver answers every image with an empty Linux configuration,
// so that the checks run without a registry. Checks that read a base
// image's configuration see an image that sets nothing.
type offlineResolver struct{}

func (offlineResolver) ResolveImageConfig(ctx context.Context, ref string, opt sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	cfg, err := json.Marshal(map[string]any{
		"architecture": "amd64",
		"os":           "linux",
		"config":       map[string]any{},
		"rootfs":       map[string]any{"type": "layers"},
	})
	if err != nil {
		return "", "", nil, err
	}
	return ref, digest.FromBytes(cfg), cfg, nil
}
