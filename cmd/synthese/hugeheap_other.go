//go:build !linux

package main

// prepareHeap: huge pages are asked for on Linux only.
func prepareHeap(int) {}
