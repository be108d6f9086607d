package jpegscale

// FormatError reports that the input is not a valid JPEG: malformed
// segments, bad Huffman codes, or data that ends before the image does.
type FormatError string

// Error implements the error interface.
func (e FormatError) Error() string { return "jpegscale: invalid JPEG format: " + string(e) }

// UnsupportedError reports that the input is a valid JPEG using a feature
// this package does not decode; image/jpeg may still decode it.
type UnsupportedError string

// Error implements the error interface.
func (e UnsupportedError) Error() string { return "jpegscale: unsupported JPEG feature: " + string(e) }
