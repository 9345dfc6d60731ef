package formattest

// MaxFuzzInput caps fuzz inputs well under BuildKit's 64 KiB line limit, so
// that the oracle's verdict is about syntax, not size (format's TestLongLine
// covers size).
const MaxFuzzInput = 32 << 10

// FuzzSeeds are hand-written inputs for the traps the golden files may not
// combine: CRLF, a BOM, the backtick escape, heredocs, continuations. They
// seed the fuzz targets beside GoldenInputs.
var FuzzSeeds = []string{
	"FROM alpine\r\nrun echo hi \\\r\n  && true\r\n",
	"\xef\xbb\xbf# syntax=docker/dockerfile:1\nfrom alpine\n",
	"# escape=`\nFROM windows\nRUN dir C:\\ `\n  /s\nCOPY C:\\a\\ C:\\b\\\n",
	"FROM a\nRUN <<EOF <<-EOT cat\nx\nEOF\n\ty\n\tEOT\n",
	"FROM a\r\nCOPY <<EOF /x\r\nbody  \r\nEOF\r\n",
	"FROM a\nONBUILD run <<'EOF'\n$x\nEOF\n",
	"FROM a\nENV A=\"x \\\n  y\" B=z\nENV k v  w\n",
	"FROM a\nRUN echo foo\\\nbar \\\n\n# c\n  && baz\n",
	"FROM a\nCMD [ \"a\" ,\"b\" ]\nCMD ['a']\nCMD [foo]\n",
	"\n# escape=`\nFROM a\nRUN echo `\n",
	"  # syntax=x\nFROM a\n",
	"# dfmt:off\nrun  a\n# dfmt:on\nrun  b\n# dfmt:ignore\nrun  c\n",
	"# dfmt:ignore why\nfrom  a\n  # dfmt:off x \nrun  a\n# dfmt: on\n#dfmt:on\ty\nRUN a \\\n  # dfmt:ignor\n  b\n# dfmt:ignore\n\n",
	"FROM a\nRUN a\\\\\\\nrun b\n",
	"FROM a\nHEALTHCHECK --interval=5s cmd curl x\nhealthcheck none\n",
	"FROM a\nfrobnicate  x \\\n  y\n",
	"# only a comment",
	"",
}
