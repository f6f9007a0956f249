// Package xlsxtest writes small XLSX workbooks for tests (shared strings,
// dates, sparse rows), so that tests can build the workbooks they read.
//
// Tests only; it imports nothing of this module.
package xlsxtest
