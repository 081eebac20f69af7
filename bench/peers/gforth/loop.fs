\ loop: sum of 0..299999999 = 44999999850000000 (64-bit cells)
: sum ( -- n )  0  300000000 0 do i + loop ;

sum 0 .r cr
bye
