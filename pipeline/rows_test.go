package pipeline

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/nhs-talking-therapies/deid/schemas"
)

// TestResolveColsFollowsNames: the steps fill rows by column name, so with
// every schema's columns in reverse order each resolved place moves to the
// mirrored position (every value still lands in its named column), and a
// column inserted mid-dataset that no step fills stops the extract at
// setup instead of shifting the values after it.
func TestResolveColsFollowsNames(t *testing.T) {
	want, err := resolveCols(schemas.Lookup)
	if err != nil {
		t.Fatalf("the steps and the schemas disagree: %v", err)
	}
	reversed := func(name string) (schemas.Dataset, bool) {
		ds, ok := schemas.Lookup(name)
		ds.Columns = slices.Clone(ds.Columns)
		slices.Reverse(ds.Columns)
		return ds, ok
	}
	got, err := resolveCols(reversed)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	wv, gv := reflect.ValueOf(want), reflect.ValueOf(got)
	for d := range wv.NumField() {
		n := int(wv.Field(d).FieldByName("n").Int())
		var walk func(w, g reflect.Value, path string)
		walk = func(w, g reflect.Value, path string) {
			for f := range w.NumField() {
				name := path + "." + w.Type().Field(f).Name
				if w.Field(f).Kind() == reflect.Struct {
					walk(w.Field(f), g.Field(f), name)
					continue
				}
				if w.Type().Field(f).Name == "n" {
					continue
				}
				if wi, gi := int(w.Field(f).Int()), int(g.Field(f).Int()); gi != n-1-wi {
					t.Errorf("%s: place %d in the reversed schema, want %d", name, gi, n-1-wi)
				}
				checked++
			}
		}
		walk(wv.Field(d), gv.Field(d), wv.Type().Field(d).Name)
	}
	if checked < 60 {
		t.Errorf("checked only %d columns", checked)
	}

	inserted := func(name string) (schemas.Dataset, bool) {
		ds, ok := schemas.Lookup(name)
		if name == "sessions" {
			ds.Columns = slices.Insert(slices.Clone(ds.Columns), 2, schemas.Column{Name: "room", Type: schemas.String, Nullable: true})
		}
		return ds, ok
	}
	if _, err := resolveCols(inserted); err == nil || !strings.Contains(err.Error(), "dataset sessions: column room is given no value") {
		t.Errorf("a column inserted in sessions: err = %v, want it named", err)
	}
}
