package photos

import (
	"encoding/binary"
	"testing"
)

func TestTIFFOrientation(t *testing.T) {
	long := exifBlock(6, false)
	binary.LittleEndian.PutUint16(long[22+2:], 4) // Orientation as LONG
	tests := []struct {
		name string
		b    []byte
		want int
	}{
		{"little endian", exifBlock(3, false), 3},
		{"big endian", exifBlock(8, true), 8},
		{"LONG type", long, 6},
		{"zero", exifBlock(0, false), 1},
		{"out of range", exifBlock(9, true), 1},
		{"short header", []byte("II*\x00\x08"), 1},
		{"bad magic", []byte("II+\x00\x08\x00\x00\x00\x00\x00"), 1},
		{"IFD past end", []byte("MM\x00*\xff\xff\xff\xf0"), 1},
		{"entries past end", exifBlock(6, false)[:30], 1},
		{"empty", nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tiffOrientation(tt.b); got != tt.want {
				t.Errorf("tiffOrientation = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestJPEGOrientationStopsAtImageData(t *testing.T) {
	jpg := encJPEG(t, photoLike(16, 16, 1), 80)
	// An Exif segment after SOS is image data, not metadata.
	late := append(append([]byte{}, jpg[:len(jpg)-2]...), withEXIF([]byte{0xFF, 0xD8}, 6, false)[2:]...)
	tests := []struct {
		name string
		data []byte
		want int
	}{
		{"none", jpg, 1},
		{"spliced", withEXIF(jpg, 5, false), 5},
		{"after SOS", late, 1},
		{"bad segment length", []byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01}, 1},
		{"length past end", []byte{0xFF, 0xD8, 0xFF, 0xE1, 0x40, 0x00, 'E'}, 1},
		{"fill bytes only", []byte{0xFF, 0xD8, 0xFF, 0xFF, 0xFF}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := jpegOrientation(tt.data); got != tt.want {
				t.Errorf("jpegOrientation = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestPNGOrientation(t *testing.T) {
	p := encPNG(t, photoLike(8, 8, 1))
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(exifBlock(6, true))))
	chunk = append(chunk, "eXIf"...)
	chunk = append(chunk, exifBlock(6, true)...)
	chunk = append(chunk, 0, 0, 0, 0)                                             // CRC (not checked by the reader)
	withChunk := append(append(append([]byte{}, p[:33]...), chunk...), p[33:]...) // after IHDR
	if got := pngOrientation(withChunk); got != 6 {
		t.Errorf("eXIf chunk: orientation %d, want 6", got)
	}
	if got := pngOrientation(p); got != 1 {
		t.Errorf("plain PNG: orientation %d, want 1", got)
	}
}

// FuzzOrientation feeds arbitrary bytes to the EXIF readers: they must
// never panic and always answer 1–8. Seeds live in testdata/fuzz.
func FuzzOrientation(f *testing.F) {
	f.Add(exifBlock(6, false))
	f.Add(withEXIF([]byte{0xFF, 0xD8, 0xFF, 0xD9}, 8, true))
	f.Fuzz(func(t *testing.T, b []byte) {
		for name, fn := range map[string]func([]byte) int{
			"tiff": tiffOrientation, "jpeg": jpegOrientation, "png": pngOrientation,
		} {
			if o := fn(b); o < 1 || o > 8 {
				t.Errorf("%s orientation %d", name, o)
			}
		}
		// Also as the body of a JPEG APP1 segment and a PNG chunk.
		if len(b) < 0xFFF0 {
			seg := []byte{0xFF, 0xD8, 0xFF, 0xE1}
			seg = binary.BigEndian.AppendUint16(seg, uint16(len(b)+8))
			seg = append(append(seg, "Exif\x00\x00"...), b...)
			if o := jpegOrientation(seg); o < 1 || o > 8 {
				t.Errorf("segment orientation %d", o)
			}
		}
	})
}
