//go:build linux || darwin || freebsd || netbsd || openbsd

package main

import "syscall"

// mapBlock returns n bytes of anonymous private memory from the system, or
// nil if it cannot be had.
func mapBlock(n int) []byte {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil
	}
	return b
}
