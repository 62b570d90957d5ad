package provisioning

import (
	"crypto/rand"
	"math/big"
)

// passwordClasses are the character classes a generated password draws
// from. Panels differ in what they demand (VirtFusion and Enhance want
// mixed case and digits); one of each class satisfies all four, and the
// symbols avoid characters that shells, URLs and JSON escape.
var passwordClasses = []string{
	"ABCDEFGHJKLMNPQRSTUVWXYZ",
	"abcdefghijkmnopqrstuvwxyz",
	"23456789",
	"-_.@%+",
}

// passwordLength gives about 110 bits of entropy.
const passwordLength = 20

// GeneratePassword returns a random password with at least one character
// of every class.
func GeneratePassword() (string, error) {
	all := ""
	for _, c := range passwordClasses {
		all += c
	}
	b := make([]byte, passwordLength)
	for i := range b {
		set := all
		if i < len(passwordClasses) {
			set = passwordClasses[i]
		}
		c, err := pick(set)
		if err != nil {
			return "", err
		}
		b[i] = c
	}
	// Shuffle so the guaranteed classes are not always in front.
	for i := len(b) - 1; i > 0; i-- {
		j, err := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		if err != nil {
			return "", err
		}
		b[i], b[j.Int64()] = b[j.Int64()], b[i]
	}
	return string(b), nil
}

func pick(set string) (byte, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(int64(len(set))))
	if err != nil {
		return 0, err
	}
	return set[n.Int64()], nil
}
