package photos

import (
	"fmt"
	"os"
	"testing"

	"github.com/mlegit/mlegit/student"
)

// BenchmarkNormalize12MP normalises a 12 MP (3000x4000) photo-like JPEG to
// the default profile, the cost that dominates a school's run.
func BenchmarkNormalize12MP(b *testing.B) {
	var data []byte
	if f := os.Getenv("BENCH_PHOTO"); f != "" { // a real photo, if given
		var err error
		if data, err = os.ReadFile(f); err != nil {
			b.Fatal(err)
		}
	} else {
		data = encJPEG(b, photoLike(3000, 4000, 1), 92)
	}
	p := DefaultProfiles()[DefaultProfile]
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Normalize(data, p, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatch1000 pairs a 1000-student school, where one surname is
// shared by everyone, with 1000 photo files.
func BenchmarkMatch1000(b *testing.B) {
	var ss []student.Student
	var files []string
	for i := range 1000 {
		s := stud(fmt.Sprintf("%011d", i), "Nowak", letters(i)+"a", "", fmt.Sprintf("%da", i%8))
		ss = append(ss, s)
		files = append(files, fmt.Sprintf("%s %s %s.jpg", s.FirstName, s.Surname, s.Class))
	}
	for b.Loop() {
		Match(ss, files)
	}
}

// letters spells n in base 26 with a–z.
func letters(n int) string {
	var b []byte
	for {
		b = append(b, byte('a'+n%26))
		if n /= 26; n == 0 {
			return string(b)
		}
	}
}
