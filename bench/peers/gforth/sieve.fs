\ sieve: number of primes up to 10,000,000 = 664579, with an array of 10M flags
10000000 constant n
n 1+ allocate throw constant flags     \ one byte flag per number 0..n
flags n 1+ erase

: sieve ( -- count )
  0
  n 1+ 2 do
    flags i + c@ 0= if
      1+
      i i * n <= if
        n 1+ i i * do  1 flags i + c!  j +loop
      then
    then
  loop ;

sieve 0 .r cr
bye
