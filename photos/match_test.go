package photos

import (
	"slices"
	"testing"

	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/student"
)

func stud(p, surname, first, second, class string) student.Student {
	return student.Student{PESEL: pesel.PESEL(p), Surname: surname, FirstName: first, SecondName: second, Class: class, File: "lista.csv"}
}

var (
	kaminski = stud("11210110089", "Kamiński", "Paweł", "", "1b")
	nowak    = stud("10220101074", "Nowak-Żółkiewska", "Anna", "Łucja", "2A")
	twin1    = stud("09210405010", "Wiśniewski", "Jan", "", "3c")
	twin2    = stud("11240508122", "Wiśniewski", "Jan", "", "3c")
	kowal    = stud("11230706093", "Kowalski", "Jan", "Maria", "1b")
)

// outcome is the per-student result of Match: a file name or a code.
func outcome(t *testing.T, r MatchResult, s student.Student) string {
	t.Helper()
	for _, m := range r.Matched {
		if m.Student.PESEL == s.PESEL {
			return m.File
		}
	}
	for _, rj := range r.Rejected {
		if rj.PESEL == pesel.Masked(string(s.PESEL)) {
			if rj.Message != rj.Code.Message() || rj.Name == "" {
				t.Errorf("rejection of %s incomplete: %+v", s.Surname, rj)
			}
			return string(rj.Code)
		}
	}
	t.Fatalf("student %s neither matched nor rejected", s.Surname)
	return ""
}

