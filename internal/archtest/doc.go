// Package archtest holds the test that keeps the module's package graph
// the one docs/ARCHITECTURE.md describes ("Packages and what each may
// import"): each package imports only the module packages its row allows.
// It has no code of its own.
package archtest
