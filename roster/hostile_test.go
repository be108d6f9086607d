package roster

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
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

// repack rewrites a workbook archive with part's header and packed bytes
// as edit returns them (the other parts copied as they are).
func repack(t *testing.T, archive []byte, part string, edit func(h zip.FileHeader, packed []byte) (zip.FileHeader, []byte)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	found := false
	for _, f := range zr.File {
		if f.Name != part {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
			continue
		}
		found = true
		raw, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		packed, _ := io.ReadAll(raw)
		h, packed := edit(f.FileHeader, packed)
		h.CompressedSize64 = uint64(len(packed))
		w, err := zw.CreateRaw(&h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(packed)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Fatalf("no part %s", part)
	}
	return out.Bytes()
}

// bomb rewrites a workbook archive with part replaced by bombSize bytes of
// white space, declaring declared bytes (0: the true size).
func bomb(t *testing.T, archive []byte, part string, declared uint64) []byte {
	t.Helper()
	return repack(t, archive, part, func(zip.FileHeader, []byte) (zip.FileHeader, []byte) {
		var packed bytes.Buffer
		fw, _ := flate.NewWriter(&packed, flate.BestCompression)
		io.Copy(fw, &spaces{bombSize})
		fw.Close()
		size := uint64(bombSize)
		if declared != 0 {
			size = declared
		}
		return zip.FileHeader{Name: part, Method: zip.Deflate, UncompressedSize64: size}, packed.Bytes()
	})
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

// A workbook whose sheet inflates far beyond the limit is refused with
// ErrTooLarge, honest about its size (refused from the directory, before
// inflating) or lying (refused once inflating passes the declared size and
// the part, measured, passes the limit): a lying XLSX bomb is not read as
// a sheet without a header. Memory is measured: the whole attempt
// allocates under 200 MB.
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
			if !errors.Is(err, ErrTooLarge) {
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

// A workbook part that is damaged fails the whole file with a format
// error instead of being read up to the damage: excelize alone would keep
// what it inflated and read a cut sheet as if it ended there, losing the
// students after the damage without a word. A part a few bytes longer
// than it declares is damaged, not a bomb (no ErrTooLarge).
func TestXLSXDamagedPartRefused(t *testing.T) {
	archive := xlsxBytes(t, func(f *excelize.File) {
		setRow(t, f, "Sheet1", 1, "Nazwisko", "Imię", "PESEL", "Nr legitymacji")
		for r := 2; r < 200; r++ {
			setRow(t, f, "Sheet1", r, "Nowak", "Jan", "11210110089", fmt.Sprint(r, "/2024"))
		}
	})
	const sheet = "xl/worksheets/sheet1.xml"
	cases := []struct {
		name string
		edit func(h zip.FileHeader, packed []byte) (zip.FileHeader, []byte)
		want error
	}{
		{"declares less than it holds", func(h zip.FileHeader, p []byte) (zip.FileHeader, []byte) {
			h.UncompressedSize64 -= 100
			return h, p
		}, zip.ErrFormat},
		{"wrong checksum", func(h zip.FileHeader, p []byte) (zip.FileHeader, []byte) {
			h.CRC32 ^= 1
			return h, p
		}, zip.ErrChecksum},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeTemp(t, "lista.xlsx", repack(t, archive, sheet, c.edit))
			recs, err := readAll(t, p, nil)
			if !errors.Is(err, c.want) || errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), sheet) {
				t.Errorf("err = %v, want %v naming %s", err, c.want, sheet)
			}
			if len(recs) != 0 {
				t.Errorf("%d rows read from a damaged workbook", len(recs))
			}
		})
	}
	if recs, err := readAll(t, writeTemp(t, "lista.xlsx", repack(t, archive, sheet,
		func(h zip.FileHeader, p []byte) (zip.FileHeader, []byte) { return h, p })), nil); err != nil || len(recs) != 198 {
		t.Errorf("repacked unchanged: %d rows, %v", len(recs), err)
	}
}
