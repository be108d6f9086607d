package codes

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlegit/mlegit/export"
	"github.com/mlegit/mlegit/export/exporttest"
	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/safefile"
	"github.com/mlegit/mlegit/student"
)

var asOf = time.Date(2025, time.September, 15, 0, 0, 0, 0, time.UTC)

// testPackage writes an upload package of three students and returns its
// path and the students in PESEL order.
func testPackage(t *testing.T) (string, []student.Student) {
	t.Helper()
	students := exporttest.Students(3)
	slices.Reverse(students)
	photos := filepath.Join(t.TempDir(), "photos")
	exporttest.WritePhotos(t, photos, students)
	pkg, err := export.WritePackage(t.TempDir(), "12345", asOf, students, photos)
	if err != nil {
		t.Fatal(err)
	}
	return pkg, students
}

// codesFile writes a codes file of the given lines under the full header.
func codesFile(t *testing.T, lines ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kody.csv")
	text := strings.Join(append([]string{"pesel;kod_qr;kod_aktywacyjny;wygenerowano;wazny_do;symulacja"}, lines...), "\n") + "\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func assertCodes(t *testing.T, got []reject.Rejection, want ...reject.Code) {
	t.Helper()
	var codes []reject.Code
	for _, r := range got {
		codes = append(codes, r.Code)
	}
	if !slices.Equal(codes, want) {
		t.Errorf("rejections %v, want %v", got, want)
	}
}

func TestImportRejections(t *testing.T) {
	pkg, st := testPackage(t)
	p0, p1 := string(st[0].PESEL), string(st[1].PESEL)
	stranger := string(exporttest.PESEL(time.Date(2011, 5, 5, 0, 0, 0, 0, time.UTC), 4242))
	tests := []struct {
		name string
		line string
		want reject.Code
	}{
		{"PESEL checksum", "09322423451;Q;C;2025-09-15;;1", reject.CodesPESELUnknown},
		{"PESEL short", "123;Q;C;2025-09-15;;1", reject.CodesPESELUnknown},
		{"PESEL empty", ";Q;C;2025-09-15;;1", reject.CodesPESELUnknown},
		{"not in package", stranger + ";Q;C;2025-09-15;;1", reject.CodesNotInPackage},
		{"QR missing", p1 + "; ;C;2025-09-15;;1", reject.CodesFieldMissing},
		{"code missing", p1 + ";Q;;2025-09-15;;1", reject.CodesFieldMissing},
		{"short row", p1 + ";Q", reject.CodesFieldMissing},
		{"generated bad", p1 + ";Q;C;15.09.2025;;1", reject.CodesDateInvalid},
		{"code in a date column", p1 + ";Q;C;SECRET;;1", reject.CodesDateInvalid},
		{"generated empty", p1 + ";Q;C;;2025-10-15;1", reject.CodesDateInvalid},
		{"valid-until bad", p1 + ";Q;C;2025-09-15;2025-13-01;1", reject.CodesDateInvalid},
		{"valid-until before generated", p1 + ";Q;C;2025-09-15;2025-09-01 10:00;1", reject.CodesDateInvalid},
		{"expired", p1 + ";Q;C;2025-08-01;2025-09-14 23:59;1", reject.CodesExpired},
		{"expired by lifetime", p1 + ";Q;C;2025-08-01;;1", reject.CodesExpired},
		{"QR longer than a slip carries", p1 + ";" + strings.Repeat("SECRET", 10<<10/6) + ";C;2025-09-15;;1", reject.CodesFieldInvalid},
		{"code longer than a slip prints", p1 + ";Q;" + strings.Repeat("SECRET", 20) + ";2025-09-15;;1", reject.CodesFieldInvalid},
		{"control character in the QR", p1 + ";SECRET\x07;C;2025-09-15;;1", reject.CodesFieldInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// A good row first, so the bad one is row 3.
			path := codesFile(t, p0+";QR0;CODE0;2025-09-15;;1", tc.line)
			store, rej, err := Import(path, []string{pkg}, asOf, 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			assertCodes(t, rej, tc.want)
			if len(store.Entries) != 1 || store.Entries[0].PESEL != p0 {
				t.Errorf("kept entries %+v, want only the good row", store.Entries)
			}
			if len(rej) == 1 {
				r := rej[0]
				if r.Row != 3 || r.File != "kody.csv" || r.Message != tc.want.Message() || strings.Contains(r.PESEL, p1) {
					t.Errorf("rejection %+v", r)
				}
				if d := r.Detail + r.Szczegoly; strings.Contains(d, "QR0") || strings.Contains(d, "CODE0") || strings.Contains(d, "SECRET") {
					t.Errorf("detail leaks a code: %q", d)
				}
			}
		})
	}
}