func TestMatch(t *testing.T) {
	tests := []struct {
		name      string
		students  []student.Student
		files     []string
		want      map[pesel.PESEL]string // file or code
		unmatched []string
	}{
		{"first surname class", []student.Student{kaminski}, []string{"Paweł Kamiński 1b.JPG"},
			map[pesel.PESEL]string{kaminski.PESEL: "Paweł Kamiński 1b.JPG"}, nil},
		{"underscores lower case", []student.Student{kaminski}, []string{"kamiński_paweł_1B.jpeg"},
			map[pesel.PESEL]string{kaminski.PESEL: "kamiński_paweł_1B.jpeg"}, nil},
		{"kl. noise upper surname", []student.Student{kaminski}, []string{"KAMIŃSKI Paweł kl. 1b.jpg"},
			map[pesel.PESEL]string{kaminski.PESEL: "KAMIŃSKI Paweł kl. 1b.jpg"}, nil},
		{"no diacritics dashes", []student.Student{kaminski}, []string{"Kaminski-Pawel-1b.jpg"},
			map[pesel.PESEL]string{kaminski.PESEL: "Kaminski-Pawel-1b.jpg"}, nil},
		{"klasa and split class", []student.Student{kaminski}, []string{"Kamiński Paweł klasa 1 B.png"},
			map[pesel.PESEL]string{kaminski.PESEL: "Kamiński Paweł klasa 1 B.png"}, nil},
		{"decomposed unicode", []student.Student{kaminski}, []string{"Kamin\u0301ski Pawe\u0142 1b.jpg"},
			map[pesel.PESEL]string{kaminski.PESEL: "Kamin\u0301ski Pawe\u0142 1b.jpg"}, nil},
		{"PESEL name any case ext", []student.Student{kaminski}, []string{"11210110089.JpEg"},
			map[pesel.PESEL]string{kaminski.PESEL: "11210110089.JpEg"}, nil},
		{"second name present", []student.Student{nowak}, []string{"nowak zolkiewska anna lucja 2a.jpg"},
			map[pesel.PESEL]string{nowak.PESEL: "nowak zolkiewska anna lucja 2a.jpg"}, nil},
		{"second name absent", []student.Student{nowak}, []string{"Anna NOWAK-ŻÓŁKIEWSKA 2A.jpg"},
			map[pesel.PESEL]string{nowak.PESEL: "Anna NOWAK-ŻÓŁKIEWSKA 2A.jpg"}, nil},
		{"wrong class unmatched", []student.Student{kaminski}, []string{"Paweł Kamiński 2b.jpg"},
			map[pesel.PESEL]string{kaminski.PESEL: string(reject.PhotoMissing)}, []string{"Paweł Kamiński 2b.jpg"}},
		{"missing class unmatched", []student.Student{kaminski}, []string{"Paweł Kamiński.jpg"},
			map[pesel.PESEL]string{kaminski.PESEL: string(reject.PhotoMissing)}, []string{"Paweł Kamiński.jpg"}},
		{"extra word unmatched", []student.Student{kaminski}, []string{"Paweł Kamiński 1b nowe.jpg"},
			map[pesel.PESEL]string{kaminski.PESEL: string(reject.PhotoMissing)}, []string{"Paweł Kamiński 1b nowe.jpg"}},
		{"file fits two students", []student.Student{twin1, twin2}, []string{"Jan Wiśniewski 3c.jpg"},
			map[pesel.PESEL]string{twin1.PESEL: string(reject.PhotoAmbiguous), twin2.PESEL: string(reject.PhotoAmbiguous)}, nil},
		{"two files one student", []student.Student{kaminski}, []string{"Paweł Kamiński 1b.jpg", "Kaminski Pawel 1b (1).jpg", "Kamiński_Paweł_1b.png"},
			map[pesel.PESEL]string{kaminski.PESEL: string(reject.PhotoAmbiguous)}, []string{"Kaminski Pawel 1b (1).jpg"}},
		{"PESEL wins over name", []student.Student{kaminski}, []string{"Paweł Kamiński 1b.jpg", "11210110089.jpg"},
			map[pesel.PESEL]string{kaminski.PESEL: "11210110089.jpg"}, nil},
		{"PESEL resolves twins", []student.Student{twin1, twin2}, []string{"Jan Wiśniewski 3c.jpg", "09210405010.jpg"},
			map[pesel.PESEL]string{twin1.PESEL: "09210405010.jpg", twin2.PESEL: string(reject.PhotoAmbiguous)}, nil},
		{"two PESEL files", []student.Student{kaminski}, []string{"11210110089.jpg", "11210110089.png"},
			map[pesel.PESEL]string{kaminski.PESEL: string(reject.PhotoAmbiguous)}, nil},
		{"unknown PESEL unmatched", []student.Student{kaminski}, []string{"10220101074.jpg"},
			map[pesel.PESEL]string{kaminski.PESEL: string(reject.PhotoMissing)}, []string{"10220101074.jpg"}},
		{"non-images ignored", []student.Student{kaminski}, []string{"Thumbs.db", ".DS_Store", "lista.txt", "._Paweł Kamiński 1b.jpg", "Paweł Kamiński 1b.txt"},
			map[pesel.PESEL]string{kaminski.PESEL: string(reject.PhotoMissing)}, nil},
		{"heic still matched", []student.Student{kaminski}, []string{"Paweł Kamiński 1b.HEIC"},
			map[pesel.PESEL]string{kaminski.PESEL: "Paweł Kamiński 1b.HEIC"}, nil},
		{"same first name other class", []student.Student{kaminski, kowal}, []string{"Jan Kowalski 1b.jpg", "Jan Maria Kowalski 1b.jpg"},
			map[pesel.PESEL]string{kowal.PESEL: string(reject.PhotoAmbiguous), kaminski.PESEL: string(reject.PhotoMissing)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Match(tt.students, tt.files)
			for _, s := range tt.students {
				want, ok := tt.want[s.PESEL]
				if !ok {
					continue
				}
				if got := outcome(t, r, s); got != want {
					t.Errorf("%s %s: got %q, want %q", s.FirstName, s.Surname, got, want)
				}
			}
			if !slices.Equal(r.Unmatched, tt.unmatched) {
				t.Errorf("unmatched = %q, want %q", r.Unmatched, tt.unmatched)
			}
			if n := len(r.Matched) + len(r.Rejected); n != len(tt.students) {
				t.Errorf("%d students accounted for, want %d", n, len(tt.students))
			}
		})
	}
}

func TestMatchDetailMasksPESEL(t *testing.T) {
	r := Match([]student.Student{kaminski}, []string{"11210110089.jpg", "11210110089.png"})
	if len(r.Rejected) != 1 {
		t.Fatalf("rejected = %+v", r.Rejected)
	}
	if d := r.Rejected[0].Detail; d == "" || containsDigits11(d) {
		t.Errorf("detail %q must name the files with the PESEL masked", d)
	}
}

func containsDigits11(s string) bool { return digitRun.MatchString(s) }

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"KAMIŃSKI Paweł kl.1b", []string{"kaminski", "pawel", "kl", "1b"}},
		{"Żółć-Łęgowska_Ewa", []string{"zolc", "legowska", "ewa"}},
		{"  ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := tokenize(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("tokenize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
