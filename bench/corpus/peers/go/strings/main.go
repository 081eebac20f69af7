// strings: string building and comparison: for 1,000,000 values of
// h = (31 h + i) mod 1000003 from h = 7, the 7-digit zero-padded text of h, its
// reverse (built from one-byte substrings), palindromes counted, the least and
// greatest texts kept by < and >, and all texts joined into lines cut at 60 bytes;
// prints greatest, least, palindromes, line count and the last line's length
package main

import (
	"fmt"
	"strconv"
)

func pad(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}

func reverse(s string) string {
	r := ""
	for k := range len(s) {
		r = s[k:k+1] + r
	}
	return r
}

func isPalindrome(s string) bool { return s == reverse(s) }

func main() {
	h := 7
	least, greatest := "9999999", ""
	palindromes, lines := 0, 0
	line := ""
	for i := range 1000000 {
		h = (h*31 + i) % 1000003
		s := pad(strconv.Itoa(h), 7)
		if isPalindrome(s) {
			palindromes++
		}
		if s < least {
			least = s
		}
		if s > greatest {
			greatest = s
		}
		line = line + s + ","
		if len(line) > 60 {
			lines++
			line = line[60:]
		}
	}
	fmt.Println(greatest + " " + least + " " + strconv.Itoa(palindromes) + " " + strconv.Itoa(lines) + " " + strconv.Itoa(len(line)))
}
