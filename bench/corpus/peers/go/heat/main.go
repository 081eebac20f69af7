// heat: 2D heat diffusion, Jacobi steps of the 5-point stencil on a 200 x 200
// float grid held in one flat slice (row-major), top edge at 100.0, the others at
// 0.0, 300 steps; prints the total heat to 6 decimals
package main

import "fmt"

func grid(w, h int) []float64 { return make([]float64, w*h) }

func heatTop(g []float64, w int) {
	for k := range w {
		g[k] = 100.0
	}
}

// step does one Jacobi step from old into new, interior cells only.
func step(old, new []float64, w, h int) {
	for i := 1; i < h-1; i++ {
		row := i * w
		for j := 1; j < w-1; j++ {
			k := row + j
			new[k] = (old[k-1] + old[k+1] + old[k-w] + old[k+w]) * 0.25
		}
	}
}

func total(g []float64) float64 {
	s := 0.0
	for _, x := range g {
		s += x
	}
	return s
}

func main() {
	const w, h = 200, 200
	a, b := grid(w, h), grid(w, h)
	heatTop(a, w)
	heatTop(b, w)
	for range 150 {
		step(a, b, w, h)
		step(b, a, w, h)
	}
	fmt.Printf("%.6f\n", total(a))
}
