package jpegscale

import "fmt"

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

// LimitError reports that decoding at the asked scale would allocate more
// than Options.MaxBytes; a larger denom may fit.
type LimitError struct {
	Need, Limit int64 // bytes
}

// Error implements the error interface.
func (e *LimitError) Error() string {
	return fmt.Sprintf("jpegscale: decoding needs %.1f MB, over the %.1f MB limit", float64(e.Need)/(1<<20), float64(e.Limit)/(1<<20))
}
