package jpegscale

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"io"
	"io/fs"
)

// maxPixels caps the source image size this package will allocate for
// (about 134 MP, beyond any phone camera). Larger images yield an
// UnsupportedError; callers should reject them via DecodeConfig first.
const maxPixels = 1 << 27

// Markers (Table B.1) this decoder acts on.
const (
	sof0Marker = 0xC0 // baseline sequential, Huffman
	sof1Marker = 0xC1 // extended sequential, Huffman
	sof2Marker = 0xC2 // progressive, Huffman
	dhtMarker  = 0xC4
	rst0Marker = 0xD0
	rst7Marker = 0xD7
	soiMarker  = 0xD8
	eoiMarker  = 0xD9
	sosMarker  = 0xDA
	dqtMarker  = 0xDB
	dnlMarker  = 0xDC
	driMarker  = 0xDD
	app0Marker = 0xE0
	app14      = 0xEE
	dhpMarker  = 0xDE
	expMarker  = 0xDF
	temMarker  = 0x01
)

// component is one colour component of the frame (B.2.2) together with the
// plane its reduced blocks are written to.
type component struct {
	id     uint8
	h, v   int // sampling factors
	tq     uint8
	plane  []byte
	stride int
	// blocksX, blocksY count the blocks a non-interleaved scan of this
	// component codes (A.2.2).
	blocksX, blocksY int
	scanned          bool
	// denom is this component's scale denominator and bs = 8/denom the
	// output size of one of its blocks: the frame's, except for the
	// chroma of Options.FullChroma.
	denom, bs int
	store     coefStore // progressive: coefficients kept until the last scan
}

type decoder struct {
	data []byte
	pos  int

	width, height int
	ncomp         int
	comp          [4]component
	sofMarker     byte
	precision     byte
	hmax, vmax    int
	mcusX, mcusY  int
	sofSeen       bool

	quant    [4][64]int32 // zigzag order
	quantSet [4]bool
	huff     [2][4]huffTable // [0] DC, [1] AC

	restartInterval int
	jfif            bool
	adobeSeen       bool
	adobeTransform  uint8

	denom      int
	fullChroma bool  // Options.FullChroma: chroma at luma resolution
	maxBytes   int64 // Options.MaxBytes
	// Progressive scans (G.1.2): the current scan's spectral selection
	// ss..se and successive approximation bits ah, al; the end-of-band run
	// left over from earlier blocks.
	progressive    bool
	ss, se, ah, al int
	eobrun         int
	img            image.Image // allocated at the first scan
	br             bitReader
	blk            [64]int32 // natural order, dequantised
}

