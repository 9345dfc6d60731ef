// Package refactor rewrites Dockerfiles in ways that keep what BuildKit
// builds: the catalogue of dfmt -r.
//
// Linters say what to change in a Dockerfile and change nothing; the few
// tools that rewrite paste text and break builds ("a && b" joined under
// "||", git sources turned into COPY, "a && b" split into the argv ["a",
// "&&", "b"]). Each refactor here applies only where it can show the build
// keeps its meaning, and reports a Skip, with the reason, wherever it does
// not. The conditions come from BuildKit's parser and dispatcher
// (github.com/moby/buildkit v0.34.x, frontend/dockerfile); where a rule
// mirrors one of BuildKit's quirks, the refactor's comment names the file.
//
// The catalogue, in the order Apply runs it but for merge-runs, which it
// runs last:
//
//	drop-overridden  drop a CMD, ENTRYPOINT or HEALTHCHECK a later one overrides
//	merge-runs       consecutive RUNs → one RUN
//	add-to-copy      ADD → COPY
//	exec-form        shell-form CMD/ENTRYPOINT → ["prog", "arg", …]
//	key-value        legacy ENV k v / LABEL k v → k=v
//	maintainer       MAINTAINER → LABEL org.opencontainers.image.authors
//	stage-names      stage names → lower case, with their references
//	platform         drop FROM --platform=$TARGETPLATFORM
//	expose-proto     EXPOSE 80/TCP → EXPOSE 80/tcp
//	sort-packages    sort the package words of install commands
//
// A site is safe when the file shows that the build stays the same but
// for what Refactor.Changes says; it is unsafe when that hangs on what the
// file cannot show (a base image's ENTRYPOINT, the build context's files).
// Apply and Sites apply the safe sites and report the unsafe ones as
// skips (Skip.Unsafe); Options.Unsafe applies them too (dfmt -r
// --unsafe), and Options.Context gives the build context.
//
// A refactor works on format's lossless tree. It replaces the lines of
// whole instructions, editing them in place where it can, so that the
// author's line breaks and comment lines survive; heredoc bodies are never
// touched, and new line ends are the file's own. Every rewritten
// instruction is parsed again and compared with what was intended before
// it is kept. The result is not formatted: the command passes it to
// format.Source, as it does any file.
//
// Apply rewrites a file; Sites tells an editor the same: each place a
// refactor applies, with the range of lines it replaces and the new text,
// and each skip with where it stands and why.
//
// Which stage an instruction is in and which shell runs it come from
// format/syntax (syntax.NewStages), the model the formatter asks too, and
// what BuildKit sees of an instruction from its lowering (Node.Lowered):
// the refactors neither model stages nor split instructions themselves.
package refactor
