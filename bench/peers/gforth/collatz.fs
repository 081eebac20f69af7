\ collatz: the start below 1,000,000 with the longest Collatz chain = 837799
: steps ( n -- s )
  0 swap                        ( s n )
  begin dup 1 <> while
    dup 2 mod 0= if 2 / else 3 * 1+ then
    swap 1+ swap
  repeat drop ;

: longest ( -- start )
  0 0                           ( best bestlen )
  1000000 1 do
    i steps                     ( best bestlen len )
    2dup < if nip nip i swap else drop then
  loop drop ;

longest 0 .r cr
bye