// DecodeConfig returns the colour model and dimensions of a JPEG image
// without decoding its pixels, so that callers can refuse very large images
// before calling Decode. It reads r only as far as the frame header and
// succeeds for every coding process, including those Decode does not handle.
func DecodeConfig(r io.Reader) (image.Config, error) {
	var d decoder
	buf := make([]byte, 0, 4096)
	for {
		n, rerr := io.ReadFull(r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		d = decoder{data: buf}
		err := d.run(true)
		if err == nil {
			break
		}
		if err != errTruncated || rerr != nil {
			if rerr != nil && rerr != io.EOF && rerr != io.ErrUnexpectedEOF {
				return image.Config{}, fmt.Errorf("jpegscale: reading image: %w", rerr)
			}
			return image.Config{}, err
		}
		// The header runs past what has been read: read twice as much.
		buf = append(buf, make([]byte, cap(buf))...)[:len(buf)]
	}
	cfg := image.Config{Width: d.width, Height: d.height, ColorModel: color.YCbCrModel}
	switch d.ncomp {
	case 1:
		cfg.ColorModel = color.GrayModel
	case 4:
		cfg.ColorModel = color.CMYKModel
	}
	return cfg, nil
}

// Decode reads a JPEG image and returns it scaled down by denom (1, 2, 4 or
// 8): a W x H image becomes ceil(W/denom) x ceil(H/denom). The result is an
// *image.YCbCr with the file's chroma subsampling ratio, or an *image.Gray
// for a 1-component image. Each output pixel is the average of the denom x
// denom source pixels it covers (at the right and bottom edges, of the
// pixels the encoder padded the last blocks with). The image is a
// sub-image of planes padded to whole MCUs, so its strides may exceed its
// width. Valid files outside the package's scope yield an UnsupportedError.
func Decode(r io.Reader, denom int) (image.Image, error) {
	if err := checkDenom(denom); err != nil {
		return nil, err
	}
	data, err := readAll(r)
	if err != nil {
		return nil, fmt.Errorf("jpegscale: reading image: %w", err)
	}
	return DecodeBytes(data, denom, nil)
}

// Options tunes DecodeBytes; nil means the defaults (Decode's behaviour).
type Options struct {
	// FullChroma, for callers that resize the result further, decodes the
	// chroma of a 4:2:0 image at half the denom (2, 4 or 8), so the result
	// is a 4:4:4 *image.YCbCr whose chroma has as many samples as its luma
	// (each the average of the source chroma it covers) rather than a
	// quarter of them. A resize of that keeps the colour edges a
	// full-size decode would give. Other images decode as without it.
	FullChroma bool
	// MaxBytes caps what the decode allocates: the output planes and, for
	// a progressive image, the coefficients kept until its last scan. A
	// file that would need more yields a *LimitError before anything is
	// allocated; a larger denom needs less. 0 means no cap.
	MaxBytes int64
}

// DecodeBytes is Decode of a JPEG already in memory, with options. data
// is not copied and must not change during the call.
func DecodeBytes(data []byte, denom int, o *Options) (image.Image, error) {
	if err := checkDenom(denom); err != nil {
		return nil, err
	}
	d := decoder{data: data, denom: denom}
	if o != nil {
		d.fullChroma, d.maxBytes = o.FullChroma, o.MaxBytes
	}
	if err := d.run(false); err != nil {
		return nil, err
	}
	return d.img, nil
}

func checkDenom(denom int) error {
	switch denom {
	case 1, 2, 4, 8:
		return nil
	}
	return fmt.Errorf("jpegscale: denom %d is not 1, 2, 4 or 8", denom)
}

// readAll reads r to the end into one buffer, sized up front when r can
// tell its length (bytes.Reader, os.File, ...) so a multi-megabyte photo is
// not copied through a series of doubling buffers.
func readAll(r io.Reader) ([]byte, error) {
	hint := 0
	switch r := r.(type) {
	case interface{ Len() int }:
		hint = r.Len()
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := r.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() < 1<<30 {
			hint = int(fi.Size())
		}
	}
	buf := bytes.NewBuffer(make([]byte, 0, hint+bytes.MinRead))
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}

// Denom returns the largest scale denominator in {8, 4, 2, 1} for which a
// srcW x srcH image decodes to at least minW x minH pixels. It returns 1
// when even the full size is smaller than asked for.
func Denom(srcW, srcH, minW, minH int) int {
	for _, d := range [...]int{8, 4, 2} {
		if (srcW+d-1)/d >= minW && (srcH+d-1)/d >= minH {
			return d
		}
	}
	return 1
}

// errTruncated is returned when the data ends inside a segment or scan.
var errTruncated = FormatError("truncated data")

// u16 returns the big-endian uint16 at data[i:], which must be in range.
func (d *decoder) u16(i int) int { return int(d.data[i])<<8 | int(d.data[i+1]) }

// run walks the markers from SOI to EOI (or, for configOnly, to the frame
// header), processing the segments it needs.
func (d *decoder) run(configOnly bool) error {
	if len(d.data) < 2 || d.data[0] != 0xFF || d.data[1] != soiMarker {
		return FormatError("missing SOI marker")
	}
	d.pos = 2
	for {
		marker, err := d.nextMarker()
		if err != nil {
			return err
		}
		switch {
		case marker == eoiMarker:
			if configOnly || !d.sofSeen {
				return FormatError("missing SOF marker")
			}
			for i := 0; i < d.ncomp; i++ {
				if !d.comp[i].scanned {
					return FormatError("component missing from every scan")
				}
			}
			if d.progressive {
				return d.finishProgressive()
			}
			return nil
		case marker >= rst0Marker && marker <= rst7Marker:
			// Stray restart marker between segments: it has no payload.
			continue
		case marker == temMarker:
			continue // TEM has no length field.
		case marker == soiMarker:
			return FormatError("unexpected SOI marker")
		}
		if d.pos+2 > len(d.data) {
			return errTruncated
		}
		n := d.u16(d.pos) - 2
		if n < 0 {
			return FormatError("short segment length")
		}
		d.pos += 2
		if d.pos+n > len(d.data) {
			return errTruncated
		}
		seg := d.data[d.pos : d.pos+n]
		d.pos += n
		switch {
		case isSOF(marker):
			if err := d.processSOF(marker, seg); err != nil {
				return err
			}
			if configOnly {
				return nil
			}
			if err := d.checkSupported(); err != nil {
				return err
			}
		case marker == dhtMarker:
			err = d.processDHT(seg)
		case marker == dqtMarker:
			err = d.processDQT(seg)
		case marker == driMarker:
			err = d.processDRI(seg)
		case marker == dnlMarker:
			return UnsupportedError("DNL marker")
		case marker == dhpMarker || marker == expMarker:
			return UnsupportedError("hierarchical")
		case marker == app0Marker:
			d.jfif = len(seg) >= 5 && string(seg[:5]) == "JFIF\x00"
		case marker == app14:
			if len(seg) >= 12 && string(seg[:5]) == "Adobe" {
				d.adobeSeen, d.adobeTransform = true, seg[11]
			}
		case marker == sosMarker:
			if configOnly {
				return FormatError("SOS before SOF")
			}
			err = d.processSOS(seg)
		}
		// Other APPn, COM, JPG and reserved segments are skipped.
		if err != nil {
			return err
		}
	}
}

// isSOF reports whether marker is one of the thirteen SOFn markers; 0xC4
// (DHT), 0xC8 (JPG) and 0xCC (DAC) sit in the same range but are not.
func isSOF(marker byte) bool {
	return marker >= sof0Marker && marker <= 0xCF && marker != dhtMarker && marker != 0xC8 && marker != 0xCC
}

// nextMarker skips to the next marker and returns its code. Bytes before
// it (left over after a scan) are ignored, as libjpeg does; runs of 0xFF
// fill bytes (B.1.1.2) are skipped.
func (d *decoder) nextMarker() (byte, error) {
	for {
		for d.pos < len(d.data) && d.data[d.pos] != 0xFF {
			d.pos++
		}
		for d.pos < len(d.data) && d.data[d.pos] == 0xFF {
			d.pos++
		}
		if d.pos >= len(d.data) {
			return 0, errTruncated
		}
		m := d.data[d.pos]
		d.pos++
		if m != 0 { // 0xFF 0x00 is a stuffed data byte, not a marker.
			return m, nil
		}
	}
}

// processSOF parses a frame header (B.2.2) of any coding process, so that
// DecodeConfig works on every JPEG; checkSupported decides whether Decode
// can go on.
func (d *decoder) processSOF(marker byte, seg []byte) error {
	if d.sofSeen {
		return FormatError("multiple SOF markers")
	}
	if len(seg) < 6 {
		return FormatError("short SOF segment")
	}
	d.sofMarker, d.precision = marker, seg[0]
	d.height = int(seg[1])<<8 | int(seg[2])
	d.width = int(seg[3])<<8 | int(seg[4])
	d.ncomp = int(seg[5])
	switch {
	case d.ncomp < 1 || d.ncomp > len(d.comp):
		return UnsupportedError(fmt.Sprintf("%d components", d.ncomp))
	case len(seg) != 6+3*d.ncomp:
		return FormatError("SOF has wrong length")
	case d.width == 0:
		return FormatError("zero width")
	}
	for i := 0; i < d.ncomp; i++ {
		c := &d.comp[i]
		c.id, c.h, c.v, c.tq = seg[6+3*i], int(seg[7+3*i]>>4), int(seg[7+3*i]&15), seg[8+3*i]
		if c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 {
			return FormatError("bad sampling factor")
		}
		if c.tq > 3 {
			return FormatError("bad quantisation table selector")
		}
		for j := 0; j < i; j++ {
			if d.comp[j].id == c.id {
				return FormatError("repeated component identifier")
			}
		}
	}
	if d.ncomp == 1 {
		// A single component is always coded non-interleaved, one block per
		// MCU, whatever its sampling factors say (A.2.2).
		d.comp[0].h, d.comp[0].v = 1, 1
	}
	d.sofSeen = true
	return nil
}

// checkSupported rejects frames that are valid but outside this package's
// scope, with an UnsupportedError naming the feature.
func (d *decoder) checkSupported() error {
	switch d.sofMarker {
	case sof0Marker, sof1Marker:
	case sof2Marker:
		d.progressive = true
	case 0xC6, 0xCE:
		return UnsupportedError("hierarchical")
	case 0xCA:
		return UnsupportedError("arithmetic coding")
	case 0xC3, 0xC7, 0xCB, 0xCF:
		return UnsupportedError("lossless")
	case 0xC5:
		return UnsupportedError("hierarchical")
	default:
		return UnsupportedError("arithmetic coding")
	}
	switch {
	case d.precision != 8:
		return UnsupportedError(fmt.Sprintf("%d-bit precision", d.precision))
	case d.ncomp == 4:
		return UnsupportedError("4-component (CMYK/YCCK) image")
	case d.ncomp == 2:
		return UnsupportedError("2 components")
	case d.height == 0:
		return UnsupportedError("height defined by DNL")
	case int64(d.width)*int64(d.height) > maxPixels:
		return UnsupportedError(fmt.Sprintf("image of %dx%d pixels exceeds the %d pixel limit", d.width, d.height, maxPixels))
	case d.ncomp == 3 && !d.jfif && ((d.adobeSeen && d.adobeTransform == 0) ||
		(d.comp[0].id == 'R' && d.comp[1].id == 'G' && d.comp[2].id == 'B')):
		return UnsupportedError("RGB colour transform")
	case d.ncomp == 3:
		_, err := d.subsampleRatio()
		return err
	}
	return nil
}

// subsampleRatios maps the luma/chroma sampling factor ratios (horizontal,
// vertical) to the image.YCbCr ratio that expresses them.
var subsampleRatios = map[[2]int]image.YCbCrSubsampleRatio{
	{1, 1}: image.YCbCrSubsampleRatio444,
	{2, 1}: image.YCbCrSubsampleRatio422,
	{2, 2}: image.YCbCrSubsampleRatio420,
	{1, 2}: image.YCbCrSubsampleRatio440,
	{4, 1}: image.YCbCrSubsampleRatio411,
	{4, 2}: image.YCbCrSubsampleRatio410,
}

// subsampleRatio maps the frame's sampling factors to an image.YCbCr ratio,
// which requires Y to carry the largest factors, Cb and Cr to match, and
// the luma/chroma factor ratios to be ones image.YCbCr can express.
func (d *decoder) subsampleRatio() (image.YCbCrSubsampleRatio, error) {
	y, cb, cr := d.comp[0], d.comp[1], d.comp[2]
	if cb.h != cr.h || cb.v != cr.v || y.h%cb.h != 0 || y.v%cb.v != 0 {
		return 0, UnsupportedError(fmt.Sprintf("sampling factors %dx%d, %dx%d, %dx%d", y.h, y.v, cb.h, cb.v, cr.h, cr.v))
	}
	if r, ok := subsampleRatios[[2]int{y.h / cb.h, y.v / cb.v}]; ok {
		return r, nil
	}
	return 0, UnsupportedError(fmt.Sprintf("sampling factors %dx%d, %dx%d, %dx%d", y.h, y.v, cb.h, cb.v, cr.h, cr.v))
}

// allocate checks the frame against the limits and the amount of scan data
// left, then allocates the output image with planes padded to whole MCUs so
// that block writes need no clipping.
func (d *decoder) allocate() error {
	d.hmax, d.vmax = 1, 1
	for i := 0; i < d.ncomp; i++ {
		d.hmax, d.vmax = max(d.hmax, d.comp[i].h), max(d.vmax, d.comp[i].v)
	}
	d.mcusX = (d.width + 8*d.hmax - 1) / (8 * d.hmax)
	d.mcusY = (d.height + 8*d.vmax - 1) / (8 * d.vmax)
	blocks := 0
	for i := 0; i < d.ncomp; i++ {
		c := &d.comp[i]
		// Component dimensions per A.1.1, then whole blocks.
		cw := (d.width*c.h + d.hmax - 1) / d.hmax
		ch := (d.height*c.v + d.vmax - 1) / d.vmax
		c.blocksX, c.blocksY = (cw+7)/8, (ch+7)/8
		blocks += c.blocksX * c.blocksY
	}
	// Every component codes at least blocksX x blocksY blocks (more when
	// interleaved), each taking at least two bits (a DC code and an EOB or
	// AC code), so the data left bounds the image size. This stops a few
	// hundred bytes from claiming (and allocating) a huge image.
	if blocks > 4*(len(d.data)-d.pos)+64 {
		return errTruncated
	}
	s := 8 / d.denom
	w, h := d.mcusX*d.hmax*s, d.mcusY*d.vmax*s
	visible := image.Rect(0, 0, (d.width+d.denom-1)/d.denom, (d.height+d.denom-1)/d.denom)
	ratio := image.YCbCrSubsampleRatio444
	if d.ncomp == 3 {
		var err error
		if ratio, err = d.subsampleRatio(); err != nil {
			return err
		}
	}
	for i := 0; i < d.ncomp; i++ {
		d.comp[i].denom, d.comp[i].bs = d.denom, s
	}
	if d.ncomp == 3 && d.fullChroma && ratio == image.YCbCrSubsampleRatio420 && d.denom >= 2 {
		ratio = image.YCbCrSubsampleRatio444
		for i := 1; i < 3; i++ {
			d.comp[i].denom, d.comp[i].bs = d.denom/2, 2*s
		}
	}
	need := int64(w) * int64(h)
	if d.ncomp == 3 {
		cw, ch := d.mcusX*d.comp[1].h*d.comp[1].bs, d.mcusY*d.comp[1].v*d.comp[1].bs
		need += 2 * int64(cw) * int64(ch)
	}
	if d.progressive {
		var denoms [4]int
		for i := 0; i < d.ncomp; i++ {
			denoms[i] = d.comp[i].denom
		}
		need += d.progressiveBytes(denoms[:d.ncomp])
	}
	if d.maxBytes > 0 && need > d.maxBytes {
		return &LimitError{Need: need, Limit: d.maxBytes}
	}
	if d.progressive {
		for i := 0; i < d.ncomp; i++ {
			c := &d.comp[i]
			c.initStore(d.mcusX*c.h, d.mcusY*c.v)
		}
	}
	if d.ncomp == 1 {
		g := image.NewGray(image.Rect(0, 0, w, h))
		d.comp[0].plane, d.comp[0].stride = g.Pix, g.Stride
		d.img = g.SubImage(visible)
		return nil
	}
	m := image.NewYCbCr(image.Rect(0, 0, w, h), ratio)
	d.comp[0].plane, d.comp[0].stride = m.Y, m.YStride
	d.comp[1].plane, d.comp[1].stride = m.Cb, m.CStride
	d.comp[2].plane, d.comp[2].stride = m.Cr, m.CStride
	d.img = m.SubImage(visible)
	return nil
}

// processDQT parses quantisation tables (B.2.4.1), 8- or 16-bit.
func (d *decoder) processDQT(seg []byte) error {
	for len(seg) > 0 {
		pq, tq := seg[0]>>4, seg[0]&15
		if pq > 1 || tq > 3 {
			return FormatError("bad DQT header")
		}
		size := 64 << pq
		if len(seg) < 1+size {
			return FormatError("short DQT segment")
		}
		q := &d.quant[tq]
		for i := range q {
			if pq == 0 {
				q[i] = int32(seg[1+i])
			} else {
				q[i] = int32(seg[1+2*i])<<8 | int32(seg[2+2*i])
			}
		}
		d.quantSet[tq] = true
		seg = seg[1+size:]
	}
	return nil
}

// processDHT parses Huffman tables (B.2.4.2).
func (d *decoder) processDHT(seg []byte) error {
	for len(seg) > 0 {
		if len(seg) < 17 {
			return FormatError("short DHT segment")
		}
		tc, th := seg[0]>>4, seg[0]&15
		if tc > 1 || th > 3 {
			return FormatError("bad DHT header")
		}
		var counts [16]uint8
		copy(counts[:], seg[1:17])
		total := 0
		for _, c := range counts {
			total += int(c)
		}
		if total == 0 || total > 256 || len(seg) < 17+total {
			return FormatError("bad DHT symbol count")
		}
		if err := d.huff[tc][th].build(&counts, seg[17:17+total]); err != nil {
			return err
		}
		seg = seg[17+total:]
	}
	return nil
}

// processDRI parses the restart interval (B.2.4.4).
func (d *decoder) processDRI(seg []byte) error {
	if len(seg) != 2 {
		return FormatError("DRI has wrong length")
	}
	d.restartInterval = int(seg[0])<<8 | int(seg[1])
	return nil
}
