package main

import (
	"os"
	"runtime"
	"syscall"
	"unsafe"
)

// prepareHeap readies n bytes of heap backed by huge pages (2 MiB), when
// the kernel gives them on request (transparent_hugepage "madvise", the
// common default, or "always"): the heap is grown by n bytes it does not
// touch, the region is advised MADV_HUGEPAGE and handed back, and the
// allocations that follow reuse it lowest address first. On a virtual
// machine each new 4 KiB page is a fault of several microseconds: a
// default run touches about 80 MiB, 20,000 faults, a third of its time;
// in 2 MiB pages, a few dozen. Resident memory is rounded up to 2 MiB
// (count on 10 million rows: 56-58 MB either way). SYNTHESE_HUGEPAGES=0
// turns it off.
func prepareHeap(n int) {
	if os.Getenv("SYNTHESE_HUGEPAGES") == "0" {
		return
	}
	const huge = 2 << 20
	b := make([]byte, n) // fresh from the system: mapped, never written
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo, hi := (start+huge-1)&^(huge-1), (start+uintptr(n))&^(huge-1)
	if hi > lo {
		const madvHugepage = 14
		syscall.Syscall(syscall.SYS_MADVISE, lo, hi-lo, madvHugepage)
	}
	runtime.KeepAlive(b)
	b = nil
	runtime.GC()
}
