package provisioning

import (
	"strings"
	"testing"
)

func TestGeneratePasswordHasEveryClass(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		pw, err := GeneratePassword()
		if err != nil {
			t.Fatal(err)
		}
		if len(pw) != passwordLength {
			t.Fatalf("%q is %d long, want %d", pw, len(pw), passwordLength)
		}
		for _, class := range passwordClasses {
			if !strings.ContainsAny(pw, class) {
				t.Fatalf("%q has nothing from %q", pw, class)
			}
		}
		if seen[pw] {
			t.Fatalf("%q generated twice", pw)
		}
		seen[pw] = true
	}
}
