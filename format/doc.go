// Package format parses Dockerfiles into a lossless concrete syntax tree and
// prints them in dfmt's canonical style.
//
// Parse never fails: every input, valid or not, becomes a tree whose Verbatim
// method gives back the input byte for byte. Source is the whole formatter for
// one file, like go/format.Source: it rejects what BuildKit's parser rejects,
// prints the canonical style, and checks that what BuildKit sees is unchanged
// before it returns.
package format
