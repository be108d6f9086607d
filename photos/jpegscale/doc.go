// Package jpegscale decodes baseline JPEG images straight into a reduced
// size, for callers that only need a small picture of a large photo.
//
// Decoding a 12 MP photo in full and then shrinking it spends most of its time
// on pixels that are thrown away. This package entropy-decodes the DCT
// coefficients of every block but runs a reduced inverse DCT that produces
// the small picture directly.
//
// Terms:
//
//   - Block: an 8x8 tile of one colour component, stored in the file as 64
//     quantised DCT coefficients.
//   - MCU (minimum coded unit): the group of blocks the encoder interleaves
//     in the stream; for 4:2:0 it is four luma blocks, one Cb and one Cr block,
//     covering 16x16 pixels.
//   - denom: the scale denominator, one of 1, 2, 4 or 8. A W x H image is
//     decoded to ceil(W/denom) x ceil(H/denom) pixels; every block becomes
//     (8/denom) x (8/denom) pixels.
//   - Reduced IDCT: the inverse DCT evaluated as the box average of denom x
//     denom output pixels. Averaging the 8-point IDCT basis functions over
//     runs of denom samples gives a smaller (8/denom)-point transform whose
//     matrix is the mean of the full one's rows; several of its columns
//     vanish (frequency 4 at denom 2; frequencies 2, 4, 6 at denom 4; all
//     but DC at denom 8), so those coefficients need no arithmetic at all. At
//     denom 8 each block becomes its mean, DC/8 + 128.
//
// Output: a 3-component image is returned as an *image.YCbCr whose
// SubsampleRatio is the file's (4:4:4, 4:2:2, 4:2:0, 4:4:0, 4:1:1, 4:1:0);
// scaling keeps the ratio because luma and chroma blocks shrink by the same
// factor. [Options.FullChroma], for callers that resize further, decodes
// the chroma of a 4:2:0 image at half the denom instead, giving a 4:4:4 image
// whose colour is as sharp as a full-size decode's would be at that size.
// A 1-component image is returned as an *image.Gray.
//
// Scope: baseline, extended sequential and progressive Huffman-coded 8-bit
// JPEGs with one or three (YCbCr) components, interleaved or not, with
// restart intervals. A progressive image keeps, until its last scan, only
// the coefficients its scale needs (see progressive.go) and one bit per
// other coefficient: at denom 8 about 10 bytes a luma block instead of
// image/jpeg's 256. Valid files outside that scope — arithmetic-coded,
// lossless, hierarchical, 12-bit, CMYK/YCCK, RGB-coded, unusual sampling
// layouts, or images above 2^27 (about 134 million) pixels — yield an
// [UnsupportedError], so the caller can fall back to image/jpeg. Malformed
// or truncated data yields a [FormatError]; so does a frame larger than its
// data could possibly code, before anything is allocated. [Options.MaxBytes]
// caps the memory a decode allocates ([LimitError] when it would need
// more). Errors from the reader are returned wrapped, and a denom outside
// {1, 2, 4, 8} is a plain error: neither is a property of the file.
package jpegscale
