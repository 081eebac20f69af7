// loop: sum of 0..299999999 = 44999999850000000
package main

import "fmt"

func main() {
	s := 0
	for i := 0; i < 300000000; i++ {
		s += i
	}
	fmt.Println(s)
}
