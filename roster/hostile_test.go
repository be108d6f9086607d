package roster

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"runtime"
	"testing"

	"github.com/xuri/excelize/v2"
)

// bombSize is what the bomb's sheet inflates to: beyond maxInflated.
const bombSize = maxInflated + 8<<20

// spaces streams n spaces without holding them.
type spaces struct{ n int64 }

func (s *spaces) Read(p []byte) (int, error) {
	if s.n <= 0 {
		return 0, io.EOF
	}
	n := min(int64(len(p)), s.n)
	for i := range p[:n] {
		p[i] = ' '
	}
	s.n -= n
	return int(n), nil
}

// bomb rewrites a workbook archive with part replaced by bombSize bytes of
// white space, declaring declared bytes (0: the true size).
func bomb(t *testing.T, archive []byte, part string, declared uint64) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name != part {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
			continue
		}
		var packed bytes.Buffer
		fw, _ := flate.NewWriter(&packed, flate.BestCompression)
		io.Copy(fw, &spaces{bombSize})
		fw.Close()
		size := uint64(bombSize)
		if declared != 0 {
			size = declared
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: part, Method: zip.Deflate,
			CompressedSize64: uint64(packed.Len()), UncompressedSize64: size})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(packed.Bytes())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func xlsxArchive(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]string{"Nazwisko", "Imię", "PESEL", "Nr legitymacji"})
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A workbook whose sheet inflates far beyond the limit is refused, honest
// about its size (refused from the directory, before inflating) or lying
// (refused as soon as inflating passes the declared size). Memory is
// measured: the whole attempt allocates under 200 MB.
func TestZipBombRefused(t *testing.T) {
	ods := odsFile(t, odsHead+odsTail)
	cases := []struct {
		name, file, part string
		archive          []byte
		declared         uint64
	}{
		{"xlsx honest", "b.xlsx", "xl/worksheets/sheet1.xml", xlsxArchive(t), 0},
		{"xlsx lying", "b.xlsx", "xl/worksheets/sheet1.xml", xlsxArchive(t), 1 << 10},
		{"ods honest", "b.ods", "content.xml", ods, 0},
		{"ods lying", "b.ods", "content.xml", ods, 1 << 10},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := bomb(t, c.archive, c.part, c.declared)
			if len(data) > 1<<20 {
				t.Fatalf("bomb of %d bytes; want a small file", len(data))
			}
			p := writeTemp(t, c.file, data)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := readAll(t, p, nil)
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatal("bomb read without error")
			}
			if c.declared == 0 && !errors.Is(err, ErrTooLarge) {
				t.Errorf("err = %v, want ErrTooLarge", err)
			}
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%d kB bomb refused after allocating %.1f MB in all: %v", len(data)>>10, float64(alloc)/(1<<20), err)
			if alloc > 200<<20 {
				t.Errorf("allocated %d MB refusing a %d kB bomb", alloc>>20, len(data)>>10)
			}
		})
	}
}
