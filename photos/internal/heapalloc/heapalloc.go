// Package heapalloc measures heap allocations for the photo packages'
// memory tests: bytes allocated are deterministic for a given input,
// unlike time or RSS.
package heapalloc

import "runtime"

// Of returns the bytes f allocates on the heap.
func Of(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
