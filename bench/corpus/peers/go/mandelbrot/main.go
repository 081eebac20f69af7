// mandelbrot: how many points of an 800 x 800 grid over [-1.5, 0.5] x [-1, 1] stay
// within |z| <= 2 for 50 iterations of z = z^2 + c (the loop breaks on escape)
package main

import "fmt"

func inSet(cr, ci float64) bool {
	zr, zi := 0.0, 0.0
	inside := true
	for range 50 {
		tr := zr*zr - zi*zi + cr
		zi = 2.0*zr*zi + ci
		zr = tr
		if zr*zr+zi*zi > 4.0 {
			inside = false
			break
		}
	}
	return inside
}

func main() {
	const size = 800
	count := 0
	for y := range size {
		ci := float64(y)*2.0/size - 1.0
		for x := range size {
			if inSet(float64(x)*2.0/size-1.5, ci) {
				count++
			}
		}
	}
	fmt.Println(count)
}
