package formattest

import (
	"fmt"
	"strings"
)

// ScaleFile makes a Dockerfile of about size bytes, for benchmarks of how
// time and memory grow with a file: stages with long RUN chains,
// continuation comments, ENV and LABEL lists and heredocs.
func ScaleFile(size int) []byte {
	var sb strings.Builder
	sb.WriteString("# syntax=docker/dockerfile:1\nARG BASE=debian:bookworm\n")
	for i := 0; sb.Len() < size; i++ {
		fmt.Fprintf(&sb, "\n# stage %d\nfrom  ${BASE}  as  stage%d\n", i, i)
		fmt.Fprintf(&sb, "ENV A%d=1 \\\n  B%d=\"two words\" \\\n  C%d=three\n", i, i, i)
		sb.WriteString("RUN set -eux; \\\n\tapt-get update && \\\n\tapt-get install -y --no-install-recommends \\\n")
		for k := 0; k < 20; k++ {
			fmt.Fprintf(&sb, "\t\tpackage-%d-%d \\\n", i, k)
		}
		sb.WriteString("# the cache goes\n\t&& rm -rf /var/lib/apt/lists/*\n")
		fmt.Fprintf(&sb, "COPY  --from=stage%d  /a /b\n", i)
		sb.WriteString("RUN <<EOF\n")
		for k := 0; k < 20; k++ {
			fmt.Fprintf(&sb, "echo line %d of a heredoc body   \n", k)
		}
		sb.WriteString("EOF\nCMD [ \"run\" ,\"--flag\" ]\n")
	}
	return []byte(sb.String())
}