func TestImportDuplicatesRejectAllRows(t *testing.T) {
	pkg, st := testPackage(t)
	p0, p1 := string(st[0].PESEL), string(st[1].PESEL)
	path := codesFile(t,
		p0+";A;B;2025-09-15;;0",
		p1+";C;D;2025-09-15;;0",
		p0+";E;F;2025-09-16;;0",
	)
	store, rej, err := Import(path, []string{pkg}, asOf, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	assertCodes(t, rej, reject.CodesDuplicate, reject.CodesDuplicate)
	if rej[0].Row != 2 || rej[1].Row != 4 || rej[0].Name == "" || rej[0].Class != st[0].Class {
		t.Errorf("rejections %+v", rej)
	}
	if len(store.Entries) != 1 || store.Entries[0].PESEL != p1 {
		t.Errorf("entries %+v, want only %s", store.Entries, p1)
	}
}

func TestImportValidRows(t *testing.T) {
	pkg, st := testPackage(t)
	p0, p1, p2 := string(st[0].PESEL), string(st[1].PESEL), string(st[2].PESEL)
	path := codesFile(t,
		p2+";QR2;CODE2;2025-09-15 08:30;2025-10-01 12:00;1",
		p0+";QR0;CODE0;2025-09-10;;",
		p1+";QR1;CODE1;2025-09-15;2025-09-15;tak",
	)
	store, rej, err := Import(path, []string{pkg}, asOf, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	assertCodes(t, rej)
	d := func(s string) time.Time {
		t.Helper()
		v, err := parseTime(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	want := []Entry{
		{PESEL: p0, Surname: st[0].Surname, FirstName: "Zofia", SecondName: "Maria", Class: st[0].Class, CardNumber: st[0].CardNumber,
			QR: "QR0", ActivationCode: "CODE0", Generated: d("2025-09-10"), ValidUntil: d("2025-09-20")},
		{PESEL: p1, Surname: st[1].Surname, FirstName: "Zofia", Class: st[1].Class, CardNumber: st[1].CardNumber,
			QR: "QR1", ActivationCode: "CODE1", Generated: d("2025-09-15"), ValidUntil: d("2025-09-15"), Simulated: true},
		{PESEL: p2, Surname: st[2].Surname, FirstName: "Zofia", Class: st[2].Class, CardNumber: st[2].CardNumber,
			QR: "QR2", ActivationCode: "CODE2", Generated: d("2025-09-15 08:30"), ValidUntil: d("2025-10-01 12:00"), Simulated: true},
	}
	if !slices.Equal(store.Entries, want) {
		t.Errorf("entries\n got %+v\nwant %+v", store.Entries, want)
	}
	if store.School != "12345" || store.Package != filepath.Base(pkg) {
		t.Errorf("store school %q package %q", store.School, store.Package)
	}
}

func TestImportDefaultLifetime(t *testing.T) {
	pkg, st := testPackage(t)
	path := codesFile(t, string(st[0].PESEL)+";Q;C;2025-09-15;;1")
	store, _, err := Import(path, []string{pkg}, asOf, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := store.Entries[0].ValidUntil; !got.Equal(asOf.AddDate(0, 0, DefaultLifetimeDays)) {
		t.Errorf("valid until %v with the default lifetime", got)
	}
}

func TestImportFileErrors(t *testing.T) {
	pkg, _ := testPackage(t)
	dir := t.TempDir()
	noCode := filepath.Join(dir, "a.csv")
	os.WriteFile(noCode, []byte("pesel;kod_qr;wygenerowano;wazny_do\n"), 0o600)
	badCSV := filepath.Join(dir, "b.csv")
	os.WriteFile(badCSV, []byte("pesel;kod_qr;kod_aktywacyjny;wygenerowano;wazny_do\n1;a\"b;c;d;e\n"), 0o600)
	tests := []struct{ name, file, pkg string }{
		{"missing column", noCode, pkg},
		{"broken CSV", badCSV, pkg},
		{"no such file", filepath.Join(dir, "none.csv"), pkg},
		{"no such package", noCode, filepath.Join(dir, "none.zip")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := Import(tc.file, []string{tc.pkg}, asOf, 0, nil); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestImportNeedsAPackageOfOneSchool(t *testing.T) {
	pkg, st := testPackage(t)
	path := codesFile(t, string(st[0].PESEL)+";Q;C;2025-09-15;;1")
	photos := filepath.Join(t.TempDir(), "photos")
	exporttest.WritePhotos(t, photos, st)
	other, err := export.WritePackage(t.TempDir(), "99999", asOf, st, photos)
	if err != nil {
		t.Fatal(err)
	}
	for name, pkgs := range map[string][]string{"no package": nil, "two schools": {pkg, other}} {
		if _, _, err := Import(path, pkgs, asOf, 0, nil); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestImportSeveralPackages joins rows against two nights' packages: each
// student is found in the package holding it, and a student sent on both
// nights takes the later package's data.
func TestImportSeveralPackages(t *testing.T) {
	st := exporttest.Students(3) // reverse PESEL order
	photos := filepath.Join(t.TempDir(), "photos")
	exporttest.WritePhotos(t, photos, st)
	out := t.TempDir()
	older, err := export.WritePackage(out, "12345", asOf, st[:2], photos)
	if err != nil {
		t.Fatal(err)
	}
	changed := slices.Clone(st[1:])
	changed[0].Class = "8Z"
	newer, err := export.WritePackage(out, "12345", asOf.AddDate(0, 0, 2), changed, photos)
	if err != nil {
		t.Fatal(err)
	}
	path := codesFile(t,
		string(st[0].PESEL)+";Q0;C0;2025-09-15;;1", // only in the older package
		string(st[1].PESEL)+";Q1;C1;2025-09-17;;1", // in both
		string(st[2].PESEL)+";Q2;C2;2025-09-17;;1", // only in the newer
	)
	store, rej, err := Import(path, []string{older, newer}, asOf, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	assertCodes(t, rej)
	classes := map[string]string{}
	for _, e := range store.Entries {
		classes[e.PESEL] = e.Class
	}
	want := map[string]string{string(st[0].PESEL): st[0].Class, string(st[1].PESEL): "8Z", string(st[2].PESEL): st[2].Class}
	if !maps.Equal(classes, want) {
		t.Errorf("classes %v, want %v", classes, want)
	}
	if store.School != "12345" || store.Package != filepath.Base(newer) {
		t.Errorf("store school %q package %q, want the newer package", store.School, store.Package)
	}
}

// TestImportAgainstState checks rows against what the state store says of
// each student's current issue.
func TestImportAgainstState(t *testing.T) {
	pkg, st := testPackage(t)
	p0, p1 := string(st[0].PESEL), string(st[1].PESEL)
	at := func(day, hour int) time.Time {
		return time.Date(2025, time.September, day, hour, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	}
	tests := []struct {
		name  string
		issue *Issue // nil: p1 unknown to the store
		want  []reject.Code
	}{
		{"unknown to the store", nil, []reject.Code{reject.CodesNotInPackage}},
		{"withdrawn or being reissued", &Issue{Sent: false, Packaged: at(10, 1)}, []reject.Code{reject.CodesStale}},
		{"generated before the reissue", &Issue{Sent: true, Packaged: at(16, 1)}, []reject.Code{reject.CodesStale}},
		{"generated on the day of packaging", &Issue{Sent: true, Packaged: at(15, 23)}, nil},
		{"generated after packaging", &Issue{Sent: true, Packaged: at(12, 1)}, nil},
		{"packaging time unknown", &Issue{Sent: true}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			issues := map[string]Issue{p0: {Sent: true, Packaged: at(15, 20)}}
			if tc.issue != nil {
				issues[p1] = *tc.issue
			}
			path := codesFile(t, p0+";QR0;CODE0;2025-09-15;;1", p1+";QR1;CODE1;2025-09-15 08:00;;1")
			store, rej, err := Import(path, []string{pkg}, asOf, 0, issues)
			if err != nil {
				t.Fatal(err)
			}
			assertCodes(t, rej, tc.want...)
			if n := len(store.Entries); n != 2-len(tc.want) || store.Entries[0].PESEL != p0 {
				t.Errorf("kept %d entries, want %d", n, 2-len(tc.want))
			}
			if len(rej) == 1 && (rej[0].Row != 3 || strings.Contains(rej[0].PESEL+rej[0].Detail, p1) || strings.Contains(rej[0].Detail, "CODE1")) {
				t.Errorf("rejection %+v", rej[0])
			}
		})
	}
}

func TestImportHeaderVariants(t *testing.T) {
	pkg, st := testPackage(t)
	path := filepath.Join(t.TempDir(), "k.csv")
	text := "\uFEFF Wazny_do;PESEL;kod_aktywacyjny;kod_qr;wygenerowano\n;" + string(st[0].PESEL) + ";C;Q;2025-09-15\n"
	os.WriteFile(path, []byte(text), 0o600)
	store, rej, err := Import(path, []string{pkg}, asOf, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	assertCodes(t, rej)
	if len(store.Entries) != 1 || store.Entries[0].QR != "Q" || store.Entries[0].Simulated {
		t.Errorf("entries %+v", store.Entries)
	}
}

func TestUpdateMerges(t *testing.T) {
	pkg, st := testPackage(t)
	p0, p1, p2 := string(st[0].PESEL), string(st[1].PESEL), string(st[2].PESEL)
	storePath := StorePath(t.TempDir())
	first := codesFile(t, p0+";A0;B0;2025-09-15;;1", p1+";A1;B1;2025-09-15;;1")
	second := codesFile(t, p0+";N0;M0;2025-09-16;;0", p1+";O1;P1;2025-09-14;;0", p2+";A2;B2;2025-09-15;;0")

	// A killed earlier save left its temporary file behind.
	if err := os.MkdirAll(filepath.Dir(storePath), 0o700); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(filepath.Dir(storePath), ".codes.json.tmp-123")
	if err := os.WriteFile(stale, []byte(`{"entr`), 0o600); err != nil {
		t.Fatal(err)
	}
	for i, file := range []string{first, second, second} { // the rerun must change nothing
		in, _, err := Import(file, []string{pkg}, asOf, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Update(storePath, in); err != nil {
			t.Fatalf("update %d: %v", i, err)
		}
	}
	got, err := Load(storePath)
	if err != nil {
		t.Fatal(err)
	}
	var qrs []string
	for _, e := range got.Entries {
		qrs = append(qrs, e.PESEL+"="+e.QR)
	}
	want := []string{p0 + "=N0", p1 + "=A1", p2 + "=A2"} // newer wins, older is ignored
	if !slices.Equal(qrs, want) {
		t.Errorf("merged %v, want %v", qrs, want)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temporary file still there: %v", err)
	}
	st2, err := os.Stat(storePath)
	if err != nil {
		t.Fatal(err)
	}
	if st2.Mode().Perm() != safefile.FileMode {
		t.Errorf("store mode %v", st2.Mode().Perm())
	}
}

func TestMergeOtherSchool(t *testing.T) {
	s := &Store{School: "1"}
	if err := s.Merge(&Store{School: "2"}); err == nil {
		t.Error("stores of two schools merged")
	}
}
