// nbody: the Benchmarks Game n-body simulation of the Sun and the four giant
// planets, 250,000 steps of 0.01; prints the energy before and after to 9 decimals
package main

import (
	"fmt"
	"math"
)

const daysPerYear = 365.24

// pi is a variable so that solarMass is computed in float64, as in the other
// languages (a Go constant expression would be exact, then rounded once).
var (
	pi        = math.Pi
	solarMass = 4.0 * pi * pi
)

type body struct{ x, y, z, vx, vy, vz, mass float64 }

func newBody(x, y, z, vx, vy, vz, m float64) *body {
	return &body{x, y, z, vx * daysPerYear, vy * daysPerYear, vz * daysPerYear, m * solarMass}
}

func system() []*body {
	return []*body{
		newBody(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0),
		newBody(4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
			1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05,
			9.54791938424326609e-04),
		newBody(8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
			-2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05,
			2.85885980666130812e-04),
		newBody(1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
			2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05,
			4.36624404335156298e-05),
		newBody(1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
			2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05,
			5.15138902046611451e-05),
	}
}

func offsetMomentum(bodies []*body) {
	px, py, pz := 0.0, 0.0, 0.0
	for _, b := range bodies {
		px += b.vx * b.mass
		py += b.vy * b.mass
		pz += b.vz * b.mass
	}
	sun := bodies[0]
	sun.vx = -px / solarMass
	sun.vy = -py / solarMass
	sun.vz = -pz / solarMass
}

func energy(bodies []*body) float64 {
	e := 0.0
	for i, b := range bodies {
		e += 0.5 * b.mass * (b.vx*b.vx + b.vy*b.vy + b.vz*b.vz)
		for _, c := range bodies[i+1:] {
			dx, dy, dz := b.x-c.x, b.y-c.y, b.z-c.z
			e -= b.mass * c.mass / math.Sqrt(dx*dx+dy*dy+dz*dz)
		}
	}
	return e
}

func advance(bodies []*body, dt float64) {
	for i, b := range bodies {
		for _, c := range bodies[i+1:] {
			dx, dy, dz := b.x-c.x, b.y-c.y, b.z-c.z
			d2 := dx*dx + dy*dy + dz*dz
			mag := dt / (d2 * math.Sqrt(d2))
			bm, cm := b.mass, c.mass
			b.vx -= dx * cm * mag
			b.vy -= dy * cm * mag
			b.vz -= dz * cm * mag
			c.vx += dx * bm * mag
			c.vy += dy * bm * mag
			c.vz += dz * bm * mag
		}
	}
	for _, b := range bodies {
		b.x += dt * b.vx
		b.y += dt * b.vy
		b.z += dt * b.vz
	}
}

func main() {
	bodies := system()
	offsetMomentum(bodies)
	before := energy(bodies)
	for range 250000 {
		advance(bodies, 0.01)
	}
	fmt.Printf("%.9f %.9f\n", before, energy(bodies))
}
