package jpegscale

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// floatIDCT returns the exact inverse DCT of blk (natural order), before
// level shift, rounding and clamping (A.3.3).
func floatIDCT(blk *[64]int32) [8][8]float64 {
	var out [8][8]float64
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			sum := 0.0
			for v := 0; v < 8; v++ {
				for u := 0; u < 8; u++ {
					sum += float64(blk[v*8+u]) * dctCos[x][u] * dctCos[y][v]
				}
			}
			out[y][x] = sum / 4
		}
	}
	return out
}

// TestReducedIDCTIsBoxAverage checks every transform against the
// definition: the output at denom d must be the d x d box average of the
// exact IDCT, plus 128, within rounding.
func TestReducedIDCTIsBoxAverage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	transforms := []struct {
		denom int
		fn    func(*[64]int32, int, []byte, int)
	}{
		{1, idct8x8},
		{2, idct4x4},
		{4, idct2x2},
	}
	for _, tr := range transforms {
		for _, density := range []int{1, 4, 16, 64} {
			t.Run(fmt.Sprintf("denom%d/%d_coefficients", tr.denom, density), func(t *testing.T) {
				for trial := 0; trial < 200; trial++ {
					var blk [64]int32
					last := 0
					for k := 0; k < density; k++ {
						// Amplitudes small enough that no sample clips.
						blk[zigzag[k]] = int32(rng.IntN(81) - 40)
						if k > 0 && blk[zigzag[k]] != 0 {
							last = k
						}
					}
					want := floatIDCT(&blk)
					n := 8 / tr.denom
					dst := make([]byte, n*n)
					in := blk
					tr.fn(&in, last, dst, n)
					for y := 0; y < n; y++ {
						for x := 0; x < n; x++ {
							sum := 0.0
							for yy := y * tr.denom; yy < (y+1)*tr.denom; yy++ {
								for xx := x * tr.denom; xx < (x+1)*tr.denom; xx++ {
									sum += want[yy][xx]
								}
							}
							exact := sum/float64(tr.denom*tr.denom) + 128
							if d := math.Abs(float64(dst[y*n+x]) - exact); d > 0.75 {
								t.Fatalf("trial %d, pixel (%d,%d): got %d, exact %.3f", trial, x, y, dst[y*n+x], exact)
							}
						}
					}
				}
			})
		}
	}
}

// TestKernelConstants recomputes the matrix entries written as integer
// constants in idct.go from their definition.
func TestKernelConstants(t *testing.T) {
	entry := func(denom, k, u int) int {
		sum := 0.0
		for x := k * denom; x < (k+1)*denom; x++ {
			sum += dctCos[x][u]
		}
		return int(math.Round(sum / float64(denom) * (1 << constBits)))
	}
	for _, tc := range []struct {
		name        string
		denom, k, u int
		want        int
	}{
		{"c1", 1, 0, 1, c1}, {"c2", 1, 0, 2, c2}, {"c3", 1, 0, 3, c3}, {"c4", 1, 0, 4, c4},
		{"c5", 1, 0, 5, c5}, {"c6", 1, 0, 6, c6}, {"c7", 1, 0, 7, c7}, {"dc", 1, 0, 0, c4},
		{"d2_k0_u1", 2, 0, 1, 7423}, {"d2_k0_u2", 2, 0, 2, 5352}, {"d2_k0_u3", 2, 0, 3, 2607},
		{"d2_k0_u4", 2, 0, 4, 0}, {"d2_k0_u5", 2, 0, 5, -1742}, {"d2_k0_u6", 2, 0, 6, -2217},
		{"d2_k0_u7", 2, 0, 7, -1477}, {"d2_k1_u1", 2, 1, 1, 3075}, {"d2_k1_u3", 2, 1, 3, -6293},
		{"d2_k1_u5", 2, 1, 5, 4205}, {"d2_k1_u7", 2, 1, 7, -612},
		{"d4_u1", 4, 0, 1, 5249}, {"d4_u2", 4, 0, 2, 0}, {"d4_u3", 4, 0, 3, -1843},
		{"d4_u4", 4, 0, 4, 0}, {"d4_u5", 4, 0, 5, 1232}, {"d4_u6", 4, 0, 6, 0}, {"d4_u7", 4, 0, 7, -1044},
		{"d8_u1", 8, 0, 1, 0}, {"d8_u0", 8, 0, 0, c4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := entry(tc.denom, tc.k, tc.u); got != tc.want {
				t.Errorf("entry = %d, constant is %d", got, tc.want)
			}
		})
	}
}

// TestZigzag checks the zigzag table against its definition: walking the
// anti-diagonals u+v = s, downwards on odd s and upwards on even s.
func TestZigzag(t *testing.T) {
	k := 0
	for s := 0; s < 15; s++ {
		for i := 0; i <= s; i++ {
			v := i
			if s%2 == 0 {
				v = s - i
			}
			u := s - v
			if u > 7 || v > 7 {
				continue
			}
			if got := int(zigzag[k]); got != v*8+u {
				t.Fatalf("zigzag[%d] = %d, want %d", k, got, v*8+u)
			}
			k++
		}
	}
}
