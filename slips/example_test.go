package slips_test

import (
	"fmt"

	"github.com/mlegit/mlegit/codes"
	"github.com/mlegit/mlegit/slips"
)

func ExampleGroupCode() {
	fmt.Println(slips.GroupCode("k7pm9xwq2rtd"))
	// Output: K7PM 9XWQ 2RTD
}

func ExampleFileName() {
	e := codes.Entry{PESEL: "11020312345", Surname: "Łęcka-Źdźbło", FirstName: "Żaneta", Class: "1b"}
	fmt.Println(slips.SafeName(e.Class) + "/" + slips.FileName(e))
	// Output: 1b/Łęcka-Źdźbło_Żaneta_1102xxxxx45.pdf
}

func ExampleSort() {
	es := []codes.Entry{
		{Class: "2a", Surname: "Ślusarz"}, {Class: "2a", Surname: "Sowa"},
		{Class: "10a", Surname: "Adamska"}, {Class: "2a", Surname: "Łukasz"}, {Class: "2a", Surname: "Lucyna"},
	}
	slips.Sort(es)
	for _, e := range es {
		fmt.Println(e.Class, e.Surname)
	}
	// Output:
	// 2a Lucyna
	// 2a Łukasz
	// 2a Sowa
	// 2a Ślusarz
	// 10a Adamska
}
