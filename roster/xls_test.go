package roster

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/mlegit/mlegit/pesel"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// A damaged .xls is an error, never a panic or a hang: cut short, its
// directory sector chained to itself (a cycle the parser would follow for
// ever), or its workbook stream claiming 4 GB.
func TestReadXLSDamaged(t *testing.T) {
	good := readFixture(t, "szkola.xls")
	sector := 1 << binary.LittleEndian.Uint16(good[0x1E:])
	at := func(sid uint32) int { return int(sid+1) * sector }
	dirSID := binary.LittleEndian.Uint32(good[0x30:])
	fatSID := binary.LittleEndian.Uint32(good[0x4C:])

	cyclic := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(cyclic[at(fatSID)+4*int(dirSID):], dirSID)

	huge := append([]byte(nil), good...)
	for off := at(dirSID); off+128 <= at(dirSID)+sector; off += 128 {
		name := string(huge[off : off+16])
		if name == "W\x00o\x00r\x00k\x00b\x00o\x00o\x00k\x00" {
			binary.LittleEndian.PutUint32(huge[off+120:], 0xFFFFFFF0)
		}
	}
	for name, data := range map[string][]byte{"cut": good[:len(good)/2], "cyclic": cyclic, "huge stream": huge, "header only": good[:512]} {
		t.Run(name, func(t *testing.T) {
			_, err := readXLS(context.Background(), data, "x.xls", newMatcher(nil), func(Record) error { return nil })
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrXLSBroken) {
				var missing *MissingColumnsError
				if !errors.As(err, &missing) {
					t.Errorf("err = %v, want ErrXLSBroken or missing columns", err)
				}
			}
		})
	}
}

// FuzzReadXLS: any bytes after an OLE2 signature read without a panic or
// a hang, rows increase, cells are trimmed.
func FuzzReadXLS(f *testing.F) {
	f.Add(readFixture(f, "szkola.xls"))
	f.Add(readFixture(f, "tekst.xls"))
	f.Add(readFixture(f, "tekst-1904.xls"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = readXLS(context.Background(), data, "f.xls", newMatcher(nil), checkedEmit(t, "f.xls", 0))
	})
}

// A workbook in the 1904 date system (its DATEMODE record set, as Excel
// for Mac and LibreOffice with that option save it) reads the same dates
// as the same school saved in the 1900 system, and the dates of birth
// agree with their PESELs: read as 1900 serials they came out 4 years and
// 1 day early, and none did. Fixture: tekst-1904.xls (testdata/make-fixtures.sh; the
// DATEMODE record and the 1904 serials are LibreOffice's own).
func TestReadXLS1904DateSystem(t *testing.T) {
	for name, want := range map[string]bool{"tekst-1904.xls": true, "tekst.xls": false} {
		_, layout, err := openXLS(readFixture(t, name))
		if err != nil || layout.date1904 != want {
			t.Fatalf("%s: date1904 = %v (%v), want %v", name, layout.date1904, err, want)
		}
	}
	got := mustRead(t, filepath.Join("testdata", "tekst-1904.xls"), nil)
	want := mustRead(t, filepath.Join("testdata", "tekst.xls"), nil)
	for i := range got {
		got[i].File = "tekst.xls"
	}
	equalRecords(t, got, want)
	checked, agree := 0, 0
	for _, r := range got {
		p, err := pesel.Parse(r.PESEL)
		if err != nil || r.BirthDate == "" {
			continue
		}
		checked++
		if p.BirthDate().Format("2006-01-02") == r.BirthDate {
			agree++
		}
	}
	// All but the one row the fixture makes disagree (PESEL_DOB_MISMATCH).
	if agree != checked-1 || agree < 20 {
		t.Errorf("%d of %d dates of birth agree with their PESEL, want all but one", agree, checked)
	}
}
