module github.com/mlegit/mlegit

go 1.26.8
