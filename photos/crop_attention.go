package photos

import (
	"image"
	"image/color"
)

// AttentionCrop keeps the person: of all the largest aw:ah rectangles it
// takes the one centred on the face (where skin-coloured detail peaks),
// then, when the photo is taller than the crop, keeps the head whole with
// some room above it. Like libvips' "attention" strategy it scores skin
// colour, edges and saturation, but on a coarse grid of samples (about 96
// across), so it costs little next to decoding. Without a face (too little
// skin) it falls back to the centre.
//
// Why not github.com/muesli/smartcrop: it scores generic "interesting"
// regions with no notion of a head that must stay whole, reads pixels
// through image.Image's At in RGBA, and pulls in an archived resizer.
type AttentionCrop struct{}

// attentionGrid is the number of samples across the longer side.
const attentionGrid = 96

// Crop implements Cropper.
func (AttentionCrop) Crop(img image.Image, aw, ah int) image.Rectangle {
	b := img.Bounds()
	w, h := aspectFit(b.Dx(), b.Dy(), aw, ah)
	centre := CenterCrop{}.Crop(img, aw, ah)
	if w == b.Dx() && h == b.Dy() {
		return centre
	}
	m := newAttentionMap(img)
	x, y := centre.Min.X, centre.Min.Y
	if w < b.Dx() {
		win := float64(w) / float64(m.step)
		if cx, ok := m.faceColumn(win); ok {
			// Centre the crop on the face.
			x = b.Min.X + min(max(int((cx+0.5)*float64(m.step))-w/2, 0), b.Dx()-w)
		}
	}
	if h < b.Dy() {
		if top, faceH, ok := m.face(); ok {
			// The hair above the skin (about a third of the face's
			// height), then room above the head: a tenth of the crop.
			room := faceH*m.step/3 + h/10
			y = b.Min.Y + min(max(top*m.step-room, 0), b.Dy()-h)
		}
	}
	return image.Rect(x, y, x+w, y+h)
}

// attentionMap is the score of each grid sample: skin-coloured detail
// counts most, detail and saturation elsewhere a little.
type attentionMap struct {
	gw, gh int
	step   int       // source pixels per sample
	skin   []float64 // gw x gh
	score  []float64
}

func newAttentionMap(img image.Image) *attentionMap {
	b := img.Bounds()
	step := max(1, max(b.Dx(), b.Dy())/attentionGrid)
	m := &attentionMap{gw: b.Dx() / step, gh: b.Dy() / step, step: step}
	n := m.gw * m.gh
	ys, cbs, crs := make([]float64, n), make([]float64, n), make([]float64, n)
	for gy := range m.gh {
		for gx := range m.gw {
			c := color.YCbCrModel.Convert(img.At(b.Min.X+gx*step+step/2, b.Min.Y+gy*step+step/2)).(color.YCbCr)
			i := gy*m.gw + gx
			ys[i], cbs[i], crs[i] = float64(c.Y), float64(c.Cb), float64(c.Cr)
		}
	}
	m.skin, m.score = make([]float64, n), make([]float64, n)
	for gy := range m.gh {
		for gx := range m.gw {
			i := gy*m.gw + gx
			// Detail: luma steps to the neighbours (eyes, mouth, hair line).
			var edge float64
			if gx+1 < m.gw {
				edge += abs(ys[i+1] - ys[i])
			}
			if gx > 0 {
				edge += abs(ys[i-1] - ys[i])
			}
			if gy+1 < m.gh {
				edge += abs(ys[i+m.gw] - ys[i])
			}
			if gy > 0 {
				edge += abs(ys[i-m.gw] - ys[i])
			}
			sat := abs(cbs[i]-128) + abs(crs[i]-128)
			if isSkin(ys[i], cbs[i], crs[i]) {
				m.skin[i] = 1
			}
			m.score[i] = m.skin[i]*(1+min(edge, 60)/20) + min(edge, 60)/120 + sat/256
		}
	}
	return m
}

// isSkin reports whether a YCbCr colour is skin: the range of Chai and
// Ngan (Cb 77–127, Cr 133–173), which holds across skin tones, narrowed to
// Cr ≥ 138 and Cr − Cb ≥ 25 so cream and beige walls (Cr ≈ 137, Cr − Cb ≈
// 25) stay out, and not too dark or blown out to tell.
func isSkin(y, cb, cr float64) bool {
	return y > 40 && y < 245 && cb >= 77 && cb <= 127 && cr >= 138 && cr <= 173 && cr-cb >= 25
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// face returns the first grid row, from the top, where skin covers a
// clear share of the widest skin row (the top of the face: the hair above
// it is for the caller to leave room for) and how many rows down to the
// last such row; ok is false without skin.
func (m *attentionMap) face() (top, height int, ok bool) {
	rows := make([]float64, m.gh)
	widest := 0.0
	for gy := range m.gh {
		for gx := range m.gw {
			rows[gy] += m.skin[gy*m.gw+gx]
		}
		widest = max(widest, rows[gy])
	}
	if widest < 2 {
		return 0, 0, false
	}
	top, last := -1, 0
	for gy, v := range rows {
		if v >= widest/3 {
			if top < 0 {
				top = gy
			}
			last = gy
		}
	}
	// The face is the first run of skin rows; a neck or hands further down
	// belong to the same person but say nothing about the head's height.
	end := top
	for end+1 <= last && rows[end+1] >= widest/3 {
		end++
	}
	return top, end - top + 1, true
}

// faceColumn returns the grid column at the centre of the face: where skin
// with detail, summed over a band a third of the crop wide, peaks; ok is
// false when the photo shows too little skin to tell.
func (m *attentionMap) faceColumn(win float64) (float64, bool) {
	cols := make([]float64, m.gw)
	total := 0.0
	for gy := range m.gh {
		for gx := range m.gw {
			i := gy*m.gw + gx
			cols[gx] += m.skin[i] * m.score[i]
			total += m.skin[i]
		}
	}
	if total < 4 {
		return 0, false
	}
	k := max(1, int(win/3))
	prefix := make([]float64, m.gw+1)
	for i, v := range cols {
		prefix[i+1] = prefix[i] + v
	}
	best, bestSum := 0, -1.0
	for s := 0; s+k <= m.gw; s++ {
		if sum := prefix[s+k] - prefix[s]; sum > bestSum {
			best, bestSum = s, sum
		}
	}
	// The centre of mass within the best band.
	var mass, moment float64
	for i := best; i < best+k; i++ {
		mass += cols[i]
		moment += cols[i] * float64(i)
	}
	if mass == 0 {
		return 0, false
	}
	return moment / mass, true
}
