// Package scan holds the byte kernels of the streaming reader: maps of
// delimiters, quotes and line ends 64 bytes at a time (SWAR, or AVX2 with
// GOEXPERIMENT=simd), quote parity, span hashing and comparison, cache
// keys, trimming and UTF-8 checks.
//
// It imports nothing of this module.
package scan
